"""The bulletin's sheets of the other apps' figures, from plain rows (no ORM): plan against
result and funds (plans app, handed over as plain tables) and OCOP products (``ocop_counts``).
Each takes its heading lines from ``layout``."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from reports import xlsx
from reports.bulletin.shapes import BulletinData, FundsTable

if TYPE_CHECKING:
    from ocop.selectors import OcopCounts

PLAN, FUNDS, OCOP = "Kế hoạch", "Nguồn vốn", "Sản phẩm OCOP"
OCOP_SUBTITLE = "Sản phẩm OCOP (Mỗi xã một sản phẩm)"


def _plain_tables(tables_in: list[FundsTable], *, numbers: str, totals: bool) -> list[xlsx.Table]:
    """Tables handed over as plain rows (plans app): numeric columns get ``numbers``'s format."""
    tables = []
    for table in tables_in:
        columns = []
        for index, header in enumerate(table.headers):
            numeric = any(
                isinstance(row[index], int | float | Decimal) and not isinstance(row[index], bool)
                for row in table.rows
                if index < len(row)
            )
            kind = (xlsx.DEC1 if "%" in header else numbers) if numeric else xlsx.WRAP
            columns.append(xlsx.Column(header, 18 if numeric else 26, kind))
        last = len(table.rows) - 1
        with_total = totals and last > 0
        tables.append(
            xlsx.Table(
                caption=table.title,
                columns=columns,
                rows=table.rows[:last] if with_total else table.rows,
                total=table.rows[last] if with_total else None,
            )
        )
    return tables


def plan_sheet(data: BulletinData, heading: list[str]) -> xlsx.Sheet:
    return plan_tables_sheet(data.plan, heading)


def funds_sheet(data: BulletinData, heading: list[str]) -> xlsx.Sheet:
    return funds_tables_sheet(data.funds, heading, data.month.label)


def plan_tables_sheet(tables: list[FundsTable], heading: list[str]) -> xlsx.Sheet:
    """Plan against result (``other_figures.plan_table``): the bulletin's sheet and the dashboard export's."""
    return xlsx.Sheet(title=PLAN, heading=heading, tables=_plain_tables(tables, numbers=xlsx.INT, totals=False))


def funds_tables_sheet(tables: list[FundsTable], heading: list[str], upto: str) -> xlsx.Sheet:
    """Funds by source and by unit to the end of ``upto`` ("06/2025"), with a chart by source
    (``other_figures.funds_table``): the bulletin's sheet and the dashboard export's."""
    chart = xlsx.Chart("bar", f"Nguồn vốn huy động đến hết tháng {upto} (đồng)", 0, 0, [2])
    tables = _plain_tables(tables, numbers=xlsx.MONEY, totals=True)
    return xlsx.Sheet(title=FUNDS, heading=heading, tables=tables, charts=[chart])


def ocop_sheet(data: BulletinData, heading: list[str]) -> xlsx.Sheet:
    """Certified products by stars (valid at the cut-off) and those certified in the month."""
    counts = data.ocop
    stars = xlsx.Table(
        columns=[
            xlsx.Column("Hạng sao", 14),
            xlsx.Column(f"Còn hiệu lực ngày {counts.last:%d/%m/%Y}", 18, xlsx.INT),
            xlsx.Column(f"Chứng nhận mới trong tháng {data.month.label}", 20, xlsx.INT),
        ],
        rows=[(f"{line.stars} sao", line.certified, line.new) for line in counts.by_stars],
        total=("Tổng", counts.certified, counts.new),
    )
    others = xlsx.Table(
        columns=[xlsx.Column("Sản phẩm khác", 34, xlsx.WRAP), xlsx.Column("Số sản phẩm", 14, xlsx.INT)],
        rows=ocop_other_rows(counts),
    )
    return xlsx.Sheet(title=OCOP, heading=heading, tables=[stars, others], landscape=False)


def ocop_other_rows(counts: OcopCounts) -> list[tuple[str, int]]:
    """Ideas, products being rated and expired certificates, labelled by what they are: the
    current ones for a period to today; for an earlier one, those entered by its last day at
    their stage today (the stage has no history). The bulletin's sheet and the OCOP export's."""
    if counts.stages_of_the_period:
        when = " (hiện tại)"
    else:
        when = f" (ghi nhận đến {counts.last:%d/%m/%Y}, giai đoạn ngày {counts.stages_on:%d/%m/%Y})"
    return [
        ("Ý tưởng sản phẩm" + when, counts.ideas),
        ("Đang đánh giá, phân hạng" + when, counts.rating),
        (f"Hết hạn chứng nhận đến {counts.last:%d/%m/%Y}", counts.expired),
    ]
