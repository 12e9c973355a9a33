"""/api/v1/progress/: the dashboard's figures for the same unit, year and tier, by persona.

Runs on the ``known`` dataset of ``reports/tests/conftest.py`` (every figure computed by hand
in ``selectors/test_progress_summary.py``).
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from ntm_portal.numbers import rounded
from ntm_portal.tokens import token_issue

pytestmark = pytest.mark.django_db

URL = "/api/v1/progress/"


@pytest.fixture
def api():
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    def as_(user):
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
        return client

    client.as_ = as_
    return client


def as_json_number(value):
    return None if value is None else float(value) if isinstance(value, Decimal) else value


def as_two_places(average):
    """An exact average (35 / 3) as the API gives it: 2 places, rounded half up from it (11.67)."""
    return None if average is None else float(rounded(average, 2))


def headline_json(h) -> dict:
    """The dashboard's Headline object in the API's terms."""
    return {
        "year": h.year,
        "tier": h.tier,
        "cutoff": h.cutoff.isoformat(),
        "communes_total": h.communes_total,
        "communes_with_data": h.communes_with_data,
        "communes_without_data": h.communes_without_data,
        "recognised": h.recognised,
        "recognised_share": {tier: as_json_number(v) for tier, v in h.recognised_share.items()},
        "new": h.new,
        "average_criteria_met": as_two_places(h.average_criteria_met),
        "criteria_basically_met": h.criteria_basically_met,
        "communes_basically_met": h.communes_basically_met,
        "average_met_or_basically_met": as_two_places(h.average_met_or_basically_met),
        "villages_recognised": h.villages_recognised,
        "villages_new": h.villages_new,
        "districts_total": h.districts_total,
        "districts_recognised": h.districts_recognised,
        "districts_new": h.districts_new,
        "apart": h.apart,
    }


def dashboard_summary(user, path: str, **params):
    browser = Client()
    browser.force_login(user)
    response = browser.get(path, params)
    assert response.status_code == 200
    return response.context["summary"]


@pytest.mark.parametrize(
    ("code", "year", "tier"),
    [("40", 2023, "standard"), ("401", 2023, "standard"), ("402", 2022, "standard"), ("40", 2023, "advanced")],
)
def test_the_api_gives_the_dashboards_figures(api, known, personas, code, year, tier):
    summary = dashboard_summary(personas.province_office, f"/en/reports/{code}/", year=year, tier=tier)
    body = api.as_(personas.province_office).get(URL, {"unit": code, "year": year, "tier": tier}).json()

    assert body["unit"] == code
    assert {k: body[k] for k in headline_json(summary)} == headline_json(summary)
    assert [(b["label"], b["low"], b["high"], b["count"], b["total"]) for b in body["buckets"]] == [
        tuple(b) for b in summary.buckets
    ]
    assert [(b["label"], b["count"]) for b in body["buckets_with_basically_met"]] == [
        (b.label, b.count) for b in summary.buckets_with_basically_met
    ]
    assert [(c["number"], c["name"], c["not_met"], c["basically_met"], c["assessed"]) for c in body["lagging"]] == [
        tuple(c) for c in summary.lagging
    ]
    previous = summary.previous_year
    # The year before without its "new" counts, which are not worked out for it (not answered as 0).
    expected = (
        {k: v for k, v in headline_json(previous).items() if k not in ("new", "villages_new", "districts_new")}
        if previous
        else None
    )
    assert body["previous_year"] == expected


def test_the_province_figures_as_a_script_sees_them(api, known, personas):
    body = api.as_(personas.viewer).get(URL, {"unit": "40", "year": 2023}).json()
    assert (body["tier"], body["communes_total"], body["communes_with_data"], body["communes_without_data"]) == (
        "standard",
        4,
        3,
        1,
    )
    assert body["recognised"] == {"standard": 1, "advanced": 0, "model": 0}
    assert body["recognised_share"] == {"standard": 25.0, "advanced": 0.0, "model": 0.0}
    assert body["average_criteria_met"] == 11.67
    assert [(b["label"], b["count"]) for b in body["buckets"]] == [
        ("19", 1),
        ("15–18", 0),
        ("10–14", 1),
        ("5–9", 0),
        ("under 5", 1),
    ]
    assert body["lagging"][0] == {"number": 13, "name": "Tiêu chí 13", "not_met": 2, "basically_met": 0, "assessed": 3}
    assert (body["districts_total"], body["districts_recognised"], body["districts_new"]) == (2, 1, 1)
    assert "districts_new" not in body["previous_year"]  # not worked out for the year before
    assert body["previous_year"]["average_criteria_met"] == 13.5


def test_the_year_defaults_to_the_last_year_with_data(api, known, personas):
    assert api.as_(personas.viewer).get(URL, {"unit": "40"}).json()["year"] == 2023


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("district_d1", "401", 200),
        ("district_d1", "402", 404),
        ("district_d1", "40", 404),
        ("officer_a", "40101", 200),
        ("officer_a", "40102", 404),
        ("officer_b", "401", 404),
        ("viewer", "40", 200),
        ("province_office", "40", 200),
        ("outsider", "40", 404),
        ("province_office", "nowhere", 404),
    ],
)
def test_each_persona_sees_only_the_progress_of_their_area(api, known, personas, who, code, status):
    response = api.as_(getattr(personas, who)).get(URL, {"unit": code, "year": 2023})
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "This unit does not exist or is outside your area."}


def test_the_whole_country_is_for_administrators(api, known, personas):
    response = api.as_(personas.province_office).get(URL, {"year": 2023})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only administrators may see the national dashboard."}
    admin = get_user_model().objects.create_superuser("root", password="a-long-test-password")
    body = api.as_(admin).get(URL, {"year": 2023}).json()
    assert (body["unit"], body["communes_with_data"]) == (None, 3)
    national = dashboard_summary(admin, "/en/reports/national/", year=2023, tier="standard")
    assert {k: body[k] for k in headline_json(national)} == headline_json(national)


def test_anonymous_requests_are_refused(api, known):
    assert api.get(URL, {"unit": "40"}).status_code in (401, 403)


def test_bad_parameters_answer_400_naming_them(api, known, personas):
    response = api.as_(personas.viewer).get(URL, {"unit": "40", "year": 1999, "tier": "gold"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"year", "tier"}


def test_the_progress_takes_a_fixed_number_of_queries(api, known, personas, django_assert_num_queries):
    client = api.as_(personas.viewer)
    # token + user, memberships, the unit, how its map is read (``map_reading``, as the dashboard),
    # then progress_summary's figures: the versions with the kept rows, and (not kept yet) the one
    # statement and keeping its rows
    with django_assert_num_queries(7):
        assert client.get(URL, {"unit": "40", "year": 2023}).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(URL, {"unit": "40", "year": 2023}).status_code == 200


def test_labels_follow_the_request_language_like_the_dashboard(api, known, personas):
    summary = dashboard_summary(personas.viewer, "/reports/40/", year=2023, tier="standard")  # Vietnamese
    body = api.as_(personas.viewer).get(URL, {"unit": "40", "year": 2023}, HTTP_ACCEPT_LANGUAGE="vi").json()
    assert [b["label"] for b in body["buckets"]] == [b.label for b in summary.buckets]
    assert body["buckets"][-1]["label"] == "dưới 5"


def test_a_year_that_has_not_begun_answers_400_at_the_year(api, known, personas):
    """QA: year=2031 (not begun) answered empty figures for 2031 as if they were the year's."""
    this_year = timezone.localdate().year
    client = api.as_(personas.viewer)
    response = client.get(URL, {"unit": "40", "year": this_year + 5})
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": [f"The year must be between 2010 and {this_year}."]}
    assert client.get(URL, {"unit": "40", "year": this_year}).json()["year"] == this_year


def test_a_year_before_the_programme_answers_the_same_message_in_vietnamese(api, known, personas):
    this_year = timezone.localdate().year
    response = api.as_(personas.viewer).get(URL, {"unit": "40", "year": 2009}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": [f"Năm phải từ 2010 đến {this_year}."]}


def test_the_schema_documents_the_districts_newly_recognised(client):
    """``districts_new``: added beside ``districts_recognised`` (the API only grows), described,
    nullable as ``districts_total``, left out of the year before as its other "new" counts."""
    schemas = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]  # in Vietnamese
    field = schemas["Progress"]["properties"]["districts_new"]
    assert field["type"] == "integer" and field.get("nullable") is True
    assert field["description"].startswith("Số huyện được công nhận ở hạng này theo quyết định ghi ngày trong năm")
    assert "districts_new" not in schemas["PreviousYear"]["properties"]
