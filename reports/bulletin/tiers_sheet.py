"""The workbook's sheet of every tier, and the header block the workbook shares with the Word
bulletin (no ORM)."""

from __future__ import annotations

from reports import xlsx
from reports.bulletin.shapes import BulletinData
from reports.bulletin.text import Draft

TIERS = "Các mức đạt chuẩn"


def header_block(draft: Draft | None) -> list[str]:
    """The document's issuing body, number, place and date, as the Word bulletin has them."""
    if draft is None:
        return []
    issuer = " — ".join(part for part in (draft.superior, draft.issuer) if part)
    return [f"{issuer} · Số: {draft.number or '…'} · {draft.place_and_date}"]


def tiers_sheet(data: BulletinData, heading: list[str]) -> xlsx.Sheet:
    """Every tier: titles, new this month, the year's standing (with its buckets) and the trend."""
    total = data.communes_total
    tiers = xlsx.Table(
        columns=[
            xlsx.Column("Mức đạt chuẩn", 24, xlsx.WRAP),
            xlsx.Column("Xã có số liệu đánh giá", 12, xlsx.INT),
            xlsx.Column("Xã đạt chuẩn (lũy kế)", 12, xlsx.INT),
            xlsx.Column("Tỷ lệ", 10, xlsx.PERCENT),
            xlsx.Column("Mới trong tháng", 11, xlsx.INT),
            xlsx.Column("Bình quân tiêu chí/xã", 11, xlsx.DEC1),
            xlsx.Column("Thôn, bản đạt chuẩn", 11, xlsx.INT),
            xlsx.Column("Thôn, bản mới trong tháng", 11, xlsx.INT),
        ],
        rows=[
            (
                f"Xã {t.name}",
                t.with_data,
                t.recognised,
                xlsx.share(t.recognised, total),
                t.new,
                t.average,
                t.villages_recognised,
                t.villages_new,
            )
            for t in data.tiers
        ],
    )
    tables = [tiers]
    for tier in data.tiers:
        if tier.with_data:
            tables.append(
                xlsx.Table(
                    caption=f"Phân loại xã theo số tiêu chí đạt — bộ tiêu chí xã {tier.name}",
                    columns=[xlsx.Column("Số tiêu chí đạt", 24, xlsx.TEXT), xlsx.Column("Số xã", 12, xlsx.INT)],
                    rows=[(b.label, b.count) for b in tier.buckets],
                    total=("Tổng số xã có số liệu", tier.with_data),
                )
            )
    tables.append(
        xlsx.Table(
            caption="Số xã đạt chuẩn qua các năm (cuối năm; tháng báo cáo: đến thời điểm chốt)",
            columns=[
                xlsx.Column("Năm", 24, xlsx.TEXT),
                xlsx.Column("NTM", 12, xlsx.INT),
                xlsx.Column("NTM nâng cao", 12, xlsx.INT),
                xlsx.Column("NTM kiểu mẫu", 10, xlsx.INT),
            ],
            rows=[tuple(point) for point in data.trend],
        )
    )
    chart = xlsx.Chart("line", "Số xã đạt chuẩn qua các năm", len(tables) - 1, 0, [1, 2, 3], y_title="Số xã")
    return xlsx.Sheet(title=TIERS, heading=heading, tables=tables, charts=[chart])
