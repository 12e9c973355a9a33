"""The trend runs without a hole: a year with no assessment of its own still shows the communes
holding a title by an earlier year's decision (QA: "trend omits decision-only years").

Province 40 (the shared ``tree``): communes A and B assessed 2019–2021, A recognised by a
decision of 01/12/2020; nothing assessed in 2022; both assessed again in 2023. A holds the title
at the end of 2022 by the 2020 decision."""

from decimal import Decimal

import pytest
from django.urls import reverse

from reports.selectors import progress_overview, progress_trend
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def gap(tree):
    standard = make_flat_set(code="R-19", total=19)
    for year in (2019, 2021):
        make_assessment(tree.b, standard, year, 10)
    make_assessment(tree.a, standard, 2019, 15)
    make_assessment(tree.a, standard, 2020, 19, "recognised")  # decision of 01/12/2020
    make_assessment(tree.b, standard, 2020, 12)
    make_assessment(tree.a, standard, 2021, 19)
    make_assessment(tree.a, standard, 2023, 19)
    make_assessment(tree.b, standard, 2023, 14)
    return tree


def test_a_year_without_assessments_shows_its_title_holders(gap):
    points = progress_trend(unit=gap.province, tier="standard")
    assert [(p.year, p.recognised["standard"], p.communes_with_data, p.average_criteria_met) for p in points] == [
        (2019, 0, 2, Decimal("12.50")),
        (2020, 1, 2, Decimal("15.50")),
        (2021, 1, 2, Decimal("14.50")),
        (2022, 1, 0, None),  # held by the 2020 decision; no assessment, no average
        (2023, 1, 2, Decimal("16.50")),
    ]


def test_the_overview_s_trend_has_the_same_years_and_a_commune_s_too(gap):
    overview = progress_overview(unit=gap.province, year=2023, tier="standard")
    assert [(p.year, p.recognised["standard"]) for p in overview.trend] == [
        (2019, 0),
        (2020, 1),
        (2021, 1),
        (2022, 1),
        (2023, 1),
    ]
    assert [(p.year, p.recognised["standard"]) for p in progress_trend(unit=gap.a, tier="standard")][-2:] == [
        (2022, 1),
        (2023, 1),
    ]


def test_the_country_s_trend_has_no_hole(gap):
    assert [p.year for p in progress_trend(unit=None, tier="standard")] == [2019, 2020, 2021, 2022, 2023]


def test_the_dashboard_s_table_lists_the_year_without_assessments(client, personas, gap):
    client.force_login(personas.province_office)
    response = client.get(reverse("reports:dashboard", args=[gap.province.code]), {"year": 2023})
    assert [p.year for p in response.context["trend"]] == [2019, 2020, 2021, 2022, 2023]
