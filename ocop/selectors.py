"""Reads of OCOP products. ``ocop_counts`` is the one figure of OCOP for a unit and a period:
the dashboard panel, the API summary, the bulletin and the export heading all read it, so
they never disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from communes.filters import valid_on_q
from communes.models import AdministrativeUnit
from ocop import validity
from ocop.models import OcopProduct, Stage, Stars

STARS = tuple(Stars.values)


@dataclass(frozen=True)
class StarLine:
    stars: int
    certified: int  # holding a valid certificate on the period's last day
    new: int  # certificate dated in the period


@dataclass(frozen=True)
class OcopCounts:
    """OCOP products of a unit (and everything below it) for a period ``first``–``last``."""

    first: datetime.date
    last: datetime.date
    by_stars: tuple[StarLine, ...]
    certified: int
    new: int
    expired: int  # certified by ``last`` and run out by then
    # Ideas and products being rated: entered by ``last`` in a commune that existed on it, by
    # the stage they have on ``stages_on`` (today). The stage has no history, so for a period
    # that ended before today these are not the period's pipeline (``stages_of_the_period``).
    ideas: int
    rating: int
    stages_on: datetime.date

    @property
    def empty(self) -> bool:
        """No product at all to report for the period (no sheet, no paragraph)."""
        return not any((self.certified, self.new, self.expired, self.ideas, self.rating))

    @property
    def stages_of_the_period(self) -> bool:
        """The period runs to today: ideas and products being rated are the period's own. For
        an earlier period only their entry and commune are placed in it, not their stage."""
        return self.last >= self.stages_on

    def stars(self, stars: int) -> StarLine:
        return next(line for line in self.by_stars if line.stars == stars)


def ocop_counts(
    unit: AdministrativeUnit | None,
    period: tuple[datetime.date, datetime.date],
    *,
    recorded: datetime.datetime | None = None,
    today: datetime.date | None = None,
) -> OcopCounts:
    """Products by stars certified and valid on the period's last day, and new in the period
    (certificate dated in it); ``unit=None`` is the country. ``recorded``: only products entered
    by then (the bulletin read as recorded). One query.

    Valid time: certificates are placed by their dates. Ideas and products being rated have no
    dates of their own and their stage no history: one counts only if it was entered by the
    period's last day (to today at most) in a commune that existed on that day, at the stage it
    has today (``OcopCounts.stages_of_the_period`` says whether that is the period's)."""
    first, last = period
    today = today or timezone.localdate()
    products = OcopProduct.objects.within(unit)
    if recorded is not None:
        products = products.filter(entered_at__lte=recorded)
    earliest = validity.earliest_valid_certificate(last)
    day = min(last, today)
    entered_by = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
    placed = Q(entered_at__lt=entered_by) & valid_on_q(day, "commune__")
    # Grouped by stage and stars (a handful of rows), the dates counted in SQL, summed here.
    rows = (
        products.order_by()
        .values("stage", "stars")
        .annotate(
            held=Count("pk", filter=Q(certificate_date__lte=last, certificate_date__gte=earliest)),
            new=Count("pk", filter=Q(certificate_date__gte=first, certificate_date__lte=last)),
            expired=Count("pk", filter=Q(certificate_date__lt=earliest)),
            placed=Count("pk", filter=placed),
        )
    )
    held, new, by_stage = dict.fromkeys(STARS, 0), dict.fromkeys(STARS, 0), dict.fromkeys(Stage.values, 0)
    expired = 0
    for row in rows:
        by_stage[row["stage"]] += row["placed"]
        if row["stage"] == Stage.CERTIFIED:
            expired += row["expired"]
            if row["stars"] in held:
                held[row["stars"]] += row["held"]
                new[row["stars"]] += row["new"]
    lines = tuple(StarLine(s, held[s], new[s]) for s in STARS)
    return OcopCounts(
        first=first,
        last=last,
        by_stars=lines,
        certified=sum(line.certified for line in lines),
        new=sum(line.new for line in lines),
        expired=expired,
        ideas=by_stage[Stage.IDEA],
        rating=by_stage[Stage.RATING],
        stages_on=today,
    )


def year_period(year: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """A year as a period: 1 January to 31 December, or to today for the current year."""
    return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)


def products_listed(
    products: QuerySet[OcopProduct],
    *,
    day: datetime.date,
    q: str = "",
    status: str = "",
    stars: int | None = None,
    commune: AdministrativeUnit | None = None,
) -> QuerySet[OcopProduct]:
    """The page's, the API's and the export's list: ``products`` (already narrowed to the
    reader's area by ``communes.access``) filtered, with their status on ``day``, in
    Vietnamese order."""
    if q:
        products = products.search(q)
    if status:
        products = products.of_status(status, day)
    if stars:
        products = products.filter(stars=stars)
    if commune is not None:
        products = products.filter(commune=commune)
    return (
        products.with_status(day).select_related("commune", "commune__parent", "entered_by").order_by("name_sort", "pk")
    )
