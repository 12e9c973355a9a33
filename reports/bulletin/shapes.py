"""The figures of a bulletin as plain rows (no ORM): what ``data`` gathers and the workbook and
the Word document lay out."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from reports.bulletin.month import Month

if TYPE_CHECKING:
    from ocop.selectors import OcopCounts


class BucketLine(NamedTuple):
    label: str
    count: int
    low: int = 0
    high: int = 0
    total: int = 0  # the size of the set whose scale the bucket is on
    with_basically_met: int = 0  # the same communes by criteria met and basically met


class BreakdownLine(NamedTuple):
    name: str
    communes: int
    with_data: int
    standard: int
    advanced: int
    model: int
    new: int
    average: Decimal | None


class MatrixLine(NamedTuple):
    group: str
    name: str
    code: str
    state: str
    met: int | None
    total: int | None
    cells: tuple  # per criterion column: True, False or None
    higher: tuple = ("", "")  # the advanced and model assessments of the year: "14/19", or ""
    title: str = ""  # the decision by which it holds the standard title on the cut-off, or ""


class TierLine(NamedTuple):
    """The standing of the year and the titles at one tier (standard, advanced, model)."""

    tier: str
    name: str  # "NTM", "NTM nâng cao", "NTM kiểu mẫu"
    with_data: int  # communes assessed at the tier in the year
    recognised: int  # communes holding the title on the cut-off
    new: int  # communes recognised in the month
    average: Decimal | None
    buckets: list[BucketLine]
    villages_recognised: int
    villages_new: int
    scales: str = ""  # a year mixing scales: "19 và 20 tiêu chí" (its average is on none of them)


class TrendLine(NamedTuple):
    """Communes holding each title at a year's end (the month's cut-off for its own year)."""

    label: str  # "2023", or "04/2024" for the month reported on
    standard: int
    advanced: int
    model: int


class LaggingLine(NamedTuple):
    number: int
    name: str
    not_met: int
    basically_met: int = 0  # of those not met, reported basically met (cơ bản đạt)
    assessed: int = 0  # communes assessed on a set that has the criterion (the share's base)


class NewLine(NamedTuple):
    name: str
    level: str
    parent: str
    set_name: str
    tier: str
    year: int
    decision_number: str
    decision_date: datetime.date | None
    # A revocation's line: the recognition decision it revokes (the line's decision is the revoking one).
    revoked_number: str = ""
    revoked_date: datetime.date | None = None


class SetLine(NamedTuple):
    code: str
    name: str
    decision_number: str
    decision_date: datetime.date
    level: str
    tier: str
    assessments: int


@dataclass
class FundsTable:
    title: str
    headers: list[str]
    rows: list[list]
    kind: str = ""  # a plan table's kind (``plans.selectors.common.PLAN_TARGETS`` …)


@dataclass
class BulletinData:
    unit_name: str
    unit_code: str | None
    unit_level: str | None
    month: Month
    year: int
    cutoff: datetime.datetime
    current: bool
    communes_total: int
    with_data: int
    recognised: dict[str, int]
    new: dict[str, int]
    average: Decimal | None
    villages_recognised: int
    villages_new: int
    districts_total: int | None
    districts_recognised: int | None
    districts_new: int | None = None  # districts recognised in the month (None as districts_total)
    buckets: list[BucketLine] = field(default_factory=list)
    breakdown_title: str = "Đơn vị"  # what the breakdown's rows are ("Huyện", "Xã"): ``units_heading``
    breakdown: list[BreakdownLine] = field(default_factory=list)
    columns: list[tuple[int, str]] = field(default_factory=list)
    matrix_group_title: str = ""  # the matrix's column of districts ("Huyện"); "" leaves it out
    matrix: Sequence[MatrixLine] = field(default_factory=list)
    lagging: list[LaggingLine] = field(default_factory=list)
    newly: list[NewLine] = field(default_factory=list)
    revoked: list[NewLine] = field(default_factory=list)  # revocations dated in the month, with their decision
    funds: list[FundsTable] = field(default_factory=list)
    plan: list[FundsTable] = field(default_factory=list)
    sets: list[SetLine] = field(default_factory=list)
    as_recorded: bool = False  # the figures the portal held at the cut-off, not what was true in the month
    apart: dict[str, int] = field(default_factory=dict)  # wards, townships, special zones: never counted
    tiers: list[TierLine] = field(default_factory=list)
    trend: list[TrendLine] = field(default_factory=list)
    # OCOP products by stars (ocop.selectors.ocop_counts: plain numbers and dates); None: not read.
    ocop: OcopCounts | None = None
    average_with_basically_met: Decimal | None = None  # "đạt và cơ bản đạt", never counted as met

    @property
    def document_title(self) -> str:
        """The title the Word and Excel files carry in their properties: sentence case, the
        unit's name as written."""
        return f"Bản tin nông thôn mới tháng {self.month.label} — {self.unit_name}"


@dataclass(frozen=True)
class Issue:
    """Who generated (or issued) the file, and when."""

    by: str
    at: datetime.datetime
    issued: bool = False
