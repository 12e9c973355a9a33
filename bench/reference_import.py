"""The import's references: reading the file alone, and reading it then writing its values
and their history in plain SQL (the floor under any import of the same file). The other
references are in ``bench.reference``."""

from __future__ import annotations

import io
from decimal import Decimal

from django.db import connection, transaction


def read_only(content: bytes) -> int:
    """Read every cell of a workbook in openpyxl's read-only mode; returns the cell count."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    finally:
        book.close()


def read_and_write(content: bytes, *, set_id: int, year: int, user_id: int) -> int:
    """The least work that applying an import file must do, in plain SQL: read every cell in
    openpyxl's read-only mode, then write each of the file's values (over the one stored, or
    new) and a history row for it, by COPY, one update and one insert, with the foreign-key
    checks a commit would run, rolled back. No checks, no outcomes, no criterion results or
    logs: a floor under any import of the same file.
    Returns the values written.

    Written from the template's layout (the data sheet; the codes row; a unit code and one
    indicator per column), not from the portal's import code."""
    from openpyxl import load_workbook

    from reports.importing import layout

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        rows = [
            row
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            if sheet.title == layout.DATA_SHEET
        ]
    finally:
        book.close()
    codes = rows[layout.CODES_ROW - 1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, id, value_type FROM criteria_indicator WHERE criteria_set_id = %s", [set_id])
        indicators = {code: (pk, value_type) for code, pk, value_type in cursor.fetchall()}
        cursor.execute(
            "SELECT u.code, a.id FROM criteria_assessment a JOIN communes_administrativeunit u ON u.id = a.unit_id "
            "WHERE a.criteria_set_id = %s AND a.year = %s AND a.merged_into_id IS NULL",
            [set_id, year],
        )
        assessments = dict(cursor.fetchall())
    columns = [(i, indicators[code]) for i, code in enumerate(codes) if code in indicators]
    assessment_ids, indicator_ids, decimals, booleans, shown = [], [], [], [], []
    for row in rows[layout.FIRST_DATA_ROW - 1 :]:
        assessment = assessments.get(row[0])
        if assessment is None:
            continue
        for i, (indicator, value_type) in columns:
            value = row[i]
            if value is None:
                continue
            assessment_ids.append(assessment)
            indicator_ids.append(indicator)
            if value_type == "yes_no":
                decimals.append(None)
                booleans.append(value == layout.YES)
            else:
                decimals.append(Decimal(str(value)))
                booleans.append(None)
            shown.append(str(value))
    # COPY is PostgreSQL's fastest way in: the values into a temporary table, then one update
    # and one insert from it; the history straight into its table.
    values = io.StringIO()
    for row in zip(assessment_ids, indicator_ids, decimals, booleans, strict=True):
        values.write(
            "\t".join(r"\N" if v is None else ("t" if v is True else "f" if v is False else str(v)) for v in row)
        )
        values.write("\n")
    history = io.StringIO()
    comment = "Imported (reference)"
    for assessment, indicator, text in zip(assessment_ids, indicator_ids, shown, strict=True):
        history.write(f"{assessment}\tvalue\t{indicator}\t\\N\t\t{text}\t\t\t\t\t{comment}\t{user_id}\tnow\n")
    values.seek(0)
    history.seek(0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE reference_values (assessment_id bigint, indicator_id bigint, "
            "value_decimal numeric, value_bool boolean) ON COMMIT DROP"
        )
        cursor.cursor.copy_expert("COPY reference_values FROM STDIN", values)
        cursor.execute(
            "UPDATE criteria_indicatorvalue v SET value_decimal = n.value_decimal, value_bool = n.value_bool, "
            "version = v.version + 1, updated_by_id = %s, updated_at = now() FROM reference_values n "
            "WHERE v.assessment_id = n.assessment_id AND v.indicator_id = n.indicator_id",
            [user_id],
        )
        written = cursor.rowcount
        cursor.execute(
            "INSERT INTO criteria_indicatorvalue (assessment_id, indicator_id, value_decimal, value_bool, outcome, "
            "not_applicable, note, version, updated_by_id, updated_at) "
            "SELECT n.assessment_id, n.indicator_id, n.value_decimal, n.value_bool, 'missing', false, '', 1, %s, now() "
            "FROM reference_values n WHERE NOT EXISTS (SELECT 1 FROM criteria_indicatorvalue v "
            "WHERE v.assessment_id = n.assessment_id AND v.indicator_id = n.indicator_id)",
            [user_id],
        )
        written += cursor.rowcount
        cursor.cursor.copy_expert(
            "COPY criteria_historyentry (assessment_id, kind, indicator_id, criterion_id, old_value, new_value, "
            "old_note, new_note, old_state, new_state, comment, user_id, at) FROM STDIN",
            history,
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys a commit would check
        transaction.set_rollback(True)
    return written
