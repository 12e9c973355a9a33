"""Vietnamese to the last corner: people's names, error pages, one date format."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import formats, translation
from django.views.defaults import server_error

from communes.people import full_name
from criteria.services import indicator_value_record

pytestmark = pytest.mark.django_db


def _named(user, family="Nguyễn Thị", given="Lan"):
    user.last_name, user.first_name = family, given
    user.save()
    return user


@pytest.mark.parametrize(
    ("family", "given", "shown"),
    [("Nguyễn Thị", "Lan", "Nguyễn Thị Lan"), ("Trần", "Hùng", "Trần Hùng"), ("", "Mai", "Mai"), ("", "", "officer_a")],
)
def test_a_person_is_named_family_name_first(personas, family, given, shown):
    assert full_name(_named(personas.officer_a, family, given)) == shown


def test_the_user_menu_and_the_history_name_people_family_name_first(client, personas, assessment, vi):
    officer = _named(personas.officer_a)
    indicator_value_record(assessment=assessment, code="2.1", raw="85", note="", user=officer, expected_version=0)
    client.force_login(officer)
    html = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "<summary>Nguyễn Thị Lan</summary>" in html
    assert 'data-label="Người thực hiện">Nguyễn Thị Lan</td>' in html  # the history
    assert "Lan Nguyễn Thị" not in html


def test_the_admin_greets_by_the_full_name_in_vietnamese_order(client, vi):
    admin = _named(get_user_model().objects.create_superuser("root", password="a-long-test-password"), "Quản", "Trị")
    client.force_login(admin)
    html = client.get(reverse("admin:index")).content.decode()
    greeting = re.search(r'<div id="user-tools">(.*?)</strong>', html, re.S).group(1)
    assert "Chào mừng bạn" in greeting and "Quản Trị" in greeting


def test_a_missing_page_is_in_vietnamese_inside_the_portal_layout(client, personas, vi):
    client.force_login(personas.officer_a)
    response = client.get(reverse("unit", args=["40201"]))  # another district's commune
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="topbar"' in html and "Không tìm thấy trang" in html


def test_the_portal_page_not_found_shows_in_development_too(client, personas, settings, vi):
    settings.DEBUG = True
    client.force_login(personas.officer_a)
    response = client.get(reverse("unit", args=["40201"]))
    assert response.status_code == 404 and "Không tìm thấy trang" in response.content.decode()


def test_a_refused_page_is_in_vietnamese_inside_the_portal_layout(client, personas, vi):
    client.force_login(personas.province_office)
    response = client.get(reverse("reports:national"))
    html = response.content.decode()
    assert response.status_code == 403
    assert 'class="topbar"' in html and "Không được phép" in html


def test_the_server_error_page_is_in_vietnamese_and_needs_no_database(django_assert_num_queries, vi):
    request = RequestFactory().get("/units/40101/")
    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert 'class="topbar"' in html and "Đã có lỗi xảy ra" in html
    assert "lang-form" not in html  # no language switch without a session


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_and_times_have_one_format_in_both_languages(language):
    with translation.override(language):
        assert formats.get_format("DATE_FORMAT") == formats.get_format("SHORT_DATE_FORMAT") == "d/m/Y"
        assert formats.get_format("DATETIME_FORMAT") == formats.get_format("SHORT_DATETIME_FORMAT") == "d/m/Y H:i"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_numbers_have_the_vietnamese_separators_in_both_languages(language):
    """Django's own localisation (a Decimal in a template, a localised form field) as well."""
    with translation.override(language):
        assert (formats.get_format("THOUSAND_SEPARATOR"), formats.get_format("DECIMAL_SEPARATOR")) == (".", ",")
        assert formats.number_format(Decimal("31003700000.5"), use_l10n=True, force_grouping=True) == "31.003.700.000,5"
        assert formats.localize(Decimal("89.1")) == "89,1"


def test_templates_use_the_named_date_formats_only():
    """A literal format ("j/n/Y", "H:i d/m") in one template is how a third format creeps in."""
    allowed = {"SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "DATE_FORMAT", "DATETIME_FORMAT", "m/Y"}
    found = {
        f"{path.name}: {fmt}"
        for root in settings.TEMPLATES[0]["DIRS"]
        for path in Path(root).rglob("*.html")
        for fmt in re.findall(r'\|date:"([^"]*)"', path.read_text(encoding="utf-8"))
        if fmt not in allowed
    }
    assert not found, found
