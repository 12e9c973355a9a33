"""Which target applies to a unit in a year, as pure functions: no ORM, no database.

A target row is restricted to a region, a commune group and a first assessment year (any of
them may be left open); the most specific row that fits the unit applies. The ORM side, which
turns stored targets into ``TargetRule``s for a unit, is ``criteria.targets``; callers read
these names through ``criteria.evaluation``, with the rest of the rules.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TargetRule:
    """One target row: a value and the dimensions it is restricted to (None = any)."""

    value: Decimal | bool | None
    region: str | None = None
    group: int | None = None
    year: int | None = None  # applies from this assessment year on
    to_verify: bool = False
    key: object = None


@dataclass(frozen=True)
class TargetReason:
    """Why a target applied: the dimensions of the chosen target that matched the unit."""

    matched: bool = True
    region: str | None = None
    group: int | None = None
    year: int | None = None
    disadvantaged: bool = False  # region came from the especially-disadvantaged rule

    @property
    def national_default(self) -> bool:
        return self.matched and self.region is None and self.group is None and self.year is None


NO_MATCH = TargetReason(matched=False)


@dataclass(frozen=True)
class TargetSubject:
    """What a unit brings to the choice of its target (``criteria.targets.subject_for`` reads it
    off a unit and a set): its region, its commune group (2026–2030), the assessment year, and
    whether it is especially disadvantaged — then held to the set's ``disadvantaged_region``."""

    region: str | None
    group: int | None
    year: int
    especially_disadvantaged: bool = False
    disadvantaged_region: str | None = None


def select_target_with_reason(
    targets: Iterable[TargetRule], subject: TargetSubject
) -> tuple[TargetRule | None, TargetReason]:
    """Choose the most specific applicable target for ``subject`` and say why it applied.

    Ranking: more specified dimensions first; then the latest `year`; then a region-specific
    target before a group-specific one; then the first in the given order (so callers pass
    targets in a stable order, e.g. by primary key).
    """
    # QĐ 318 Điều 1: especially disadvantaged and safe-zone communes of poor districts
    # are held to the northern mountain region's targets.
    substituted = subject.especially_disadvantaged and subject.disadvantaged_region is not None
    unit_region = subject.disadvantaged_region if substituted else subject.region
    group, year = subject.group, subject.year

    best: TargetRule | None = None
    best_rank: tuple[int, int, bool, bool] | None = None
    for target in targets:
        if (
            (target.region is not None and target.region != unit_region)
            or (target.group is not None and target.group != group)
            or (target.year is not None and target.year > year)
        ):
            continue
        given = (target.region, target.group, target.year)
        rank = (
            sum(d is not None for d in given),
            target.year if target.year is not None else -1,
            target.region is not None,
            target.group is not None,
        )
        if best_rank is None or rank > best_rank:  # strict: the earlier one keeps a tie
            best, best_rank = target, rank
    if best is None:
        return None, NO_MATCH
    reason = TargetReason(
        region=best.region,
        group=best.group,
        year=best.year,
        disadvantaged=substituted and best.region is not None,
    )
    return best, reason


def select_target(targets: Iterable[TargetRule], subject: TargetSubject) -> TargetRule | None:
    """The target that applies to ``subject``, or None; see select_target_with_reason."""
    target, _reason = select_target_with_reason(targets, subject)
    return target


def first_subject_without_target(
    targets: Sequence[TargetRule], subjects: Iterable[TargetSubject]
) -> TargetSubject | None:
    """The first of ``subjects`` to which no target with a value applies, or None when each has one.

    A unit whose applicable target has no value gets "no target" for any value it records, so
    the indicator — if required — can never be met there (asked before a set is published)."""
    for subject in subjects:
        target = select_target(targets, subject)
        if target is None or target.value is None:
            return subject
    return None
