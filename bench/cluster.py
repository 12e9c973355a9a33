"""Several nodes, tested: two web nodes and two workers on one PostgreSQL behind a proxy.

    make cluster-test                      # = python -m bench.cluster
    python -m bench.cluster --run-time 30 --officers 4 --jobs 10

1. Set-up (about 25 s): a fresh PostgreSQL database ``ntm_cluster`` on 127.0.0.1:5432
   (dropped and created), the release step ``deploy/release.sh`` (check --deploy, migrate,
   cache table, catalog), ``collectstatic``, and a small generated province (``bench.generate``
   pieces: 40 communes, 2021–2025).
2. The cluster, each piece started by its own deployment script with production settings:
   two web nodes (``deploy/web.sh``, gunicorn on 127.0.0.1), two workers (``deploy/worker.sh``)
   and a round-robin proxy in front of the nodes (``bench.proxy``, as nginx's upstream).
3. Traffic for ``--run-time`` seconds through the proxy: commune officers saving one value each
   through the API and the htmx page at once (they race: 409s and conflict rows), district and
   province members asking for bulletins (background jobs) and polling them.
4. In the middle: at a third of the run the worker that takes the next bulletin is killed
   (SIGKILL) while it runs it, so the job is left RUNNING (the driver holds the job's row for a
   moment so that the kill lands mid-job: this province's bulletin takes a few tenths of a
   second); at half of the run web node 1 is killed (SIGKILL, its whole process group): traffic
   carries on through node 2; requests in flight on node 1 answer 502 and the officers reload to
   learn their fate.
5. Afterwards: once the live worker has nothing else to do, the sweep (``deploy/sweep.sh`` with
   ``SWEEP_STUCK_MINUTES=0``: the run is shorter than the production limit of 30 minutes)
   re-queues the stuck job and the other worker runs it.
6. Checks (``bench.cluster_check``): every save answered as applied is in the value history
   exactly once at the version it was based on, none refused is, none is there twice, the
   history is one unbroken chain and the stored values are its last rows; every job requested
   finished with its file and the stuck one was run again by the other worker; each touched
   assessment recomputed by ``assessment_recompute`` (rolled back) equals what is stored.

Only 127.0.0.1 is contacted. Every wait has a limit and a watchdog ends the whole run after
``--time-limit`` seconds; every process started is stopped on exit, failure or Ctrl-C. The
summary ends with PASS or FAIL (exit status 1); logs of every process and a JSON summary are
kept under ``bench/results/cluster-<time>/``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import signal
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import env
from bench.cluster_check import check_jobs, check_saves, unexpected
from bench.cluster_setup import (
    DEPLOY,
    HOST,
    Cast,
    Processes,
    cast,
    free_port,
    history_since,
    last_history_id,
    production_environment,
    run_step,
    say,
    set_up,
    stored_jobs,
    stored_values,
    wait_healthy,
)
from bench.cluster_traffic import Browser, Member, Officer, Tally, job_moments, start_bulletin
from bench.proxy import start_proxy

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ntm_cluster"
MONTH = "2025-12"  # the bulletins asked for: the generated province's last month
WORKERS = ("cluster-w1", "cluster-w2")


# --- The run --------------------------------------------------------------------------------


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
            f"killed {out.worker_killed or 'no worker'} (SIGKILL) at {_at(out.worker_killed_at)}, "
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


def drive(cluster: Cast, processes: Processes, proxy_port: int, plan: argparse.Namespace) -> tuple[Tally, Chaos]:
    tally = Tally()
    stop = threading.Event()
    threads = []
    for n, slot in enumerate(cluster.slots):
        for path, session in zip(("api", "htmx"), slot.sessions, strict=True):
            officer = Officer(f"{n + 1}{path[0]}", path, slot, session, proxy_port, tally, seed=n * 2 + len(path))
            threads.append(threading.Thread(target=officer.run, args=(stop, plan.think), daemon=True))
    schedule = job_moments(plan.run_time, plan.jobs, len(cluster.members))
    for (code, session), moments in zip(cluster.members, schedule, strict=True):
        member = Member(code, session, proxy_port, tally, MONTH)
        threads.append(threading.Thread(target=member.run, args=(stop, moments), daemon=True))
    out = Chaos()
    chaos_args = (processes, cluster, proxy_port, tally, plan, stop, out)
    threads.append(threading.Thread(target=chaos, args=chaos_args, daemon=True))
    tally.started = time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(plan.run_time)
    stop.set()
    for thread in threads:
        thread.join(40)  # a request's own timeout is 30 s
    if any(thread.is_alive() for thread in threads):
        out.notes.append("a client thread did not stop within 40 s of the end")
    return tally, out


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


# --- Report ---------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))] if ordered else 0.0


def traffic_figures(tally: Tally, chaos_out: Chaos, run_time: float) -> dict:
    times = [ms for _at, ms, _kind, _status in tally.requests]
    killed = chaos_out.node_killed_at or run_time
    before = [at for at, *_rest in tally.requests if at < killed]
    after = [at for at, *_rest in tally.requests if at >= killed]
    after_ok = [r for r in tally.requests if r[0] >= killed and r[3] in ("200", "302", "409")]
    return {
        "requests": len(times),
        "rps": round(len(times) / run_time, 1),
        "rps_before_node_kill": round(len(before) / killed, 1) if killed else None,
        "rps_after_node_kill": round(len(after) / max(0.1, run_time - killed), 1),
        "answered_after_node_kill": len(after_ok),
        "p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
        "statuses": dict(sorted(tally.statuses().items())),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DATABASE_URL, help="only ntm_cluster is ever dropped")
    parser.add_argument("--run-time", type=float, default=60.0, help="seconds of traffic (60)")
    parser.add_argument("--officers", type=int, default=6, help="values raced on, two sessions each (6)")
    parser.add_argument("--jobs", type=int, default=16, help="bulletin jobs asked for during the run (16)")
    parser.add_argument("--think", type=float, default=0.05, help="officers' pause between saves, s (0.05)")
    parser.add_argument("--web-concurrency", type=int, default=2, help="gunicorn workers per node (2)")
    parser.add_argument("--time-limit", type=float, default=240.0, help="the whole run, set-up included (240)")
    args = parser.parse_args(argv)
    args.kill_worker_at = args.run_time / 3
    args.kill_node_at = args.run_time / 2
    return args


def main(argv: list[str] | None = None) -> int:
    plan = parse_args(argv)
    began = time.monotonic()
    results = env.RESULTS_DIR / f"cluster-{time.strftime('%Y%m%dT%H%M%S')}"
    logs = results / "logs"
    logs.mkdir(parents=True)
    processes = Processes(logs)
    # SIGTERM ends the run as Ctrl-C does, through the clean-up below.
    signal.signal(signal.SIGTERM, _interrupt)
    watchdog = threading.Timer(plan.time_limit, _over_time, args=(processes, plan.time_limit))
    watchdog.daemon = True
    watchdog.start()
    try:
        return _run(plan, began, results, logs, processes)
    except KeyboardInterrupt:
        say("interrupted: stopping every process")
        return 130
    except SystemExit as exc:
        if isinstance(exc.code, str):
            say(f"cluster-test: FAIL: {exc.code}")
            return 1
        raise
    finally:
        watchdog.cancel()
        processes.stop_all()


def _interrupt(signum: int, frame) -> None:
    raise KeyboardInterrupt


def _over_time(processes: Processes, limit: float) -> None:
    say(f"cluster-test: FAIL: over the time limit of {limit:g} s; stopping every process")
    processes.stop_all(grace=3)
    os._exit(2)


def _run(plan: argparse.Namespace, began: float, results: Path, logs: Path, processes: Processes) -> int:
    say(f"cluster-test: database {plan.database}, results in {results.relative_to(env.PROJECT_DIR)}")
    proxy_port, node_ports = free_port(), [free_port(), free_port()]
    environment = production_environment(plan.database, proxy_port, results)
    set_up(environment, logs)
    cluster = cast(plan.officers)
    initial, first_history = stored_values(cluster.slots), last_history_id()
    setup_seconds = time.monotonic() - began

    for n, port in enumerate(node_ports, start=1):
        node_env = {**environment, "BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": str(plan.web_concurrency)}
        processes.start(f"web-{n}", ["/bin/sh", str(DEPLOY / "web.sh")], node_env)
    for n, worker in enumerate(WORKERS, start=1):
        processes.start(f"worker-{n}", ["/bin/sh", str(DEPLOY / "worker.sh")], {**environment, "WORKER_ID": worker})
    for port in node_ports:
        wait_healthy(port, 60)
    proxy = start_proxy(proxy_port, node_ports, fail_timeout=5.0)
    say(
        f"set up in {setup_seconds:.0f} s; nodes on {node_ports}, proxy on {proxy_port}; "
        f"{len(cluster.slots)} values x 2 officers' sessions, {len(cluster.members)} members asking for "
        f"{plan.jobs} bulletins; {plan.run_time:g} s of traffic"
    )
    try:
        tally, chaos_out = drive(cluster, processes, proxy_port, plan)
    finally:
        proxy.shutdown()
        proxy.server_close()
    say(f"traffic ended: {len(tally.requests)} requests; proxy: {dict(proxy.upstream.counts)}")
    swept = recover(environment, logs, chaos_out)
    processes.stop_all()
    run = Run(cluster, initial, first_history, tally, chaos_out, swept, dict(proxy.upstream.counts))
    summary = judge(run, plan, setup_seconds, time.monotonic() - began)
    (results / "summary.json").write_text(json.dumps(summary, indent=2))
    print_summary(summary)
    return 0 if summary["verdict"] == "PASS" else 1


@dataclass
class Run:
    """What the run did and saw, for the checks."""

    cluster: Cast
    initial: dict
    first_history: int
    tally: Tally
    chaos: Chaos
    swept: str
    proxy: dict


def judge(run: Run, plan: argparse.Namespace, setup_seconds: float, seconds: float) -> dict:
    """Read the database, check everything, and say PASS or FAIL with the figures."""
    from bench.verify import verify_assessments, verify_totals

    cluster, tally, chaos_out = run.cluster, run.tally, run.chaos
    initial, first_history, swept = run.initial, run.first_history, run.swept

    saves = check_saves(tally.saves, initial, history_since(first_history, cluster.slots), stored_values(cluster.slots))
    jobs = check_jobs(set(tally.jobs), stored_jobs(), killed_worker=chaos_out.worker_killed, stuck=chaos_out.stuck)
    recomputed = verify_assessments(sorted({s.assessment for s in cluster.slots}))
    totals = verify_totals()
    figures = traffic_figures(tally, chaos_out, plan.run_time)
    problems = [*chaos_out.notes, *saves.problems, *jobs.problems]
    problems += [f"assessment {pk} recomputed differs: {'; '.join(found)}" for pk, found in recomputed]
    problems += [f"whole-database check {name} = {n}" for name, n in totals.items() if n]
    problems += [f"{n} unexpected answers: {k}" for k, n in unexpected(figures["statuses"]).items()]
    if chaos_out.node_killed_at is None:
        problems.append("web node 1 was not killed")
    if not figures["answered_after_node_kill"]:
        problems.append("no request was answered after web node 1 was killed")

    conflicts = sum(n for k, n in figures["statuses"].items() if k == "save api 409")
    return {
        "verdict": "FAIL" if problems else "PASS",
        "problems": problems,
        "saves": {
            "sent": len(tally.saves),
            "applied": saves.applied,
            "refused": saves.refused,
            "api_409": conflicts,
            "no_answer": saves.reloaded_applied + saves.unknown_applied + saves.unknown_not_applied,
            "reloaded_applied": saves.reloaded_applied,
            "unknown_applied": saves.unknown_applied,
            "unknown_not_applied": saves.unknown_not_applied,
            "history_rows": saves.history_rows,
        },
        "jobs": {
            "requested": len(tally.jobs),
            "start_unanswered": tally.job_unknown,
            "stored": sum(jobs.by_status.values()),
            "by_status": dict(jobs.by_status),
            "stuck": sorted(chaos_out.stuck),
            "recovered": jobs.recovered,
            "sweep": swept,
        },
        "chaos": {
            "worker_killed": chaos_out.worker_killed,
            "worker_killed_at": chaos_out.worker_killed_at,
            "node_killed_at": chaos_out.node_killed_at,
        },
        "proxy": run.proxy,
        "traffic": figures,
        "recomputed_assessments": len({s.assessment for s in cluster.slots}),
        "totals": totals,
        "seconds": {"setup": round(setup_seconds, 1), "total": round(seconds, 1)},
        "load_average": env.load_average(),
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def print_summary(s: dict) -> None:
    saves, jobs, traffic, chaos_at = s["saves"], s["jobs"], s["traffic"], s["chaos"]
    print(f"\ncluster-test: {s['verdict']}")
    print(
        f"  saves: {saves['sent']} sent, {saves['applied']} applied, {saves['refused']} refused as stale "
        f"({saves['api_409']} API 409s, the rest htmx conflict rows); {saves['no_answer']} without an answer "
        f"(a reload showed {saves['reloaded_applied']} stored; of the rest {saves['unknown_applied']} in the "
        f"history once, {saves['unknown_not_applied']} not at all)"
    )
    print(
        f"    {saves['history_rows']} history rows: every applied save exactly once, at the version it was "
        f"based on, none refused, one unbroken chain per value, the stored value its last row"
    )
    print(
        f"  jobs: {jobs['requested']} requested, {jobs['stored']} stored, {jobs['by_status']}; "
        f"{chaos_at['worker_killed'] or 'no worker'} killed at "
        f"{_at(chaos_at['worker_killed_at'])} holding {len(jobs['stuck'])} job(s), recovered {len(jobs['recovered'])} "
        f"(sweep: {jobs['sweep']})"
    )
    print(
        f"  nodes: web node 1 killed at {_at(chaos_at['node_killed_at'])}; proxy {s['proxy']}; "
        f"{traffic['answered_after_node_kill']} answers after it"
    )
    print(
        f"  traffic: {traffic['requests']} requests = {traffic['rps']} req/s (before the node kill "
        f"{traffic['rps_before_node_kill']}, after {traffic['rps_after_node_kill']}), "
        f"p50 {traffic['p50_ms']} ms, p95 {traffic['p95_ms']} ms"
    )
    print(f"    by kind and status: {traffic['statuses']}")
    print(
        f"  counts: {s['recomputed_assessments']} touched assessments recomputed; whole-database checks {s['totals']}"
    )
    print(f"  time: set-up {s['seconds']['setup']} s, total {s['seconds']['total']} s; load {s['load_average']}")
    for problem in s["problems"][:30]:
        print(f"  PROBLEM: {problem}")
    if len(s["problems"]) > 30:
        print(f"  … and {len(s['problems']) - 30} more problems (summary.json)")


def _at(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.1f} s"


if __name__ == "__main__":
    sys.exit(main())
