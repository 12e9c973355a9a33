"""Reading an uploaded values template: the cells parsed, with no regard to the database.

``read_values`` reads the codes row (which column holds which indicator of the set) and every
data row: no formulas, each value's type and range as ``criteria.evaluation.parse_value``
reads Vietnamese input. What it finds is plain data (``ReadValues``), kept on the batch as
JSON, which ``reports.importing.checks`` then compares with the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from criteria import evaluation
from criteria.models import CriteriaSet, Indicator, ValueType
from ntm_portal.language import worded
from ntm_portal.numbers import as_typed
from reports.importing import layout
from reports.importing.reader import CellValue, UploadedTemplate
from reports.importing.template import set_indicators
from reports.xlsx import VIETNAM

MSG_FORMULA = gettext_lazy("A formula is not accepted: type the value itself.")
MSG_UNKNOWN_INDICATOR = gettext_lazy("Indicator “%(code)s” is not in the criteria set %(set)s.")
MSG_INDICATOR_TWICE = gettext_lazy("Indicator %(code)s has two columns.")
MSG_COLUMN_WITHOUT_CODE = gettext_lazy("This column has values but no indicator code in row %(row)s.")
MSG_NO_INDICATOR_COLUMNS = gettext_lazy("The codes row (row %(row)s) names no indicator of this set.")
MSG_STORED_AS_DATE = gettext_lazy(
    "%(indicator)s: Excel stored this cell as a date or a time (%(value)s), not as the value typed: format the "
    "cell as a number or as text and type the value again."
)

Value = Decimal | bool


@dataclass
class ReadRow:
    """One data row of the file: its unit code as typed (None: missing) and its parsed values."""

    row: int
    unit: str | None
    values: list[tuple[int, str, Value]] = field(default_factory=list)  # (column, indicator code, value)
    # Formulas and bad values: reported only once the row's unit passes its checks.
    errors: list[dict] = field(default_factory=list)


@dataclass
class ReadValues:
    """The file's data rows with typed values, and the errors that do not depend on a row's unit."""

    code_column: int
    columns: list[tuple[int, str]] = field(default_factory=list)  # (column, indicator code), in order
    rows: list[ReadRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    # When the file's template was made (its meta sheet, ``generated_moment``); None: unknown.
    generated_at: datetime.datetime | None = None
    generated_exact: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors and not any(r.errors for r in self.rows)

    def as_json(self) -> dict:
        """The values as ``ImportBatch.checked_values`` keeps them: per row, one value per
        indicator column (null when empty), numbers as text so that none is rounded."""
        if not self.valid:
            raise ValueError("Only values that passed the checks are kept.")
        position = {column: i for i, (column, _code) in enumerate(self.columns)}
        rows = []
        for r in self.rows:
            values: list[bool | str | None] = [None] * len(self.columns)
            for column, _code, value in r.values:
                values[position[column]] = value if isinstance(value, bool) else str(value)
            rows.append([r.row, r.unit, values])
        return {
            "code_column": self.code_column,
            "columns": [list(c) for c in self.columns],
            "rows": rows,
            "generated_at": self.generated_at.isoformat() if self.generated_at else None,
            "generated_exact": self.generated_exact,
        }

    @classmethod
    def from_json(cls, data: dict) -> ReadValues:
        columns = [(column, code) for column, code in data["columns"]]
        rows = [
            ReadRow(
                row,
                unit,
                [
                    (column, code, value if isinstance(value, bool) else Decimal(value))
                    for (column, code), value in zip(columns, values, strict=True)
                    if value is not None
                ],
            )
            for row, unit, values in data["rows"]
        ]
        generated_at = data.get("generated_at")
        return cls(
            code_column=data["code_column"],
            columns=columns,
            rows=rows,
            generated_at=datetime.datetime.fromisoformat(generated_at) if generated_at else None,
            generated_exact=data.get("generated_exact", False),
        )

    def changed_since(self, moment: datetime.datetime) -> bool:
        """Whether a value written at ``moment`` was written after the file's template was made
        (and so may be missing from it). An older template's time is to the second: a value of
        the same second counts as later (one refused too many is downloaded again; one let
        through would be overwritten unseen)."""
        if self.generated_at is None:
            return False
        return moment > self.generated_at if self.generated_exact else moment >= self.generated_at


def generated_moment(meta: dict[str, str]) -> tuple[datetime.datetime | None, bool]:
    """When a template was made, from its meta sheet: the exact moment (``generated_at_utc``),
    or Vietnam's wall-clock second of older templates (``generated_at``, exact False); None
    when the sheet gives neither."""
    for key, exact in ((layout.GENERATED_AT_UTC, True), (layout.GENERATED_AT, False)):
        try:
            moment = datetime.datetime.fromisoformat(meta.get(key, "").strip())
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=VIETNAM)
        return moment, exact
    return None, False


def typed_in_cell(value) -> str:
    """A cell's value as a message quotes it: a date Excel made of what was typed as dd/mm/yyyy
    (a time as hh:mm), a number as Vietnamese write it, a text cut short (``evaluation.excerpt``)."""
    if isinstance(value, datetime.datetime):
        return f"{value:%d/%m/%Y}" if value.time() == datetime.time() else f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, datetime.time):
        return f"{value:%H:%M}"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return as_typed(value)
    return evaluation.excerpt(str(value).strip())


def _formatted(message, params: dict) -> str:
    return str(message) % {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}


_formatted_lazy = lazy(_formatted, str)


def reason(message, **params):
    """``message % params``, worded when it is shown, in the language active then; a parameter
    may be lazy too (``shown``)."""
    return _formatted_lazy(message, params) if params else message


def shown(text_of) -> Promise:
    """``text_of()`` (a label such as a unit's type or an assessment's state), worded when shown."""
    return lazy(text_of, str)()


def add_error(errors: list[dict], cell_row: int, column: int | str, message, *, link: str = "") -> None:
    """Add an error at a cell of the data sheet (a column number or letter). The batch keeps its
    message in each language of the portal (``messages``), so the page shows it in the reader's
    (``ImportBatch.errors_listed``); ``message`` is in the language active now. ``link``: the
    page where what the error names is found (the page links it beside the reason)."""
    letter = column if isinstance(column, str) else get_column_letter(column)
    error = {
        "sheet": layout.DATA_SHEET,
        "row": cell_row,
        "column": letter,
        "cell": f"{letter}{cell_row}",
        "message": str(message),
    }
    if isinstance(message, Promise):
        error["messages"] = worded(message)
    if link:
        error["link"] = link
    errors.append(error)


def refusal(exc: ValidationError | PermissionDenied) -> Promise:
    """A refusal's messages joined by "; ", worded when shown."""
    if isinstance(exc, ValidationError):
        parts = [reason(e.message, **(e.params or {})) for e in exc.error_list]
    else:
        parts = list(exc.args[:1])
    return shown(lambda: "; ".join(str(part) for part in parts))


def _cell_raw(cell: CellValue, indicator: Indicator):
    value = cell.value
    if isinstance(value, str):
        return value.strip()
    if indicator.value_type == ValueType.PERCENT and cell.percent_format and not isinstance(value, bool):
        # Typed as "85%" into a number cell, Excel stores 0.85 formatted as a percentage.
        return Decimal(str(value)) * 100
    return value


def set_indicators_by_code(criteria_set: CriteriaSet) -> dict[str, Indicator]:
    return {i.code: i for i in set_indicators(criteria_set)}


def read_values(
    template: UploadedTemplate, *, criteria_set: CriteriaSet, indicators: dict[str, Indicator] | None = None
) -> ReadValues:
    """Parse every cell of the data rows; what does not depend on the database beyond the set."""
    indicators = indicators if indicators is not None else set_indicators_by_code(criteria_set)
    errors: list[dict] = []

    # The codes row: which column holds which indicator.
    columns: dict[int, Indicator] = {}
    code_column = None
    seen_codes: set[str] = set()
    for column, code in sorted(template.codes.items()):
        if code == layout.UNIT_CODE:
            code_column = column
            continue
        if code in layout.FIXED_COLUMNS:
            continue
        indicator = indicators.get(code)
        if indicator is None:
            add_error(
                errors,
                layout.CODES_ROW,
                column,
                reason(MSG_UNKNOWN_INDICATOR, code=evaluation.excerpt(code), set=criteria_set.short_name),
            )
        elif code in seen_codes:
            add_error(errors, layout.CODES_ROW, column, reason(MSG_INDICATOR_TWICE, code=code))
        else:
            seen_codes.add(code)
            columns[column] = indicator
    if code_column is None:
        code_column = 1
    if not columns:
        add_error(errors, layout.CODES_ROW, "A", reason(MSG_NO_INDICATOR_COLUMNS, row=layout.CODES_ROW))
    fixed_columns = {c for c, code in template.codes.items() if code in layout.FIXED_COLUMNS}
    unnamed_reported: set[int] = set()

    generated_at, generated_exact = generated_moment(template.meta)
    read = ReadValues(
        code_column=code_column,
        columns=[(c, i.code) for c, i in sorted(columns.items())],
        errors=errors,
        generated_at=generated_at,
        generated_exact=generated_exact,
    )
    kinds = {column: evaluation.ValueType(indicator.value_type) for column, indicator in columns.items()}
    # Most cells repeat a few entries ("Có", "Không", 100): each distinct one is parsed once.
    known: dict[tuple, Value | None] = {}
    for row, cells in template.rows:
        value_cells = {c: cell for c, cell in cells.items() if c not in fixed_columns}
        code_cell = cells.get(code_column)
        if code_cell is None and not value_cells:
            continue
        for column in value_cells:
            if column not in columns and column not in unnamed_reported and column not in template.codes:
                unnamed_reported.add(column)
                add_error(errors, row, column, reason(MSG_COLUMN_WITHOUT_CODE, row=layout.CODES_ROW))
        read_row = ReadRow(row=row, unit=None if code_cell is None else str(code_cell.value).strip())
        read.rows.append(read_row)
        for column, cell in sorted(value_cells.items()):
            indicator = columns.get(column)
            if indicator is None:
                continue
            if cell.formula:
                add_error(read_row.errors, row, column, MSG_FORMULA)
                continue
            if isinstance(cell.value, datetime.date | datetime.time | datetime.timedelta):
                # "4.3" typed into a General cell: Excel keeps a date, which no indicator holds.
                shown_value = typed_in_cell(cell.value)
                add_error(
                    read_row.errors,
                    row,
                    column,
                    reason(MSG_STORED_AS_DATE, indicator=indicator.code, value=shown_value),
                )
                continue
            raw = _cell_raw(cell, indicator)
            key = (kinds[column], type(raw), raw)  # the type too: True, 1 and 1.0 are equal keys
            if key in known:
                value = known[key]
            else:
                try:
                    value = evaluation.parse_value(raw, kinds[column], indicator=indicator.code)
                except ValidationError as exc:
                    for error in exc.error_list:
                        add_error(read_row.errors, row, column, reason(error.message, **(error.params or {})))
                    continue
                known[key] = value
            if value is not None:
                read_row.values.append((column, indicator.code, value))
    return read
