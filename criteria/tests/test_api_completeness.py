"""The API offers what the pages do: start with the set in force (or another, with a reason),
choose the set in force, record summary records and "not applicable", read plan against
result; in Vietnamese when the client asks."""

import pytest
from rest_framework.test import APIClient

from criteria.models import Assessment, HistoryEntry, HistoryKind, Indicator, IndicatorValue
from criteria.services import assessment_create
from criteria.tests.factories import make_set
from ntm_portal.tokens import token_issue

pytestmark = pytest.mark.django_db


def _client(user, language="en"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
    return client


@pytest.fixture
def sets(tree):
    return {
        "old": make_set(code="OLD-2016", year_from=2016, year_to=2020),
        "new": make_set(code="NEW-2021", year_from=2021, year_to=2025),
    }


def test_the_province_office_puts_the_old_set_in_force_for_2021_and_the_api_starts_with_it(tree, personas, sets):
    office = _client(personas.province_office)
    url = f"/api/v1/provinces/{tree.province.code}/sets-in-force/"
    response = office.post(url, {"year": 2021, "criteria_set": sets["old"].pk, "basis": "KH 12/KH-UBND"}, format="json")
    assert response.status_code == 200, response.content
    assert office.get(url).json()[0]["criteria_set"] == sets["old"].pk
    started = _client(personas.officer_a).post(
        "/api/v1/assessments/", {"unit": tree.a.code, "year": 2021}, format="json"
    )
    assert started.status_code == 201 and started.json()["criteria_set"]["code"] == "OLD-2016"


@pytest.mark.parametrize(("who", "status"), [("officer_a", 404), ("viewer", 403)])
def test_only_the_province_office_chooses_the_set_in_force(tree, personas, sets, who, status):
    response = _client(getattr(personas, who)).post(
        f"/api/v1/provinces/{tree.province.code}/sets-in-force/",
        {"year": 2021, "criteria_set": sets["old"].pk, "basis": "x"},
        format="json",
    )
    assert response.status_code == status


def test_starting_against_another_set_needs_a_reason_in_vietnamese_when_asked(tree, personas, sets):
    make_set(code="PROVINCE-OWN", year_from=2021, year_to=2025, issuer=tree.province)
    client = _client(personas.officer_a, "vi")
    body = {"unit": tree.a.code, "year": 2022, "criteria_set": sets["new"].pk}
    refused = client.post("/api/v1/assessments/", body, format="json")
    assert refused.status_code == 400 and "lý do" in refused.json()["errors"]["reason"][0]
    started = client.post("/api/v1/assessments/", body | {"reason": "Theo bộ quốc gia"}, format="json")
    assert started.status_code == 201
    a = Assessment.objects.get(pk=started.json()["id"])
    assert HistoryEntry.objects.get(assessment=a, kind=HistoryKind.CREATED).comment == "Theo bộ quốc gia"


def test_a_conditional_indicator_is_set_not_applicable_through_the_values_call(tree, personas):
    s = make_set(publish=False)
    Indicator.objects.filter(criteria_set=s, code="2.1").update(conditional=True)
    from criteria.services import catalog_set_publish

    catalog_set_publish(criteria_set=s)
    a = assessment_create(unit=tree.a, criteria_set=s, year=2023, user=personas.officer_a)
    client = _client(personas.officer_a)
    entry = {"code": "2.1", "value": "không áp dụng", "note": "Xã không có kênh", "version": 0}
    response = client.post(f"/api/v1/assessments/{a.pk}/values/", {"values": [entry]}, format="json")
    assert response.status_code == 200, response.content
    (row,) = response.json()["values"]
    assert (row["not_applicable"], row["outcome"], row["conditional"]) == (True, "n_a", True)
    assert IndicatorValue.objects.get(assessment=a, indicator__code="2.1").not_applicable


def test_a_summary_record_through_the_api_is_flagged_and_counted(tree, personas, sets):
    client = _client(personas.officer_a)
    body = {
        "unit": tree.a.code,
        "criteria_set": sets["old"].pk,
        "year": 2019,
        "met": [1, 3],
        "basically_met": [2],
        "count": 2,
        "source_number": "25/BC-UBND",
        "source_date": "2020-01-15",
    }
    response = client.post("/api/v1/summary-records/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["summary"], data["criteria_met"], data["criteria_basically_met"]) == (True, 2, 1)
    assert data["source_number"] == "25/BC-UBND"
    progress = client.get("/api/v1/progress/", {"unit": tree.a.code, "year": 2019}).json()
    assert progress["communes_with_data"] == 1 and progress["average_criteria_met"] == 2


def test_a_summary_record_against_another_set_needs_a_reason_through_the_api_too(tree, personas, sets):
    make_set(code="PROVINCE-OWN", year_from=2021, year_to=2025, issuer=tree.province)
    client = _client(personas.officer_a, "vi")
    body = {
        "unit": tree.a.code,
        "criteria_set": sets["new"].pk,
        "year": 2022,
        "met": [1],
        "source_number": "12/BC-UBND",
        "source_date": "2023-01-10",
    }
    refused = client.post("/api/v1/summary-records/", body, format="json")
    assert refused.status_code == 400 and "lý do" in refused.json()["errors"]["reason"][0]
    assert not Assessment.objects.filter(unit=tree.a, year=2022).exists()
    recorded = client.post("/api/v1/summary-records/", body | {"reason": "Theo bộ quốc gia"}, format="json")
    assert recorded.status_code == 201, recorded.content


def test_a_summary_record_s_file_keeps_the_evidence_limits(tree, personas, sets):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {
        "unit": tree.a.code,
        "criteria_set": sets["old"].pk,
        "year": 2019,
        "met": [1],
        "source_number": "25/BC-UBND",
        "source_date": "2020-01-15",
        "source_file": SimpleUploadedFile("bao-cao.pdf", b"MZ not a pdf"),
    }
    refused = _client(personas.officer_a).post("/api/v1/summary-records/", body, format="multipart")
    assert refused.status_code == 400, refused.content
    assert "does not match its extension" in refused.json()["errors"]["source_file"][0]
    assert not Assessment.objects.filter(unit=tree.a, year=2019).exists()


def test_plan_against_result_is_read_through_the_api(tree, personas):
    response = _client(personas.viewer).get("/api/v1/plan/", {"unit": tree.province.code, "year": 2025})
    assert response.status_code == 200
    assert set(response.json()) == {"unit", "year", "due", "overdue", "counts", "province"}


def test_django_filter_and_drf_messages_speak_vietnamese(tree, personas):
    client = _client(personas.viewer, "vi")
    bad_filter = client.get("/api/v1/assessments/", {"state": "bogus"}).json()
    assert "Hãy chọn" in " ".join(bad_filter["errors"]["state"]) or "hợp lệ" in " ".join(bad_filter["errors"]["state"])
    required = _client(personas.officer_a, "vi").post("/api/v1/assessments/", {}, format="json").json()
    assert required["errors"]["unit"] == ["Trường này là bắt buộc."]


def test_asking_for_another_tier_s_set_is_refused_whether_or_not_the_unit_has_its_assessment(tree, personas, sets):
    """QA: with a standard assessment of the unit for 2025 on record, POST {"criteria_set": <an
    advanced set>} answered 200 with that standard assessment; without one it was refused."""
    advanced = make_set(code="ADV-2021", year_from=2021, year_to=2025, tier="advanced")
    client = _client(personas.officer_a, "vi")
    body = {"unit": tree.a.code, "year": 2023, "criteria_set": advanced.pk, "reason": "thử"}
    refused = client.post("/api/v1/assessments/", body, format="json")
    assert refused.status_code == 400 and "thuộc mức khác" in refused.json()["errors"]["criteria_set"][0]
    existing = client.post("/api/v1/assessments/", {"unit": tree.a.code, "year": 2023}, format="json")
    assert existing.status_code == 201
    refused = client.post("/api/v1/assessments/", body, format="json")
    assert refused.status_code == 400 and "thuộc mức khác" in refused.json()["errors"]["criteria_set"][0]


def test_asking_for_another_set_than_the_existing_assessment_s_is_refused_at_the_set(tree, personas, sets):
    make_set(code="PROVINCE-OWN", year_from=2021, year_to=2025, issuer=tree.province)
    client = _client(personas.officer_a)
    started = client.post("/api/v1/assessments/", {"unit": tree.a.code, "year": 2023}, format="json")
    assert started.status_code == 201 and started.json()["criteria_set"]["code"] == "PROVINCE-OWN"
    body = {"unit": tree.a.code, "year": 2023, "criteria_set": sets["new"].pk, "reason": "Theo bộ quốc gia"}
    refused = client.post("/api/v1/assessments/", body, format="json")
    assert refused.status_code == 400
    [message] = refused.json()["errors"]["criteria_set"]
    assert "already has its standard assessment for 2023" in message and "PROVINCE-OWN" in message
    # Asking for the set the assessment is on opens it.
    body["criteria_set"] = started.json()["criteria_set"]["id"]
    again = client.post("/api/v1/assessments/", body, format="json")
    assert again.status_code == 200 and again.json()["id"] == started.json()["id"]


def test_a_summary_record_of_a_year_the_unit_did_not_exist_in_is_refused_at_the_year(tree, personas):
    import datetime

    from communes.tests.factories import CommuneFactory

    s = make_set(code="S-2030", year_from=2021, year_to=2030)
    formed = CommuneFactory(
        code="40901", name="Xã Hợp Nhất", parent=tree.province, valid_from=datetime.date(2025, 7, 1)
    )
    body = {
        "unit": formed.code,
        "criteria_set": s.pk,
        "year": 2024,
        "met": [1],
        "source_number": "12/BC-UBND",
        "source_date": "2025-03-10",
    }
    refused = _client(personas.province_office).post("/api/v1/summary-records/", body, format="json")
    assert refused.status_code == 400, refused.content
    assert refused.json()["errors"] == {
        "year": ["Xã Hợp Nhất was formed on 01/07/2025: no standing of 2024 can be recorded for it."],
        "source_date": ["Xã Hợp Nhất was formed on 01/07/2025: a report dated before that cannot give its standing."],
    }
    assert not Assessment.objects.filter(unit=formed).exists()
