"""The Django admin's OCOP pages: they list, add and refuse a broken product at its field."""

import pytest
from django.urls import reverse

from communes.tests.factories import UserFactory
from ocop.models import OcopProduct
from ocop.tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, tree):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _form(tree, **changes) -> dict:
    values = {"commune": tree.a.pk, "name": "Chè búp", "producer": "HTX Chè", "category": "drinks", "stage": "idea"}
    return values | changes


def test_the_admin_lists_and_adds_products(admin_client, tree):
    make_product(tree.a, "Mật ong")
    response = admin_client.get(reverse("admin:ocop_ocopproduct_changelist"))
    assert response.status_code == 200 and "Mật ong" in response.content.decode()
    assert admin_client.get(reverse("admin:ocop_ocopproduct_add")).status_code == 200
    added = admin_client.post(reverse("admin:ocop_ocopproduct_add"), _form(tree))
    assert added.status_code == 302
    assert OcopProduct.objects.filter(name="Chè búp").exists()


def test_the_admin_refuses_a_certified_product_without_its_certificate(admin_client, tree):
    response = admin_client.post(reverse("admin:ocop_ocopproduct_add"), _form(tree, stage="certified"))
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not OcopProduct.objects.exists()
