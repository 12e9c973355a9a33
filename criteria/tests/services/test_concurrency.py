"""Several writers on one assessment at once (PostgreSQL: SQLite serialises whole-database writes)."""

import pytest

from criteria.models import CriterionResult, HistoryEntry, HistoryKind, IndicatorValue
from criteria.services import StaleWriteError, ValueEntry, assessment_recompute, assessment_record_values
from ntm_portal.tests.races import all_at_once, postgresql_only

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgresql_only,
]


def test_concurrent_writers_either_land_or_are_refused_and_nothing_is_lost(assessment, personas):
    officer = personas.officer_a

    def write(code, raw, version):
        return lambda: assessment_record_values(
            assessment=assessment, entries=[ValueEntry(code, raw, expected_version=version)], user=officer
        )

    # Four writers on 2.1, all based on "no value yet": exactly one may land.
    # Three writers on three other indicators: all must land.
    jobs = [write("2.1", str(80 + i), 0) for i in range(4)] + [
        write("3.1", "50", 0),
        write("3.2", "0", 0),
        write("2.2", "7", 0),
    ]
    results = all_at_once(jobs)

    same = [results[i] for i in range(4)]
    landed = [r for r in same if isinstance(r, list)]
    refused = [r for r in same if isinstance(r, StaleWriteError)]
    assert len(landed) == 1 and len(refused) == 3, same
    assert all(isinstance(results[i], list) for i in range(4, 7)), results

    stored = {
        v.indicator.code: v for v in IndicatorValue.objects.filter(assessment=assessment).select_related("indicator")
    }
    assert stored["2.1"].value_decimal == landed[0][0].value_decimal
    assert (stored["3.1"].value_decimal, stored["3.2"].value_decimal, stored["2.2"].value_decimal) == (50, 0, 7)
    history = HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.VALUE)
    assert history.filter(indicator__code="2.1").count() == 1
    assert history.count() == 1 + 1 + 3  # 1.1 from the fixture, 2.1 once, the three others

    before = dict(CriterionResult.objects.filter(assessment=assessment).values_list("criterion_id", "met"))
    met_before = type(assessment).objects.get(pk=assessment.pk).criteria_met
    assessment_recompute(assessment=assessment)
    after = dict(CriterionResult.objects.filter(assessment=assessment).values_list("criterion_id", "met"))
    assert before == after
    assert type(assessment).objects.get(pk=assessment.pk).criteria_met == met_before == sum(after.values())


def test_many_writers_on_different_indicators_all_land(assessment, personas):
    officer = personas.officer_a
    codes = ["2.1", "2.2", "3.1", "3.2"]
    jobs = [
        (
            lambda code=code: assessment_record_values(
                assessment=assessment, entries=[ValueEntry(code, "1", expected_version=0)], user=officer
            )
        )
        for code in codes
    ]
    results = all_at_once(jobs)
    assert all(isinstance(r, list) for r in results), results
    assert IndicatorValue.objects.filter(assessment=assessment, indicator__code__in=codes).count() == 4
