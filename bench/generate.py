"""Fill a fresh database with a national-scale (or one-province) NTM dataset.

    python -m bench.generate --size national            # PostgreSQL ntm_bench, COPY
    python -m bench.generate --size province --sqlite   # SQLite, bulk_create
    python -m bench.generate --size national --verify 200 --no-fresh   # check only

The schema comes from the project's migrations and the criteria sets from
``catalog_load_dir()``; everything else is written in bulk (COPY on PostgreSQL, bulk_create
elsewhere) with primary keys assigned here. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bench import env

SIZES = {
    # provinces, communes, villages per commune
    "national": (63, 8000, 8),
    "province": (1, 200, 8),
    # the cluster test's small province (bench/cluster.py): set up in seconds
    "cluster": (1, 40, 2),
}


@dataclass(frozen=True)
class Options:
    size: str
    url: str
    seed: int
    history: bool
    fresh: bool
    verify: int


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="national")
    parser.add_argument("--province", dest="size", action="store_const", const="province", help="= --size province")
    parser.add_argument("--sqlite", action="store_true", help="SQLite file under bench/results (bulk_create path)")
    parser.add_argument("--database", help="database URL (default: BENCH_DATABASE_URL or ntm_bench[_small])")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-history", dest="history", action="store_false", help="skip value history rows")
    parser.add_argument("--no-fresh", dest="fresh", action="store_false", help="keep the database (with --verify)")
    parser.add_argument("--verify", type=int, default=0, metavar="N", help="recompute N random assessments")
    args = parser.parse_args(argv)
    url = args.database or (env.SQLITE_SMALL_URL if args.sqlite else env.database_url(args.size))
    return Options(args.size, url, args.seed, args.history, args.fresh, args.verify)


class Clock:
    """Phase timings for the report."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(now - self.last, 2)
        self.last = now
        print(f"  {name}: {self.phases[name]:.1f} s (load {env.load_average()})", flush=True)

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self.start, 2)


def prepare_schema(options: Options) -> None:
    from django.core.management import call_command

    from criteria.services import catalog_load_dir

    call_command("migrate", verbosity=0, interactive=False)
    catalog_load_dir()


def load(options: Options, clock: Clock) -> dict[str, int]:
    """Units, users, assessments and everything below them, in one transaction."""
    from django.db import transaction

    from bench import assessments, tree
    from bench.catalog import load_sets
    from bench.plans_data import write_plans
    from bench.sink import indexes_deferred, make_sink

    provinces, communes, villages = SIZES[options.size]
    use_copy = env.is_postgres(options.url)
    tables = {**tree.tables(), **assessments.tables()}
    big = [t.model for t in tables.values()]
    now = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with transaction.atomic():
        sink = make_sink(tables, use_copy=use_copy)
        sets = load_sets()
        deferred = indexes_deferred(big) if use_copy else contextlib.nullcontext()
        with deferred:
            rng = random.Random(f"{options.seed}:tree")
            built = tree.build_tree(sink, provinces=provinces, communes=communes, villages=villages, rng=rng, now=now)
            clock.lap("tree and users (generated)")
            writer = assessments.AssessmentWriter(sink, sets, rng, history=options.history)
            assessments.write_all(writer, built, options.seed, _progress(len(built.provinces)))
            sink.close()
            clock.lap("assessments (generated and written)")
        if use_copy:
            clock.lap("indexes and foreign keys rebuilt")
        planned = write_plans(options.seed, now)
        clock.lap("plans: registered targets, province targets, funds")
    _report_spread(writer)
    return {**{name: table.rows for name, table in tables.items()}, **planned}


def _progress(total: int) -> Callable:
    started = time.perf_counter()
    done = [0]

    def report(province) -> None:
        done[0] += 1
        if total > 1 and (done[0] % 8 == 0 or done[0] == total):
            elapsed = time.perf_counter() - started
            print(f"    {done[0]}/{total} provinces, {elapsed:.0f} s", flush=True)

    return report


def _report_spread(writer) -> None:
    """Communes per bucket per year on the standard set: criteria met rising by year."""
    years = sorted({year for year, _bucket in writer.buckets})
    labels = {19: "19", 15: "15–18", 10: "10–14", 5: "5–9", 0: "under 5"}
    print("  standard set, communes per bucket of criteria met:")
    for year in years:
        row = "  ".join(f"{label}: {writer.buckets[year, low]:>5}" for low, label in labels.items())
        print(f"    {year}  {row}")
    recognised = {
        (tier, year): n for (tier, year, state), n in writer.states.items() if state == "recognised" and year == 2025
    }
    print(f"  recognised in 2025 by tier: {recognised}")


def analyze(options: Options) -> None:
    """Fresh statistics, as autovacuum would have them on a live database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if env.is_postgres(options.url) else "ANALYZE")


def run_verify(count: int) -> int:
    from bench.verify import verify_sample, verify_totals

    totals = verify_totals()
    print(f"  whole-database checks (all must be 0): {totals}")
    problems = verify_sample(count)
    print(f"  recomputed {count} random assessments through assessment_recompute: {len(problems)} differ")
    for pk, found in problems[:10]:
        print(f"    assessment {pk}: {'; '.join(found)}")
    return len(problems) + sum(totals.values())


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    print(f"bench generate: size={options.size} database={options.url} load={env.load_average()}", flush=True)
    if options.fresh:
        env.recreate_database(options.url)
    env.configure(options.url)
    clock = Clock()
    counts: dict[str, int] = {}
    if options.fresh:
        prepare_schema(options)
        clock.lap("migrate and load the catalog")
        counts = load(options, clock)
        analyze(options)
        clock.lap("analyze")
        print(f"  rows: {counts}")
        print(f"generated in {clock.total:.1f} s (load average now {env.load_average()})", flush=True)
    failures = run_verify(options.verify) if options.verify else 0
    _save(options, clock, counts, failures)
    return 1 if failures else 0


def _save(options: Options, clock: Clock, counts: dict[str, int], failures: int) -> None:
    env.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%dT%H%M%S")
    record = {
        "name": f"generate-{options.size}",
        "database": options.url.split("://", 1)[0],
        "seconds": clock.total,
        "phases": clock.phases,
        "rows": counts,
        "verify": {"sampled": options.verify, "failures": failures},
        "load_average": env.load_average(),
    }
    path = env.RESULTS_DIR / f"generate-{options.size}-{stamp}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
