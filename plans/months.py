"""Which months of a year a unit's funds are recorded for: one rule, no query.

``funds_record`` refuses a cell of a closed month, with the reason's code; the funds grid
(``plans.selectors.funds_grid``) shows the same months read-only, so it never offers a cell
the service would refuse.
"""

from __future__ import annotations

import calendar
import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from communes.models import AdministrativeUnit

# Why a month is closed (also the codes of the service's refusals).
MONTH_NOT_BEGUN = "future"
UNIT_ABSENT = "unit_absent"


def _month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of ``month``/``year``."""
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def closed_month(unit: AdministrativeUnit, year: int, month: int, *, today: datetime.date) -> str | None:
    """Why no funds can be recorded for ``unit`` in ``month``/``year``: ``MONTH_NOT_BEGUN``
    (after ``today``'s month) or ``UNIT_ABSENT`` (the unit did not exist on any day of it: the
    1 July 2025 reorganisation); None when they can."""
    first, last = _month_bounds(year, month)
    if first > today:
        return MONTH_NOT_BEGUN
    if not unit.existed_during(first, last):
        return UNIT_ABSENT
    return None
