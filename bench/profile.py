"""Where a scenario's time goes: its SQL (each statement with its time) and a Python profile.

python -m bench.profile assessment_page
python -m bench.profile national_dashboard --explain   # also EXPLAIN ANALYZE the slowest SQL
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys

from bench import env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario")
    parser.add_argument("--size", choices=("national", "province"), default="national")
    parser.add_argument("--database")
    parser.add_argument("--top", type=int, default=25, help="functions listed by cumulative time")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime, ncalls…")
    parser.add_argument("--save", help="write the profile to this file (pstats) for snakeviz or pstats")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the three slowest statements")
    args = parser.parse_args(argv)
    env.configure(args.database or env.database_url(args.size))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.context import Context
    from bench.scenarios import all_scenarios

    ctx = Context()
    scenario = next((s for s in all_scenarios() if s.name == args.scenario), None)
    if scenario is None or scenario.memory:
        print(f"unknown or unprofilable scenario {args.scenario!r}", file=sys.stderr)
        return 2
    scenario.prepare(ctx)
    for _ in range(3):
        scenario.before(ctx)
        scenario.run(ctx)
    scenario.before(ctx)
    with CaptureQueriesContext(connection) as captured:
        scenario.run(ctx)
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    total = sum(float(q["time"]) for q in queries)
    print(f"{len(queries)} statements, {total * 1000:.1f} ms in the database:")
    for q in queries:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")
    if args.explain and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for q in queries[:3]:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()), "\n")
    scenario.before(ctx)
    profiler = cProfile.Profile()
    profiler.enable()
    scenario.run(ctx)
    profiler.disable()
    if args.save:
        profiler.dump_stats(args.save)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
