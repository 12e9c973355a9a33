"""The dashboard's villages card says how many villages were newly recognised in the year, as
the communes' and districts' cards do (the summary's ``villages_new``, which the API, the
dashboard's export and the bulletin already give).

On the ``known`` dataset (``reports/tests/conftest.py``): village A1 recognised in 2023, B1 in
2022, none in 2024.
"""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(personas):
    client = Client()
    client.force_login(personas.province_office)
    return client


def villages_card(office, year: int) -> str:
    html = office.get(reverse("reports:dashboard", args=["40"]), {"year": year}, HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    card = html[html.index("Villages holding the title") :]
    return card[: card.index('<p class="figure-change">')]


def test_the_dashboards_villages_card_says_how_many_are_new(office, known):
    assert '<p class="figure-of">1 village newly recognised this year</p>' in villages_card(office, 2023)
    assert '<p class="figure-of">1 village newly recognised this year</p>' in villages_card(office, 2022)


def test_a_year_with_no_village_recognised_says_nothing_new(office, known):
    assert "newly recognised" not in villages_card(office, 2024)
