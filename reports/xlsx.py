"""Workbook builders: plain rows in, ``.xlsx`` bytes out. No ORM here; tested without a database.

Every workbook is written in openpyxl's write-only mode, row by row, so that a bulletin of
the whole country streams from the database without holding its cells in memory. Styles
are built once per workbook as prototypes and copied onto each cell (copying a style array
is far cheaper than assigning fonts and fills cell by cell).

Exported text never starts a formula: a text cell beginning with ``=``, ``+``, ``-``, ``@``,
tab or carriage return is written as a string with Excel's quote prefix, so Excel shows it
as text and never evaluates it, not even after the reader edits the cell.

Numbers use the formats ``#,##0``, ``#,##0.0`` and ``0.0%`` and dates ``dd/mm/yyyy``: Excel
shows the separators of the reader's locale (``1.234`` and ``6,5`` on a Vietnamese system).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# Column kinds: how a value is written and formatted.
TEXT = "text"  # plain text, no wrap
WRAP = "wrap"  # text that wraps within the column width
INT = "int"  # #,##0
DEC1 = "dec1"  # #,##0.0
DEC2 = "dec2"  # #,##0.00
PERCENT = "pct"  # 0.0%, the value being a fraction (0.25 → 25,0%)
MONEY = "money"  # #,##0 (đồng)
DATE = "date"  # dd/mm/yyyy
DATETIME = "datetime"  # dd/mm/yyyy hh:mm
MARK = "mark"  # True → ✓ on green, False → ✗ on red, None → grey (no data)
INPUT = "input"  # an input cell of an import template (no fill, thin border)

NUMBER_FORMATS = {
    INT: "#,##0",
    DEC1: "#,##0.0",
    DEC2: "#,##0.00",
    PERCENT: "0.0%",
    MONEY: "#,##0",
    DATE: "dd/mm/yyyy",
    DATETIME: "dd/mm/yyyy hh:mm",
}

MET_MARK, NOT_MET_MARK = "✓", "✗"
MET_FILL, NOT_MET_FILL, NO_DATA_FILL, HEADER_FILL = "C6EFCE", "FFC7CE", "EDEDED", "DDEBF7"
MET_INK, NOT_MET_INK = "006100", "9C0006"

# Text that Excel (or a CSV reader) would take as the start of a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_TITLE = 31
PAPER_A4 = "9"  # the paperSize code of A4 in SpreadsheetML
_BAD_TITLE_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def clean_text(text: str) -> str:
    """Drop the control characters that XML (and so Excel) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def sheet_title(text: str) -> str:
    """A valid sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    return text.translate(_BAD_TITLE_CHARS).strip()[:MAX_SHEET_TITLE] or "Sheet"


def excel_datetime(value: datetime.datetime) -> datetime.datetime:
    """Excel has no time zones: an aware moment is written as Vietnam's wall-clock time, to the
    second (a month's last instant, 23:59:59.999999, must not round up to the next day)."""
    if value.tzinfo is not None:
        value = value.astimezone(VIETNAM).replace(tzinfo=None)
    return value.replace(microsecond=0)


# --- Shapes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 14
    kind: str = TEXT
    rotate: bool = False  # header turned 90°, for narrow matrix columns


@dataclass
class Table:
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    total: Sequence | None = None  # a bold last row
    caption: str = ""  # a bold line above the header
    subheaders: Sequence[Sequence[str | None]] = ()  # more header rows under the first (codes, hints)


@dataclass(frozen=True)
class Validation:
    """A data-validation rule over a range of a sheet (import templates)."""

    sqref: str
    type: str  # "list", "decimal", "whole"
    formula1: str
    formula2: str | None = None
    operator: str | None = None
    error: str = ""
    prompt: str = ""


@dataclass
class Sheet:
    title: str
    tables: Sequence[Table]
    heading: Sequence[str] = ()  # lines above the first table; the first is the sheet's title
    freeze_columns: int = 0  # columns kept in view left of the frozen pane (and repeated in print)
    header_height: float | None = None
    landscape: bool = True
    hidden: bool = False
    validations: Sequence[Validation] = ()
    footer: str = ""


@dataclass(frozen=True)
class Properties:
    title: str
    subject: str = ""
    creator: str = ""
    description: str = ""
    keywords: str = ""
    category: str = ""
    created: datetime.datetime | None = None
    last_modified_by: str = ""


# --- Styles and cells -----------------------------------------------------------------------

_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


class _Styles:
    """Style prototypes of one workbook: one style array per name, shared by the cells.

    A shared array is never changed: a cell that needs a variant (the quote prefix) gets a copy.
    """

    def __init__(self, ws) -> None:
        self._ws = ws
        self.arrays: dict[str, StyleArray] = {}
        self.quoted: dict[str, StyleArray] = {}
        head_align = Alignment(wrap_text=True, vertical="center", horizontal="center")
        header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self._define("title", font=Font(bold=True, size=14))
        self._define("heading", font=Font(italic=True))
        self._define("caption", font=Font(bold=True, size=12))
        self._define("header", font=Font(bold=True), fill=header_fill, alignment=head_align, border=_BOX)
        self._define(
            "header_rotated",
            font=Font(bold=True),
            fill=header_fill,
            alignment=Alignment(wrap_text=True, vertical="bottom", horizontal="center", text_rotation=90),
            border=_BOX,
        )
        top = Alignment(vertical="top")
        bold = Font(bold=True)
        self._define(TEXT, border=_BOX, alignment=top)
        self._define(f"{TEXT}:bold", border=_BOX, font=bold, alignment=top)
        self._define(WRAP, alignment=Alignment(wrap_text=True, vertical="top"), border=_BOX)
        self._define(f"{WRAP}:bold", border=_BOX, font=bold, alignment=Alignment(wrap_text=True, vertical="top"))
        self._define(INPUT, border=_BOX)
        for kind, number_format in NUMBER_FORMATS.items():
            self._define(kind, number_format=number_format, border=_BOX, alignment=top)
            self._define(f"{kind}:bold", number_format=number_format, border=_BOX, font=bold, alignment=top)
        center = Alignment(horizontal="center", vertical="center")
        self._define(
            "met",
            fill=PatternFill("solid", fgColor=MET_FILL),
            font=Font(bold=True, color=MET_INK),
            alignment=center,
            border=_BOX,
        )
        self._define(
            "not_met",
            fill=PatternFill("solid", fgColor=NOT_MET_FILL),
            font=Font(bold=True, color=NOT_MET_INK),
            alignment=center,
            border=_BOX,
        )
        self._define("no_data", fill=PatternFill("solid", fgColor=NO_DATA_FILL), alignment=center, border=_BOX)

    def _define(self, name: str, **attributes) -> None:
        cell = WriteOnlyCell(self._ws)
        for attribute, value in attributes.items():
            setattr(cell, attribute, value)
        self.arrays[name] = cell._style
        quoted = copy(cell._style)
        quoted.quotePrefix = True
        self.quoted[name] = quoted


def _set(cell: Cell, value, style: StyleArray, styles: _Styles, name: str) -> Cell:
    """Put ``value`` into a (reused) cell with a shared style: typed directly, no guessing."""
    if isinstance(value, str):
        value = clean_text(value)
        cell._value, cell.data_type = value, "s"
        # A string is written as a string, never a formula; the quote prefix also tells Excel
        # to keep it text when the reader edits the cell.
        cell._style = styles.quoted[name] if value.startswith(FORMULA_TRIGGERS) else style
        return cell
    if isinstance(value, bool):
        cell._value, cell.data_type = value, "b"
    elif isinstance(value, datetime.datetime):
        cell._value, cell.data_type = excel_datetime(value), "d"
    elif isinstance(value, datetime.date):
        cell._value, cell.data_type = value, "d"
    elif value is None:
        cell._value, cell.data_type = None, "n"
    elif isinstance(value, NUMBER_TYPES):
        cell._value, cell.data_type = value, "n"
    else:  # a lazy translation or any other object: its text
        return _set(cell, str(value), style, styles, name)
    cell._style = style
    return cell


NUMBER_TYPES = (int, float, Decimal)
DATE_TYPES = (datetime.date,)


def _kind_of(value, kind: str) -> str:
    """The style of a value in a column: numbers and dates in a text column get a number format."""
    if (
        kind in NUMBER_FORMATS
        or value is None
        or isinstance(value, bool)
        or not isinstance(value, (*NUMBER_TYPES, *DATE_TYPES))
    ):
        return kind
    if kind == INPUT:
        return INPUT
    if isinstance(value, datetime.datetime):
        return DATETIME
    if isinstance(value, datetime.date):
        return DATE
    return INT if isinstance(value, int) else DEC2


class _SheetWriter:
    """Writes rows of cells, reusing one cell object per column (openpyxl serialises a row as
    soon as it is appended), and sets the height of rows with wrapped text."""

    def __init__(self, ws, styles: _Styles) -> None:
        self.ws = ws
        self.styles = styles
        self.count = 0
        self._pool: list[Cell] = []
        # The rows are ours: cells only, each once per row. Hand them to the writer directly
        # instead of through openpyxl's per-value type guessing.
        ws._values_to_row = self._cells_to_row

    @staticmethod
    def _cells_to_row(cells, row_idx: int):
        for column, cell in enumerate(cells, 1):
            if cell is not None:
                cell.row, cell.column = row_idx, column
                yield cell

    def _cell(self, index: int) -> Cell:
        while len(self._pool) <= index:
            self._pool.append(Cell(self.ws))
        return self._pool[index]

    def one(self, value, name: str) -> list[Cell]:
        styles = self.styles
        return [_set(Cell(self.ws), value, styles.arrays[name], styles, name)]

    def headers(self, texts: Sequence[str | None], rotated: Sequence[bool]) -> list:
        styles = self.styles
        cells = []
        for index, (text, turn) in enumerate(zip(texts, rotated, strict=False)):
            name = "header_rotated" if turn else "header"
            cells.append(_set(self._cell(index), text, styles.arrays[name], styles, name) if text else None)
        return cells

    def values(self, columns: Sequence[Column], values: Sequence, *, bold: bool = False) -> list:
        styles = self.styles
        arrays = styles.arrays
        cells = []
        for index, (column, value) in enumerate(zip(columns, values, strict=False)):
            kind = column.kind
            if kind == MARK:
                name = "met" if value is True else "not_met" if value is False else "no_data"
                mark = MET_MARK if value is True else NOT_MET_MARK if value is False else None
                cells.append(_set(self._cell(index), mark, arrays[name], styles, name))
                continue
            if value is None and kind != INPUT:
                cells.append(None)
                continue
            name = _kind_of(value, kind)
            if isinstance(value, str) and name not in (WRAP, INPUT):
                name = TEXT
            if bold and name != INPUT:
                name = f"{name}:bold"
            cells.append(_set(self._cell(index), value, arrays[name], styles, name))
        return cells

    def append(
        self, cells: list, columns: Sequence[Column] = (), values: Sequence = (), *, header: bool = False
    ) -> None:
        self.count += 1
        if columns:
            lines = _lines(columns, values, header=header)
            if lines > 1 and self.count not in self.ws.row_dimensions:
                self.ws.row_dimensions[self.count].height = LINE_HEIGHT * lines
        self.ws.append(cells)


def _setup_sheet(ws, sheet: Sheet, widths: dict[int, float], header_rows: tuple[int, int] | None) -> None:
    for index, width in widths.items():
        ws.column_dimensions[get_column_letter(index)].width = width
    if header_rows is not None:
        first, last = header_rows
        ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{last + 1}"
        ws.print_title_rows = f"{first}:{last}"
        if sheet.header_height:
            ws.row_dimensions[first].height = sheet.header_height
    if sheet.freeze_columns:
        ws.print_title_cols = f"A:{get_column_letter(sheet.freeze_columns)}"
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P / &N"
    if sheet.footer:
        ws.oddFooter.left.text = clean_text(sheet.footer).replace("&", "&&")
    if sheet.hidden:
        ws.sheet_state = "hidden"
    for rule in sheet.validations:
        validation = DataValidation(
            type=rule.type,
            formula1=rule.formula1,
            formula2=rule.formula2,
            operator=rule.operator,
            allow_blank=True,
            showErrorMessage=bool(rule.error),
            error=rule.error or None,
            showInputMessage=bool(rule.prompt),
            prompt=rule.prompt or None,
        )
        validation.add(rule.sqref)
        ws.data_validations.append(validation)


def header_rows_of(sheet: Sheet) -> tuple[int, int] | None:
    """First and last row of the first table's header: frozen above, repeated on each printed page."""
    if not sheet.tables:
        return None
    row = len(sheet.heading) + (1 if sheet.heading else 0)
    if sheet.tables[0].caption:
        row += 1
    return row + 1, row + 1 + len(sheet.tables[0].subheaders)


LINE_HEIGHT = 15  # points per line of 11-point text


def _lines(columns: Sequence[Column], values: Sequence, *, header: bool = False) -> int:
    """How many lines the tallest wrapped cell of a row needs at its column's width.

    Rows of a streamed sheet get no automatic height in every reader, so wrapped text sets it.
    """
    lines = 1
    for column, value in zip(columns, values, strict=False):
        if not isinstance(value, str) or (column.kind != WRAP and not header) or column.rotate:
            continue
        per_line = max(1, int(column.width * 1.3))
        lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in value.split("\n")))
    return lines


def _write_sheet(wb: Workbook, sheet: Sheet, styles: _Styles | None) -> _Styles:
    ws = wb.create_sheet(sheet_title(sheet.title))
    styles = styles or _Styles(ws)
    widths: dict[int, float] = {}
    for table in sheet.tables:
        for index, column in enumerate(table.columns, 1):
            widths[index] = max(widths.get(index, 0), column.width)
    _setup_sheet(ws, sheet, widths, header_rows_of(sheet))

    out = _SheetWriter(ws, styles)
    for number, line in enumerate(sheet.heading):
        out.append(out.one(line, "title" if number == 0 else "heading"))
    if sheet.heading:
        out.append([])
    for position, table in enumerate(sheet.tables):
        columns = table.columns
        if position:
            out.append([])
        if table.caption:
            out.append(out.one(table.caption, "caption"))
        headers = [c.header for c in columns]
        rotated = [c.rotate for c in columns]
        out.append(out.headers(headers, rotated), columns, headers, header=True)
        for subheader in table.subheaders:
            out.append(out.headers(subheader, [False] * len(subheader)), columns, subheader, header=True)
        wraps = any(c.kind == WRAP for c in columns)
        for values in table.rows:
            if wraps:
                out.append(out.values(columns, values), columns, values)
            else:
                out.append(out.values(columns, values))
        if table.total is not None:
            out.append(out.values(columns, table.total, bold=True), columns, table.total)
    return styles


def build_workbook(sheets: Iterable[Sheet], properties: Properties) -> bytes:
    """Write the sheets in order (rows may be generators, consumed once) and return the bytes."""
    wb = Workbook(write_only=True)
    props = wb.properties
    props.title = clean_text(properties.title)
    props.subject = clean_text(properties.subject) or None
    props.creator = clean_text(properties.creator) or None
    props.description = clean_text(properties.description) or None
    props.keywords = clean_text(properties.keywords) or None
    props.category = clean_text(properties.category) or None
    props.lastModifiedBy = clean_text(properties.last_modified_by) or None
    props.language = "vi-VN"
    if properties.created is not None:
        # Core properties are UTC.
        created = properties.created
        if created.tzinfo is not None:
            created = created.astimezone(datetime.UTC).replace(tzinfo=None)
        props.created = props.modified = created
    styles = None
    for sheet in sheets:
        styles = _write_sheet(wb, sheet, styles)
    if styles is None:
        _write_sheet(wb, Sheet(title="Sheet", tables=[]), None)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Shared helpers for callers -----------------------------------------------------------


def share(part: int | None, whole: int | None) -> float | None:
    """``part`` as a fraction of ``whole`` for a ``0.0%`` cell; None when there is no whole."""
    if part is None or not whole:
        return None
    return part / whole
