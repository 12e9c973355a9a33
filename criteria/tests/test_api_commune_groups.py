"""API: GET/PUT /api/v1/units/<code>/commune-group/ — a commune's group with its basis."""

import datetime

import pytest
from rest_framework.test import APIClient

from criteria.models import CommuneGroupChange

pytestmark = pytest.mark.django_db

BODY = {
    "group": 3,
    "condition": "g3_zone_iii",
    "decision_number": "120/QĐ-UBND",
    "decision_date": "2026-01-20",
    "version": 0,
}


def _client(user, language="en"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def _url(unit):
    return f"/api/v1/units/{unit.code}/commune-group/"


def test_the_province_office_sets_a_group_and_everyone_in_scope_reads_it(tree, personas):
    response = _client(personas.province_office).put(_url(tree.a), BODY, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["group"], body["condition"], body["decision_number"], body["decision_date"]) == (
        3,
        "g3_zone_iii",
        "120/QĐ-UBND",
        "2026-01-20",
    )
    assert body["version"] == 1 and body["set_by"] == "province_office" and body["can_set"] is True
    read = _client(personas.officer_a).get(_url(tree.a)).json()
    assert read["group"] == 3 and read["can_set"] is False
    assert read["condition_label"] == "Group 3: ethnic-minority and mountain area, zone III"
    [change] = read["history"]
    assert (change["old_group"], change["new_group"], change["user"]) == (None, 3, "province_office")


@pytest.mark.parametrize(
    ("who", "status"), [("officer_a", 403), ("district_d1", 403), ("viewer", 403), ("officer_b", 404)]
)
def test_only_the_province_office_sets_a_group(tree, personas, who, status):
    assert _client(getattr(personas, who)).put(_url(tree.a), BODY, format="json").status_code == status
    # Refused before the body is read: an empty one is a 403 (or 404), not field errors.
    assert _client(getattr(personas, who)).put(_url(tree.a), {}, format="json").status_code == status
    assert not CommuneGroupChange.objects.exists()


def test_a_condition_of_another_group_answers_400_at_the_condition_in_vietnamese(tree, personas):
    response = _client(personas.province_office, "vi").put(_url(tree.a), {**BODY, "group": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["condition"] == ["Điều kiện này thuộc nhóm 3, không phải nhóm 1."]


def test_a_stale_change_answers_409_with_what_is_stored(tree, personas):
    client = _client(personas.province_office)
    client.put(_url(tree.a), BODY, format="json")
    response = client.put(_url(tree.a), {**BODY, "group": 2, "condition": "g2_other"}, format="json")
    assert response.status_code == 409
    assert response.json()["current"] == {"group": 3, "condition": "g3_zone_iii", "version": 1}


def test_a_unit_other_than_a_commune_has_no_group(tree, personas):
    assert _client(personas.province_office).get(_url(tree.d1)).status_code == 404


def test_the_endpoint_is_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operations = schema["paths"]["/api/v1/units/{code}/commune-group/"]
    assert set(operations) >= {"get", "put"}
    assert operations["put"]["requestBody"]


def test_a_commune_with_no_group_answers_the_blank_condition_the_schema_declares(tree, personas, client):
    # QA: "condition": null, while the schema's CommuneGroupCondition is a string enum with "".
    body = _client(personas.province_office).get(_url(tree.a)).json()
    assert (body["group"], body["condition"], body["condition_label"], body["version"]) == (None, "", None, 0)
    schemas = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert body["condition"] in schemas["CommuneGroupCondition"]["enum"]


def test_can_set_is_false_for_a_commune_outside_2026_2030_which_the_put_refuses(tree, personas):
    # QA: can_set true for a commune that ended on 30 June 2025, then the PUT refused.
    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save()
    client = _client(personas.province_office, "vi")
    assert client.get(_url(tree.a)).json()["can_set"] is False
    response = client.put(_url(tree.a), BODY, format="json")
    assert response.status_code == 400
    assert "không tồn tại trong giai đoạn 2026–2030" in response.json()["detail"]
    assert _client(personas.province_office).get(_url(tree.b)).json()["can_set"] is True


def test_a_change_recorded_by_no_one_answers_the_null_the_schema_declares(tree, personas, client):
    _client(personas.province_office).put(_url(tree.a), BODY, format="json")
    loaded = CommuneGroupChange.objects.get()
    loaded.pk, loaded.user, loaded._state.adding = None, None, True  # a change recorded by no one (a loader)
    loaded.save()
    history = _client(personas.province_office).get(_url(tree.a)).json()["history"]
    assert sorted(change["user"] or "" for change in history) == ["", "province_office"]
    schemas = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert schemas["CommuneGroupChange"]["properties"]["user"].get("nullable") is True
