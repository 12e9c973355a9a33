"""Workbook builders: plain rows in, ``.xlsx`` bytes out. No ORM here; tested without a database.

``shapes`` holds what a workbook is made of (columns, tables, sheets, charts) and the text
rules; ``writer`` writes them with XlsxWriter's public API in ``constant_memory`` mode, row by
row, so a bulletin of the whole country streams from the database without holding its cells
in memory.

Exported text never starts a formula: text is written as text, and a text cell beginning with
``=``, ``+``, ``-``, ``@``, tab or carriage return also gets Excel's quote prefix, so Excel
shows it as text and never evaluates it, not even after the reader edits the cell.

Numbers use the formats ``#,##0``, ``#,##0.0`` and ``0.0%`` and dates ``dd/mm/yyyy``: Excel
shows the separators of the reader's locale (``1.234`` and ``6,5`` on a Vietnamese system).
"""

from reports.xlsx.language import in_vietnamese
from reports.xlsx.shapes import *  # noqa: F403
from reports.xlsx.shapes import __all__ as _shapes
from reports.xlsx.writer import LINE_HEIGHT, build_workbook, get_column_letter, header_rows_of, text_lines

__all__ = [
    *_shapes,
    "LINE_HEIGHT",
    "build_workbook",
    "get_column_letter",
    "header_rows_of",
    "in_vietnamese",
    "text_lines",
]
