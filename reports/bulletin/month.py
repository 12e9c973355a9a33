"""A bulletin's month and its data cut-off (no ORM)."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR = 2010


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month | None:
        """``"2024-01"`` → Month(2024, 1); None for anything else."""
        match = _MONTH.match(text or "")
        if not match:
            return None
        year, month = int(match[1]), int(match[2])
        if not (FIRST_YEAR <= year <= 2100 and 1 <= month <= 12):
            return None
        return cls(year, month)

    @classmethod
    def of(cls, moment: datetime.datetime) -> Month:
        local = timezone.localtime(moment)
        return cls(local.year, local.month)

    @classmethod
    def containing(cls, day: datetime.date) -> Month:
        return cls(day.year, day.month)

    @property
    def slug(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def start(self) -> datetime.datetime:
        """Midnight of the first day, in the portal's time zone."""
        return timezone.make_aware(datetime.datetime.combine(self.first_day, datetime.time()))

    @property
    def end(self) -> datetime.datetime:
        """The last instant of the month (the cut-off of a past month's bulletin)."""
        return self.next().start - datetime.timedelta(microseconds=1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)


def cutoff_for(month: Month, now: datetime.datetime | None = None) -> tuple[datetime.datetime, bool] | None:
    """The data cut-off of a bulletin and whether it is "now" (the current month).

    A past month is read as it stood at its last instant; the current month as it stands
    now; a month still to come has no bulletin (None).
    """
    now = now or timezone.now()
    current = Month.of(now)
    if month > current:
        return None
    if month == current:
        return now, True
    return month.end, False


def life_months(unit) -> tuple[Month | None, Month | None]:
    """The first and last months a unit existed in (None where its life is open): a bulletin is
    for a month of its life, as a district that ended on 30/06/2025 has its last in 06/2025."""
    if unit is None:
        return None, None
    first = Month.containing(unit.valid_from) if unit.valid_from else None
    last = Month.containing(unit.valid_to) if unit.valid_to else None
    return first, last


def within_life(unit, month: Month) -> bool:
    """Whether the unit existed in at least part of ``month`` (the country always does)."""
    first, last = life_months(unit)
    return (first is None or first <= month) and (last is None or month <= last)
