import datetime

import pytest
from django.core.exceptions import ValidationError

from criteria.models import Assessment, AssessmentLog, CriterionResultLog
from criteria.selectors import results_as_of, with_figures_as_of
from criteria.services import ValueEntry, assessment_create, assessment_record_values, assessment_set_state
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db
TZ = datetime.UTC


def at(month, day=1):
    return datetime.datetime(2025, month, day, 12, tzinfo=TZ)


@pytest.fixture
def timeline(personas, tree):
    """Started in January; criteria 1 and 2 met in March; 2 lost again in May; submitted in June."""
    s = make_set()
    a = assessment_create(unit=tree.a, criteria_set=s, year=2025, user=personas.officer_a, at=at(1))
    record = lambda when, *entries: assessment_record_values(  # noqa: E731
        assessment=a, entries=[ValueEntry(c, v) for c, v in entries], user=personas.officer_a, at=when
    )
    record(at(3), ("1.1", "có"), ("2.1", "90"))
    record(at(5), ("2.1", "50"))
    assessment_set_state(assessment=a, state="submitted", user=personas.officer_a, at=at(6))
    return a, {c.number: c.pk for c in s.criteria.all()}


def figures(moment):
    return [(a.asof_state, a.asof_met, a.asof_total) for a in with_figures_as_of(Assessment.objects.all(), moment)]


def test_figures_as_of_a_month_end_show_the_past_not_today(timeline):
    assert figures(at(1, 1) - datetime.timedelta(days=1)) == []  # not started yet
    assert figures(at(2, 28)) == [("draft", 0, 3)]
    assert figures(at(4, 30)) == [("draft", 2, 3)]
    assert figures(at(5, 31)) == [("draft", 1, 3)]
    assert figures(at(6, 30)) == [("submitted", 1, 3)]


def test_criterion_results_as_of_a_moment(timeline):
    a, number = timeline
    april = results_as_of([a.pk], at(4, 30))
    may = results_as_of([a.pk], at(5, 31))
    assert (april[(a.pk, number[1])], april[(a.pk, number[2])], april[(a.pk, number[3])]) == (True, True, False)
    assert (may[(a.pk, number[1])], may[(a.pk, number[2])]) == (True, False)


def test_logs_are_append_only(timeline):
    with pytest.raises(ValidationError):
        AssessmentLog.objects.all().delete()
    with pytest.raises(ValidationError):
        CriterionResultLog.objects.all().update(met=True)


def test_only_changes_are_logged(timeline, personas):
    a, _ = timeline
    count = AssessmentLog.objects.filter(assessment=a).count()
    assessment_set_state(assessment=a, state="returned", user=personas.district_d1)
    # 2.2 is optional: no criterion changes, so no new log row.
    assessment_record_values(assessment=a, entries=[ValueEntry("2.2", "5")], user=personas.officer_a)
    assert AssessmentLog.objects.filter(assessment=a).count() == count + 1
