"""Reference figures: the least work that produces the same output.

* Dashboards: one hand-written SQL query computing the recognised counts per tier, the
  distribution of criteria met, the average and the lagging criteria.
* Workbooks: openpyxl's write-only mode writing the same cell values with no formatting; for
  the bulletin, after gathering its figures with plain statements (``bulletin_gathering``).
* Import: openpyxl's read-only mode reading every cell of the same file, and that reading
  plus the least writing an import must do (``bench.reference_import``).

Each is checked against what the portal produced, so a ratio never compares unequal work.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

# One statement computing every number of ``progress_summary``, written from DOMAIN.md's
# definitions rather than from the selector's SQL. Each year is read on its cut-off (31 December;
# today while the year runs). For the year and the one before: the communes that count — rural
# communes (xã) begun by the cut-off that were assessed in the year (unless by then they had
# ended into wards, townships or special zones only: the place is then a ward), or exist on the
# cut-off with no predecessor assessed in the year, or ended in the year before the cut-off into
# a xã existing on it, not assessed, some predecessor of which was (all of its predecessors
# count); the districts existing on the cut-off or above a commune counted; the villages of rural
# communes, assessed in the year (their commune not become a ward) or existing on the cut-off
# with no predecessor assessed; the titles held on the cut-off (a unit's last recognition at the
# tier dated by then is later than its last revocation by then) of those communes, villages and
# districts; and the standing of the communes counted (assessments, criteria met). For the year
# at the tier, the distribution of criteria met and the lagging criteria.
DASHBOARD_SQL = """
WITH y (year, first_day, cut) AS (
    VALUES (%(previous)s, %(previous_first)s, %(previous_cut)s), (%(year)s, %(first)s, %(cut)s)
),
u AS (
    SELECT u.id, u.level, u.type, u.parent_id, u.valid_from, u.valid_to FROM communes_administrativeunit u
    WHERE u.level IN ('commune', 'district', 'village') {path_filter}
),
assessed AS (
    SELECT DISTINCT x.unit_id, x.year FROM criteria_assessment x
    WHERE x.year IN (%(previous)s, %(year)s) AND x.merged_into_id IS NULL
),
succ AS (
    SELECT p.predecessor_id, y.year, s.level, s.type
    FROM communes_unitsuccession p JOIN communes_administrativeunit s ON s.id = p.successor_id CROSS JOIN y
    WHERE (s.valid_from IS NULL OR s.valid_from <= y.cut) AND (s.valid_to IS NULL OR s.valid_to >= y.cut)
),
pred_assessed AS (
    SELECT DISTINCT p.successor_id, s.year FROM communes_unitsuccession p
    JOIN assessed s ON s.unit_id = p.predecessor_id
),
became_ward AS (
    SELECT predecessor_id AS id, year FROM succ GROUP BY predecessor_id, year
    HAVING count(*) FILTER (WHERE level = 'commune' AND type <> 'xa') > 0
       AND count(*) FILTER (WHERE level = 'commune' AND type = 'xa') = 0
),
left_out AS (
    SELECT u.id, y.year FROM u CROSS JOIN y
    WHERE u.level = 'commune' AND u.type = 'xa'
      AND (u.valid_from IS NULL OR u.valid_from <= y.cut) AND (u.valid_to IS NULL OR u.valid_to >= y.cut)
      AND (u.id, y.year) NOT IN (SELECT unit_id, year FROM assessed)
      AND (u.id, y.year) IN (SELECT successor_id, year FROM pred_assessed)
),
counted AS (
    SELECT u.id, y.year FROM u CROSS JOIN y
    WHERE u.level = 'commune' AND u.type = 'xa' AND (u.valid_from IS NULL OR u.valid_from <= y.cut) AND (
        ((u.id, y.year) IN (SELECT unit_id, year FROM assessed)
         AND NOT (u.valid_to < y.cut AND (u.id, y.year) IN (SELECT id, year FROM became_ward)))
        OR ((u.valid_to IS NULL OR u.valid_to >= y.cut)
            AND (u.id, y.year) NOT IN (SELECT successor_id, year FROM pred_assessed))
        OR (u.valid_to >= y.first_day AND u.valid_to < y.cut
            AND EXISTS (SELECT 1 FROM communes_unitsuccession p JOIN left_out l ON l.id = p.successor_id
                        WHERE p.predecessor_id = u.id AND l.year = y.year)))
),
villages AS (
    SELECT u.id, y.year FROM u CROSS JOIN y JOIN communes_administrativeunit c ON c.id = u.parent_id
    WHERE u.level = 'village' AND c.level = 'commune' AND c.type = 'xa' AND (
        ((u.id, y.year) IN (SELECT unit_id, year FROM assessed)
         AND NOT (c.valid_to < y.cut AND (c.id, y.year) IN (SELECT id, year FROM became_ward)))
        OR ((u.valid_from IS NULL OR u.valid_from <= y.cut) AND (u.valid_to IS NULL OR u.valid_to >= y.cut)
            AND (u.id, y.year) NOT IN (SELECT successor_id, year FROM pred_assessed)))
),
districts AS (
    SELECT u.id, y.year FROM u CROSS JOIN y
    WHERE u.level = 'district' AND (u.valid_from IS NULL OR u.valid_from <= y.cut)
      AND (u.valid_to IS NULL OR u.valid_to >= y.cut)
    UNION
    SELECT c.parent_id, c.year FROM (SELECT u.parent_id, k.year FROM counted k JOIN u ON u.id = k.id) c
    JOIN u ON u.id = c.parent_id AND u.level = 'district'
),
a AS MATERIALIZED (
    SELECT a.id, a.unit_id, a.year, a.tier, a.criteria_met, a.criteria_total, a.criteria_basically_met,
           a.criteria_set_id
    FROM criteria_assessment a JOIN counted k ON k.id = a.unit_id AND k.year = a.year
    WHERE a.merged_into_id IS NULL
),
last_events AS (
    SELECT d.unit_id, d.tier, y.year,
           max(d.decision_date) FILTER (WHERE d.decision_date <= y.cut) AS recognised_on,
           max(d.revocation_date) FILTER (WHERE d.revocation_date <= y.cut) AS revoked_on
    FROM criteria_assessment d JOIN u ON u.id = d.unit_id CROSS JOIN y
    WHERE d.state IN ('recognised', 'revoked') AND d.merged_into_id IS NULL
    GROUP BY d.unit_id, d.tier, y.year
),
holders AS (
    SELECT unit_id, tier, year FROM last_events
    WHERE recognised_on IS NOT NULL AND (revoked_on IS NULL OR revoked_on < recognised_on)
)
SELECT 'stats', year || ':' || tier, count(*), sum(criteria_met) FROM a GROUP BY year, tier
UNION ALL
SELECT 'basic', year || ':' || tier, count(*) FILTER (WHERE criteria_basically_met > 0), sum(criteria_basically_met)
FROM a GROUP BY year, tier
UNION ALL
SELECT 'title', h.year || ':' || h.tier || ':commune', count(*), NULL
FROM holders h JOIN counted c ON c.id = h.unit_id AND c.year = h.year GROUP BY h.year, h.tier
UNION ALL
SELECT 'title', h.year || ':' || h.tier || ':village', count(*), NULL
FROM holders h JOIN villages v ON v.id = h.unit_id AND v.year = h.year GROUP BY h.year, h.tier
UNION ALL
SELECT 'title', h.year || ':' || h.tier || ':district', count(*), NULL
FROM holders h JOIN districts d ON d.id = h.unit_id AND d.year = h.year GROUP BY h.year, h.tier
UNION ALL
SELECT 'met', criteria_total || ':' || criteria_met, count(*), NULL FROM a
WHERE year = %(year)s AND tier = %(tier)s GROUP BY criteria_total, criteria_met
UNION ALL
SELECT 'met_basic', criteria_total || ':' || (criteria_met + criteria_basically_met), count(*), NULL FROM a
WHERE year = %(year)s AND tier = %(tier)s GROUP BY criteria_total, criteria_met + criteria_basically_met
UNION ALL
SELECT 'lagging', c.number || ' ' || c.name, count(r.criterion_id), count(r.criterion_id) FILTER (WHERE r.basically_met)
FROM criteria_criterion c
JOIN (SELECT DISTINCT criteria_set_id FROM a WHERE year = %(year)s AND tier = %(tier)s) s
  ON s.criteria_set_id = c.criteria_set_id
LEFT JOIN (criteria_criterionresult r JOIN a ON a.id = r.assessment_id AND a.year = %(year)s AND a.tier = %(tier)s)
  ON r.criterion_id = c.id AND NOT r.met
GROUP BY c.number, c.name
UNION ALL
SELECT 'units', year || ':commune', count(*), NULL FROM counted GROUP BY year
UNION ALL
SELECT 'units', year || ':district', count(*), NULL FROM districts GROUP BY year
"""


@dataclass
class YearNumbers:
    units: dict[str, int]  # level -> communes counted / districts existing
    stats: dict[str, tuple[int, int]]  # tier -> communes counted with an assessment, criteria met sum
    titles: dict[tuple[str, str], int]  # (tier, level) -> title holders on the cut-off
    basic: dict[str, int] = field(default_factory=dict)  # tier -> criteria basically met (cơ bản đạt)


@dataclass
class DashboardNumbers:
    years: dict[int, YearNumbers]
    met: dict[tuple[int, int], int]  # (criteria_total, criteria_met) -> assessments
    lagging: dict[str, int]  # "number name" -> assessments not meeting it
    met_basic: dict[tuple[int, int], int] = field(default_factory=dict)  # (total, met + basically met) -> n
    lagging_basic: dict[str, int] = field(default_factory=dict)  # "number name" -> of those, basically met


def dashboard_sql(path: str | None) -> tuple[str, dict]:
    """The statement and its parameters for a unit (its path) or the whole country (None)."""
    if path is None:
        return DASHBOARD_SQL.format(path_filter=""), {}
    return DASHBOARD_SQL.format(path_filter="AND u.path LIKE %(path)s"), {"path": path + "%"}


def dashboard_numbers(
    path: str | None, year: int, tier: str, *, ended: datetime.date | None = None
) -> DashboardNumbers:
    """The numbers of the unit at ``path`` (None: the country) for ``year`` and the year before,
    each read on its cut-off: 31 December, today while the year runs, and for a unit that ended
    (``ended``, its last day) that day in the year it ended."""
    sql, params = dashboard_sql(path)
    numbers = DashboardNumbers({y: YearNumbers({}, {}, {}) for y in (year - 1, year)}, {}, {})
    with connection.cursor() as cursor:
        today = timezone.localdate()
        days = {
            "previous": year - 1,
            "previous_first": datetime.date(year - 1, 1, 1),
            "previous_cut": min(datetime.date(year - 1, 12, 31), today, ended or today),
            "first": datetime.date(year, 1, 1),
            "cut": min(datetime.date(year, 12, 31), today, ended or today),
        }
        cursor.execute(sql, {**params, **days, "year": year, "tier": tier})
        rows = cursor.fetchall()
    for kind, key, count, met_sum in rows:
        if kind == "stats":
            y, t = key.split(":")
            numbers.years[int(y)].stats[t] = (count, int(met_sum or 0))
        elif kind == "title":
            y, t, level = key.split(":")
            numbers.years[int(y)].titles[t, level] = count
        elif kind == "basic":
            y, t = key.split(":")
            numbers.years[int(y)].basic[t] = int(met_sum or 0)
        elif kind == "met":
            total, met = key.split(":")
            numbers.met[int(total), int(met)] = count
        elif kind == "met_basic":
            total, met = key.split(":")
            numbers.met_basic[int(total), int(met)] = count
        elif kind == "lagging":
            numbers.lagging[key] = count
            numbers.lagging_basic[key] = int(met_sum or 0)
        else:
            y, level = key.split(":")
            numbers.years[int(y)].units[level] = count
    return numbers


def _headline_differences(label: str, ours, year: YearNumbers, tier: str, *, districts: bool) -> list[str]:
    found = []
    units, met_sum = year.stats.get(tier, (0, 0))
    expected = {
        "communes_total": year.units.get("commune", 0),
        "communes_with_data": units,
        "recognised": {t: n for t in ("standard", "advanced", "model") if (n := year.titles.get((t, "commune"), 0))},
        "average_criteria_met": (
            (Decimal(met_sum) / units).quantize(Decimal("0.01"), ROUND_HALF_UP) if units else None
        ),
        "villages_recognised": year.titles.get((tier, "village"), 0),
        "districts_total": (year.units.get("district") or None) if districts else None,
    }
    expected["districts_recognised"] = year.titles.get((tier, "district"), 0) if expected["districts_total"] else None
    for name, value in expected.items():
        mine = getattr(ours, name)
        if name == "recognised":
            mine = {t: n for t, n in mine.items() if n}
        elif name == "average_criteria_met" and mine is not None:
            mine = mine.quantize(Decimal("0.01"), ROUND_HALF_UP)  # the summary keeps it exact; the API's 2 places
        if mine != value:
            found.append(f"{label} {name} {mine} vs {value}")
    return found


def compare_with_summary(numbers: DashboardNumbers, summary, *, districts: bool = True) -> list[str]:
    """Where the reference and ``reports.selectors.progress_summary`` (of a province or the
    country) disagree; empty when they give the same numbers."""
    year, tier = summary.year, summary.tier
    found = _headline_differences("year", summary, numbers.years[year], tier, districts=districts)
    previous = numbers.years[year - 1]
    if summary.previous_year is not None:
        found += _headline_differences("previous year", summary.previous_year, previous, tier, districts=districts)
    elif any(n for n, _s in previous.stats.values()) or any(
        n for (_t, level), n in previous.titles.items() if level == "commune"
    ):
        found.append("previous year missing")
    for name, counts, ours in (
        ("buckets", numbers.met, summary.buckets),
        ("buckets with basically met", numbers.met_basic, summary.buckets_with_basically_met),
    ):
        found += _bucket_differences(name, counts, ours)
    if {f"{c.number} {c.name}": c.not_met for c in summary.lagging} != numbers.lagging:
        found.append("lagging criteria differ")
    if {f"{c.number} {c.name}": c.basically_met for c in summary.lagging} != numbers.lagging_basic:
        found.append("lagging criteria basically met differ")
    if summary.criteria_basically_met != numbers.years[year].basic.get(tier, 0):
        found.append(f"criteria basically met {summary.criteria_basically_met} vs {numbers.years[year].basic}")
    return found


def _bucket_differences(name: str, counts: dict[tuple[int, int], int], buckets) -> list[str]:
    expected: dict[tuple[int, int, int], int] = defaultdict(int)
    for (total, met), n in counts.items():
        for b in buckets:
            if b.total == total and b.low <= met <= b.high:
                expected[b.total, b.low, b.high] += n
    ours = {(b.total, b.low, b.high): b.count for b in buckets if b.count}
    return [] if ours == dict(expected) else [f"{name} {ours} vs {dict(expected)}"]


# --- The bulletin's figures ------------------------------------------------------------------

# Every rural commune under the unit with its assessment of the year at the standard tier (if
# any) and each criterion's result: the commune-by-criterion sheet, as a DBA would select it.
MATRIX_SQL = """
SELECT u.code, d.name, u.name, a.state, a.criteria_met, a.criteria_total, c.number, r.met
FROM communes_administrativeunit u
JOIN communes_administrativeunit d ON d.id = u.parent_id
LEFT JOIN criteria_assessment a ON a.unit_id = u.id AND a.year = %(year)s AND a.tier = 'standard'
     AND a.merged_into_id IS NULL
LEFT JOIN criteria_criterionresult r ON r.assessment_id = a.id
LEFT JOIN criteria_criterion c ON c.id = r.criterion_id
WHERE u.level = 'commune' AND u.type = 'xa' AND u.path LIKE %(path)s
  AND (a.id IS NOT NULL OR ((u.valid_from IS NULL OR u.valid_from <= %(last)s)
                            AND (u.valid_to IS NULL OR u.valid_to >= %(last)s)))
ORDER BY d.name, u.name, c.number
"""

# Decisions dated in the month, of units under the unit.
NEW_SQL = """
SELECT u.code, u.name, u.level, a.tier, a.year, a.decision_number, a.decision_date
FROM criteria_assessment a JOIN communes_administrativeunit u ON u.id = a.unit_id
WHERE a.state IN ('recognised', 'revoked') AND a.merged_into_id IS NULL AND u.path LIKE %(path)s
  AND a.decision_date BETWEEN %(first)s AND %(last)s
"""


def bulletin_gathering(path: str, year: int, month: int) -> dict:
    """The figures of a unit's monthly bulletin (valid time), gathered with plain statements:
    the dashboard numbers at each tier, the commune-by-criterion matrix and the decisions of the
    month. Returns {commune code: criteria met} from the matrix, for checking."""
    first = datetime.date(year, month, 1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    for tier in ("standard", "advanced", "model"):
        dashboard_numbers(path, year, tier)
    params = {"path": path + "%", "year": year, "first": first, "last": last}
    met: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(MATRIX_SQL, params)
        for code, _district, _name, _state, _met, _total, _number, result in cursor.fetchall():
            met[code] = met.get(code, 0) + (1 if result else 0)
        cursor.execute(NEW_SQL, params)
        cursor.fetchall()
    return met


def matrix_differences(gathered: dict[str, int], cells: list[tuple[str, list[tuple]]], sheet: str) -> list[str]:
    """Where the gathered criteria met per commune and the bulletin's matrix sheet disagree (the
    sheet's header row starts with "STT"; code in column D, criteria met in column F)."""
    rows = dict(cells)[sheet]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "STT")
    ours = {row[3]: row[5] or 0 for row in rows[header + 1 :] if row and isinstance(row[0], int)}
    if ours == gathered:
        return []
    differ = sorted(code for code in ours.keys() | gathered.keys() if ours.get(code) != gathered.get(code))
    return [f"matrix: {len(differ)} communes differ, e.g. {differ[:5]}"]


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
