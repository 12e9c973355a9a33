"""Set-based writes the ORM has no word for: many rows updated to different values in one
statement, ``UPDATE … FROM (VALUES …)``.

``QuerySet.bulk_update`` writes a ``CASE WHEN id = … THEN …`` chain per column, which the
database evaluates row by row against every branch; a batch of ten thousand values becomes
slow to plan and to run. ``UPDATE t SET c = v.column2 FROM (VALUES (…), (…)) AS v WHERE
t.id = v.column1`` joins instead. PostgreSQL and SQLite (since 3.33) both accept it and both
name the columns of a ``VALUES`` list ``column1``, ``column2``, …, so one text serves both.

Values are prepared by each field as the ORM would (``get_db_prep_save``); on PostgreSQL
each is cast to its column's type, since a ``VALUES`` column of parameters alone has none.
A database with a limit on parameters (SQLite) gets as many statements as that limit needs,
as ``bulk_create`` does.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def update_from_values(model: type[models.Model], fields: Sequence[str], objs: Sequence[models.Model]) -> int:
    """Write ``fields`` of each of ``objs`` (saved instances of ``model``) in one statement
    (more only where the database limits parameters). Returns the number of rows updated."""
    if not objs:
        return 0
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    postgres = connection.vendor == "postgresql"

    def cell(field) -> str:
        return f"CAST(%s AS {field.db_type(connection)})" if postgres else "%s"

    row_sql = "(" + ", ".join(cell(f) for f in columns) + ")"
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    assignments = ", ".join(f"{quote(f.column)} = v.column{i}" for i, f in enumerate(columns, 1) if i > 1)
    limit = connection.features.max_query_params
    per_statement = len(objs) if limit is None else max(1, limit // len(columns))
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params = [
                f.get_db_prep_save(getattr(obj, f.attname), connection=connection) for obj in chunk for f in columns
            ]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v "  # noqa: S608
                f"WHERE {table}.{quote(meta.pk.column)} = v.column1",
                params,
            )
            updated += cursor.rowcount
    return updated
