"""The import template the portal hands out: a criteria set, a unit and a year.

One row per unit under the unit that the set can assess in the year (its communes or villages
that existed in the year; rural communes only, never wards, townships or special zones), one
column per indicator, the indicator codes in a header row, today's values filled in (so a file
sent back unchanged changes nothing), yes/no columns as drop-down lists. A hidden sheet says
which set, unit and year the template is for.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from communes.models import AdministrativeUnit
from criteria.models import Assessment, CriteriaSet, Indicator, IndicatorValue, ValueType
from criteria.services.assessments import assessed_territory
from reports import xlsx
from reports.importing import layout

TYPE_HINTS = {
    ValueType.YES_NO: f"{layout.YES} / {layout.NO}",
    ValueType.PERCENT: "% (0–100)",
    ValueType.NUMBER: "số",
    ValueType.MONEY: "đồng",
    ValueType.COUNT: "số nguyên ≥ 0",
}


def units_for_template(unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int) -> list[AdministrativeUnit]:
    """The units under ``unit`` that ``criteria_set`` can assess in ``year``: of its level, existing
    in the year, rural communes only (``communes.filters.assessable_q``), leaving out a unit
    without an assessment at the set's tier whose place a unit it was formed from (or into) holds
    that year (``assessed_territory``) — the rules the checks of an upload and starting an
    assessment follow: the template never lists a unit they refuse."""
    units = list(assessable_units(unit, criteria_set.level, year))
    tier = criteria_set.tier
    elsewhere = assessed_territory([u.pk for u in units], year=year, tiers=[tier])
    if not elsewhere:
        return units
    own = set(
        Assessment.objects.filter(tier=tier, year=year, unit__in=[pk for pk, _tier in elsewhere]).values_list(
            "unit_id", flat=True
        )
    )
    return [u for u in units if (u.pk, tier) not in elsewhere or u.pk in own]


def assessable_units(unit: AdministrativeUnit, level: str, year: int):
    """The units under ``unit`` (itself included) a set of ``level`` can assess in ``year``, in
    the templates' order."""
    units = AdministrativeUnit.objects.subtree(unit).assessable(level, year)
    return units.select_related("parent").order_by("parent__name_sort", "name_sort", "code")


def set_indicators(criteria_set: CriteriaSet) -> list[Indicator]:
    return list(
        Indicator.objects.filter(criteria_set=criteria_set)
        .select_related("criterion")
        .order_by("criterion__number", "position", "pk")
    )


def template_bounds(unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int) -> layout.Bounds:
    """How many rows and columns the template of ``unit``, ``criteria_set`` and ``year`` has."""
    return layout.Bounds(
        units=len(units_for_template(unit, criteria_set, year)),
        indicators=Indicator.objects.filter(criteria_set=criteria_set).count(),
    )


def template_name(unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int) -> str:
    return f"mau-nhap-{criteria_set.code}-v{criteria_set.version}-{unit.code}-{year}.xlsx"


def cell_text(indicator: Indicator, value) -> object:
    """How a stored value is written into the template (and compared when read back)."""
    if value is None:
        return None
    if indicator.value_type == ValueType.YES_NO:
        return layout.YES if value else layout.NO
    return value


@xlsx.in_vietnamese
def import_template(*, unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int, user=None) -> bytes:
    """The template workbook, as bytes."""
    # Taken before the values are read: a value changed after this moment is one the file may
    # predate, and the check of an upload compares what it changes with it (``checks``).
    now = timezone.now()
    indicators = set_indicators(criteria_set)
    units = units_for_template(unit, criteria_set, year)
    assessments, values = _stored_values(units, criteria_set, year)
    title = f"MẪU NHẬP SỐ LIỆU — {criteria_set.label} — {unit.name} — năm {year}"
    data_sheet = _data_sheet(title, units, indicators, _unit_rows(units, indicators, assessments, values))
    meta_rows = [
        ("format", layout.FORMAT),
        ("set_id", criteria_set.pk),
        ("set_code", criteria_set.code),
        ("set_version", criteria_set.version),
        ("set", criteria_set.label),
        ("unit", unit.code),
        ("unit_name", unit.name),
        ("year", year),
        ("rows", len(units)),
        ("columns", len(indicators)),
    ]
    return template_workbook(
        data_sheet,
        GUIDE_LINES,
        meta_rows,
        title=title,
        subject="Nông thôn mới — mẫu nhập số liệu",
        keywords=f"NTM; {criteria_set.code}; {unit.code}; {year}",
        user=user,
        now=now,
    )


def _stored_values(units, criteria_set: CriteriaSet, year: int):
    """The units' assessments of the set and year by unit, and their values by (assessment, indicator)."""
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.filter(criteria_set=criteria_set, year=year, unit__in=[u.pk for u in units])
    }
    values: dict[tuple[int, int], object] = {
        (v.assessment_id, v.indicator_id): v.value
        for v in IndicatorValue.objects.filter(assessment__in=[a.pk for a in assessments.values()]).only(
            "assessment_id", "indicator_id", "value_decimal", "value_bool"
        )
    }
    return assessments, values


def _unit_rows(units, indicators: list[Indicator], assessments, values):
    """One row per unit: its code, name, parent and state, then today's value of each indicator."""
    for u in units:
        assessment = assessments.get(u.pk)
        row = [
            u.code,
            u.name,
            u.parent.name if u.parent else "",
            assessment.get_state_display() if assessment else "",
        ]
        for indicator in indicators:
            stored = values.get((assessment.pk, indicator.pk)) if assessment else None
            row.append(cell_text(indicator, stored))
        yield row


def _data_sheet(title: str, units, indicators: list[Indicator], rows) -> xlsx.Sheet:
    """The sheet the values are entered in: fixed unit columns, then one input column per indicator."""
    fixed = [
        xlsx.Column("Mã đơn vị", 12),
        xlsx.Column("Tên đơn vị", 24, xlsx.WRAP),
        xlsx.Column("Thuộc", 18, xlsx.WRAP),
        xlsx.Column("Trạng thái hồ sơ", 14, xlsx.WRAP),
    ]
    columns = fixed + [xlsx.Column(f"{i.code} {i.name}", 14, xlsx.INPUT) for i in indicators]
    hints = ["", "", "", ""] + [
        TYPE_HINTS.get(i.value_type, "") + (f" ({i.unit})" if i.unit and i.value_type != ValueType.PERCENT else "")
        for i in indicators
    ]
    codes = list(layout.FIXED_COLUMNS) + [i.code for i in indicators]
    last_row = layout.Bounds(units=len(units), indicators=len(indicators)).last_row
    return xlsx.Sheet(
        title=layout.DATA_SHEET,
        heading=[title, "Điền giá trị vào các ô trắng; không sửa dòng mã chỉ tiêu (dòng 6) và cột mã đơn vị."],
        tables=[xlsx.Table(columns=columns, rows=rows, subheaders=[hints, codes])],
        freeze_columns=2,
        header_height=90,
        validations=_value_validations(indicators, len(fixed) + 1, last_row),
    )


def _value_validations(indicators: list[Indicator], first_column: int, last_row: int) -> list[xlsx.Validation]:
    """What Excel accepts in each indicator's column: a yes/no list, a percentage, a number ≥ 0."""
    validations = []
    for position, indicator in enumerate(indicators, first_column):
        letter = xlsx.get_column_letter(position)
        sqref = f"{letter}{layout.FIRST_DATA_ROW}:{letter}{last_row}"
        if indicator.value_type == ValueType.YES_NO:
            validations.append(
                xlsx.Validation(
                    sqref, "list", f'"{layout.YES},{layout.NO}"', error=f"Chọn {layout.YES} hoặc {layout.NO}."
                )
            )
        elif indicator.value_type == ValueType.PERCENT:
            validations.append(
                xlsx.Validation(sqref, "decimal", "0", "100", "between", error="Nhập một tỷ lệ từ 0 đến 100.")
            )
        elif indicator.value_type in (ValueType.COUNT, ValueType.MONEY):
            validations.append(
                xlsx.Validation(sqref, "decimal", "0", None, "greaterThanOrEqual", error="Nhập một số không âm.")
            )
    return validations


def template_workbook(
    data_sheet: xlsx.Sheet, guide_lines: list[str], meta_rows, *, title: str, subject: str, keywords: str, user, now
) -> bytes:
    """The data sheet, its guide, then the hidden sheet of what the server checks on upload (with
    the time it was made) and the file's properties: every import template (values and summary
    records) is built so."""
    guide = xlsx.Sheet(
        title=layout.GUIDE_SHEET,
        heading=["HƯỚNG DẪN"],
        tables=[xlsx.Table(columns=[xlsx.Column("Nội dung", 110, xlsx.WRAP)], rows=[[line] for line in guide_lines])],
        landscape=False,
    )
    meta_rows = [
        *meta_rows,
        (layout.GENERATED_AT, xlsx.excel_datetime(now).isoformat(timespec="seconds")),
        (layout.GENERATED_AT_UTC, now.astimezone(datetime.UTC).isoformat(timespec="microseconds")),
    ]
    meta = xlsx.Sheet(
        title=layout.META_SHEET,
        tables=[xlsx.Table(columns=[xlsx.Column("key", 14), xlsx.Column("value", 40)], rows=meta_rows)],
        hidden=True,
    )
    return xlsx.build_workbook(
        [data_sheet, guide, meta],
        xlsx.Properties(
            title=title,
            subject=subject,
            creator="Cổng thông tin Nông thôn mới",
            keywords=keywords,
            category="Mẫu nhập số liệu",
            created=now,
            last_modified_by=getattr(user, "username", "") or "",
        ),
    )


GUIDE_LINES = [
    "1. Mỗi dòng là một đơn vị, mỗi cột là một chỉ tiêu; mã chỉ tiêu nằm ở dòng 6, mã đơn vị ở cột A.",
    "2. Mẫu đã điền sẵn số liệu hiện có: chỉ sửa các ô cần thay đổi. Ô để trống không làm thay đổi số liệu.",
    f"3. Chỉ tiêu có/không: chọn “{layout.YES}” hoặc “{layout.NO}” trong danh sách.",
    "4. Tỷ lệ (%): nhập số từ 0 đến 100, ví dụ 85 hoặc 85,5. Số tiền: nhập số đồng, không có phần thập phân.",
    "5. Không nhập công thức: cổng thông tin chỉ nhận giá trị.",
    "6. Không đổi tên các trang tính và không xóa trang ẩn; tải lên đúng trang nhập số liệu của đơn vị, bộ tiêu chí và năm của mẫu.",
    f"7. Tệp tải lên tối đa {layout.MAX_UPLOAD_MB} MB, định dạng .xlsx.",
    "8. Sau khi tải lên, cổng thông tin kiểm tra từng ô, liệt kê mọi lỗi và cho xem trước các thay đổi; "
    "số liệu chỉ được ghi khi bạn xác nhận, và được ghi tất cả hoặc không ghi gì.",
]
