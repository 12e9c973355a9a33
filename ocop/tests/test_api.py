"""/api/v1/ocop-products/: scope, permissions, refusals, the summary."""

import datetime

import pytest
from rest_framework.test import APIClient

from ntm_portal.tokens import token_issue
from ocop.models import OcopProduct
from ocop.tests.factories import make_product

pytestmark = pytest.mark.django_db
URL = "/api/v1/ocop-products/"
BODY = {"commune": "40101", "name": "Chè búp", "producer": "HTX Chè", "category": "drinks"}


@pytest.fixture
def api():
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    def as_(user):
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
        return client

    client.as_ = as_
    return client


def test_products_are_listed_within_the_readers_area(api, tree, personas):
    make_product(tree.a, "Mật ong", stars=3, certified=datetime.date(2024, 1, 5))
    make_product(tree.c, "Bánh đa")
    rows = api.as_(personas.officer_a).get(URL).json()["results"]
    assert [(r["name"], r["commune"]["code"], r["status"]) for r in rows] == [("Mật ong", "40101", "certified")]
    rows = api.as_(personas.viewer).get(URL, {"stage": "idea"}).json()["results"]
    assert [r["name"] for r in rows] == ["Bánh đa"]


def test_an_officer_enters_then_changes_a_product(api, tree, personas):
    client = api.as_(personas.officer_a)
    created = client.post(URL, BODY, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    certified = BODY | {
        "stage": "certified",
        "stars": 4,
        "rating_level": "province",
        "certificate_number": "12/QĐ-UBND",
        "certificate_date": "2024-05-20",
        "version": 1,
    }
    changed = client.put(f"{URL}{pk}/", certified, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["valid_until"], changed.json()["version"]) == ("2027-05-19", 2)
    stale = client.put(f"{URL}{pk}/", certified, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2


def test_refusals_name_the_field_and_other_areas_stay_out_of_reach(api, tree, personas):
    refused = api.as_(personas.officer_a).post(URL, BODY | {"stage": "certified"}, format="json")
    assert refused.status_code == 400 and "certificate_date" in refused.json()["errors"]
    assert api.as_(personas.officer_b).post(URL, BODY, format="json").status_code == 404
    assert api.as_(personas.viewer).post(URL, BODY, format="json").status_code == 403
    product = make_product(tree.a)
    assert api.as_(personas.officer_b).get(f"{URL}{product.pk}/").status_code == 404
    assert api.as_(personas.viewer).delete(f"{URL}{product.pk}/").status_code == 403
    assert api.as_(personas.officer_a).delete(f"{URL}{product.pk}/").status_code == 204
    assert not OcopProduct.objects.exists()


def test_the_summary_counts_by_stars_for_a_period(api, tree, personas):
    make_product(tree.a, "Mật ong", stars=3, certified=datetime.date(2023, 4, 1))
    make_product(tree.b, "Chè", stars=4, certified=datetime.date(2025, 3, 1))
    response = api.as_(personas.district_d1).get(
        f"{URL}summary/", {"unit": "401", "first": "2025-01-01", "last": "2025-12-31"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["certified"], body["new"]) == (2, 1)
    assert body["by_stars"][1] == {"stars": 4, "certified": 1, "new": 1}
    assert api.as_(personas.officer_a).get(f"{URL}summary/", {"unit": "402"}).status_code == 404
    backwards = api.as_(personas.district_d1).get(
        f"{URL}summary/", {"unit": "401", "first": "2025-02-01", "last": "2025-01-01"}
    )
    assert backwards.status_code == 400


def test_the_list_filters_by_status_stars_area_and_text(api, tree, personas):
    make_product(tree.a, "Mật ong", stars=3, certified=datetime.date(2020, 1, 5))  # expired
    make_product(tree.a, "Chè búp", stars=4, certified=datetime.date(2025, 1, 5))
    make_product(tree.c, "Bánh đa", stars=4, certified=datetime.date(2025, 2, 5))
    client = api.as_(personas.province_office)

    def names(**params):
        return sorted(r["name"] for r in client.get(URL, params).json()["results"])

    assert names(status="expired") == ["Mật ong"]
    assert names(status="certified") == ["Bánh đa", "Chè búp"]
    assert names(stars=4, within="401") == ["Chè búp"]
    assert names(q="banh da") == ["Bánh đa"]
    assert client.get(URL, {"status": "lost"}).status_code == 400


def test_a_removal_with_the_version_read_refuses_a_product_changed_since(api, tree, personas):
    product = make_product(tree.a)
    OcopProduct.objects.filter(pk=product.pk).update(name="Chè đen", version=2)
    client = api.as_(personas.officer_a)
    stale = client.delete(f"{URL}{product.pk}/?version=1")
    assert stale.status_code == 409 and stale.json()["current"]["name"] == "Chè đen"
    assert client.delete(f"{URL}{product.pk}/?version=x").status_code == 400
    assert OcopProduct.objects.filter(pk=product.pk).exists()
    assert client.delete(f"{URL}{product.pk}/?version=2").status_code == 204
    assert not OcopProduct.objects.exists()


def test_the_councils_points_are_read_and_must_give_the_stars(api, tree, personas):
    client = api.as_(personas.officer_a)
    certified = BODY | {
        "stage": "certified",
        "stars": 3,
        "points": 72,
        "rating_level": "province",
        "certificate_number": "12/QĐ-UBND",
        "certificate_date": "2024-05-20",
    }
    refused = client.post(URL, certified, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["stars"] == ["72 points gives 4 stars (70–89 points)."]
    created = client.post(URL, certified | {"stars": 4}, format="json")
    assert created.status_code == 201 and (created.json()["stars"], created.json()["points"]) == (4, 72)


def test_a_product_entered_twice_is_refused_at_its_name_with_the_one_entered(api, tree, personas):
    client = api.as_(personas.officer_a)
    first = client.post(URL, BODY, format="json").json()
    again = client.post(URL, BODY | {"name": " CHÈ búp "}, format="json")
    assert again.status_code == 400
    body = again.json()
    assert list(body["errors"]) == ["name"] and "already has" in body["errors"]["name"][0]
    assert body["existing"]["name"]["id"] == first["id"]
    assert body["existing"]["name"]["url"] == f"{URL}{first['id']}/"
    assert OcopProduct.objects.count() == 1
