"""Which year a unit's pages open on, and what a page says for a year the unit did not exist in
(``AdministrativeUnit.existed_in_year``).

A page opens on the latest year with assessments under the unit (not simply this year: a
district abolished on 30/06/2025 has nothing in 2026), within the years the unit existed.
A year the unit did not exist in is said plainly, with links to the units that took it over
or that it was formed from (``templates/partials/unit_not_in_year.html``).

The year pickers of the unit pages (workspace, overview, plans) come from one helper,
``page_year``: they offer the years begun within the unit's lifetime, and a year asked for in
the address that no page shows (before the programme, not begun, not a year) is not shown as
if it were: the page shows its default year and says so. Which years a page shows is decided
once, by ``year_shown``; the reports pages (dashboards, communes, matrix, exports) ask it too,
and every API endpoint that reads a year (progress, plan, funds, assessments) refuses any other
year with a 400 (``validate_year_shown``). Years ahead that are planned, not read (registered
target years, province target periods, the sets in force) keep their own range
(``programme.LAST_YEAR``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, year_days
from criteria import programme
from criteria.models import Assessment


@dataclass(frozen=True)
class LifetimeWording:
    """How a refusal says a year lies outside a unit's lifetime: ``ended`` (``%(unit)s``,
    ``%(end)s``, ``%(year)s``) for a year after the unit ended, ``not_formed`` (``%(unit)s``,
    ``%(start)s``, ``%(year)s``) for a year before it was formed. Each caller says what cannot
    be done; ``year_outside_lifetime`` decides which and names the date."""

    ended: str
    not_formed: str


def year_outside_lifetime(unit: AdministrativeUnit, year: int, wording: LifetimeWording) -> ValidationError | None:
    """The refusal of ``year`` for ``unit`` when the unit did not exist in it
    (``AdministrativeUnit.lifetime_side``), naming the date it ended or was formed; None when
    it existed in the year. The one wording of "not in the unit's lifetime" for starting an
    assessment, a summary record and the imports; codes ``unit_ended`` / ``unit_not_formed``."""
    side = unit.lifetime_side(*year_days(year))
    if side == "after":
        params = {"unit": unit.name, "end": f"{unit.valid_to:%d/%m/%Y}", "year": year}
        return ValidationError(wording.ended, code="unit_ended", params=params)
    if side == "before":
        params = {"unit": unit.name, "start": f"{unit.valid_from:%d/%m/%Y}", "year": year}
        return ValidationError(wording.not_formed, code="unit_not_formed", params=params)
    return None


def within_lifetime(unit: AdministrativeUnit, year: int) -> int:
    """``year``, or the nearest year the unit existed in (its first or its last)."""
    if unit.valid_to is not None:
        year = min(year, unit.valid_to.year)
    if unit.valid_from is not None:
        year = max(year, unit.valid_from.year)
    return year


def default_year(unit: AdministrativeUnit, *, today: datetime.date | None = None) -> int:
    """The latest year, up to this one, with an assessment under the unit; else this year.

    Either way kept within the unit's lifetime. One query.
    """
    this_year = (today or timezone.localdate()).year
    latest = (
        Assessment.objects.within(unit).filter(year__lte=this_year).aggregate(year=Max("year"))["year"]
        if unit.path
        else None
    )
    return within_lifetime(unit, latest or this_year)


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
    return within_lifetime(unit, latest_year_begun(today=today))


# The programme's first year (QĐ 491/QĐ-TTg, 2009): no page shows an earlier one.
FIRST_YEAR = programme.FIRST_YEAR
MSG_YEAR_NOT_SHOWN = _("“%(asked)s” is not a year that can be shown (%(first)s–%(last)s): showing %(year)s.")
MSG_YEAR_OUTSIDE = _("The year must be between %(first)s and %(last)s.")


def can_be_shown(year: int, *, today: datetime.date | None = None) -> bool:
    """Whether a page shows ``year``: a year of the programme that has begun."""
    return FIRST_YEAR <= year <= latest_year_begun(today=today)


def validate_year_shown(year: int, *, today: datetime.date | None = None) -> None:
    """Refuse a year given to read (an API's ``year``, a funds write) that no page shows
    (``can_be_shown``), naming the years that are: ``ValidationError`` code ``year``. The API's
    year field and filter (``criteria.api_years``) and ``plans.services.funds_record`` refuse by
    it, so a year the pages do not offer is not answered as if it had been read."""
    if not can_be_shown(year, today=today):
        params = {"first": FIRST_YEAR, "last": latest_year_begun(today=today)}
        raise ValidationError(MSG_YEAR_OUTSIDE, code="year", params=params)


def year_shown(asked: str | None, *, today: datetime.date | None = None) -> int | None:
    """The year ``?year=asked`` names if a page shows it (``can_be_shown``); None when nothing
    is asked or when no page shows it (a year ahead, before the programme, not a year)."""
    asked = (asked or "").strip()
    if re.fullmatch(r"\d{4}", asked, flags=re.ASCII) and can_be_shown(int(asked), today=today):
        return int(asked)
    return None


def year_not_shown_notice(
    asked: str | None, year: int, *, offered: range | None = None, today: datetime.date | None = None
) -> str:
    """What a page showing ``year`` says when ``?year=asked`` named a year no page shows; empty
    when nothing was asked or the year asked is shown. The range it names is ``offered``, the
    years the page's picker offers (a unit's page: ``year_choices``, the unit's own years); by
    default the programme's years that have begun (the reports pages' year input)."""
    asked = (asked or "").strip()
    if not asked or year_shown(asked, today=today) is not None:
        return ""
    if not offered:
        offered = range(FIRST_YEAR, latest_year_begun(today=today) + 1)
    params = {"asked": asked[:20], "first": min(offered), "last": max(offered), "year": year}
    return str(MSG_YEAR_NOT_SHOWN) % params


def warn_year_not_shown(request, year: int) -> None:
    """``year_not_shown_notice`` for the request's ``?year=``, shown as a warning: for pages that
    find their default year themselves (the reports pages)."""
    notice = year_not_shown_notice(request.GET.get("year"), year)
    if notice:
        messages.warning(request, notice)


def year_choices(unit: AdministrativeUnit, *, today: datetime.date | None = None) -> range:
    """The years a unit's year picker offers, latest first: the programme's years that have
    begun (nothing is started for a year ahead, ``year_begun``) within the unit's lifetime (a
    commune that ended on 30/06/2025 offers no 2026)."""
    first = FIRST_YEAR if unit.valid_from is None else max(FIRST_YEAR, unit.valid_from.year)
    return range(latest_year_of(unit, today=today), first - 1, -1)


@dataclass(frozen=True)
class YearOption:
    year: int
    offered: bool  # False: the year shown, outside the unit's lifetime (said by ``lifetime_notice``)


@dataclass(frozen=True)
class PageYear:
    """The year a unit's page shows, its picker's options and, when the year asked for was not
    one a page shows, the notice that says which year is shown instead."""

    year: int
    options: list[YearOption]
    notice: str = ""


def page_year(unit: AdministrativeUnit, asked: str | None, *, today: datetime.date | None = None) -> PageYear:
    """The year for ``?year=asked`` on a unit's page, and its picker.

    Nothing asked: ``default_year``. A year of the programme that has begun: that year, also
    outside the unit's lifetime, where the page says the unit did not exist then
    (``lifetime_notice``) and the picker shows the year without offering it. Anything else (a
    year ahead, before the programme, not a year): ``default_year``, and ``notice`` says so,
    naming the years the picker offers.
    """
    year = year_shown(asked, today=today)
    if year is None:
        year = default_year(unit, today=today)
    choices = year_choices(unit, today=today)
    notice = year_not_shown_notice(asked, year, offered=choices, today=today)
    options = [YearOption(y, True) for y in choices]
    if year not in {o.year for o in options}:
        options = sorted([*options, YearOption(year, False)], key=lambda o: -o.year)
    return PageYear(year=year, options=options, notice=notice)


def page_year_of(request, unit: AdministrativeUnit) -> PageYear:
    """``page_year`` for the request's ``?year=``; its notice, if any, shown as a warning."""
    chosen = page_year(unit, request.GET.get("year"))
    if chosen.notice:
        messages.warning(request, chosen.notice)
    return chosen
