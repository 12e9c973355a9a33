"""/api/v1/units/: scope by persona, filters, pagination, errors, query counts."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from communes.models import CommuneGroup, Region
from communes.tests.factories import CommuneFactory, UserFactory, VillageFactory
from ntm_portal.tokens import token_issue

pytestmark = pytest.mark.django_db

ALL_CODES = {"40", "401", "402", "40101", "40102", "40201", "40101-01", "40101-02", "40102-01"}


@pytest.fixture
def api():
    """A client speaking English unless a test says otherwise; ``api.as_(user)`` signs in by token."""

    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    def as_(user):
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
        return client

    client.as_ = as_
    return client


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officer_a", {"40101", "40101-01", "40101-02"}),
        ("officer_b", {"40102", "40102-01"}),
        ("district_d1", {"401", "40101", "40102", "40101-01", "40101-02", "40102-01"}),
        ("district_d2", {"402", "40201"}),
        ("province_office", ALL_CODES),
        ("viewer", ALL_CODES),
        ("outsider", set()),
    ],
)
def test_each_persona_lists_exactly_the_units_of_their_area(api, personas, who, expected):
    assert set(codes(api.as_(getattr(personas, who)).get("/api/v1/units/"))) == expected


def test_a_superuser_lists_every_unit(api, tree):
    admin = get_user_model().objects.create_superuser("root", password="a-long-test-password")
    assert set(codes(api.as_(admin).get("/api/v1/units/"))) == ALL_CODES


def test_anonymous_requests_are_refused(api, tree):
    response = api.get("/api/v1/units/")
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_a_session_signs_in_the_browser(api, personas):
    api.force_login(personas.officer_a)
    assert "40101" in codes(api.get("/api/v1/units/"))


def test_a_bad_token_is_refused(api, personas):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/v1/units/")
    # 401 once TokenAuthentication comes first in the settings; 403 while SessionAuthentication does.
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "Invalid token."}


def test_units_come_in_vietnamese_order(api, personas):
    # Ân sorts after An… and before Cẩm; Đ after D; names in Vietnamese dictionary order.
    assert codes(api.as_(personas.province_office).get("/api/v1/units/", {"level": "commune"})) == [
        "40201",  # Xã Ân Phú
        "40101",  # Xã Cẩm Thạch
        "40102",  # Xã Đức Lĩnh
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "village"}, {"40101-01", "40101-02", "40102-01"}),
        ({"parent": "401"}, {"40101", "40102"}),
        ({"subtree": "401"}, {"401", "40101", "40102", "40101-01", "40101-02", "40102-01"}),
        ({"subtree": "40102"}, {"40102", "40102-01"}),
        ({"subtree": "no-such-unit"}, set()),
        ({"search": "cam thach"}, {"40101"}),
        ({"search": "ĐỨC LĨNH"}, {"40102"}),
        ({"search": "40201"}, {"40201"}),
        ({"region": "BTB", "level": "district"}, {"401", "402"}),
        ({"region": "TN"}, set()),
        ({"level": "commune", "subtree": "402"}, {"40201"}),
    ],
)
def test_unit_filters(api, personas, params, expected):
    assert set(codes(api.as_(personas.province_office).get("/api/v1/units/", params))) == expected


def test_a_code_search_lists_the_unit_first_then_its_former_unit_and_longer_codes(api, personas, tree):
    # The 2025 reorganisation: the new commune took the old one's code; the old one is "-cu".
    former = CommuneFactory(code="40102-cu", name="Xã An Bình", parent=tree.d1)
    found = codes(api.as_(personas.province_office).get("/api/v1/units/", {"search": "40102"}))
    assert found == ["40102", "40102-cu", "40102-01"]
    assert codes(api.as_(personas.province_office).get("/api/v1/units/", {"search": "4010"})) == [
        "40101-01",
        "40102-01",
        "40101-02",
        former.code,
        "40101",
        "40102",
    ]


def test_filter_by_commune_group(api, personas, tree):
    tree.b.commune_group = CommuneGroup.MOUNTAIN
    tree.b.save()
    assert codes(api.as_(personas.province_office).get("/api/v1/units/", {"group": 3})) == ["40102"]


def test_filter_by_validity_date(api, personas, tree):
    tree.c.valid_to = datetime.date(2025, 6, 30)
    tree.c.save()
    client = api.as_(personas.province_office)
    assert "40201" in codes(client.get("/api/v1/units/", {"valid_on": "2025-06-30"}))
    assert "40201" not in codes(client.get("/api/v1/units/", {"valid_on": "2025-07-01"}))


def test_a_subtree_outside_the_area_gives_nothing(api, personas):
    assert codes(api.as_(personas.officer_a).get("/api/v1/units/", {"subtree": "402"})) == []
    assert codes(api.as_(personas.officer_a).get("/api/v1/units/", {"parent": "401"})) == ["40101"]


def test_a_bad_filter_value_is_a_json_error_naming_the_field(api, personas):
    response = api.as_(personas.province_office).get("/api/v1/units/", {"level": "planet", "valid_on": "31/12"})
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"level", "valid_on"}
    assert "Select a valid choice" in body["errors"]["level"][0]
    assert body["detail"]


def test_filter_errors_follow_the_request_language(api, personas):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=personas.viewer)[1]}")
    response = api.get("/api/v1/units/", {"region": "XYZ"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert response.json()["errors"]["region"][0].startswith("Hãy chọn một lựa chọn hợp lệ")


def test_one_unit_with_its_ancestors(api, personas):
    response = api.as_(personas.officer_a).get("/api/v1/units/40101-01/")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["name"], body["level"], body["parent"]) == ("40101-01", "Thôn Bắc", "village", "40101")
    assert [a["code"] for a in body["ancestors"]] == ["40", "401", "40101"]


@pytest.mark.parametrize("code", ["40102", "40", "nowhere"])
def test_a_unit_outside_the_area_is_not_found(api, personas, code):
    response = api.as_(personas.officer_a).get(f"/api/v1/units/{code}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "This unit does not exist or is outside your area."}


def test_not_found_in_vietnamese(api, personas):
    response = api.as_(personas.officer_a).get("/api/v1/units/40102/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.json() == {"detail": "Đơn vị này không tồn tại hoặc nằm ngoài địa bàn của bạn."}


def test_units_are_read_only(api, personas):
    client = api.as_(personas.province_office)
    assert client.post("/api/v1/units/", {"code": "9", "name": "X"}, format="json").status_code == 405
    assert client.delete("/api/v1/units/40101/").status_code == 405


def test_pages_of_fifty_that_never_overlap(api, personas, tree):
    for n in range(60):
        # Same name for all: the order must still be total (by code) for pages not to overlap.
        VillageFactory(code=f"40101-X{n:02d}", name="Thôn Mới", parent=tree.a)
    client = api.as_(personas.officer_a)
    first = client.get("/api/v1/units/").json()
    assert first["count"] == 63
    assert len(first["results"]) == 50
    assert first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 13
    seen = [r["code"] for r in first["results"] + second["results"]]
    assert len(set(seen)) == 63
    assert client.get("/api/v1/units/", {"page": 9}).status_code == 404


@pytest.mark.parametrize("villages", [5, 50])
def test_the_list_takes_a_fixed_number_of_queries(api, personas, tree, villages, django_assert_max_num_queries):
    commune = CommuneFactory(code="40199", parent=tree.d1, region=Region.BTB)
    for _n in range(villages):
        VillageFactory(parent=commune)
    client = api.as_(personas.district_d1)
    # token + user, memberships, the units theirs were formed from (communes.access), count, page
    # (parents joined): the same for 5 or 50 rows.
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/units/", {"parent": "40199"})
    assert response.json()["count"] == villages


def test_the_token_of_another_user_does_not_leak_their_area(api, personas):
    outsider_client = api.as_(UserFactory(username="someone"))
    assert codes(outsider_client.get("/api/v1/units/")) == []
    assert outsider_client.get("/api/v1/units/40101/").status_code == 404
