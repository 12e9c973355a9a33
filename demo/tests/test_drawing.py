"""One value-drawing rule for the demo and the benchmark (``demo/drawing.py``)."""

import random
from decimal import Decimal
from types import SimpleNamespace

import pytest

from bench import catalog
from criteria import evaluation
from demo import drawing, values


@pytest.mark.parametrize("value_type", ["percent", "count", "number"])
@pytest.mark.parametrize("comparison", ["gte", "lte", "eq"])
@pytest.mark.parametrize("goal", ["0", "0.5", "3", "95", "100"])
def test_a_drawn_value_meets_or_misses_as_asked_and_stays_in_range(value_type, comparison, goal):
    indicator = SimpleNamespace(value_type=value_type, comparison=comparison)
    target = evaluation.TargetRule(value=Decimal(goal))
    rng = random.Random(7)
    for meet in (True, False):
        for _ in range(50):
            value = drawing.value_for(indicator, target, meet, rng)
            if value is None:
                continue
            assert value >= 0 and (value_type != "percent" or value <= 100)
            outcome = evaluation.indicator_outcome(
                value,
                value_type=evaluation.ValueType(value_type),
                comparison=evaluation.Comparison(comparison),
                target=target,
            )
            assert (outcome == evaluation.Outcome.MET) == meet
            assert value == drawing.canonical_decimal(value) and str(value) == str(drawing.canonical_decimal(value))


def test_a_value_below_zero_is_never_drawn_it_is_impossible_instead():
    indicator = SimpleNamespace(value_type="count", comparison="gte")
    assert drawing.value_for(indicator, evaluation.TargetRule(value=Decimal(0)), False, random.Random(1)) is None


def test_the_demo_and_the_benchmark_draw_with_the_same_function():
    assert values.value_for is drawing.value_for
    assert catalog.value_for is drawing.value_for
