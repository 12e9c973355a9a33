"""Submit, recognise and revoke say what will happen and wait for a second "yes"."""

import datetime
import re

import pytest
from django.urls import reverse

from criteria.confirmations import confirmation_for
from criteria.models import AssessmentState
from criteria.services import ValueEntry, assessment_record_values, assessment_transition

pytestmark = pytest.mark.django_db

COMPLETE = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]


def _act(client, assessment, action, **data):
    return client.post(reverse("assessment_action", args=[assessment.pk, action]), data)


def _state(assessment):
    assessment.refresh_from_db()
    return assessment.state


def _hidden(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))


def _to(assessment, personas, *actions):
    assessment_record_values(assessment=assessment, entries=COMPLETE, user=personas.officer_a)
    who = {"submit": personas.officer_a, "verify": personas.district_d1}
    for action in actions:
        extra = {"decision_number": "9/QĐ-UBND", "decision_date": datetime.date(2025, 12, 1)}
        assessment_transition(
            assessment=assessment,
            action=action,
            user=who.get(action, personas.province_office),
            **(extra if action == "recognise" else {}),
        )


def test_submitting_first_says_what_will_happen_and_changes_nothing(client, personas, assessment):
    _to(assessment, personas)
    client.force_login(personas.officer_a)
    assessment.refresh_from_db()
    response = _act(client, assessment, "submit", version=assessment.version)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Submit the self-assessment of Xã Cẩm Thạch for 2025?" in html
    assert "can no longer be changed, unless it is returned to you" in html
    assert "3 of 3 criteria met" in html
    assert _hidden(html)["confirmed"] == "1" and _hidden(html)["version"] == str(assessment.version)
    assert f'href="{reverse("assessment", args=[assessment.pk])}#workflow"' in html  # cancel
    assert _state(assessment) == AssessmentState.DRAFT

    _act(client, assessment, "submit", **_hidden(html))
    assert _state(assessment) == AssessmentState.SUBMITTED


def test_a_submission_confirmed_after_someone_saved_a_value_is_asked_again_with_the_new_figures(
    client, personas, assessment
):
    """QA: the confirmation read "9 of 19 criteria met"; meanwhile a value saved in another
    session made it 10 of 19, and "Yes, submit" submitted without a word."""
    entries = [e if e.code != "2.1" else ValueEntry("2.1", "60") for e in COMPLETE]
    assessment_record_values(assessment=assessment, entries=entries, user=personas.officer_a)
    officer = personas.district_d1
    officer.last_name, officer.first_name = "Trần Văn", "Bình"
    officer.save()
    client.force_login(personas.officer_a)
    assessment.refresh_from_db()
    asked = _act(client, assessment, "submit", version=assessment.version).content.decode()
    assert "2 of 3 criteria met" in asked and "The values changed" not in asked

    assessment_record_values(assessment=assessment, entries=[ValueEntry("2.1", "85")], user=officer)
    assessment.refresh_from_db()
    response = _act(client, assessment, "submit", **_hidden(asked))
    again = response.content.decode()
    assert response.status_code == 200 and _state(assessment) == AssessmentState.DRAFT
    assert "3 of 3 criteria met" in again
    assert "The values changed since you were asked: Trần Văn Bình saved the last change" in again
    assert _hidden(again)["stamp"] != _hidden(asked)["stamp"]

    _act(client, assessment, "submit", **_hidden(again))
    assert _state(assessment) == AssessmentState.SUBMITTED


def test_a_value_saved_again_unchanged_does_not_ask_again(client, personas, assessment):
    _to(assessment, personas)
    client.force_login(personas.officer_a)
    assessment.refresh_from_db()
    asked = _act(client, assessment, "submit", version=assessment.version).content.decode()
    assessment_record_values(assessment=assessment, entries=[ValueEntry("2.1", "85")], user=personas.district_d1)
    _act(client, assessment, "submit", **_hidden(asked))
    assert _state(assessment) == AssessmentState.SUBMITTED


def test_submitting_with_missing_values_is_refused_at_once_without_asking(client, personas, assessment):
    client.force_login(personas.officer_a)
    response = _act(client, assessment, "submit", version=assessment.version)
    assert response.status_code == 400  # the sheet again, saying why above the button
    assert 'class="form-errors"' in response.content.decode()
    assert _state(assessment) == AssessmentState.DRAFT


def test_recognising_names_the_decision_before_it_is_recorded(client, personas, assessment):
    _to(assessment, personas, "submit", "verify", "appraise")
    client.force_login(personas.province_office)
    response = _act(client, assessment, "recognise", decision_number="45/QĐ-UBND", decision_date="20/12/2025")
    html = response.content.decode()
    assert "Recognise Xã Cẩm Thạch as meeting the NTM standard for 2025?" in html
    assert "Decision 45/QĐ-UBND of 20/12/2025 is recorded" in html
    assert "Xã Cẩm Thạch holds the title on the dashboards" in html
    assert _state(assessment) == AssessmentState.APPRAISED
    _act(client, assessment, "recognise", **_hidden(html))
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.RECOGNISED and assessment.decision_number == "45/QĐ-UBND"


def test_revoking_is_asked_as_a_danger_and_keeps_the_comment(client, personas, assessment):
    _to(assessment, personas, "submit", "verify", "appraise", "recognise")
    client.force_login(personas.province_office)
    revocation = {"decision_number": "12/QĐ-UBND", "decision_date": "02/12/2025"}
    refused = _act(client, assessment, "revoke", comment="Sai hồ sơ")  # no decision: refused at once
    assert refused.status_code == 400 and ">Sai hồ sơ</textarea>" in refused.content.decode()
    html = _act(client, assessment, "revoke", comment="Sai hồ sơ", **revocation).content.decode()
    assert "Revoke the recognition of Xã Cẩm Thạch for 2025?" in html
    assert "decision 9/QĐ-UBND of 01/12/2025 is revoked by decision 12/QĐ-UBND of 02/12/2025" in html
    assert "danger-solid" in html
    assert _hidden(html)["comment"] == "Sai hồ sơ"
    assert _state(assessment) == AssessmentState.RECOGNISED
    _act(client, assessment, "revoke", **_hidden(html))
    assert _state(assessment) == AssessmentState.REVOKED


def test_verifying_is_not_asked_again(client, personas, assessment):
    _to(assessment, personas, "submit")
    client.force_login(personas.district_d1)
    assert _act(client, assessment, "verify", comment="Đạt").status_code == 302
    assert _state(assessment) == AssessmentState.VERIFIED


def test_a_decision_the_service_refuses_is_refused_at_its_field_before_any_confirmation(client, personas, assessment):
    """QA: a revocation with the recognition's own number was confirmed ("… bị thu hồi theo quyết
    định số 9/QĐ-UBND"), then refused; so were dates in the future."""
    _to(assessment, personas, "submit", "verify", "appraise", "recognise")
    client.force_login(personas.province_office)
    refused = _act(client, assessment, "revoke", comment="Sai", decision_number="9/QĐ-UBND", decision_date="02/12/2025")
    html = refused.content.decode()
    assert refused.status_code == 400 and "Yes, revoke" not in html
    assert "9/QĐ-UBND is the recognition decision" in html
    assert _state(assessment) == AssessmentState.RECOGNISED


def test_the_address_of_an_action_leads_back_to_the_sheet(client, personas, assessment):
    """QA: a refused form is shown at the action's address; reloading it or switching the
    language there (a GET) answered 405."""
    client.force_login(personas.officer_a)
    response = client.get(reverse("assessment_action", args=[assessment.pk, "submit"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment", args=[assessment.pk]) + "#workflow"


@pytest.mark.parametrize(
    ("tier", "title"),
    [
        ("standard", "Recognise Xã Cẩm Thạch as meeting the NTM standard for 2025?"),
        ("advanced", "Recognise Xã Cẩm Thạch as meeting the advanced NTM standard for 2025?"),
        ("model", "Recognise Xã Cẩm Thạch as meeting the model NTM standard for 2025?"),
    ],
)
def test_a_recognitions_title_names_the_tier_in_the_decisions_words(assessment, tier, title):
    """QA: "Công nhận Xã … đạt chuẩn mức Đạt chuẩn": the tier's label put into "meeting the … standard"."""
    assessment.tier = tier
    for action in ("recognise", "record_recognition"):
        assert confirmation_for(action, assessment, {}).title == title


def test_recognising_with_criteria_unmet_is_refused_at_once_keeping_the_decision(client, personas, assessment):
    """QA: "Recognise … ?" was asked first; only after "Yes, recognise" came the refusal naming
    the criteria not met."""
    assessment_record_values(
        assessment=assessment, entries=[*COMPLETE[:1], ValueEntry("2.1", "50")], user=personas.officer_a
    )
    assessment_record_values(assessment=assessment, entries=COMPLETE[2:], user=personas.officer_a)
    for action, user in [("submit", personas.officer_a), ("verify", personas.district_d1)]:
        assessment_transition(assessment=assessment, action=action, user=user)
    assessment_transition(assessment=assessment, action="appraise", user=personas.province_office)
    client.force_login(personas.province_office)
    assessment.refresh_from_db()
    response = _act(
        client,
        assessment,
        "recognise",
        decision_number="45/QĐ-UBND",
        decision_date="20/12/2025",
        version=assessment.version,
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Recognise Xã Cẩm Thạch as meeting" not in html and "Yes, recognise" not in html
    assert "not met: 2. Thủy lợi" in html
    assert 'value="45/QĐ-UBND"' in html and 'value="20/12/2025"' in html
    assert _state(assessment) == AssessmentState.APPRAISED


def test_losing_a_recognition_at_once_answers_409_naming_who_recognised(client, personas, assessment):
    """QA: the loser of two recognitions at once got 400 "not possible while … Recognised"."""
    _to(assessment, personas, "submit", "verify", "appraise")
    assessment.refresh_from_db()
    version = assessment.version
    assessment_transition(
        assessment=assessment,
        action="recognise",
        user=personas.province_office,
        decision_number="302/QĐ-UBND",
        decision_date=datetime.date(2025, 12, 3),
        expected_version=version,
    )
    client.force_login(personas.province_office)
    response = _act(
        client,
        assessment,
        "recognise",
        decision_number="302/QĐ-UBND",
        decision_date="03/12/2025",
        version=version,
        confirmed="1",
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "recognised this dossier (decision 302/QĐ-UBND of 03/12/2025) while you were working on it" in html
    assert "This action is not possible" not in html


def test_a_backdated_advanced_recognition_is_refused_at_its_date_before_any_confirmation(client, personas, tree):
    from criteria.services import assessment_create
    from criteria.tests.factories import make_set

    def appraised(criteria_set):
        a = assessment_create(unit=tree.a, criteria_set=criteria_set, year=2025, user=personas.officer_a)
        _to(a, personas, "submit", "verify", "appraise")
        a.refresh_from_db()
        return a

    office = personas.province_office
    standard = appraised(make_set(year_from=2021, year_to=2025))
    decision = {"decision_number": "20/QĐ-UBND", "decision_date": datetime.date(2025, 6, 20)}
    assessment_transition(assessment=standard, action="recognise", user=office, **decision)
    revocation = {"decision_number": "28/QĐ-UBND", "decision_date": datetime.date(2025, 6, 28)}
    assessment_transition(assessment=standard, action="revoke", user=office, comment="Phúc tra", **revocation)
    advanced = appraised(make_set(code="ADV", tier="advanced", year_from=2021, year_to=2025))
    client.force_login(office)
    response = _act(
        client,
        advanced,
        "recognise",
        decision_number="25/QĐ-UBND",
        decision_date="25/06/2025",
        version=advanced.version,
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Yes, recognise" not in html
    assert "revoked by decision 28/QĐ-UBND of 28/06/2025" in html
    assert 'value="25/QĐ-UBND"' in html
    assert _state(advanced) == AssessmentState.APPRAISED


def test_a_decision_number_another_commune_holds_with_another_date_is_refused_at_once(client, personas, tree):
    from criteria.services import assessment_create

    other = assessment_create(unit=tree.b, criteria_set=make_set_for(tree), year=2025, user=personas.officer_b)
    assessment_record_values(assessment=other, entries=COMPLETE, user=personas.officer_b)
    for action, user in [("submit", personas.officer_b), ("verify", personas.district_d1)]:
        assessment_transition(assessment=other, action=action, user=user)
    office = personas.province_office
    assessment_transition(assessment=other, action="appraise", user=office)
    decision = {"decision_number": "121/QĐ-UBND", "decision_date": datetime.date(2025, 6, 8)}
    assessment_transition(assessment=other, action="recognise", user=office, **decision)
    mine = assessment_create(unit=tree.a, criteria_set=other.criteria_set, year=2025, user=personas.officer_a)
    _to(mine, personas, "submit", "verify", "appraise")
    mine.refresh_from_db()
    client.force_login(office)
    typed = {"decision_number": " 121 / qđ-ubnd ", "decision_date": "10/06/2025", "version": mine.version}
    html = _act(client, mine, "recognise", **typed).content.decode()
    assert "121/QĐ-UBND is already recorded for Xã Đức Lĩnh dated 08/06/2025" in html
    assert "Yes, recognise" not in html
    assert 'value=" 121 / qđ-ubnd "' in html  # kept as typed, never rewritten
    assert _state(mine) == AssessmentState.APPRAISED


def make_set_for(tree):
    from criteria.tests.factories import make_set

    return make_set(year_from=2021, year_to=2025)
