"""The bulletin's sheets of results in detail, from plain rows (no ORM): by unit one level down
(a province's districts or communes, the country's provinces), commune × criterion matrix,
lagging criteria and newly recognised units. Each takes its heading lines from ``layout``."""

from __future__ import annotations

from reports import xlsx
from reports.bulletin.shapes import BreakdownLine, BulletinData
from reports.selectors.shapes import LAGGING_SHARE_HEADING

BREAKDOWN, MATRIX, LAGGING, NEWLY = "Theo đơn vị", "Xã - tiêu chí", "Tiêu chí chưa đạt", "Công nhận mới"
MATRIX_LEGEND = f"{xlsx.MET_MARK} đạt · {xlsx.NOT_MET_MARK} chưa đạt · ô xám: chưa có số liệu"


def breakdown_sheet(data: BulletinData, heading: list[str]) -> xlsx.Sheet:
    """One line per unit one level down (named by ``data.breakdown_title``), summed in a total line."""
    lines = data.breakdown
    total = BreakdownLine(
        "Tổng số",
        sum(line.communes for line in lines),
        sum(line.with_data for line in lines),
        sum(line.standard for line in lines),
        sum(line.advanced for line in lines),
        sum(line.model for line in lines),
        sum(line.new for line in lines),
        data.average,
    )

    def row(number, line: BreakdownLine):
        return (
            number,
            line.name,
            line.communes,
            line.with_data,
            line.standard,
            xlsx.share(line.standard, line.communes),
            line.new,
            line.advanced,
            line.model,
            line.average,
        )

    return xlsx.Sheet(
        title=BREAKDOWN,
        heading=heading,
        tables=[
            xlsx.Table(
                columns=[
                    xlsx.Column("STT", 6, xlsx.INT),
                    xlsx.Column(data.breakdown_title, 28, xlsx.WRAP),
                    xlsx.Column("Tổng số xã", 10, xlsx.INT),
                    xlsx.Column("Xã có số liệu", 10, xlsx.INT),
                    xlsx.Column("Xã đạt chuẩn NTM", 11, xlsx.INT),
                    xlsx.Column("Tỷ lệ đạt chuẩn", 10, xlsx.PERCENT),
                    xlsx.Column("Đạt chuẩn mới trong tháng", 12, xlsx.INT),
                    xlsx.Column("Xã NTM nâng cao", 11, xlsx.INT),
                    xlsx.Column("Xã NTM kiểu mẫu", 11, xlsx.INT),
                    xlsx.Column("Bình quân tiêu chí/xã", 11, xlsx.DEC1),
                ],
                rows=(row(n, line) for n, line in enumerate(lines, 1)),
                total=row(None, total),
            )
        ],
        freeze_columns=2,
    )


def matrix_sheet(data: BulletinData, heading: list[str]) -> xlsx.Sheet:
    """One line per commune, one rotated column per criterion, then its counts on the higher tiers;
    first the district (or province) each is listed under, unless none hangs under a district."""
    criteria = [xlsx.Column(f"{number}. {name}", 4.5, xlsx.MARK, rotate=True) for number, name in data.columns]
    grouped = bool(data.matrix_group_title)
    group_column = [xlsx.Column(data.matrix_group_title, 16, xlsx.WRAP)] if grouped else []

    def rows():
        for n, line in enumerate(data.matrix, 1):
            yield (
                n,
                *((line.group,) if grouped else ()),
                line.name,
                line.code,
                line.state or "Chưa có số liệu",
                line.met,
                line.total,
                *line.cells,
                *line.higher,
                line.title or "Không",
            )

    return xlsx.Sheet(
        title=MATRIX,
        heading=heading,
        tables=[
            xlsx.Table(
                columns=[
                    xlsx.Column("STT", 6, xlsx.INT),
                    *group_column,
                    xlsx.Column("Xã", 20, xlsx.WRAP),
                    xlsx.Column("Mã", 12, xlsx.TEXT),
                    xlsx.Column("Trạng thái", 18, xlsx.WRAP),
                    xlsx.Column("Số tiêu chí đạt", 8, xlsx.INT, rotate=True),
                    xlsx.Column("Tổng số tiêu chí", 8, xlsx.INT, rotate=True),
                    *criteria,
                    xlsx.Column("NTM nâng cao: tiêu chí đạt/tổng", 9, xlsx.TEXT, rotate=True),
                    xlsx.Column("NTM kiểu mẫu: tiêu chí đạt/tổng", 9, xlsx.TEXT, rotate=True),
                    # holds the standard title on the cut-off (the headline's count), by which decision
                    xlsx.Column("Giữ danh hiệu xã đạt chuẩn NTM (quyết định)", 18, xlsx.WRAP),
                ],
                rows=rows(),
            )
        ],
        freeze_columns=2 + len(group_column),  # the number and the commune's name (after its district)
        header_height=150,
    )


def lagging_sheet(data: BulletinData, heading: list[str]) -> xlsx.Sheet:
    """The criteria most communes have not met, with those basically met among them."""
    return xlsx.Sheet(
        title=LAGGING,
        heading=heading,
        tables=[
            xlsx.Table(
                columns=[
                    xlsx.Column("STT", 6, xlsx.INT),
                    xlsx.Column("Tiêu chí", 46, xlsx.WRAP),
                    xlsx.Column("Số xã chưa đạt", 14, xlsx.INT),
                    xlsx.Column(str(LAGGING_SHARE_HEADING), 18, xlsx.PERCENT),
                    xlsx.Column("Trong đó cơ bản đạt", 14, xlsx.INT),
                ],
                rows=[
                    (
                        n,
                        f"{line.number}. {line.name}",
                        line.not_met,
                        xlsx.share(line.not_met, line.assessed),
                        line.basically_met,
                    )
                    for n, line in enumerate(data.lagging, 1)
                ],
            )
        ],
        landscape=False,
    )


def newly_sheet(data: BulletinData, heading: list[str]) -> xlsx.Sheet:
    """The units recognised by a decision dated in the month, then those whose title a
    revocation dated in the month took away (a second table, when there are any)."""
    tables = [_decisions_table(data.newly, "Số quyết định", "Ngày quyết định")]
    if data.revoked:
        tables.append(
            _decisions_table(
                data.revoked, "Số quyết định thu hồi", "Ngày thu hồi", caption="Đơn vị bị thu hồi danh hiệu trong tháng"
            )
        )
    return xlsx.Sheet(title=NEWLY, heading=heading, tables=tables)


def _decisions_table(lines, number: str, day: str, caption: str = "") -> xlsx.Table:
    return xlsx.Table(
        caption=caption,
        columns=[
            xlsx.Column("STT", 6, xlsx.INT),
            xlsx.Column("Đơn vị", 24, xlsx.WRAP),
            xlsx.Column("Cấp", 8, xlsx.TEXT),
            xlsx.Column("Thuộc", 20, xlsx.WRAP),
            xlsx.Column("Bộ tiêu chí", 18, xlsx.WRAP),
            xlsx.Column("Mức đạt", 14, xlsx.TEXT),
            xlsx.Column("Năm đánh giá", 10, xlsx.TEXT),
            xlsx.Column(number, 18, xlsx.TEXT),
            xlsx.Column(day, 14, xlsx.DATE),
        ],
        rows=[
            (
                n,
                line.name,
                line.level,
                line.parent,
                line.set_name,
                line.tier,
                str(line.year),
                line.decision_number,
                line.decision_date,
            )
            for n, line in enumerate(lines, 1)
        ],
    )
