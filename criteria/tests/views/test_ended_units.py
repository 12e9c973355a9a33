"""A unit that has ended is read only for those who worked there (``communes.access.
working_memberships``): pages, API and imports refuse its officer and its district's committee,
its pages say why, and what its district did for its communes passes to the province office.

Tree (conftest): province P (40) → district D1 (401) → communes A, B; P → D2 (402) → commune C.
Here D1 and everything under it ended on 30/06/2025 (as the 2025 reorganisation abolished the
districts and merged the communes), after A's 2025 dossier was submitted and B's started.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from communes import access
from communes.models import AdministrativeUnit, Role
from communes.tests.factories import MembershipFactory, UserFactory
from criteria.inbox import inbox_for
from criteria.models import AssessmentState, IndicatorValue
from criteria.services import (
    ValueEntry,
    assessment_create,
    assessment_record_values,
    assessment_transition,
    available_actions,
)
from ntm_portal.tokens import token_issue
from reports.importing.template import import_template
from reports.models import ImportBatch

pytestmark = pytest.mark.django_db

ENDED = datetime.date(2025, 6, 30)
COMPLETE = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]


@pytest.fixture
def ended(tree, personas, criteria_set):
    a = assessment_create(unit=tree.a, criteria_set=criteria_set, year=2025, user=personas.officer_a)
    assessment_record_values(assessment=a, entries=COMPLETE, user=personas.officer_a)
    assessment_transition(assessment=a, action="submit", user=personas.officer_a)
    b = assessment_create(unit=tree.b, criteria_set=criteria_set, year=2025, user=personas.officer_b)
    AdministrativeUnit.objects.subtree(tree.d1).update(valid_to=ENDED)
    for user in vars(personas).values():
        access.forget_memberships(user)
    for obj in (tree.d1, tree.a, tree.b, a, b):
        obj.refresh_from_db()
    return SimpleNamespace(a=a, b=b)


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
    return client


def act(client, assessment, action, **body):
    assessment.refresh_from_db()
    body.setdefault("version", assessment.version)
    return client.post(f"/api/v1/assessments/{assessment.pk}/actions/{action}/", body, format="json")


# --- The scope -------------------------------------------------------------------------------


def test_the_members_of_an_ended_unit_read_it_and_change_nothing(tree, personas, ended):
    assert access.can_read_unit(personas.officer_b, tree.b) and not access.can_write_unit(personas.officer_b, tree.b)
    assert access.can_read_unit(personas.district_d1, tree.a)
    assert not access.units_for(personas.district_d1, write=True).exists()
    assert not access.writes_somewhere(personas.district_d1)
    # The province, which still exists, keeps writing there; the other district its own.
    assert access.can_write_unit(personas.province_office, tree.b)
    assert access.can_write_unit(personas.district_d2, tree.c)


def test_the_page_of_an_ended_unit_names_the_reason(tree, personas, ended):
    assert access.ended_unit_for(personas.officer_b, tree.b) == tree.b
    assert access.ended_unit_for(personas.district_d1, tree.d1) == tree.d1
    # Nothing to explain to those who act there, nor to a viewer, who never did.
    assert access.ended_unit_for(personas.province_office, tree.b) is None
    assert access.ended_unit_for(personas.viewer, tree.b) is None


def test_an_ended_communes_submitted_dossier_does_not_promise_changes_after_a_return(client, personas, ended):
    """Its officer read "values can be changed again if it is returned" — not by them any more."""
    client.force_login(personas.officer_a)
    html = client.get(reverse("assessment", args=[ended.a.pk])).content.decode()
    assert "ended on 30/06/2025: its records are for reading only" in html
    assert "values can be changed again if it is returned" not in html
    client.force_login(personas.viewer)  # who never worked there: the locked note as before
    assert (
        "values can be changed again if it is returned"
        in client.get(reverse("assessment", args=[ended.a.pk])).content.decode()
    )


# --- A commune that ended: its officer ----------------------------------------------------------


def test_an_ended_communes_officer_is_offered_no_input_and_no_submit(client, personas, ended):
    client.force_login(personas.officer_b)
    html = client.get(reverse("assessment", args=[ended.b.pk])).content.decode()
    assert "Xã Đức Lĩnh ended on 30/06/2025: its records are for reading only" in html
    assert 'name="value"' not in html
    assert available_actions(personas.officer_b, ended.b) == []


def test_an_ended_communes_officer_is_refused_values_evidence_and_submit_on_pages(client, personas, ended):
    client.force_login(personas.officer_b)
    value = client.post(reverse("record_value", args=[ended.b.pk, "1.1"]), {"value": "có"})
    evidence = client.post(
        reverse("upload_evidence", args=[ended.b.pk, "1.1"]),
        {"file": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")},
    )
    submit = client.post(reverse("assessment_action", args=[ended.b.pk, "submit"]), {"version": ended.b.version})
    summary = client.get(reverse("summary_record_new", args=["40102"]))
    assert [value.status_code, evidence.status_code, submit.status_code, summary.status_code] == [403] * 4
    assert not IndicatorValue.objects.filter(assessment=ended.b).exists()
    ended.b.refresh_from_db()
    assert ended.b.state == AssessmentState.DRAFT


def test_an_ended_communes_officer_is_refused_values_and_submit_by_the_api(personas, ended):
    client = api(personas.officer_b)
    value = client.post(
        f"/api/v1/assessments/{ended.b.pk}/values/", {"values": [{"code": "1.1", "value": "có"}]}, format="json"
    )
    assert value.status_code == 403, value.content
    assert act(client, ended.b, "submit").status_code == 403
    assert not IndicatorValue.objects.filter(assessment=ended.b).exists()


# --- A district that ended: its committee -------------------------------------------------------


def test_an_ended_districts_committee_verifies_nothing_and_waits_for_nothing(client, tree, personas, ended):
    assert available_actions(personas.district_d1, ended.a) == []
    assert inbox_for(personas.district_d1) == []
    assert act(api(personas.district_d1), ended.a, "verify").status_code == 403
    client.force_login(personas.district_d1)
    page = client.post(reverse("assessment_action", args=[ended.a.pk, "verify"]), {"version": ended.a.version})
    assert page.status_code == 403
    ended.a.refresh_from_db()
    assert ended.a.state == AssessmentState.SUBMITTED
    html = client.get(reverse("unit", args=["401"]), {"year": 2025}).content.decode()
    assert "Huyện Một ended on 30/06/2025: its records are for reading only" in html
    assert "Nothing is waiting for you." in html


def test_an_ended_districts_committee_starts_and_imports_nothing(client, tree, personas, criteria_set, ended):
    client.force_login(personas.district_d1)
    start = client.post(reverse("assessment_start"), {"unit": "401", "tier": "standard", "year": 2025})
    assert start.status_code == 403
    response = api(personas.district_d1).post(
        "/api/v1/assessments/", {"unit": "40101", "year": 2025, "tier": "advanced"}, format="json"
    )
    assert response.status_code == 403, response.content
    workbook = import_template(unit=tree.d1, criteria_set=criteria_set, year=2025)
    upload = client.post(
        reverse("reports:import", args=["401"]),
        {"criteria_set": criteria_set.pk, "year": 2025, "file": SimpleUploadedFile("so-lieu.xlsx", workbook)},
    )
    assert upload.status_code == 403
    assert not ImportBatch.objects.exists()


# --- The province office takes over ---------------------------------------------------------------


def test_the_province_verifies_and_returns_a_pre_merger_communes_dossier(client, personas, ended):
    assert {a.name for a in available_actions(personas.province_office, ended.a)} == {"verify", "return"}
    [queue] = [q for q in inbox_for(personas.province_office) if q.key == "verify"]
    assert [a.pk for a in queue.items] == [ended.a.pk]
    response = act(api(personas.province_office), ended.a, "verify")
    assert response.status_code == 200, response.content
    ended.a.refresh_from_db()
    assert ended.a.state == AssessmentState.VERIFIED


def test_the_province_returns_a_submitted_dossier_on_the_page(client, personas, ended):
    client.force_login(personas.province_office)
    html = client.get(reverse("assessment", args=[ended.a.pk])).content.decode()
    assert "ended on" not in html
    response = client.post(
        reverse("assessment_action", args=[ended.a.pk, "return"]),
        {"version": ended.a.version, "comment": "Bổ sung minh chứng."},
    )
    assert response.status_code == 302
    ended.a.refresh_from_db()
    assert ended.a.state == AssessmentState.RETURNED


def test_a_district_that_still_exists_keeps_verifying_its_communes(tree, personas, criteria_set, ended):
    officer_c = UserFactory(username="officer_c")
    MembershipFactory(user=officer_c, unit=tree.c, role=Role.COMMUNE_OFFICER)
    c = assessment_create(unit=tree.c, criteria_set=criteria_set, year=2025, user=officer_c)
    assessment_record_values(assessment=c, entries=COMPLETE, user=officer_c)
    assessment_transition(assessment=c, action="submit", user=officer_c)
    c.refresh_from_db()
    assert {a.name for a in available_actions(personas.district_d2, c)} == {"verify", "return"}
    assert available_actions(personas.province_office, c) == []
    assert [a.pk for q in inbox_for(personas.province_office) for a in q.items] == [ended.a.pk]


def test_a_dossier_of_an_ended_commune_the_province_returned_is_submitted_by_the_province(tree, personas, ended):
    """QA: the province office returned an ended commune's appraised dossier; nobody could act on
    it again (its officer reads only, the province had no "submit"). The province office, which
    finishes the dossiers its ended units left open, corrects and submits it."""
    office = personas.province_office
    for action in ("verify", "appraise"):
        assessment_transition(assessment=ended.a, action=action, user=office)
    assessment_transition(assessment=ended.a, action="return", user=office, comment="Bổ sung biên bản")
    ended.a.refresh_from_db()
    assert [a.name for a in available_actions(personas.officer_a, ended.a)] == []
    assert "submit" in [a.name for a in available_actions(office, ended.a)]
    assessment_record_values(assessment=ended.a, entries=[ValueEntry("2.1", "90")], user=office)
    assert act(api(office), ended.a, "submit").status_code == 200
    ended.a.refresh_from_db()
    assert ended.a.state == AssessmentState.SUBMITTED
    assert act(api(personas.officer_a), ended.a, "verify").status_code in (403, 404)
