"""History and logs are append-only in the database too (PostgreSQL triggers).

The ORM already refuses to change them (``criteria.models.AppendOnlyMixin``, the
``AppendOnlyQuerySet`` also serving as the base manager), but a plain ``QuerySet``, raw SQL
or another program would not ask the ORM. A ``BEFORE UPDATE OR DELETE`` trigger on each
table refuses the statement with SQLSTATE 23001 (``restrict_violation``: Django raises
``IntegrityError``). ``TRUNCATE`` is left alone (test-suite flushes, a deliberate wipe).

One deliberate exception: resetting the fictional demo province (``seed_demo --reset``)
deletes its history inside a transaction that calls ``allow_history_rewrite()`` first.
SQLite has no session settings to carry that exception, so there the ORM guard is the only one.
"""

from __future__ import annotations

from django.db import connection

SETTING = "ntm.allow_history_rewrite"

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ntm_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{SETTING}', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
"""


def _trigger(table: str) -> str:
    return f'"{table}_append_only"'


def install(schema_editor, tables: list[str]) -> None:
    """Migration step: the triggers on ``tables`` (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_FUNCTION, params=None)  # no interpolation: the body holds % signs
    for table in tables:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS {_trigger(table)} ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER {_trigger(table)} BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION ntm_append_only()"
        )


def uninstall(schema_editor, tables: list[str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in tables:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS {_trigger(table)} ON "{table}"')


def allow_history_rewrite() -> None:
    """Within the current transaction only, let history and logs be deleted (demo reset)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
