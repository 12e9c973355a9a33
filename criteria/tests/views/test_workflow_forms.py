"""A refused workflow action (return, recognise, revoke…) shows the sheet again with what was
typed kept in its form and each error at its field."""

import re

import pytest
from django.urls import reverse

from criteria.models import AssessmentState
from criteria.services import ValueEntry, assessment_record_values, assessment_transition

pytestmark = pytest.mark.django_db

COMPLETE = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]
LONG_REASON = "Thiếu biên bản họp thôn. " * 100  # 2,500 characters


def _to(assessment, personas, *actions):
    assessment_record_values(assessment=assessment, entries=COMPLETE, user=personas.officer_a)
    who = {"submit": personas.officer_a, "verify": personas.district_d1}
    for action in actions:
        assessment_transition(assessment=assessment, action=action, user=who.get(action, personas.province_office))
    assessment.refresh_from_db()


def _act(client, assessment, action, **data):
    return client.post(reverse("assessment_action", args=[assessment.pk, action]), data)


def test_a_refused_recognition_keeps_the_typed_number_and_shows_the_date_error_at_its_field(
    client, personas, assessment
):
    _to(assessment, personas, "submit", "verify", "appraise")
    client.force_login(personas.province_office)
    response = _act(
        client,
        assessment,
        "recognise",
        version=assessment.version,
        decision_number="123/QĐ-UBND",
        decision_date="31/06/2025",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="dn-recognise" name="decision_number" value="123/QĐ-UBND"', html)
    assert re.search(r'id="dd-recognise" name="decision_date" value="31/06/2025"[^>]*aria-invalid="true"', html)
    assert "Enter a valid date." in html[html.index('id="dd-recognise"') :]
    assert _state(assessment) == AssessmentState.APPRAISED


def test_a_recognition_the_service_refuses_keeps_what_was_typed(client, personas, assessment):
    _to(assessment, personas, "submit", "verify", "appraise")
    client.force_login(personas.province_office)
    response = _act(
        client,
        assessment,
        "recognise",
        version=assessment.version,
        decision_number="7/QĐ-UBND",
        decision_date="15/12/2024",  # before the assessment's year
        confirmed="1",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="7/QĐ-UBND"' in html and 'value="15/12/2024"' in html
    date_field = html[html.index('id="dd-recognise"') : html.index("</form>", html.index('id="dd-recognise"'))]
    assert "2025" in date_field and 'class="error"' in date_field
    assert _state(assessment) == AssessmentState.APPRAISED


def test_a_refused_return_keeps_the_reason_and_the_textarea_says_its_limit(client, personas, assessment):
    _to(assessment, personas, "submit")
    client.force_login(personas.district_d1)
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert re.search(r'<textarea id="c-return" name="comment" rows="2" maxlength="2000" required', page)
    response = _act(client, assessment, "return", version=assessment.version, comment=LONG_REASON)
    html = response.content.decode()
    assert response.status_code == 400
    returned = html[html.index('id="c-return"') : html.index("</form>", html.index('id="c-return"'))]
    assert LONG_REASON.strip() in returned
    assert "Ensure this value has at most 2000 characters" in returned
    assert _state(assessment) == AssessmentState.SUBMITTED
    # The other actions' forms stay blank.
    verify = html[html.index('id="c-verify"') : html.index("</form>", html.index('id="c-verify"'))]
    assert "Thiếu biên bản" not in verify


def test_an_action_no_longer_open_says_why_on_the_sheet(client, personas, assessment):
    client.force_login(personas.district_d1)
    response = _act(client, assessment, "verify", version=assessment.version)  # a draft: not to verify yet
    assert response.status_code == 400
    assert "This action is not possible while the assessment is “Draft”." in response.content.decode()


def _state(assessment):
    assessment.refresh_from_db()
    return assessment.state
