"""The shapes a workbook is made of (plain rows, columns, sheets, charts) and the text rules.

No ORM and no writer here: ``reports.xlsx.writer`` turns these shapes into bytes.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

__all__ = [
    "DATE",
    "DATETIME",
    "DEC1",
    "DEC2",
    "FORMULA_TRIGGERS",
    "HEADER_FILL",
    "ILLEGAL_CHARACTERS_RE",
    "INPUT",
    "INPUTS",
    "INPUT_TEXT",
    "INT",
    "INT_OR_DEC1",
    "MARK",
    "MAX_SHEET_TITLE",
    "MET_FILL",
    "MET_INK",
    "MET_MARK",
    "MONEY",
    "NOT_MET_FILL",
    "NOT_MET_INK",
    "NOT_MET_MARK",
    "NO_DATA_FILL",
    "NUMBER_FORMATS",
    "PAPER_A4",
    "PERCENT",
    "TEXT",
    "VIETNAM",
    "WRAP",
    "Chart",
    "Column",
    "Properties",
    "Sheet",
    "Table",
    "Validation",
    "clean_text",
    "excel_datetime",
    "is_formula_like",
    "share",
    "sheet_title",
]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# Column kinds: how a value is written and formatted.
TEXT = "text"  # plain text, no wrap
WRAP = "wrap"  # text that wraps within the column width
INT = "int"  # #,##0
DEC1 = "dec1"  # #,##0.0
DEC2 = "dec2"  # #,##0.00
INT_OR_DEC1 = "int_or_dec1"  # a count as #,##0, an average as #,##0.0: a column holding both
PERCENT = "pct"  # 0.0%, the value being a fraction (0.25 → 25,0%)
MONEY = "money"  # #,##0 (đồng)
DATE = "date"  # dd/mm/yyyy
DATETIME = "datetime"  # dd/mm/yyyy hh:mm
MARK = "mark"  # True → ✓ on green, False → ✗ on red, None → grey (no data)
INPUT = "input"  # an input cell of an import template (no fill, thin border)
# An input cell kept as text ("@"): Excel would turn "12,10" into a number and "1-9" into a date.
INPUT_TEXT = "input_text"
INPUTS = (INPUT, INPUT_TEXT)

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
PAPER_A4 = 9  # the paperSize code of A4 in SpreadsheetML
_BAD_TITLE_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


# The characters XML 1.0 cannot hold (the C0 controls but tab, LF and CR).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


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


@dataclass(frozen=True)
class Chart:
    """A native Excel chart drawn from a table of its sheet (the table's rows, not its total).

    ``categories`` is the column of the labels, ``values`` the columns drawn as series (each
    named by its header). Charts are placed under the sheet's tables, one under another.
    """

    kind: str  # "column", "bar", "line" or "pie"
    title: str
    table: int  # the table's position in the sheet
    categories: int
    values: Sequence[int]
    y_title: str = ""
    stacked: bool = False
    height: int = 300  # pixels


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
    charts: Sequence[Chart] = ()


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


# --- Shared helpers for callers -----------------------------------------------------------


def share(part: int | None, whole: int | None) -> float | None:
    """``part`` as a fraction of ``whole`` for a ``0.0%`` cell; None when there is no whole."""
    if part is None or not whole:
        return None
    return part / whole
