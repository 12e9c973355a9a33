"""A set's years read one way wherever they are shown: "2021–2025", or "2024" for a set of one
year (QA: "2024–2024" in the set lists, the choices of a set and the headings)."""

import datetime

import pytest
from django.urls import reverse

from criteria.forms import SetChoiceField
from criteria.models import CriteriaSet, Target
from criteria.services.set_workspace import criteria_set_clone_for
from criteria.tests.factories import give_own_header, make_set


def _set(year_from, year_to):
    return CriteriaSet(
        pk=1, code="X", version=2, short_name="Thử", decision_number="1/QĐ", year_from=year_from, year_to=year_to
    )


def test_a_set_of_one_year_reads_that_year_and_a_longer_one_its_first_and_last():
    assert _set(2024, 2024).years == "2024"
    assert _set(2021, 2025).years == "2021–2025"
    assert _set(2024, 2024).years_in_words == "the year 2024"
    assert _set(2021, 2025).years_in_words == "the years 2021–2025"


def test_the_choices_of_a_set_name_one_year_once():
    one_year = _set(2024, 2024)
    assert SetChoiceField(queryset=CriteriaSet.objects.none()).label_from_instance(one_year) == "Thử v2 (1/QĐ) · 2024"


@pytest.mark.django_db
def test_the_list_and_the_page_of_a_one_year_set_say_2024(client, tree, personas):
    national = make_set(code="NATIONAL", year_from=2021, year_to=2030)
    draft = give_own_header(
        criteria_set_clone_for(criteria_set=national, province=tree.province, user=personas.province_office)
    )
    CriteriaSet.objects.filter(pk=draft.pk).update(
        year_from=2024, year_to=2024, decision_date=datetime.date(2024, 1, 2)
    )
    client.force_login(personas.province_office)
    listing = client.get(reverse("criteria_sets") + "?province=40").content.decode()
    assert '<td class="nowrap">2024</td>' in listing and "2024–2024" not in listing
    assert '<td class="nowrap">2021–2030</td>' in listing  # the national set's
    page = client.get(reverse("criteria_set", args=[draft.pk])).content.decode()
    assert "<dd>2024</dd>" in page and "2024–2024" not in page


@pytest.mark.django_db
def test_a_target_outside_a_one_year_set_is_refused_in_words_for_one_year(client, tree, personas):
    national = make_set(code="NATIONAL", year_from=2021, year_to=2030)
    draft = give_own_header(
        criteria_set_clone_for(criteria_set=national, province=tree.province, user=personas.province_office)
    )
    CriteriaSet.objects.filter(pk=draft.pk).update(year_from=2024, year_to=2024)
    client.force_login(personas.province_office)
    indicator = draft.indicators.get(code="2.1")
    response = client.post(
        reverse("criteria_set_row_new", args=[draft.pk, "targets"]),
        {"indicator": indicator.pk, "value_text": "75", "region": "DBSH", "year": 2025},
    )
    assert response.context["form"].errors["year"] == [
        "The set covers the year 2024: a target from 2025 would never apply. Choose a year within the set's years, "
        "or leave it empty."
    ]
    assert not Target.objects.filter(indicator=indicator, region="DBSH").exists()
