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
