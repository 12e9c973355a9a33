"""Workbook builders: plain rows in, ``.xlsx`` bytes out. No ORM here; tested without a database.

Every workbook is written in openpyxl's write-only mode, row by row, so that a bulletin of
the whole country streams from the database without holding its cells in memory. openpyxl
writes the workbook, the styles and each sheet's views, columns and page set-up; the rows
are written here as SpreadsheetML text, the same text openpyxl would write, without an
element per cell (building and serialising those elements was most of a workbook's time).
Styles are built once per workbook, and each cell refers to its style by index.

Exported text never starts a formula: a text cell beginning with ``=``, ``+``, ``-``, ``@``,
tab or carriage return is written as a string with Excel's quote prefix, so Excel shows it
as text and never evaluates it, not even after the reader edits the cell.

Numbers use the formats ``#,##0``, ``#,##0.0`` and ``0.0%`` and dates ``dd/mm/yyyy``: Excel
shows the separators of the reader's locale (``1.234`` and ``6,5`` on a Vietnamese system).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import tostring

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
    Each array is registered with the workbook the first time a cell uses it (as openpyxl
    registers a cell's style when it writes the cell), and its index is kept as the cell's
    ``s`` attribute.
    """

    def __init__(self, ws) -> None:
        self._ws = ws
        self.arrays: dict[str, StyleArray] = {}
        self.quoted: dict[str, StyleArray] = {}
        self._attributes: dict[tuple[str, bool], str] = {}
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

    def attribute(self, name: str, *, quoted: bool = False) -> str:
        """The cell attribute `` s="<index>"`` of a style (empty for no style at all)."""
        key = (name, quoted)
        found = self._attributes.get(key)
        if found is None:
            cell = WriteOnlyCell(self._ws)
            cell._style = (self.quoted if quoted else self.arrays)[name]
            found = f' s="{cell.style_id}"' if cell.has_style else ""
            self._attributes[key] = found
        return found


def _cell(ref: str, value, name: str, styles: _Styles, epoch: datetime.datetime) -> str:
    """One cell as SpreadsheetML, typed from its value exactly as openpyxl writes it, with the
    style ``name``. Text is written as text (an inline string), never as a formula."""
    if isinstance(value, str):
        text = clean_text(value)
        # The quote prefix also tells Excel to keep it text when the reader edits the cell.
        style = styles.attribute(name, quoted=text.startswith(FORMULA_TRIGGERS))
        if not text:
            return f'<c r="{ref}"{style} t="inlineStr" />'
        stripped = text.strip()
        space = ' xml:space="preserve"' if stripped and stripped != text else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{styles.attribute(name)} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime.datetime):
        value = to_excel(excel_datetime(value), epoch)
    elif isinstance(value, datetime.date):
        value = to_excel(value, epoch)
    elif value is None:
        return f'<c r="{ref}"{styles.attribute(name)} t="n" />'
    elif not isinstance(value, NUMBER_TYPES):  # a lazy translation or any other object: its text
        return _cell(ref, str(value), name, styles, epoch)
    number = safe_string(value)
    content = f"<v>{number}</v>" if number else "<v />"
    return f'<c r="{ref}"{styles.attribute(name)} t="n">{content}</c>'


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


_MARKS = {True: ("met", MET_MARK), False: ("not_met", NOT_MET_MARK), None: ("no_data", None)}
_REF = "{ref}"  # where a cell made once takes its reference


class _Rows:
    """A sheet's rows as SpreadsheetML text, numbered as they are made; wrapped text sets the
    height of its row."""

    def __init__(self, ws, styles: _Styles) -> None:
        self.ws = ws
        self.styles = styles
        self.epoch = ws.parent.epoch
        self.count = 0
        self._letters: list[str] = []
        self._marks: dict[bool | None, str] = {}

    def _refs(self, width: int) -> list[str]:
        """The cell references of the next row (the one ``row`` makes next), for ``width`` columns."""
        letters = self._letters
        while len(letters) < width:
            letters.append(get_column_letter(len(letters) + 1))
        row = str(self.count + 1)
        return [letter + row for letter in letters[:width]]

    def _cell(self, ref: str, value, name: str) -> str:
        return _cell(ref, value, name, self.styles, self.epoch)

    def _mark(self, ref: str, value) -> str:
        """A criterion met (True), not met (False) or without data (anything else). Such cells
        differ only by their reference, so each kind is made once and the reference put in."""
        met = value if isinstance(value, bool) else None
        cell = self._marks.get(met)
        if cell is None:
            name, mark = _MARKS[met]
            cell = self._marks[met] = self._cell(_REF, mark, name)
        return cell.replace(_REF, ref, 1)

    def one(self, value, name: str) -> str:
        return self.row([self._cell(self._refs(1)[0], value, name)])

    def headers(self, texts: Sequence[str | None], rotated: Sequence[bool], lines: int) -> str:
        refs = self._refs(len(texts))
        cells = []
        for ref, text, turn in zip(refs, texts, rotated, strict=False):
            if text:
                cells.append(self._cell(ref, text, "header_rotated" if turn else "header"))
        return self.row(cells, lines)

    def values(self, columns: Sequence[Column], values: Sequence, *, bold: bool = False, lines: int = 1) -> str:
        refs = self._refs(len(columns))
        cells = []
        for ref, column, value in zip(refs, columns, values, strict=False):
            kind = column.kind
            if kind == MARK:
                cells.append(self._mark(ref, value))
                continue
            if value is None and kind != INPUT:
                continue
            name = _kind_of(value, kind)
            if isinstance(value, str) and name not in (WRAP, INPUT):
                name = TEXT
            if bold and name != INPUT:
                name = f"{name}:bold"
            cells.append(self._cell(ref, value, name))
        return self.row(cells, lines)

    def row(self, cells: list[str], lines: int = 1) -> str:
        """The next row; a row of more than one line of wrapped text gets its height (unless
        the sheet set one)."""
        self.count += 1
        dimensions = self.ws.row_dimensions
        if lines > 1 and self.count not in dimensions:
            dimensions[self.count].height = LINE_HEIGHT * lines
        attributes = ""
        if self.count in dimensions:
            attributes = "".join(f' {key}="{value}"' for key, value in dimensions[self.count])
        return f'<row r="{self.count}"{attributes}>{"".join(cells)}</row>'


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


def _wrapping(columns: Sequence[Column], *, header: bool = False) -> list[tuple[int, float]]:
    """Position and width of the columns whose text wraps: the WRAP columns, and every upright
    column of a header row."""
    return [(i, c.width) for i, c in enumerate(columns) if not c.rotate and (header or c.kind == WRAP)]


def _lines(wrapping: list[tuple[int, float]], values: Sequence) -> int:
    """How many lines the tallest wrapped cell of a row needs at its column's width.

    Rows of a streamed sheet get no automatic height in every reader, so wrapped text sets it.
    """
    lines = 1
    for index, width in wrapping:
        value = values[index] if index < len(values) else None
        if isinstance(value, str):
            per_line = max(1, int(width * 1.3))
            lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in value.split("\n")))
    return lines


class _StreamedSheet(WorksheetWriter):
    """openpyxl's writer of a write-only sheet, given the rows as SpreadsheetML text.

    openpyxl writes what comes before and after the rows (views, columns, page set-up) as
    usual; the rows are written as they come, without building an element per cell (which
    is most of the time a sheet takes). This leans on how openpyxl's sheet writer talks to
    its stream (elements sent in, ``write_rows`` between head and tail), hence the pinned
    openpyxl version; ``reports/tests/excel`` reads every kind of sheet back.
    """

    def __init__(self, ws, rows: Iterable[str]) -> None:
        self._row_texts = rows
        super().__init__(ws)

    def get_stream(self):
        with open(self.out, "w", encoding="utf-8", errors="xmlcharrefreplace") as out:
            out.write(f'<worksheet xmlns="{SHEET_MAIN_NS}">')
            try:
                while True:
                    part = yield
                    if isinstance(part, str):
                        out.write(part)
                    elif part is not None:
                        out.write(tostring(part, encoding="unicode"))
            except GeneratorExit:
                out.write("</worksheet>")

    def write_rows(self) -> None:
        self.xf.send("<sheetData>")
        for text in self._row_texts:
            self.xf.send(text)
        self.xf.send("</sheetData>")


def _sheet_rows(out: _Rows, sheet: Sheet) -> Iterator[str]:
    for number, line in enumerate(sheet.heading):
        yield out.one(line, "title" if number == 0 else "heading")
    if sheet.heading:
        yield out.row([])
    for position, table in enumerate(sheet.tables):
        columns = table.columns
        if position:
            yield out.row([])
        if table.caption:
            yield out.one(table.caption, "caption")
        header = _wrapping(columns, header=True)
        headers = [c.header for c in columns]
        yield out.headers(headers, [c.rotate for c in columns], _lines(header, headers))
        for subheader in table.subheaders:
            yield out.headers(subheader, [False] * len(subheader), _lines(header, subheader))
        wrapping = _wrapping(columns)
        for values in table.rows:
            yield out.values(columns, values, lines=_lines(wrapping, values))
        if table.total is not None:
            yield out.values(columns, table.total, bold=True, lines=_lines(wrapping, table.total))


def _write_sheet(wb: Workbook, sheet: Sheet, styles: _Styles | None) -> _Styles:
    ws = wb.create_sheet(sheet_title(sheet.title))
    styles = styles or _Styles(ws)
    widths: dict[int, float] = {}
    for table in sheet.tables:
        for index, column in enumerate(table.columns, 1):
            widths[index] = max(widths.get(index, 0), column.width)
    _setup_sheet(ws, sheet, widths, header_rows_of(sheet))
    # The sheet is written here, its rows consumed once, as the rows of a write-only sheet are.
    ws._writer = _StreamedSheet(ws, _sheet_rows(_Rows(ws, styles), sheet))
    ws._writer.write_top()
    ws.close()
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
