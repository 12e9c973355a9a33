"""The figures versions follow the plans tables too: registered targets, province targets, funds.

A dashboard's plans sections (plan against result, funds) are kept per province with its
figures (``reports/selectors/sections.py``). They read these three tables beside the
assessments and units that 0005's triggers already follow, so every transaction writing one
of them bumps the version of the province of the unit it names, as 0005 does (PostgreSQL: one
statement-level trigger per table and event, reusing 0005's ``ntm_figures_bump``; SQLite: row
triggers). The SQL is written out here rather than imported: a migration must keep meaning
what it meant.

As with 0005: SQLite drops a table's triggers when a migration rebuilds it, so a later
migration that alters one of these tables runs ``uninstall`` of this module before and
``install`` after; ``reports/tests/test_figures_versions.py`` checks that every trigger is there.
"""

from django.db import migrations

# Table → the column naming its unit.
TABLES = {
    "plans_registeredtarget": "unit_id",
    "plans_provincetarget": "province_id",
    "plans_fundentry": "unit_id",
}


def pg_function_name(table):
    return f"ntm_figures_{table}"


def pg_function(table, column):
    return f"""
CREATE OR REPLACE FUNCTION {pg_function_name(table)}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    units bigint[] := '{{}}';
BEGIN
    IF TG_OP <> 'DELETE' THEN
        units := units || ARRAY(SELECT DISTINCT {column} FROM new_rows);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        units := units || ARRAY(SELECT DISTINCT {column} FROM old_rows);
    END IF;
    PERFORM ntm_figures_bump(ARRAY(
        SELECT substring(u.path FROM '^/[^/]*/')
        FROM unnest(units) AS changed (id)
        JOIN communes_administrativeunit u ON u.id = changed.id
    ));
    RETURN NULL;
END
$$;
"""


# DISTINCT and the outer WHERE as in 0005 (a prefix bumped once; ON CONFLICT not read as a join's ON).
SQLITE_BUMP = """
    INSERT INTO reports_figuresversion (prefix, token, version)
    SELECT prefix, lower(hex(randomblob(16))), 1
    FROM (SELECT DISTINCT prefix FROM ({prefixes}) WHERE prefix IS NOT NULL) AS changed
    WHERE true
    ON CONFLICT (prefix) DO UPDATE SET version = version + 1;"""

SQLITE_PREFIX = """
    SELECT substr(u.path, 1, instr(substr(u.path, 2), '/') + 1) AS prefix
    FROM communes_administrativeunit u WHERE u.id = {row}.{column}"""

# Event → (PostgreSQL transition tables, the changed rows a SQLite trigger reads).
EVENTS = {
    "INSERT": ("REFERENCING NEW TABLE AS new_rows", ["NEW"]),
    "UPDATE": ("REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows", ["NEW", "OLD"]),
    "DELETE": ("REFERENCING OLD TABLE AS old_rows", ["OLD"]),
}


def trigger_name(table, event):
    return f"{table}_figures_{event.lower()}"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"No figures-version triggers for {vendor}.")
    for table, column in TABLES.items():
        if vendor == "postgresql":
            schema_editor.execute(pg_function(table, column), params=None)
        for event, (transition_tables, rows) in EVENTS.items():
            if vendor == "postgresql":
                sql = (
                    f"CREATE TRIGGER {trigger_name(table, event)} AFTER {event} ON {table} {transition_tables} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {pg_function_name(table)}()"
                )
            else:
                prefixes = "\n    UNION".join(SQLITE_PREFIX.format(row=row, column=column) for row in rows)
                bump = SQLITE_BUMP.format(prefixes=prefixes)
                sql = f"CREATE TRIGGER {trigger_name(table, event)} AFTER {event} ON {table} FOR EACH ROW BEGIN{bump}\nEND"
            schema_editor.execute(sql, params=None)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        for event in EVENTS:
            on_table = f" ON {table}" if vendor == "postgresql" else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table, event)}{on_table}", params=None)
        if vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {pg_function_name(table)}()", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0002_append_only_triggers"),
        ("reports", "0006_figurescacheentry"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
