"""Reference figures: the least work that produces the same output.

* Dashboards: one hand-written SQL query computing the recognised counts per tier, the
  distribution of criteria met, the average and the lagging criteria.
* Workbooks: openpyxl's write-only mode writing the same cell values with no formatting.
* Import: openpyxl's read-only mode reading every cell of the same file.

Each is checked against what the portal produced, so a ratio never compares unequal work.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

# One statement; the CTE is read once per branch by the planner only as far as it needs.
DASHBOARD_SQL = """
WITH a AS MATERIALIZED (
    SELECT a.id, a.unit_id, a.state, a.criteria_met, a.criteria_total, s.tier
    FROM criteria_assessment a
    JOIN criteria_criteriaset s ON s.id = a.criteria_set_id
    {unit_join}
    WHERE a.year = %(year)s AND s.level = 'commune' {unit_filter}
)
SELECT 'recognised', tier, count(DISTINCT unit_id) FILTER (WHERE state = 'recognised'), CAST(NULL AS numeric)
FROM a GROUP BY tier
UNION ALL
SELECT 'met', criteria_total || ':' || criteria_met, count(*), NULL FROM a
WHERE tier = %(tier)s GROUP BY criteria_total, criteria_met
UNION ALL
SELECT 'average', NULL, count(*), sum(criteria_met) FROM a WHERE tier = %(tier)s
UNION ALL
SELECT 'lagging', c.number || ' ' || c.name, count(*), NULL
FROM criteria_criterionresult r
JOIN a ON a.id = r.assessment_id
JOIN criteria_criterion c ON c.id = r.criterion_id
WHERE a.tier = %(tier)s AND NOT r.met
GROUP BY c.number, c.name
"""


@dataclass
class DashboardNumbers:
    recognised: dict[str, int]
    met: dict[tuple[int, int], int]  # (criteria_total, criteria_met) -> assessments
    average: Decimal | None
    lagging: dict[str, int]  # "number name" -> assessments not meeting it


def dashboard_sql(path: str | None) -> tuple[str, dict]:
    """The statement and its parameters for a unit (its path) or the whole country (None)."""
    if path is None:
        return DASHBOARD_SQL.format(unit_join="", unit_filter=""), {}
    sql = DASHBOARD_SQL.format(
        unit_join="JOIN communes_administrativeunit u ON u.id = a.unit_id",
        unit_filter="AND u.path LIKE %(path)s",
    )
    return sql, {"path": path + "%"}


def dashboard_numbers(path: str | None, year: int, tier: str) -> DashboardNumbers:
    sql, params = dashboard_sql(path)
    numbers = DashboardNumbers({}, {}, None, {})
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "year": year, "tier": tier})
        rows = cursor.fetchall()
    for kind, key, count, value in rows:
        if kind == "recognised":
            numbers.recognised[key] = count
        elif kind == "met":
            total, met = key.split(":")
            numbers.met[int(total), int(met)] = count
        elif kind == "average" and count:
            numbers.average = (Decimal(int(value)) / count).quantize(Decimal("0.01"), ROUND_HALF_UP)
        elif kind == "lagging":
            numbers.lagging[key] = count
    return numbers


def compare_with_summary(numbers: DashboardNumbers, summary) -> list[str]:
    """Where the reference and ``reports.selectors.progress_summary`` disagree (empty: same)."""
    found = []
    recognised = {tier: n for tier, n in summary.recognised.items() if n}
    if recognised != {tier: n for tier, n in numbers.recognised.items() if n}:
        found.append(f"recognised {summary.recognised} vs {numbers.recognised}")
    if summary.average_criteria_met != numbers.average:
        found.append(f"average {summary.average_criteria_met} vs {numbers.average}")
    buckets: dict[tuple[int, int, int], int] = defaultdict(int)
    for (total, met), n in numbers.met.items():
        for b in summary.buckets:
            if b.total == total and b.low <= met <= b.high:
                buckets[b.total, b.low, b.high] += n
    ours = {(b.total, b.low, b.high): b.count for b in summary.buckets if b.count}
    if ours != dict(buckets):
        found.append(f"buckets {ours} vs {dict(buckets)}")
    lagging = {f"{c.number} {c.name}": c.not_met for c in summary.lagging if c.not_met}
    if lagging != numbers.lagging:
        found.append("lagging criteria differ")
    return found


# --- Workbooks -------------------------------------------------------------------------------


def workbook_cells(content: bytes) -> list[tuple[str, list[tuple]]]:
    """Every sheet's cell values of a workbook the portal produced."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [(sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book.worksheets]
    finally:
        book.close()


def write_only(cells: list[tuple[str, list[tuple]]]) -> bytes:
    """The same cells written by openpyxl in write-only mode, no formatting."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in cells:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_only(content: bytes) -> int:
    """Read every cell of a workbook in openpyxl's read-only mode; returns the cell count."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    finally:
        book.close()
