"""The bulletin's sheets, from plain rows (no ORM).

The bulletin is a Vietnamese administrative document, so its text is Vietnamese whatever the
language of the page it was downloaded from.

Sheets: summary (headline to date and new this month, buckets), every tier (``tiers_sheet``),
by unit one level down (province and country), commune × criterion matrix, lagging criteria, newly
recognised (``detail_sheets``), plan, funds by source (when recorded), OCOP products
(``other_sheets``) and notes (criteria sets, data cut-off, who generated or issued it).
"""

from __future__ import annotations

import datetime

from reports import xlsx
from reports.bulletin.detail_sheets import MATRIX_LEGEND, breakdown_sheet, lagging_sheet, matrix_sheet, newly_sheet
from reports.bulletin.other_sheets import OCOP_SUBTITLE, funds_sheet, ocop_sheet, plan_sheet
from reports.bulletin.shapes import BulletinData, Issue
from reports.bulletin.text import Draft
from reports.bulletin.tiers_sheet import header_block, tiers_sheet
from reports.bulletin.writing import on_scales

TIERS_SUBTITLE = "Các mức đạt chuẩn: NTM, nâng cao, kiểu mẫu"
SUMMARY, NOTES = "Tổng hợp", "Ghi chú"


APART_NAMES = {"phuong": "phường", "thi_tran": "thị trấn", "dac_khu": "đặc khu"}


def reading_text(data: BulletinData) -> str:
    if data.as_recorded:
        return "Số liệu như đã ghi nhận tại thời điểm chốt (dựng lại từ nhật ký thay đổi; không gồm số liệu nhập sau)."
    return (
        "Số liệu đúng với tháng báo cáo: công nhận, thu hồi theo ngày quyết định; đánh giá theo năm; nguồn vốn theo "
        "tháng — kể cả số liệu nhập sau."
    )


def _cutoff_text(moment: datetime.datetime) -> str:
    local = xlsx.excel_datetime(moment)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def title_of(data: BulletinData) -> str:
    return f"BẢN TIN NÔNG THÔN MỚI THÁNG {data.month.label} — {data.unit_name.upper()}"


def _heading(data: BulletinData, subtitle: str) -> list[str]:
    reading = "như đã ghi nhận" if data.as_recorded else "đúng với tháng báo cáo"
    return [
        title_of(data),
        f"{subtitle} · Năm đánh giá {data.year} · Số liệu tính đến {_cutoff_text(data.cutoff)} ({reading})",
    ]


def _headline_rows(data: BulletinData) -> list[tuple]:
    """The summary's headline: communes, with data, recognised at each tier (to date, new in the month, share)."""
    total = data.communes_total
    headline = [
        ("Tổng số xã (không tính phường, thị trấn, đặc khu)", total, None, None),
        ("Xã có số liệu đánh giá (bộ tiêu chí NTM)", data.with_data, None, xlsx.share(data.with_data, total)),
        (
            "Xã đạt chuẩn NTM (giữ danh hiệu đến thời điểm báo cáo)",
            data.recognised["standard"],
            data.new["standard"],
            xlsx.share(data.recognised["standard"], total),
        ),
        (
            "Xã đạt chuẩn NTM nâng cao",
            data.recognised["advanced"],
            data.new["advanced"],
            xlsx.share(data.recognised["advanced"], total),
        ),
        (
            "Xã đạt chuẩn NTM kiểu mẫu",
            data.recognised["model"],
            data.new["model"],
            xlsx.share(data.recognised["model"], total),
        ),
        ("Thôn, bản đạt chuẩn", data.villages_recognised, data.villages_new, None),
    ]
    if data.apart:
        listed = ", ".join(f"{n:02d} {APART_NAMES.get(kind, kind)}" for kind, n in sorted(data.apart.items()))
        headline.append((f"Không tính vào số xã: {listed}", sum(data.apart.values()), None, None))
    if data.districts_total:
        headline.append(
            (
                "Huyện đạt chuẩn NTM",
                data.districts_recognised or 0,
                data.districts_new or 0,
                xlsx.share(data.districts_recognised, data.districts_total),
            )
        )
    return headline


def _summary(data: BulletinData, draft: Draft | None = None) -> xlsx.Sheet:
    total = data.communes_total
    figures = xlsx.Table(
        columns=[
            xlsx.Column("Chỉ tiêu", 46, xlsx.WRAP),
            xlsx.Column("Lũy kế đến thời điểm báo cáo", 18, xlsx.INT),
            xlsx.Column("Mới trong tháng", 14, xlsx.INT),
            xlsx.Column("Tỷ lệ", 12, xlsx.PERCENT),
        ],
        rows=_headline_rows(data),
    )
    average = xlsx.Table(
        caption="Bình quân số tiêu chí đạt",
        columns=[xlsx.Column("Chỉ tiêu", 46, xlsx.WRAP), xlsx.Column("Tiêu chí/xã", 18, xlsx.DEC1)],
        rows=[
            (
                "Bình quân số tiêu chí đạt trên một xã có số liệu" + (on_scales(data.tiers[0]) if data.tiers else ""),
                data.average,
            ),
            (
                "Bình quân số tiêu chí đạt và cơ bản đạt (cơ bản đạt không tính là đạt)",
                data.average_with_basically_met,
            ),
        ],
    )
    buckets = xlsx.Table(
        caption="Phân loại xã theo số tiêu chí đạt",
        columns=[
            xlsx.Column("Số tiêu chí đạt", 46, xlsx.TEXT),
            xlsx.Column("Số xã", 18, xlsx.INT),
            xlsx.Column("Tỷ lệ", 14, xlsx.PERCENT),
            xlsx.Column("Số xã theo số tiêu chí đạt và cơ bản đạt", 18, xlsx.INT),
        ],
        rows=[
            *[(b.label, b.count, xlsx.share(b.count, total), b.with_basically_met) for b in data.buckets],
            (
                "Chưa có số liệu",
                total - data.with_data,
                xlsx.share(total - data.with_data, total),
                total - data.with_data,
            ),
        ],
        total=("Tổng số", total, xlsx.share(total, total), total),
    )
    tables = [figures, average, buckets]
    if not data.with_data:
        tables.insert(
            1,
            xlsx.Table(
                columns=[xlsx.Column("Ghi chú", 46, xlsx.WRAP)],
                rows=[(f"Chưa có số liệu đánh giá năm {data.year}: phân loại và bình quân để trống.",)],
            ),
        )
    chart = xlsx.Chart("column", f"Phân loại xã theo số tiêu chí đạt năm {data.year}", len(tables) - 1, 0, [1])
    heading = [*_heading(data, "Tổng hợp"), *header_block(draft)]
    return xlsx.Sheet(title=SUMMARY, heading=heading, tables=tables, landscape=False, charts=[chart])


def _notes(data: BulletinData, issue: Issue) -> xlsx.Sheet:
    status = (
        f"Bản phát hành chính thức, do {issue.by} phát hành lúc {_cutoff_text(issue.at)}"
        if issue.issued
        else f"Bản xem (chưa phát hành), tạo lúc {_cutoff_text(issue.at)} bởi {issue.by}"
    )
    cutoff_rule = (
        "Tháng hiện tại: số liệu tại thời điểm tạo bản tin. " if data.current else "Tháng đã qua: chốt cuối tháng. "
    ) + reading_text(data)
    facts = [
        ("Đơn vị", data.unit_name + (f" (mã {data.unit_code})" if data.unit_code else "")),
        ("Tháng báo cáo", data.month.label),
        ("Năm đánh giá", str(data.year)),
        ("Thời điểm chốt số liệu", xlsx.excel_datetime(data.cutoff)),
        ("Cách chốt số liệu", cutoff_rule),
        ("Tình trạng", status),
        ("Ký hiệu", MATRIX_LEGEND),
        (
            "Cách tính",
            "Chỉ tính các xã (phường, thị trấn, đặc khu liệt kê riêng). Xã đạt chuẩn: có quyết định công nhận ghi ngày "
            "đến thời điểm chốt và chưa bị thu hồi đến khi đó. Công nhận mới: quyết định ghi ngày trong tháng. Phân "
            "loại, bình quân, bảng xã - tiêu chí và tiêu chí chưa đạt: hồ sơ đánh giá năm báo cáo theo bộ tiêu chí NTM.",
        ),
        (
            "Định dạng số",
            "Số hiển thị theo thiết lập vùng của máy đọc (máy đặt tiếng Việt hiển thị 1.234 và 6,5).",
        ),
    ]
    sets = xlsx.Table(
        caption="Bộ tiêu chí sử dụng",
        columns=[
            xlsx.Column("Mã", 24, xlsx.WRAP),
            xlsx.Column("Tên bộ tiêu chí", 70, xlsx.WRAP),
            xlsx.Column("Quyết định", 20, xlsx.WRAP),
            xlsx.Column("Ngày", 12, xlsx.DATE),
            xlsx.Column("Cấp", 8, xlsx.TEXT),
            xlsx.Column("Mức", 14, xlsx.TEXT),
            xlsx.Column("Số hồ sơ", 10, xlsx.INT),
        ],
        rows=[tuple(line) for line in data.sets],
    )
    return xlsx.Sheet(
        title=NOTES,
        heading=[title_of(data)],
        tables=[
            xlsx.Table(columns=[xlsx.Column("Nội dung", 24, xlsx.TEXT), xlsx.Column("", 70, xlsx.WRAP)], rows=facts),
            sets,
        ],
    )


def bulletin_sheets(data: BulletinData, issue: Issue, draft: Draft | None = None) -> list[xlsx.Sheet]:
    sheets = [_summary(data, draft), tiers_sheet(data, _heading(data, TIERS_SUBTITLE))]
    if data.breakdown:
        sheets.append(breakdown_sheet(data, _heading(data, f"Kết quả theo {data.breakdown_title.lower()}")))
    sheets += [
        matrix_sheet(data, _heading(data, f"Kết quả từng tiêu chí của các xã (bộ tiêu chí NTM) · {MATRIX_LEGEND}")),
        lagging_sheet(data, _heading(data, "Các tiêu chí có nhiều xã chưa đạt nhất")),
        newly_sheet(data, _heading(data, f"Các đơn vị được công nhận trong tháng {data.month.label}")),
    ]
    if data.plan:
        sheets.append(plan_sheet(data, _heading(data, "Kế hoạch và kết quả thực hiện")))
    if data.funds:
        sheets.append(funds_sheet(data, _heading(data, "Nguồn vốn huy động (đồng)")))
    if data.ocop is not None and not data.ocop.empty:
        sheets.append(ocop_sheet(data, _heading(data, OCOP_SUBTITLE)))
    sheets.append(_notes(data, issue))
    for sheet in sheets:
        sheet.footer = f"Bản tin NTM {data.month.label} — {data.unit_name}"
    return sheets


# Above this many communes the workbook is streamed (one row in memory at a time).
STREAM_FROM_COMMUNES = 1000


@xlsx.in_vietnamese
def bulletin_workbook(data: BulletinData, issue: Issue, draft: Draft | None = None) -> bytes:
    """The bulletin as .xlsx bytes; ``draft`` gives the header block (issuing body, number, date)."""
    return xlsx.build_workbook(
        bulletin_sheets(data, issue, draft),
        xlsx.Properties(
            title=data.document_title,
            subject=f"Bản tin Nông thôn mới tháng {data.month.label}",
            creator=issue.by,
            description=f"Số liệu tính đến {_cutoff_text(data.cutoff)}; năm đánh giá {data.year}.",
            keywords=f"NTM; bản tin; {data.month.slug}; {data.unit_code or 'toan-quoc'}",
            category="Bản tin tháng",
            created=issue.at,
            last_modified_by=issue.by,
        ),
        streaming=data.unit_code is None or len(data.matrix) > STREAM_FROM_COMMUNES,
    )
