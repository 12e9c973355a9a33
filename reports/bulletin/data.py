"""The figures of a monthly bulletin, read as they stood at the cut-off.

For the current month the cut-off is now and the stored figures are read (the same rows the
dashboards read); for a past month every figure comes from the append-only logs
(``criteria.selectors.with_figures_as_of`` / ``results_as_of``), so a bulletin for January
shows January's data however much changed since.

Reads stream with ``.iterator()`` and are reduced to plain rows (``layout.BulletinData``);
the number of queries does not depend on the number of communes.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import Count, Max, Q
from django.utils import translation

from communes.models import AdministrativeUnit, Level
from criteria.evaluation import bucket_bounds
from criteria.models import (
    Assessment,
    AssessmentState,
    CriteriaSet,
    Criterion,
    CriterionResult,
    HistoryEntry,
    HistoryKind,
    Tier,
)
from criteria.selectors import results_as_of, with_figures_as_of
from reports.bulletin.layout import (
    BreakdownLine,
    BucketLine,
    BulletinData,
    FundsTable,
    LaggingLine,
    MatrixLine,
    NewLine,
    SetLine,
)
from reports.bulletin.month import Month
from reports.selectors import commune_assessments, communes_counted

RECOGNISED = AssessmentState.RECOGNISED
STANDARD = Tier.STANDARD
TIERS = tuple(Tier.values)
DIRECT_GROUP = "Xã trực thuộc tỉnh"
Progress = Callable[[int, int], None]
STEPS = 8


def _noop(done: int, total: int) -> None:
    pass


def _within(unit: AdministrativeUnit | None, prefix: str = "") -> Q:
    return Q() if unit is None else Q(**{f"{prefix}path__startswith": unit.path})


def _figures(queryset, asof: datetime.datetime | None):
    """(pk, unit id, set id, tier, level, state, met, total) rows, as of ``asof`` (None: now)."""
    if asof is None:
        fields = ("state", "criteria_met", "criteria_total")
    else:
        queryset = with_figures_as_of(queryset, asof)
        fields = ("asof_state", "asof_met", "asof_total")
    return queryset.values_list(
        "pk", "unit_id", "criteria_set_id", "criteria_set__tier", "criteria_set__level", *fields
    ).order_by()


def default_year(unit: AdministrativeUnit | None, month: Month) -> int:
    """The assessment year a bulletin reports on: the month's year, or the last year before it
    with commune assessments (a January bulletin before the year's assessments start)."""
    found = commune_assessments(unit).filter(year__lte=month.year).aggregate(year=Max("year"))["year"]
    return found or month.year


def _average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _groups(unit: AdministrativeUnit | None) -> tuple[str, dict[str, tuple[str, str]]]:
    """The breakdown's title and, for the country, the provinces' names by code."""
    if unit is None:
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("code", "name", "name_sort")
        return "Tỉnh, thành phố", {code: (name, sort) for code, name, sort in provinces}
    return "Huyện", {}


def gather(
    *,
    unit: AdministrativeUnit | None,
    month: Month,
    cutoff: datetime.datetime,
    current: bool,
    year: int | None = None,
    progress: Progress = _noop,
) -> BulletinData:
    """Everything the bulletin shows, as plain rows; about a dozen queries whatever the size."""
    asof = None if current else cutoff
    year = year or default_year(unit, month)
    progress(0, STEPS)

    # 1. The communes of the year, grouped one level down (district, or province for the country).
    by_province = unit is None
    breakdown_title, provinces = _groups(unit)
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
        communes.append((group, name_sort, code, pk, name, parent_name or ""))
    communes.sort()
    progress(1, STEPS)

    # 2. Commune assessments of the year, every tier, as of the cut-off.
    per_unit: dict[int, dict[str, tuple]] = defaultdict(dict)
    set_counts: dict[int, int] = defaultdict(int)
    for pk, unit_id, set_id, tier, _level, state, met, total in _figures(
        commune_assessments(unit).filter(year=year), asof
    ).iterator(chunk_size=2000):
        known = per_unit[unit_id].get(tier)
        set_counts[set_id] += 1
        if known is None or total > known[3]:  # two sets at one tier: the larger speaks for the commune
            per_unit[unit_id][tier] = (pk, state, met, total)
    progress(2, STEPS)

    # 3. The matrix: criteria of the standard tier, met or not, as of the cut-off.
    criteria = list(
        Criterion.objects.filter(
            criteria_set__in=commune_assessments(unit)
            .filter(year=year, criteria_set__tier=STANDARD)
            .values("criteria_set_id")
        )
        .values_list("pk", "number", "name")
        .order_by()
    )
    numbers = sorted({number for _pk, number, _name in criteria})
    names: dict[int, str] = {}
    for _pk, number, name in sorted(criteria, key=lambda c: (c[1], c[2])):
        names.setdefault(number, name)
    column_of = {number: index for index, number in enumerate(numbers)}
    number_of = {pk: number for pk, number, _name in criteria}
    standard_ids = [tiers[STANDARD][0] for tiers in per_unit.values() if STANDARD in tiers]
    cells: dict[int, list[bool | None]] = {pk: [None] * len(numbers) for pk in standard_ids}
    if asof is None:
        results = (
            CriterionResult.objects.filter(
                _within(unit, "assessment__unit__"),
                assessment__year=year,
                assessment__criteria_set__level=Level.COMMUNE,
                assessment__criteria_set__tier=STANDARD,
            )
            .values_list("assessment_id", "criterion_id", "met")
            .order_by()
            .iterator(chunk_size=5000)
        )
    else:
        results = ((a, c, met) for (a, c), met in results_as_of(standard_ids, asof).items())
    for assessment_id, criterion_id, met in results:
        row = cells.get(assessment_id)
        number = number_of.get(criterion_id)
        if row is not None and number is not None:
            row[column_of[number]] = met
    progress(3, STEPS)

    # 4. Recognitions recorded during the month (any level, any year): found through the
    # history (indexed by time), then kept if recognised at the cut-off and not at the end of
    # the month before.
    candidates = Assessment.objects.filter(
        _within(unit, "unit__"),
        pk__in=HistoryEntry.objects.filter(
            kind=HistoryKind.STATE, new_state=RECOGNISED, at__gte=month.start, at__lte=cutoff
        ).values("assessment_id"),
    )
    if asof is None:
        now_ids = set(candidates.filter(state=RECOGNISED).values_list("pk", flat=True).order_by())
    else:
        now_ids = set(
            with_figures_as_of(candidates, asof).filter(asof_state=RECOGNISED).values_list("pk", flat=True).order_by()
        )
    before_ids = set(
        with_figures_as_of(Assessment.objects.filter(pk__in=now_ids), month.start - datetime.timedelta(microseconds=1))
        .filter(asof_state=RECOGNISED)
        .values_list("pk", flat=True)
    )
    new_ids = now_ids - before_ids
    newly = []
    new_by_unit_tier: set[tuple[int, str]] = set()
    level_names = {Level.COMMUNE: "Xã", Level.VILLAGE: "Thôn", Level.DISTRICT: "Huyện", Level.PROVINCE: "Tỉnh"}
    for row in (
        Assessment.objects.filter(pk__in=new_ids)
        .values_list(
            "unit_id",
            "unit__name",
            "unit__level",
            "unit__parent__name",
            "criteria_set__short_name",
            "criteria_set__tier",
            "year",
            "decision_number",
            "decision_date",
        )
        .order_by("decision_date", "unit__name_sort")
    ):
        unit_id, name, level, parent, set_name, tier, assessed_year, number, date = row
        newly.append(
            NewLine(
                name,
                level_names.get(level, level),
                parent or "",
                set_name,
                TIER_NAMES[tier],
                assessed_year,
                number,
                date,
            )
        )
        if level == Level.COMMUNE and assessed_year == year:
            new_by_unit_tier.add((unit_id, tier))
    progress(4, STEPS)

    # 5. Villages and districts recognised in the year, as of the cut-off.
    others = defaultdict(int)
    others_new = defaultdict(int)
    other_ids = {}
    for pk, unit_id, _set, _tier, level, state, _met, _total in _figures(
        Assessment.objects.filter(
            _within(unit, "unit__"), year=year, criteria_set__level__in=[Level.VILLAGE, Level.DISTRICT]
        ),
        asof,
    ).iterator():
        if state == RECOGNISED and (level, unit_id) not in other_ids:
            other_ids[level, unit_id] = pk
            others[level] += 1
            others_new[level] += pk in new_ids
    districts_total = None
    if unit is None or unit.level == Level.PROVINCE:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        districts_total = (
            AdministrativeUnit.objects.filter(_within(unit), level=Level.DISTRICT)
            .filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=end), Q(valid_to__isnull=True) | Q(valid_to__gte=start)
            )
            .count()
        ) or None
    progress(5, STEPS)

    # 6. Headline, buckets, breakdown, lagging criteria and the matrix rows.
    recognised = dict.fromkeys(TIERS, 0)
    new = dict.fromkeys(TIERS, 0)
    with_data = met_sum = 0
    by_scale: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    lines: dict[tuple, dict] = {}
    not_met = defaultdict(int)
    matrix = []
    for group, _sort, code, pk, name, _parent in communes:
        tiers = per_unit.get(pk, {})
        line = lines.setdefault(
            group, {"communes": 0, "with_data": 0, "met_sum": 0, "recognised": dict.fromkeys(TIERS, 0), "new": 0}
        )
        line["communes"] += 1
        for tier, (_apk, state, _met, _total) in tiers.items():
            if state == RECOGNISED:
                recognised[tier] += 1
                line["recognised"][tier] += 1
            if (pk, tier) in new_by_unit_tier:
                new[tier] += 1
                line["new"] += tier == STANDARD
        standard = tiers.get(STANDARD)
        if standard is None:
            matrix.append(MatrixLine(group[2], name, code, "", None, None, (None,) * len(numbers)))
            continue
        apk, state, met, total = standard
        with_data += 1
        met_sum += met
        line["with_data"] += 1
        line["met_sum"] += met
        if total:
            by_scale[total][met] += 1
        row_cells = tuple(cells.get(apk, ()))
        for index, value in enumerate(row_cells):
            if value is False:
                not_met[numbers[index]] += 1
        matrix.append(MatrixLine(group[2], name, code, STATE_NAMES.get(state, state), met, total, row_cells))

    buckets = []
    mixed = len(by_scale) > 1
    for total, counts in sorted(by_scale.items(), key=lambda item: (-sum(item[1].values()), -item[0])):
        for bucket in bucket_bounds(total):
            label = bucket.label.replace("under", "dưới")
            label = f"{label} / {total}" if mixed else label
            buckets.append(BucketLine(label, sum(n for met, n in counts.items() if bucket.low <= met <= bucket.high)))

    breakdown = [
        BreakdownLine(
            group[2],
            values["communes"],
            values["with_data"],
            values["recognised"][Tier.STANDARD],
            values["recognised"][Tier.ADVANCED],
            values["recognised"][Tier.MODEL],
            values["new"],
            _average(values["met_sum"], values["with_data"]),
        )
        for group, values in sorted(lines.items())
    ]
    lagging = sorted(
        (LaggingLine(number, names[number], not_met.get(number, 0)) for number in numbers),
        key=lambda line: (-line.not_met, line.number),
    )
    progress(6, STEPS)

    # 7. The criteria sets behind the figures, and funds where the plans app records them.
    set_counts_all = dict(set_counts)
    for set_id, n in (
        Assessment.objects.filter(
            _within(unit, "unit__"), year=year, criteria_set__level__in=[Level.VILLAGE, Level.DISTRICT]
        )
        .values("criteria_set_id")
        .annotate(n=Count("pk"))
        .values_list("criteria_set_id", "n")
        .order_by()
    ):
        set_counts_all[set_id] = set_counts_all.get(set_id, 0) + n
    sets = [
        SetLine(
            s.code,
            s.name,
            s.decision_number,
            s.decision_date,
            LEVEL_SET_NAMES.get(s.level, s.level),
            TIER_NAMES[s.tier],
            set_counts_all[s.pk],
        )
        for s in CriteriaSet.objects.filter(pk__in=list(set_counts_all)).order_by("level", "tier", "code", "version")
    ]
    funds = funds_table(unit, month, asof)
    plan = plan_table(unit, month)
    progress(7, STEPS)

    data = BulletinData(
        unit_name=unit.name if unit is not None else "Toàn quốc",
        unit_code=unit.code if unit is not None else None,
        unit_level=unit.level if unit is not None else None,
        month=month,
        year=year,
        cutoff=cutoff,
        current=current,
        communes_total=len(communes),
        with_data=with_data,
        recognised=recognised,
        new=new,
        average=_average(met_sum, with_data),
        villages_recognised=others[Level.VILLAGE],
        villages_new=others_new[Level.VILLAGE],
        districts_total=districts_total,
        districts_recognised=others[Level.DISTRICT] if districts_total else None,
        buckets=buckets,
        breakdown_title=breakdown_title,
        breakdown=breakdown if (unit is None or unit.level == Level.PROVINCE) else [],
        columns=[(number, names[number]) for number in numbers],
        matrix=matrix,
        lagging=lagging,
        newly=newly,
        funds=funds,
        plan=plan,
        sets=sets,
    )
    progress(STEPS, STEPS)
    return data


TIER_NAMES = {Tier.STANDARD: "NTM", Tier.ADVANCED: "NTM nâng cao", Tier.MODEL: "NTM kiểu mẫu"}
LEVEL_SET_NAMES = {Level.COMMUNE: "Xã", Level.VILLAGE: "Thôn", Level.DISTRICT: "Huyện"}
STATE_NAMES = {
    AssessmentState.DRAFT: "Dự thảo",
    AssessmentState.SUBMITTED: "Đã gửi",
    AssessmentState.VERIFIED: "Huyện đã thẩm tra",
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
