"""The target that applies to a unit: one function for recording, the sheet, the workflow and
the derived indicators (the rule itself is ``evaluation.select_target_with_reason``, pure)."""

from __future__ import annotations

from communes.models import AdministrativeUnit
from criteria import evaluation
from criteria.models import CriteriaSet, Indicator, Target


def _rules(indicator: Indicator) -> list[evaluation.TargetRule]:
    # Stable order (by primary key) so that a tie between equally specific rows is decided the same way everywhere.
    return [t.as_rule() for t in sorted(indicator.targets.all(), key=lambda t: t.pk)]


def rule_for_unit(
    rules: list[evaluation.TargetRule], *, unit: AdministrativeUnit, year: int, criteria_set: CriteriaSet
) -> tuple[evaluation.TargetRule | None, evaluation.TargetReason]:
    """Of an indicator's target rules, the one that applies to ``unit`` in ``year`` and why.

    What the unit brings to the rule: its region (or, for an especially disadvantaged commune,
    the set's ``disadvantaged_region``) and, for the 2026–2030 set, its commune group as the
    province office set it with its basis (``services.commune_groups.commune_group_set`` keeps
    ``unit.commune_group``). Callers that hold rules already (the demo's planner) use this too.
    """
    return evaluation.select_target_with_reason(
        rules,
        region=unit.region or None,
        group=unit.commune_group,
        year=year,
        especially_disadvantaged=unit.especially_disadvantaged,
        disadvantaged_region=criteria_set.disadvantaged_region or None,
    )


def target_with_reason(
    indicator: Indicator, *, unit: AdministrativeUnit, year: int, criteria_set: CriteriaSet
) -> tuple[evaluation.TargetRule | None, evaluation.TargetReason]:
    """The target row that applies to ``unit`` in ``year`` and why (region, group, year)."""
    return rule_for_unit(_rules(indicator), unit=unit, year=year, criteria_set=criteria_set)


def target_for(
    indicator: Indicator, *, unit: AdministrativeUnit, year: int, criteria_set: CriteriaSet
) -> evaluation.TargetRule | None:
    rule, _reason = target_with_reason(indicator, unit=unit, year=year, criteria_set=criteria_set)
    return rule


def target_row_for(
    indicator: Indicator, *, unit: AdministrativeUnit, year: int, criteria_set: CriteriaSet
) -> tuple[Target | None, evaluation.TargetReason]:
    """The stored ``Target`` row (for the sheet, which shows its provenance) and why it applied."""
    rule, reason = target_with_reason(indicator, unit=unit, year=year, criteria_set=criteria_set)
    by_pk = {t.pk: t for t in indicator.targets.all()}
    return (by_pk[rule.key] if rule else None), reason
