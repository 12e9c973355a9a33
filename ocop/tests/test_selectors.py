"""ocop_counts: the one OCOP figure for a unit and a period, in one query."""

import datetime

import pytest
from django.utils import timezone

from communes.tests.factories import CommuneFactory
from ocop.models import OcopProduct
from ocop.selectors import ocop_counts, products_listed
from ocop.tests.factories import make_product

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR_2025 = (D(2025, 1, 1), D(2025, 12, 31))
TODAY = D(2026, 5, 12)


def at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 9))


@pytest.fixture
def products(tree):
    make_product(tree.a, "Mật ong", stars=3, certified=D(2023, 4, 1))
    make_product(tree.a, "Chè búp", stars=4, certified=D(2025, 3, 10))
    make_product(tree.b, "Nước mắm", stars=5, certified=D(2025, 11, 2))
    make_product(tree.c, "Bánh đa", stars=3, certified=D(2022, 6, 1))  # ran out on 31/5/2025
    make_product(tree.c, "Cam bù", stars=4, certified=D(2026, 2, 1))  # after the period
    make_product(tree.a, "Tương bần", entered=at(2025, 3, 1))  # an idea
    make_product(tree.b, "Miến dong", stage="rating", entered=at(2025, 4, 1))


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
    late = make_product(tree.a, "Nhập sau", stars=4, certified=D(2025, 6, 1))
    OcopProduct.objects.filter(pk=late.pk).update(entered_at=timezone.now() + datetime.timedelta(days=1))
    assert ocop_counts(tree.d1, YEAR_2025).certified == 4
    assert ocop_counts(tree.d1, YEAR_2025, recorded=timezone.now()).certified == 3


def test_an_idea_counts_in_a_period_only_if_entered_by_its_last_day(tree, products):
    """QA: the 03/2016 bulletin counted the ideas and products being rated entered in 2026."""
    make_product(tree.a, "Nhập năm 2026", entered=at(2026, 5, 12))
    make_product(tree.b, "Đánh giá từ tháng 6", stage="rating", entered=at(2025, 6, 15))
    year = ocop_counts(tree.d1, YEAR_2025, today=TODAY)
    assert (year.ideas, year.rating, year.stages_of_the_period) == (1, 2, False)
    may = ocop_counts(tree.d1, (D(2025, 5, 1), D(2025, 5, 31)), today=TODAY)
    assert (may.ideas, may.rating) == (1, 1)
    march_2016 = ocop_counts(None, (D(2016, 3, 1), D(2016, 3, 31)), today=TODAY)
    assert (march_2016.ideas, march_2016.rating) == (0, 0) and march_2016.empty
    # The period running to today: every product entered by now, its stage the period's own.
    now = ocop_counts(tree.d1, (D(2026, 1, 1), TODAY), today=TODAY)
    assert (now.ideas, now.rating, now.stages_of_the_period) == (2, 2, True)


def test_an_idea_counts_only_where_its_commune_existed_on_the_periods_last_day(tree):
    merged = CommuneFactory(code="40199", name="Xã Mới Hợp", parent=tree.province, valid_from=D(2025, 7, 1))
    ended = CommuneFactory(code="40198", name="Xã Đã Nhập", parent=tree.d1, valid_to=D(2025, 6, 30))
    make_product(merged, "Ý tưởng xã mới", entered=at(2025, 3, 1))  # moved to the new commune later
    make_product(ended, "Ý tưởng xã cũ", stage="rating", entered=at(2025, 3, 1))
    june = ocop_counts(tree.province, (D(2025, 6, 1), D(2025, 6, 30)), today=TODAY)
    assert (june.ideas, june.rating) == (0, 1)
    july = ocop_counts(tree.province, (D(2025, 7, 1), D(2025, 7, 31)), today=TODAY)
    assert (july.ideas, july.rating) == (1, 0)
