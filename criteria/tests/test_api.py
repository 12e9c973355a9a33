"""/api/v1/criteria-sets/, /assessments/, their values and workflow actions, per persona."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from communes.tests.factories import CommuneFactory
from criteria.models import Assessment, AssessmentState, HistoryEntry, HistoryKind, IndicatorValue
from criteria.services import ValueEntry, assessment_create, assessment_record_values, assessment_transition, trusted
from criteria.services.workflow import MSG_NOT_YOUR_ROLE
from criteria.tests.factories import make_set
from ntm_portal.tokens import token_issue

pytestmark = pytest.mark.django_db

COMPLETE = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]


@pytest.fixture
def api():
    """A client speaking English unless a test says otherwise; ``api.as_(user)`` signs in by token."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    def as_(user):
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
        return client

    client.as_ = as_
    return client


@pytest.fixture
def data(tree, personas):
    """The standard set; 2023 assessments of communes A, B and C (A complete, still a draft); A in 2022."""
    standard = make_set()
    advanced = make_set(code="TEST-ADV", tier="advanced")
    draft = make_set(code="TEST-DRAFT", publish=False)
    a = assessment_create(unit=tree.a, criteria_set=standard, year=2023, user=personas.officer_a)
    assessment_record_values(assessment=a, entries=COMPLETE, user=personas.officer_a)
    return SimpleNamespace(
        standard=standard,
        advanced=advanced,
        draft=draft,
        a=a,
        a_2022=assessment_create(unit=tree.a, criteria_set=standard, year=2022, user=personas.officer_a),
        a_advanced=assessment_create(unit=tree.a, criteria_set=advanced, year=2023, user=personas.officer_a),
        b=assessment_create(unit=tree.b, criteria_set=standard, year=2023, user=personas.officer_b),
        c=assessment_create(unit=tree.c, criteria_set=standard, year=2023, user=personas.province_office),
    )


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response):
    return {row["id"] for row in results(response)}


def version_of(assessment):
    assessment.refresh_from_db()
    return assessment.version


# --- Criteria sets ------------------------------------------------------------------------


def test_published_sets_are_public_to_any_signed_in_user_but_drafts_only_to_staff(api, data, personas):
    seen = {row["code"] for row in results(api.as_(personas.outsider).get("/api/v1/criteria-sets/"))}
    assert seen == {"TEST-SET", "TEST-ADV"}
    assert api.as_(personas.viewer).get(f"/api/v1/criteria-sets/{data.draft.pk}/").status_code == 404
    staff = get_user_model().objects.create_user("catalog", password="a-long-test-password", is_staff=True)
    seen = {row["code"] for row in results(api.as_(staff).get("/api/v1/criteria-sets/"))}
    assert seen == {"TEST-SET", "TEST-ADV", "TEST-DRAFT"}


def test_anonymous_cannot_read_the_catalog(api, data):
    assert api.get("/api/v1/criteria-sets/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tier": "advanced"}, {"TEST-ADV"}),
        ({"tier": "standard", "level": "commune"}, {"TEST-SET"}),
        ({"year": 2025}, {"TEST-SET", "TEST-ADV"}),
        ({"year": 2026}, set()),
        ({"status": "published", "code": "TEST-SET"}, {"TEST-SET"}),
        ({"issuer": "40"}, set()),
    ],
)
def test_criteria_set_filters(api, data, personas, params, expected):
    rows = results(api.as_(personas.viewer).get("/api/v1/criteria-sets/", params))
    assert {row["code"] for row in rows} == expected


def test_a_set_with_its_criteria_indicators_and_targets(api, data, personas, django_assert_max_num_queries):
    client = api.as_(personas.officer_a)
    # token + user, the units the user's were formed from (the sets' reading scope, communes.access),
    # the set, groups, criteria, indicators, targets
    with django_assert_max_num_queries(8):
        body = client.get(f"/api/v1/criteria-sets/{data.standard.pk}/").json()
    assert (body["code"], body["tier"], body["year_from"], body["year_to"]) == ("TEST-SET", "standard", 2021, 2025)
    assert body["groups"] == [{"code": "I", "name": "Nhóm I"}]
    assert [c["number"] for c in body["criteria"]] == [1, 2, 3]
    income = body["criteria"][2]["indicators"][0]
    assert (income["code"], income["value_type"], income["comparison"]) == ("3.1", "number", "gte")
    assert [(t["value"], t["year"], t["to_verify"]) for t in income["targets"]] == [(40, None, False), (45, 2024, True)]
    irrigation = body["criteria"][1]["indicators"][0]
    assert {(t["value"], t["region"]) for t in irrigation["targets"]} == {(80, ""), (70, "TDMNPB")}


@pytest.mark.parametrize("sets", [5, 50])
def test_the_catalog_list_takes_a_fixed_number_of_queries(api, personas, sets, django_assert_max_num_queries):
    for n in range(sets):
        make_set(code=f"SET-{n:02d}", publish=False)
    staff = get_user_model().objects.create_user("catalog", password="a-long-test-password", is_staff=True)
    client = api.as_(staff)
    # token + user, memberships (which provinces' sets the user reads), count, page (issuers joined)
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/criteria-sets/").json()["count"] == sets


# --- Assessments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "units"),
    [
        ("officer_a", {"40101"}),
        ("officer_b", {"40102"}),
        ("district_d1", {"40101", "40102"}),
        ("district_d2", {"40201"}),
        ("province_office", {"40101", "40102", "40201"}),
        ("viewer", {"40101", "40102", "40201"}),
        ("outsider", set()),
    ],
)
def test_each_persona_lists_the_assessments_of_their_area(api, data, personas, who, units):
    rows = results(api.as_(getattr(personas, who)).get("/api/v1/assessments/"))
    assert {row["unit"]["code"] for row in rows} == units


def test_the_assessment_list_is_in_a_stable_order(api, data, personas):
    rows = results(api.as_(personas.province_office).get("/api/v1/assessments/"))
    assert [(r["year"], r["unit"]["code"], r["criteria_set"]["tier"]) for r in rows] == [
        (2023, "40201", "standard"),  # Ân Phú
        (2023, "40101", "advanced"),  # Cẩm Thạch
        (2023, "40101", "standard"),
        (2023, "40102", "standard"),  # Đức Lĩnh
        (2022, "40101", "standard"),
    ]


def test_assessment_filters(api, data, personas):
    client = api.as_(personas.province_office)
    url = "/api/v1/assessments/"
    assert ids(client.get(url, {"within": "401", "year": 2023, "tier": "standard"})) == {data.a.pk, data.b.pk}
    assert ids(client.get(url, {"within": "402"})) == {data.c.pk}
    assert ids(client.get(url, {"unit": "40101", "year": 2022})) == {data.a_2022.pk}
    assert ids(client.get(url, {"criteria_set": data.advanced.pk})) == {data.a_advanced.pk}
    assert ids(client.get(url, {"within": "nowhere"})) == set()
    assert ids(client.get(url, {"level": "district"})) == set()
    assessment_transition(assessment=data.a, action="submit", user=personas.officer_a)
    assert ids(client.get(url, {"state": "submitted"})) == {data.a.pk}
    assert ids(client.get(url, {"state": ["submitted", "draft"], "year": 2023, "tier": "standard"})) == {
        data.a.pk,
        data.b.pk,
        data.c.pk,
    }


def test_a_subtree_filter_cannot_widen_the_area(api, data, personas):
    assert ids(api.as_(personas.officer_a).get("/api/v1/assessments/", {"within": "40"})) == {
        data.a.pk,
        data.a_2022.pk,
        data.a_advanced.pk,
    }


def test_bad_assessment_filters_answer_400_naming_the_field(api, data, personas):
    response = api.as_(personas.viewer).get("/api/v1/assessments/", {"year": "twenty", "state": "lost", "tier": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"year", "state", "tier"}


def test_one_assessment_with_results_and_the_actions_open_to_the_user(api, data, personas):
    body = api.as_(personas.officer_a).get(f"/api/v1/assessments/{data.a.pk}/").json()
    assert (body["unit"]["code"], body["year"], body["state"], body["criteria_met"], body["criteria_total"]) == (
        "40101",
        2023,
        "draft",
        3,
        3,
    )
    assert [(r["number"], r["met"]) for r in body["results"]] == [(1, True), (2, True), (3, True)]
    assert [a["name"] for a in body["actions"]] == ["submit"]
    viewer_body = api.as_(personas.viewer).get(f"/api/v1/assessments/{data.a.pk}/").json()
    assert viewer_body["actions"] == []


@pytest.mark.parametrize("who", ["officer_b", "district_d2", "outsider"])
def test_an_assessment_outside_the_area_is_not_found(api, data, personas, who):
    """The answer of one that does not exist at all: nothing is revealed, and it speaks of a
    record, not of a unit (QA: "this unit does not exist" for a missing assessment)."""
    client = api.as_(getattr(personas, who))
    response = client.get(f"/api/v1/assessments/{data.a.pk}/")
    missing = client.get("/api/v1/assessments/999999/")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json() == {"detail": "This record does not exist or is outside your area."}


@pytest.mark.parametrize("path", ["999999/", "99999999999999999999/", "abc/"])
def test_unknown_or_malformed_ids_are_not_found(api, data, personas, path):
    client = api.as_(personas.province_office)
    assert client.get(f"/api/v1/assessments/{path}").status_code == 404
    assert client.get(f"/api/v1/assessments/{path}values/").status_code == 404


def test_assessment_list_pages(api, personas, tree):
    standard = make_set()
    for n in range(55):
        commune = CommuneFactory(code=f"4019{n:02d}", parent=tree.d1, name="Xã Mới")
        trusted.create_assessment(unit=commune, criteria_set=standard, year=2023, user=None)
    client = api.as_(personas.district_d1)
    first = client.get("/api/v1/assessments/").json()
    second = client.get("/api/v1/assessments/", {"page": 2}).json()
    assert (first["count"], len(first["results"]), len(second["results"])) == (55, 50, 5)
    assert len({r["id"] for r in first["results"] + second["results"]}) == 55


@pytest.mark.parametrize("rows", [5, 50])
def test_the_assessment_list_takes_a_fixed_number_of_queries(api, personas, tree, rows, django_assert_max_num_queries):
    standard = make_set()
    for n in range(rows):
        commune = CommuneFactory(code=f"4018{n:02d}", parent=tree.d1)
        trusted.create_assessment(unit=commune, criteria_set=standard, year=2023, user=None)
    client = api.as_(personas.district_d1)
    # token + user, memberships, the units theirs were formed from (communes.access), count, page
    # (unit and set joined)
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/assessments/").json()["count"] == rows


# --- Indicator values: reading -------------------------------------------------------------


def test_values_list_every_indicator_with_its_version(api, data, personas):
    rows = results(api.as_(personas.viewer).get(f"/api/v1/assessments/{data.a.pk}/values/"))
    assert [(r["code"], r["value"], r["outcome"], r["version"]) for r in rows] == [
        ("1.1", True, "met", 1),
        ("2.1", 85, "met", 1),
        ("2.2", None, "missing", 0),
        ("3.1", 50, "met", 1),
        ("3.2", 0, "met", 1),
    ]
    assert rows[0]["updated_by"] == "officer_a"
    assert rows[2]["updated_by"] is None


def test_values_filters(api, data, personas):
    client = api.as_(personas.officer_a)
    url = f"/api/v1/assessments/{data.a.pk}/values/"
    assert [r["code"] for r in results(client.get(url, {"criterion": 2}))] == ["2.1", "2.2"]
    assert [r["code"] for r in results(client.get(url, {"code": "3.2"}))] == ["3.2"]
    assert [r["code"] for r in results(client.get(url, {"required": "false"}))] == ["2.2"]
    assert client.get(url, {"criterion": "two"}).status_code == 400


def test_values_are_paginated(api, data, personas):
    body = api.as_(personas.officer_a).get(f"/api/v1/assessments/{data.a.pk}/values/").json()
    assert (body["count"], body["next"], body["previous"]) == (5, None, None)


@pytest.mark.parametrize("who", ["officer_b", "district_d2", "outsider"])
def test_values_outside_the_area_are_not_found(api, data, personas, who):
    assert api.as_(getattr(personas, who)).get(f"/api/v1/assessments/{data.a.pk}/values/").status_code == 404


def test_reading_values_takes_a_fixed_number_of_queries(api, data, personas, django_assert_max_num_queries):
    client = api.as_(personas.officer_a)
    # token + user, memberships, the assessment, count, indicators, values
    with django_assert_max_num_queries(6):
        client.get(f"/api/v1/assessments/{data.b.pk}/values/")


# --- Indicator values: writing -------------------------------------------------------------


def write(client, assessment, values, **headers):
    return client.post(f"/api/v1/assessments/{assessment.pk}/values/", {"values": values}, format="json", **headers)


def test_an_officer_records_values_by_indicator_code(api, data, personas):
    response = write(
        api.as_(personas.officer_b),
        data.b,
        [
            {"code": "2.1", "value": "85,5", "note": "Theo báo cáo thủy lợi", "version": 0},
            {"code": "1.1", "value": True, "version": 0},
            {"code": "3.1", "value": 39.5, "version": 0},
        ],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["assessment"]["criteria_met"] == 2  # 1 and 2 met; 3 not (income 39.5 < 40; 3.2 missing)
    assert [(v["code"], v["value"], v["outcome"], v["version"]) for v in body["values"]] == [
        ("1.1", True, "met", 1),
        ("2.1", 85.5, "met", 1),
        ("3.1", 39.5, "not_met", 1),
    ]
    stored = IndicatorValue.objects.get(assessment=data.b, indicator__code="2.1")
    assert (stored.value_decimal, stored.note, stored.updated_by) == (
        Decimal("85.5"),
        "Theo báo cáo thủy lợi",
        personas.officer_b,
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("district_d1", 200),
        ("province_office", 200),
        ("officer_b", 404),
        ("district_d2", 404),
        ("viewer", 403),
        ("outsider", 404),
    ],
)
def test_who_may_write_values_of_commune_a(api, data, personas, who, status):
    response = write(api.as_(getattr(personas, who)), data.a, [{"code": "2.1", "value": "90", "version": 1}])
    assert response.status_code == status, response.content
    stored = IndicatorValue.objects.get(assessment=data.a, indicator__code="2.1").value_decimal
    assert stored == (Decimal(90) if status == 200 else Decimal(85))


def test_a_viewer_is_told_they_may_only_read(api, data, personas):
    response = write(api.as_(personas.viewer), data.a, [{"code": "2.1", "value": "90", "version": 1}])
    assert response.json() == {"detail": "You may read this unit's data but not change it."}


def test_the_token_of_commune_a_cannot_write_commune_b(api, data, personas):
    client = api.as_(personas.officer_a)
    assert client.get(f"/api/v1/assessments/{data.b.pk}/").status_code == 404
    assert write(client, data.b, [{"code": "2.1", "value": "90", "version": 0}]).status_code == 404
    assert not IndicatorValue.objects.filter(assessment=data.b).exists()


def test_a_bad_value_refuses_the_whole_batch_and_names_the_indicator(api, data, personas):
    response = write(
        api.as_(personas.officer_b),
        data.b,
        [
            {"code": "1.1", "value": "có", "version": 0},
            {"code": "2.1", "value": "abc", "version": 0},
            {"code": "9.9", "value": "1", "version": 0},
        ],
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {
        "2.1": ["2.1: “abc” is not a number."],
        "9.9": ["Indicator 9.9 is not in this criteria set."],
    }
    assert not IndicatorValue.objects.filter(assessment=data.b).exists()


@pytest.mark.parametrize(("sent", "shown"), [(True, "true"), (False, "false")])
def test_a_json_boolean_for_a_number_is_refused_with_what_was_sent_in_json_terms(api, data, personas, sent, shown):
    client = api.as_(personas.officer_b)
    english = write(client, data.b, [{"code": "2.1", "value": sent, "version": 0}])
    assert english.json()["errors"] == {"2.1": [f"2.1: “{shown}” is not a number."]}
    vietnamese = write(client, data.b, [{"code": "2.1", "value": sent, "version": 0}], HTTP_ACCEPT_LANGUAGE="vi")
    assert vietnamese.json()["errors"] == {"2.1": [f"2.1: “{shown}” không phải là số."]}
    assert not IndicatorValue.objects.filter(assessment=data.b).exists()


def test_errors_come_in_the_language_of_the_request(api, data, personas):
    response = write(
        api.as_(personas.officer_b),
        data.b,
        [{"code": "2.1", "value": "abc", "version": 0}],
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"2.1": ["2.1: “abc” không phải là số."]}
    assert response.headers["Content-Language"] == "vi"


def test_a_body_that_is_not_json_is_refused_in_the_language_of_the_request(api, data, personas):
    """QA: DRF answered its parser's English text ("JSON parse error - Expecting value: …")."""
    client = api.as_(personas.officer_b)
    url = f"/api/v1/assessments/{data.b.pk}/values/"
    english = client.post(url, '{"values": [', content_type="application/json")
    assert (english.status_code, english.json()) == (
        400,
        {"detail": "The request body could not be read: send valid JSON (or a form) as the API documents it."},
    )
    vietnamese = client.post(url, '{"values": [', content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
    assert (vietnamese.status_code, vietnamese.json()["detail"]) == (
        400,
        "Không đọc được nội dung yêu cầu: hãy gửi JSON hợp lệ (hoặc biểu mẫu) đúng như tài liệu API mô tả.",
    )
    assert vietnamese.headers["Content-Language"] == "vi"


def test_malformed_entries_are_refused_with_the_field_path(api, data, personas):
    client = api.as_(personas.officer_b)
    response = write(client, data.b, [{"code": "2.1", "value": "1"}, {"code": "2.2", "value": {"a": 1}, "version": 0}])
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"values.0.version", "values.1.value"}
    assert errors["values.1.value"] == ["Enter text, a number, true, false or null."]
    assert write(client, data.b, []).status_code == 400
    assert client.post(f"/api/v1/assessments/{data.b.pk}/values/", {}, format="json").json()["errors"] == {
        "values": ["This field is required."]
    }


def test_a_derived_indicator_is_refused_in_the_words_of_the_sheet(api, personas, tree, client):
    """QA: the API refused the model set's income ratio 2.1 as worked out "from the recognition
    decisions" while the sheet said "from the recognition decisions and incomes"."""
    from criteria.models import Derived, Indicator
    from criteria.services.catalog import catalog_set_publish

    model = make_set(code="KM", publish=False)
    Indicator.objects.filter(criteria_set=model, code="2.1").update(derived=Derived.INCOME_VS_ADVANCED)
    catalog_set_publish(criteria_set=model)
    a = assessment_create(unit=tree.a, criteria_set=model, year=2025, user=personas.officer_a)
    response = write(api.as_(personas.officer_a), a, [{"code": "2.1", "value": "120", "version": 0}])
    note = "Worked out by the portal from the recognition decisions and incomes; not typed."
    assert response.status_code == 400
    assert response.json()["errors"]["2.1"] == [f"2.1: {note}"]
    client.force_login(personas.officer_a)
    sheet = client.get(reverse("assessment", args=[a.pk])).content.decode()
    assert note in sheet.split('id="ind-2.1"')[1].split("</article>")[0]


def test_the_same_indicator_twice_is_refused(api, data, personas):
    response = write(
        api.as_(personas.officer_b),
        data.b,
        [{"code": "2.1", "value": "1", "version": 0}, {"code": "2.1", "value": "2", "version": 0}],
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"2.1": ["This indicator appears more than once in the request."]}


def test_a_stale_write_answers_409_with_the_current_value(api, data, personas):
    officer_b = api.as_(personas.officer_b)
    assert write(officer_b, data.b, [{"code": "2.1", "value": "85,5", "version": 0}]).status_code == 200
    district = api.as_(personas.district_d1)
    response = write(
        district, data.b, [{"code": "1.1", "value": "có", "version": 0}, {"code": "2.1", "value": "70", "version": 0}]
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "2.1"
    assert body["detail"] == "2.1 was changed by officer_b in the meantime (now: 85,5). Review it and save again."
    assert (body["current"]["value"], body["current"]["version"], body["current"]["updated_by"]) == (
        85.5,
        1,
        "officer_b",
    )
    assert body["current"]["updated_at"]
    # Nothing of the batch was applied.
    assert list(IndicatorValue.objects.filter(assessment=data.b).values_list("indicator__code", flat=True)) == ["2.1"]
    # With the version just read, the write goes through.
    assert write(district, data.b, [{"code": "2.1", "value": "70", "version": 1}]).status_code == 200


def test_a_stale_write_on_a_value_that_does_not_exist_yet(api, data, personas):
    response = write(api.as_(personas.officer_b), data.b, [{"code": "2.1", "value": "70", "version": 4}])
    assert response.status_code == 409
    assert response.json()["current"] == {"value": None, "version": 0, "updated_by": None, "updated_at": None}


def test_a_submitted_assessment_can_no_longer_be_written(api, data, personas):
    assessment_transition(assessment=data.a, action="submit", user=personas.officer_a)
    response = write(api.as_(personas.officer_a), data.a, [{"code": "2.1", "value": "90", "version": 1}])
    assert response.status_code == 400
    assert response.json()["detail"] == "This assessment is submitted and can no longer be edited."


def test_a_session_write_needs_the_csrf_token(personas, data):
    browser = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(personas.officer_a)
    assert write(browser, data.a, [{"code": "2.1", "value": "90", "version": 1}]).status_code == 403
    assert browser.get(f"/api/v1/assessments/{data.a.pk}/values/").status_code == 200


# --- Workflow actions ---------------------------------------------------------------------


def act(client, assessment, action, **body):
    body.setdefault("version", version_of(assessment))
    return client.post(f"/api/v1/assessments/{assessment.pk}/actions/{action}/", body, format="json")


def test_the_whole_workflow_through_the_api(api, data, personas):
    response = act(api.as_(personas.officer_a), data.a, "submit")
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["actions"]) == ("submitted", [])

    body = act(api.as_(personas.district_d1), data.a, "verify").json()
    assert body["state"] == "verified"
    province = api.as_(personas.province_office)
    body = act(province, data.a, "appraise").json()
    assert [a["name"] for a in body["actions"]] == ["return", "recognise"]
    body = act(province, data.a, "recognise", decision_number="12/QĐ-UBND", decision_date="2023-12-20").json()
    assert (body["state"], body["decision_number"], body["decision_date"]) == ("recognised", "12/QĐ-UBND", "2023-12-20")
    assert [a["name"] for a in body["actions"]] == ["revoke"]

    refused = act(province, data.a, "revoke")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"comment": ["Say why, in a comment."]}
    refused = act(province, data.a, "revoke", comment="Sai số liệu")
    assert refused.json()["errors"] == {"non_field_errors": ["Enter the revocation decision's number and date."]}
    body = act(
        province, data.a, "revoke", comment="Sai số liệu", decision_number="3/QĐ-UBND", decision_date="2024-02-01"
    ).json()
    assert (body["state"], body["revocation_number"], body["revocation_date"]) == (
        "revoked",
        "3/QĐ-UBND",
        "2024-02-01",
    )
    states = list(
        HistoryEntry.objects.filter(assessment=data.a, kind=HistoryKind.STATE).values_list("new_state", flat=True)
    )
    assert states == ["submitted", "verified", "appraised", "recognised", "revoked"]


def test_return_for_correction_needs_a_comment(api, data, personas):
    act(api.as_(personas.officer_a), data.a, "submit")
    district = api.as_(personas.district_d1)
    response = act(district, data.a, "return")
    assert response.status_code == 400
    assert response.json()["errors"] == {"comment": ["Say why, in a comment."]}
    assert act(district, data.a, "return", comment="Thiếu biên bản").json()["state"] == "returned"


def test_an_action_needs_the_version_read(api, data, personas):
    response = api.as_(personas.officer_a).post(f"/api/v1/assessments/{data.a.pk}/actions/submit/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"version"}


@pytest.mark.parametrize(("language", "now"), [("vi", "(hiện là: 1.234,5)"), ("en", "(now: 1.234,5)")])
def test_a_stale_write_writes_the_current_value_the_vietnamese_way_in_every_language(
    api, data, personas, language, now
):
    # QA: "hiện là: 1234.5" for a value saved as "1234,5"; English writes numbers the same way.
    saved = write(api.as_(personas.officer_b), data.b, [{"code": "2.2", "value": "1234,5", "version": 0}])
    assert saved.status_code == 200
    stale = [{"code": "2.2", "value": "1", "version": 0}]
    response = write(api.as_(personas.district_d1), data.b, stale, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 409
    assert now in response.json()["detail"]
    assert response.json()["current"]["value"] == 1234.5  # the stored value, as JSON


def test_an_action_on_a_stale_version_answers_409_with_the_current_state(api, data, personas):
    old_version = version_of(data.a)
    assessment_transition(assessment=data.a, action="submit", user=personas.officer_a)
    response = act(api.as_(personas.district_d1), data.a, "verify", version=old_version)
    assert response.status_code == 409
    assert response.json()["current"] == {"state": "submitted", "version": old_version + 1}
    assert Assessment.objects.get(pk=data.a.pk).state == AssessmentState.SUBMITTED


def test_an_action_from_the_wrong_state(api, data, personas):
    response = act(api.as_(personas.province_office), data.a, "appraise")
    assert response.status_code == 400
    assert response.json()["detail"] == "This action is not possible while the assessment is “Draft”."


def test_submitting_lists_missing_values(api, data, personas):
    response = act(api.as_(personas.officer_b), data.b, "submit")
    assert response.status_code == 400
    assert "missing: 1.1, 2.1, 3.1, 3.2" in response.json()["detail"]


def test_recognition_needs_an_iso_decision_date(api, data, personas):
    for action, user in [("submit", personas.officer_a), ("verify", personas.district_d1)]:
        assessment_transition(assessment=data.a, action=action, user=user)
    assessment_transition(assessment=data.a, action="appraise", user=personas.province_office)
    response = act(
        api.as_(personas.province_office), data.a, "recognise", decision_number="1", decision_date="20/12/2023"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"decision_date"}
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = act(api.as_(personas.province_office), data.a, "recognise", decision_number="1", decision_date=future)
    assert response.json()["errors"] == {"decision_date": ["The decision date cannot be in the future."]}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("officer_b", 404),
        ("district_d1", 403),
        ("district_d2", 404),
        ("province_office", 403),
        ("viewer", 403),
        ("outsider", 404),
    ],
)
def test_who_may_submit_commune_a(api, data, personas, who, status):
    response = act(api.as_(getattr(personas, who)), data.a, "submit")
    assert response.status_code == status, response.content
    expected = AssessmentState.SUBMITTED if status == 200 else AssessmentState.DRAFT
    assert Assessment.objects.get(pk=data.a.pk).state == expected


def test_a_viewer_cannot_act_and_is_told_why_in_vietnamese(api, data, personas):
    client = api.as_(personas.viewer)
    response = client.post(
        f"/api/v1/assessments/{data.a.pk}/actions/submit/",
        {"version": version_of(data.a)},
        format="json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 403
    with translation.override("vi"):
        assert response.json() == {"detail": str(MSG_NOT_YOUR_ROLE)}
    assert response.headers["Content-Language"] == "vi"


def test_an_unknown_action_is_not_found(api, data, personas):
    assert act(api.as_(personas.officer_a), data.a, "approve").status_code == 404


def test_actions_only_accept_post(api, data, personas):
    assert api.as_(personas.officer_a).get(f"/api/v1/assessments/{data.a.pk}/actions/submit/").status_code == 405


def _appraised_by_services(assessment, personas, officer):
    assessment_record_values(assessment=assessment, entries=COMPLETE, user=officer)
    for action, user in [("submit", officer), ("verify", personas.district_d1), ("appraise", personas.province_office)]:
        assessment_transition(assessment=assessment, action=action, user=user)


def _decided(assessment, personas, action, number, day, **extra):
    assessment_transition(
        assessment=assessment,
        action=action,
        user=personas.province_office,
        decision_number=number,
        decision_date=day,
        **extra,
    )


def test_losing_a_recognition_at_once_answers_409_with_what_is_stored(api, data, personas):
    """QA: the loser got 400 "not possible while … Recognised", without ``current``."""
    _appraised_by_services(data.a, personas, personas.officer_a)
    version = version_of(data.a)
    _decided(data.a, personas, "recognise", "302/QĐ-UBND", datetime.date(2023, 12, 20), expected_version=version)
    response = act(
        api.as_(personas.province_office),
        data.a,
        "recognise",
        decision_number="302/QĐ-UBND",
        decision_date="2023-12-20",
        version=version,
    )
    assert response.status_code == 409
    assert response.json()["current"] == {"state": "recognised", "version": version + 1}
    assert "recognised this dossier (decision 302/QĐ-UBND of 20/12/2023)" in response.json()["detail"]


def test_the_ladder_holds_both_ways_through_the_api(api, data, personas):
    """QA: an advanced recognition backdated before the standard title's revocation, and a
    standard revocation dated before an advanced recognition still standing, were accepted."""
    province = api.as_(personas.province_office)
    _appraised_by_services(data.a, personas, personas.officer_a)
    _decided(data.a, personas, "recognise", "20/QĐ-UBND", datetime.date(2023, 6, 20))
    _appraised_by_services(data.a_advanced, personas, personas.officer_a)
    refused = act(
        province, data.a, "revoke", comment="Phúc tra", decision_number="28/QĐ-UBND", decision_date="2023-06-28"
    )
    assert refused.status_code == 200  # no advanced title yet
    refused = act(province, data.a_advanced, "recognise", decision_number="25/QĐ-UBND", decision_date="2023-06-25")
    assert refused.status_code == 400
    assert "revoked by decision 28/QĐ-UBND of 28/06/2023" in refused.json()["errors"]["decision_date"][0]


def test_a_standard_revocation_dated_before_a_standing_advanced_title_is_refused_through_the_api(api, data, personas):
    province = api.as_(personas.province_office)
    _appraised_by_services(data.a, personas, personas.officer_a)
    _decided(data.a, personas, "recognise", "20/QĐ-UBND", datetime.date(2023, 1, 11))
    _appraised_by_services(data.a_advanced, personas, personas.officer_a)
    _decided(data.a_advanced, personas, "recognise", "21/QĐ-UBND", datetime.date(2023, 5, 29))
    refused = act(
        province, data.a, "revoke", comment="Phúc tra", decision_number="30/QĐ-UBND", decision_date="2023-05-01"
    )
    assert refused.status_code == 400
    assert (
        "holds the Advanced title by decision 21/QĐ-UBND of 29/05/2023" in refused.json()["errors"]["decision_date"][0]
    )


def test_a_decision_number_another_commune_holds_with_another_date_is_refused_through_the_api(api, data, personas):
    _appraised_by_services(data.b, personas, personas.officer_b)
    _decided(data.b, personas, "recognise", "121/QĐ-UBND", datetime.date(2023, 6, 8))
    _appraised_by_services(data.a, personas, personas.officer_a)
    refused = act(
        api.as_(personas.province_office),
        data.a,
        "recognise",
        decision_number=" 121 / qđ-ubnd ",
        decision_date="2023-06-10",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["decision_number"] == [
        "Decision 121/QĐ-UBND is already recorded for Xã Đức Lĩnh dated 08/06/2023: one decision has one date (it "
        "may recognise several units, on that date). Check the number and the date."
    ]


@pytest.mark.parametrize("ahead", [1, 7973])  # next year; 9999
def test_the_assessments_of_a_year_no_page_shows_are_refused_at_the_year(api, data, personas, ahead):
    """The pages' rule of the years read (criteria.years.can_be_shown): /assessments/?year=9999 answered
    an empty list as if 9999 had been read."""
    this_year = timezone.localdate().year
    client = api.as_(personas.province_office)
    response = client.get("/api/v1/assessments/", {"year": this_year + ahead})
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": [f"The year must be between 2010 and {this_year}."]}
    assert ids(client.get("/api/v1/assessments/", {"unit": "40101", "year": 2022})) == {data.a_2022.pk}
