"""ocop_counts: the one OCOP figure for a unit and a period, in one query."""

import datetime

import pytest

from ocop.models import OcopProduct
from ocop.selectors import ocop_counts, products_listed
from ocop.tests.factories import make_product

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR_2025 = (D(2025, 1, 1), D(2025, 12, 31))


@pytest.fixture
def products(tree):
    make_product(tree.a, "Mật ong", stars=3, certified=D(2023, 4, 1))
    make_product(tree.a, "Chè búp", stars=4, certified=D(2025, 3, 10))
    make_product(tree.b, "Nước mắm", stars=5, certified=D(2025, 11, 2))
    make_product(tree.c, "Bánh đa", stars=3, certified=D(2022, 6, 1))  # ran out on 31/5/2025
    make_product(tree.c, "Cam bù", stars=4, certified=D(2026, 2, 1))  # after the period
    make_product(tree.a, "Tương bần")  # an idea
    make_product(tree.b, "Miến dong", stage="rating")


def test_counts_of_a_district_by_stars_and_new_in_the_year(tree, products, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = ocop_counts(tree.d1, YEAR_2025)
    assert [(s.stars, s.certified, s.new) for s in counts.by_stars] == [(3, 1, 0), (4, 1, 1), (5, 1, 1)]
    assert (counts.certified, counts.new, counts.expired, counts.ideas, counts.rating) == (3, 2, 0, 1, 1)


def test_an_expired_certificate_no_longer_counts_and_a_later_one_not_yet(tree, products):
    counts = ocop_counts(tree.d2, YEAR_2025)
    assert (counts.certified, counts.new, counts.expired) == (0, 0, 1)
    assert ocop_counts(tree.d2, (D(2025, 1, 1), D(2025, 5, 31))).certified == 1
    assert ocop_counts(None, YEAR_2025).certified == 3


def test_the_list_reads_each_products_status_on_the_day(tree, products):
    listed = products_listed(OcopProduct.objects.all(), day=D(2025, 12, 31))
    statuses = {p.name: p.status for p in listed}
    assert statuses["Bánh đa"] == "expired" and statuses["Mật ong"] == "certified"
    assert [p.name for p in products_listed(OcopProduct.objects.all(), day=D(2025, 12, 31), status="expired")] == [
        "Bánh đa"
    ]
    assert [p.name for p in products_listed(OcopProduct.objects.all(), day=D(2025, 12, 31), q="mat ong")] == ["Mật ong"]


def test_read_as_recorded_only_the_products_entered_by_then_count(tree, products):
    from django.utils import timezone

    late = make_product(tree.a, "Nhập sau", stars=4, certified=D(2025, 6, 1))
    OcopProduct.objects.filter(pk=late.pk).update(entered_at=timezone.now() + datetime.timedelta(days=1))
    assert ocop_counts(tree.d1, YEAR_2025).certified == 4
    assert ocop_counts(tree.d1, YEAR_2025, recorded=timezone.now()).certified == 3
