"""Registered targets and province targets as the plans page lists them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Case, Prefetch, When
from django.utils.translation import gettext

from communes.models import AdministrativeUnit, Level
from criteria.models import Tier
from ntm_portal.numbers import vn_number
from plans.models import (
    PROVINCE_TARGET_FIELDS,
    ProvinceTarget,
    ProvinceTargetChange,
    RegisteredTarget,
    RegisteredTargetChange,
)

PER_PAGE = 50

# The levels listed below a unit on the plans page (villages on their commune's page).
LEVELS_BELOW: dict[str, tuple[str, ...]] = {
    Level.PROVINCE: (Level.DISTRICT, Level.COMMUNE),
    Level.DISTRICT: (Level.COMMUNE,),
    Level.COMMUNE: (Level.VILLAGE,),
    Level.VILLAGE: (),
}

# --- Registered targets: the plans page ------------------------------------------------------


@dataclass
class TargetRow:
    unit: AdministrativeUnit
    targets: dict[str, RegisteredTarget]  # tier -> target
    changes: list[RegisteredTargetChange] = field(default_factory=list)

    def by_tier(self) -> list[tuple[str, str, RegisteredTarget | None]]:
        return [(tier, label, self.targets.get(tier)) for tier, label in Tier.choices]


@dataclass
class TargetsPage:
    own: TargetRow | None  # None for a province: its targets are province targets
    page: Page  # of TargetRow, the units listed below the unit


def _rows_for(units: list[AdministrativeUnit]) -> list[TargetRow]:
    """Each unit with its targets and their history: two queries."""
    targets = RegisteredTarget.objects.filter(unit__in=units).select_related("set_by")
    rows = {u.pk: TargetRow(unit=u, targets={}) for u in units}
    by_pk = {}
    for t in targets:
        rows[t.unit_id].targets[t.tier] = t
        by_pk[t.pk] = t
    changes = RegisteredTargetChange.objects.filter(target__unit__in=units).select_related("user")
    for change in changes.order_by("at", "pk"):
        target = by_pk[change.target_id]
        change.tier_label = Tier(target.tier).label
        rows[target.unit_id].changes.append(change)
    return [rows[u.pk] for u in units]


def targets_page(
    *, unit: AdministrativeUnit, year: int, q: str = "", page: int | str = 1, per_page: int = PER_PAGE
) -> TargetsPage:
    """The unit's own targets and a page of the units below it (searchable without diacritics).

    Units below: a province's districts (first) and communes, a district's communes, a
    commune's villages, those that existed in ``year`` (the year the page shows: a district
    abolished on 1 July 2025 lists its communes for 2024 and 2025, none for 2026). Four
    queries, six with the unit's own row.
    """
    own = _rows_for([unit])[0] if unit.level != Level.PROVINCE else None
    districts_first = (Case(When(level=Level.DISTRICT, then=0), default=1), "name_sort", "code")
    below = (
        AdministrativeUnit.objects.subtree(unit, include_self=False)
        .filter(level__in=LEVELS_BELOW[unit.level])
        .existed_in_year(year)
        .order_by(*districts_first)
        .search(q, then=districts_first)
    )
    paginated = Paginator(below, per_page).get_page(page)
    paginated.object_list = _rows_for(list(paginated.object_list))
    return TargetsPage(own=own, page=paginated)


class FieldChange(NamedTuple):
    """One figure of a province target before and after a change, as the page shows it."""

    label: str
    old: str  # "—": nothing before (the first entry)
    new: str


# Figures where a value means "no target": a count of 0 (the form's "0: no target for this
# tier"), an empty minimum or share. Worded as the target itself is: "No target".
_COUNTS = ("communes_standard", "communes_advanced", "communes_model")
_OPTIONAL = ("min_criteria", "villages_recognised_share")


def _is_no_target(field: str, value) -> bool:
    return (field in _COUNTS and value == 0) or (field in _OPTIONAL and value is None)


def _shown(field: str, value, *, first: bool = False) -> str:
    if value is None and (first or field not in _OPTIONAL):
        return "—"
    if _is_no_target(field, value):
        return gettext("No target")
    if field == "villages_recognised_share":
        return f"{vn_number(Decimal(value), 1)}%"
    return str(value)


def field_changes(change: ProvinceTargetChange) -> list[FieldChange]:
    """The figures a change of a province target changed, in the order the form lists them.

    On the first entry (nothing before, "—") a tier entered at 0 is left out: nothing → no
    target is not a change anyone made (QA: the history opened on "— → 0")."""
    first = change.changes.get("period_from", [0])[0] is None  # a stored target always has a period
    fields = []
    for name in PROVINCE_TARGET_FIELDS:
        if name not in change.changes:
            continue
        old, new = change.changes[name]
        if first and old is None and _is_no_target(name, new):
            continue
        fields.append(
            FieldChange(
                label=str(ProvinceTarget._meta.get_field(name).verbose_name),
                old=_shown(name, old, first=first),
                new=_shown(name, new),
            )
        )
    return fields


def province_targets(*, province: AdministrativeUnit) -> list[ProvinceTarget]:
    """A province's targets, the latest period first, each with its history (``changes``,
    oldest first; each change's ``fields``: ``field_changes``): two queries."""
    targets = list(
        ProvinceTarget.objects.filter(province=province)
        .select_related("entered_by")
        .prefetch_related(
            Prefetch("changes", queryset=ProvinceTargetChange.objects.select_related("user").order_by("at", "pk"))
        )
        .order_by("-period_to", "-period_from")
    )
    for target in targets:
        for change in target.changes.all():
            change.fields = field_changes(change)
    return targets
