"""Excel exports of the dashboard tables and lists, from the same selectors as the pages.

* ``dashboard`` — headline, communes by criteria met, lagging criteria, drill-down, trend
  (``progress_overview``, ``progress_breakdown``; as now where the page is);
* ``communes`` — every commune of the list with its criteria met or not (``communes_page``
  with the matrix, read a page at a time so memory stays flat);
* ``assessments`` — the assessments of the year with every indicator value, a sheet per
  criteria set (``criteria.selectors.assessments_within``).

Headers are Vietnamese, like the bulletin: the files travel between offices.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from communes.models import AdministrativeUnit, Level
from communes.people import full_name
from criteria.models import Assessment, Indicator, IndicatorValue, Tier, ValueType
from criteria.selectors import assessments_within
from plans.selectors import default_month
from reports import xlsx
from reports.bulletin.month import Month
from reports.bulletin.names import TIER_NAMES, state_names, summary_mark
from reports.bulletin.other_figures import funds_table, plan_table
from reports.bulletin.other_sheets import funds_tables_sheet, plan_tables_sheet
from reports.forms import Filters, bucket_label
from reports.selectors import (
    LAGGING_SHARE_HEADING,
    NO_DATA_BUCKET,
    communes_page,
    matrix_columns,
    progress_overview,
)

KINDS = ("dashboard", "communes", "assessments")
CHUNK = 500
LEVEL_NAMES = {Level.PROVINCE: "Tỉnh", Level.DISTRICT: "Huyện", Level.COMMUNE: "Xã", Level.VILLAGE: "Thôn"}


def export_name(kind: str, unit: AdministrativeUnit | None, filters: Filters) -> str:
    code = unit.code if unit is not None else "toan-quoc"
    return f"ntm-{kind}-{code}-{filters.year}-{filters.tier}.xlsx"


def _unit_name(unit: AdministrativeUnit | None) -> str:
    return unit.name if unit is not None else "Toàn quốc"


def _heading(title: str, unit: AdministrativeUnit | None, filters: Filters, extra: str = "") -> list[str]:
    now = xlsx.excel_datetime(timezone.now())
    line = f"Năm {filters.year} · mức {TIER_NAMES[filters.tier]} · số liệu lúc {now:%H:%M %d/%m/%Y}"
    return [f"{title} — {_unit_name(unit)}", line + (f" · {extra}" if extra else "")]


def _properties(title: str, unit: AdministrativeUnit | None, user) -> xlsx.Properties:
    by = full_name(user)
    return xlsx.Properties(
        title=f"{title} — {_unit_name(unit)}",
        subject="Nông thôn mới",
        creator=by or "Cổng thông tin NTM",
        category="Trích xuất số liệu",
        created=timezone.now(),
        last_modified_by=by,
    )


@xlsx.in_vietnamese
def dashboard_export(*, unit: AdministrativeUnit | None, filters: Filters, user=None, as_now: bool = False) -> bytes:
    """The dashboard's tables — headline, buckets, lagging criteria, breakdown, trend — from the
    dashboard's own selectors (``as_now`` as on the page), one sheet each."""
    # In Vietnamese (the decorator): the bucket labels ("dưới 5") the selector writes too.
    summary, trend, breakdown = progress_overview(unit=unit, year=filters.year, tier=filters.tier, as_now=as_now)
    heading = _heading("Tiến độ xây dựng NTM", unit, filters)
    sheets = [
        _headline_sheet(summary, filters, heading),
        _buckets_sheet(summary, heading),
        _lagging_sheet(summary, heading),
        _breakdown_sheet(breakdown, filters, heading),
        _trend_sheet(trend, heading),
    ]
    # The dashboard's plan against result and funds, as the bulletin reads them (the plans app's
    # plain tables); funds to the month the dashboard shows (this month for this year).
    month = Month(filters.year, default_month(filters.year))
    if plan := plan_table(unit, month):
        sheets.append(plan_tables_sheet(plan, heading))
    if funds := funds_table(unit, month, None):
        sheets.append(funds_tables_sheet(funds, heading, month.label))
    return xlsx.build_workbook(sheets, _properties("Tiến độ xây dựng NTM", unit, user))


def _headline_rows(summary) -> list[tuple]:
    total, previous = summary.communes_total, summary.previous_year

    def before(attribute: str, tier: str | None = None):
        if previous is None:
            return None
        value = getattr(previous, attribute)
        return value[tier] if tier else value

    met_before, met_or_basic_before = summary.averages_before(previous)  # None on another scale
    rows = [
        (
            f"Xã đạt chuẩn {TIER_NAMES[t]}",
            summary.recognised[t],
            xlsx.share(summary.recognised[t], total),
            before("recognised", t),
        )
        for t in Tier.values
    ]
    # Newly recognised in the year, as the page shows them (not worked out for the year before).
    rows += [(f"Xã mới đạt chuẩn {TIER_NAMES[t]} trong năm", summary.new[t], None, None) for t in Tier.values]
    rows += [
        ("Bình quân số tiêu chí đạt/xã", summary.average_criteria_met, None, met_before),
        (
            "Bình quân số tiêu chí đạt và cơ bản đạt/xã (cơ bản đạt không tính là đạt)",
            summary.average_met_or_basically_met,
            None,
            met_or_basic_before,
        ),
        (
            "Xã có số liệu",
            summary.communes_with_data,
            xlsx.share(summary.communes_with_data, total),
            before("communes_with_data"),
        ),
        ("Tổng số xã", total, None, before("communes_total")),
        ("Thôn đạt chuẩn", summary.villages_recognised, None, before("villages_recognised")),
        ("Thôn mới đạt chuẩn trong năm", summary.villages_new, None, None),
    ]
    if summary.districts_recognised is not None:
        rows.append(
            (
                "Huyện đạt chuẩn",
                summary.districts_recognised,
                xlsx.share(summary.districts_recognised, summary.districts_total),
                before("districts_recognised"),
            )
        )
        rows.append(("Huyện mới đạt chuẩn trong năm", summary.districts_new, None, None))
    return rows


def _headline_sheet(summary, filters: Filters, heading: list[str]) -> xlsx.Sheet:
    previous = summary.previous_year
    columns = [
        xlsx.Column("Chỉ tiêu", 36, xlsx.WRAP),
        xlsx.Column(f"Năm {filters.year}", 14, xlsx.INT_OR_DEC1),
        xlsx.Column("Tỷ lệ", 10, xlsx.PERCENT),
        xlsx.Column(f"Năm {previous.year}" if previous is not None else "Năm trước", 14, xlsx.INT_OR_DEC1),
    ]
    table = xlsx.Table(columns=columns, rows=_headline_rows(summary))
    return xlsx.Sheet(title="Tổng hợp", heading=heading, tables=[table], landscape=False)


def _buckets_sheet(summary, heading: list[str]) -> xlsx.Sheet:
    total = summary.communes_total
    rows = [
        (b.label, b.count, xlsx.share(b.count, total), w.count)
        for b, w in zip(summary.buckets, summary.buckets_with_basically_met, strict=True)
    ]
    without = summary.communes_without_data
    rows.append(("Chưa có số liệu", without, xlsx.share(without, total), without))
    columns = [
        xlsx.Column("Số tiêu chí đạt", 20),
        xlsx.Column("Số xã", 12, xlsx.INT),
        xlsx.Column("Tỷ lệ", 10, xlsx.PERCENT),
        xlsx.Column("Số xã theo số tiêu chí đạt và cơ bản đạt", 18, xlsx.INT),
    ]
    table = xlsx.Table(columns=columns, rows=rows, total=("Tổng số", total, None, total))
    return xlsx.Sheet(title="Phân loại", heading=heading, tables=[table], landscape=False)


def _lagging_sheet(summary, heading: list[str]) -> xlsx.Sheet:
    columns = [
        xlsx.Column("Tiêu chí", 40, xlsx.WRAP),
        xlsx.Column("Số xã chưa đạt", 14, xlsx.INT),
        xlsx.Column(str(LAGGING_SHARE_HEADING), 18, xlsx.PERCENT),
        xlsx.Column("Trong đó cơ bản đạt", 14, xlsx.INT),
    ]
    rows = [
        (f"{c.number}. {c.name}", c.not_met, xlsx.share(c.not_met, c.assessed), c.basically_met)
        for c in summary.lagging
    ]
    return xlsx.Sheet(
        title="Tiêu chí chưa đạt", heading=heading, tables=[xlsx.Table(columns=columns, rows=rows)], landscape=False
    )


def _breakdown_sheet(breakdown, filters: Filters, heading: list[str]) -> xlsx.Sheet:
    columns = [
        xlsx.Column("Đơn vị", 28, xlsx.WRAP),
        xlsx.Column("Cấp", 8),
        xlsx.Column("Số xã", 10, xlsx.INT),
        xlsx.Column("Có số liệu", 10, xlsx.INT),
        xlsx.Column(f"Đạt chuẩn {TIER_NAMES[filters.tier]}", 12, xlsx.INT),
        xlsx.Column("Tỷ lệ", 10, xlsx.PERCENT),
        xlsx.Column("Bình quân tiêu chí", 12, xlsx.DEC1),
        xlsx.Column("Bình quân đạt và cơ bản đạt", 14, xlsx.DEC1),
    ]
    rows = [
        (
            r.name,
            LEVEL_NAMES.get(r.level, r.level),
            r.communes_total,
            r.communes_with_data,
            r.recognised,
            xlsx.share(r.recognised, r.communes_total),
            r.average_criteria_met,
            r.average_met_or_basically_met,
        )
        for r in breakdown
    ]
    return xlsx.Sheet(title="Theo đơn vị", heading=heading, tables=[xlsx.Table(columns=columns, rows=rows)])


def _trend_sheet(trend, heading: list[str]) -> xlsx.Sheet:
    columns = [
        xlsx.Column("Năm", 8),
        *[xlsx.Column(f"Xã đạt chuẩn {TIER_NAMES[t]}", 14, xlsx.INT) for t in Tier.values],
        xlsx.Column("Xã có số liệu", 12, xlsx.INT),
        xlsx.Column("Bình quân tiêu chí", 12, xlsx.DEC1),
        xlsx.Column("Trên tổng số tiêu chí", 16, xlsx.INT),
    ]
    # A year mixing scales (a province's 20 beside the national 19) is on none of them: its
    # cell names them, as the page does.
    rows = [
        (
            str(p.year),
            *[p.recognised[t] for t in Tier.values],
            p.communes_with_data,
            p.average_criteria_met,
            p.scale or p.scales_label or None,
        )
        for p in trend
    ]
    return xlsx.Sheet(title="Xu hướng", heading=heading, tables=[xlsx.Table(columns=columns, rows=rows)])


def _commune_rows(unit, filters: Filters) -> Iterator[tuple]:
    """Every commune of the list, a page of CHUNK at a time, as the page's selector gives them."""
    number = 0
    page_number = 1
    states, mark = state_names(), summary_mark()
    while True:
        page = communes_page(unit=unit, **filters.list_arguments(), page=page_number, per_page=CHUNK, with_matrix=True)
        for row in page.rows:
            number += 1
            yield (
                number,
                row.name,
                row.code,
                row.parent_name,
                row.region_label,
                (states.get(row.state, "") + (mark if row.summary else "")) if row.has_data else "Chưa có số liệu",
                row.criteria_met,
                row.criteria_basically_met,
                row.criteria_total,
                # basically met is not met: ✗ in its cell, counted in its own column
                *[{"met": True, "not_met": False, "basically_met": False}.get(cell) for cell in row.cells],
                # holds the title on the year's cut-off (the headline's count), by which decision
                f"{row.title_number}, {row.title_date:%d/%m/%Y}" if row.holds_title else "Không",
            )
        if not page.has_next:
            return
        page_number += 1


@xlsx.in_vietnamese
def communes_export(*, unit: AdministrativeUnit | None, filters: Filters, user=None) -> bytes:
    columns = matrix_columns(unit=unit, year=filters.year, tier=filters.tier)
    extra = ""
    if filters.bucket == NO_DATA_BUCKET:
        extra = "chưa có số liệu"
    elif filters.bucket is not None:
        # the page's own label: "19 / 19" where the year mixes scales, "15–18" where it does not
        extra = f"số tiêu chí đạt: {bucket_label(filters.bucket)}"
    if filters.q:
        extra = (extra + " · " if extra else "") + f"tìm “{filters.q}”"
    if filters.held:
        extra = (extra + " · " if extra else "") + "chỉ các xã giữ danh hiệu"
    sheet = xlsx.Sheet(
        title="Danh sách xã",
        heading=_heading("Danh sách xã và kết quả từng tiêu chí", unit, filters, extra),
        tables=[
            xlsx.Table(
                columns=[
                    xlsx.Column("STT", 6, xlsx.INT),
                    xlsx.Column("Xã", 22, xlsx.WRAP),
                    xlsx.Column("Mã", 9),
                    xlsx.Column("Thuộc", 18, xlsx.WRAP),
                    xlsx.Column("Vùng / nhóm", 16, xlsx.WRAP),
                    xlsx.Column("Trạng thái", 14, xlsx.WRAP),
                    xlsx.Column("Số tiêu chí đạt", 8, xlsx.INT, rotate=True),
                    xlsx.Column("Số tiêu chí cơ bản đạt (không tính là đạt)", 8, xlsx.INT, rotate=True),
                    xlsx.Column("Tổng số tiêu chí", 8, xlsx.INT, rotate=True),
                    *[xlsx.Column(f"{c.number}. {c.name}", 4.5, xlsx.MARK, rotate=True) for c in columns],
                    xlsx.Column("Giữ danh hiệu (quyết định)", 18, xlsx.WRAP),
                ],
                rows=_commune_rows(unit, filters),
            )
        ],
        freeze_columns=2,
        header_height=150,
    )
    return xlsx.build_workbook([sheet], _properties("Danh sách xã", unit, user))


def _value_cell(value_type: str, decimal_value, bool_value):
    if value_type == ValueType.YES_NO:
        return None if bool_value is None else ("Có" if bool_value else "Không")
    return decimal_value


@xlsx.in_vietnamese
def assessments_export(
    *, unit: AdministrativeUnit | None, filters: Filters, level: str = Level.COMMUNE, user=None
) -> bytes:
    """Every assessment of the year at the tier under ``unit``, with all its values and outcomes."""
    if unit is None:
        assessments = Assessment.objects.filter(year=filters.year, unit__level=level, tier=filters.tier)
        assessments = assessments.select_related("unit", "criteria_set").order_by("unit__name_sort", "unit__code")
    else:
        assessments = assessments_within(unit, year=filters.year, levels=(level,), tier=filters.tier)
    set_ids = list(assessments.values_list("criteria_set_id", flat=True).distinct().order_by())
    heading = _heading("Hồ sơ đánh giá và giá trị các chỉ tiêu", unit, filters)
    sheets, titles = [], []
    for set_id in sorted(set_ids):
        indicators = list(
            Indicator.objects.filter(criteria_set_id=set_id)
            .select_related("criterion", "criteria_set")
            .order_by("criterion__number", "position", "pk")
        )
        if not indicators:
            continue
        rows = _assessment_rows(assessments.filter(criteria_set_id=set_id), indicators)
        criteria_set = indicators[0].criteria_set
        # The set's short name, and its version where two sets of the file share it.
        title = criteria_set.short_name
        titles.append(title)
        if titles.count(title) > 1 or criteria_set.version > 1:
            title = f"{title} v{criteria_set.version}"
        sheets.append(_assessments_sheet(criteria_set, indicators, heading, rows, title=title))
    if not sheets:
        sheets.append(
            xlsx.Sheet(
                title="Hồ sơ",
                heading=[*heading, "Không có hồ sơ đánh giá nào."],
                tables=[xlsx.Table(columns=[xlsx.Column("Đơn vị", 30)], rows=[])],
            )
        )
    return xlsx.build_workbook(sheets, _properties("Hồ sơ đánh giá", unit, user))


def _assessment_rows(of_set, indicators: list[Indicator]) -> Iterator[tuple]:
    """One row per assessment of ``of_set`` with its values, both read by assessment a chunk at a time and merged."""
    position = {i.pk: n for n, i in enumerate(indicators)}
    types = [i.value_type for i in indicators]
    values = (
        IndicatorValue.objects.filter(assessment__in=of_set.values("pk"))
        .order_by("assessment_id")
        .values_list("assessment_id", "indicator_id", "value_decimal", "value_bool")
        .iterator(chunk_size=5000)
    )
    pending = next(values, None)
    heads = of_set.values_list(
        "pk",
        "unit__code",
        "unit__name",
        "unit__parent__name",
        "state",
        "criteria_met",
        "criteria_basically_met",
        "criteria_total",
        "summary",
        "source_number",
        "source_date",
    )
    states, mark = state_names(), summary_mark()
    for n, a in enumerate(heads.order_by("pk").iterator(chunk_size=2000), 1):
        pk = a[0]
        cells = [None] * len(position)
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                index = position.get(pending[1])
                if index is not None:
                    cells[index] = _value_cell(types[index], pending[2], pending[3])
            pending = next(values, None)
        state = states.get(a[4], a[4]) + (f"{mark} {a[9]} {a[10]:%d/%m/%Y}" if a[8] else "")
        yield (n, a[2], a[1], a[3] or "", state, a[5], a[6], a[7], *cells)


# How a value of each type is written: counts and amounts whole, other numbers to two places.
_VALUE_KINDS = {ValueType.YES_NO: xlsx.TEXT, ValueType.COUNT: xlsx.INT, ValueType.MONEY: xlsx.MONEY}


def _assessments_sheet(
    criteria_set, indicators: list[Indicator], heading: list[str], rows, *, title: str
) -> xlsx.Sheet:
    """The sheet of one criteria set's assessments: fixed columns, then one rotated column per indicator."""
    kinds = [_VALUE_KINDS.get(i.value_type, xlsx.DEC2) for i in indicators]
    outcome_note = "Giá trị trống: chưa nhập."
    return xlsx.Sheet(
        title=title,
        heading=[
            *heading,
            f"Bộ tiêu chí: {criteria_set.name} ({criteria_set.decision_number}) · {outcome_note}",
        ],
        tables=[
            xlsx.Table(
                columns=[
                    xlsx.Column("STT", 6, xlsx.INT),
                    xlsx.Column("Đơn vị", 22, xlsx.WRAP),
                    xlsx.Column("Mã", 9),
                    xlsx.Column("Thuộc", 18, xlsx.WRAP),
                    xlsx.Column("Trạng thái", 14, xlsx.WRAP),
                    xlsx.Column("Số tiêu chí đạt", 8, xlsx.INT, rotate=True),
                    xlsx.Column("Số tiêu chí cơ bản đạt", 8, xlsx.INT, rotate=True),
                    xlsx.Column("Tổng số tiêu chí", 8, xlsx.INT, rotate=True),
                    *[
                        xlsx.Column(f"{i.code} {i.name}", 12, kind, rotate=True)
                        for i, kind in zip(indicators, kinds, strict=True)
                    ],
                ],
                rows=rows,
            )
        ],
        freeze_columns=2,
        header_height=160,
    )
