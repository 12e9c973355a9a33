"""Where things sit in an import template: shared by the builder and the reader (no ORM)."""

from __future__ import annotations

from typing import NamedTuple

FORMAT = "ntm-import/1"
MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024

DATA_SHEET = "Số liệu"
GUIDE_SHEET = "Hướng dẫn"
META_SHEET = "_ntm"  # hidden: what the template is for
# When the template was made, in the meta sheet: Vietnam's wall-clock time to the second (for a
# person reading it; every template has it) and, since December 2026, the exact moment in UTC.
# A value changed after it is one the file predates (``checks``: a stale cell is refused).
GENERATED_AT = "generated_at"
GENERATED_AT_UTC = "generated_at_utc"

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


# --- The criteria-level sheet: summary records of past years (one row per unit and year) ----

SUMMARY_FORMAT = "ntm-import-summary/1"
YEAR = "nam"
TIER = "muc"
SET_CODE = "ma_bo_tieu_chi"
MET = "tieu_chi_dat"
BASICALLY_MET = "tieu_chi_co_ban_dat"
COUNT = "so_tieu_chi_dat"
SOURCE_NUMBER = "so_van_ban"
SOURCE_DATE = "ngay_van_ban"
REASON = "ly_do_bo_khac"
SUMMARY_INFO_COLUMNS = (UNIT_CODE, UNIT_NAME, PARENT_NAME)
SUMMARY_INPUT_COLUMNS = (YEAR, TIER, SET_CODE, MET, BASICALLY_MET, COUNT, SOURCE_NUMBER, SOURCE_DATE, REASON)
SUMMARY_COLUMNS = SUMMARY_INFO_COLUMNS + SUMMARY_INPUT_COLUMNS
# The tiers as the sheet writes them (a drop-down list); the codes are accepted too.
TIER_WORDS = {"chuẩn": "standard", "nâng cao": "advanced", "kiểu mẫu": "model"}


def summary_bounds(units: int) -> Bounds:
    """The summary sheet's area: its rows, and its input columns counted as ``indicators``."""
    return Bounds(units=units, indicators=len(SUMMARY_COLUMNS) - len(FIXED_COLUMNS))
