"""Recording many assessments as one batch writes what recording each one alone writes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communes.tests.factories import CommuneFactory
from criteria.models import (
    AssessmentLog,
    CriterionResult,
    CriterionResultLog,
    HistoryEntry,
    IndicatorValue,
)
from criteria.services import ValueEntry, assessment_create, assessment_record_values, assessments_record_values
from criteria.services.standing import criterion_set_basically_met

pytestmark = pytest.mark.django_db

YEAR = 2025
START = timezone.make_aware(datetime.datetime(2025, 3, 1, 9))
AT = timezone.make_aware(datetime.datetime(2025, 6, 1, 9))
# 1.1 flips to no, 2.1 is entered (criterion 2 met: its "basically met" mark ends), 3.1 and 3.2 too.
ENTRIES = [ValueEntry("1.1", "không"), ValueEntry("2.1", "85,5"), ValueEntry("3.1", 50), ValueEntry("3.2", 0)]


def started(tree, personas, criteria_set, count: int) -> list:
    """``count`` communes of district 1, each with a draft holding 1.1 = yes and criterion 2
    marked basically met."""
    assessments = []
    for _ in range(count):
        commune = CommuneFactory(parent=tree.d1)
        a = assessment_create(
            unit=commune, criteria_set=criteria_set, year=YEAR, user=personas.province_office, at=START
        )
        assessment_record_values(
            assessment=a, entries=[ValueEntry("1.1", "có")], user=personas.province_office, at=START
        )
        criterion_set_basically_met(
            assessment=a,
            number=2,
            basically_met=True,
            user=personas.province_office,
            reason="Đang thi công kênh",
            expected_by=datetime.date(2025, 12, 31),
            at=START,
        )
        assessments.append(a)
    return assessments


def rows(assessments) -> dict:
    """Everything recording writes for these assessments, position by position (not by key)."""
    ids = [a.pk for a in assessments]
    position = {pk: i for i, pk in enumerate(ids)}

    def listed(queryset, *fields):
        found = (
            queryset.filter(assessment__in=ids).order_by("assessment_id", "pk").values_list("assessment_id", *fields)
        )
        return [(position[row[0]], *row[1:]) for row in found]

    return {
        "values": listed(
            IndicatorValue.objects,
            "indicator__code", "value_decimal", "value_bool", "outcome", "note", "version", "updated_by", "updated_at",
        ),
        "history": listed(
            HistoryEntry.objects,
            "kind", "indicator__code", "criterion__number", "old_value", "new_value", "old_note", "new_note",
            "old_state", "new_state", "comment", "user", "at",
        ),
        "results": listed(
            CriterionResult.objects,
            "criterion__number", "met", "indicators_met", "indicators_total", "basically_met",
            "basically_met_reason", "basically_met_by",
        ),
        "result_log": listed(CriterionResultLog.objects, "criterion__number", "met", "basically_met", "at"),
        "log": listed(AssessmentLog.objects, "state", "criteria_met", "criteria_total", "criteria_basically_met", "at"),
        "counts": [
            (a.criteria_met, a.criteria_basically_met, a.criteria_total)
            for a in sorted((a.__class__.objects.get(pk=a.pk) for a in assessments), key=lambda a: position[a.pk])
        ],
    }  # fmt: skip


def test_a_batch_writes_the_same_rows_as_recording_each_assessment_alone(tree, personas, criteria_set):
    alone, together = started(tree, personas, criteria_set, 3), started(tree, personas, criteria_set, 3)
    user = personas.province_office
    for assessment in alone:
        assessment_record_values(assessment=assessment, entries=ENTRIES, user=user, at=AT, comment="Nhập từ tệp")
    assessments_record_values(batches=[(a, ENTRIES) for a in together], user=user, at=AT, comment="Nhập từ tệp")
    expected, found = rows(alone), rows(together)
    assert found == expected
    assert found["history"][-1][1:8] == ("basic", None, 2, "2025-12-31", "", "Đang thi công kênh", "")


def test_a_batch_takes_as_many_queries_for_five_assessments_as_for_two(tree, personas, criteria_set):
    two, five = started(tree, personas, criteria_set, 2), started(tree, personas, criteria_set, 5)

    def queries(assessments) -> int:
        batches = [(a, ENTRIES) for a in assessments]
        with CaptureQueriesContext(connection) as captured:
            assessments_record_values(batches=batches, user=personas.province_office, at=AT)
        return len(captured.captured_queries)

    assert queries(two) == queries(five)


def test_a_bad_value_in_one_assessment_writes_nothing_for_any(tree, personas, criteria_set):
    first, second = started(tree, personas, criteria_set, 2)
    history = HistoryEntry.objects.count()
    batches = [(first, ENTRIES), (second, [ValueEntry("2.1", "nhiều")])]
    with pytest.raises(ValidationError) as refused:
        assessments_record_values(batches=batches, user=personas.province_office, at=AT)
    assert list(refused.value.message_dict) == ["2.1"]  # keyed by indicator code, as for one assessment
    assert HistoryEntry.objects.count() == history
    assert IndicatorValue.objects.get(assessment=first, indicator__code="1.1").value is True
