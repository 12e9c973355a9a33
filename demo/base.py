"""What every part of the demo shares: its options and error, the fictional province's code,
the calendar of the 2025 merger, and the seeded draws.

Same options, same data: every random choice comes from a ``random.Random`` seeded with the
seed and a label naming what is being drawn (a unit code, a set code, a year), so one part
of the generator never shifts the draws of another.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Level

PROVINCE_CODE = "DEMO"
PROVINCE_NAME = "Tỉnh Minh Họa"
MERGER_DATE = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE_MERGER = datetime.date(2025, 6, 30)
MERGER_DECISION = "Nghị quyết 1686/NQ-UBTVQH15 (minh họa)"
LAST_PRE_MERGER_YEAR = 2025
ANCHOR_YEAR = 2025  # trajectories are drawn as "where the commune stands in 2025"

MIN_COMMUNES, MAX_COMMUNES = 8, 400
FIRST_YEAR, LAST_YEAR = 2016, 2030

MSG_ALREADY_SEEDED = _("The demo province %(code)s already exists; run seed_demo --reset to rebuild it.")
MSG_PLAN_MISMATCH = _(
    "Demo generator error: %(unit)s %(set)s %(year)s stored %(stored)s criteria met, planned %(planned)s."
)


class DemoError(Exception):
    """The demo cannot be seeded as asked; the message says why."""


@dataclass(frozen=True)
class DemoOptions:
    communes: int = 60
    year_from: int = 2021
    year_to: int = 2026
    seed: int = 2026

    def years(self) -> range:
        return range(self.year_from, self.year_to + 1)


def draw(seed: int, *labels: object) -> random.Random:
    """The generator for one thing drawn, named by ``labels``."""
    return random.Random(":".join(str(x) for x in (seed, *labels)))


def ends_in(unit: AdministrativeUnit, year: int) -> bool:
    """The unit ends during ``year`` (the units that ended on 30/06/2025)."""
    return unit.valid_to is not None and unit.valid_to.year == year


def moment(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A time of day on ``day`` in the portal's time zone."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE))


def demo_province() -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.filter(code=PROVINCE_CODE, level=Level.PROVINCE).first()
