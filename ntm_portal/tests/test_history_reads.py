"""The officer of a commune formed by a merger opens the pages, assessments and API objects of
the communes it was formed from — read only — and nothing else (communes.access: the units
theirs was formed from are read, never written).

Tree (conftest): province P (40) → district D1 → communes A (villages A1, A2) and B; P → D2 → C.
Here A and B end on 30/06/2025 and form commune M (40-M01, under P) from 01/07/2025.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from communes.models import AdministrativeUnit, Role, UnitSuccession
from communes.tests.factories import CommuneFactory, MembershipFactory, UserFactory
from criteria.models import Assessment, AssessmentState, IndicatorValue
from ntm_portal.tokens import token_issue

pytestmark = pytest.mark.django_db

READ_ONLY = "You may read this unit's data but not change it."
HISTORY_NOTICE = "A unit you work for was formed from this one: you may read its history but not change it."
MERGER = datetime.date(2025, 7, 1)


@pytest.fixture
def merged(tree, assessment):
    AdministrativeUnit.objects.filter(pk__in=[tree.a.pk, tree.b.pk, tree.a1.pk, tree.a2.pk, tree.b1.pk]).update(
        valid_to=MERGER - datetime.timedelta(days=1)
    )
    m = CommuneFactory(code="40-M01", name="Xã Hợp Nhất", parent=tree.province, valid_from=MERGER)
    for old in (tree.a, tree.b):
        UnitSuccession.objects.create(predecessor=old, successor=m, date=MERGER)
    officer = UserFactory(username="officer_m")
    MembershipFactory(user=officer, unit=m, role=Role.COMMUNE_OFFICER)
    return SimpleNamespace(m=m, officer=officer, assessment=assessment)


@pytest.fixture
def api():
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    def as_(user):
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
        return client

    client.as_ = as_
    return client


def test_the_pages_of_a_commune_it_was_formed_from_open_read_only(client, tree, merged):
    client.force_login(merged.officer)
    for url in (
        reverse("unit", args=[tree.a.code]),
        reverse("unit", args=[tree.a1.code]),
        reverse("assessment", args=[merged.assessment.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert HISTORY_NOTICE in html, url
        assert reverse("assessment_start") not in html, url  # nothing to start
    assert client.get(reverse("reports:dashboard", args=[tree.a.code]), {"year": 2025}).status_code == 200
    assert client.get(reverse("assessment_history", args=[merged.assessment.pk])).status_code == 200
    # The sheet of a draft its own officer would fill in: no input, no workflow action.
    html = client.get(reverse("assessment", args=[merged.assessment.pk])).content.decode()
    assert reverse("record_value", args=[merged.assessment.pk, "2.1"]) not in html
    assert 'inputmode="decimal"' not in html and 'name="value"' not in html
    assert reverse("assessment_action", args=[merged.assessment.pk, "submit"]) not in html
    assert "No action is open to you at this stage." in html
    # Its own commune's page does not say so.
    assert HISTORY_NOTICE not in client.get(reverse("unit", args=[merged.m.code])).content.decode()


def test_writing_in_a_commune_it_was_formed_from_is_refused(client, api, tree, merged):
    a = merged.assessment
    client.force_login(merged.officer)
    response = client.post(reverse("record_value", args=[a.pk, "2.1"]), {"value": "90", "note": "", "version": 0})
    assert response.status_code == 403
    response = client.post(reverse("assessment_action", args=[a.pk, "submit"]), {"version": a.version})
    assert response.status_code == 403
    token = api.as_(merged.officer)
    response = token.post(
        f"/api/v1/assessments/{a.pk}/values/", {"values": [{"code": "2.1", "value": "90", "version": 0}]}, format="json"
    )
    assert (response.status_code, response.json()) == (403, {"detail": READ_ONLY})
    response = token.post(f"/api/v1/assessments/{a.pk}/actions/submit/", {"version": a.version}, format="json")
    assert (response.status_code, response.json()) == (403, {"detail": READ_ONLY})
    assert not IndicatorValue.objects.filter(assessment=a, indicator__code="2.1").exists()
    assert Assessment.objects.get(pk=a.pk).state == AssessmentState.DRAFT


def test_the_api_reads_a_commune_it_was_formed_from_as_ended(api, tree, merged):
    token = api.as_(merged.officer)
    unit = token.get(f"/api/v1/units/{tree.a.code}/")
    assert (unit.status_code, unit.json()["valid_to"]) == (200, "2025-06-30")
    detail = token.get(f"/api/v1/assessments/{merged.assessment.pk}/")
    assert (detail.status_code, detail.json()["actions"]) == (200, [])
    listed = {row["code"]: row["valid_to"] for row in token.get("/api/v1/units/", {"page_size": 100}).json()["results"]}
    assert listed == {
        "40-M01": None,
        "40101": "2025-06-30",
        "40101-01": "2025-06-30",
        "40101-02": "2025-06-30",
        "40102": "2025-06-30",
        "40102-01": "2025-06-30",
    }


def test_an_unrelated_commune_is_still_outside(client, api, tree, merged):
    client.force_login(merged.officer)
    assert client.get(reverse("unit", args=[tree.c.code])).status_code == 404
    assert client.get(reverse("unit", args=[tree.d1.code])).status_code == 404
    assert api.as_(merged.officer).get(f"/api/v1/units/{tree.c.code}/").status_code == 404


def test_the_officer_s_own_units_are_still_only_their_commune(client, api, merged):
    client.force_login(merged.officer)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].endswith(reverse("unit", args=[merged.m.code]))
    root = api.as_(merged.officer).get("/api/v1/").json()
    assert "unit=40-M01" in root["progress"]
