"""Drawing an indicator value that meets, or misses, its target: one rule for the demo's seeder
(``demo/values.py``) and the benchmark's generator (``bench/catalog.py``).

A value is drawn near the goal (a quarter of it, at least two steps, either side), kept
inside the indicator's range (a percentage at most 100, nothing below 0), rounded to the
indicator's unit and written as ``evaluation.parse_value`` stores it; it is then checked with
``criteria.evaluation.indicator_outcome``, the rule the services apply, and returned only if
it gives the outcome asked for.
"""

from __future__ import annotations

import random
from decimal import Decimal

from criteria import evaluation
from criteria.models import Comparison, ValueType


def value_for(indicator, target: evaluation.TargetRule | None, meet: bool, rng: random.Random) -> Decimal | bool | None:
    """A value of ``indicator`` (anything with ``value_type`` and ``comparison``) that meets (or
    misses) ``target``, or None when that is impossible."""
    if indicator.comparison == Comparison.MET:
        return meet
    if target is None or target.value is None:
        return None
    if indicator.value_type == ValueType.YES_NO:  # compared with "="
        return target.value if meet else not target.value
    goal = Decimal(target.value)
    whole = indicator.value_type in (ValueType.COUNT, ValueType.MONEY)
    step = Decimal(1) if whole else Decimal("0.1")
    ceiling = Decimal(100) if indicator.value_type == ValueType.PERCENT else None
    gap = step * rng.randint(0, int(max(goal / 4, Decimal(2)) / step))
    if indicator.comparison == Comparison.EQ:
        value = goal if meet else goal + step
    elif (indicator.comparison == Comparison.GTE) == meet:  # above the goal: meets ≥, misses ≤
        value = goal + gap + (0 if meet else step)
        value = min(value, ceiling) if ceiling is not None else value
    else:  # below the goal: meets ≤, misses ≥
        value = max(goal - gap - (0 if meet else step), Decimal(0))
    if ceiling is not None and value > ceiling:  # missing "= 100 %" from above is impossible
        return None
    if whole:
        value = value.to_integral_value()
    value = canonical_decimal(value)
    outcome = evaluation.indicator_outcome(
        value,
        value_type=evaluation.ValueType(indicator.value_type),
        comparison=evaluation.Comparison(indicator.comparison),
        target=target,
    )
    return value if (outcome == evaluation.Outcome.MET) == meet else None


def canonical_decimal(value: Decimal) -> Decimal:
    """As ``evaluation.parse_value`` stores it: no trailing zeros, no exponent."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1)) + 0
    return value.normalize()
