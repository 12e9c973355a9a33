""" "Cơ bản đạt" (basically met): marked on a criterion not met, shown beside, never met."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from criteria.models import Assessment, AssessmentLog, CriterionResult, CriterionResultLog, HistoryEntry, HistoryKind
from criteria.services import (
    ValueEntry,
    assessment_create,
    assessment_record_values,
    assessment_transition,
    criterion_set_basically_met,
)
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db

BY = datetime.date(2023, 11, 30)


@pytest.fixture
def assessment(personas, tree):
    a = assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)
    assessment_record_values(
        assessment=a,
        entries=[ValueEntry("1.1", "có"), ValueEntry("2.1", "50"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")],
        user=personas.officer_a,
    )
    a.refresh_from_db()
    return a


def _mark(a, user, number=2, **kw):
    kw.setdefault("reason", "Kênh N2 đang thi công, dự kiến xong tháng 11")
    kw.setdefault("expected_by", BY)
    return criterion_set_basically_met(assessment=a, number=number, basically_met=True, user=user, **kw)


def test_a_criterion_not_met_marked_basically_met_is_counted_beside_never_as_met(assessment, personas):
    _mark(assessment, personas.officer_a)
    assessment.refresh_from_db()
    assert (assessment.criteria_met, assessment.criteria_basically_met, assessment.criteria_total) == (2, 1, 3)
    assert assessment.criteria_met_or_basically_met == 3
    result = CriterionResult.objects.get(assessment=assessment, criterion__number=2)
    assert (result.met, result.basically_met, result.basically_met_by) == (False, True, BY)
    log = AssessmentLog.objects.filter(assessment=assessment).latest("at", "pk")
    assert (log.criteria_met, log.criteria_basically_met) == (2, 1)
    assert CriterionResultLog.objects.filter(assessment=assessment, basically_met=True).count() == 1


def test_the_history_records_the_mark_with_its_reason_and_date_like_any_change(assessment, personas):
    _mark(assessment, personas.officer_a)
    criterion_set_basically_met(assessment=assessment, number=2, basically_met=False, user=personas.officer_a)
    entries = list(HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.BASICALLY_MET))
    assert [(e.old_value, e.new_value, e.criterion.number) for e in entries] == [
        ("", "2023-11-30", 2),
        ("2023-11-30", "", 2),
    ]
    assert entries[0].new_note.startswith("Kênh N2") and entries[0].user == personas.officer_a
    assessment.refresh_from_db()
    assert assessment.criteria_basically_met == 0


def test_marking_again_the_same_way_changes_nothing(assessment, personas):
    _mark(assessment, personas.officer_a)
    _mark(assessment, personas.officer_a)
    assert HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.BASICALLY_MET).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"number": 1}, "criterion", "is met"),
        ({"number": 9}, "criterion", "not in this criteria set"),
        ({"reason": "  "}, "reason", "Say why"),
        ({"expected_by": None}, "expected_by", "expected to be met"),
        ({"expected_by": datetime.date(2022, 12, 31)}, "expected_by", "before the assessment year"),
        # QA: 31/12/9999 was kept; the set (2021–2025) is what the commune is assessed against.
        (
            {"expected_by": datetime.date(9999, 12, 31)},
            "expected_by",
            "cannot be after 31/12/2025",
        ),
        ({"expected_by": datetime.date(2026, 1, 1)}, "expected_by", "after 31/12/2025"),
    ],
)
def test_a_mark_without_what_offices_must_say_is_refused_at_the_field(assessment, personas, kwargs, field, message):
    with pytest.raises(ValidationError) as exc:
        _mark(assessment, personas.officer_a, **kwargs)
    assert message in " ".join(exc.value.message_dict[field])
    assert not CriterionResult.objects.filter(assessment=assessment, basically_met=True).exists()


def test_the_last_day_of_the_sets_period_is_a_date_it_may_be_expected_by(assessment, personas):
    result = _mark(assessment, personas.officer_a, expected_by=datetime.date(2025, 12, 31))
    assert result.basically_met_by == datetime.date(2025, 12, 31)


def test_an_officer_of_another_commune_cannot_mark_it(assessment, personas):
    with pytest.raises(PermissionDenied):
        _mark(assessment, personas.officer_b)


def test_a_submitted_assessment_cannot_be_marked(assessment, personas):
    assessment_transition(assessment=assessment, action="submit", user=personas.officer_a)
    with pytest.raises(ValidationError, match="can no longer be edited"):
        _mark(assessment, personas.officer_a)


def test_a_criterion_that_becomes_met_is_no_longer_basically_met_and_the_history_says_so(assessment, personas):
    _mark(assessment, personas.officer_a)
    assessment_record_values(assessment=assessment, entries=[ValueEntry("2.1", "85")], user=personas.officer_a)
    assessment.refresh_from_db()
    assert (assessment.criteria_met, assessment.criteria_basically_met) == (3, 0)
    cleared = HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.BASICALLY_MET).latest("pk")
    assert (cleared.old_value, cleared.new_value, cleared.user) == ("2023-11-30", "", personas.officer_a)
    assert "met now" in cleared.comment


def test_basically_met_does_not_let_an_assessment_be_recognised(assessment, personas):
    for n in (2,):
        _mark(assessment, personas.officer_a, number=n)
    for user, action in [
        (personas.officer_a, "submit"),
        (personas.district_d1, "verify"),
        (personas.province_office, "appraise"),
    ]:
        assessment_transition(assessment=assessment, action=action, user=user)
    with pytest.raises(ValidationError, match=r"not met: 2\. Thủy lợi"):
        assessment_transition(
            assessment=assessment,
            action="recognise",
            user=personas.province_office,
            decision_number="1/QĐ",
            decision_date=datetime.date(2023, 12, 20),
        )


def test_in_a_transitional_year_the_assessments_year_may_be_expected_by(personas, tree):
    """QĐ 1980's set (2016–2020) assessed 2021, as communes were until QĐ 318 applied: its
    criteria may be expected met by 31/12/2021 (the demo's seed marked them so and was refused),
    not after."""
    old = make_set(code="OLD-SET", year_from=2016, year_to=2020)
    a = assessment_create(unit=tree.a, criteria_set=old, year=2020, user=personas.officer_a)
    Assessment.objects.filter(pk=a.pk).update(year=2021)
    a.refresh_from_db()
    assert _mark(a, personas.officer_a, expected_by=datetime.date(2021, 12, 31)).basically_met_by == datetime.date(
        2021, 12, 31
    )
    with pytest.raises(ValidationError) as exc:
        _mark(a, personas.officer_a, expected_by=datetime.date(2022, 1, 1))
    assert "31/12/2021" in " ".join(exc.value.message_dict["expected_by"])
