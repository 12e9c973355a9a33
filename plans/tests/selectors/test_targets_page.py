"""The units listed below a unit on the plans page: those of the year shown, within the unit."""

import pytest

from plans.selectors import targets_page
from plans.tests.factories import make_target

pytestmark = pytest.mark.django_db


def _listed(page) -> list[str]:
    return [row.unit.code for row in page.page.object_list]


@pytest.mark.parametrize("year", [2024, 2025])
def test_a_district_that_ended_lists_its_communes_in_the_years_it_existed(merger, year):
    make_target(merger.o1, "standard", 2024)
    page = targets_page(unit=merger.district, year=year)
    assert _listed(page) == ["50102", "50101"]  # Xã Cũ Hai, Xã Cũ Một: in Vietnamese order
    assert page.page.object_list[1].targets["standard"].target_year == 2024


def test_a_district_lists_no_unit_of_a_year_after_it_ended(merger):
    assert _listed(targets_page(unit=merger.district, year=2026)) == []


def test_a_commune_that_ended_lists_its_villages_of_the_year_shown(merger):
    assert _listed(targets_page(unit=merger.o1, year=2024)) == ["50101-01"]
    assert _listed(targets_page(unit=merger.o1, year=2026)) == []


def test_the_province_lists_the_districts_and_communes_of_the_year_shown(merger):
    assert _listed(targets_page(unit=merger.province, year=2024)) == ["501", "50102", "50101"]
    # 2025: the old units until 30 June and the merged commune from 1 July
    assert _listed(targets_page(unit=merger.province, year=2025)) == ["501", "50102", "50101", "50001"]
    assert _listed(targets_page(unit=merger.province, year=2026)) == ["50001"]


def test_only_units_within_the_unit_are_listed(merger):
    # the merged commune existed in 2025 too, but under the province, not under the district
    assert "50001" not in _listed(targets_page(unit=merger.district, year=2025))


def test_the_units_of_a_past_year_are_found_without_diacritics_and_paged(merger):
    assert _listed(targets_page(unit=merger.district, year=2024, q="cu mot")) == ["50101"]
    assert _listed(targets_page(unit=merger.district, year=2024, q="50102")) == ["50102"]
    second = targets_page(unit=merger.district, year=2024, page=2, per_page=1)
    assert _listed(second) == ["50101"] and second.page.paginator.count == 2
