"""CPU time of the server side of a load test: the gunicorn workers and their PostgreSQL backends.

Read from ``/proc`` (Linux), so only where the database runs on this machine; backends are
found by the ``application_name`` their connections carry.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process, from /proc (None when it is gone or not visible)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


class CpuMeter:
    """CPU seconds used by the gunicorn workers and by their PostgreSQL backends during the run.

    Sampled every half second, so that a process that ends (a backend whose connection aged
    out) keeps what it used until its last sample; a process first seen after the start counts
    from zero."""

    def __init__(self, server_pid: int, application_name: str) -> None:
        self.server_pid = server_pid
        self.application_name = application_name
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.started = False
        self.stop = threading.Event()
        self.backends_visible = False

    def _backend_pids(self) -> list[int]:
        from django.db import connection

        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [self.application_name])
            return [pid for (pid,) in cursor.fetchall()]

    def sample(self) -> None:
        pids = [("app", pid) for pid in _children(self.server_pid)] + [("db", pid) for pid in self._backend_pids()]
        for key in pids:
            seconds = _cpu_seconds(key[1])
            if seconds is None:
                continue
            self.backends_visible |= key[0] == "db"
            self.first.setdefault(key, seconds if not self.started else 0.0)
            self.last[key] = seconds
        self.started = True

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.sample()

    def used(self) -> dict[str, float | None]:
        totals = {"app": 0.0, "db": 0.0}
        for key, seconds in self.last.items():
            totals[key[0]] += seconds - self.first[key]
        return {"app": totals["app"], "db": totals["db"] if self.backends_visible else None}
