"""Conditional indicators ("nếu có"): set "không áp dụng" with a reason; the criterion is met
when every applicable indicator is met."""

import pytest
from django.core.exceptions import ValidationError

from criteria import evaluation
from criteria.evaluation import Outcome
from criteria.models import CriterionResult, HistoryEntry, Indicator, IndicatorValue, SetStatus
from criteria.services import ValueEntry, assessment_create, assessment_recompute, assessment_record_values
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


def test_a_criterion_is_met_when_every_applicable_required_indicator_is_met():
    met, na, not_met = Outcome.MET, Outcome.NOT_APPLICABLE, Outcome.NOT_MET
    assert evaluation.criterion_met([(True, met), (True, na)])
    assert not evaluation.criterion_met([(True, not_met), (True, na)])
    assert evaluation.criterion_met([(True, na)])  # nothing left to meet
    assert not evaluation.criterion_met([(False, na)])  # no required indicator at all


@pytest.mark.parametrize("typed", ["không áp dụng", "Không áp dụng", "KAD", "n/a", "khong ap dung"])
def test_the_ways_officers_write_not_applicable(typed):
    assert evaluation.means_not_applicable(typed)


@pytest.fixture
def conditional_set():
    s = make_set(publish=False)
    Indicator.objects.filter(criteria_set=s, code="2.1").update(conditional=True)
    s.status, s.published_at = SetStatus.PUBLISHED, s.created_at
    s.save()
    return s


@pytest.fixture
def assessment(tree, personas, conditional_set):
    a = assessment_create(unit=tree.a, criteria_set=conditional_set, year=2023, user=personas.officer_a)
    assessment_record_values(
        assessment=a,
        entries=[ValueEntry("1.1", "có"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")],
        user=personas.officer_a,
    )
    return a


def test_a_conditional_indicator_set_not_applicable_with_a_reason_lets_its_criterion_be_met(assessment, personas):
    assessment_record_values(
        assessment=assessment,
        entries=[ValueEntry("2.1", "không áp dụng", note="Xã không có hệ thống kênh tưới")],
        user=personas.officer_a,
    )
    stored = IndicatorValue.objects.get(assessment=assessment, indicator__code="2.1")
    assert (stored.not_applicable, stored.value, stored.outcome) == (True, None, Outcome.NOT_APPLICABLE)
    assert CriterionResult.objects.get(assessment=assessment, criterion__number=2).met
    assessment.refresh_from_db()
    assert assessment.criteria_met == 3
    entry = HistoryEntry.objects.filter(assessment=assessment, indicator__code="2.1").latest("pk")
    assert (entry.old_value, entry.new_value, entry.new_note) == ("", "n/a", "Xã không có hệ thống kênh tưới")


def test_not_applicable_without_a_reason_is_refused_naming_the_indicator(assessment, personas):
    with pytest.raises(ValidationError) as exc:
        assessment_record_values(
            assessment=assessment, entries=[ValueEntry("2.1", "không áp dụng")], user=personas.officer_a
        )
    assert exc.value.message_dict["2.1"] == [
        "2.1: say in the note why it does not apply (e.g. the commune has no market)."
    ]
    assert not IndicatorValue.objects.filter(assessment=assessment, indicator__code="2.1").exists()


def test_the_reason_asked_for_is_worded_for_the_units_level(tree, personas):
    """QA: a village's assessment asked for a reason "e.g. the commune has no market"."""
    village_set = make_set(code="THON", level="village", publish=False)
    Indicator.objects.filter(criteria_set=village_set, code="2.1").update(conditional=True)
    village_set.status, village_set.published_at = SetStatus.PUBLISHED, village_set.created_at
    village_set.save()
    a = assessment_create(unit=tree.a1, criteria_set=village_set, year=2023, user=personas.officer_a)
    with pytest.raises(ValidationError) as exc:
        assessment_record_values(assessment=a, entries=[ValueEntry("2.1", "KAD")], user=personas.officer_a)
    assert exc.value.message_dict["2.1"] == [
        "2.1: say in the note why it does not apply (e.g. the village has no market)."
    ]


def test_an_indicator_that_always_applies_cannot_be_set_not_applicable(assessment, personas):
    with pytest.raises(ValidationError) as exc:
        assessment_record_values(
            assessment=assessment, entries=[ValueEntry("3.1", "n/a", note="không có")], user=personas.officer_a
        )
    assert "always applies" in exc.value.message_dict["3.1"][0]


def test_a_value_typed_later_replaces_not_applicable_and_the_history_keeps_both(assessment, personas):
    assessment_record_values(
        assessment=assessment, entries=[ValueEntry("2.1", "KAD", note="Chưa có kênh")], user=personas.officer_a
    )
    assessment_record_values(assessment=assessment, entries=[ValueEntry("2.1", "50")], user=personas.officer_a)
    stored = IndicatorValue.objects.get(assessment=assessment, indicator__code="2.1")
    assert (stored.not_applicable, stored.outcome) == (False, Outcome.NOT_MET)
    assert not CriterionResult.objects.get(assessment=assessment, criterion__number=2).met
    values = list(
        HistoryEntry.objects.filter(assessment=assessment, indicator__code="2.1").values_list("old_value", "new_value")
    )
    assert values == [("", "n/a"), ("n/a", "50")]


def test_recomputing_keeps_not_applicable(assessment, personas):
    assessment_record_values(
        assessment=assessment, entries=[ValueEntry("2.1", "KAD", note="Chưa có kênh")], user=personas.officer_a
    )
    assessment_recompute(assessment=assessment)
    assert IndicatorValue.objects.get(assessment=assessment, indicator__code="2.1").outcome == Outcome.NOT_APPLICABLE
    assert CriterionResult.objects.get(assessment=assessment, criterion__number=2).met


def test_the_catalog_marks_every_nếu_có_indicator_conditional(db):
    from criteria.services import catalog_load_dir

    catalog_load_dir()
    named = Indicator.objects.filter(name__contains="(nếu có")
    assert named.count() >= 5
    assert not named.filter(conditional=False).exists()
    assert not Indicator.objects.filter(conditional=True).exclude(name__contains="(nếu có").exists()
    assert Indicator.objects.get(criteria_set__code="QD318-2022-XA-NTM", code="13.4").conditional
