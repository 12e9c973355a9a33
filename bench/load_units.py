"""How long ``manage.py load_units`` takes for the whole country (both trees, successions).

Drops and creates its own database (SQLite ``bench/results/bench_units.sqlite3`` by default,
or PostgreSQL ``ntm_bench_units`` with ``--postgres``; ``--database URL`` for another bench*
database), migrates, then times: reading the package, the first load into the empty tables,
and a second load that finds everything unchanged. Prints one line per step and the counts.

    .venv/bin/python -m bench.load_units
    .venv/bin/python -m bench.load_units --postgres
"""

from __future__ import annotations

import argparse
import time

from bench import env

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/ntm_bench_units"
SQLITE_URL = f"sqlite:///{env.RESULTS_DIR / 'bench_units.sqlite3'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help=f"use {POSTGRES_URL}")
    parser.add_argument("--database", help="database URL (a bench* SQLite file or an ntm_bench* database)")
    args = parser.parse_args()
    url = args.database or (POSTGRES_URL if args.postgres else SQLITE_URL)
    env.recreate_database(url)
    env.configure(url)

    from django.core.management import call_command

    from communes.country import package_version, read_country
    from communes.loading import units_load
    from communes.models import AdministrativeUnit, UnitSuccession

    call_command("migrate", verbosity=0, interactive=False)
    backend = "PostgreSQL" if env.is_postgres(url) else "SQLite"
    print(f"load_units, whole country, {backend}, vietnamadminunits {package_version()}, load {env.load_average()}")

    started = time.perf_counter()
    country = read_country()
    read = time.perf_counter() - started
    print(f"  read the package: {read:6.2f} s ({len(country.units):,} units, {len(country.successions):,} successions)")

    started = time.perf_counter()
    first = units_load(country=country)
    load = time.perf_counter() - started
    print(
        f"  first load:       {load:6.2f} s ({len(first.created):,} units and {first.successions_created:,} successions created)"
    )

    started = time.perf_counter()
    again = units_load(country=country)
    reload = time.perf_counter() - started
    print(
        f"  second load:      {reload:6.2f} s ({again.unchanged:,} units and {again.successions_unchanged:,} successions unchanged)"
    )

    print(
        f"  in the database:  {AdministrativeUnit.objects.count():,} units, {UnitSuccession.objects.count():,} successions"
    )
    print(f"  command total (read + first load): {read + load:.1f} s")


if __name__ == "__main__":
    main()
