"""Which year a unit's pages open on, and what a page says for a year the unit did not exist in
(``AdministrativeUnit.existed_in_year``).

A page opens on the latest year with assessments under the unit (not simply this year: a
district abolished on 30/06/2025 has nothing in 2026), within the years the unit existed.
A year the unit did not exist in is said plainly, with links to the units that took it over
or that it was formed from (``templates/partials/unit_not_in_year.html``).
"""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.utils import timezone

from communes.models import AdministrativeUnit
from criteria.models import Assessment


def _within_lifetime(unit: AdministrativeUnit, year: int) -> int:
    if unit.valid_to is not None:
        year = min(year, unit.valid_to.year)
    if unit.valid_from is not None:
        year = max(year, unit.valid_from.year)
    return year


def default_year(unit: AdministrativeUnit, *, today: datetime.date | None = None) -> int:
    """The latest year, up to this one, with an assessment under the unit; else this year.

    Either way kept within the unit's lifetime. One query.
    """
    this_year = (today or datetime.date.today()).year
    latest = (
        Assessment.objects.within(unit).filter(year__lte=this_year).aggregate(year=Max("year"))["year"]
        if unit.path
        else None
    )
    return _within_lifetime(unit, latest or this_year)


def lifetime_notice(unit: AdministrativeUnit, year: int) -> dict:
    """Context for ``partials/unit_not_in_year.html``: empty when the unit existed in ``year``."""
    if unit.existed_in_year(year):
        return {}
    return {
        "not_in_year": True,
        "successors": list(unit.successors().order_by("name_sort")),
        "predecessors": list(unit.predecessors().order_by("name_sort")),
    }


def latest_year_begun(*, today: datetime.date | None = None) -> int:
    """The latest year that has begun (``year_begun``): this one."""
    return (today or timezone.localdate()).year


def year_begun(year: int, *, today: datetime.date | None = None) -> bool:
    """Whether ``year`` has begun: a unit is assessed for a year that has begun, never ahead (its
    values are where it stands in the year). Starting an assessment asks here, page and service;
    the year pickers offer no later year."""
    return year <= latest_year_begun(today=today)


def latest_year_of(unit: AdministrativeUnit, *, today: datetime.date | None = None) -> int:
    """The latest year begun in the unit's lifetime: this year, or the last year a unit that
    ended existed in (a district ended on 30/06/2025: 2025). What a form for the unit starts on
    when no data decides (the import's templates)."""
    return _within_lifetime(unit, latest_year_begun(today=today))
