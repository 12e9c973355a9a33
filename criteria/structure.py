"""The structure of a criteria set (its indicators with their criterion, group and targets),
read once per process for a published set.

A published set never changes (its rows refuse to be saved, see ``FrozenWithSetMixin``), so
recording values and drawing the assessment sheet share one copy per process instead of
reading the indicators and targets on every request; a draft is read fresh each time. The
shared model instances are read, never changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from criteria.models import CriteriaSet, Criterion, Indicator, SetStatus


@dataclass(frozen=True)
class SetStructure:
    indicators: tuple[Indicator, ...]  # by criterion number, then position
    criterion_ids: tuple[int, ...]  # by number
    criteria: tuple[Criterion, ...]  # by number, with their group; a criterion may have no indicator


# Keyed by id and publication time: a database rolled back in tests may hand an id out again.
_STRUCTURES: dict[tuple[int, object], SetStructure] = {}


def set_structure(criteria_set: CriteriaSet) -> SetStructure:
    key = (criteria_set.pk, criteria_set.published_at)
    cached = _STRUCTURES.get(key)
    if cached is not None:
        return cached
    indicators = tuple(
        Indicator.objects.filter(criteria_set_id=criteria_set.pk)
        .select_related("criterion__group")
        .prefetch_related("targets")
        .order_by("criterion__number", "position", "pk")
    )
    criteria = tuple(
        Criterion.objects.filter(criteria_set_id=criteria_set.pk).select_related("group").order_by("number")
    )
    structure = SetStructure(indicators, tuple(c.pk for c in criteria), criteria)
    if criteria_set.status != SetStatus.DRAFT and criteria_set.published_at is not None:
        _STRUCTURES[key] = structure
    return structure
