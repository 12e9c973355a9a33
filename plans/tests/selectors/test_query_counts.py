"""Every selector runs a fixed number of queries, whatever the number of communes."""

import datetime

import pytest

from plans.models import ProvinceTarget, ProvinceTargetChange, RegisteredTarget, RegisteredTargetChange
from plans.selectors import (
    dashboard_sections,
    funds_grid,
    funds_summary,
    plan_summary,
    province_targets,
    targets_page,
)
from plans.tests.factories import bulk_province

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[10, 100], ids=lambda n: f"{n}-communes")
def province(request, db):
    province = bulk_province(code="Q", communes=request.param)
    ProvinceTarget.objects.create(
        province=province,
        period_from=2021,
        period_to=2025,
        communes_standard=5,
        min_criteria=15,
        basis="NQ",
        entered_at="2022-01-01T00:00:00Z",
    )
    province.n = request.param
    return province


def test_the_data_is_there(province):
    summary = plan_summary(unit=province, year=2025)
    assert len(summary.due) == province.n
    assert summary.counts[0].reached == len(range(0, province.n, 3))
    assert funds_summary(unit=province, year=2025, month=12).total_to_date == province.n * 4_000_000


def test_funds_summary_takes_two_queries(province, django_assert_num_queries):
    with django_assert_num_queries(2):
        summary = funds_summary(unit=province, year=2025, month=12)
    assert len(summary.by_unit) == 2 + province.n // 5


def test_funds_grid_takes_one_query(province, django_assert_num_queries):
    commune = province.children.filter(level="district").first().children.first()
    with django_assert_num_queries(1):
        funds_grid(unit=commune, year=2025)


def test_plan_summary_takes_five_queries_for_a_province(province, django_assert_num_queries):
    # the targets (due and overdue), the year's assessments of those due, the province targets' three
    with django_assert_num_queries(5):
        plan_summary(unit=province, year=2025)


def test_plan_summary_as_recorded_takes_as_many_queries(province, django_assert_num_queries):
    # the histories give the targets as they stood: read inside the same statements, or in the
    # province targets' one query instead of today's
    RegisteredTargetChange.objects.bulk_create(
        RegisteredTargetChange(target=t, new_year=t.target_year, basis=t.basis, at=t.set_at)
        for t in RegisteredTarget.objects.filter(unit__path__startswith=province.path)
    )
    target = ProvinceTarget.objects.get(province=province)
    changes = {
        "period_from": [None, 2021],
        "period_to": [None, 2025],
        "communes_standard": [None, 5],
        "basis": [None, "NQ"],
    }
    ProvinceTargetChange.objects.create(target=target, changes=changes, at=target.entered_at)
    with django_assert_num_queries(5):
        summary = plan_summary(unit=province, year=2025, recorded=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    assert len(summary.due) == province.n
    assert [line.planned for line in summary.province[0].lines][:1] == [5]


def test_plan_summary_takes_three_queries_for_a_province_without_targets(province, django_assert_num_queries):
    ProvinceTarget.objects.filter(province=province).delete()
    with django_assert_num_queries(3):
        assert plan_summary(unit=province, year=2025).province == []


def test_plan_summary_takes_two_queries_below_a_province(province, django_assert_num_queries):
    district = province.children.filter(level="district").first()
    with django_assert_num_queries(2):
        assert plan_summary(unit=district, year=2025).due


def test_plan_summary_takes_one_query_when_nothing_is_due(province, django_assert_num_queries):
    district = province.children.filter(level="district").first()
    with django_assert_num_queries(1):
        assert plan_summary(unit=district, year=2024).due == []


def test_dashboard_sections_take_seven_queries(province, django_assert_num_queries):
    with django_assert_num_queries(7):
        dashboard_sections(unit=province, year=2025, month=12)


def test_a_page_of_targets_takes_four_queries_and_six_with_the_units_own(province, django_assert_num_queries):
    # count, the page of units, their targets, the targets' history (the province has no own row)
    with django_assert_num_queries(4):
        page = targets_page(unit=province, year=2025)
    assert len(page.page.object_list) == min(50, 2 + province.n)  # the districts, then every commune
    district = province.children.filter(level="district").first()
    # own targets and their history, then count, page, targets, history
    with django_assert_num_queries(6):
        targets_page(unit=district, year=2025)


def test_the_province_targets_with_their_history_take_two_queries(province, django_assert_num_queries):
    target = ProvinceTarget.objects.get(province=province)
    for n in range(province.n // 10):
        ProvinceTargetChange.objects.create(
            target=target, changes={"communes_standard": [n, n + 1]}, at=target.entered_at
        )
    with django_assert_num_queries(2):
        targets = province_targets(province=province)
        assert len(targets[0].changes.all()[0].fields) == 1
