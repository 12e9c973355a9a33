"""Filling in and tampering with import templates, as an office (or an attacker) would."""

import io
import zipfile

from openpyxl import load_workbook

from reports.importing import layout


def fill(template: bytes, values: dict[tuple[str, str], object], *, extra_rows=(), cells=None) -> bytes:
    """Set ``values[(unit code, indicator code)]``; ``extra_rows`` are appended rows of values;
    ``cells`` maps a coordinate ("F9") to a value, for anything else."""
    book = load_workbook(io.BytesIO(template))
    ws = book[layout.DATA_SHEET]
    columns = {cell.value: cell.column for cell in ws[layout.CODES_ROW] if cell.value}
    rows = {ws.cell(row=r, column=1).value: r for r in range(layout.FIRST_DATA_ROW, ws.max_row + 1)}
    for (unit, code), value in values.items():
        ws.cell(row=rows[unit], column=columns[code], value=value)
    for offset, row in enumerate(extra_rows):
        for column, value in enumerate(row, 1):
            ws.cell(row=ws.max_row + 1 if column == 1 and offset == 0 else ws.max_row, column=column, value=value)
    for coordinate, value in (cells or {}).items():
        ws[coordinate] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(content: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The same archive with some parts replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(info.filename, data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()
