"""Values that meet or miss their targets, so that exactly the planned criteria are met.

A set is read once into a ``SetPlan`` (criteria, indicators, target rules); for a unit and a
year, ``choose_met`` picks which criteria are met and ``value_entries`` draws a value for every
indicator that meets its target in those criteria and misses at least one required indicator
in the others. Each value is checked against ``criteria.evaluation``, the rule the services
apply when they store results.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from communes.models import AdministrativeUnit
from criteria import evaluation
from criteria.models import CriteriaSet, Indicator
from criteria.services import ValueEntry
from criteria.targets import rule_for_unit, rules_of
from demo.base import draw
from demo.drawing import value_for

# Criteria that lag in real reporting (income, poverty, health, environment): they fail more.
LAGGING_WORDS = ("thu nhập", "nghèo", "y tế", "môi trường", "phát triển kinh tế")


@dataclass
class IndicatorPlan:
    indicator: Indicator
    rules: list[evaluation.TargetRule]


@dataclass
class CriterionPlan:
    number: int
    name: str
    lagging: bool
    indicators: list[IndicatorPlan]


@dataclass
class SetPlan:
    """A set with its criteria, indicators and target rules, read once."""

    criteria_set: CriteriaSet
    criteria: list[CriterionPlan]

    @property
    def total(self) -> int:
        return len(self.criteria)


def plan_of(criteria_set: CriteriaSet, cache: dict[int, SetPlan]) -> SetPlan:
    """The plan of ``criteria_set``, read once per seeding into ``cache``."""
    if criteria_set.pk not in cache:
        criteria = []
        for c in criteria_set.criteria.prefetch_related("indicators__targets").order_by("number"):
            indicators = [
                IndicatorPlan(i, rules_of(i)) for i in sorted(c.indicators.all(), key=lambda i: (i.position, i.pk))
            ]
            lagging = any(word in c.name.lower() for word in LAGGING_WORDS)
            criteria.append(CriterionPlan(c.number, c.name, lagging, indicators))
        cache[criteria_set.pk] = SetPlan(criteria_set, criteria)
    return cache[criteria_set.pk]


def _target(plan: IndicatorPlan, unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int):
    rule, _reason = rule_for_unit(plan.rules, unit=unit, year=year, criteria_set=criteria_set)
    return rule


def _can_meet(criterion: CriterionPlan, unit, criteria_set, year) -> bool:
    return all(
        value_for(p.indicator, _target(p, unit, criteria_set, year), True, random.Random(0)) is not None
        for p in criterion.indicators
        if p.indicator.required
    )


def choose_met(
    set_plan: SetPlan, unit: AdministrativeUnit, year: int, count: int, seed: int
) -> tuple[set[int], list[int]]:
    """Which criteria are met: the ``count`` easiest for this unit (lagging ones are harder).

    The order is fixed per unit and set, so criteria met only accumulate over the years.
    Returns the met numbers and the full order (easiest first).
    """
    rng = draw(seed, "order", unit.code, set_plan.criteria_set.code)
    difficulty = {c.number: rng.random() + (0.8 if c.lagging else 0.0) for c in set_plan.criteria}
    order = sorted(difficulty, key=lambda n: (difficulty[n], n))
    by_number = {c.number: c for c in set_plan.criteria}
    feasible = [n for n in order if _can_meet(by_number[n], unit, set_plan.criteria_set, year)]
    return set(feasible[:count]), order


def value_entries(set_plan: SetPlan, unit, year: int, met: set[int], rng: random.Random) -> list[ValueEntry]:
    entries = []
    cs = set_plan.criteria_set
    for criterion in set_plan.criteria:
        targets = {p.indicator.code: _target(p, unit, cs, year) for p in criterion.indicators}
        if criterion.number in met:
            misses: set[str] = set()
        else:
            missable = [
                p.indicator.code
                for p in criterion.indicators
                if p.indicator.required and value_for(p.indicator, targets[p.indicator.code], False, rng) is not None
            ]
            misses = {rng.choice(missable)} if missable else set()
            misses |= {code for code in missable if rng.random() < 0.3}
        for p in criterion.indicators:
            code = p.indicator.code
            value = value_for(p.indicator, targets[code], code not in misses, rng)
            if value is not None:
                entries.append(ValueEntry(code=code, raw=value))
    return entries
