"""/api/v1/registered-targets/, /province-targets/ and /funds/: scope, permissions, refusals."""

from decimal import Decimal

import pytest
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from ntm_portal.tokens import token_issue
from plans.models import FundEntry, ProvinceTarget, RegisteredTarget
from plans.tests.factories import make_fund, make_target

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def api():
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    def as_(user):
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
        return client

    client.as_ = as_
    return client


def _results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- Registered targets ----------------------------------------------------------------------


def test_targets_are_listed_within_the_readers_area(api, tree, personas):
    make_target(tree.a, "standard", 2024)
    make_target(tree.c, "standard", 2025)
    codes = [r["unit"]["code"] for r in _results(api.as_(personas.district_d1).get("/api/v1/registered-targets/"))]
    assert codes == ["40101"]
    rows = _results(api.as_(personas.viewer).get("/api/v1/registered-targets/", {"target_year": 2025}))
    assert [r["unit"]["code"] for r in rows] == ["40201"]


def test_the_district_committee_registers_then_changes_a_target(api, tree, personas):
    client = api.as_(personas.district_d1)
    body = {"unit": "40101", "tier": "standard", "target_year": 2024, "basis": "KH 12", "version": 0}
    created = client.post("/api/v1/registered-targets/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = client.patch(f"/api/v1/registered-targets/{pk}/", {"target_year": 2025, "version": 1}, format="json")
    assert changed.status_code == 200, changed.content
    assert [(c["old_year"], c["new_year"]) for c in changed.json()["changes"]] == [(None, 2024), (2024, 2025)]


def test_a_target_year_before_the_programme_is_refused_with_its_message(api, tree, personas):
    body = {"unit": "40101", "tier": "standard", "target_year": 2009, "basis": "KH 12", "version": 0}
    response = api.as_(personas.district_d1).post("/api/v1/registered-targets/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"target_year": ["The target year must be between 2010 and 2035."]}


def test_a_target_year_before_the_unit_existed_is_refused_with_its_message(api, merger):
    body = {"unit": "50001", "tier": "standard", "target_year": 2024, "basis": "KH 12", "version": 0}
    response = api.as_(merger.office).post("/api/v1/registered-targets/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "target_year": ["Xã Hợp Nhất exists from 01/07/2025: the target year cannot be before 2025."]
    }


def test_a_stale_target_answers_409_with_what_is_stored(api, tree, personas):
    target = make_target(tree.a, "standard", 2026)
    response = api.as_(personas.district_d1).patch(
        f"/api/v1/registered-targets/{target.pk}/", {"target_year": 2024, "version": 7}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"] == {
        "target_year": 2026,
        "basis": "KH 1/KH-UBND",
        "version": 1,
        "withdrawn_at": None,
    }


def test_the_district_committee_withdraws_a_target_with_a_reason(api, tree, personas):
    target = make_target(tree.a, "standard", 2023)
    client = api.as_(personas.district_d1)
    url = f"/api/v1/registered-targets/{target.pk}/"
    refused = client.patch(url, {"withdrawn": True, "reason": "", "version": 1}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"reason": ["Say why the target is withdrawn (the decision or the reason)."]}
    assert (
        api.as_(personas.officer_a).patch(url, {"withdrawn": True, "reason": "QĐ 7", "version": 1}).status_code == 403
    )
    withdrawn = api.as_(personas.district_d1).patch(
        url, {"withdrawn": True, "reason": "QĐ 7", "version": 1}, format="json"
    )
    assert withdrawn.status_code == 200, withdrawn.content
    body = withdrawn.json()
    assert body["withdrawn_at"] is not None and body["version"] == 2
    assert [(c["old_year"], c["new_year"], c["basis"]) for c in body["changes"]][-1] == (2023, None, "QĐ 7")
    plan = api.as_(personas.viewer).get("/api/v1/plan/", {"unit": "40", "year": 2025})
    assert plan.status_code == 200 and plan.json()["overdue"] == []


@pytest.mark.parametrize(("who", "status"), [("officer_a", 403), ("viewer", 403), ("district_d2", 404)])
def test_others_may_not_register_targets(api, tree, personas, who, status):
    body = {"unit": "40101", "tier": "standard", "target_year": 2025, "basis": "KH", "version": 0}
    assert (
        api.as_(getattr(personas, who)).post("/api/v1/registered-targets/", body, format="json").status_code == status
    )
    assert not RegisteredTarget.objects.exists()


# --- Province targets ------------------------------------------------------------------------

PROVINCE_TARGET = {
    "province": "40",
    "period_from": 2021,
    "period_to": 2025,
    "communes_standard": 50,
    "communes_advanced": 10,
    "communes_model": 5,
    "min_criteria": 15,
    "villages_recognised_share": "62,5",
    "basis": "NQ 05",
}


@pytest.mark.usefixtures("room_for_targets")
def test_the_province_office_enters_and_changes_province_targets(api, tree, personas):
    client = api.as_(personas.province_office)
    created = client.post("/api/v1/province-targets/", PROVINCE_TARGET, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["villages_recognised_share"] == 62.5
    pk = created.json()["id"]
    body = {**PROVINCE_TARGET, "communes_standard": 60, "version": 1}
    assert client.put(f"/api/v1/province-targets/{pk}/", body, format="json").json()["communes_standard"] == 60
    # The same body sent again (a retry) holds what stands now: saved, not a conflict.
    assert client.put(f"/api/v1/province-targets/{pk}/", body, format="json").json()["version"] == 2
    stale = client.put(f"/api/v1/province-targets/{pk}/", {**body, "communes_standard": 70}, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    listed = _results(api.as_(personas.viewer).get("/api/v1/province-targets/", {"year": 2024}))
    assert [r["id"] for r in listed] == [pk]
    history = api.as_(personas.viewer).get(f"/api/v1/province-targets/{pk}/").json()["changes"]
    assert [c["changes"].get("communes_standard") for c in history] == [[None, 50], [50, 60]]
    assert history[1]["user"] == personas.province_office.username


def test_a_commune_officer_is_told_their_role_may_not_register_a_target(api, tree, personas):
    """QA: a commune officer, who writes their commune's data, was told their account "may read
    data but not make this change"."""
    body = {"unit": "40101", "tier": "standard", "target_year": 2025}
    response = api.as_(personas.officer_a).post("/api/v1/registered-targets/", body, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role may not make this change."}


def test_the_district_committee_may_not_enter_province_targets(api, tree, personas):
    # Refused before the body is read: a district committee enters province targets for no unit.
    response = api.as_(personas.district_d1).post("/api/v1/province-targets/", PROVINCE_TARGET, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role may not make this change."}
    viewer = api.as_(personas.viewer).post("/api/v1/province-targets/", PROVINCE_TARGET, format="json")
    assert viewer.status_code == 403
    assert viewer.json() == {"detail": "Your account may read data but not make this change for any unit."}
    assert not ProvinceTarget.objects.exists()


@pytest.mark.usefixtures("room_for_targets")
def test_inconsistent_province_targets_are_refused_at_the_field(api, tree, personas):
    body = {**PROVINCE_TARGET, "communes_model": 11}
    response = api.as_(personas.province_office).post("/api/v1/province-targets/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["communes_model"]


@pytest.mark.usefixtures("room_for_targets")
def test_a_threshold_above_the_set_in_force_is_refused_at_the_field_and_read_right_in_the_plan(api, scales, personas):
    """QA: "none under 15" for 2026 (a 10-criteria set) was accepted, then /api/v1/plan/ counted
    every commune under 15, A too (10/10, holding the title)."""
    body = {**PROVINCE_TARGET, "period_from": 2026, "period_to": 2026}
    response = api.as_(personas.province_office).post("/api/v1/province-targets/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["min_criteria"]
    assert "has 10 criteria: the threshold must be between 1 and 10." in str(response.json()["errors"])
    ProvinceTarget.objects.create(  # stored before the rule
        province=scales.tree.province,
        period_from=2026,
        period_to=2026,
        min_criteria=15,
        basis="NQ 1",
        entered_at="2026-01-01T00:00:00Z",
    )
    plan = api.as_(personas.viewer).get("/api/v1/plan/", {"unit": "40", "year": 2026}).json()
    (line,) = [line for target in plan["province"] for line in target["lines"] if line["key"] == "min_criteria"]
    assert line["actual"] == 2  # B (7/10) and C (4/10)


# --- Funds -----------------------------------------------------------------------------------


def _funds(unit="40101", year=2025, *entries):
    return {"unit": unit, "year": year, "entries": list(entries)}


def test_the_officer_records_funds_and_reads_them_back(api, tree, personas):
    client = api.as_(personas.officer_a)
    body = _funds("40101", 2025, {"month": 3, "source": "residents", "amount": "13.055.000.000", "version": 0})
    response = client.post("/api/v1/funds/", body, format="json")
    assert response.status_code == 200, response.content
    (entry,) = response.json()["entries"]
    assert (entry["amount"], entry["version"], entry["entered_by"]) == (13_055_000_000, 1, "officer_a")
    rows = _results(client.get("/api/v1/funds/", {"within": "40101", "year": 2025}))
    assert [(r["unit"], r["month"], r["source"], r["amount"]) for r in rows] == [
        ("40101", 3, "residents", 13_055_000_000)
    ]


@pytest.mark.parametrize(
    ("entry", "errors"),
    [
        (
            {"month": 3, "source": "central", "amount": -5, "version": 0},
            {"3-central": ["Central budget, 3/2025: the value cannot be negative."]},
        ),
        (
            {"month": 3, "source": "central", "amount": True, "version": 0},
            {"3-central": ["Central budget, 3/2025: “true” is not a number."]},
        ),
        (
            {"month": 3, "source": "central", "amount": False, "version": 0},
            {"3-central": ["Central budget, 3/2025: “false” is not a number."]},
        ),
        (
            {"month": 13, "source": "central", "amount": 5, "version": 0},
            {"13-central": ["The month must be between 1 and 12."]},
        ),
    ],
)
def test_bad_funds_are_refused_with_a_clear_message(api, tree, personas, entry, errors):
    response = api.as_(personas.officer_a).post("/api/v1/funds/", _funds("40101", 2025, entry), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not FundEntry.objects.exists()


def test_a_year_before_the_programme_is_refused(api, tree, personas):
    entry = {"month": 1, "source": "central", "amount": 5, "version": 0}
    response = api.as_(personas.officer_a).post("/api/v1/funds/", _funds("40101", 2009, entry), format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["year"]


def test_a_stale_cell_answers_409_with_what_is_stored(api, tree, personas):
    make_fund(tree.a, 2025, 3, "central", 500)
    entry = {"month": 3, "source": "central", "amount": 700, "version": 0}
    response = api.as_(personas.officer_a).post("/api/v1/funds/", _funds("40101", 2025, entry), format="json")
    assert response.status_code == 409
    assert response.json()["current"] == {"3-central": {"amount": 500, "version": 1}}
    assert FundEntry.objects.get().amount == Decimal(500)


@pytest.mark.parametrize(("who", "status"), [("officer_b", 404), ("viewer", 403), ("district_d2", 404)])
def test_others_may_not_record_funds(api, tree, personas, who, status):
    entry = {"month": 1, "source": "central", "amount": 5, "version": 0}
    assert (
        api.as_(getattr(personas, who)).post("/api/v1/funds/", _funds("40101", 2025, entry), format="json").status_code
        == status
    )


def test_funds_are_listed_within_the_readers_area(api, tree, personas):
    make_fund(tree.a, 2025, 3, "central", 1)
    make_fund(tree.b, 2025, 3, "central", 2)
    rows = _results(api.as_(personas.officer_b).get("/api/v1/funds/"))
    assert [r["unit"] for r in rows] == ["40102"]


def test_the_summary_rolls_funds_up_the_tree(api, tree, personas):
    make_fund(tree.a, 2025, 3, "residents", 100)
    make_fund(tree.a1, 2025, 4, "residents", 10)
    make_fund(tree.c, 2025, 3, "credit", 1000)
    body = api.as_(personas.viewer).get("/api/v1/funds/summary/", {"unit": "40", "year": 2025, "month": 12}).json()
    assert body["total_to_date"] == 1110
    assert {u["code"]: u["total"] for u in body["by_unit"]} == {"401": 110, "402": 1000}
    assert {s["source"]: s["to_date"] for s in body["by_source"]}["residents"] == 110
    assert api.as_(personas.officer_b).get("/api/v1/funds/summary/", {"unit": "40101", "year": 2025}).status_code == 404


def test_the_schema_of_these_endpoints_has_no_warning():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert {"/api/v1/registered-targets/", "/api/v1/province-targets/{id}/", "/api/v1/funds/summary/"} <= set(
        schema["paths"]
    )
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache


def test_a_count_above_the_provinces_communes_is_refused_at_the_field(api, tree, personas):
    body = {**PROVINCE_TARGET, "communes_standard": 999, "communes_advanced": 0, "communes_model": 0}
    response = api.as_(personas.province_office).post("/api/v1/province-targets/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "communes_standard": ["Tỉnh Nghệ Thử has at most 3 communes during 2021–2025: the target cannot be higher."]
    }
    assert not ProvinceTarget.objects.exists()


# --- Years read: the pages' rule (criteria.years.can_be_shown) --------------------------------


def _year_refused(response, this_year: int, language: str = "en") -> None:
    assert response.status_code == 400, response.content
    message = {
        "en": f"The year must be between 2010 and {this_year}.",
        "vi": f"Năm phải từ 2010 đến {this_year}.",
    }[language]
    assert response.json()["errors"] == {"year": [message]}


@pytest.mark.parametrize("ahead", [1, 74])  # next year; 2100
def test_the_plan_of_a_year_that_has_not_begun_is_refused_at_the_year(api, tree, personas, ahead):
    """QA: /api/v1/plan/?year=2100 answered a plan of 2100 that no page offers."""
    this_year = timezone.localdate().year
    client = api.as_(personas.viewer)
    _year_refused(client.get("/api/v1/plan/", {"unit": "40", "year": this_year + ahead}), this_year)
    assert client.get("/api/v1/plan/", {"unit": "40", "year": this_year}).json()["year"] == this_year
    assert client.get("/api/v1/plan/", {"unit": "40", "year": 2010}).json()["year"] == 2010


def test_the_plan_refuses_a_year_before_the_programme_in_the_callers_language(api, tree, personas):
    this_year = timezone.localdate().year
    client = api.as_(personas.viewer)
    response = client.get("/api/v1/plan/", {"unit": "40", "year": 2009}, HTTP_ACCEPT_LANGUAGE="vi")
    _year_refused(response, this_year, "vi")


@pytest.mark.parametrize("year", ["next", "9999", "2009"])
def test_the_funds_list_refuses_a_year_no_page_shows(api, tree, personas, year):
    """QA: /api/v1/funds/?year=9999 answered an empty list as if 9999 had no funds."""
    this_year = timezone.localdate().year
    make_fund(tree.a, 2025, 3, "central", 1)
    client = api.as_(personas.viewer)
    asked = this_year + 1 if year == "next" else year
    _year_refused(client.get("/api/v1/funds/", {"year": asked}), this_year)
    assert [r["year"] for r in _results(client.get("/api/v1/funds/", {"year": 2025}))] == [2025]


def test_the_funds_list_refuses_a_year_no_page_shows_in_vietnamese_by_default(tree, personas):
    this_year = timezone.localdate().year
    client = APIClient()  # no Accept-Language: the API speaks Vietnamese
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=personas.viewer)[1]}")
    _year_refused(client.get("/api/v1/funds/", {"year": this_year + 1}), this_year, "vi")


@pytest.mark.parametrize("year", ["next", "9999"])
def test_the_funds_summary_of_a_year_that_has_not_begun_is_refused_at_the_year(api, tree, personas, year):
    """QA: /api/v1/funds/summary/?year=9999 answered zeros for every month of 9999."""
    this_year = timezone.localdate().year
    client = api.as_(personas.viewer)
    asked = this_year + 1 if year == "next" else year
    _year_refused(client.get("/api/v1/funds/summary/", {"unit": "40", "year": asked}), this_year)
    body = client.get("/api/v1/funds/summary/", {"unit": "40", "year": this_year}).json()
    assert (body["year"], body["upto"]) == (this_year, timezone.localdate().month)


def test_funds_of_a_year_that_has_not_begun_are_refused_at_the_year_and_this_years_recorded(api, tree, personas):
    this_year = timezone.localdate().year
    client = api.as_(personas.officer_a)
    entry = {"month": 1, "source": "central", "amount": 5, "version": 0}
    _year_refused(client.post("/api/v1/funds/", _funds("40101", this_year + 1, entry), format="json"), this_year)
    assert not FundEntry.objects.exists()
    response = client.post("/api/v1/funds/", _funds("40101", this_year, entry), format="json")
    assert response.status_code == 200, response.content
    assert [(e["year"], e["month"], e["amount"]) for e in response.json()["entries"]] == [(this_year, 1, 5)]


def test_a_target_year_ahead_is_still_registered_and_listed(api, tree, personas):
    """Targets are for years ahead: the years-read rule does not touch them."""
    ahead = timezone.localdate().year + 3
    body = {"unit": "40101", "tier": "standard", "target_year": ahead, "basis": "KH 12", "version": 0}
    assert api.as_(personas.district_d1).post("/api/v1/registered-targets/", body, format="json").status_code == 201
    rows = _results(api.as_(personas.viewer).get("/api/v1/registered-targets/", {"target_year": ahead}))
    assert [r["target_year"] for r in rows] == [ahead]
