"""Who may open which report page: the personas of the shared ``tree``."""

import pytest
from django.urls import reverse

from communes.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["reports:dashboard", "reports:communes", "reports:matrix"]
NATIONAL = ["reports:national", "reports:national_communes", "reports:national_matrix"]


def url(name, code=None):
    return reverse(name, args=[code] if code else []) + "?year=2023&tier=standard"


@pytest.mark.parametrize("name", PAGES)
def test_the_province_office_opens_every_page_of_its_province(client, known, personas, name):
    client.force_login(personas.province_office)
    assert client.get(url(name, "40")).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_a_district_committee_opens_its_district_but_not_the_other(client, known, personas, name):
    client.force_login(personas.district_d1)
    assert client.get(url(name, "401")).status_code == 200
    assert client.get(url(name, "402")).status_code == 404
    assert client.get(url(name, "40")).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_an_officer_of_another_province_gets_404(client, known, merger, name):
    from communes.models import Role
    from communes.tests.factories import MembershipFactory

    other = UserFactory(username="office_50")
    MembershipFactory(user=other, unit=merger.province, role=Role.PROVINCE_OFFICE)
    client.force_login(other)
    assert client.get(url(name, "40")).status_code == 404
    assert client.get(url(name, "40201")).status_code == 404


def test_a_commune_officer_opens_the_report_of_its_commune_only(client, known, personas):
    client.force_login(personas.officer_a)
    assert client.get(url("reports:dashboard", "40101")).status_code == 200
    assert client.get(url("reports:dashboard", "40102")).status_code == 404


def test_an_unknown_unit_is_404(client, personas):
    client.force_login(personas.province_office)
    assert client.get(url("reports:dashboard", "nowhere")).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, known, name):
    response = client.get(url(name, "40"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", NATIONAL)
def test_the_national_pages_are_for_superusers(client, known, personas, name):
    client.force_login(personas.province_office)
    assert client.get(url(name)).status_code == 403
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get(url(name)).status_code == 200


@pytest.mark.parametrize("name", NATIONAL)
def test_anonymous_visitors_to_the_national_pages_are_sent_to_sign_in(client, name):
    assert client.get(url(name)).status_code == 302


def test_a_village_report_leads_to_the_village_workspace(client, known, personas):
    client.force_login(personas.province_office)
    response = client.get(url("reports:dashboard", "40101-01"))
    assert response.status_code == 302
    assert response["Location"] == reverse("unit", args=["40101-01"])
