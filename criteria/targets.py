"""The target that applies to a unit: one place for recording, the sheet, the set preview, the
workflow's derived indicators, the demo and the bench (the rule itself is
``evaluation.select_target_with_reason``, pure, given an ``evaluation.TargetSubject``)."""

from __future__ import annotations

from typing import Protocol

from criteria import evaluation
from criteria.models import CriteriaSet, Indicator, Target


class TargetUnit(Protocol):
    """A unit as the target rule sees it: an ``AdministrativeUnit``, or the bench's own rows."""

    region: str
    commune_group: int | None
    especially_disadvantaged: bool


class TargetSet(Protocol):
    disadvantaged_region: str | None


def subject_for(unit: TargetUnit, *, year: int, criteria_set: TargetSet) -> evaluation.TargetSubject:
    """What ``unit`` brings to the rule in ``year`` under ``criteria_set``: its region (or, for an
    especially disadvantaged commune, the set's ``disadvantaged_region``) and, for the 2026–2030
    set, its commune group as the province office set it with its basis
    (``services.commune_groups.commune_group_set`` keeps ``unit.commune_group``)."""
    return evaluation.TargetSubject(
        region=unit.region or None,
        group=unit.commune_group,
        year=year,
        especially_disadvantaged=unit.especially_disadvantaged,
        disadvantaged_region=criteria_set.disadvantaged_region or None,
    )


_RULES_ATTR = "_ntm_target_rules"


def rules_of(indicator: Indicator) -> list[evaluation.TargetRule]:
    """The indicator's target rows as rules (``indicator.targets`` prefetched: no query).

    Kept on the indicator object, which lives as long as its prefetched targets do (a published
    set's structure is read once per process and never changes; a draft's is read afresh)."""
    rules = indicator.__dict__.get(_RULES_ATTR)
    if rules is None:
        # Stable order (by primary key) so that a tie between equally specific rows is decided the same way everywhere.
        rules = [t.as_rule() for t in sorted(indicator.targets.all(), key=lambda t: t.pk)]
        indicator.__dict__[_RULES_ATTR] = rules
    return rules


def rule_for_unit(
    rules: list[evaluation.TargetRule], *, unit: TargetUnit, year: int, criteria_set: TargetSet
) -> tuple[evaluation.TargetRule | None, evaluation.TargetReason]:
    """Of an indicator's target rules, the one that applies to ``unit`` in ``year`` and why.
    Callers that hold rules already (the demo's planner, the set preview) use this too."""
    return evaluation.select_target_with_reason(rules, subject_for(unit, year=year, criteria_set=criteria_set))


def target_with_reason(
    indicator: Indicator, *, unit: TargetUnit, year: int, criteria_set: CriteriaSet
) -> tuple[evaluation.TargetRule | None, evaluation.TargetReason]:
    """The target row that applies to ``unit`` in ``year`` and why (region, group, year)."""
    return rule_for_unit(rules_of(indicator), unit=unit, year=year, criteria_set=criteria_set)


def target_for(
    indicator: Indicator, *, unit: TargetUnit, year: int, criteria_set: CriteriaSet
) -> evaluation.TargetRule | None:
    return target_for_subject(indicator, subject_for(unit, year=year, criteria_set=criteria_set))


def target_for_subject(indicator: Indicator, subject: evaluation.TargetSubject) -> evaluation.TargetRule | None:
    """``target_for`` with the unit's ``subject_for`` worked out once, for a batch that writes
    many indicators of one unit."""
    rule, _reason = evaluation.select_target_with_reason(rules_of(indicator), subject)
    return rule


def target_row_for(
    indicator: Indicator, *, unit: TargetUnit, year: int, criteria_set: CriteriaSet
) -> tuple[Target | None, evaluation.TargetReason]:
    """The stored ``Target`` row (for the sheet, which shows its provenance) and why it applied."""
    rule, reason = target_with_reason(indicator, unit=unit, year=year, criteria_set=criteria_set)
    by_pk = {t.pk: t for t in indicator.targets.all()}
    return (by_pk[rule.key] if rule else None), reason
