"""Summary records of the past: a year's standing from an old report, counted like any assessment."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from criteria.models import CriterionResult, HistoryEntry, HistoryKind
from criteria.services import ValueEntry, assessment_create, assessment_record_values
from criteria.services.assessments import DuplicateAssessment
from criteria.services.summary import assessment_convert_summary, assessment_record_summary
from criteria.tests.factories import make_set
from reports.selectors import progress_summary

pytestmark = pytest.mark.django_db

REPORT = {"source_number": "25/BC-UBND", "source_date": datetime.date(2022, 3, 15)}


@pytest.fixture
def old_set():
    return make_set(code="OLD", year_from=2016, year_to=2021)


def _record(unit, old_set, user, **kw):
    return assessment_record_summary(
        unit=unit,
        criteria_set=old_set,
        year=kw.pop("year", 2021),
        met=kw.pop("met", {1, 3}),
        user=user,
        **(REPORT | kw),
    )


def test_a_summary_record_holds_the_reported_standing_and_counts_like_a_full_assessment(tree, personas, old_set):
    a = _record(tree.a, old_set, personas.officer_a, basically_met={2}, count=2)
    assert (a.summary, a.criteria_met, a.criteria_basically_met, a.criteria_total) == (True, 2, 1, 3)
    assert a.source_number == "25/BC-UBND"
    assert set(CriterionResult.objects.filter(assessment=a, met=True).values_list("criterion__number", flat=True)) == {
        1,
        3,
    }
    s = progress_summary(unit=tree.province, year=2021, tier="standard")
    assert (s.communes_with_data, s.average_criteria_met, s.criteria_basically_met) == (1, 2, 1)
    created = HistoryEntry.objects.get(assessment=a, kind=HistoryKind.CREATED)
    assert "25/BC-UBND" in created.comment


def test_a_summary_record_is_the_unit_s_assessment_of_the_year(tree, personas, old_set):
    _record(tree.a, old_set, personas.officer_a)
    with pytest.raises(DuplicateAssessment):
        assessment_create(unit=tree.a, criteria_set=old_set, year=2021, user=personas.officer_a)
    with pytest.raises(DuplicateAssessment):
        _record(tree.a, old_set, personas.officer_a)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"met": {1, 9}}, "met"),
        ({"met": {1, 2}, "basically_met": {2}}, "basically_met"),
        ({"count": 3}, "count"),
        ({"source_number": " "}, "source_number"),
        ({"source_date": None}, "source_date"),
        ({"source_date": datetime.date(2020, 12, 1)}, "source_date"),
    ],
)
def test_a_summary_that_does_not_hold_together_is_refused_at_the_field(tree, personas, old_set, kw, field):
    with pytest.raises(ValidationError) as exc:
        _record(tree.a, old_set, personas.officer_a, **kw)
    assert field in exc.value.message_dict


def test_an_officer_of_another_commune_cannot_record_one(tree, personas, old_set):
    with pytest.raises(PermissionDenied):
        _record(tree.a, old_set, personas.officer_b)


def test_values_wait_for_the_conversion_into_a_full_assessment(tree, personas, old_set):
    a = _record(tree.a, old_set, personas.officer_a)
    with pytest.raises(ValidationError, match="convert it"):
        assessment_record_values(assessment=a, entries=[ValueEntry("2.1", "85")], user=personas.officer_a)
    a = assessment_convert_summary(assessment=a, user=personas.officer_a)
    assert not a.summary and a.criteria_met == 2  # the reported standing stays
    assessment_record_values(assessment=a, entries=[ValueEntry("2.1", "85")], user=personas.officer_a)
    a.refresh_from_db()
    assert a.criteria_met == 3  # criterion 2 now from its values
    assert HistoryEntry.objects.filter(assessment=a, kind=HistoryKind.SUMMARY).exists()


def test_a_summary_record_is_not_offered_for_submitting_and_says_why_if_asked(tree, personas, old_set):
    from criteria.services import assessment_transition, available_actions

    a = _record(tree.a, old_set, personas.officer_a)
    assert "submit" not in {action.name for action in available_actions(personas.officer_a, a)}
    with pytest.raises(ValidationError, match="summary record of a past report: convert it") as refused:
        assessment_transition(assessment=a, action="submit", user=personas.officer_a)
    assert "missing" not in str(refused.value)  # not the list of every indicator
    a = assessment_convert_summary(assessment=a, user=personas.officer_a)
    assert "submit" in {action.name for action in available_actions(personas.officer_a, a)}


def test_the_province_office_records_the_recognition_decision_a_past_report_gives(tree, personas, old_set):
    """QA: "17 xã đạt chuẩn, QĐ số …" from an old report could not be entered: a summary record
    could only be converted, every value typed again and taken through the whole procedure."""
    from criteria.figures import holds_title
    from criteria.models import AssessmentState
    from criteria.services import assessment_transition, available_actions
    from criteria.services.workflow import MSG_FULL_ASSESSMENT_APPRAISED_FIRST

    decision = {"decision_number": "318/QĐ-UBND", "decision_date": datetime.date(2021, 10, 20)}
    a = _record(tree.a, old_set, personas.officer_a, met={1, 2, 3})
    office = personas.province_office
    assert "record_recognition" in {action.name for action in available_actions(office, a)}
    assert "record_recognition" not in {action.name for action in available_actions(personas.officer_a, a)}
    with pytest.raises(PermissionDenied):
        assessment_transition(assessment=a, action="record_recognition", user=personas.officer_a, **decision)
    a = assessment_transition(assessment=a, action="record_recognition", user=office, **decision)
    assert (a.state, a.decision_number, a.summary) == (AssessmentState.RECOGNISED, "318/QĐ-UBND", True)
    assert holds_title(tree.a, "standard", datetime.date(2021, 12, 31))
    assert not holds_title(tree.a, "standard", datetime.date(2021, 10, 19))
    # Recognised, it keeps its report's standing: not converted into a sheet no value can enter.
    with pytest.raises(ValidationError, match="cannot be converted"):
        assessment_convert_summary(assessment=a, user=office)
    # The same checks as a recognition: every criterion met, a decision dated in the year.
    b = _record(tree.b, old_set, personas.officer_b, met={1, 3})
    assert "record_recognition" not in {action.name for action in available_actions(office, b)}
    with pytest.raises(ValidationError, match="meets every criterion"):
        assessment_transition(assessment=b, action="record_recognition", user=office, **decision)
    c = _record(tree.c, old_set, office, met={1, 2, 3})
    with pytest.raises(ValidationError, match="cannot be dated before 2021"):
        assessment_transition(
            assessment=c,
            action="record_recognition",
            user=office,
            decision_number="1/QĐ",
            decision_date=datetime.date(2020, 5, 1),
        )
    # A full assessment is recognised after verification and appraisal only.
    c = assessment_convert_summary(assessment=c, user=office)
    assert "record_recognition" not in {action.name for action in available_actions(office, c)}
    with pytest.raises(ValidationError) as refused:
        assessment_transition(assessment=c, action="record_recognition", user=office, **decision)
    assert refused.value.messages == [str(MSG_FULL_ASSESSMENT_APPRAISED_FIRST)]


@pytest.fixture
def merged(tree):
    """Commune A ends on 30/06/2025; Xã Hợp Nhất is formed from it on 1 July 2025."""
    from communes.models import UnitSuccession
    from communes.tests.factories import CommuneFactory

    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save()
    m = CommuneFactory(code="40901", name="Xã Hợp Nhất", parent=tree.province, valid_from=datetime.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=tree.a, successor=m, date=datetime.date(2025, 7, 1))
    return m


def test_a_year_outside_the_unit_s_lifetime_is_refused_at_the_year_naming_its_dates(tree, personas, merged):
    """QA: a summary record of 2026 for a commune that ended on 30/06/2025 (and of 2024 for one
    formed on 1/7/2025) was refused only as a whole, without the unit's dates, once every other
    field held; the year field said nothing."""
    s = make_set(code="S", year_from=2021, year_to=2030)
    office = personas.province_office
    with pytest.raises(ValidationError) as ended:
        _record(tree.a, s, office, year=2026, source_date=datetime.date(2026, 3, 1), count=5)
    assert ended.value.message_dict["year"] == [
        "Xã Cẩm Thạch existed only until 30/06/2025: no standing of 2026 can be recorded for it."
    ]
    assert "count" in ended.value.message_dict  # said together with the report's other refusals
    with pytest.raises(ValidationError) as not_formed:
        _record(merged, s, office, year=2024, source_date=datetime.date(2025, 9, 1))
    assert not_formed.value.message_dict == {
        "year": ["Xã Hợp Nhất was formed on 01/07/2025: no standing of 2024 can be recorded for it."]
    }
    assert _record(tree.a, s, office, year=2025, source_date=datetime.date(2025, 6, 30)).year == 2025
    assert _record(merged, s, office, year=2026, source_date=datetime.date(2026, 3, 1)).year == 2026


def test_a_report_dated_before_the_unit_was_formed_cannot_give_its_standing(tree, personas, merged):
    s = make_set(code="S", year_from=2021, year_to=2030)
    with pytest.raises(ValidationError) as refused:
        _record(merged, s, personas.province_office, year=2025, source_date=datetime.date(2025, 3, 1))
    assert refused.value.message_dict == {
        "source_date": ["Xã Hợp Nhất was formed on 01/07/2025: a report dated before that cannot give its standing."]
    }


def test_a_report_after_the_unit_ended_gives_its_standing_but_no_recognition_after_the_end(tree, personas, merged):
    """A commune that ended on 30/06/2025 has its 2024–2025 standing in reports made after that
    (the province's, its successor's): kept. A recognition decision dated after the end is not."""
    from criteria.services import assessment_transition

    s = make_set(code="S", year_from=2021, year_to=2030)
    office = personas.province_office
    a = _record(tree.a, s, office, year=2024, met={1, 2, 3}, source_date=datetime.date(2025, 12, 15))
    with pytest.raises(ValidationError) as refused:
        assessment_transition(
            assessment=a,
            action="record_recognition",
            user=office,
            decision_number="88/QĐ-UBND",
            decision_date=datetime.date(2025, 8, 1),
        )
    assert "Xã Cẩm Thạch ceased to exist on 30/06/2025" in refused.value.message_dict["decision_date"][0]
    a = assessment_transition(
        assessment=a,
        action="record_recognition",
        user=office,
        decision_number="88/QĐ-UBND",
        decision_date=datetime.date(2025, 6, 30),
    )
    assert a.decision_date == datetime.date(2025, 6, 30)


def test_a_report_s_advanced_decision_is_not_backdated_before_the_standard_title_s_revocation(tree, personas, old_set):
    """QA: the ladder held for the recognise button only in one direction; a summary record takes
    the same checks (an advanced title left standing after its standard base was revoked)."""
    from criteria.services import assessment_transition

    office = personas.province_office
    standard = _record(tree.a, old_set, personas.officer_a, met={1, 2, 3})
    standard = assessment_transition(
        assessment=standard,
        action="record_recognition",
        user=office,
        decision_number="10/QĐ-UBND",
        decision_date=datetime.date(2021, 6, 20),
    )
    assessment_transition(
        assessment=standard,
        action="revoke",
        user=office,
        comment="Phúc tra",
        decision_number="11/QĐ-UBND",
        decision_date=datetime.date(2021, 6, 28),
    )
    advanced_set = make_set(code="OLD-ADV", tier="advanced", year_from=2016, year_to=2021)
    advanced = _record(tree.a, advanced_set, personas.officer_a, met={1, 2, 3})
    with pytest.raises(ValidationError, match="revoked by decision 11/QĐ-UBND of 28/06/2021"):
        assessment_transition(
            assessment=advanced,
            action="record_recognition",
            user=office,
            decision_number="12/QĐ-UBND",
            decision_date=datetime.date(2021, 6, 25),
        )
