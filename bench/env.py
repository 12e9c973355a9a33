"""Where the benchmark runs: its database, the production-like settings, a fresh schema.

The harness uses the project's own settings module (``ntm_portal.settings``) with the
environment of a production process (DEBUG off, a real SECRET_KEY), so that what is measured
is what is deployed. Only the environment is set here; no setting is patched.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_DIR / "bench" / "results"

# Databases the harness creates for itself (never the developer's own database).
DEFAULT_URLS = {
    "national": "postgres://postgres@127.0.0.1:5432/ntm_bench",
    "province": "postgres://postgres@127.0.0.1:5432/ntm_bench_small",
}
SQLITE_SMALL_URL = f"sqlite:///{PROJECT_DIR / 'bench' / 'results' / 'bench_small.sqlite3'}"


def database_url(size: str) -> str:
    """BENCH_DATABASE_URL when given, else the harness's own database for this size."""
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URLS[size]


def configure(url: str, *, hosts: str = "testserver,127.0.0.1,localhost") -> None:
    """Set the environment of a production process, then start Django.

    SECURE_SSL_REDIRECT is off because the test client speaks plain HTTP to the app, exactly
    as a TLS-terminating proxy would; every other production setting stays as deployed.
    """
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ["ALLOWED_HOSTS"] = hosts
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Production serves hashed static files from a manifest (collectstatic); keep ours apart.
    os.environ.setdefault("STATIC_ROOT", str(RESULTS_DIR / "static"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")
    import django

    django.setup()


def is_postgres(url: str) -> bool:
    return url.split("://", 1)[0].lower() in {"postgres", "postgresql", "pgsql"}


def recreate_database(url: str) -> None:
    """Drop and create the database of ``url`` (PostgreSQL) or delete its file (SQLite).

    Refuses any database whose name does not start with ``ntm_bench`` / ``bench``: the
    harness only ever throws away its own databases.
    """
    if is_postgres(url):
        recreate_postgres(url)
        return
    path = Path(url.split("sqlite:///", 1)[1])
    if not path.name.startswith("bench"):
        raise SystemExit(f"refusing to delete {path}: benchmark databases are named bench*.sqlite3")
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def recreate_postgres(url: str, *, allowed: str = "ntm_bench") -> None:
    """Drop and create the PostgreSQL database of ``url``, only if its name starts with
    ``allowed`` (the benchmark's own databases; the cluster test's ``ntm_cluster``)."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith(allowed):
        raise SystemExit(f"refusing to drop {name!r}: only databases named {allowed}* are dropped here")
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def prepare_app() -> None:
    """Bring a generated database up to the current migrations (colleagues add apps while the
    data stays), create the cache table and collect static files, which production settings
    need for their manifest."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)  # the rate limits count in the database cache
    call_command("collectstatic", verbosity=0, interactive=False)
    vacuum_written()


# The tables the scenarios write, most of them inside transactions they roll back.
WRITTEN_TABLES = (
    "criteria_indicatorvalue",
    "criteria_historyentry",
    "criteria_criterionresult",
    "criteria_criterionresultlog",
    "criteria_assessment",
    "criteria_assessmentlog",
    "reports_importbatch",
    "reports_figurescacheentry",
)


def vacuum_written() -> None:
    """PostgreSQL without autovacuum (as on the shared machine): vacuum the tables the scenarios
    write. A province's import leaves 11,000 dead rows in three tables per run, rolled back or
    not; without a vacuum they pile up from one ``bench.run`` to the next and every later figure
    pays for reading past them, which a server with autovacuum on would not."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "on":
            return
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(WRITTEN_TABLES)}")


def check_deferred_constraints() -> None:
    """Inside a transaction a run will roll back: do now the work its commit would do. Django's
    foreign keys are checked when the transaction commits (``DEFERRABLE INITIALLY DEFERRED``),
    one lookup per row written — for a province's import, some 30,000 — which a rollback skips.
    PostgreSQL only: SQLite has no statement for it, so its rolled-back figures leave them out."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
