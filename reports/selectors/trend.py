"""The trend and the drill-down of the progress dashboards: year by year (``progress_trend``),
one level down (``progress_breakdown``), and both with the summary in one read
(``progress_overview``); the units mapped into a unit "as now" (``mapped_into``).

Built on the figures engine of ``reports.selectors.progress`` (the same figures statement and
rows); ``reports/tests/selectors/test_query_counts.py`` holds each selector to its count.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from communes.models import AdministrativeUnit, Level, UnitSuccession, subtree_q
from criteria.models import Assessment
from reports.selectors import cache, sql
from reports.selectors.progress import (
    SUMMARY_BRANCHES,
    TIERS,
    _average,
    _figures,
    _merged,
    _Rows,
    _summary,
    _summary_windows,
    commune_assessments,
    window_of,
)
from reports.selectors.shapes import BreakdownRow, Overview, TrendPoint
from reports.selectors.sql import Window


def mapped_into(unit: AdministrativeUnit) -> Q:
    """Filter on AdministrativeUnit: units that ended and whose main part went into ``unit``'s
    subtree (``UnitSuccession.main_part``) — counted there "as now"."""
    return (
        Q(successions_as_predecessor__main_part=True)
        & subtree_q(unit, "successions_as_predecessor__successor__")
        & ~subtree_q(unit)
    )


def has_mapped_units(*, unit: AdministrativeUnit | None) -> bool:
    """Whether the unit was formed (in part) from units that ended: it then has an "as now" view."""
    return bool(mapped_dates(unit=unit))


def mapped_dates(*, unit: AdministrativeUnit | None) -> list[datetime.date]:
    """The dates on which units that ended went (their main part) into ``unit`` — its own
    successions' effective dates, earliest first; where it has none (only units under it were
    formed from others), those of the units under it. One query; none: it has no "as now" view.
    A commune formed on 1 October 2024 says 1 October 2024, not the 2025 reorganisation."""
    if unit is None:
        return []
    # ``mapped_into`` read from the succession's side, so that the date is the link's own.
    links = set(
        UnitSuccession.objects.filter(
            subtree_q(unit, "successor__"), ~subtree_q(unit, "predecessor__"), main_part=True
        ).values_list("successor_id", "date")
    )
    own = {day for successor, day in links if successor == unit.pk}
    return sorted(own or {day for _successor, day in links})


# ``?map=entered``: a unit formed from units that ended read only with its own units.
MAP_ENTERED = "entered"


def map_reading(*, unit: AdministrativeUnit | None, choice: str | None) -> tuple[list[datetime.date], bool]:
    """(the dates units that ended went into it, as now): a unit formed from units that ended
    (a province or commune of 1 July 2025, a commune of an earlier merger) is read "as now",
    under today's map, by default; ``choice`` ``MAP_ENTERED`` reads only its own units. The
    dashboard, its export and ``/api/v1/progress/`` read it the same way."""
    dates = mapped_dates(unit=unit)
    return dates, bool(dates) and choice != MAP_ENTERED


def _trend_years(unit: AdministrativeUnit | None, as_now: bool) -> list[int]:
    """Every year from the first to the last with commune assessments under ``unit`` (as now: and
    the units mapped into it). A year between them without an assessment is listed too: its
    communes still hold titles by earlier years' decisions, and the holders' line has no hole
    (its average and buckets stay empty). Only which years are assessed is kept per province."""
    assessed = commune_assessments(unit)
    if as_now and unit is not None:
        assessed = Assessment.objects.filter(
            subtree_q(unit, "unit__") | Q(unit__in=AdministrativeUnit.objects.filter(mapped_into(unit))),
            unit__level=Level.COMMUNE,
        )

    def compute(provinces: list[str] | None) -> dict[str, list]:
        rows = assessed.annotate(province=sql.province_of("unit__path"))
        if unit is None and provinces is not None:
            rows = rows.filter(province__in=provinces)
        years = defaultdict(list)
        for province, year in rows.values_list("province", "year").distinct().order_by():
            years[province].append(year)
        return years

    kept = cache.per_province("years", unit, (), compute, as_now=as_now)
    assessed_years = {year for years in kept.values() for year in years}
    return list(range(min(assessed_years), max(assessed_years) + 1)) if assessed_years else []


def _trend(rows: _Rows, years: list[int], tier: str) -> list[TrendPoint]:
    points = []
    for year in years:
        assessed, met_sum = rows.stats.get((year, tier), (0, 0))
        points.append(
            TrendPoint(
                year=year,
                recognised={t: rows.title.get((year, t, Level.COMMUNE), 0) for t in TIERS},
                communes_with_data=assessed,
                average_criteria_met=_average(met_sum, assessed),
                scales=rows.scales.get((year, tier), ()),
            )
        )
    return points


def progress_trend(*, unit: AdministrativeUnit | None, tier: str, as_now: bool = False) -> list[TrendPoint]:
    """Year by year (each year from the first to the last with commune assessments, those between
    without any included): communes holding each title at the year's end, and the average criteria met at ``tier``; two statements. ``as_now`` includes
    the units that ended and went into ``unit`` (a new province's trend runs without a break)."""
    years = _trend_years(unit, as_now)
    if not years:
        return []
    last = window_of(years[-1], unit=unit)
    rows = _merged(
        _figures(
            unit,
            [window_of(y, unit=unit) for y in years],
            ["units", "titles", "stats"],
            year=years[-1],
            tier=tier,
            new_period=(last.first_day, last.cut),
            as_now=as_now,
        )
    )
    return _trend(rows, years, tier)


def progress_overview(
    *, unit: AdministrativeUnit | None, year: int | None, tier: str, as_now: bool = False
) -> Overview:
    """``progress_summary``, ``progress_trend`` and ``progress_breakdown`` of a dashboard and its
    export in three statements instead of four: the trend's years and the summary's two years
    share one figures statement (each year's figures are computed on their own, so they are the
    very figures of the functions; ``reports/tests/selectors`` holds them equal); a unit's
    drill-down is its own (in the shared statement PostgreSQL misjudged its joins: 4.7 s for the
    country), the country's is read off its provinces' rows of that statement. The country's
    and a province's figures are kept per province (``cache``): a kept read is one query each.
    ``year=None``: the trend's last year (this year without data)."""
    years = _trend_years(unit, as_now)
    if year is None:
        year = years[-1] if years else timezone.localdate().year
    window, previous_window = _summary_windows(year, None, unit)
    windows = {y: window_of(y, unit=unit) for y in years} | {previous_window.year: previous_window, year: window}
    per_province = _figures(
        unit,
        [windows[y] for y in sorted(windows)],
        SUMMARY_BRANCHES,
        year=year,
        tier=tier,
        new_period=(window.first_day, window.cut),
        as_now=as_now,
    )
    rows = _merged(per_province)
    return Overview(
        _summary(rows, unit, window, previous_window, tier),
        _trend(rows, years, tier),
        (
            _country_breakdown(per_province, year, tier)
            if unit is None
            else _breakdown(unit, window, tier, (window.first_day, window.cut), as_now=as_now)
        ),
    )


def _breakdown_rows(rows) -> list[BreakdownRow]:
    return [
        BreakdownRow(
            code=code,
            name=name,
            level=level,
            communes_total=total or 0,
            communes_with_data=units or 0,
            recognised=recognised or 0,
            average_criteria_met=_average(met_sum, units or 0),
            new=new or 0,
            average_met_or_basically_met=_average((met_sum or 0) + (basic_sum or 0), units or 0),
        )
        for code, name, level, total, units, recognised, met_sum, new, basic_sum in rows
    ]


def _country_breakdown(per_province: dict[str, list], year: int, tier: str) -> list[BreakdownRow]:
    """The country's drill-down, its provinces, read off each province's own figures rows (the
    same rows its total merges): no statement of its own, only the provinces' names."""
    figures = {}
    for prefix, rows in per_province.items():
        province = _Rows(rows)
        communes = province.units.get((year, Level.COMMUNE), 0)
        if communes:
            assessed, met_sum = province.stats.get((year, tier), (0, 0))
            figures[prefix] = (
                communes,
                assessed,
                province.title.get((year, tier, Level.COMMUNE), 0),
                met_sum,
                province.new.get((tier, Level.COMMUNE), 0),
                province.basic.get((year, tier), (0, 0))[0],
            )
    provinces = AdministrativeUnit.objects.filter(path__in=figures).order_by("name_sort", "code")
    return _breakdown_rows(
        (code, name, level, *figures[path])
        for path, code, name, level in provinces.values_list("path", "code", "name", "level")
    )


BREAKDOWN_BRANCHES = ["units", "titles", "new", "stats", "basic"]


def progress_breakdown(
    *,
    unit: AdministrativeUnit | None,
    year: int,
    tier: str,
    cutoff: datetime.date | None = None,
    new_period: tuple[datetime.date, datetime.date] | None = None,
    recorded: datetime.datetime | None = None,
    as_now: bool = False,
) -> list[BreakdownRow]:
    """Figures per unit one level down, for the drill-down table (and the bulletin): the
    country's provinces from their figures rows, a unit's children in one statement.
    "Newly recognised" counts, like the headline, the decisions of the year up to the cut-off."""
    window = window_of(year, cutoff, unit)
    period = new_period or (window.first_day, window.cut)
    if unit is None:
        per_province = _figures(
            None, [window], BREAKDOWN_BRANCHES, year=year, tier=tier, new_period=period, recorded=recorded
        )
        return _country_breakdown(per_province, year, tier)
    return _breakdown(unit, window, tier, period, recorded=recorded, as_now=as_now)


def units_heading(levels: Iterable[str]) -> str:
    """What a column of units calls them, in the active language: the level they share —
    "Province or city" for the country's, "District" for a province's before 1 July 2025, "Commune"
    for the communes directly under it after — or "Unit" when they mix levels (a province in
    the year of the reorganisation, its districts beside the new communes) or there are none.
    The one rule for the drill-down's heading on the dashboard and in the bulletin (workbook and
    Word document), and for the bulletin's column of districts beside each commune."""
    found = set(levels)
    if found == {Level.PROVINCE}:
        return gettext("Province or city")  # the country's rows: provinces and centrally-run cities
    if len(found) == 1:
        return str(Level(found.pop()).label)
    return gettext("Unit")


def _breakdown(
    unit: AdministrativeUnit,
    window: Window,
    tier: str,
    period: tuple[datetime.date, datetime.date],
    *,
    recorded: datetime.datetime | None = None,
    as_now: bool = False,
) -> list[BreakdownRow]:
    def compute(_provinces) -> dict[str, list]:
        return {unit.path: sql.breakdown(unit, window, tier=tier, new_period=period, recorded=recorded, as_now=as_now)}

    rows = cache.per_province("breakdown", unit, (window, tier, period), compute, recorded=recorded, as_now=as_now)
    return _breakdown_rows(rows[unit.path])
