"""The figures of a monthly bulletin: laid out from the figures engine, never recounted.

Month M of year Y reports assessment year Y, with titles read on the month's cut-off (its
last day; today for the current month) and "new this month" the decisions dated in it. Two
readings (``Reading``):

* **valid time** (the default): what was true in the month, whenever it was entered —
  decisions by their dates, assessments by their year, funds by their month. A province that
  enters its 2022 history in 2026 gets a 12/2022 bulletin with its 2022 figures.
* **as recorded**: what the portal knew at the cut-off, rebuilt from the append-only logs
  (an issued bulletin is that record already, frozen in its file).

Headline, buckets, average, lagging criteria and the breakdown are ``reports.selectors``'
``progress_summary`` and ``progress_breakdown`` — the dashboard's own figures for the same
unit, year and cut-off. To them this module adds the lists only a document has (``lists``: the
matrix, the decisions of the month, the sets used) and the other apps' figures
(``other_figures``: the plan and funds tables of the plans app, the OCOP figures).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from enum import StrEnum

from django.utils import timezone, translation

from communes.models import AdministrativeUnit, Level
from criteria.models import Tier
from reports.bulletin.lists import communes_grouped, matrix_lines, newly_recognised, revoked_in_month, sets_used
from reports.bulletin.month import Month
from reports.bulletin.names import TIER_NAMES
from reports.bulletin.other_figures import funds_table, ocop_figures, plan_table
from reports.bulletin.shapes import BreakdownLine, BucketLine, BulletinData, LaggingLine, TierLine, TrendLine
from reports.selectors import progress_breakdown, progress_summary, progress_trend, scales_label, units_heading

STANDARD = Tier.STANDARD
TIERS = tuple(Tier.values)
Progress = Callable[[int, int], None]
STEPS = 6


class Reading(StrEnum):
    VALID = "valid"  # what was true in the month (the default)
    RECORDED = "recorded"  # what the portal knew at the cut-off


def _noop(done: int, total: int) -> None:
    pass


def _tier_line(tier: str, summary) -> TierLine:
    return TierLine(
        tier,
        TIER_NAMES[tier],
        summary.communes_with_data,
        summary.recognised[tier],
        summary.new[tier],
        summary.average_criteria_met,
        [BucketLine(b.label, b.count, b.low, b.high, b.total) for b in summary.buckets],
        summary.villages_recognised,
        summary.villages_new,
        _scales_in_vietnamese(summary.scales),
    )


def _scales_in_vietnamese(scales: tuple[int, ...]) -> str:
    """A year mixing scales in the bulletin's words ("19 và 20 tiêu chí"; "" for one scale)."""
    with translation.override("vi"):
        return scales_label(scales)


def _trend(unit, month: Month, summary) -> list[TrendLine]:
    """Titles at the end of each earlier year (the dashboard's trend), then on the month's cut-off."""
    points = [
        TrendLine(str(p.year), p.recognised[Tier.STANDARD], p.recognised[Tier.ADVANCED], p.recognised[Tier.MODEL])
        for p in progress_trend(unit=unit, tier=STANDARD)
        if p.year < month.year
    ]
    recognised = summary.recognised
    points.append(TrendLine(month.label, recognised[Tier.STANDARD], recognised[Tier.ADVANCED], recognised[Tier.MODEL]))
    return points


def _breakdown(unit, year: int, cut: datetime.date, period, recorded) -> tuple[str, list[BreakdownLine]]:
    """One level down (a province's districts, or its communes from 1 July 2025; the country's
    provinces), every tier's titles, and what the rows are called (the dashboard's rule,
    ``units_heading``, in Vietnamese: "Huyện", "Xã", "Đơn vị" where they mix)."""
    if unit is not None and unit.level != Level.PROVINCE:
        return "", []
    by_tier = {
        tier: {
            row.code: row
            for row in progress_breakdown(
                unit=unit, year=year, tier=tier, cutoff=cut, new_period=period, recorded=recorded
            )
        }
        for tier in TIERS
    }
    with translation.override("vi"):
        title = units_heading(row.level for row in by_tier[STANDARD].values())
    return title, [
        BreakdownLine(
            row.name,
            row.communes_total,
            row.communes_with_data,
            row.recognised,
            by_tier[Tier.ADVANCED][code].recognised,
            by_tier[Tier.MODEL][code].recognised,
            row.new,
            row.average_criteria_met,
        )
        for code, row in by_tier[STANDARD].items()
    ]


def _group_title(communes: list[tuple]) -> str:
    """The matrix's column of the units each commune is listed under (``lists.communes_grouped``):
    named by the same rule as the breakdown; none ("") when no commune hangs under a district
    (after 1 July 2025 a province's communes are directly under it)."""
    levels = {group[3] for group, *_rest in communes if group[3]}
    if not levels:
        return ""
    with translation.override("vi"):
        return units_heading(levels)


def gather(
    *,
    unit: AdministrativeUnit | None,
    month: Month,
    cutoff: datetime.datetime,
    current: bool,
    reading: Reading = Reading.VALID,
    progress: Progress = _noop,
) -> BulletinData:
    """Everything the bulletin shows, as plain rows; a fixed number of queries whatever the size."""
    year = month.year
    cut = timezone.localdate(cutoff)
    recorded = cutoff if reading == Reading.RECORDED and not current else None
    period = (month.first_day, cut)
    progress(0, STEPS)

    with translation.override("vi"):  # a Vietnamese document whatever the page's language (bucket labels)
        summaries = {
            tier: progress_summary(unit=unit, year=year, tier=tier, cutoff=cut, new_period=period, recorded=recorded)
            for tier in TIERS
        }
    summary = summaries[STANDARD]
    tiers = [_tier_line(tier, summaries[tier]) for tier in TIERS]
    trend = _trend(unit, month, summary)
    progress(1, STEPS)

    breakdown_title, breakdown = _breakdown(unit, year, cut, period, recorded)
    progress(2, STEPS)

    communes = communes_grouped(unit, year, cut)
    columns, matrix = matrix_lines(unit, year, communes, cut, recorded)
    progress(3, STEPS)
    newly = newly_recognised(unit, month, cut, recorded)
    revoked = revoked_in_month(unit, month, cut, recorded)
    progress(4, STEPS)
    sets = sets_used(unit, year)
    funds = funds_table(unit, month, recorded)
    plan = plan_table(unit, month, cut, recorded)
    progress(5, STEPS)

    buckets = [
        BucketLine(b.label, b.count, b.low, b.high, b.total, w.count)
        for b, w in zip(summary.buckets, summary.buckets_with_basically_met, strict=True)
    ]
    data = BulletinData(
        unit_name=unit.name if unit is not None else "Toàn quốc",
        unit_code=unit.code if unit is not None else None,
        unit_level=unit.level if unit is not None else None,
        month=month,
        year=year,
        cutoff=cutoff,
        current=current,
        as_recorded=recorded is not None,
        communes_total=summary.communes_total,
        with_data=summary.communes_with_data,
        recognised=summary.recognised,
        new=summary.new,
        average=summary.average_criteria_met,
        average_with_basically_met=summary.average_met_or_basically_met,
        villages_recognised=summary.villages_recognised,
        villages_new=summary.villages_new,
        districts_total=summary.districts_total,
        districts_recognised=summary.districts_recognised,
        districts_new=summary.districts_new,
        apart=summary.apart,
        buckets=buckets,
        breakdown_title=breakdown_title,
        breakdown=breakdown,
        columns=columns,
        matrix_group_title=_group_title(communes),
        matrix=matrix,
        lagging=[LaggingLine(c.number, c.name, c.not_met, c.basically_met, c.assessed) for c in summary.lagging],
        newly=newly,
        revoked=revoked,
        funds=funds,
        plan=plan,
        sets=sets,
        tiers=tiers,
        trend=trend,
        ocop=ocop_figures(unit, month, cut, recorded),
    )
    progress(STEPS, STEPS)
    return data
