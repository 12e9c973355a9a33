"""Every selector runs a fixed number of queries, whatever the number of communes."""

import pytest

from reports.selectors import (
    commune_overview,
    communes_page,
    latest_year,
    progress_breakdown,
    progress_overview,
    progress_summary,
    progress_trend,
)
from reports.tests.factories import bulk_province, make_flat_set

pytestmark = pytest.mark.django_db

SIZES = [10, 200]


@pytest.fixture(params=SIZES, ids=lambda n: f"{n}-communes")
def province(request, db):
    criteria_set = make_flat_set(code="Q-19", total=19)
    return bulk_province(code="Q", communes=request.param, criteria_set=criteria_set, years=range(2023, 2026))


def test_the_data_is_there(province):
    summary = progress_summary(unit=province, year=2025, tier="standard")
    assert summary.communes_with_data == summary.communes_total > 0
    assert summary.recognised["standard"] > 0 and len(summary.lagging) == 19


# The country and a province read their figures kept per province (``reports.selectors.cache``):
# one query reads the versions and the kept rows when nothing changed; the first time, or after
# a write, the figures statement for the provinces not kept and one statement keeping them follow.


@pytest.mark.parametrize("national", [False, True], ids=["province", "country"])
def test_progress_summary_takes_one_statement_and_keeps_it(province, national, django_assert_num_queries):
    unit = None if national else province
    with django_assert_num_queries(3):  # the versions with the kept rows, the figures, keeping them
        progress_summary(unit=unit, year=2025, tier="standard")
    with django_assert_num_queries(1):
        progress_summary(unit=unit, year=2025, tier="standard")


def test_a_district_s_summary_takes_one_query(province, django_assert_num_queries):
    district = province.children.first()
    with django_assert_num_queries(1):
        progress_summary(unit=district, year=2025, tier="standard")


def test_trend_takes_two_statements(province, django_assert_num_queries):
    with django_assert_num_queries(6):  # the years with data, then every figure, each kept
        assert len(progress_trend(unit=province, tier="standard")) == 3
    with django_assert_num_queries(2):
        assert len(progress_trend(unit=province, tier="standard")) == 3


@pytest.mark.parametrize("national", [False, True], ids=["province", "country"])
def test_breakdown_takes_one_statement(province, national, django_assert_num_queries):
    # The country's provinces are read off their figures rows, then named (one query more).
    with django_assert_num_queries(4 if national else 3):
        rows = progress_breakdown(unit=None if national else province, year=2025, tier="standard")
    assert len(rows) == (1 if national else 2)
    with django_assert_num_queries(2 if national else 1):
        progress_breakdown(unit=None if national else province, year=2025, tier="standard")


@pytest.mark.parametrize("national", [False, True], ids=["province", "country"])
def test_a_dashboard_s_overview_takes_three_statements(province, national, django_assert_num_queries):
    # The years with data, the summary and trend, the drill-down (the country's: its provinces'
    # names), each read kept or computed and kept.
    with django_assert_num_queries(7 if national else 9):
        overview = progress_overview(unit=None if national else province, year=2025, tier="standard")
    assert len(overview.trend) == 3 and len(overview.breakdown) == (1 if national else 2)
    with django_assert_num_queries(3):
        assert progress_overview(unit=None if national else province, year=2025, tier="standard") == overview


def test_latest_year_takes_one_query(province, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert latest_year(unit=province) == 2025


def test_a_page_of_communes_takes_three_queries(province, django_assert_num_queries):
    # count, the page of units, their assessments
    with django_assert_num_queries(3):
        page = communes_page(unit=province, year=2025, tier="standard", sort="-met")
    assert len(page.rows) == min(50, page.count)


def test_a_page_of_the_matrix_takes_five_queries(province, django_assert_num_queries):
    # count, the page of units, their assessments, their results, the columns
    with django_assert_num_queries(5):
        page = communes_page(unit=province, year=2025, tier="standard", with_matrix=True)
    assert all(len(row.cells) == 19 for row in page.rows)


def test_a_commune_overview_takes_four_queries(province, django_assert_num_queries):
    commune = province.children.first().children.first()
    with django_assert_num_queries(4):
        commune_overview(commune=commune, year=2025, tier="standard")
