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
unit, year and cut-off. This module adds the lists only a document has (the matrix, the
decisions of the month, the sets used), the plan and funds tables of the plans app and the
OCOP figures (``ocop.selectors.ocop_counts``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum

from django.apps import apps
from django.db.models import Count
from django.utils import timezone, translation

from communes.models import AdministrativeUnit, Level, subtree_q
from criteria.figures import DECIDED
from criteria.models import Assessment, AssessmentState, CriteriaSet, CriterionResult, Tier
from criteria.selectors import results_as_of, with_figures_as_of
from ocop.selectors import OcopCounts, ocop_counts
from reports.bulletin.month import Month
from reports.bulletin.shapes import (
    BreakdownLine,
    BucketLine,
    BulletinData,
    FundsTable,
    LaggingLine,
    MatrixLine,
    NewLine,
    SetLine,
    TierLine,
    TrendLine,
)
from reports.selectors import (
    communes_counted,
    matrix_columns,
    progress_breakdown,
    progress_summary,
    progress_trend,
)

STANDARD = Tier.STANDARD
TIERS = tuple(Tier.values)
DIRECT_GROUP = "Xã trực thuộc tỉnh"
Progress = Callable[[int, int], None]
STEPS = 6


class Reading(StrEnum):
    VALID = "valid"  # what was true in the month (the default)
    RECORDED = "recorded"  # what the portal knew at the cut-off


def _noop(done: int, total: int) -> None:
    pass


def _groups(unit: AdministrativeUnit | None) -> tuple[str, dict[str, tuple[str, str]]]:
    """The breakdown's title and, for the country, the provinces' names by code."""
    if unit is None:
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("code", "name", "name_sort")
        return "Tỉnh, thành phố", {code: (name, sort) for code, name, sort in provinces}
    return "Huyện", {}


def _communes(unit: AdministrativeUnit | None, year: int) -> list[tuple]:
    """The communes of the year, grouped one level down (district, or province for the country)."""
    by_province = unit is None
    _title, provinces = _groups(unit)
    communes = []
    for pk, code, name, name_sort, path, parent_name, parent_level, parent_code, parent_sort in (
        communes_counted(unit=unit, year=year)
        .values_list(
            "pk",
            "code",
            "name",
            "name_sort",
            "path",
            "parent__name",
            "parent__level",
            "parent__code",
            "parent__name_sort",
        )
        .order_by()  # sorted below, by group
        .iterator(chunk_size=2000)
    ):
        if by_province:
            province_code = path.strip("/").split("/")[0]
            group_name, group_sort = provinces.get(province_code, (province_code, province_code))
            group = (group_sort, province_code, group_name)
        elif parent_level == Level.DISTRICT:
            group = (parent_sort, parent_code, parent_name)
        else:
            group = ("\uffff", "", DIRECT_GROUP)  # communes directly under the province, last
        communes.append((group, name_sort, code, pk, name))
    communes.sort()
    return communes


def _matrix(unit, year: int, communes: list[tuple], recorded: datetime.datetime | None):
    """Each commune's standard assessment of the year (state, criteria met) and its criteria."""
    columns = [(c.number, c.name) for c in matrix_columns(unit=unit, year=year, tier=STANDARD)]
    column_of = {number: index for index, (number, _name) in enumerate(columns)}
    standard = Assessment.objects.filter(unit__in=[c[3] for c in communes], year=year, tier=STANDARD)
    if recorded is not None:
        standard = with_figures_as_of(standard, recorded)
        fields = ("asof_state", "asof_met", "asof_total", "summary")
    else:
        fields = ("state", "criteria_met", "criteria_total", "summary")
    by_unit = {
        unit_id: (pk, state, met, total, summary)
        for pk, unit_id, state, met, total, summary in standard.values_list("pk", "unit_id", *fields)
        .order_by()
        .iterator()
    }
    ids = [row[0] for row in by_unit.values()]
    cells: dict[int, list] = {pk: [None] * len(columns) for pk in ids}
    if recorded is None:
        results = CriterionResult.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "criterion__number", "met"
        )
    else:
        numbers = dict(
            CriterionResult.objects.filter(assessment_id__in=ids).values_list("criterion_id", "criterion__number")
        )
        results = ((a, numbers.get(c), met) for (a, c), met in results_as_of(ids, recorded).items())
    for assessment_id, number, met in results:
        if number in column_of:
            cells[assessment_id][column_of[number]] = met
    higher = _higher_tiers([c[3] for c in communes], year, recorded)
    matrix = []
    for group, _sort, code, pk, name in communes:
        found = by_unit.get(pk)
        others = higher.get(pk, ("", ""))
        if found is None:
            matrix.append(MatrixLine(group[2], name, code, "", None, None, (None,) * len(columns), others))
            continue
        apk, state, met, total, summary = found
        state_name = STATE_NAMES.get(state, state) + (SUMMARY_MARK if summary else "")
        matrix.append(MatrixLine(group[2], name, code, state_name, met, total, tuple(cells[apk]), others))
    return columns, matrix


def _higher_tiers(unit_ids: list[int], year: int, recorded: datetime.datetime | None) -> dict[int, tuple[str, str]]:
    """Each commune's advanced and model assessments of the year as "met/total" (one query): a
    commune working on a higher tier is not "without data"."""
    higher = Assessment.objects.filter(unit__in=unit_ids, year=year, tier__in=(Tier.ADVANCED, Tier.MODEL))
    fields = ("criteria_met", "criteria_total")
    if recorded is not None:
        higher = with_figures_as_of(higher, recorded)
        fields = ("asof_met", "asof_total")
    found: dict[int, list[str]] = {}
    for unit_id, tier, met, total in higher.values_list("unit_id", "tier", *fields).order_by().iterator():
        found.setdefault(unit_id, ["", ""])[0 if tier == Tier.ADVANCED else 1] = f"{met}/{total}"
    return {unit_id: tuple(pair) for unit_id, pair in found.items()}


def _newly(unit, month: Month, cut: datetime.date, recorded: datetime.datetime | None) -> list[NewLine]:
    """Recognitions whose decision is dated in the month (any level, any assessment year)."""
    decided = Assessment.objects.filter(
        subtree_q(unit, "unit__"), state__in=DECIDED, decision_date__gte=month.first_day, decision_date__lte=cut
    )
    if recorded is not None:
        decided = with_figures_as_of(decided, recorded).filter(asof_state__in=DECIDED)
    level_names = {Level.COMMUNE: "Xã", Level.VILLAGE: "Thôn", Level.DISTRICT: "Huyện", Level.PROVINCE: "Tỉnh"}
    rows = decided.values_list(
        "unit__name",
        "unit__level",
        "unit__parent__name",
        "criteria_set__short_name",
        "tier",
        "year",
        "decision_number",
        "decision_date",
    ).order_by("decision_date", "unit__name_sort")
    return [
        NewLine(name, level_names.get(level, level), parent or "", set_name, TIER_NAMES[tier], year, number, date)
        for name, level, parent, set_name, tier, year, number, date in rows
    ]


def _sets(unit, year: int) -> list[SetLine]:
    """The criteria sets behind the year's figures, with their number of assessments."""
    counts = dict(
        Assessment.objects.filter(subtree_q(unit, "unit__"), year=year)
        .values("criteria_set_id")
        .annotate(n=Count("pk"))
        .values_list("criteria_set_id", "n")
        .order_by()
    )
    return [
        SetLine(
            s.code,
            s.name,
            s.decision_number,
            s.decision_date,
            LEVEL_SET_NAMES.get(s.level, s.level),
            TIER_NAMES[s.tier],
            counts[s.pk],
        )
        for s in CriteriaSet.objects.filter(pk__in=list(counts)).order_by("level", "tier", "code", "version")
    ]


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
    )


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


def ocop_figures(
    unit: AdministrativeUnit | None, month: Month, cut: datetime.date, recorded: datetime.datetime | None
) -> OcopCounts:
    """OCOP products by stars: valid on the cut-off and certified in the month — the dashboard's
    and the API's ``ocop_counts``; read as recorded, only the products entered by the cut-off."""
    return ocop_counts(unit, (month.first_day, cut), recorded=recorded)


def _breakdown(unit, year: int, cut: datetime.date, period, recorded) -> list[BreakdownLine]:
    """One level down (districts of a province, provinces of the country), every tier's titles."""
    if unit is not None and unit.level != Level.PROVINCE:
        return []
    by_tier = {
        tier: {
            row.code: row
            for row in progress_breakdown(
                unit=unit, year=year, tier=tier, cutoff=cut, new_period=period, recorded=recorded
            )
        }
        for tier in TIERS
    }
    return [
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

    breakdown = _breakdown(unit, year, cut, period, recorded)
    progress(2, STEPS)

    communes = _communes(unit, year)
    columns, matrix = _matrix(unit, year, communes, recorded)
    progress(3, STEPS)
    newly = _newly(unit, month, cut, recorded)
    progress(4, STEPS)
    sets = _sets(unit, year)
    funds = funds_table(unit, month, recorded)
    plan = plan_table(unit, month)
    progress(5, STEPS)

    buckets = [
        BucketLine(b.label, b.count, b.low, b.high, b.total, w.count)
        for b, w in zip(summary.buckets, summary.buckets_with_basically_met, strict=True)
    ]
    breakdown_title, _provinces = _groups(unit)
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
        apart=summary.apart,
        buckets=buckets,
        breakdown_title=breakdown_title,
        breakdown=breakdown,
        columns=columns,
        matrix=matrix,
        lagging=[LaggingLine(c.number, c.name, c.not_met, c.basically_met) for c in summary.lagging],
        newly=newly,
        funds=funds,
        plan=plan,
        sets=sets,
        tiers=tiers,
        trend=trend,
        ocop=ocop_figures(unit, month, cut, recorded),
    )
    progress(STEPS, STEPS)
    return data


# A summary record (a past year's standing from an old report) says so beside its state.
SUMMARY_MARK = " · hồ sơ tổng hợp"
TIER_NAMES = {Tier.STANDARD: "NTM", Tier.ADVANCED: "NTM nâng cao", Tier.MODEL: "NTM kiểu mẫu"}
LEVEL_SET_NAMES = {Level.COMMUNE: "Xã", Level.VILLAGE: "Thôn", Level.DISTRICT: "Huyện"}
STATE_NAMES = {
    AssessmentState.DRAFT: "Dự thảo",
    AssessmentState.SUBMITTED: "Đã gửi",
    AssessmentState.VERIFIED: "Đã thẩm tra",
    AssessmentState.APPRAISED: "Tỉnh đã thẩm định",
    AssessmentState.RECOGNISED: "Đã công nhận",
    AssessmentState.RETURNED: "Trả lại để chỉnh sửa",
    AssessmentState.REVOKED: "Đã thu hồi công nhận",
}


def plan_table(unit: AdministrativeUnit | None, month: Month) -> list[FundsTable]:
    """Plan against result from the plans app (province targets, units due this year)."""
    if not apps.is_installed("plans"):
        return []
    from plans.selectors import plan_rows

    with translation.override("vi"):
        tables = [
            FundsTable(str(t.title), [str(h) for h in t.headers], [[_plain(v) for v in r] for r in t.rows])
            for t in plan_rows(unit, month.year)
        ]
    return [t for t in tables if t.rows]


def _plain(value):
    """Lazy translations in rows become text the workbook writer can take."""
    return value if value is None or isinstance(value, int | float | Decimal | str | datetime.date) else str(value)


def funds_table(unit: AdministrativeUnit | None, month: Month, asof: datetime.datetime | None) -> list[FundsTable]:
    """Funds by source from the plans app, when it is installed and something is recorded.

    ``plans.selectors.funds_rows(unit, year, month, asof)`` gives plain tables (title, headers,
    rows); its labels are translated, so they are read in Vietnamese. Amounts are as recorded
    at the cut-off of a past month (from the funds' change log), like every other figure.
    """
    if not apps.is_installed("plans"):
        return []
    try:
        from plans.selectors import funds_rows
    except ImportError:
        return []
    with translation.override("vi"):
        tables = [
            FundsTable(str(t.title), [str(h) for h in t.headers], [list(r) for r in t.rows])
            for t in funds_rows(unit, month.year, month.month, asof)
        ]
    recorded = any(
        isinstance(v, int | Decimal) and not isinstance(v, bool) and v != 0 for t in tables for r in t.rows for v in r
    )
    return tables if recorded else []
