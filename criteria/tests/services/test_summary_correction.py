"""Correcting a summary record: the report's number, date, file or marks typed wrong, put right
while the record is editable, with the history of every field and the figures stored again."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from criteria import evaluation
from criteria.models import AssessmentLog, AssessmentState, CriterionResult, CriterionResultLog, HistoryEntry
from criteria.services import assessment_set_state
from criteria.services.summary_correction import MSG_SET_FIXED, summary_record_correct
from criteria.tests.factories import make_set, typed_summary_record
from ntm_portal.errors import StaleWriteError
from reports.selectors import progress_summary

pytestmark = pytest.mark.django_db

TYPED = {"source_number": "25/BC-UBDN", "source_date": datetime.date(2022, 3, 15)}
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def record(tree, personas):
    """Commune A's 2021 standing as typed from the report: criteria 1 and 3 met, 2 basically met."""
    return typed_summary_record(tree.a, personas.officer_a)


def _correct(record, user, **kw):
    body = {
        "met": {1, 3},
        "basically_met": {2},
        "source_number": "25/BC-UBND",
        "source_date": datetime.date(2022, 3, 15),
        "expected_version": record.version,
    }
    return summary_record_correct(assessment=record, user=user, **(body | kw))


def _marks(a):
    return {
        r.criterion.number: (r.met, r.basically_met)
        for r in CriterionResult.objects.filter(assessment=a).select_related("criterion")
    }


def test_the_report_s_number_typed_wrong_is_corrected_with_a_history_entry(record, personas):
    a = _correct(record, personas.officer_a, comment="Gõ nhầm số báo cáo")
    assert (a.source_number, a.version, a.summary) == ("25/BC-UBND", record.version + 1, True)
    (entry,) = HistoryEntry.objects.filter(assessment=a, kind="sum_num")
    assert (entry.old_value, entry.new_value, entry.comment, entry.user) == (
        "25/BC-UBDN",
        "25/BC-UBND",
        "Gõ nhầm số báo cáo",
        personas.officer_a,
    )
    # The "basically met" the report gave now says it was reported in the report as corrected.
    assert CriterionResult.objects.get(assessment=a, criterion__number=2).basically_met_reason == (
        "As reported in 25/BC-UBND"
    )


def test_marks_corrected_store_results_and_figures_again_each_change_in_the_history(record, personas, tree):
    """Criterion 3 marked met by mistake; 2 was met, not basically met."""
    logs = AssessmentLog.objects.filter(assessment=record).count()
    a = _correct(
        record, personas.officer_a, met={1, 2}, basically_met={3}, count=2, source_date=datetime.date(2022, 4, 1)
    )
    assert _marks(a) == {1: (True, False), 2: (True, False), 3: (False, True)}
    results = CriterionResult.objects.filter(assessment=a)
    assert a.criteria_met == evaluation.count_criteria_met(r.met for r in results) == 2
    assert a.criteria_basically_met == 1
    summary = progress_summary(unit=tree.province, year=2021, tier="standard")
    assert (summary.average_criteria_met, summary.criteria_basically_met) == (2, 1)
    changes = {
        (h.kind, h.criterion.number if h.criterion else None, h.old_value, h.new_value)
        for h in HistoryEntry.objects.filter(assessment=a, kind__startswith="sum_")
    }
    assert changes == {
        ("sum_mark", 2, "basic", "met"),
        ("sum_mark", 3, "met", "basic"),
        ("sum_num", None, "25/BC-UBDN", "25/BC-UBND"),
        ("sum_date", None, "2022-03-15", "2022-04-01"),
    }
    assert a.source_date == datetime.date(2022, 4, 1)
    assert CriterionResult.objects.get(assessment=a, criterion__number=3).basically_met_by == datetime.date(
        2021, 12, 31
    )
    assert (
        CriterionResultLog.objects.filter(assessment=a, at=HistoryEntry.objects.filter(assessment=a).last().at).count()
        == 2
    )
    assert AssessmentLog.objects.filter(assessment=a).count() == logs  # same counts: no new figures row


def test_a_count_that_changes_is_logged_for_the_bulletins(record, personas):
    logs = AssessmentLog.objects.filter(assessment=record).count()
    a = _correct(record, personas.officer_a, met={1})
    assert a.criteria_met == 1
    assert AssessmentLog.objects.filter(assessment=a).count() == logs + 1
    assert AssessmentLog.objects.filter(assessment=a).latest("at").criteria_met == 1


def test_a_new_file_replaces_the_stored_one_which_the_history_keeps(record, personas):
    a = _correct(record, personas.officer_a, source_file=SimpleUploadedFile("bao-cao-dung.pdf", PDF))
    (entry,) = HistoryEntry.objects.filter(assessment=a, kind="sum_file")
    assert entry.new_value == "bao-cao-dung.pdf" and entry.new_note == a.source_file.name and entry.old_note == ""
    b = _correct(a, personas.officer_a, source_file=SimpleUploadedFile("ban-ky.pdf", PDF))
    newest = HistoryEntry.objects.filter(assessment=b, kind="sum_file").latest("id")
    assert newest.old_note == a.source_file.name != b.source_file.name


def test_correcting_nothing_changes_nothing(record, personas):
    a = _correct(record, personas.officer_a, source_number="25/BC-UBDN")
    assert a.version == record.version
    assert not HistoryEntry.objects.filter(assessment=a, kind__startswith="sum_").exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"met": {1, 9}}, "met"),
        ({"met": {1, 2}, "basically_met": {2}}, "basically_met"),
        ({"count": 3}, "count"),
        ({"source_number": " "}, "source_number"),
        ({"source_date": datetime.date(2020, 12, 1)}, "source_date"),
        ({"source_file": SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00")}, "source_file"),
        ({"year": 2020}, "year"),
    ],
)
def test_a_correction_that_does_not_hold_together_is_refused_at_the_field(record, personas, kw, field):
    with pytest.raises(ValidationError) as exc:
        _correct(record, personas.officer_a, **kw)
    assert field in exc.value.message_dict
    record.refresh_from_db()
    assert (record.source_number, record.criteria_met) == ("25/BC-UBDN", 2)


def test_the_set_cannot_change_by_correction(record, personas):
    other = make_set(code="OTHER", year_from=2016, year_to=2021)
    with pytest.raises(ValidationError) as exc:
        _correct(record, personas.officer_a, criteria_set_id=other.pk)
    assert exc.value.message_dict["criteria_set"] == [str(MSG_SET_FIXED)]


def test_a_correction_based_on_an_older_version_is_refused_with_what_is_stored(record, personas):
    _correct(record, personas.officer_a, met={1})
    with pytest.raises(StaleWriteError) as exc:
        _correct(record, personas.officer_a, met={1, 2, 3}, basically_met=set())  # the form read before
    current = exc.value.current
    assert (current.source_number, current.met, current.basically_met, current.criteria_met) == (
        "25/BC-UBND",
        [1],
        [2],
        1,
    )
    assert "changed by officer_a in the meantime" in exc.value.messages[0]
    assert CriterionResult.objects.filter(assessment=record, met=True).count() == 1


@pytest.mark.parametrize(
    ("state", "says"),
    [
        (AssessmentState.SUBMITTED, "can return it for correction"),
        (AssessmentState.VERIFIED, "can return it for correction"),
        (AssessmentState.APPRAISED, "can return it for correction"),
        (AssessmentState.RECOGNISED, "closed by its decision"),
    ],
)
def test_a_record_no_longer_editable_is_frozen_and_says_why(record, personas, state, says):
    decision = {"decision_number": "30/QĐ-UBND", "decision_date": datetime.date(2022, 2, 1)}
    a = assessment_set_state(
        assessment=record, state=state, user=personas.province_office, **(decision if state == "recognised" else {})
    )
    with pytest.raises(ValidationError, match=says):
        _correct(a, personas.officer_a, met={1})
    assert CriterionResult.objects.filter(assessment=a, met=True).count() == 2


def test_a_returned_record_may_be_corrected_again(record, personas):
    assessment_set_state(assessment=record, state=AssessmentState.SUBMITTED, user=personas.officer_a)
    a = assessment_set_state(assessment=record, state=AssessmentState.RETURNED, user=personas.district_d1)
    assert _correct(a, personas.officer_a).source_number == "25/BC-UBND"


def test_an_officer_of_another_commune_cannot_correct_it(record, personas):
    with pytest.raises(PermissionDenied):
        _correct(record, personas.officer_b)
    with pytest.raises(PermissionDenied):
        _correct(record, personas.viewer)
