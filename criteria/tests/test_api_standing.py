"""/api/v1/assessments/<id>/criteria/<n>/basically-met/: "cơ bản đạt" through the API."""

import pytest
from rest_framework.test import APIClient

from criteria.models import HistoryEntry, HistoryKind
from criteria.services import ValueEntry, assessment_create, assessment_record_values
from criteria.tests.factories import make_set
from ntm_portal.tokens import token_issue

pytestmark = pytest.mark.django_db


def _client(user, language="en"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
    return client


@pytest.fixture
def assessment(tree, personas):
    a = assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)
    assessment_record_values(
        assessment=a,
        entries=[ValueEntry("1.1", "có"), ValueEntry("2.1", "50"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")],
        user=personas.officer_a,
    )
    return a


def _url(a, number=2):
    return f"/api/v1/assessments/{a.pk}/criteria/{number}/basically-met/"


MARK = {"basically_met": True, "reason": "Kênh đang thi công", "expected_by": "2023-11-30"}


def test_an_officer_marks_a_criterion_basically_met_and_reads_both_counts(assessment, personas):
    response = _client(personas.officer_a).post(_url(assessment), MARK, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["criteria_met"], body["criteria_basically_met"], body["criteria_met_or_basically_met"]) == (2, 1, 3)
    (second,) = [r for r in body["results"] if r["number"] == 2]
    assert (second["met"], second["basically_met"], second["basically_met_by"]) == (False, True, "2023-11-30")
    assert HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.BASICALLY_MET).count() == 1
    listed = _client(personas.viewer).get("/api/v1/assessments/", {"unit": assessment.unit.code}).json()
    assert listed["results"][0]["criteria_basically_met"] == 1


def test_a_mark_without_a_reason_answers_400_at_the_field_in_vietnamese_when_asked(assessment, personas):
    response = _client(personas.officer_a, "vi").post(
        _url(assessment), {"basically_met": True, "expected_by": "2023-11-30"}, format="json"
    )
    assert response.status_code == 400
    assert "lý do" in " ".join(response.json()["errors"]["reason"]).lower()


def test_a_met_criterion_cannot_be_marked(assessment, personas):
    response = _client(personas.officer_a).post(_url(assessment, 1), MARK, format="json")
    assert response.status_code == 400
    assert "is met" in response.json()["errors"]["criterion"][0]


@pytest.mark.parametrize(("who", "status"), [("officer_b", 404), ("viewer", 403)])
def test_outside_the_area_or_read_only_is_refused(assessment, personas, who, status):
    response = _client(getattr(personas, who)).post(_url(assessment), MARK, format="json")
    assert response.status_code == status
    assert not HistoryEntry.objects.filter(kind=HistoryKind.BASICALLY_MET).exists()


def test_the_schema_documents_the_call_with_an_example(personas):
    schema = _client(personas.viewer).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/assessments/{id}/criteria/{number}/basically-met/"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert examples["Mark"]["value"]["expected_by"] == "2023-11-30"
