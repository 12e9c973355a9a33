"""The cluster test's chaos and recovery: a worker killed while it runs a bulletin, web node 1
killed, then the sweep re-queueing what the dead worker held (``bench.cluster``, steps 4 and 5)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.cluster_setup import DEPLOY, Cast, Processes, run_step, say
from bench.cluster_traffic import Browser, Tally, start_bulletin

MONTH = "2025-12"  # the bulletins asked for: the generated province's last month
WORKERS = ("cluster-w1", "cluster-w2")


def at_text(seconds: float | None) -> str:
    """A moment of the run, in seconds from the start of the traffic ("—": it did not happen)."""
    return "—" if seconds is None else f"{seconds:.1f} s"


@dataclass
class Chaos:
    """What was stopped, when, and what it held."""

    worker_killed: str = ""
    worker_killed_at: float | None = None
    stuck: set[str] = field(default_factory=set)
    node_killed_at: float | None = None
    notes: list[str] = field(default_factory=list)


def task_of(job_id: str):
    from django_tasks_db.models import DBTaskResult

    from reports.models import ReportJob

    task_id = ReportJob.objects.filter(pk=job_id).values_list("task_id", flat=True).first()
    return DBTaskResult.objects.filter(pk=task_id).only("status", "worker_ids").first() if task_id else None


def kill_a_worker_mid_job(processes: Processes, browser: Browser, province: str, out: Chaos) -> None:
    """Ask for a bulletin and kill the worker that takes it while it runs it.

    A bulletin of this small province takes a few tenths of a second, too short to aim a
    kill at; so this driver holds the new job's row (``SELECT … FOR UPDATE``, as a slow
    statement would) and the worker that claims the task waits on it, RUNNING, until it is
    killed. Should a worker take the job before the row is held, another job is asked for."""
    from django.db import transaction
    from django_tasks.base import TaskResultStatus

    from reports.models import JobStatus, ReportJob

    for _attempt in range(5):
        job = start_bulletin(browser, province, MONTH)
        if job is None:
            continue
        with transaction.atomic():
            if not ReportJob.objects.select_for_update().filter(pk=job, status=JobStatus.QUEUED).exists():
                continue  # a worker was quicker: try again
            deadline = time.monotonic() + 15
            while (task := task_of(job)) is None or task.status != TaskResultStatus.RUNNING:
                if time.monotonic() > deadline:
                    out.notes.append(f"no worker took job {job} within 15 s")
                    return
                time.sleep(0.1)
            out.worker_killed = task.worker_ids[-1]
            name = f"worker-{WORKERS.index(out.worker_killed) + 1}"
            processes.kill(name)
            out.worker_killed_at = time.monotonic() - browser.tally.started
            processes.running[name].wait(10)
        out.stuck = {job for _task, job in running_on(out.worker_killed)}
        return
    out.notes.append("five bulletins in a row finished before their row could be held")


def running_on(worker: str) -> list[tuple[str, str]]:
    """(task id, job id) of each task RUNNING whose last claim is ``worker``'s."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids", "args_kwargs")
    return [(str(t.id), t.args_kwargs["args"][0]) for t in tasks if t.worker_ids and t.worker_ids[-1] == worker]


def chaos(processes: Processes, cluster: Cast, port: int, tally: Tally, plan, stop: threading.Event, out: Chaos):
    """A worker killed mid-job at a third of the run, web node 1 killed at half of it."""
    from django.db import connection

    browser = Browser(port, cluster.admin, tally)
    try:
        if stop.wait(max(0.0, plan.kill_worker_at - (time.monotonic() - tally.started))):
            return
        kill_a_worker_mid_job(processes, browser, cluster.province, out)
        say(
            f"killed {out.worker_killed or 'no worker'} (SIGKILL) at {at_text(out.worker_killed_at)}, "
            f"holding job(s) {sorted(out.stuck) or 'none'}"
        )
        # Then web node 1, the whole process group, as a machine that stops.
        if stop.wait(max(0.0, plan.kill_node_at - (time.monotonic() - tally.started))):
            return
        processes.kill("web-1")
        out.node_killed_at = time.monotonic() - tally.started
        say(f"killed web node 1 (SIGKILL, arbiter and workers) at {out.node_killed_at:.1f} s")
    except Exception as exc:  # reported, and the run fails on it
        out.notes.append(f"chaos: {type(exc).__name__}: {exc}")
    finally:
        browser.close()
        connection.close()


def wait_for(condition, limit: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def recover(environment: dict[str, str], logs: Path, out: Chaos) -> str:
    """Once the live worker is idle, the sweep re-queues what the dead one held; wait for it."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from reports.models import FINISHED_JOB_STATES, ReportJob

    def idle() -> bool:
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
        others = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() - len(out.stuck)
        return not waiting and others <= 0

    if not wait_for(idle, 90):
        out.notes.append("the live worker was still busy 90 s after the traffic ended")
    swept = run_step(
        "sweep",
        ["/bin/sh", str(DEPLOY / "sweep.sh")],
        {**environment, "SWEEP_STUCK_MINUTES": "0", "SWEEP_KEEP_DAYS": "30"},
        logs,
        timeout=60,
    )
    say(f"sweep (deploy/sweep.sh, SWEEP_STUCK_MINUTES=0): {swept}")
    if not wait_for(lambda: not ReportJob.objects.exclude(status__in=FINISHED_JOB_STATES).exists(), 90):
        out.notes.append("jobs were still unfinished 90 s after the sweep")
    return swept
