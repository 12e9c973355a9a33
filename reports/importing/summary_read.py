"""Read the criteria-level sheet's cells into summary rows (no ORM).

Each data row is one unit's year as an old report gives it. A row that reports nothing (no
criteria, count or document) is skipped, so the template sent back unchanged changes nothing.
Every cell that cannot be read gets its own error (sheet, row, column, Vietnamese message);
formulas are refused, as in the values sheet.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from criteria.evaluation import excerpt
from reports.importing import layout
from reports.importing.reader import CellValue, UploadedTemplate
from reports.importing.values_read import MSG_COLUMN_WITHOUT_CODE, MSG_FORMULA, add_error, reason, typed_in_cell

MSG_COLUMN_MISSING = _("The column “%(code)s” is missing from the codes row (row %(row)s).")
MSG_UNKNOWN_COLUMN = _("“%(code)s” is not a column of the criteria-level template.")
MSG_YEAR = _("“%(value)s” is not a year.")
MSG_TIER = _("“%(value)s” is not a tier: write chuẩn, nâng cao or kiểu mẫu.")
MSG_NUMBERS = _("“%(value)s” is not a list of criterion numbers (e.g. 1-9, 11).")
MSG_NUMBERS_STORED_AS = _(
    "Excel stored this cell as a number or a date (%(value)s), not as a list of criteria: format the "
    "column as text (the portal's template does) and type the list again, e.g. 1-9; 11."
)
MSG_COUNT = _("“%(value)s” is not a whole number of criteria.")
MSG_DATE = _("“%(value)s” is not a date: write dd/mm/yyyy.")
MSG_TEXT_TOO_LONG = _("At most %(n)s characters.")
TEXT_MAX = {layout.SOURCE_NUMBER: 60, layout.REASON: 2000, layout.SET_CODE: 60, layout.UNIT_CODE: 30}
REPORTING = (layout.MET, layout.BASICALLY_MET, layout.COUNT, layout.SOURCE_NUMBER, layout.SOURCE_DATE)
_RANGE = re.compile(r"^(\d{1,3})\s*[-–]\s*(\d{1,3})$")


@dataclass
class SummaryRow:
    """One row as typed: the unit's code, the year, the tier, the set's code ("" = the set in
    force), the criteria marked, the count and the document (its date as ISO text)."""

    row: int
    unit: str | None = None
    year: int | None = None
    tier: str = ""
    set_code: str = ""
    met: list[int] = field(default_factory=list)
    basically_met: list[int] = field(default_factory=list)
    count: int | None = None
    source_number: str = ""
    source_date: str | None = None
    reason: str = ""
    errors: list[dict] = field(default_factory=list)

    @property
    def day(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self.source_date) if self.source_date else None


@dataclass
class SummaryRead:
    columns: dict[str, int]  # column code → column number
    rows: list[SummaryRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors and not any(r.errors for r in self.rows)

    def as_json(self) -> dict:
        if not self.valid:
            raise ValueError("Only rows that passed the checks are kept.")
        return {"columns": self.columns, "rows": [asdict(r) | {"errors": []} for r in self.rows]}

    @classmethod
    def from_json(cls, data: dict) -> SummaryRead:
        return cls(columns=data["columns"], rows=[SummaryRow(**r) for r in data["rows"]])


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class StoredAsNumber(ValueError):
    """A list of criteria Excel turned into a number ("12,10" → 12.1) or a date ("1-9")."""


def parse_numbers(value) -> list[int]:
    """``"1-9, 11; 14"`` (or a lone whole number cell) → ``[1, …, 9, 11, 14]``; ValueError
    otherwise, ``StoredAsNumber`` for a cell Excel made a fraction or a date of (never read as
    the digits it shows: 12.1 is not criteria 12 and 1)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, datetime.date) or (isinstance(value, float | Decimal) and value != int(value)):
        raise StoredAsNumber(value)
    numbers: set[int] = set()
    text = re.sub(r"\s*[-–]\s*", "-", _text(value))
    for part in re.split(r"[,;.\s]+", text):
        part = part.strip()
        if not part:
            continue
        if match := _RANGE.match(part):
            low, high = int(match[1]), int(match[2])
            if not 1 <= low <= high <= 100:
                raise ValueError(part)
            numbers.update(range(low, high + 1))
        elif part.isdigit() and 1 <= int(part) <= 100:
            numbers.add(int(part))
        else:
            raise ValueError(part)
    return sorted(numbers)


def parse_whole(value, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    text = _text(value)
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(text)
    return int(text)


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_tier(value) -> str:
    text = _text(value).lower()
    if text in layout.TIER_WORDS:
        return layout.TIER_WORDS[text]
    if text in layout.TIER_WORDS.values():
        return text
    raise ValueError(text)


def _cell(row: SummaryRow, code: str, cell: CellValue, column: int) -> None:
    """Read one input cell into ``row``, or note its error."""
    value = cell.value
    try:
        if code == layout.YEAR:
            row.year = parse_whole(value, 1900, 2100)
        elif code == layout.TIER:
            row.tier = parse_tier(value)
        elif code in (layout.MET, layout.BASICALLY_MET):
            setattr(row, "met" if code == layout.MET else "basically_met", parse_numbers(value))
        elif code == layout.COUNT:
            row.count = parse_whole(value, 0, 100)
        elif code == layout.SOURCE_DATE:
            row.source_date = parse_date(value).isoformat()
        else:
            text = _text(value)
            if len(text) > TEXT_MAX.get(code, 2000):
                add_error(row.errors, row.row, column, reason(MSG_TEXT_TOO_LONG, n=TEXT_MAX.get(code, 2000)))
            attribute = {layout.SET_CODE: "set_code", layout.SOURCE_NUMBER: "source_number", layout.REASON: "reason"}
            setattr(row, attribute.get(code, "unit"), text)
    except StoredAsNumber:
        add_error(row.errors, row.row, column, reason(MSG_NUMBERS_STORED_AS, value=typed_in_cell(value)))
    except ValueError:
        message = {
            layout.YEAR: MSG_YEAR,
            layout.TIER: MSG_TIER,
            layout.MET: MSG_NUMBERS,
            layout.BASICALLY_MET: MSG_NUMBERS,
            layout.COUNT: MSG_COUNT,
            layout.SOURCE_DATE: MSG_DATE,
        }[code]
        add_error(row.errors, row.row, column, reason(message, value=excerpt(_text(value))))


def _columns(template: UploadedTemplate, errors: list[dict]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for column, code in sorted(template.codes.items()):
        if code not in layout.SUMMARY_COLUMNS:
            add_error(errors, layout.CODES_ROW, column, reason(MSG_UNKNOWN_COLUMN, code=excerpt(code)))
        else:
            columns.setdefault(code, column)
    for code in (layout.UNIT_CODE, *layout.SUMMARY_INPUT_COLUMNS):
        if code not in columns:
            add_error(errors, layout.CODES_ROW, "A", reason(MSG_COLUMN_MISSING, code=code, row=layout.CODES_ROW))
    return columns


def read_summary(template: UploadedTemplate) -> SummaryRead:
    """Every data row that reports something, its cells parsed; errors per cell."""
    read = SummaryRead(columns={})
    read.columns = _columns(template, read.errors)
    if read.errors:
        return read
    code_of = {column: code for code, column in read.columns.items()}
    reporting = {read.columns[code] for code in REPORTING}
    unnamed: set[int] = set()
    for number, cells in template.rows:
        for column in cells:
            if column not in template.codes and column not in unnamed:
                unnamed.add(column)
                add_error(read.errors, number, column, reason(MSG_COLUMN_WITHOUT_CODE, row=layout.CODES_ROW))
        if not reporting & set(cells):
            continue  # nothing reported on this row: the template's prefilled year, tier and set only
        row = SummaryRow(row=number)
        for column, cell in sorted(cells.items()):
            code = code_of.get(column)
            if code is None or code in (layout.UNIT_NAME, layout.PARENT_NAME):
                continue
            if cell.formula:
                add_error(row.errors, number, column, MSG_FORMULA)
                continue
            _cell(row, code, cell, column)
        read.rows.append(row)
    return read
