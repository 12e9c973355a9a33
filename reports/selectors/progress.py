"""Reads behind the progress dashboards, the communes list, the matrix and the progress API.

Every figure is aggregated in the database, with a fixed number of queries whatever the number
of communes (``reports/tests/test_query_counts.py`` holds each selector to its count). The page,
the API and later the bulletin all call these functions, so they never disagree.

``unit=None`` stands for the whole country; only superusers reach it (the views check).

Which communes count in a year ("the communes of year Y", see README): those with any
commune assessment in Y, plus those that exist on 31 December of Y unless one of their
predecessors was assessed in Y. So 2025, assessed on the communes that existed before the
1 July 2025 merger, is counted on those communes, and the merged communes join from 2026.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Max, Q, Sum

from communes.models import AdministrativeUnit, Level
from criteria.evaluation import DEFAULT_CUTS, bucket_bounds
from criteria.models import Assessment, AssessmentState, Criterion, Tier
from criteria.selectors import communes_of_year_q as counted_q

TIERS: tuple[str, ...] = tuple(Tier.values)
RECOGNISED = AssessmentState.RECOGNISED
_TWO_PLACES = Decimal("0.01")
_ONE_PLACE = Decimal("0.1")


# --- Shapes ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Headline:
    """The headline figures of a unit (None: the country) for one year and tier."""

    year: int
    tier: str
    communes_total: int
    communes_with_data: int  # communes with an assessment at ``tier`` in ``year``
    recognised: dict[str, int]  # tier -> communes recognised at that tier in ``year``
    recognised_share: dict[str, Decimal | None]  # tier -> percent of communes_total, 1 place
    average_criteria_met: Decimal | None  # over the assessments at ``tier``, 2 places
    villages_recognised: int  # villages recognised at ``tier``
    districts_total: int | None  # None below province level and when no district existed
    districts_recognised: int | None

    @property
    def communes_without_data(self) -> int:
        return self.communes_total - self.communes_with_data


class BucketCount(NamedTuple):
    label: str  # "15–18"; suffixed with the scale ("15–18 / 19") only when a year mixes set sizes
    low: int
    high: int
    count: int
    total: int  # the size of the criteria set whose scale the bucket is on


class LaggingCriterion(NamedTuple):
    number: int
    name: str
    not_met: int  # communes (assessments at the tier) that have not met it


@dataclass(frozen=True, kw_only=True)
class ProgressSummary(Headline):
    unit_code: str | None
    buckets: list[BucketCount] = field(default_factory=list)
    lagging: list[LaggingCriterion] = field(default_factory=list)
    previous_year: Headline | None = None  # the same figures for year - 1; None without data


@dataclass(frozen=True)
class TrendPoint:
    year: int
    recognised: dict[str, int]
    communes_with_data: int  # at the selected tier
    average_criteria_met: Decimal | None  # at the selected tier
    scale: int | None = None  # criteria in the (largest) set assessed at the tier: 19, or 10 from 2026


@dataclass(frozen=True)
class BreakdownRow:
    """One unit one level down (drill-down): figures of the communes it holds."""

    code: str
    name: str
    level: str
    communes_total: int
    communes_with_data: int
    recognised: int  # at the selected tier
    average_criteria_met: Decimal | None

    @property
    def communes_without_data(self) -> int:
        return self.communes_total - self.communes_with_data


# --- Building blocks -------------------------------------------------------------------------


def _average(met_sum: int | None, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(met_sum or 0) / Decimal(count)).quantize(_TWO_PLACES, ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(_ONE_PLACE, ROUND_HALF_UP)


def _within(unit: AdministrativeUnit | None, prefix: str = "", *, level: str | None = None) -> Q:
    """Units under ``unit``, of ``level`` when given: PostgreSQL then sees a province's few
    hundred communes rather than its thousands of units, and joins through the indexes."""
    if unit is None:
        return Q()
    q = Q(**{f"{prefix}path__startswith": unit.path})
    return q & Q(**{f"{prefix}level": level}) if level else q


def commune_assessments(unit: AdministrativeUnit | None, *, level: str = Level.COMMUNE):
    """Assessments of units of ``level`` (communes by default) under ``unit``.

    Filtered on the set's level, which ``assessment_create`` keeps equal to the unit's: the
    country then needs no join to the units table (a million villages, in time).
    """
    return Assessment.objects.filter(_within(unit, "unit__", level=level), criteria_set__level=level)


def communes_counted(*, unit: AdministrativeUnit | None, year: int):
    """The communes of ``year`` under ``unit``, as a queryset of units."""
    return AdministrativeUnit.objects.filter(_within(unit), level=Level.COMMUNE).filter(counted_q(year))


def latest_year(*, unit: AdministrativeUnit | None) -> int | None:
    """The last year with a commune assessment under ``unit``: the pages' default year."""
    return commune_assessments(unit).aggregate(year=Max("year"))["year"]


# --- Headline, buckets, lagging criteria -----------------------------------------------------

# ``progress_summary`` in one statement. The assessments of the two years under the unit are
# read once into ``a``, then every figure is a branch over it; each branch gives rows of the
# same eight columns:
#
#   kind       year  key   name       n1            n2            n3       n4
#   stats      Y     tier  set level  units         recognised    met sum  assessments
#   met        Y                      set size      criteria met           assessments
#   not_met    Y                      criterion id                         results not met
#   criterion              name       criterion id  number
#   units      Y           level      count
#
# "Under the unit" is ``_within`` (the path prefix); the units branch is ``communes_counted``
# (the rule of ``criteria.selectors.communes_of_year_q``) and "the districts that existed
# during the year" written in SQL, since building them through the ORM took as long as running
# the whole statement. ``reports/tests/selectors/test_progress_summary.py`` holds the SQL and
# the ORM rule to the same communes.
_SUMMARY_SQL = """
WITH a AS MATERIALIZED (
    SELECT a.id, a.unit_id, a.year, a.state, a.criteria_met, a.criteria_total, a.criteria_set_id, s.tier, s.level
    FROM criteria_assessment a
    JOIN criteria_criteriaset s ON s.id = a.criteria_set_id
    {unit_join}
    WHERE a.year IN (%(previous)s, %(year)s) {unit_filter}
),
y (year, first_day, last_day) AS (
    VALUES (%(previous)s, %(previous_first)s, %(previous_last)s), (%(year)s, %(first)s, %(last)s)
),
u AS (
    SELECT u.id, u.level, u.valid_from, u.valid_to FROM communes_administrativeunit u
    WHERE u.level IN ('commune', %(district)s) {unit_filter}
)
SELECT 'stats', year, tier, level, COUNT(DISTINCT unit_id),
       COUNT(DISTINCT unit_id) FILTER (WHERE state = %(recognised)s), SUM(criteria_met), COUNT(*)
FROM a GROUP BY year, tier, level
UNION ALL
SELECT 'met', year, NULL, NULL, criteria_total, criteria_met, NULL, COUNT(*) FROM a
WHERE year = %(year)s AND tier = %(tier)s AND level = 'commune' GROUP BY year, criteria_total, criteria_met
UNION ALL
SELECT 'not_met', a.year, NULL, NULL, r.criterion_id, NULL, NULL, COUNT(*)
FROM criteria_criterionresult r JOIN a ON a.id = r.assessment_id
WHERE a.year = %(year)s AND a.tier = %(tier)s AND a.level = 'commune' AND NOT r.met
GROUP BY a.year, r.criterion_id
UNION ALL
SELECT 'criterion', NULL, NULL, c.name, c.id, c.number, NULL, NULL
FROM criteria_criterion c
JOIN (SELECT DISTINCT criteria_set_id FROM a WHERE year = %(year)s AND tier = %(tier)s AND level = 'commune') s
  ON s.criteria_set_id = c.criteria_set_id
UNION ALL
SELECT 'units', y.year, NULL, u.level, COUNT(*), NULL, NULL, NULL
FROM u CROSS JOIN y
LEFT JOIN (SELECT DISTINCT unit_id, year FROM a) assessed ON assessed.unit_id = u.id AND assessed.year = y.year
WHERE CASE WHEN u.level = 'district' THEN
        (u.valid_from IS NULL OR u.valid_from <= y.last_day) AND (u.valid_to IS NULL OR u.valid_to >= y.first_day)
    ELSE
        assessed.unit_id IS NOT NULL
        OR ((u.valid_from IS NULL OR u.valid_from <= y.last_day) AND (u.valid_to IS NULL OR u.valid_to >= y.last_day)
            AND NOT EXISTS (
                SELECT 1 FROM communes_unitsuccession p
                JOIN criteria_assessment x ON x.unit_id = p.predecessor_id AND x.year = y.year
                WHERE p.successor_id = u.id))
    END
GROUP BY y.year, u.level
"""


# "Under the unit" in the statements below, as ``_within`` says it: the path starts with the
# unit's (a code may hold ``_``, a LIKE wildcard, hence the escaping).
_UNDER_PATH = "AND u.path LIKE %(path)s ESCAPE '\\'"


def _path_prefix(unit: AdministrativeUnit) -> str:
    return connection.ops.prep_for_like_query(unit.path) + "%"


class _SummaryRows:
    """The rows of ``_SUMMARY_SQL`` sorted by kind."""

    def __init__(self, rows: list[tuple]):
        self.stats: dict[tuple[int, str, str], dict] = {}
        self.met: dict[int, dict[int, int]] = defaultdict(dict)  # set size -> criteria met -> n
        self.not_met: dict[int, int] = {}  # criterion id -> results not met
        self.criteria: list[tuple[int, int, str]] = []  # (id, number, name) of every criterion assessed
        self.units: dict[tuple[int, str], int] = {}  # (year, level) -> communes counted, districts existing
        for kind, year, key, name, n1, n2, n3, n4 in rows:
            if kind == "stats":
                self.stats[year, key, name] = {"units": n1, "recognised": n2, "met_sum": n3 or 0, "n": n4}
            elif kind == "met":
                self.met[n1][n2] = n4
            elif kind == "not_met":
                self.not_met[n1] = n4
            elif kind == "criterion":
                self.criteria.append((n1, n2, name))
            else:
                self.units[year, name] = n1


def _summary_rows(unit: AdministrativeUnit | None, year: int, tier: str) -> _SummaryRows:
    params = {
        "previous": year - 1,
        "year": year,
        "tier": tier,
        "recognised": RECOGNISED,
        "previous_first": datetime.date(year - 1, 1, 1),
        "previous_last": datetime.date(year - 1, 12, 31),
        "first": datetime.date(year, 1, 1),
        "last": datetime.date(year, 12, 31),
        # districts are counted for a province and the country; a district counts its communes
        "district": Level.DISTRICT if unit is None or unit.level == Level.PROVINCE else Level.COMMUNE,
    }
    if unit is None:
        sql = _SUMMARY_SQL.format(unit_join="", unit_filter="")
    else:
        sql = _SUMMARY_SQL.format(
            unit_join="JOIN communes_administrativeunit u ON u.id = a.unit_id", unit_filter=_UNDER_PATH
        )
        params["path"] = _path_prefix(unit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _SummaryRows(cursor.fetchall())


def _headline(rows: _SummaryRows, year: int, tier: str) -> Headline:
    empty = {"units": 0, "recognised": 0, "met_sum": 0, "n": 0}
    communes_total = rows.units.get((year, Level.COMMUNE), 0)
    at_tier = rows.stats.get((year, tier, Level.COMMUNE), empty)
    recognised = {t: rows.stats.get((year, t, Level.COMMUNE), empty)["recognised"] for t in TIERS}
    districts_total = rows.units.get((year, Level.DISTRICT)) or None  # no district that year: not shown
    return Headline(
        year=year,
        tier=tier,
        communes_total=communes_total,
        communes_with_data=at_tier["units"],
        recognised=recognised,
        recognised_share={t: _share(n, communes_total) for t, n in recognised.items()},
        average_criteria_met=_average(at_tier["met_sum"], at_tier["n"]),
        villages_recognised=rows.stats.get((year, tier, Level.VILLAGE), empty)["recognised"],
        districts_total=districts_total,
        districts_recognised=(
            rows.stats.get((year, tier, Level.DISTRICT), empty)["recognised"] if districts_total else None
        ),
    )


def _has_data(headline: Headline) -> bool:
    return headline.communes_with_data > 0 or any(headline.recognised.values())


def _buckets(met: dict[int, dict[int, int]], cuts: tuple[int, ...] = DEFAULT_CUTS) -> list[BucketCount]:
    """Communes by criteria met, from counts per (set size, criteria met).

    Each assessment is bucketed on its own set's scale (19, the 10 of 2026–2030, a province's
    20). The usual year has one scale and gives its five buckets; a year that mixes scales
    lists each scale's buckets, largest group first, labels suffixed with the scale.
    """
    by_total = {total: counts for total, counts in met.items() if total > 0}  # an empty set has no scale
    mixed = len(by_total) > 1
    result: list[BucketCount] = []
    for total, counts in sorted(by_total.items(), key=lambda item: (-sum(item[1].values()), -item[0])):
        for bucket in bucket_bounds(total, cuts):
            label = f"{bucket.label} / {total}" if mixed else bucket.label
            count = sum(n for met_, n in counts.items() if bucket.low <= met_ <= bucket.high)
            result.append(BucketCount(label, bucket.low, bucket.high, count, total))
    return result


def _lagging(rows: _SummaryRows) -> list[LaggingCriterion]:
    """For each criterion, the communes that have not met it, most first.

    Every criterion of the sets assessed is listed, so one every commune meets shows its zero;
    criteria of several sets with the same number and name are one row.
    """
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for pk, number, name in rows.criteria:
        counts[number, name] += rows.not_met.get(pk, 0)
    lagging = [LaggingCriterion(number, name, n) for (number, name), n in counts.items()]
    return sorted(lagging, key=lambda c: (-c.not_met, c.number, c.name))


def criteria_assessed(*, unit: AdministrativeUnit | None, year: int, tier: str):
    """The criteria of every set used by the commune assessments of ``year`` at ``tier``."""
    sets = commune_assessments(unit).filter(year=year, criteria_set__tier=tier).values("criteria_set_id")
    return Criterion.objects.filter(criteria_set__in=sets)


def progress_summary(*, unit: AdministrativeUnit | None, year: int, tier: str) -> ProgressSummary:
    """Headline, buckets, lagging criteria and last year's headline: one statement.

    ``unit=None`` is the whole country. The same function feeds the dashboard and
    ``/api/v1/progress/``.
    """
    rows = _summary_rows(unit, year, tier)
    previous = _headline(rows, year - 1, tier)
    return ProgressSummary(
        **vars(_headline(rows, year, tier)),
        unit_code=unit.code if unit is not None else None,
        buckets=_buckets(rows.met),
        lagging=_lagging(rows),
        previous_year=previous if _has_data(previous) else None,
    )


# --- Trend and drill-down --------------------------------------------------------------------


def progress_trend(*, unit: AdministrativeUnit | None, tier: str) -> list[TrendPoint]:
    """Year by year: communes recognised per tier, and the average criteria met at ``tier``."""
    rows = (
        commune_assessments(unit)
        .values("year", "criteria_set__tier")
        .annotate(
            units=Count("unit", distinct=True),
            recognised=Count("unit", distinct=True, filter=Q(state=RECOGNISED)),
            met_sum=Sum("criteria_met"),
            n=Count("pk"),
            scale=Max("criteria_total"),
        )
        .order_by()
    )
    by_year: dict[int, dict[str, dict]] = defaultdict(dict)
    for r in rows:
        by_year[r["year"]][r["criteria_set__tier"]] = r
    points = []
    for year in sorted(by_year):
        tiers = by_year[year]
        at_tier = tiers.get(tier, {"units": 0, "met_sum": 0, "n": 0, "scale": None})
        points.append(
            TrendPoint(
                year=year,
                recognised={t: tiers[t]["recognised"] if t in tiers else 0 for t in TIERS},
                communes_with_data=at_tier["units"],
                average_criteria_met=_average(at_tier["met_sum"], at_tier["n"]),
                scale=at_tier["scale"],
            )
        )
    return points


# ``progress_breakdown`` in one statement: ``c`` the communes under the unit, each with the id of
# the unit one level down that holds it (``{child}``); ``a`` their assessments of the year; then
# per child the communes counted (the rule of ``communes_of_year_q``, as in ``_SUMMARY_SQL``)
# and the figures at the tier, joined to the child's own row.
_BREAKDOWN_SQL = """
WITH c AS MATERIALIZED (
    SELECT u.id, u.valid_from, u.valid_to, {child} AS child
    FROM communes_administrativeunit u
    JOIN communes_administrativeunit p ON p.id = u.parent_id
    WHERE u.level = 'commune' {unit_filter}
),
a AS MATERIALIZED (
    SELECT a.unit_id, a.state, a.criteria_met, s.tier, s.level
    FROM criteria_assessment a
    JOIN criteria_criteriaset s ON s.id = a.criteria_set_id
    JOIN c ON c.id = a.unit_id
    WHERE a.year = %(year)s
),
counted AS (
    SELECT c.child, COUNT(*) AS n FROM c
    WHERE EXISTS (SELECT 1 FROM a WHERE a.unit_id = c.id)
        OR ((c.valid_from IS NULL OR c.valid_from <= %(last)s) AND (c.valid_to IS NULL OR c.valid_to >= %(last)s)
            AND NOT EXISTS (
                SELECT 1 FROM communes_unitsuccession p
                JOIN criteria_assessment x ON x.unit_id = p.predecessor_id AND x.year = %(year)s
                WHERE p.successor_id = c.id))
    GROUP BY c.child
),
stats AS (
    SELECT c.child, COUNT(DISTINCT a.unit_id) AS units,
           COUNT(DISTINCT a.unit_id) FILTER (WHERE a.state = %(recognised)s) AS recognised,
           SUM(a.criteria_met) AS met_sum, COUNT(*) AS n
    FROM a JOIN c ON c.id = a.unit_id
    WHERE a.tier = %(tier)s AND a.level = 'commune'
    GROUP BY c.child
)
SELECT u.code, u.name, u.level, counted.n, stats.units, stats.recognised, stats.met_sum, stats.n
FROM communes_administrativeunit u
LEFT JOIN counted ON counted.child = u.id
LEFT JOIN stats ON stats.child = u.id
WHERE u.id IN (SELECT child FROM counted UNION SELECT child FROM stats)
ORDER BY CASE WHEN u.level = 'commune' THEN 1 ELSE 0 END, u.name_sort, u.code
"""


def _child_sql(unit: AdministrativeUnit | None) -> str:
    """The id of the unit one level below ``unit`` that holds commune ``u`` (parent ``p``).

    The country → its provinces; a province → its districts, or the commune itself where it
    hangs directly under the province (from 1 July 2025); a district → the commune.
    """
    if unit is None:
        return "CASE WHEN p.level = 'province' THEN p.id ELSE p.parent_id END"
    if unit.level == Level.PROVINCE:
        return "CASE WHEN p.level = 'district' THEN p.id ELSE u.id END"
    return "u.id"


def progress_breakdown(*, unit: AdministrativeUnit | None, year: int, tier: str) -> list[BreakdownRow]:
    """Figures per unit one level down, for the drill-down table; one statement."""
    params = {"year": year, "tier": tier, "recognised": RECOGNISED, "last": datetime.date(year, 12, 31)}
    unit_filter = ""
    if unit is not None:
        unit_filter, params["path"] = _UNDER_PATH, _path_prefix(unit)
    sql = _BREAKDOWN_SQL.format(child=_child_sql(unit), unit_filter=unit_filter)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        BreakdownRow(
            code=code,
            name=name,
            level=level,
            communes_total=total or 0,
            communes_with_data=units or 0,
            recognised=recognised or 0,
            average_criteria_met=_average(met_sum, n or 0),
        )
        for code, name, level, total, units, recognised, met_sum, n in rows
    ]
