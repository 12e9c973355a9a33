"""Commune groups for 2026–2030: the province office sets each merged commune's group."""

from __future__ import annotations

import datetime

from communes.models import AdministrativeUnit, UnitType
from criteria.models_commune_groups import GROUP_OF_CONDITION, GroupCondition
from criteria.services.commune_groups import commune_group_set
from demo.base import draw
from demo.tree import DemoTree

GROUP_DECISION = "120/QĐ-UBND (minh họa)"
GROUP_DECISION_DATE = datetime.date(2026, 1, 20)


def _group_condition(commune: AdministrativeUnit, members: list[AdministrativeUnit], seed: int) -> str:
    """The condition a merged commune meets, as the demo province's decision states it: formed
    from a town's communes, near-urban (group 1); otherwise a fifth of them in ethnic-minority
    and mountain areas (group 3, zone II or III), the rest group 2."""
    if any(m.parent.type == UnitType.THI_XA for m in members):
        return GroupCondition.URBANISING
    chance = draw(seed, "group", commune.code).random()
    if chance < 0.08:
        return GroupCondition.MINORITY_MOUNTAIN_III
    if chance < 0.2:
        return GroupCondition.MINORITY_MOUNTAIN_II
    return GroupCondition.OTHER


def assign_commune_groups(tree: DemoTree, office, seed: int) -> None:
    """The province office sets each merged commune's group through the service, with the
    condition met and the province's deciding document."""
    for commune in tree.merged:
        condition = _group_condition(commune, tree.predecessors[commune.code], seed)
        commune_group_set(
            unit=commune,
            group=GROUP_OF_CONDITION[condition],
            condition=condition,
            decision_number=GROUP_DECISION,
            decision_date=GROUP_DECISION_DATE,
            user=office,
        )
