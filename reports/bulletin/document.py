"""The bulletin as a Word document (python-docx; no ORM), laid out as offices publish it.

Header block (superior body and issuing body, number; the national motto when the office
chooses the official-report form; place and date), title, 1. direction and management (the
office's words), 2. results (``writing``: sentences from the figures, charts, tables),
3. shortcomings, 4. tasks with the year's targets against results, recipients and signature.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from ntm_portal.numbers import share_percent, vn_number, vn_percent
from plans.selectors.common import PLAN_DUE, PLAN_OVERDUE, PLAN_TARGETS
from reports.bulletin import images, writing
from reports.bulletin.layout import reading_text
from reports.bulletin.shapes import BulletinData, Issue
from reports.bulletin.text import Draft

FONT_NAME = "Times New Roman"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def _style(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(13)
    normal.paragraph_format.space_after = Pt(4)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)


def _line(cell_or_doc, text: str, *, bold=False, italic=False, size=None, underline=False, center=True):
    """One line; in a table cell the first line takes the cell's own (empty) first paragraph."""
    first = getattr(cell_or_doc, "paragraphs", None)
    if isinstance(cell_or_doc, _Cell) and len(first) == 1 and not first[0].runs:
        paragraph = first[0]
    else:
        paragraph = cell_or_doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return paragraph


def _header(document, data: BulletinData, draft: Draft) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    if draft.superior:
        _line(left, draft.superior, size=12)
    _line(left, draft.issuer, bold=True, size=12)
    _line(left, f"Số: {draft.number}" if draft.number else "Số:      /BT", size=12)
    if draft.official_form:
        _line(right, MOTTO[0], bold=True, size=12)
        _line(right, MOTTO[1], bold=True, size=13, underline=True)
    _line(right, draft.place_and_date, italic=True)
    document.add_paragraph()
    _line(document, "BẢN TIN", bold=True, size=14)
    _line(document, f"Xây dựng nông thôn mới tháng {data.month.label}", bold=True)
    _line(document, data.unit_name, italic=True)
    if data.as_recorded:  # not the bulletin offices send (nor the one issued): it says which figures it shows
        _line(document, reading_text(data), italic=True, size=11)
    document.add_paragraph()


def _heading(document, text: str, level: int = 1) -> None:
    """A heading, kept on the page of what follows it (QA: "Mục tiêu năm … và kết quả thực hiện"
    sat alone at the foot of a page, its paragraphs on the next)."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run(text)
    run.bold = True
    run.italic = level > 1


def _body(document, text: str, *, keep_with_next: bool = False) -> None:
    """Paragraphs of text; ``keep_with_next``: a line that introduces the table below it."""
    for part in (text or "").strip().splitlines() or [""]:
        if part.strip():
            paragraph = document.add_paragraph(part.strip())
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Cm(1)
            if keep_with_next:
                paragraph.paragraph_format.keep_with_next = True


def _decisions(document, lines, unit: str, number: str) -> None:
    """The month's decisions of one kind (recognitions, revocations) as a table."""
    _table(
        document,
        [unit, "Thuộc", "Mức đạt", "Năm", number, "Ngày"],
        [
            [
                line.name,
                line.parent,  # two villages may share a name ("Xóm 2"): their communes tell them apart
                line.tier,
                str(line.year),
                line.decision_number,
                f"{line.decision_date:%d/%m/%Y}" if line.decision_date else "",
            ]
            for line in lines
        ],
    )


def _row_properties(row, *tags: str) -> None:
    properties = row._tr.get_or_add_trPr()
    for tag in tags:
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        properties.append(element)


def _repeat_as_header(row) -> None:
    """Word repeats ``row`` at the top of every page the table runs onto (a long list of
    communes or units due keeps its column names), and keeps it whole on one page."""
    _row_properties(row, "w:cantSplit", "w:tblHeader")


def _keep_whole(row) -> None:
    """A row is never cut between two pages (a commune's name wrapped over two lines)."""
    _row_properties(row, "w:cantSplit")


def _table(document, headers: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_as_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(11)
    for values in rows:
        row = table.add_row()
        _keep_whole(row)
        cells = row.cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(text)).font.size = Pt(11)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    document.add_paragraph()


def _picture(document, png: bytes | None) -> None:
    if png:
        document.add_picture(io.BytesIO(png), width=Cm(15.5))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _results(document, data: BulletinData) -> None:
    _heading(document, "2. Kết quả thực hiện")
    for paragraph in writing.results(data):
        if paragraph.heading:
            _heading(document, paragraph.heading, level=2)
        _body(document, paragraph.text)
    total = data.communes_total
    _table(
        document,
        ["Mức đạt chuẩn", "Xã đạt chuẩn", "Tỷ lệ", "Mới trong tháng", "Xã có số liệu", "Bình quân tiêu chí/xã"],
        [
            [
                f"Xã {writing.TIER_PHRASES[t.tier]}",
                vn_number(t.recognised),
                share_percent(t.recognised, total),
                vn_number(t.new),
                vn_number(t.with_data),
                writing.average_text(t.average),
            ]
            for t in data.tiers
        ],
    )
    standard = data.tiers[0]
    without = total - standard.with_data
    _picture(
        document, images.buckets_chart(standard.buckets, without, f"Phân loại xã theo số tiêu chí đạt năm {data.year}")
    )
    if len(data.trend) > 1:
        _picture(document, images.trend_chart(data.trend, "Số xã đạt chuẩn qua các năm"))
    if data.breakdown:
        _table(
            document,
            [data.breakdown_title, "Số xã", "Đạt chuẩn NTM", "Tỷ lệ", "Nâng cao", "Kiểu mẫu", "Bình quân tiêu chí"],
            [
                [
                    line.name,
                    vn_number(line.communes),
                    vn_number(line.standard),
                    share_percent(line.standard, line.communes),
                    vn_number(line.advanced),
                    vn_number(line.model),
                    writing.average_text(line.average),
                ]
                for line in data.breakdown
            ],
        )
    if data.newly:
        _decisions(document, data.newly, "Đơn vị", "Số quyết định")
    if data.revoked:
        _decisions(document, data.revoked, "Đơn vị bị thu hồi danh hiệu", "Số quyết định thu hồi")
    if data.funds:
        _picture(document, images.funds_chart(data.funds[0], f"Nguồn vốn huy động đến hết tháng {data.month.label}"))
    if data.ocop is not None and not data.ocop.empty:
        ocop = data.ocop
        _table(
            document,
            ["Sản phẩm OCOP", f"Còn hiệu lực ngày {ocop.last:%d/%m/%Y}", "Chứng nhận mới trong tháng"],
            [[f"{line.stars} sao", vn_number(line.certified), vn_number(line.new)] for line in ocop.by_stars]
            + [["Tổng", vn_number(ocop.certified), vn_number(ocop.new)]],
        )


def _targets(document, data: BulletinData) -> None:
    """The targets paragraphs, the province's targets table, then the units due and overdue
    (the annex's plan sheet lists the same units with every column)."""
    for paragraph in writing.targets_paragraphs(data):
        _body(document, paragraph)
    for table in data.plan:
        if not table.rows:
            continue
        if table.kind == PLAN_TARGETS:
            _table(
                document,
                ["Chỉ tiêu", "Kế hoạch", "Thực hiện", "Tỷ lệ đạt", "Đạt"],
                [
                    [str(label), vn_number(planned), vn_number(actual), vn_percent(share), str(met)]
                    for label, planned, actual, share, met in table.rows
                ],
            )
        elif table.kind in (PLAN_DUE, PLAN_OVERDUE):
            _body(document, f"{table.title}:", keep_with_next=True)
            _table(
                document,
                ["Đơn vị", "Thuộc", "Mức đạt", "Năm mục tiêu", "Tình trạng", "Tiêu chí đạt"],
                [
                    [name, belongs, tier, str(target_year), status, f"{met}/{total}" if total else ""]
                    for _code, name, _level, belongs, tier, target_year, _basis, status, met, total in table.rows
                ],
            )


def _signature(document, draft: Draft) -> None:
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _line(left, "Nơi nhận:", bold=True, italic=True, size=12, center=False)
    for line in (draft.recipients or "").splitlines():
        _line(left, line, size=11, center=False)
    _line(right, draft.signer_title, bold=True)
    for _blank in range(3):
        _line(right, "")
    _line(right, draft.signer_name, bold=True)


def bulletin_document(data: BulletinData, draft: Draft, issue: Issue) -> bytes:
    """The Word bulletin as .docx bytes (Vietnamese: call under ``translation.override("vi")``)."""
    document = Document()
    _style(document)
    properties = document.core_properties
    properties.title = data.document_title
    properties.author = issue.by
    properties.language = "vi-VN"
    properties.created = properties.modified = issue.at
    properties.comments = (
        "Bản phát hành chính thức" if issue.issued else "Bản xem trước (chưa phát hành)"
    ) + f"; năm đánh giá {data.year}"
    _header(document, data, draft)
    _heading(document, "1. Công tác chỉ đạo, điều hành")
    _body(document, draft.direction)
    _results(document, data)
    _heading(document, "3. Tồn tại, hạn chế")
    _body(document, draft.shortcomings)
    _heading(document, "4. Nhiệm vụ trọng tâm thời gian tới")
    _body(document, draft.tasks)
    if data.plan:
        _heading(document, f"Mục tiêu năm {data.year} và kết quả thực hiện", level=2)
        _targets(document, data)
    _signature(document, draft)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
