"""Where things sit in an import template: shared by the builder and the reader (no ORM)."""

from __future__ import annotations

from typing import NamedTuple

FORMAT = "ntm-import/1"
MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024

DATA_SHEET = "Số liệu"
GUIDE_SHEET = "Hướng dẫn"
META_SHEET = "_ntm"  # hidden: what the template is for

# Rows of the data sheet: two heading lines, a blank row, then three header rows
# (indicator names, hints, codes) and the data.
NAMES_ROW = 4
HINTS_ROW = 5
CODES_ROW = 6
FIRST_DATA_ROW = 7

# The fixed columns, by their code in the codes row.
UNIT_CODE = "ma_don_vi"
UNIT_NAME = "ten_don_vi"
PARENT_NAME = "thuoc"
STATE = "trang_thai"
FIXED_COLUMNS = (UNIT_CODE, UNIT_NAME, PARENT_NAME, STATE)

# How much larger than the template a sheet may be before the file is refused unread:
# rows may be added (a unit missing from the template), columns hardly.
EXTRA_ROWS = 200
EXTRA_COLUMNS = 20


class Bounds(NamedTuple):
    """The area of the data sheet that is read, from the server's own count of the template's
    units (rows) and the set's indicators (columns), never from the uploaded file."""

    units: int
    indicators: int

    @property
    def last_row(self) -> int:
        return FIRST_DATA_ROW + self.units + EXTRA_ROWS - 1

    @property
    def last_column(self) -> int:
        return len(FIXED_COLUMNS) + self.indicators + EXTRA_COLUMNS


YES, NO = "Có", "Không"
