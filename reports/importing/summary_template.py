"""The criteria-level template: summary records of past years for a province's or district's
communes, from their old reports (issue 15: "toàn xã đạt 16/19 tiêu chí").

One row per commune that existed in the year (rows may be added for other years): the year,
the tier, the set's code (the set in force, filled in), the criteria met and basically met
("1-9, 11, 14"), the count, the document's number and date, and a reason when another set
than the one in force is used. A commune that already has its summary record of the year
comes filled in, so a file sent back unchanged changes nothing. A hidden sheet says which
unit, year and tier the template is for.
"""

from __future__ import annotations

from django.utils import timezone

from communes.models import AdministrativeUnit, Level
from criteria.models import Assessment, CriteriaSet, CriterionResult, Tier
from criteria.services.in_force import criteria_set_in_force
from reports import xlsx
from reports.importing import layout
from reports.importing.template import assessable_units, template_workbook

TIER_WORD = {code: word for word, code in layout.TIER_WORDS.items()}


def numbers_text(numbers) -> str:
    """Criteria numbers as the sheet writes them: ``1-3, 5, 7-9``."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def summary_units(unit: AdministrativeUnit, year: int):
    """The rural communes under ``unit`` (itself, if one) that existed at some time in ``year``:
    those a commune set can assess in it (``communes.filters.assessable_q``)."""
    return assessable_units(unit, Level.COMMUNE, year)


def summary_template_bounds(unit: AdministrativeUnit, year: int) -> layout.Bounds:
    return layout.summary_bounds(summary_units(unit, year).count())


def summary_template_name(unit: AdministrativeUnit, year: int, tier: str) -> str:
    return f"mau-tong-hop-tieu-chi-{unit.code}-{year}-{tier}.xlsx"


def _existing(units: list[AdministrativeUnit], year: int, tier: str) -> dict[int, tuple[Assessment, list]]:
    records = {
        a.pk: a
        for a in Assessment.objects.filter(unit__in=[u.pk for u in units], year=year, tier=tier, summary=True)
        .select_related("criteria_set")
        .only("unit_id", "criteria_met", "source_number", "source_date", "criteria_set__code")
    }
    results: dict[int, list] = {pk: [] for pk in records}
    for assessment_id, number, met, basic in CriterionResult.objects.filter(assessment__in=list(records)).values_list(
        "assessment_id", "criterion__number", "met", "basically_met"
    ):
        results[assessment_id].append((number, met, basic))
    return {a.unit_id: (a, results[a.pk]) for a in records.values()}


def _row(u: AdministrativeUnit, year: int, tier: str, in_force: CriteriaSet | None, found) -> list:
    info = [u.code, u.name, u.parent.name if u.parent else "", year, TIER_WORD[tier]]
    if found is None:
        return [*info, in_force.code if in_force else "", None, None, None, None, None, None]
    assessment, results = found
    return [
        *info,
        assessment.criteria_set.code,
        numbers_text(n for n, met, _basic in results if met),
        numbers_text(n for n, _met, basic in results if basic),
        assessment.criteria_met,
        assessment.source_number,
        assessment.source_date.strftime("%d/%m/%Y") if assessment.source_date else None,
        None,
    ]


@xlsx.in_vietnamese
def import_summary_template(*, unit: AdministrativeUnit, year: int, tier: str, user=None) -> bytes:
    """The criteria-level template workbook, as bytes."""
    units = list(summary_units(unit, year))
    in_force = criteria_set_in_force(unit=units[0], year=year, tier=tier) if units else None
    existing = _existing(units, year, tier)
    rows = [_row(u, year, tier, in_force, existing.get(u.pk)) for u in units]
    columns = [
        xlsx.Column("Mã đơn vị", 12),
        xlsx.Column("Tên đơn vị", 24, xlsx.WRAP),
        xlsx.Column("Thuộc", 18, xlsx.WRAP),
        xlsx.Column("Năm", 8, xlsx.INPUT),
        xlsx.Column("Mức", 11, xlsx.INPUT),
        xlsx.Column("Mã bộ tiêu chí", 22, xlsx.INPUT),
        xlsx.Column("Tiêu chí đạt", 22, xlsx.INPUT_TEXT),
        xlsx.Column("Tiêu chí cơ bản đạt", 16, xlsx.INPUT_TEXT),
        xlsx.Column("Số tiêu chí đạt", 10, xlsx.INPUT),
        xlsx.Column("Số văn bản", 16, xlsx.INPUT),
        xlsx.Column("Ngày văn bản", 13, xlsx.INPUT),
        xlsx.Column("Lý do dùng bộ khác bộ đang áp dụng", 28, xlsx.INPUT),
    ]
    hints = ["", "", "", "số năm", "chuẩn / nâng cao / kiểu mẫu", "để trống: bộ đang áp dụng", "ví dụ 1-9, 11"]
    hints += ["ví dụ 10, 13", "kiểm tra với cột tiêu chí đạt", "bắt buộc", "dd/mm/yyyy", "nếu dùng bộ khác"]
    last_row = layout.summary_bounds(len(units)).last_row
    tiers = ",".join(layout.TIER_WORDS)
    validations = [
        xlsx.Validation(f"D{layout.FIRST_DATA_ROW}:D{last_row}", "whole", "2010", "2100", "between", error="Nhập năm."),
        xlsx.Validation(
            f"E{layout.FIRST_DATA_ROW}:E{last_row}", "list", f'"{tiers}"', error="Chọn mức trong danh sách."
        ),
        xlsx.Validation(
            f"I{layout.FIRST_DATA_ROW}:I{last_row}", "whole", "0", "100", "between", error="Nhập một số từ 0 đến 100."
        ),
    ]
    title = f"MẪU NHẬP TỔNG HỢP TIÊU CHÍ — {unit.name} — năm {year} — {Tier(tier).label}"
    now = timezone.now()
    data_sheet = xlsx.Sheet(
        title=layout.DATA_SHEET,
        heading=[title, "Mỗi dòng là kết quả một xã trong một năm theo báo cáo cũ; không sửa dòng mã cột (dòng 6)."],
        tables=[xlsx.Table(columns=columns, rows=rows, subheaders=[hints, list(layout.SUMMARY_COLUMNS)])],
        freeze_columns=2,
        header_height=45,
        validations=validations,
    )
    meta_rows = [
        ("format", layout.SUMMARY_FORMAT),
        ("unit", unit.code),
        ("unit_name", unit.name),
        ("year", year),
        ("tier", tier),
        ("rows", len(units)),
    ]
    return template_workbook(
        data_sheet,
        GUIDE_LINES,
        meta_rows,
        title=title,
        subject="Nông thôn mới — mẫu nhập tổng hợp tiêu chí",
        keywords=f"NTM; tổng hợp; {unit.code}; {year}",
        user=user,
        now=now,
    )


GUIDE_LINES = [
    "1. Mỗi dòng là kết quả của một xã trong một năm, theo báo cáo, kế hoạch cũ (không cần giá trị từng chỉ tiêu).",
    "2. Cột Mã bộ tiêu chí đã điền bộ đang áp dụng của năm; dùng bộ khác thì ghi lý do ở cột cuối.",
    "3. Tiêu chí đạt, cơ bản đạt: ghi số tiêu chí, cách nhau bởi dấu phẩy; một dãy liền nhau ghi 1-9.",
    "4. Một tiêu chí không thể vừa đạt vừa cơ bản đạt; cơ bản đạt không được tính là đạt.",
    "5. Số văn bản và ngày văn bản (dd/mm/yyyy) của báo cáo là bắt buộc; ngày không trước năm báo cáo.",
    "6. Dòng không ghi tiêu chí, số lượng và văn bản được bỏ qua. Có thể thêm dòng cho năm khác.",
    "7. Không nhập công thức; không đổi tên các trang tính và không xóa trang ẩn.",
    f"8. Tệp tải lên tối đa {layout.MAX_UPLOAD_MB} MB, định dạng .xlsx. Mọi ô được kiểm tra; số liệu chỉ được "
    "ghi khi bạn xác nhận, và được ghi tất cả hoặc không ghi gì.",
]
