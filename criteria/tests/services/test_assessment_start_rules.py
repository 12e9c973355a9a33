"""Which assessments may be started: not ahead of the year, not against another province's set."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communes.tests.factories import ProvinceFactory
from criteria.models import CriteriaSet
from criteria.services import assessment_create
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


def test_an_assessment_is_not_started_for_a_year_that_has_not_begun(tree, personas):
    """QA: in December 2026 the unit's page offered "Start this year's assessment" for 2027, and it started."""
    s = make_set(year_from=2021, year_to=2040)
    next_year = datetime.date.today().year + 1
    with pytest.raises(ValidationError, match=f"{next_year} has not begun"):
        assessment_create(unit=tree.a, criteria_set=s, year=next_year, user=personas.officer_a)
    assert assessment_create(unit=tree.a, criteria_set=s, year=next_year - 1, user=personas.officer_a).pk


def test_the_unit_page_offers_no_start_for_a_year_that_has_not_begun(client, tree, personas):
    make_set(year_from=2021, year_to=2040)
    client.force_login(personas.officer_a)
    this_year = datetime.date.today().year
    url = reverse("unit", args=[tree.a.code])
    assert f"assessment for {this_year}" in client.get(f"{url}?year={this_year}").content.decode()
    # A later year is not shown (the page says so and shows this one): nothing starts for it.
    html = client.get(f"{url}?year={this_year + 1}").content.decode()
    assert f"“{this_year + 1}” is not a year that can be shown" in html
    assert f"assessment for {this_year + 1}" not in html


def test_a_set_of_another_province_is_refused(tree, personas):
    """QA: a set the dropdown did not offer was accepted when posted by hand."""
    s = make_set(code="OTHER-PROVINCE")
    CriteriaSet.objects.filter(pk=s.pk).update(issuer=ProvinceFactory(code="99", name="Tỉnh Khác"))
    s.refresh_from_db()
    with pytest.raises(ValidationError, match="another province's own"):
        assessment_create(unit=tree.a, criteria_set=s, year=2023, user=personas.officer_a)


# --- A year outside the unit's lifetime: said with the date, at the year --------------------


@pytest.fixture
def merged(tree):
    """Commune A ended on 30/06/2025; Xã Hợp Nhất was formed on 01/07/2025."""
    from communes.tests.factories import CommuneFactory

    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save()
    return CommuneFactory(code="40190", name="Xã Hợp Nhất", parent=tree.d1, valid_from=datetime.date(2025, 7, 1))


@pytest.fixture
def set_2021_2030(db):
    return make_set(year_from=2021, year_to=2030)


def test_starting_after_the_unit_ended_names_the_day_it_ended_at_the_year(tree, personas, merged, set_2021_2030):
    """QA: "did not exist in 2026" gave no date; a summary record of the same year named it."""
    with pytest.raises(ValidationError) as refused:
        assessment_create(unit=tree.a, criteria_set=set_2021_2030, year=2026, user=personas.province_office)
    assert refused.value.message_dict == {
        "year": ["Xã Cẩm Thạch existed only until 30/06/2025: no assessment can be started for 2026."]
    }
    assert refused.value.error_dict["year"][0].code == "unit_ended"


def test_starting_before_the_unit_was_formed_names_the_day_it_was_formed(personas, merged, set_2021_2030):
    with pytest.raises(ValidationError) as refused:
        assessment_create(unit=merged, criteria_set=set_2021_2030, year=2024, user=personas.province_office)
    assert refused.value.message_dict == {
        "year": ["Xã Hợp Nhất was formed on 01/07/2025: no assessment can be started for 2024."]
    }


def test_the_start_summary_record_and_import_name_the_same_day(tree, personas, merged, set_2021_2030):
    """One wording of "not in the unit's lifetime" (``years.year_outside_lifetime``): the date and
    the code are the same whatever is refused."""
    from criteria.services.assessments import START_LIFETIME
    from criteria.services.summary import Reported, summary_errors

    with pytest.raises(ValidationError) as started:
        assessment_create(unit=tree.a, criteria_set=set_2021_2030, year=2026, user=personas.province_office)
    reported = Reported(met=frozenset({1}), source_number="1/BC", source_date=datetime.date(2026, 1, 10))
    summary = summary_errors(unit=tree.a, criteria_set=set_2021_2030, year=2026, reported=reported)["year"][0]
    (start,) = started.value.error_dict["year"]
    assert start.params == summary.params == {"unit": "Xã Cẩm Thạch", "end": "30/06/2025", "year": 2026}
    assert start.code == summary.code == "unit_ended"
    assert start.message == START_LIFETIME.ended


def test_the_start_button_posted_for_a_year_outside_the_lifetime_says_why(
    client, tree, personas, merged, set_2021_2030
):
    """The page's start form holds the year in a hidden field: the refusal is said above the page
    it returns to, with the date (to the province office: the commune's own officer, its commune
    ended, is refused any start)."""
    client.force_login(personas.province_office)
    response = client.post(
        reverse("assessment_start"), {"unit": tree.a.code, "tier": "standard", "year": 2026}, follow=True
    )
    html = response.content.decode()
    assert "Xã Cẩm Thạch existed only until 30/06/2025: no assessment can be started for 2026." in html


def test_the_api_refuses_the_year_at_its_field(tree, personas, merged, set_2021_2030):
    from rest_framework.test import APIClient

    from ntm_portal.tokens import token_issue

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=personas.district_d1)[1]}")
    response = api.post("/api/v1/assessments/", {"unit": "40190", "year": 2024, "tier": "standard"}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {
        "year": ["Xã Hợp Nhất was formed on 01/07/2025: no assessment can be started for 2024."]
    }
