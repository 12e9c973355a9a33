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

from django.db.models import Case, Count, F, Max, Q, Sum, When

from communes.models import AdministrativeUnit, Level
from criteria.evaluation import DEFAULT_CUTS, bucket_bounds
from criteria.models import Assessment, AssessmentState, Criterion, CriterionResult, Tier
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


def _existed_during_q(year: int) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=datetime.date(year, 12, 31))) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1))
    )


def communes_counted(*, unit: AdministrativeUnit | None, year: int):
    """The communes of ``year`` under ``unit``, as a queryset of units."""
    return AdministrativeUnit.objects.filter(_within(unit), level=Level.COMMUNE).filter(counted_q(year))


def latest_year(*, unit: AdministrativeUnit | None) -> int | None:
    """The last year with a commune assessment under ``unit``: the pages' default year."""
    return commune_assessments(unit).aggregate(year=Max("year"))["year"]


# --- Headline, buckets, lagging criteria -----------------------------------------------------


def _headlines(unit: AdministrativeUnit | None, years: list[int], tier: str) -> dict[int, Headline]:
    """Headlines for several years in two queries: unit counts, assessment counts."""
    with_districts = unit is None or unit.level == Level.PROVINCE
    aggregates = {}
    for year in years:
        aggregates[f"communes_{year}"] = Count("pk", filter=Q(level=Level.COMMUNE) & counted_q(year))
        if with_districts:
            aggregates[f"districts_{year}"] = Count("pk", filter=Q(level=Level.DISTRICT) & _existed_during_q(year))
    levels = [Level.COMMUNE, Level.DISTRICT] if with_districts else [Level.COMMUNE]
    units = AdministrativeUnit.objects.filter(_within(unit), level__in=levels).aggregate(**aggregates)

    rows = (
        Assessment.objects.filter(
            _within(unit, "unit__"),
            year__in=years,
            criteria_set__level__in=[Level.COMMUNE, Level.VILLAGE, Level.DISTRICT],
        )
        .values("year", "criteria_set__tier", "criteria_set__level")
        .annotate(
            units=Count("unit", distinct=True),
            recognised=Count("unit", distinct=True, filter=Q(state=RECOGNISED)),
            met_sum=Sum("criteria_met"),
            n=Count("pk"),
        )
        .order_by()
    )
    stats: dict[tuple[int, str, str], dict] = {
        (r["year"], r["criteria_set__tier"], r["criteria_set__level"]): r for r in rows
    }
    empty = {"units": 0, "recognised": 0, "met_sum": 0, "n": 0}

    headlines = {}
    for year in years:
        communes_total = units[f"communes_{year}"]
        at_tier = stats.get((year, tier, Level.COMMUNE), empty)
        recognised = {t: stats.get((year, t, Level.COMMUNE), empty)["recognised"] for t in TIERS}
        districts_total = units.get(f"districts_{year}") or None  # no district that year: not shown
        headlines[year] = Headline(
            year=year,
            tier=tier,
            communes_total=communes_total,
            communes_with_data=at_tier["units"],
            recognised=recognised,
            recognised_share={t: _share(n, communes_total) for t, n in recognised.items()},
            average_criteria_met=_average(at_tier["met_sum"], at_tier["n"]),
            villages_recognised=stats.get((year, tier, Level.VILLAGE), empty)["recognised"],
            districts_total=districts_total,
            districts_recognised=(
                stats.get((year, tier, Level.DISTRICT), empty)["recognised"] if districts_total else None
            ),
        )
    return headlines


def _has_data(headline: Headline) -> bool:
    return headline.communes_with_data > 0 or any(headline.recognised.values())


def bucket_counts(
    *, unit: AdministrativeUnit | None, year: int, tier: str, cuts: tuple[int, ...] = DEFAULT_CUTS
) -> list[BucketCount]:
    """Communes by criteria met, one query: grouped by (set size, criteria met), then mapped.

    Each assessment is bucketed on its own set's scale (19, the 10 of 2026–2030, a province's
    20). The usual year has one scale and gives its five buckets; a year that mixes scales
    lists each scale's buckets, largest group first, labels suffixed with the scale.
    """
    rows = (
        commune_assessments(unit)
        .filter(year=year, criteria_set__tier=tier)
        .values("criteria_total", "criteria_met")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_total: dict[int, dict[int, int]] = defaultdict(dict)
    for r in rows:
        if r["criteria_total"] > 0:  # an assessment of an empty set has no scale to sit on
            by_total[r["criteria_total"]][r["criteria_met"]] = r["n"]
    mixed = len(by_total) > 1
    result: list[BucketCount] = []
    for total, counts in sorted(by_total.items(), key=lambda item: (-sum(item[1].values()), -item[0])):
        for bucket in bucket_bounds(total, cuts):
            label = f"{bucket.label} / {total}" if mixed else bucket.label
            count = sum(n for met, n in counts.items() if bucket.low <= met <= bucket.high)
            result.append(BucketCount(label, bucket.low, bucket.high, count, total))
    return result


def criteria_assessed(*, unit: AdministrativeUnit | None, year: int, tier: str):
    """The criteria of every set used by the commune assessments of ``year`` at ``tier``."""
    sets = commune_assessments(unit).filter(year=year, criteria_set__tier=tier).values("criteria_set_id")
    return Criterion.objects.filter(criteria_set__in=sets)


def lagging_criteria(*, unit: AdministrativeUnit | None, year: int, tier: str) -> list[LaggingCriterion]:
    """For each criterion, the communes that have not met it, most first; two queries.

    Only results not met are read and grouped by criterion id (on PostgreSQL, about half the
    time of counting every result grouped by number and name); the criteria themselves come
    from a small second query, so a criterion every commune meets still shows its zero.
    Criteria of several sets with the same number and name are one row.
    """
    not_met = dict(
        CriterionResult.objects.filter(
            _within(unit, "assessment__unit__", level=Level.COMMUNE),
            assessment__criteria_set__level=Level.COMMUNE,
            assessment__year=year,
            assessment__criteria_set__tier=tier,
            met=False,
        )
        .values("criterion_id")
        .annotate(n=Count("*"))  # not Count("pk"): answered from result_not_met_idx alone
        .order_by()
        .values_list("criterion_id", "n")
    )
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for pk, number, name in criteria_assessed(unit=unit, year=year, tier=tier).values_list("pk", "number", "name"):
        counts[number, name] += not_met.get(pk, 0)
    lagging = [LaggingCriterion(number, name, n) for (number, name), n in counts.items()]
    return sorted(lagging, key=lambda c: (-c.not_met, c.number, c.name))


def progress_summary(*, unit: AdministrativeUnit | None, year: int, tier: str) -> ProgressSummary:
    """Headline, buckets, lagging criteria and last year's headline: five queries.

    ``unit=None`` is the whole country. The same function feeds the dashboard and
    ``/api/v1/progress/``.
    """
    headlines = _headlines(unit, [year - 1, year], tier)
    previous = headlines[year - 1]
    return ProgressSummary(
        **vars(headlines[year]),
        unit_code=unit.code if unit is not None else None,
        buckets=bucket_counts(unit=unit, year=year, tier=tier),
        lagging=lagging_criteria(unit=unit, year=year, tier=tier),
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


def _child_key(unit: AdministrativeUnit | None, prefix: str = "") -> Case | F:
    """The id of the unit one level below ``unit`` that holds a commune, as an SQL expression.

    The country → its provinces; a province → its districts, or the commune itself where it
    hangs directly under the province (from 1 July 2025); a district → the commune.
    """
    own = f"{prefix}id" if prefix else "pk"
    if unit is None:
        return Case(
            When(**{f"{prefix}parent__level": Level.PROVINCE}, then=F(f"{prefix}parent_id")),
            default=F(f"{prefix}parent__parent_id"),
        )
    if unit.level == Level.PROVINCE:
        return Case(When(**{f"{prefix}parent__level": Level.DISTRICT}, then=F(f"{prefix}parent_id")), default=F(own))
    return F(own)


def progress_breakdown(*, unit: AdministrativeUnit | None, year: int, tier: str) -> list[BreakdownRow]:
    """Figures per unit one level down, for the drill-down table; three queries."""
    totals = dict(
        communes_counted(unit=unit, year=year)
        .annotate(child=_child_key(unit))
        .values("child")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("child", "n")
    )
    stats = {
        r["child"]: r
        for r in commune_assessments(unit)
        .filter(year=year, criteria_set__tier=tier)
        .annotate(child=_child_key(unit, "unit__"))
        .values("child")
        .annotate(
            units=Count("unit", distinct=True),
            recognised=Count("unit", distinct=True, filter=Q(state=RECOGNISED)),
            met_sum=Sum("criteria_met"),
            n=Count("pk"),
        )
        .order_by()
    }
    children = AdministrativeUnit.objects.filter(pk__in=set(totals) | set(stats)).order_by(
        Case(When(level=Level.COMMUNE, then=1), default=0), "name_sort", "code"
    )
    rows = []
    for child in children.only("code", "name", "level"):
        s = stats.get(child.pk, {"units": 0, "recognised": 0, "met_sum": 0, "n": 0})
        rows.append(
            BreakdownRow(
                code=child.code,
                name=child.name,
                level=child.level,
                communes_total=totals.get(child.pk, 0),
                communes_with_data=s["units"],
                recognised=s["recognised"],
                average_criteria_met=_average(s["met_sum"], s["n"]),
            )
        )
    return rows
