"""A bulletin is for a month of its unit's life: a district that ended on 30/06/2025 has its
last in 06/2025 (QA: its page opened on this month and wrote "toàn huyện có 0 xã")."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from communes.models import Role
from communes.tests.factories import MembershipFactory, ProvinceFactory, UserFactory
from reports import bulletin
from reports.bulletin import Month
from reports.models import IssuedBulletin

pytestmark = pytest.mark.django_db


def _member(username, unit, role):
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def district_user(client, merger):
    client.force_login(_member("committee_501", merger.district, Role.DISTRICT_COMMITTEE))
    return client


def test_an_ended_districts_page_opens_on_its_last_month_and_offers_none_after(district_user, merger):
    response = district_user.get(reverse("reports:bulletin", args=["501"]))
    assert response.context["month"] == Month(2025, 6)
    months = response.context["months"]
    assert months[0] == Month(2025, 6) and max(months) == Month(2025, 6)
    html = response.content.decode()
    assert "Huyện Cũ existed until" in html and "its last bulletin is for 06/2025." in html
    assert 'value="2025-07"' not in html


def test_a_month_after_the_end_asked_of_the_page_shows_the_last_month(district_user, merger):
    response = district_user.get(reverse("reports:bulletin", args=["501"]) + "?month=2026-03")
    assert response.context["month"] == Month(2025, 6)


def test_the_last_months_files_are_served_and_the_next_months_are_not_found(district_user, merger):
    assert district_user.get(reverse("reports:bulletin_xlsx", args=["501", "2025-06"])).status_code == 200
    assert district_user.get(reverse("reports:bulletin_docx", args=["501", "2025-06"])).status_code == 200
    for name in ("reports:bulletin_xlsx", "reports:bulletin_docx"):
        assert district_user.get(reverse(name, args=["501", "2025-07"])).status_code == 404
    assert district_user.post(reverse("reports:bulletin_generate", args=["501", "2025-07"])).status_code == 404
    # The ended district's committee writes no bulletin text at all any more (communes.access,
    # working_memberships): refused before the month is looked at.
    for month in ("2025-06", "2025-07"):
        assert district_user.post(reverse("reports:bulletin_text", args=["501", month])).status_code == 403


def test_the_province_office_may_not_issue_an_ended_districts_bulletin_after_its_end(client, merger):
    client.force_login(_member("office_50", merger.province, Role.PROVINCE_OFFICE))
    url = reverse("reports:bulletin_issue", args=["501", "2026-01"])
    assert client.post(url, {"confirmed": "1"}).status_code == 404
    assert not IssuedBulletin.objects.exists()


def test_a_unit_that_began_offers_no_month_before_its_first(client, merger):
    first = Month.of(timezone.now()).previous().previous()  # began two months ago
    new = ProvinceFactory(code="60", name="Tỉnh Mới", valid_from=first.first_day)
    client.force_login(_member("office_60", new, Role.PROVINCE_OFFICE))
    response = client.get(reverse("reports:bulletin", args=["60"]) + f"?month={first.previous().slug}")
    assert response.context["month"] == first
    assert min(response.context["months"]) == first and len(response.context["months"]) == 3
    assert f"its first bulletin is for {first.label}." in response.content.decode()
    assert client.get(reverse("reports:bulletin_xlsx", args=["60", first.previous().slug])).status_code == 404


def test_the_service_refuses_to_build_a_month_outside_the_units_life(merger):
    with pytest.raises(ValidationError, match="Huyện Cũ did not exist in 07/2025"):
        bulletin.bulletin_build(unit=merger.district, month=Month(2025, 7), user=None)
