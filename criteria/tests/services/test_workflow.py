import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from communes.models import Role
from communes.tests.factories import CommuneFactory, MembershipFactory, UserFactory
from criteria.models import AssessmentState, HistoryEntry, HistoryKind, Indicator
from criteria.services import (
    StaleWriteError,
    ValueEntry,
    assessment_create,
    assessment_record_values,
    assessment_transition,
    available_actions,
    catalog_set_publish,
    missing_required,
)
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db

COMPLETE = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]
DECISION = {"decision_number": "123/QĐ-UBND", "decision_date": datetime.date(2023, 12, 20)}


@pytest.fixture
def assessment(personas, tree):
    a = assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)
    assessment_record_values(assessment=a, entries=COMPLETE, user=personas.officer_a)
    return a


def go(assessment, user, action, **kwargs):
    return assessment_transition(assessment=assessment, action=action, user=user, **kwargs)


def names(user, assessment):
    assessment.refresh_from_db()
    return [a.name for a in available_actions(user, assessment)]


def test_the_whole_path_from_draft_to_recognised(assessment, personas):
    go(assessment, personas.officer_a, "submit")
    go(assessment, personas.district_d1, "verify")
    go(assessment, personas.province_office, "appraise")
    done = go(assessment, personas.province_office, "recognise", **DECISION)
    assert (done.state, done.decision_number, done.decision_date) == (
        "recognised",
        "123/QĐ-UBND",
        datetime.date(2023, 12, 20),
    )
    states = [
        (h.old_state, h.new_state, h.user.username)
        for h in HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.STATE)
    ]
    assert states == [
        ("draft", "submitted", "officer_a"),
        ("submitted", "verified", "district_d1"),
        ("verified", "appraised", "province_office"),
        ("appraised", "recognised", "province_office"),
    ]


def test_submit_lists_the_missing_required_indicators(personas, tree):
    a = assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)
    assessment_record_values(assessment=a, entries=[ValueEntry("1.1", "có")], user=personas.officer_a)
    assert [i.code for i in missing_required(a)] == ["2.1", "3.1", "3.2"]
    with pytest.raises(ValidationError, match=r"missing: 2\.1, 3\.1, 3\.2"):
        go(a, personas.officer_a, "submit")


def test_a_conditional_indicator_marked_not_applicable_is_not_missing(personas, tree):
    """QĐ 318's 13.4 and a village's "chợ thôn (nếu có)": "không áp dụng" with its reason answers
    a required conditional indicator, so the commune can submit (it was listed as missing)."""
    criteria_set = make_set(publish=False)
    Indicator.objects.filter(criteria_set=criteria_set, code="3.2").update(conditional=True)
    catalog_set_publish(criteria_set=criteria_set)
    a = assessment_create(unit=tree.a, criteria_set=criteria_set, year=2023, user=personas.officer_a)
    entries = [*COMPLETE[:3], ValueEntry("3.2", "không áp dụng", note="Xã không có chợ")]
    assessment_record_values(assessment=a, entries=entries, user=personas.officer_a)
    assert missing_required(a) == []
    assert go(a, personas.officer_a, "submit").state == AssessmentState.SUBMITTED


def test_buttons_follow_role_and_state(assessment, personas):
    assert names(personas.officer_a, assessment) == ["submit"]
    assert names(personas.district_d1, assessment) == []
    go(assessment, personas.officer_a, "submit")
    assert names(personas.officer_a, assessment) == []
    assert names(personas.district_d1, assessment) == ["verify", "return"]
    assert names(personas.province_office, assessment) == []
    assert names(personas.viewer, assessment) == []
    go(assessment, personas.district_d1, "verify")
    assert names(personas.province_office, assessment) == ["return", "appraise"]


@pytest.mark.parametrize("who", ["officer_b", "district_d2", "viewer", "outsider"])
def test_others_cannot_act(assessment, personas, who):
    with pytest.raises(PermissionDenied):
        go(assessment, getattr(personas, who), "submit")
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.DRAFT


def test_an_officer_cannot_verify_their_own_submission(assessment, personas):
    go(assessment, personas.officer_a, "submit")
    with pytest.raises(PermissionDenied):
        go(assessment, personas.officer_a, "verify")


def test_returning_needs_a_comment_and_reopens_editing(assessment, personas):
    go(assessment, personas.officer_a, "submit")
    with pytest.raises(ValidationError, match="Say why"):
        go(assessment, personas.district_d1, "return")
    go(assessment, personas.district_d1, "return", comment="Thiếu biên bản họp")
    assessment.refresh_from_db()
    assert assessment.is_editable
    assert HistoryEntry.objects.filter(assessment=assessment).last().comment == "Thiếu biên bản họp"
    assessment_record_values(assessment=assessment, entries=[ValueEntry("2.1", "90")], user=personas.officer_a)
    go(assessment, personas.officer_a, "submit")


def test_an_action_from_the_wrong_state_is_refused(assessment, personas):
    with pytest.raises(ValidationError, match="not possible while"):
        go(assessment, personas.province_office, "appraise")  # province office holds the role, state is draft


def test_recognition_needs_its_decision(assessment, personas):
    go(assessment, personas.officer_a, "submit")
    go(assessment, personas.district_d1, "verify")
    go(assessment, personas.province_office, "appraise")
    with pytest.raises(ValidationError, match="decision"):
        go(assessment, personas.province_office, "recognise")
    with pytest.raises(ValidationError):
        go(
            assessment,
            personas.province_office,
            "recognise",
            decision_number="1/QĐ",
            decision_date=datetime.date(2999, 1, 1),
        )


def test_revoking_keeps_the_history(assessment, personas):
    for user, action in [
        (personas.officer_a, "submit"),
        (personas.district_d1, "verify"),
        (personas.province_office, "appraise"),
    ]:
        go(assessment, user, action)
    go(assessment, personas.province_office, "recognise", **DECISION)
    go(
        assessment,
        personas.province_office,
        "revoke",
        comment="Phúc tra: mất tiêu chí 17",
        decision_number="9/QĐ-UBND",
        decision_date=datetime.date(2024, 3, 1),
    )
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.REVOKED
    assert (assessment.revocation_number, assessment.revocation_date) == ("9/QĐ-UBND", datetime.date(2024, 3, 1))
    assert (assessment.decision_number, assessment.decision_date) == ("123/QĐ-UBND", datetime.date(2023, 12, 20))
    assert HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.STATE).count() == 5


def test_a_stale_transition_is_refused(assessment, personas):
    version = assessment.version
    go(assessment, personas.officer_a, "submit", expected_version=version)
    with pytest.raises(StaleWriteError, match="officer_a moved this dossier to “Submitted” while you were working"):
        go(assessment, personas.district_d1, "return", comment="x", expected_version=version)


def test_after_2025_the_province_office_verifies_communes_without_district(personas, tree):
    new = CommuneFactory(code="40900", name="Xã Mới", parent=tree.province)
    officer = UserFactory(username="officer_new")
    MembershipFactory(user=officer, unit=new, role=Role.COMMUNE_OFFICER)
    a = assessment_create(unit=new, criteria_set=make_set(), year=2025, user=officer)
    assessment_record_values(assessment=a, entries=COMPLETE, user=officer)
    go(a, officer, "submit")
    assert names(personas.province_office, a) == ["verify", "return"]
    go(a, personas.province_office, "verify")


def test_advanced_recognition_needs_standard_recognition_first(personas, tree):
    advanced = assessment_create(
        unit=tree.a, criteria_set=make_set(code="ADV", tier="advanced"), year=2023, user=personas.officer_a
    )
    assessment_record_values(assessment=advanced, entries=COMPLETE, user=personas.officer_a)
    for user, action in [
        (personas.officer_a, "submit"),
        (personas.district_d1, "verify"),
        (personas.province_office, "appraise"),
    ]:
        go(advanced, user, action)
    with pytest.raises(ValidationError, match="hold the standard NTM title"):
        go(advanced, personas.province_office, "recognise", **DECISION)


def test_the_loser_of_two_recognitions_at_once_is_told_who_recognised_it_not_that_the_state_is_wrong(
    assessment, personas
):
    """QA: the second of two province users recognising with the same version got "not possible
    while the assessment is Recognised" (400, nothing stored shown) instead of a conflict."""
    from communes.tests.factories import MembershipFactory, UserFactory

    go(assessment, personas.officer_a, "submit")
    go(assessment, personas.district_d1, "verify")
    go(assessment, personas.province_office, "appraise")
    assessment.refresh_from_db()
    version = assessment.version
    winner = UserFactory(username="vana", last_name="Nguyễn Văn", first_name="A")
    MembershipFactory(user=winner, unit=personas.province_office.memberships.first().unit, role=Role.PROVINCE_OFFICE)
    decision = {"decision_number": "302/QĐ-UBND", "decision_date": datetime.date(2023, 12, 20)}
    go(assessment, winner, "recognise", expected_version=version, **decision)
    with pytest.raises(StaleWriteError) as lost:
        go(assessment, personas.province_office, "recognise", expected_version=version, **decision)
    assert lost.value.messages == [
        "Nguyễn Văn A recognised this dossier (decision 302/QĐ-UBND of 20/12/2023) while you were working on it. "
        "Reload the page."
    ]
    assert (lost.value.current.state, lost.value.current.version) == ("recognised", version + 1)
