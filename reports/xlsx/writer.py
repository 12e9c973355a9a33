"""Shapes in, ``.xlsx`` bytes out, through XlsxWriter's public API in ``constant_memory`` mode.

Rows are written in order and each row leaves memory once the next one starts, so a bulletin
of the whole country streams from the database (rows may be generators, consumed once).
Formats are made once per workbook and shared by the cells.

Text is always written with ``write_string``: it never becomes a formula, a number or a link
whatever it starts with, and a text beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage
return also gets Excel's quote prefix, so Excel keeps it text even after the reader edits it.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from xlsxwriter import Workbook
from xlsxwriter.utility import xl_col_to_name

from reports.xlsx.extras import insert_charts, validation
from reports.xlsx.shapes import (
    DATE,
    DATETIME,
    DEC1,
    DEC2,
    FORMULA_TRIGGERS,
    HEADER_FILL,
    INPUT,
    INPUT_TEXT,
    INPUTS,
    INT,
    INT_OR_DEC1,
    MARK,
    MET_FILL,
    MET_INK,
    MET_MARK,
    NO_DATA_FILL,
    NOT_MET_FILL,
    NOT_MET_INK,
    NOT_MET_MARK,
    NUMBER_FORMATS,
    PAPER_A4,
    TEXT,
    WRAP,
    Column,
    Properties,
    Sheet,
    clean_text,
    excel_datetime,
    sheet_title,
)

LINE_HEIGHT = 15  # points per line of 11-point text
TITLE_LINE_HEIGHT = 20  # points per line of the 14-point title
NUMBER_TYPES = (int, float, Decimal)
# Page set-up: the header and footer sit inside the top and bottom margins (inches), so
# neither is cut when the sheet is printed or converted to PDF.
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.75, "bottom": 0.75}
HEADER_FOOTER_MARGIN = 0.3
_BOX = {"border": 1, "border_color": "#A6A6A6"}
_TOP = {"valign": "top"}

_FORMATS: dict[str, dict] = {
    "title": {"bold": True, "font_size": 14, "text_wrap": True, "valign": "top"},
    "heading": {"italic": True, "text_wrap": True, "valign": "top"},
    "caption": {"bold": True, "font_size": 12},
    "header": {"bold": True, "bg_color": f"#{HEADER_FILL}", "text_wrap": True, "valign": "vcenter", "align": "center"}
    | _BOX,
    "header_rotated": {
        "bold": True,
        "bg_color": f"#{HEADER_FILL}",
        "text_wrap": True,
        "valign": "bottom",
        "align": "center",
        "rotation": 90,
    }
    | _BOX,
    TEXT: _BOX | _TOP,
    WRAP: {"text_wrap": True} | _BOX | _TOP,
    INPUT: dict(_BOX),
    INPUT_TEXT: {"num_format": "@"} | _BOX,
    "met": {"bg_color": f"#{MET_FILL}", "bold": True, "font_color": f"#{MET_INK}", "align": "center"}
    | {"valign": "vcenter"}
    | _BOX,
    "not_met": {"bg_color": f"#{NOT_MET_FILL}", "bold": True, "font_color": f"#{NOT_MET_INK}", "align": "center"}
    | {"valign": "vcenter"}
    | _BOX,
    "no_data": {"bg_color": f"#{NO_DATA_FILL}", "align": "center", "valign": "vcenter"} | _BOX,
    **{kind: {"num_format": number_format} | _BOX | _TOP for kind, number_format in NUMBER_FORMATS.items()},
}
_MARKS = {True: ("met", MET_MARK), False: ("not_met", NOT_MET_MARK), None: ("no_data", None)}


class _Formats:
    """The workbook's formats by name (``<kind>``, ``<kind>:bold``), each made once; the quoted
    variant carries Excel's quote prefix."""

    def __init__(self, book: Workbook) -> None:
        self._book = book
        self._made: dict[tuple[str, bool], object] = {}

    def get(self, name: str, *, quoted: bool = False):
        key = (name, quoted)
        found = self._made.get(key)
        if found is None:
            base, _sep, variant = name.partition(":")
            properties = dict(_FORMATS[base])
            if variant == "bold":
                properties["bold"] = True
            if quoted:
                properties["quote_prefix"] = True
            found = self._made[key] = self._book.add_format(properties)
        return found


def get_column_letter(index: int) -> str:
    """The letters of a column, 1-based: 1 → "A", 28 → "AB"."""
    return xl_col_to_name(index - 1)


def _kind_of(value, kind: str) -> str:
    """The format of a value in a column: numbers and dates in a text column get a number format."""
    if kind == INT_OR_DEC1:
        return INT if isinstance(value, int) and not isinstance(value, bool) else DEC1
    if kind in NUMBER_FORMATS or kind in INPUTS or value is None or isinstance(value, bool):
        return kind
    if isinstance(value, datetime.datetime):
        return DATETIME
    if isinstance(value, datetime.date):
        return DATE
    if isinstance(value, NUMBER_TYPES):
        return INT if isinstance(value, int) else DEC2
    return kind


def write_cell(ws, formats: _Formats, row: int, col: int, value, name: str) -> None:
    """One cell, typed from its value; text is always text."""
    if isinstance(value, str):
        text = clean_text(value)
        if not text:
            ws.write_blank(row, col, None, formats.get(name))
        else:
            ws.write_string(row, col, text, formats.get(name, quoted=text.startswith(FORMULA_TRIGGERS)))
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, formats.get(name))
    elif isinstance(value, datetime.datetime):
        ws.write_datetime(row, col, excel_datetime(value), formats.get(name))
    elif isinstance(value, datetime.date):
        ws.write_datetime(row, col, value, formats.get(name))
    elif value is None:
        ws.write_blank(row, col, None, formats.get(name))
    elif isinstance(value, NUMBER_TYPES):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, formats.get(name))
    else:  # a lazy translation or any other object: its text
        write_cell(ws, formats, row, col, str(value), name)


def _wrapping(columns: Sequence[Column], *, header: bool = False) -> list[tuple[int, float]]:
    """Position and width of the columns whose text wraps: the WRAP columns, and every upright
    column of a header row."""
    return [(i, c.width) for i, c in enumerate(columns) if not c.rotate and (header or c.kind == WRAP)]


def text_lines(text: str, width: float, scale: float = 1.0) -> int:
    """Lines a text needs in a column ``width`` characters wide (``scale``: font size / 11)."""
    per_line = max(1, int(width * 1.3 / scale))
    return sum(-(-max(len(part), 1) // per_line) for part in text.split("\n"))


def _lines(wrapping: list[tuple[int, float]], values: Sequence) -> int:
    """How many lines the tallest wrapped cell of a row needs at its column's width.

    Rows of a streamed sheet get no automatic height in every reader, so wrapped text sets it.
    """
    lines = 1
    for index, width in wrapping:
        value = values[index] if index < len(values) else None
        if isinstance(value, str):
            lines = max(lines, text_lines(value, width))
    return lines


def header_rows_of(sheet: Sheet) -> tuple[int, int] | None:
    """First and last row (1-based) of the first table's header: frozen above, repeated on
    each printed page."""
    if not sheet.tables:
        return None
    row = len(sheet.heading) + (1 if sheet.heading else 0)
    if sheet.tables[0].caption:
        row += 1
    return row + 1, row + 1 + len(sheet.tables[0].subheaders)


class _SheetWriter:
    """Writes one sheet's rows in order and remembers where each table's rows landed."""

    def __init__(self, ws, formats: _Formats, sheet: Sheet, widths: dict[int, float]) -> None:
        self.ws, self.formats, self.sheet = ws, formats, sheet
        self.widths = widths
        self.last_col = max(widths) - 1 if widths else 0
        self.row = 0  # the next row (0-based)
        self.heights: dict[int, float] = {}
        self.table_rows: list[tuple[int, int]] = []  # each table's first and last data row

    def _height(self, lines: int, line_height: float = LINE_HEIGHT) -> None:
        height = self.heights.get(self.row)
        if height is None and lines > 1:
            height = line_height * lines
        if height is not None:
            self.ws.set_row(self.row, height)

    def heading(self) -> None:
        """The heading lines, each across the width of the sheet's tables, wrapped: nothing
        spills past the printed area."""
        total_width = sum(self.widths.values()) or 14
        for number, line in enumerate(self.sheet.heading):
            name = "title" if number == 0 else "heading"
            scale = 14 / 11 if number == 0 else 1.0
            lines = text_lines(clean_text(line), total_width, scale)
            self._height(lines, TITLE_LINE_HEIGHT if number == 0 else LINE_HEIGHT)
            if self.last_col > 0:
                self.ws.merge_range(self.row, 0, self.row, self.last_col, "", self.formats.get(name))
            write_cell(self.ws, self.formats, self.row, 0, line, name)
            self.row += 1
        if self.sheet.heading:
            self.row += 1

    def values(self, columns: Sequence[Column], values: Sequence, *, bold: bool = False, lines: int = 1) -> None:
        self._height(lines)
        for col, (column, value) in enumerate(zip(columns, values, strict=False)):
            kind = column.kind
            if kind == MARK:
                name, mark = _MARKS[value if isinstance(value, bool) else None]
                write_cell(self.ws, self.formats, self.row, col, mark, name)
                continue
            if value is None and kind not in INPUTS:
                continue
            name = _kind_of(value, kind)
            if isinstance(value, str) and name not in (WRAP, *INPUTS):
                name = TEXT
            if bold and name not in INPUTS:
                name = f"{name}:bold"
            write_cell(self.ws, self.formats, self.row, col, value, name)
        self.row += 1

    def headers(self, texts: Sequence[str | None], rotated: Sequence[bool], lines: int) -> None:
        self._height(lines)
        for col, (text, turn) in enumerate(zip(texts, rotated, strict=False)):
            if text:
                write_cell(self.ws, self.formats, self.row, col, text, "header_rotated" if turn else "header")
        self.row += 1

    def tables(self) -> None:
        for position, table in enumerate(self.sheet.tables):
            columns = table.columns
            if position:
                self.row += 1
            if table.caption:
                write_cell(self.ws, self.formats, self.row, 0, table.caption, "caption")
                self.row += 1
            header = _wrapping(columns, header=True)
            texts = [c.header for c in columns]
            self.headers(texts, [c.rotate for c in columns], _lines(header, texts))
            for subheader in table.subheaders:
                self.headers(subheader, [False] * len(subheader), _lines(header, subheader))
            wrapping = _wrapping(columns)
            first = self.row
            for values in table.rows:
                self.values(columns, values, lines=_lines(wrapping, values))
            self.table_rows.append((first, self.row - 1))
            if table.total is not None:
                self.values(columns, table.total, bold=True, lines=_lines(wrapping, table.total))


def _page_setup(ws, sheet: Sheet, widths: dict[int, float], header_rows: tuple[int, int] | None) -> dict:
    for index, width in widths.items():
        ws.set_column(index - 1, index - 1, width)
    heights = {}
    if header_rows is not None:
        first, last = header_rows
        ws.freeze_panes(last, sheet.freeze_columns)
        ws.repeat_rows(first - 1, last - 1)
        if sheet.header_height:
            heights[first - 1] = sheet.header_height
    if sheet.freeze_columns:
        ws.repeat_columns(0, sheet.freeze_columns - 1)
    if sheet.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.set_margins(**MARGINS)
    footer = "&L" + clean_text(sheet.footer).replace("&", "&&") if sheet.footer else ""
    ws.set_header("", {"margin": HEADER_FOOTER_MARGIN})
    ws.set_footer(f"{footer}&RTrang &P / &N", {"margin": HEADER_FOOTER_MARGIN})
    if sheet.hidden:
        ws.hide()
    for rule in sheet.validations:
        validation(ws, rule)
    return heights


def _unique_title(title: str, taken: set[str]) -> str:
    name, n = sheet_title(title), 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = sheet_title(title)[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _write_sheet(book: Workbook, formats: _Formats, sheet: Sheet, taken: set[str]) -> None:
    ws = book.add_worksheet(_unique_title(sheet.title, taken))
    widths: dict[int, float] = {}
    for table in sheet.tables:
        for index, column in enumerate(table.columns, 1):
            widths[index] = max(widths.get(index, 0), column.width)
    out = _SheetWriter(ws, formats, sheet, widths)
    out.heights = _page_setup(ws, sheet, widths, header_rows_of(sheet))
    out.heading()
    out.tables()
    if sheet.charts:
        # Charts sit under the tables: the printed area covers them too.
        last_row = insert_charts(book, ws, out.row, out.widths, out.table_rows, sheet.charts)
        ws.print_area(0, 0, max(last_row, 0), out.last_col)


def build_workbook(sheets: Iterable[Sheet], properties: Properties, *, streaming: bool = True) -> bytes:
    """Write the sheets in order (rows may be generators, consumed once) and return the bytes.

    ``streaming`` (the default) keeps one row in memory at a time (``constant_memory``, rows
    go through temporary files); a caller that knows its workbook is small (a province's
    bulletin) passes False and the cells are kept in memory, which is faster."""
    out = io.BytesIO()
    book = Workbook(out, {"constant_memory": True} if streaming else {"in_memory": True})
    created = properties.created
    if created is not None and created.tzinfo is not None:
        created = created.astimezone(datetime.UTC).replace(tzinfo=None)  # core properties are UTC
    book.set_properties(
        {
            key: value
            for key, value in {
                "title": clean_text(properties.title),
                "subject": clean_text(properties.subject),
                "author": clean_text(properties.creator),
                "comments": clean_text(properties.description),
                "keywords": clean_text(properties.keywords),
                "category": clean_text(properties.category),
                "manager": clean_text(properties.last_modified_by),
                "created": created,
            }.items()
            if value
        }
    )
    book.set_custom_property("Language", "vi-VN")
    formats = _Formats(book)
    taken: set[str] = set()
    for sheet in sheets:
        _write_sheet(book, formats, sheet, taken)
    if not taken:
        _write_sheet(book, formats, Sheet(title="Sheet", tables=[]), taken)
    book.close()
    return out.getvalue()
