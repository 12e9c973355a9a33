import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from criteria.models import Assessment, AssessmentState, CriterionResult, HistoryEntry, HistoryKind, IndicatorValue
from criteria.selectors import values_as_of
from criteria.services import (
    StaleWriteError,
    ValueEntry,
    assessment_create,
    assessment_record_values,
    assessment_set_state,
    indicator_value_record,
)
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(personas, tree):
    return assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)


def record(assessment, user, code, raw, version=None, **kwargs):
    if version is None:
        current = IndicatorValue.objects.filter(assessment=assessment, indicator__code=code).first()
        version = current.version if current else 0
    return indicator_value_record(
        assessment=assessment, code=code, raw=raw, user=user, expected_version=version, **kwargs
    )


def results(assessment):
    return dict(CriterionResult.objects.filter(assessment=assessment).values_list("criterion__number", "met"))


def test_a_new_assessment_has_every_criterion_not_met(assessment):
    assert (assessment.criteria_met, assessment.criteria_total) == (0, 3)
    assert results(assessment) == {1: False, 2: False, 3: False}
    assert HistoryEntry.objects.get(assessment=assessment).kind == HistoryKind.CREATED


def test_recording_values_updates_outcome_criterion_and_count(assessment, personas):
    officer = personas.officer_a
    value = record(assessment, officer, "1.1", "có")
    assert (value.value_bool, value.outcome, value.version, value.updated_by) == (True, "met", 1, officer)
    record(assessment, officer, "2.1", "85,5")
    assessment.refresh_from_db()
    assert results(assessment) == {1: True, 2: True, 3: False}
    assert assessment.criteria_met == 2
    record(assessment, officer, "2.1", "79")
    assessment.refresh_from_db()
    assert (results(assessment)[2], assessment.criteria_met) == (False, 1)


def test_the_target_follows_the_year(personas, tree):
    s = make_set()
    a2023 = assessment_create(unit=tree.a, criteria_set=s, year=2023, user=personas.officer_a)
    a2024 = assessment_create(unit=tree.a, criteria_set=s, year=2024, user=personas.officer_a)
    assert record(a2023, personas.officer_a, "3.1", "42").outcome == "met"  # national 40
    assert record(a2024, personas.officer_a, "3.1", "42").outcome == "not_met"  # 45 from 2024


def test_an_especially_disadvantaged_commune_uses_the_northern_mountain_target(personas, tree):
    tree.a.especially_disadvantaged = True
    tree.a.save()
    a = assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)
    assert record(a, personas.officer_a, "2.1", "72").outcome == "met"  # 70 for TDMNPB, not 80


@pytest.mark.parametrize(
    "code, raw, message",
    [
        ("2.1", "101", "2.1: a percentage must be between 0 and 100."),
        ("3.2", "-1", "3.2: the value cannot be negative."),
        ("3.1", "nhiều", "3.1: “nhiều” is not a number."),
        ("1.1", "có lẽ", "1.1: “có lẽ” is not a yes/no answer (có / không)."),
        ("3.1", "-3", "3.1: the value cannot be negative."),
        (
            "3.1",  # an income counted in triệu đồng, typed in đồng
            "45.200.000",
            "3.1: 45.200.000 is more than 50 times the target (40 triệu đồng). Check the unit it is counted in.",
        ),
        (
            "3.1",  # QA: in nghìn đồng, below the threshold of 40 triệu, was stored as met
            "38.500",
            "3.1: 38.500 is more than 50 times the target (40 triệu đồng). Check the unit it is counted in.",
        ),
        (
            "3.1",  # a month's income in nghìn đồng
            "3.800",
            "3.1: 3.800 is more than 50 times the target (40 triệu đồng). Check the unit it is counted in.",
        ),
        (
            "3.1",
            "2.001",
            "3.1: 2.001 is more than 50 times the target (40 triệu đồng). Check the unit it is counted in.",
        ),
    ],
)
def test_a_bad_value_is_refused_with_the_indicator_named_and_nothing_written(assessment, personas, code, raw, message):
    with pytest.raises(ValidationError) as exc:
        record(assessment, personas.officer_a, code, raw)
    assert exc.value.message_dict == {code: [message]}
    assert not IndicatorValue.objects.filter(assessment=assessment).exists()
    assert HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.VALUE).count() == 0


def test_a_number_up_to_fifty_times_its_target_is_recorded(assessment, personas):
    assert record(assessment, personas.officer_a, "3.1", "2.000").outcome == "met"


def test_several_values_are_all_or_nothing(assessment, personas):
    entries = [
        ValueEntry("1.1", "có", expected_version=0),
        ValueEntry("2.1", "150", expected_version=0),
        ValueEntry("9.9", "1"),
    ]
    with pytest.raises(ValidationError) as exc:
        assessment_record_values(assessment=assessment, entries=entries, user=personas.officer_a)
    assert set(exc.value.message_dict) == {"2.1", "9.9"}
    assert not IndicatorValue.objects.filter(assessment=assessment).exists()


def test_a_stale_write_is_refused_and_shows_the_current_value(assessment, personas):
    record(assessment, personas.officer_a, "2.1", "85")
    with pytest.raises(StaleWriteError) as exc:
        record(assessment, personas.district_d1, "2.1", "90", version=0)
    assert exc.value.current.value_decimal == 85
    assert "was changed by officer_a in the meantime (now: 85)" in exc.value.messages[0]
    assert IndicatorValue.objects.get(assessment=assessment, indicator__code="2.1").value_decimal == 85


def test_a_stale_write_of_what_is_stored_now_is_saved_without_a_conflict_or_history(assessment, personas):
    """QA: two officers typed 88 from the same page; the second was told "2.2 was changed …
    Your value: 88 · Saved value: 88" (a conflict over nothing)."""
    record(assessment, personas.officer_a, "2.1", "88", note="Theo báo cáo xã")
    history = HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.VALUE)
    assert history.count() == 1
    saved = record(assessment, personas.district_d1, "2.1", "88,0", version=0, note="Theo báo cáo xã")
    assert (saved.value_decimal, saved.version, saved.updated_by) == (88, 1, personas.officer_a)
    assert record(assessment, personas.district_d1, "2.1", "88", version=0).version == 1  # note kept: the same
    assert history.count() == 1
    # The same figure with another note, or another figure, is still a conflict.
    with pytest.raises(StaleWriteError):
        record(assessment, personas.district_d1, "2.1", "88", version=0, note="Theo thống kê huyện")
    with pytest.raises(StaleWriteError):
        record(assessment, personas.district_d1, "2.1", "89", version=0, note="Theo báo cáo xã")


def test_a_stale_write_names_who_changed_the_value_as_the_history_does(assessment, personas):
    """QA: "2.3 vừa được xa1 sửa" gave the login name where the history reads "Phạm Anh Tuấn"."""
    officer = personas.officer_a
    officer.last_name, officer.first_name = "Phạm Anh", "Tuấn"
    officer.save()
    record(assessment, officer, "2.1", "85")
    with pytest.raises(StaleWriteError) as exc:
        record(assessment, personas.district_d1, "2.1", "90", version=0)
    assert "was changed by Phạm Anh Tuấn in the meantime (now: 85)" in exc.value.messages[0]


def test_history_is_appended_old_to_new_and_cannot_be_edited(assessment, personas):
    record(assessment, personas.officer_a, "2.1", "85", note="Theo báo cáo xã")
    record(assessment, personas.district_d1, "2.1", "79,5")
    entries = list(HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.VALUE))
    assert [(e.old_value, e.new_value, e.user.username) for e in entries] == [
        ("", "85", "officer_a"),
        ("85", "79.5", "district_d1"),
    ]
    assert entries[0].new_note == "Theo báo cáo xã"
    entry = entries[0]
    entry.new_value = "99"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        HistoryEntry.objects.filter(assessment=assessment).delete()
    with pytest.raises(ValidationError):
        HistoryEntry.objects.filter(assessment=assessment).update(new_value="x")


def test_saving_the_same_value_again_changes_nothing(assessment, personas):
    first = record(assessment, personas.officer_a, "2.1", "85")
    again = record(assessment, personas.officer_a, "2.1", "85,0")
    assert again.version == first.version == 1
    assert HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.VALUE).count() == 1


def test_officers_of_another_commune_and_viewers_cannot_record(assessment, personas):
    for user in (personas.officer_b, personas.viewer, personas.district_d2):
        with pytest.raises(PermissionDenied):
            record(assessment, user, "1.1", "có")
    assert not IndicatorValue.objects.filter(assessment=assessment).exists()


def test_a_submitted_assessment_is_locked(assessment, personas):
    assessment_set_state(assessment=assessment, state=AssessmentState.SUBMITTED, user=personas.officer_a)
    with pytest.raises(ValidationError, match="can no longer be edited"):
        record(assessment, personas.officer_a, "1.1", "có")


def test_recognition_needs_a_decision_number_and_date(assessment, personas):
    with pytest.raises(ValidationError):
        assessment_set_state(assessment=assessment, state=AssessmentState.RECOGNISED, user=personas.province_office)
    done = assessment_set_state(
        assessment=assessment,
        state=AssessmentState.RECOGNISED,
        user=personas.province_office,
        decision_number="123/QĐ-UBND",
        decision_date=datetime.date(2023, 12, 20),
        comment="Đủ điều kiện",
    )
    assert (done.state, done.decision_number) == ("recognised", "123/QĐ-UBND")
    last = HistoryEntry.objects.filter(assessment=assessment).last()
    assert (last.old_state, last.new_state, last.comment) == ("draft", "recognised", "Đủ điều kiện")


def test_an_assessment_must_fit_the_set_years_level_and_be_unique(personas, tree):
    s = make_set()
    with pytest.raises(ValidationError, match="applies to the years 2021–2025, not 2026"):
        assessment_create(unit=tree.a, criteria_set=s, year=2026, user=personas.officer_a)
    with pytest.raises(ValidationError, match="another level"):
        assessment_create(unit=tree.a1, criteria_set=s, year=2023, user=personas.officer_a)
    assessment_create(unit=tree.a, criteria_set=s, year=2023, user=personas.officer_a)
    with pytest.raises(ValidationError, match="already has its standard assessment"):
        assessment_create(unit=tree.a, criteria_set=s, year=2023, user=personas.officer_a)
    assert Assessment.objects.count() == 1


def test_a_past_state_can_be_reconstructed_from_history(assessment, personas):
    t = datetime.datetime
    tz = datetime.UTC
    assessment_record_values(
        assessment=assessment, entries=[ValueEntry("2.1", "60")], user=personas.officer_a, at=t(2023, 3, 1, tzinfo=tz)
    )
    assessment_record_values(
        assessment=assessment,
        entries=[ValueEntry("2.1", "85"), ValueEntry("1.1", "có")],
        user=personas.officer_a,
        at=t(2023, 6, 1, tzinfo=tz),
    )
    assert values_as_of(assessment, t(2023, 2, 1, tzinfo=tz)) == {}
    assert values_as_of(assessment, t(2023, 4, 1, tzinfo=tz)) == {"2.1": "60"}
    assert values_as_of(assessment, t(2023, 7, 1, tzinfo=tz)) == {"2.1": "85", "1.1": "yes"}


def test_a_value_recorded_at_a_past_moment_says_it_was_entered_then(assessment, personas):
    """A loader of past data passes `at`: the value's "entered at" and its history entry agree,
    both when the value is created and when it is changed."""
    moments = [
        datetime.datetime(2025, 2, 1, 3, tzinfo=datetime.UTC),
        datetime.datetime(2025, 3, 1, 3, tzinfo=datetime.UTC),
    ]
    for raw, at in zip(["60", "85"], moments, strict=True):
        assessment_record_values(
            assessment=assessment, entries=[ValueEntry("2.1", raw)], user=personas.officer_a, at=at
        )
        value = IndicatorValue.objects.get(assessment=assessment, indicator__code="2.1")
        last = HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.VALUE).latest("at")
        assert value.updated_at == last.at == at


def test_recording_a_value_takes_a_bounded_number_of_queries(assessment, personas, django_assert_max_num_queries):
    record(assessment, personas.officer_a, "1.1", "có")
    with django_assert_max_num_queries(20):
        record(assessment, personas.officer_a, "2.1", "85")
