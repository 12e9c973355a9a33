"""Read an uploaded import template into plain cells (no ORM).

The archive is checked first (``archive.check_archive``); then openpyxl reads it in read-only
mode with formulas kept as formulas (``data_only=False``), so a formula typed into an input
cell is seen and refused instead of its cached result being taken for a value.

Only the template's own area is read: its bounds come from the server (``layout.Bounds``:
the units and indicators the template has), never from the file. A sheet whose declared size
(``<dimension>``) or whose first row or column past that area holds anything is refused; the
file's ``<dimension>`` is never used to decide how much to read, since read-only openpyxl pads
every row up to it (``A1:XFD1048576`` would walk a million rows of 16,384 cells).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reports.importing import layout
from reports.importing.archive import MSG_DAMAGED, MSG_UNSAFE_XML, check_archive, require_defusedxml

MSG_NOT_TEMPLATE = _(
    "This workbook is not an import template of the portal: download the template on this page, fill it in and upload it."
)
MSG_NO_DATA_SHEET = _("The sheet “%(sheet)s” is missing from the workbook.")
MSG_SHEET_TOO_LARGE = _("The sheet “%(sheet)s” has data far beyond the template (cell %(cell)s); the file was refused.")
MSG_SHEET_EXTENDS = _(
    "The sheet “%(sheet)s” extends far beyond the template (to cell %(cell)s): delete the rows and columns "
    "after the template's units and indicators, then upload it again."
)
MSG_SHEET_STRAY = _(
    "The sheet “%(sheet)s” has values far beyond the template, in %(cells)s: delete them, or move them into the "
    "template's rows and columns, then upload it again."
)
# Once a sheet declares a size past the template's area, the cells that hold values out there
# are looked for, so that the refusal can name them: this far, and no further (a sheet may
# declare a million rows of 16,384 columns).
STRAY_ROWS, STRAY_COLUMNS = 10_000, 200
STRAY_NAMED = 3  # the first few are named


class CellValue(NamedTuple):
    # A tuple, not a dataclass: a province's file has some ten thousand of them.
    row: int
    column: int
    value: object
    formula: bool = False
    percent_format: bool = False

    @property
    def letter(self) -> str:
        return get_column_letter(self.column)


@dataclass
class UploadedTemplate:
    """What the upload holds: the template's identity, the codes row and the non-empty data rows."""

    meta: dict[str, str]
    codes: dict[int, str] = field(default_factory=dict)  # column → code in the codes row
    code_cells: dict[int, CellValue] = field(default_factory=dict)
    rows: list[tuple[int, dict[int, CellValue]]] = field(default_factory=list)

    def meta_int(self, key: str) -> int | None:
        try:
            return int(self.meta.get(key, ""))
        except ValueError:
            return None


def _refuse(message, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def read_template(
    data: bytes,
    *,
    bounds: layout.Bounds,
    template_format: str = layout.FORMAT,
    check_meta: Callable[[UploadedTemplate], None] | None = None,
) -> UploadedTemplate:
    """Check the archive, then read the template's meta sheet and data sheet; raise on a bad file.
    ``template_format``: which template it must be (indicator values, or the criteria-level summary sheet);
    ``check_meta``: raises when the meta sheet says the file is another template (another set,
    unit or year), before the data sheet is read against this template's bounds — another
    set's rows would otherwise be refused as data "far beyond the template"."""
    require_defusedxml()
    check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # any failure to parse a foreign file means we cannot read it
        raise _refusal_for(exc) from None
    try:
        return _read(workbook, bounds, template_format, check_meta)
    except ValidationError:
        raise
    except Exception as exc:
        raise _refusal_for(exc) from None
    finally:
        workbook.close()


def _refusal_for(exc: BaseException) -> ValidationError:
    """Unsafe XML (entities, external references) or simply damaged; openpyxl wraps the cause."""
    from defusedxml import DefusedXmlException

    seen = exc
    while seen is not None:
        if isinstance(seen, DefusedXmlException):
            return _refuse(MSG_UNSAFE_XML, "unsafe_xml")
        seen = seen.__cause__ or seen.__context__
    return _refuse(MSG_DAMAGED, "damaged")


def _too_large(column: int, row: int, message=MSG_SHEET_TOO_LARGE) -> ValidationError:
    cell = f"{get_column_letter(min(max(column, 1), 18278))}{row}"
    return _refuse(message, "sheet_too_large", sheet=layout.DATA_SHEET, cell=cell)


def _read(workbook, bounds: layout.Bounds, template_format: str, check_meta) -> UploadedTemplate:
    if layout.META_SHEET not in workbook.sheetnames:
        raise _refuse(MSG_NOT_TEMPLATE, "not_template")
    meta = {}
    for key, value, *_rest in workbook[layout.META_SHEET].iter_rows(max_row=40, max_col=2, values_only=True):
        if key is not None:
            meta[str(key)] = "" if value is None else str(value)
    if meta.get("format") != template_format:
        raise _refuse(MSG_NOT_TEMPLATE, "not_template")
    if layout.DATA_SHEET not in workbook.sheetnames:
        raise _refuse(MSG_NO_DATA_SHEET, "no_data_sheet", sheet=layout.DATA_SHEET)

    template = UploadedTemplate(meta=meta)
    if check_meta is not None:
        check_meta(template)
    row_limit, column_limit = bounds.last_row, bounds.last_column
    sheet = workbook[layout.DATA_SHEET]
    # One row and one column past the area are read too, to refuse a value put there.
    for cells in sheet.iter_rows(min_row=1, max_row=row_limit + 1, max_col=column_limit + 1):
        found: dict[int, CellValue] = {}
        row_number = None
        for cell in cells:
            value = cell.value
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            row_number, column = cell.row, cell.column
            if row_number > row_limit or column > column_limit:
                raise _too_large(column, row_number)
            if row_number < layout.CODES_ROW:
                continue
            found[column] = CellValue(
                row=row_number,
                column=column,
                value=value,
                formula=cell.data_type == "f",
                percent_format=isinstance(value, (int, float)) and "%" in (cell.number_format or ""),
            )
        if not found:
            continue
        if row_number == layout.CODES_ROW:
            template.code_cells = found
            template.codes = {column: str(c.value).strip() for column, c in found.items()}
        elif row_number > layout.CODES_ROW:
            template.rows.append((row_number, found))
    # Nothing was read past the area; a sheet that says it reaches much further is refused too
    # (a value there would otherwise be ignored without a word).
    declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
    if declared_rows > row_limit + 1 or declared_columns > column_limit + 1:
        if stray := _stray_cells(sheet, bounds, declared_rows, declared_columns):
            raise _refuse(MSG_SHEET_STRAY, "sheet_too_large", sheet=layout.DATA_SHEET, cells=stray)
        raise _too_large(declared_columns, declared_rows, MSG_SHEET_EXTENDS)
    return template


def _stray_cells(sheet, bounds: layout.Bounds, declared_rows: int, declared_columns: int) -> str:
    """The first cells past the template's area that hold a value ("E400, AA1000"; "…" after
    ``STRAY_NAMED`` of them), looked for no further than ``STRAY_ROWS`` rows and ``STRAY_COLUMNS``
    columns past it; "" when none is found there (the size declared by formatting alone, or a
    value further out)."""
    row_limit, column_limit = bounds.last_row, bounds.last_column
    last_row = min(declared_rows, row_limit + 1 + STRAY_ROWS)
    last_column = min(declared_columns, column_limit + 1 + STRAY_COLUMNS)
    found: list[str] = []
    rows = sheet.iter_rows(min_row=1, max_row=last_row, max_col=last_column, values_only=True)
    for row_number, values in enumerate(rows, 1):
        first = 0 if row_number > row_limit else column_limit  # inside the area's rows: its columns are read
        outside = values[first:]
        if outside.count(None) == len(outside):  # the empty rows read-only openpyxl pads with
            continue
        for offset, value in enumerate(outside):
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            found.append(f"{get_column_letter(first + offset + 1)}{row_number}")
            if len(found) > STRAY_NAMED:
                return ", ".join(found[:STRAY_NAMED]) + ", …"
    return ", ".join(found)
