"""The cluster test's verdict: the checks of ``bench.cluster_check`` on what the database holds
after the run, the traffic figures, the JSON summary and the printed one (``bench.cluster``,
step 6)."""

from __future__ import annotations

import argparse
import datetime
import statistics
from dataclasses import dataclass

from bench import env
from bench.cluster_chaos import Chaos, at_text
from bench.cluster_check import check_jobs, check_saves, unexpected
from bench.cluster_setup import Cast, history_since, stored_jobs, stored_values
from bench.cluster_traffic import Tally


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
        f"{at_text(chaos_at['worker_killed_at'])} holding {len(jobs['stuck'])} job(s), recovered {len(jobs['recovered'])} "
        f"(sweep: {jobs['sweep']})"
    )
    print(
        f"  nodes: web node 1 killed at {at_text(chaos_at['node_killed_at'])}; proxy {s['proxy']}; "
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
