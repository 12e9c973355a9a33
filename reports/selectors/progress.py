"""Reads behind the progress dashboards, the communes list, the matrix, the progress API and
the bulletin: the one figures engine.

Every figure is aggregated in the database, with a fixed number of queries whatever the number
of communes (``reports/tests/selectors/test_query_counts.py`` holds each selector to its count).
The page, the API, the exports, the plan sections and the bulletin all call these functions,
so they never disagree. The terms (communes of a year, holds the title, newly recognised,
valid time) are ``criteria.figures``'; their SQL is ``reports.selectors.sql``.

This module holds the building blocks and the summary (headline, buckets, lagging criteria);
the trend and the drill-down, read with the same statement and rows, are
``reports.selectors.trend``.

``unit=None`` stands for the whole country; only superusers reach it (the views check).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Max, Min

from communes.models import AdministrativeUnit, Level, subtree_q
from criteria.evaluation import DEFAULT_CUTS, bucket_bounds
from criteria.figures import communes_of_year, cutoff_for
from criteria.models import Assessment, Criterion, Tier
from ntm_portal.numbers import share_of
from reports.selectors import cache, sql
from reports.selectors.shapes import BucketCount, Headline, LaggingCriterion, ProgressSummary
from reports.selectors.sql import Window

TIERS: tuple[str, ...] = tuple(Tier.values)


# --- Building blocks -------------------------------------------------------------------------


def _average(met_sum: int | None, count: int) -> Decimal | None:
    """Criteria per commune, exact (a Decimal of 28 digits: 100 / 22 = 4.5454…): never rounded
    here. Each place rounds it once, to what it shows (``ntm_portal.numbers.rounded``: "4,5" on
    a page, 4.55 in the API); rounded here to 2 places, a page's 1 place would round it twice
    (4.55 → "4,6")."""
    if not count:
        return None
    return Decimal(met_sum or 0) / Decimal(count)


def commune_assessments(unit: AdministrativeUnit | None, *, level: str = Level.COMMUNE):
    """Assessments of units of ``level`` (communes by default) under ``unit``."""
    return Assessment.objects.filter(subtree_q(unit, "unit__"), unit__level=level)


def communes_counted(*, unit: AdministrativeUnit | None, year: int, cut: datetime.date | None = None):
    """The communes of ``year`` under ``unit`` read on ``cut`` (default: the unit's cut-off of the
    year, ``window_of``), as a queryset of units."""
    return communes_of_year(year, within=unit, cut=window_of(year, cut, unit).cut)


def first_data_year(*, unit: AdministrativeUnit | None) -> int | None:
    """The first year with an assessment under ``unit`` (any level): where its history begins."""
    return Assessment.objects.filter(subtree_q(unit, "unit__")).aggregate(year=Min("year"))["year"]


def latest_year(*, unit: AdministrativeUnit | None) -> int | None:
    """The last year with a commune assessment under ``unit``: the pages' default year."""
    return commune_assessments(unit).aggregate(year=Max("year"))["year"]


# --- Headline, buckets, lagging criteria -----------------------------------------------------


class _Rows:
    """The rows of ``sql.run`` sorted by kind."""

    def __init__(self, rows: list[tuple]):
        self.units: dict[tuple[int, str], int] = {}  # (year, level) -> communes counted, districts existing
        self.apart: dict[int, dict[str, int]] = defaultdict(dict)  # year -> type -> units listed apart
        self.title: dict[tuple[int, str, str], int] = {}  # (year, tier, level) -> title holders
        self.new: dict[tuple[str, str], int] = {}  # (tier, level) -> newly recognised
        self.stats: dict[tuple[int, str], tuple[int, int]] = {}  # (year, tier) -> (assessed, met sum)
        self.scales: dict[tuple[int, str], tuple[int, ...]] = {}  # (year, tier) -> the set sizes assessed
        self.basic: dict[tuple[int, str], tuple[int, int]] = {}  # (year, tier) -> (basically met, communes)
        self.met: dict[int, dict[int, int]] = defaultdict(dict)  # set size -> criteria met -> n
        self.met_basic: dict[int, dict[int, int]] = defaultdict(dict)  # set size -> met + basically met -> n
        self.not_met: dict[int, int] = {}  # criterion id -> results not met
        self.not_met_basic: dict[int, int] = {}  # criterion id -> of those, basically met
        # (id, number, name, assessments on its set) of every criterion assessed
        self.criteria: list[tuple[int, int, str, int]] = []
        for kind, year, key, name, n1, n2, n3 in rows:
            if kind == "units":
                self.units[year, name] = n1
            elif kind == "apart":
                self.apart[year][key] = n1
            elif kind == "title":
                self.title[year, key, name] = n1
            elif kind == "new":
                self.new[key, name] = n1
            elif kind == "stats":  # one row per set size (n1): assessments, criteria met
                assessed, met_sum = self.stats.get((year, key), (0, 0))
                self.stats[year, key] = (assessed + n2, met_sum + (n3 or 0))
                if n1:  # an empty set has no scale
                    self.scales[year, key] = tuple(sorted({*self.scales.get((year, key), ()), n1}))
            elif kind == "basic":
                self.basic[year, key] = (n1 or 0, n2 or 0)
            elif kind == "met":
                self.met[n1][n2] = n3
            elif kind == "met_basic":
                self.met_basic[n1][n2] = n3
            elif kind == "not_met":
                self.not_met[n1] = n2
                self.not_met_basic[n1] = n3 or 0
            else:
                self.criteria.append((n1, n2, name, n3 or 0))


def _headline(rows: _Rows, window: Window, tier: str, *, with_new: bool, with_districts: bool) -> Headline:
    year = window.year
    communes_total = rows.units.get((year, Level.COMMUNE), 0)
    assessed, met_sum = rows.stats.get((year, tier), (0, 0))
    basic_sum, basic_communes = rows.basic.get((year, tier), (0, 0))
    recognised = {t: rows.title.get((year, t, Level.COMMUNE), 0) for t in TIERS}
    # Districts are counted for a province and the country; none that year: not shown.
    districts_total = (rows.units.get((year, Level.DISTRICT)) or None) if with_districts else None
    new = {t: rows.new.get((t, Level.COMMUNE), 0) for t in TIERS} if with_new else dict.fromkeys(TIERS, 0)
    return Headline(
        year=year,
        tier=tier,
        cutoff=window.cut,
        communes_total=communes_total,
        communes_with_data=assessed,
        recognised=recognised,
        recognised_share={t: share_of(n, communes_total) for t, n in recognised.items()},
        new=new,
        average_criteria_met=_average(met_sum, assessed),
        criteria_basically_met=basic_sum,
        communes_basically_met=basic_communes,
        average_met_or_basically_met=_average(met_sum + basic_sum, assessed),
        villages_recognised=rows.title.get((year, tier, Level.VILLAGE), 0),
        villages_new=rows.new.get((tier, Level.VILLAGE), 0) if with_new else 0,
        districts_total=districts_total,
        districts_recognised=rows.title.get((year, tier, Level.DISTRICT), 0) if districts_total else None,
        # the statement's "new" rows of the districts (``sql``'s ``rec_existed``: recognised_during)
        districts_new=(rows.new.get((tier, Level.DISTRICT), 0) if with_new else 0) if districts_total else None,
        apart=dict(rows.apart.get(year, {})),
        scales=rows.scales.get((year, tier), ()),
    )


def _has_data(headline: Headline) -> bool:
    return headline.communes_with_data > 0 or any(headline.recognised.values())


def buckets_of(met: dict[int, dict[int, int]], cuts: tuple[int, ...] = DEFAULT_CUTS) -> list[BucketCount]:
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


def _lagging(rows: _Rows) -> list[LaggingCriterion]:
    """For each criterion, the communes that have not met it, most first, and the communes
    assessed on a set that has it (its share's denominator: a province's criterion 20 is not
    "not met" by a commune assessed on the national 19).

    Every criterion of the sets assessed is listed, so one every commune meets shows its zero;
    criteria of several sets with the same number and name are one row.
    """
    counts: dict[tuple[int, str], int] = defaultdict(int)
    basic: dict[tuple[int, str], int] = defaultdict(int)
    assessed: dict[tuple[int, str], int] = defaultdict(int)
    for pk, number, name, on_set in rows.criteria:
        counts[number, name] += rows.not_met.get(pk, 0)
        basic[number, name] += rows.not_met_basic.get(pk, 0)
        assessed[number, name] += on_set
    lagging = [
        LaggingCriterion(number, name, n, basic[number, name], assessed[number, name])
        for (number, name), n in counts.items()
    ]
    return sorted(lagging, key=lambda c: (-c.not_met, c.number, c.name))


def criteria_assessed(*, unit: AdministrativeUnit | None, year: int, tier: str):
    """The criteria of every set used by the commune assessments of ``year`` at ``tier``."""
    sets = commune_assessments(unit).filter(year=year, tier=tier).values("criteria_set_id")
    return Criterion.objects.filter(criteria_set__in=sets)


def window_of(year: int, cutoff: datetime.date | None = None, unit: AdministrativeUnit | None = None) -> Window:
    """``unit``'s year read on ``cutoff`` (default: 31 December, today while the year runs), or
    on the unit's last day if it ended in the year before then (``criteria.figures.cutoff_for``)."""
    return Window(year, cutoff_for(year, unit, cutoff))


def _summary_windows(
    year: int, cutoff: datetime.date | None, unit: AdministrativeUnit | None = None
) -> tuple[Window, Window]:
    """The year read on its cut-off, and the year before read on its last day (or the same
    cut-off when that comes first)."""
    window = window_of(year, cutoff, unit)
    return window, window_of(year - 1, min(window.cut, datetime.date(year - 1, 12, 31)), unit)


SUMMARY_BRANCHES = ["units", "titles", "new", "stats", "basic", "met", "met_basic", "not_met"]


def _figures(
    unit: AdministrativeUnit | None,
    windows: list[Window],
    branches: list[str],
    *,
    year: int,
    tier: str,
    new_period: tuple[datetime.date, datetime.date],
    recorded: datetime.datetime | None = None,
    as_now: bool = False,
) -> dict[str, list]:
    """The figures statement's rows per province: kept ones where ``cache.cacheable``."""

    def compute(provinces: list[str] | None) -> dict[str, list]:
        scope = {"provinces": provinces} if unit is None else {}
        rows = sql.run(
            unit,
            windows,
            branches,
            year=year,
            tier=tier,
            new_period=new_period,
            recorded=recorded,
            as_now=as_now,
            **scope,
        )
        return cache.by_province(rows)

    params = (tuple(windows), tuple(branches), year, tier, new_period)
    return cache.per_province("figures", unit, params, compute, recorded=recorded, as_now=as_now)


def _merged(per_province: dict[str, list]) -> _Rows:
    return _Rows(cache.merge(per_province.values()))


def _summary(rows: _Rows, unit: AdministrativeUnit | None, window: Window, previous_window: Window, tier: str):
    with_districts = unit is None or unit.level == Level.PROVINCE
    previous = _headline(rows, previous_window, tier, with_new=False, with_districts=with_districts)
    return ProgressSummary(
        **vars(_headline(rows, window, tier, with_new=True, with_districts=with_districts)),
        unit_code=unit.code if unit is not None else None,
        buckets=buckets_of(rows.met),
        buckets_with_basically_met=buckets_of(rows.met_basic),
        lagging=_lagging(rows),
        previous_year=previous if _has_data(previous) else None,
    )


def progress_summary(
    *,
    unit: AdministrativeUnit | None,
    year: int,
    tier: str,
    cutoff: datetime.date | None = None,
    new_period: tuple[datetime.date, datetime.date] | None = None,
    recorded: datetime.datetime | None = None,
    as_now: bool = False,
) -> ProgressSummary:
    """Headline, buckets, lagging criteria and last year's headline: one statement.

    ``cutoff`` is the day titles are read on (default: the end of ``year``, today while it
    runs); ``new_period`` the period of "newly recognised" (default: the year up to the
    cut-off); ``recorded`` reads the figures as they were recorded at that moment instead of
    as they are known now (valid time); ``as_now`` counts, beside the units under ``unit``, the
    units that ended and whose main part went into it (today's map, for the years before the
    2025 reorganisation). ``unit=None`` is the whole country. The same function
    feeds the dashboard, ``/api/v1/progress/``, the exports and the bulletin.
    """
    window, previous_window = _summary_windows(year, cutoff, unit)
    rows = _merged(
        _figures(
            unit,
            [previous_window, window],
            SUMMARY_BRANCHES,
            year=year,
            tier=tier,
            new_period=new_period or (window.first_day, window.cut),
            recorded=recorded,
            as_now=as_now,
        )
    )
    return _summary(rows, unit, window, previous_window, tier)
