"""The shapes of the figures the progress selectors return (``reports.selectors.progress`` and
``reports.selectors.trend``): what the pages, the API, the exports and the bulletin read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext, gettext_lazy


@dataclass(frozen=True, kw_only=True)
class Headline:
    """The headline figures of a unit (None: the country) for one year and tier."""

    year: int
    tier: str
    cutoff: datetime.date  # the day titles are read on (31 December; today while the year runs)
    communes_total: int  # the communes of the year (rural communes only)
    communes_with_data: int  # communes with an assessment at ``tier`` in ``year``
    recognised: dict[str, int]  # tier -> communes holding the title at that tier on ``cutoff``
    recognised_share: dict[str, Decimal | None]  # tier -> percent of communes_total, 1 place
    new: dict[str, int]  # tier -> communes newly recognised in the period (the year, or a month)
    average_criteria_met: Decimal | None  # over the assessments at ``tier``, exact: each place rounds it once
    # "Cơ bản đạt", reported beside and never counted as met: the criteria basically met over
    # the assessments at ``tier``, the communes with any, and the average of met + basically met.
    criteria_basically_met: int
    communes_basically_met: int
    average_met_or_basically_met: Decimal | None
    villages_recognised: int  # villages holding the title at ``tier`` on ``cutoff``
    villages_new: int  # villages newly recognised at ``tier`` in the period
    districts_total: int | None  # None below province level and when no district existed
    districts_recognised: int | None  # districts holding the title at ``tier``
    districts_new: int | None  # districts newly recognised at ``tier`` in the period (None as districts_total)
    apart: dict[str, int] = field(default_factory=dict)  # ward / township / special zone -> count, never counted
    # the sizes of the sets assessed at ``tier``, smallest first: (19,), (10,) from 2026, (19, 20)
    # where a province's own 20-criteria set stands beside the national 19
    scales: tuple[int, ...] = ()

    @property
    def scale(self) -> int | None:
        """The one scale the average is on (19, or 10 from 2026); None without data and for a
        year mixing scales, whose average is on none of them."""
        return one_scale(self.scales)

    @property
    def scales_label(self) -> str:
        return scales_label(self.scales)

    @property
    def communes_without_data(self) -> int:
        return self.communes_total - self.communes_with_data

    def averages_before(self, previous: Headline | None) -> tuple[Decimal | None, Decimal | None]:
        """``previous``' averages (criteria met; met and basically met) to compare these with, or
        None unless both years are on the same single scale (19 criteria in 2025, 10 in 2026:
        "−9,1" would compare two sets, not two years; a year mixing 19 and 20 is on neither) or
        where there is no year before."""
        if previous is None or self.scale is None or previous.scale != self.scale:
            return None, None
        return previous.average_criteria_met, previous.average_met_or_basically_met


def one_scale(scales: tuple[int, ...]) -> int | None:
    """The scale of figures on ``scales``: the set size when there is one, else None."""
    return scales[0] if len(scales) == 1 else None


def scales_label(scales: tuple[int, ...]) -> str:
    """The scales a year mixes, in words, in the active language: "19 and 20 criteria" ("19 và
    20 tiêu chí"); "" for one scale or none. What a mixed year's average says instead of
    "/ 19" — on the dashboard's trend and headline, the export's *Xu hướng*, the bulletin."""
    if len(scales) < 2:
        return ""
    *first, last = scales
    return gettext("%(scales)s and %(last)s criteria") % {"scales": ", ".join(map(str, first)), "last": last}


class BucketCount(NamedTuple):
    label: str  # "15–18"; suffixed with the scale ("15–18 / 19") only when a year mixes set sizes
    low: int
    high: int
    count: int
    total: int  # the size of the criteria set whose scale the bucket is on


# The heading of a lagging criterion's share, wherever it is shown (the dashboard, its export,
# the bulletin's sheet): its base is the communes assessed on a set that has the criterion
# (``LaggingCriterion.assessed``), not every commune with data (a province's criterion 20).
LAGGING_SHARE_HEADING = gettext_lazy("Share of communes assessed on a set with this criterion")


class LaggingCriterion(NamedTuple):
    number: int
    name: str
    not_met: int  # communes (assessments at the tier) that have not met it
    basically_met: int = 0  # of those, the communes that report it basically met
    assessed: int = 0  # communes (assessments at the tier) on a set that has it: the share's base


@dataclass(frozen=True, kw_only=True)
class ProgressSummary(Headline):
    unit_code: str | None
    buckets: list[BucketCount] = field(default_factory=list)
    # The same communes by criteria met *and basically met* ("đạt và cơ bản đạt"): a second
    # distribution shown beside, never instead of, ``buckets``.
    buckets_with_basically_met: list[BucketCount] = field(default_factory=list)
    lagging: list[LaggingCriterion] = field(default_factory=list)
    previous_year: Headline | None = None  # the same figures for year - 1; None without data


@dataclass(frozen=True)
class TrendPoint:
    year: int
    recognised: dict[str, int]  # tier -> communes holding the title at the end of the year
    communes_with_data: int  # at the selected tier
    average_criteria_met: Decimal | None  # at the selected tier
    scales: tuple[int, ...] = ()  # the sizes of the sets assessed at the tier (``Headline.scales``)

    @property
    def scale(self) -> int | None:
        """The one scale of the year's average; None for a year mixing scales (and without data)."""
        return one_scale(self.scales)

    @property
    def scales_label(self) -> str:
        return scales_label(self.scales)


@dataclass(frozen=True)
class BreakdownRow:
    """One unit one level down (drill-down): figures of the communes it holds."""

    code: str
    name: str
    level: str
    communes_total: int
    communes_with_data: int
    recognised: int  # holding the title at the selected tier on the cut-off
    average_criteria_met: Decimal | None
    new: int = 0  # newly recognised at the selected tier in the period
    average_met_or_basically_met: Decimal | None = None  # "đạt và cơ bản đạt", beside

    @property
    def communes_without_data(self) -> int:
        return self.communes_total - self.communes_with_data


class Overview(NamedTuple):
    """A dashboard's figures from one statement (``progress_overview``)."""

    summary: ProgressSummary
    trend: list[TrendPoint]
    breakdown: list[BreakdownRow]
