"""Who holds the title, as the lists show it: the communes list, the matrix, a commune's
dashboard and the bulletin's commune × criterion sheet read it with the rule the headline counts
with (``criteria.figures``), and a title revoked on one year's assessment shows revoked on every
later year's assessment that carries the same decision.

A district officer's case (a real district's report entered in the demo): commune A holds the
standard title by QĐ 107/QĐ-UBND of 16/11/2022, carried by its 2022–2025 assessments; the
province revoked it on the 2024 assessment (QĐ 3402 of 20/12/2024). Commune B holds the title by
its 2021 decision while its 2024 assessment is a draft. Commune C is recognised in 2024.
"""

import datetime

import pytest

from criteria.models import Assessment
from reports.bulletin.lists import communes_grouped, matrix_lines
from reports.selectors import commune_overview, communes_page, progress_summary
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db

DECIDED = datetime.date(2022, 11, 16)
REVOKED = datetime.date(2024, 12, 20)


@pytest.fixture
def titles(tree):
    standard = make_flat_set(code="T-19", total=19, year_to=2030)
    carried = {"decision_number": "107/QĐ-UBND", "decision_date": DECIDED}
    for year in (2022, 2023, 2025):
        a = make_assessment(tree.a, standard, year, 19, "recognised")
        Assessment.objects.filter(pk=a.pk).update(**carried)
    a24 = make_assessment(tree.a, standard, 2024, 19, "revoked")
    Assessment.objects.filter(pk=a24.pk).update(**carried, revocation_number="3402/QĐ-UBND", revocation_date=REVOKED)
    make_assessment(tree.b, standard, 2021, 19, "recognised")  # 2021/QĐ-UBND of 01/12/2021
    make_assessment(tree.b, standard, 2024, 17)
    make_assessment(tree.b, standard, 2025, 17)
    make_assessment(tree.c, standard, 2024, 19, "recognised")  # 2024/QĐ-UBND of 01/12/2024
    return tree


def rows(tree, year, **filters):
    page = communes_page(unit=tree.province, year=year, tier="standard", **filters)
    return {row.name: row for row in page.rows}


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025])
def test_the_list_holders_are_the_headline_count(titles, year):
    headline = progress_summary(unit=titles.province, year=year, tier="standard").recognised["standard"]
    listed = rows(titles, year)
    assert sum(row.holds_title for row in listed.values()) == headline
    assert len(rows(titles, year, held=True)) == headline
    assert all(row.holds_title for row in rows(titles, year, held=True).values())


def test_the_list_says_who_holds_the_title_and_by_which_decision(titles):
    listed = rows(titles, 2024)
    cam_thach, duc_linh, an_phu = listed["Xã Cẩm Thạch"], listed["Xã Đức Lĩnh"], listed["Xã Ân Phú"]
    assert not cam_thach.holds_title and cam_thach.state == "revoked"
    # Holds it by its 2021 decision, whatever its 2024 draft says.
    assert (duc_linh.holds_title, duc_linh.title_number, duc_linh.title_date, duc_linh.state) == (
        True,
        "2021/QĐ-UBND",
        datetime.date(2021, 12, 1),
        "draft",
    )
    assert (an_phu.holds_title, an_phu.title_number) == (True, "2024/QĐ-UBND")
    assert rows(titles, 2023)["Xã Cẩm Thạch"].title_number == "107/QĐ-UBND"


def test_a_title_revoked_on_an_earlier_year_shows_revoked_on_the_assessment_carrying_it(titles):
    later = rows(titles, 2025)["Xã Cẩm Thạch"]
    assert (later.state, later.holds_title) == ("revoked", False)
    assert later.title_revoked_on == REVOKED
    # The years before the revocation stood recognised on their cut-off.
    assert rows(titles, 2023)["Xã Cẩm Thạch"].state == "recognised"


def test_the_commune_dashboard_shows_the_carried_title_revoked(titles):
    overview = commune_overview(commune=titles.a, year=2025, tier="standard")
    assert overview.at_tier("standard").state == "revoked"
    assert commune_overview(commune=titles.a, year=2023, tier="standard").at_tier("standard").state == "recognised"


def test_the_bulletin_matrix_says_who_holds_the_title(titles):
    cut = datetime.date(2025, 12, 31)
    communes = communes_grouped(titles.province, 2025)
    _columns, lines = matrix_lines(titles.province, 2025, communes, cut, None)
    by_name = {line.name: line for line in lines}
    assert (by_name["Xã Cẩm Thạch"].state, by_name["Xã Cẩm Thạch"].title) == ("Đã thu hồi công nhận", "")
    assert by_name["Xã Đức Lĩnh"].title == "2021/QĐ-UBND, 01/12/2021"
    assert by_name["Xã Ân Phú"].title == "2024/QĐ-UBND, 01/12/2024"
    headline = progress_summary(unit=titles.province, year=2025, tier="standard", cutoff=cut).recognised["standard"]
    assert sum(bool(line.title) for line in lines) == headline == 2
