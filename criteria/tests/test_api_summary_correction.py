"""PATCH /api/v1/summary-records/<id>/: a summary record's report corrected through the API."""

import datetime

import pytest
from rest_framework.test import APIClient

from criteria.models import AssessmentState, CriterionResult, HistoryEntry
from criteria.services import assessment_set_state
from criteria.tests.factories import make_set, typed_summary_record
from ntm_portal.tokens import token_issue

pytestmark = pytest.mark.django_db


def _client(user, language="en"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
    return client


@pytest.fixture
def record(tree, personas):
    """Commune A's 2021 standing as typed from the report: criteria 1 and 3 met, 2 basically met."""
    return typed_summary_record(tree.a, personas.officer_a)


def _url(a):
    return f"/api/v1/summary-records/{a.pk}/"


def test_an_officer_corrects_the_number_and_the_marks_and_reads_the_figures(record, personas):
    body = {"version": record.version, "source_number": "25/BC-UBND", "met": [1, 2, 3], "comment": "Gõ nhầm"}
    response = _client(personas.officer_a).patch(_url(record), body, format="json")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["source_number"], answer["criteria_met"], answer["criteria_basically_met"]) == ("25/BC-UBND", 3, 0)
    assert answer["version"] == record.version + 1
    assert answer["criteria_met"] == CriterionResult.objects.filter(assessment=record, met=True).count()
    kinds = sorted(
        HistoryEntry.objects.filter(assessment=record, kind__startswith="sum_").values_list("kind", flat=True)
    )
    assert kinds == ["sum_mark", "sum_num"]  # criterion 2: basically met → met
    assert HistoryEntry.objects.get(assessment=record, kind="sum_num").comment == "Gõ nhầm"


def test_fields_left_out_stay_as_stored(record, personas):
    body = {"version": record.version, "source_date": "2022-04-01"}
    answer = _client(personas.officer_a).patch(_url(record), body, format="json").json()
    assert (answer["source_date"], answer["source_number"], answer["criteria_met"]) == ("2022-04-01", "25/BC-UBDN", 2)
    assert answer["criteria_basically_met"] == 1


def test_a_stale_version_answers_409_with_what_is_stored(record, personas):
    client = _client(personas.officer_a)
    assert client.patch(_url(record), {"version": record.version, "met": [1]}, format="json").status_code == 200
    response = client.patch(_url(record), {"version": record.version, "source_number": "X"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert "in the meantime" in body["detail"]
    assert body["current"]["met"] == [1] and body["current"]["version"] == record.version + 1
    assert body["current"]["source_number"] == "25/BC-UBDN"


def test_bad_input_answers_400_at_the_field_in_vietnamese(record, personas):
    body = {"version": record.version, "source_date": "2020-12-01", "count": 5}
    response = _client(personas.officer_a, "vi").patch(_url(record), body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"source_date", "count"} and "năm 2021" in errors["source_date"][0]


def test_the_set_cannot_be_corrected(record, personas):
    other = make_set(code="OTHER", year_from=2016, year_to=2021)
    body = {"version": record.version, "criteria_set": other.pk}
    response = _client(personas.officer_a).patch(_url(record), body, format="json")
    assert response.status_code == 400
    assert "another set is another record" in response.json()["errors"]["criteria_set"][0]


def test_a_recognised_record_is_frozen(record, personas):
    a = assessment_set_state(
        assessment=record,
        state=AssessmentState.RECOGNISED,
        user=personas.province_office,
        decision_number="30/QĐ-UBND",
        decision_date=datetime.date(2022, 2, 1),
    )
    response = _client(personas.officer_a).patch(_url(a), {"version": a.version, "met": [1]}, format="json")
    assert response.status_code == 400 and "closed by its decision" in response.json()["detail"]


def test_another_commune_s_officer_gets_404_and_a_viewer_403(record, personas):
    body = {"version": record.version, "source_number": "X"}
    assert _client(personas.officer_b).patch(_url(record), body, format="json").status_code == 404
    assert _client(personas.viewer).patch(_url(record), body, format="json").status_code == 403
    record.refresh_from_db()
    assert record.source_number == "25/BC-UBDN"
