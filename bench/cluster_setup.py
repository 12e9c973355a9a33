"""The cluster test's pieces around the run (bench/cluster.py): the processes it starts, their
environment, the fresh database with a small province, the users signed in, and the rows read
before and after.

Every process is started by its own deployment script (``deploy/*.sh``) as the leader of a
process group of its own, so that a node can be killed whole, as a machine that stops, and so
that nothing outlives the run.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import env
from bench.cluster_check import Job, Row, Stored
from bench.cluster_traffic import Slot

HOST = "127.0.0.1"
DEPLOY = env.PROJECT_DIR / "deploy"
BIN = Path(sys.executable).parent
YEAR = 2025  # the generated province's last year: its open assessments are saved into


STARTED = time.monotonic()


def say(text: str) -> None:
    """A progress line stamped with the seconds since the start (Django sets the process's
    time zone when it starts, so wall-clock stamps would jump)."""
    print(f"[{time.monotonic() - STARTED:6.1f} s] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# --- Processes ------------------------------------------------------------------------------


@dataclass
class Processes:
    """Every process the run started, each the leader of its own process group."""

    logs: Path
    running: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, argv: list[str], environment: dict[str, str]) -> subprocess.Popen:
        with (self.logs / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - our own deployment scripts
                argv, cwd=env.PROJECT_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal the process's whole group (a gunicorn node: its arbiter and workers); never a
        group whose leader was already reaped, whose number may since belong to someone else."""
        process = self.running[name]
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)

    def stop_all(self, grace: float = 10.0) -> None:
        for name in list(self.running):
            self.kill(name, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for name, process in list(self.running.items()):
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.kill(name, signal.SIGKILL)
                process.wait(5)
            self.running.pop(name, None)


def run_step(name: str, argv: list[str], environment: dict[str, str], logs: Path, timeout: float) -> str:
    """A one-shot step; its output is kept in the logs; fails the run when it fails."""
    result = subprocess.run(  # noqa: S603 - our own scripts and manage.py
        argv, cwd=env.PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )
    (logs / f"{name}.log").write_text(result.stdout + result.stderr)
    if result.returncode:
        raise SystemExit(f"{name} failed (exit {result.returncode}); see {logs / (name + '.log')}")
    return result.stdout.strip()


def wait_healthy(port: int, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the web node on {HOST}:{port} did not answer /healthz/ within {limit:g} s")


# --- Set-up ---------------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    """Drop and create the cluster test's own database, and no other."""
    env.recreate_postgres(url, allowed="ntm_cluster")


def production_environment(url: str, proxy_port: int, results: Path) -> dict[str, str]:
    """What every node, worker and step gets: production settings behind a TLS proxy."""
    return {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{proxy_port}",
        "SECURE_PROXY_SSL_HEADER": "1",
        "PROXY_COUNT": "1",
        "STATIC_ROOT": str(env.RESULTS_DIR / "static"),  # shared with the other benchmarks: collected once
        # Shared by every node and worker, as an NFS mount would be (README "Several nodes").
        "MEDIA_ROOT": str(results / "media"),
        # The officers save far more often than people do; the limits are not under test here.
        "API_RATE_USER": "100000/minute",
        "API_RATE_WRITE": "100000/minute",
        "LOG_LEVEL": "WARNING",
        "PYTHON": str(BIN / "python"),
        "GUNICORN": str(BIN / "gunicorn"),
        "DJANGO_SETTINGS_MODULE": "ntm_portal.settings",
    }


def set_up(environment: dict[str, str], logs: Path) -> None:
    url = environment["DATABASE_URL"]
    recreate_database(url)
    say("release step: deploy/release.sh (check --deploy, migrate, createcachetable, load_catalog)")
    run_step("release", ["/bin/sh", str(DEPLOY / "release.sh")], environment, logs, timeout=300)
    manage = [str(BIN / "python"), "manage.py"]
    run_step("collectstatic", [*manage, "collectstatic", "--noinput", "-v0"], environment, logs, timeout=180)
    # This process reads and writes the database with Django too: the same settings and key.
    for name in ("SECRET_KEY", "STATIC_ROOT", "MEDIA_ROOT", "PROXY_COUNT", "SECURE_PROXY_SSL_HEADER"):
        os.environ[name] = environment[name]
    env.configure(url, hosts=HOST)
    from bench import generate

    say("a small province: bench.generate pieces, 40 communes, 2021-2025")
    options = generate.Options("cluster", url, 2026, history=True, fresh=True, verify=0)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        generate.load(options, generate.Clock())
        generate.analyze(options)
    (logs / "generate.log").write_text(out.getvalue())


@dataclass
class Cast:
    slots: list[Slot]
    members: list[tuple[str, str]]  # (unit code, session)
    province: str
    admin: str  # a superuser's session: the chaos thread's own bulletins, apart from the members' rate limit


def cast(officers: int) -> Cast:
    """Officers of 2025 assessments open for entry, each with one value that is neither derived nor
    yes/no (any number 0-100 is a valid value), and every district's committee member and the
    province office member, each signed in (sessions written as ``login`` writes them)."""
    from django.contrib.auth import get_user_model

    from bench.loadtest import _session_for
    from communes.models import AdministrativeUnit, Level, Membership, Role
    from criteria.models import EDITABLE_STATES, Assessment, Indicator

    editable = (
        Assessment.objects.filter(year=YEAR, state__in=EDITABLE_STATES, merged_into=None)
        .select_related("unit")
        .order_by("unit__code", "tier")
    )
    slots = []
    for assessment in editable:
        if len(slots) == officers:
            break
        indicator = (
            Indicator.objects.filter(
                criteria_set_id=assessment.criteria_set_id,
                value_type="percent",
                derived="",
                comparison__in=["gte", "lte"],
            )
            .order_by("criterion__number", "position")
            .first()
        )
        if indicator is None:
            continue
        officer = Membership.objects.get(unit=assessment.unit, role=Role.COMMUNE_OFFICER).user
        slots.append(Slot(assessment.pk, indicator.code, (_session_for(officer), _session_for(officer))))
    if len(slots) < officers:
        raise SystemExit(f"only {len(slots)} 2025 assessments open for entry; --officers {officers} asked")
    members = []
    for unit in AdministrativeUnit.objects.filter(level__in=[Level.PROVINCE, Level.DISTRICT]).order_by("code"):
        role = Role.PROVINCE_OFFICE if unit.level == Level.PROVINCE else Role.DISTRICT_COMMITTEE
        member = Membership.objects.get(unit=unit, role=role).user
        members.append((unit.code, _session_for(member)))
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE)
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    return Cast(slots, members, province.code, _session_for(admin))


def stored_values(slots: list[Slot]) -> dict[tuple[int, str], Stored]:
    from criteria.models import IndicatorValue
    from criteria.services.recording import canonical as _canonical

    found = {}
    for slot in slots:
        stored = (
            IndicatorValue.objects.filter(assessment_id=slot.assessment, indicator__code=slot.code)
            .only("value_decimal", "value_bool", "note", "version")
            .first()
        )
        key = (slot.assessment, slot.code)
        found[key] = Stored(_canonical(stored.value), stored.note, stored.version) if stored else Stored("", "", 0)
    return found


def last_history_id() -> int:
    from criteria.models import HistoryEntry

    return HistoryEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def history_since(first_id: int, slots: list[Slot]) -> dict[tuple[int, str], list[Row]]:
    from criteria.models import HistoryEntry

    wanted = {(s.assessment, s.code) for s in slots}
    rows: dict[tuple[int, str], list[Row]] = {key: [] for key in wanted}
    entries = (
        HistoryEntry.objects.filter(pk__gt=first_id, kind="value", assessment_id__in=[s.assessment for s in slots])
        .select_related("indicator")
        .order_by("pk")
    )
    for entry in entries:
        key = (entry.assessment_id, entry.indicator.code)
        if key in rows:
            rows[key].append(Row(entry.new_value, entry.new_note, entry.old_value, entry.old_note))
    return rows


def stored_jobs() -> list[Job]:
    from django_tasks_db.models import DBTaskResult

    from reports.models import ReportJob

    tasks = {str(t.id): t for t in DBTaskResult.objects.all()}
    jobs = []
    for job in ReportJob.objects.all():
        task = tasks.get(job.task_id)
        jobs.append(
            Job(
                str(job.pk),
                job.status,
                task.status if task else "(no task)",
                tuple(task.worker_ids) if task else (),
                bool(job.result) and Path(job.result.path).is_file(),
                job.error,
            )
        )
    return jobs
