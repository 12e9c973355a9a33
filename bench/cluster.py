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
4. In the middle (``bench.cluster_chaos``): at a third of the run the worker that takes the
   next bulletin is killed (SIGKILL) while it runs it, so the job is left RUNNING (the driver
   holds the job's row for a moment so that the kill lands mid-job: this province's bulletin
   takes a few tenths of a second); at half of the run web node 1 is killed (SIGKILL, its whole
   process group): traffic carries on through node 2; requests in flight on node 1 answer 502
   and the officers reload to learn their fate.
5. Afterwards: once the live worker has nothing else to do, the sweep (``deploy/sweep.sh`` with
   ``SWEEP_STUCK_MINUTES=0``: the run is shorter than the production limit of 30 minutes)
   re-queues the stuck job and the other worker runs it.
6. Checks (``bench.cluster_check``, judged and summed up by ``bench.cluster_report``): every
   save answered as applied is in the value history exactly once at the version it was based
   on, none refused is, none is there twice, the history is one unbroken chain and the stored
   values are its last rows; every job requested finished with its file and the stuck one was
   run again by the other worker; each touched assessment recomputed by ``assessment_recompute``
   (rolled back) equals what is stored.

Only 127.0.0.1 is contacted. Every wait has a limit and a watchdog ends the whole run after
``--time-limit`` seconds; every process started is stopped on exit, failure or Ctrl-C. The
summary ends with PASS or FAIL (exit status 1); logs of every process and a JSON summary are
kept under ``bench/results/cluster-<time>/``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from bench import env
from bench.cluster_chaos import MONTH, WORKERS, Chaos, chaos, recover
from bench.cluster_report import Run, judge, print_summary
from bench.cluster_setup import (
    DEPLOY,
    HOST,
    Cast,
    Processes,
    cast,
    free_port,
    last_history_id,
    production_environment,
    say,
    set_up,
    stored_values,
    wait_healthy,
)
from bench.cluster_traffic import Member, Officer, Tally, job_moments
from bench.proxy import start_proxy

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ntm_cluster"


# --- The run --------------------------------------------------------------------------------


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


if __name__ == "__main__":
    sys.exit(main())
