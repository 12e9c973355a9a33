"""The units due on the dashboards: a page at a time, found by name or code (``due_listing``)."""

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse

from plans.selectors import dashboard, dashboard_sections, due_listing
from plans.tests.factories import make_target

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def due(tree):
    for unit in (tree.a, tree.b, tree.c):
        make_target(unit, "standard", 2025)
    return dashboard_sections(unit=tree.province, year=2025)


@pytest.fixture
def two_per_page(monkeypatch):
    monkeypatch.setattr(dashboard, "DUE_PER_PAGE", 2)


def test_the_units_due_are_listed_a_page_at_a_time_keeping_the_page_s_parameters(due, two_per_page):
    first = due_listing(due, QueryDict("year=2025&tier=standard"))
    # In Vietnamese order: Ân Phú, Cẩm Thạch, Đức Lĩnh.
    assert [r.code for r in first.page.object_list] == ["40201", "40101"] and first.page.paginator.num_pages == 2
    second = due_listing(due, QueryDict("year=2025&tier=standard&due_page=2"))
    assert [r.code for r in second.page.object_list] == ["40102"]
    assert second.query == "year=2025&tier=standard"  # the links add their own due_page
    assert second.kept == [("year", "2025"), ("tier", "standard")] and second.searchable


def test_a_unit_due_is_found_by_its_name_without_diacritics_or_by_its_code(due):
    assert [r.code for r in due_listing(due, QueryDict("due_q=duc+LINH")).page.object_list] == ["40102"]
    assert [r.code for r in due_listing(due, QueryDict("due_q=40201")).page.object_list] == ["40201"]
    found = due_listing(due, QueryDict("year=2025&due_q=xa&due_page=1"))
    assert found.q == "xa" and found.page.paginator.count == 3
    assert found.kept == [("year", "2025")] and found.unsearched == "year=2025"
    assert due_listing(due, QueryDict("due_q=khong+co")).page.object_list == []


def test_a_dashboard_pages_its_units_due_and_searches_them(client, tree, personas, due, two_per_page):
    client.force_login(personas.province_office)
    url = reverse("reports:dashboard", args=[tree.province.code])
    html = client.get(url, {"year": 2025, "tier": "standard"}).content.decode()
    assert "Xã Ân Phú" in html and "Xã Cẩm Thạch" in html and "Xã Đức Lĩnh" not in html
    assert "?year=2025&amp;tier=standard&amp;due_page=2#units-due" in html
    assert '<input type="hidden" name="year" value="2025">' in html and 'name="due_q"' in html
    html = client.get(url, {"year": 2025, "tier": "standard", "due_page": 2}).content.decode()
    assert "Xã Đức Lĩnh" in html and "Xã Cẩm Thạch" not in html
    html = client.get(url, {"year": 2025, "tier": "standard", "due_q": "an phu"}).content.decode()
    assert "Xã Ân Phú" in html and "Xã Đức Lĩnh" not in html and "?year=2025&amp;tier=standard#units-due" in html


def test_the_country_s_units_due_say_which_province_they_are_in(tree):
    for unit in (tree.a, tree.c):
        make_target(unit, "standard", 2025)
    country = due_listing(dashboard_sections(unit=None, year=2025), QueryDict())
    assert country.belongs_to == {"40101": "Huyện Một, Tỉnh Nghệ Thử", "40201": "Huyện Hai, Tỉnh Nghệ Thử"}
    plans = dashboard_sections(unit=None, year=2025)
    html = render_to_string("plans/partials/dashboard_sections.html", {"plans": plans, "due": country})
    assert "Huyện Một, Tỉnh Nghệ Thử" in html
    province = due_listing(dashboard_sections(unit=tree.province, year=2025), QueryDict())
    assert province.belongs_to == {"40101": "Huyện Một", "40201": "Huyện Hai"}  # districts only
