"""Run the benchmark scenarios against a database the generator built.

    python -m bench.run --size national            # PostgreSQL ntm_bench
    python -m bench.run --size province --sqlite   # SQLite file of bench.generate --sqlite
    python -m bench.run --only record_value,assessment_page --runs 50

Prints one line per scenario (median, p95, reference, ratio, goal) and writes the same to
``bench/results/<scenario>-<timestamp>.json``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from bench import env

WARMUP = 3
DEFAULT_RUNS = {"national": 15, "province": 25}
# Slow scenarios get fewer runs: their median is stable long before 15 runs.
FEW_RUNS = {"national_bulletin": 3, "national_dashboard": 10, "national_dashboard_selectors": 10}


@dataclass
class Result:
    name: str
    description: str
    status: str  # "ok", "miss", "skipped", "failed"
    goal: str
    size: str
    database: str
    runs: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    cpu_ms: float | None = None  # median CPU time of this process (Django side only)
    database_cpu_ms: float | None = None  # mean CPU time of its PostgreSQL backend per run
    reference_ms: float | None = None
    reference: str = ""
    ratio: float | None = None
    queries: int | None = None
    peak_mb: float | None = None
    baseline_mb: float | None = None
    notes: list[str] = field(default_factory=list)
    load_average: str = ""
    at: str = ""

    def line(self) -> str:
        if self.status == "skipped":
            return f"{self.name}: SKIPPED ({'; '.join(self.notes)})"
        if self.status == "failed":
            return f"{self.name}: FAILED ({'; '.join(self.notes)})"
        if self.peak_mb is not None:
            text = f"{self.name}: peak {self.peak_mb:.0f} MB (process baseline {self.baseline_mb:.0f} MB)"
        else:
            text = (
                f"{self.name}: runs={self.runs} median={self.median_ms:.1f} ms p95={self.p95_ms:.1f} ms"
                f" (cpu {self.cpu_ms:.1f} ms"
                + (f" + database {self.database_cpu_ms:.1f} ms" if self.database_cpu_ms is not None else "")
                + ")"
            )
            if self.reference_ms is not None:
                text += f" ref={self.reference_ms:.1f} ms [{self.reference}] ratio={self.ratio:.2f}"
            if self.queries is not None:
                text += f" queries={self.queries}"
        verdict = "ok" if self.status == "ok" else "MISSES GOAL"
        text += f" | goal {self.goal}: {verdict}"
        if self.notes:
            text += f" | {'; '.join(self.notes)}"
        return text


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 runs is the 19th fastest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(function: Callable[[], object]) -> tuple[float, float]:
    """Wall time and this process's CPU time, in ms. On a shared machine the wall time
    includes waiting for a core; the CPU time does not (but leaves out the database's)."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def backend_cpu() -> Callable[[], float] | None:
    """A reader of the CPU time (ms) the connection's PostgreSQL backend has used so far, from
    ``/proc/<pid>/schedstat`` (nanoseconds, exact); None unless the database is PostgreSQL on
    this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    path = f"/proc/{pid}/schedstat"

    def read() -> float:
        with open(path) as stats:
            return int(stats.read().split()[0]) / 1e6

    try:
        read()
    except OSError:  # the database runs elsewhere
        return None
    return read


def _read(backend: Callable[[], float] | None) -> float | None:
    try:
        return backend() if backend else None
    except OSError:
        return None


def measure(scenario, ctx, runs: int) -> tuple[list[float], list[float], list[float], float | None]:
    """Warm up, then alternate ours and the reference, so both see the same machine load.
    Returns our wall times, our CPU times, the reference's wall times and the mean CPU time of
    the database's backend during our runs (None where it cannot be read)."""
    for _ in range(WARMUP):
        scenario.before(ctx)
        scenario.run(ctx)
        if scenario.reference:
            scenario.reference(ctx)
    backend = backend_cpu()  # after the warm-up: the connection is the one the runs use
    ours, cpu, ref, database = [], [], [], 0.0
    for _ in range(runs):
        scenario.before(ctx)  # untimed: what happens between two of the user's requests
        started = _read(backend)
        wall, used = timed(lambda: scenario.run(ctx))
        ended = _read(backend)
        if started is None or ended is None:
            backend = None  # the connection was opened again (another backend): no database figure
        else:
            database += ended - started
        ours.append(wall)
        cpu.append(used)
        if scenario.reference:
            ref.append(timed(lambda: scenario.reference(ctx))[0])
    return ours, cpu, ref, (database / runs if backend and runs else None)


def count_queries(scenario, ctx) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scenario.before(ctx)
    with CaptureQueriesContext(connection) as captured:
        scenario.run(ctx)
    return len(captured.captured_queries)


def judge(result: Result, goal) -> None:
    misses = []
    if goal.max_ms is not None and result.median_ms is not None and result.median_ms >= goal.max_ms:
        misses.append("time")
    if goal.max_ratio is not None and result.ratio is not None and result.ratio > goal.max_ratio:
        misses.append("ratio")
    if goal.max_mb is not None and result.peak_mb is not None and result.peak_mb >= goal.max_mb:
        misses.append("memory")
    result.status = "miss" if misses else "ok"


def run_scenario(scenario, ctx, options) -> Result:
    result = Result(
        scenario.name, scenario.description, "ok", scenario.goal.text(), options.size, options.vendor,
        load_average=env.load_average(), at=datetime.datetime.now().isoformat(timespec="seconds"),
    )  # fmt: skip
    reason = scenario.missing(ctx)
    if reason:
        result.status, result.notes = "skipped", [reason]
        return result
    try:
        if scenario.memory:
            probe = memory_in_fresh_process(options)
            result.peak_mb, result.baseline_mb = probe["peak_mb"], probe["baseline_mb"]
        else:
            scenario.prepare(ctx)
            ours, cpu, ref, database = measure(scenario, ctx, FEW_RUNS.get(scenario.name, options.runs))
            result.runs = len(ours)
            result.median_ms = round(statistics.median(ours), 2)
            result.cpu_ms = round(statistics.median(cpu), 2)
            result.database_cpu_ms = None if database is None else round(database, 2)
            result.p95_ms = round(percentile(ours, 0.95), 2)
            if ref:
                result.reference_ms = round(statistics.median(ref), 2)
                result.reference = scenario.reference_name
                result.ratio = round(result.median_ms / result.reference_ms, 2)
            result.queries = count_queries(scenario, ctx)
            if scenario.check:
                result.notes += [f"reference disagrees: {d}" for d in scenario.check(ctx)]
    except Exception as exc:  # a broken feature must not hide the other scenarios' figures
        result.status, result.notes = "failed", [f"{type(exc).__name__}: {exc}"]
        return result
    judge(result, scenario.goal)
    return result


def memory_in_fresh_process(options) -> dict:
    """The national bulletin served once by a new process: its peak RSS, not this one's."""
    command = [sys.executable, "-m", "bench.run", "--memory-probe", "--database", options.url]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=env.PROJECT_DIR).stdout  # noqa: S603
    return json.loads(output.strip().splitlines()[-1])


def save(result: Result) -> None:
    env.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = env.RESULTS_DIR / f"{result.name}-{stamp}.json"
    path.write_text(json.dumps(asdict(result), indent=2, ensure_ascii=False))


@dataclass(frozen=True)
class Options:
    size: str
    url: str
    vendor: str
    runs: int
    only: frozenset[str]
    memory_probe: bool


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(DEFAULT_RUNS), default="national")
    parser.add_argument("--sqlite", action="store_true", help="the SQLite file of bench.generate --sqlite")
    parser.add_argument("--database", help="database URL (default: BENCH_DATABASE_URL or ntm_bench[_small])")
    parser.add_argument("--runs", type=int, help="measured runs per scenario after warm-up")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--memory-probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    url = args.database or (env.SQLITE_SMALL_URL if args.sqlite else env.database_url(args.size))
    only = frozenset(name for name in args.only.split(",") if name)
    runs = args.runs or DEFAULT_RUNS[args.size]
    return Options(args.size, url, url.split("://", 1)[0], runs, only, args.memory_probe)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    env.configure(options.url)
    if not options.memory_probe:  # the probe's parent has prepared the database already
        env.prepare_app()
    from bench.context import Context, NoData
    from bench.scenarios import all_scenarios, memory_probe

    try:
        ctx = Context()
    except NoData as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    if options.memory_probe:
        print(json.dumps(memory_probe(ctx)))
        return 0
    print(
        f"bench {options.size} on {options.vendor}: province {ctx.province.code}, assessment {ctx.assessment_id}, "
        f"load {env.load_average()}",
        flush=True,
    )
    results = []
    for scenario in all_scenarios():
        if options.only and scenario.name not in options.only:
            continue
        result = run_scenario(scenario, ctx, options)
        print(result.line(), flush=True)
        save(result)
        results.append(result)
    print(f"load average at the end: {env.load_average()}")
    return 1 if any(r.status == "failed" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
