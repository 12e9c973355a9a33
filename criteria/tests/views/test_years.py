"""Pages open on the latest year with data, and say when the unit did not exist."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from communes.models import UnitSuccession
from communes.tests.factories import CommuneFactory
from criteria.models import Assessment
from criteria.services import assessment_create
from criteria.tests.factories import make_set
from criteria.years import default_year, year_begun

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)


@pytest.fixture
def merged(tree):
    """District D1 and its communes end on 30/06/2025; commune M under the province takes A over."""
    for unit in (tree.d1, tree.a, tree.b):
        unit.valid_to = datetime.date(2025, 6, 30)
        unit.save()
    m = CommuneFactory(code="40901", name="Xã Hợp Nhất", parent=tree.province, valid_from=datetime.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=tree.a, successor=m, date=datetime.date(2025, 7, 1))
    return m


def test_a_unit_existed_in_the_years_of_its_lifetime(tree, merged):
    assert tree.d1.existed_in_year(2025) and not tree.d1.existed_in_year(2026)
    assert merged.existed_in_year(2025) and not merged.existed_in_year(2024)


def test_the_default_year_is_the_latest_with_data_within_the_lifetime(tree, merged, personas):
    s = make_set(year_from=2021, year_to=2030)
    assert default_year(tree.d1, today=TODAY) == 2025  # no data: this year, within the lifetime
    assessment_create(unit=tree.c, criteria_set=s, year=2023, user=personas.province_office)
    assert default_year(tree.d2, today=TODAY) == 2023  # the latest year with data
    Assessment.objects.create(unit=merged, criteria_set=s, tier=s.tier, year=2027)  # not through the service
    assert default_year(tree.province, today=TODAY) == 2023  # not a future year


def test_a_district_member_lands_on_the_last_year_its_district_existed(client, personas, tree, merged):
    client.force_login(personas.district_d1)
    html = client.get(reverse("unit", args=["401"])).content.decode()
    assert '<option value="2025" selected>' in html
    assert "did not exist in" not in html


def test_the_province_lists_an_abolished_district_opening_on_its_last_year(client, personas, tree, merged):
    """QA: the province's 2026 page linked D1 (ended 30/06/2025) to 2026, a year of empty tables."""
    client.force_login(personas.province_office)
    html = client.get(reverse("unit", args=["40"]) + "?year=2026").content.decode()
    assert f'<a href="{reverse("unit", args=["401"])}?year=2025"><span lang="vi">Huyện Một</span></a>' in html
    assert f'<a href="{reverse("unit", args=["402"])}?year=2026"><span lang="vi">Huyện Hai</span></a>' in html


def test_a_year_the_unit_did_not_exist_in_is_said_with_a_link_to_its_successor(client, personas, tree, merged):
    client.force_login(personas.province_office)
    html = client.get(reverse("unit", args=["40101"]) + "?year=2026").content.decode()
    assert "Xã Cẩm Thạch did not exist in 2026." in html and "It existed until 30/06/2025." in html
    assert f'<a href="{reverse("unit", args=["40901"])}">Xã Hợp Nhất</a>' in html
    html = client.get(reverse("unit", args=["40901"]) + "?year=2024").content.decode()
    assert "Formed from" in html and f'<a href="{reverse("unit", args=["40101"])}">Xã Cẩm Thạch</a>' in html


def test_the_overview_has_a_year_picker(client, personas, tree):
    client.force_login(personas.district_d2)
    html = client.get(reverse("unit", args=["402"]) + "?year=2024").content.decode()
    assert 'id="year-picker"' in html and '<option value="2024" selected>' in html


def test_the_year_picker_offers_no_year_that_has_not_begun(client, personas, tree):
    """QA: in 2026 the picker offered 2027, where starting anything is refused ("not begun")."""
    this_year = timezone.localdate().year
    for code in ("40101", "401"):
        client.force_login(personas.district_d1 if code == "401" else personas.officer_a)
        html = client.get(reverse("unit", args=[code])).content.decode()
        offered = [
            int(y)
            for y in re.findall(r'<option value="(\d{4})"', html.split('id="year-picker"')[1].split("</select>")[0])
        ]
        assert offered[0] == this_year and all(year_begun(y) for y in offered), (code, offered[:3])


def _picker(html: str) -> list[str]:
    """The picker's options as ``"2025"``, ``"2025 selected"``, ``"2026 selected disabled"``."""
    select = html.split('id="year-picker"')[1].split("</select>")[0]
    return [f"{y}{rest}".strip() for y, rest in re.findall(r'<option value="(\d{4})"([^>]*)>', select)]


@pytest.mark.parametrize("asked", ["next", "2009", "abc"])
def test_a_year_no_page_shows_is_not_shown_as_if_it_were_and_the_page_says_so(client, personas, tree, asked):
    """QA: ?year=2031 was shown, and selected in the picker, as if it were a year to look at."""
    this_year = timezone.localdate().year
    asked = str(this_year + 5) if asked == "next" else asked
    client.force_login(personas.district_d1)
    response = client.get(reverse("unit", args=["401"]), {"year": asked})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"“{asked}” is not a year that can be shown (2010–{this_year}): showing {this_year}." in html
    assert f"{this_year} selected" in _picker(html)
    assert asked not in " ".join(_picker(html))


def test_the_picker_of_a_commune_that_ended_offers_no_year_after_it(client, personas, tree, merged):
    """QA: a commune that ended on 30/06/2025 offered 2026, whose page then said it had ended."""
    this_year = timezone.localdate().year
    client.force_login(personas.province_office)
    html = client.get(reverse("unit", args=["40101"])).content.decode()
    assert _picker(html)[0] == "2025 selected" and len(_picker(html)) == 2025 - 2010 + 1
    # Asked for in the address: shown, said plainly, and in the picker without being offered.
    html = client.get(reverse("unit", args=["40101"]), {"year": this_year}).content.decode()
    assert f"Xã Cẩm Thạch did not exist in {this_year}." in html
    assert _picker(html)[:2] == [f"{this_year} selected disabled", "2025"]
    html = client.get(reverse("unit", args=["40901"])).content.decode()  # formed on 01/07/2025
    assert _picker(html)[-1] == "2025"


def test_this_year_is_the_year_in_vietnam_not_on_the_servers_clock(tree, monkeypatch):
    """QA: 18:00 UTC on 31 December is already 1 January in Hà Nội; pages opened on the server's
    year (datetime.date.today()) while the year picker and the services read Vietnam's."""
    from criteria.forms import current_year

    new_year_in_vietnam = datetime.datetime(2026, 12, 31, 18, 0, tzinfo=datetime.UTC)  # 01:00 on 1/1/2027 there
    monkeypatch.setattr(timezone, "now", lambda: new_year_in_vietnam)
    fresh = CommuneFactory(code="40999", name="Xã Mới Lập", parent=tree.province, valid_from=datetime.date(2026, 1, 1))
    assert current_year() == 2027
    assert default_year(fresh) == 2027  # no assessment: this year, Vietnam's


def test_the_notice_names_the_years_the_picker_offers_for_the_unit(client, personas, tree, merged):
    """QA: ?year=2031 on a commune that ended on 30/06/2025 said "(2010–2026)", the programme's
    years, while its picker offers 2010–2025 (a commune formed on 1/7/2025: from 2025)."""
    this_year = timezone.localdate().year
    client.force_login(personas.province_office)
    html = client.get(reverse("unit", args=["40101"]), {"year": "2031"}).content.decode()
    assert "“2031” is not a year that can be shown (2010–2025): showing 2025." in html
    assert _picker(html)[0] == "2025 selected" and _picker(html)[-1] == "2010"
    html = client.get(reverse("unit", args=["40901"]), {"year": "2009"}).content.decode()
    assert f"“2009” is not a year that can be shown (2025–{this_year}): showing {this_year}." in html
    assert _picker(html)[-1] == "2025"
    html = client.get(reverse("plans:unit", args=["40101"]), {"year": "2031"}).content.decode()
    assert "“2031” is not a year that can be shown (2010–2025): showing 2025." in html


def test_page_year_names_the_unit_s_own_years(tree, merged):
    from criteria.years import page_year

    today = datetime.date(2027, 3, 1)
    assert page_year(tree.a, "2031", today=today).notice == (
        "“2031” is not a year that can be shown (2010–2025): showing 2025."
    )
    assert (
        page_year(merged, "x", today=today).notice == "“x” is not a year that can be shown (2025–2027): showing 2027."
    )
    assert page_year(tree.c, "2031", today=today).notice.startswith(
        "“2031” is not a year that can be shown (2010–2027)"
    )
