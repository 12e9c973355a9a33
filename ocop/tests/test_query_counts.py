"""The list page and the API list read a constant number of queries whatever the number of products."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.tests.factories import make_product

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add(tree, n: int) -> None:
    for i in range(n):
        commune = (tree.a, tree.b, tree.c)[i % 3]
        make_product(commune, f"Sản phẩm {i}", stars=3 + i % 2, certified=datetime.date(2024, 1, 1 + i % 28))


@pytest.mark.parametrize("url", [reverse("ocop:list"), "/api/v1/ocop-products/"])
def test_the_lists_read_the_same_number_of_queries_for_3_or_20_products(client, tree, personas, url):
    client.force_login(personas.province_office)
    _add(tree, 3)
    few = _queries(client, url)
    _add(tree, 17)
    assert _queries(client, url) == few
