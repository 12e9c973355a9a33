"""The national sets as plain records, with values that meet or miss each target.

Targets are chosen with ``criteria.targets.rule_for_unit``, as the portal chooses them (once per
set and what the unit brings to the rule — region, group, disadvantaged flag — and year, since
that is all they depend on) and every generated value is
checked against its target with ``criteria.evaluation.indicator_outcome``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from criteria import evaluation
from criteria.models import CriteriaSet, Tier
from criteria.targets import TargetUnit, rule_for_unit, rules_of
from demo.drawing import value_for

STANDARD_CODE = "QD318-2022-XA-NTM"
ADVANCED_CODE = "QD318-2022-XA-NTM-NC"
MODEL_CODE = "QD319-2022-XA-NTM-KM"
SET_CODES = {Tier.STANDARD: STANDARD_CODE, Tier.ADVANCED: ADVANCED_CODE, Tier.MODEL: MODEL_CODE}

# Criteria that lag in real reporting (income, poverty, health, environment) are met later.
LAGGING_WORDS = ("thu nhập", "nghèo", "y tế", "môi trường", "sản xuất")
POOL = 12  # distinct values drawn per indicator, target and outcome


@dataclass(frozen=True)
class IndicatorInfo:
    pk: int
    code: str
    value_type: evaluation.ValueType
    comparison: evaluation.Comparison
    required: bool
    rules: tuple[evaluation.TargetRule, ...]


@dataclass
class CriterionInfo:
    pk: int
    number: int
    lagging: bool
    indicators: list[IndicatorInfo]


@dataclass
class SetInfo:
    pk: int
    code: str
    tier: str
    disadvantaged_region: str | None
    criteria: list[CriterionInfo]
    _targets: dict[tuple, dict[int, evaluation.TargetRule | None]] = field(default_factory=dict)
    _pools: dict[tuple, tuple] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.criteria)

    def targets(self, unit: TargetUnit, year: int) -> dict[int, evaluation.TargetRule | None]:
        key = (unit.region, unit.commune_group, unit.especially_disadvantaged, year)
        if key not in self._targets:
            self._targets[key] = {
                i.pk: rule_for_unit(i.rules, unit=unit, year=year, criteria_set=self)[0]
                for c in self.criteria
                for i in c.indicators
            }
        return self._targets[key]

    def values(self, indicator: IndicatorInfo, target: evaluation.TargetRule | None, meet: bool) -> tuple:
        """A small pool of values that meet (or miss) the target; empty when impossible."""
        key = (indicator.pk, target, meet)
        pool = self._pools.get(key)
        if pool is None:
            rng = random.Random(f"{indicator.pk}:{meet}:{target}")
            drawn = {value_for(indicator, target, meet, rng) for _ in range(POOL)}
            pool = self._pools[key] = tuple(sorted(v for v in drawn if v is not None))
        return pool


def load_sets() -> dict[str, SetInfo]:
    """The three commune sets of 2021–2025, by tier, read once from the database."""
    sets = {}
    for tier, code in SET_CODES.items():
        criteria_set = CriteriaSet.objects.get(code=code, version=1)
        criteria = []
        for c in criteria_set.criteria.prefetch_related("indicators__targets").order_by("number"):
            indicators = [
                IndicatorInfo(
                    i.pk,
                    i.code,
                    evaluation.ValueType(i.value_type),
                    evaluation.Comparison(i.comparison),
                    i.required,
                    tuple(rules_of(i)),
                )
                for i in sorted(c.indicators.all(), key=lambda i: (i.position, i.pk))
            ]
            lagging = any(word in c.name.lower() for word in LAGGING_WORDS)
            criteria.append(CriterionInfo(c.pk, c.number, lagging, indicators))
        sets[tier] = SetInfo(criteria_set.pk, code, tier, criteria_set.disadvantaged_region or None, criteria)
    return sets


def history_text(value: Decimal | bool) -> str:
    """How the history stores a value (``criteria.services.recording.canonical``)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return format(value.normalize(), "f")
