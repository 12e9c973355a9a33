"""The list and the matrix say who holds the title (the headline's count, found commune by
commune)."""

import pytest
from django.urls import reverse
from django.utils import translation

from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, personas):
    client.force_login(personas.province_office)
    return client


@pytest.fixture
def titles(tree):
    standard = make_flat_set(code="T-19", total=19, year_to=2030)
    make_assessment(tree.b, standard, 2021, 19, "recognised")  # 2021/QĐ-UBND of 01/12/2021
    make_assessment(tree.b, standard, 2024, 17)
    make_assessment(tree.c, standard, 2024, 19, "revoked")
    return tree


def get(client, name, code, query, language="en"):
    with translation.override(language):
        url = reverse(name, args=[code])
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["reports:communes", "reports:matrix"])
def test_the_list_and_the_matrix_show_who_holds_the_title(office, titles, name):
    html = get(office, name, "40", "year=2024&tier=standard")
    assert "Holds the title on 31/12/2024" in html
    if name == "reports:communes":  # the list's state column, read on the same day
        assert "State of the year's assessment on 31/12/2024" in html
    assert "2021/QĐ-UBND of" in html  # Đức Lĩnh holds it by its 2021 decision
    assert html.count('badge state-recognised">Holds the title<') == 1


def test_the_list_keeps_only_the_title_holders_on_asking(office, titles):
    html = get(office, "reports:communes", "40", "year=2024&tier=standard&held=1")
    assert "Xã Đức Lĩnh" in html and "Xã Ân Phú" not in html and "Xã Cẩm Thạch" not in html
    assert 'name="held" type="checkbox" value="1" checked' in html


def test_each_tiers_title_holders_on_the_dashboard_link_to_them_commune_by_commune(office, titles):
    """QA: the headline said 7 communes hold the title and nothing led to which ones; each tier's
    card now links to the list filtered on the title, which lists as many as the card counts."""
    html = get(office, "reports:dashboard", "40", "year=2024&tier=standard")
    link = reverse("reports:communes", args=["40"]) + "?year=2024&amp;tier=standard&amp;held=1"
    assert f'<a href="{link}">Which communes</a>' in html
    counted = office.get(reverse("reports:dashboard", args=["40"]), {"year": 2024}).context["summary"]
    listed = get(office, "reports:communes", "40", "year=2024&tier=standard&held=1")
    assert listed.count('badge state-recognised">Holds the title<') == counted.recognised["standard"] == 1
    assert "?year=2024&amp;tier=advanced&amp;held=1" not in html  # no holder at the tier: no link
