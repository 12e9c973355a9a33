"""What the report pages show: numbers, links, drill-down, charts and their tables."""

import datetime
import json
import re

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from communes.tests.factories import UserFactory
from reports.tests.factories import bulk_province, make_flat_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, personas):
    client.force_login(personas.province_office)
    return client


def page(client, name, code, query="year=2023&tier=standard", language="en"):
    with translation.override(language):
        url = reverse(name, args=[code])
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    return response.content.decode()


def chart(html, chart_id):
    match = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_the_province_headline_in_english(office, known):
    """English words, numbers written the Vietnamese way (as on every page)."""
    html = page(office, "reports:dashboard", "40")
    assert "Progress: Tỉnh Nghệ Thử" in html
    assert "(25,0%)" in html  # 1 of 4 communes recognised
    assert re.search(r"Average criteria met per commune</p>\s*<p class=\"figure-value\">11,7<", html)
    assert "−1,8 on 2022" in html  # 11.67 against 13.50 a year earlier, to 1 place
    assert "+1 on 2022" in html  # standard recognised: 1 against 0


def test_numbers_are_vietnamese_on_the_vietnamese_page(office, known):
    html = page(office, "reports:dashboard", "401", language="vi")
    assert '<html lang="vi">' in html
    assert re.search(r'<p class="figure-value">15,5<', html)  # (19 + 12) / 2
    assert "(50,0%)" in html
    assert "2023" in html and "2.023" not in html  # years are never grouped


def test_a_bucket_links_to_its_communes(office, known):
    html = page(office, "reports:dashboard", "40")
    link = re.search(r'<a href="([^"]+)">10–14</a>', html).group(1).replace("&amp;", "&")
    assert link == reverse("reports:communes", args=["40"]) + "?year=2023&tier=standard&bucket=10-14"
    listing = office.get(link).content.decode()
    assert "Xã Đức Lĩnh" in listing
    assert "Xã Cẩm Thạch" not in listing and "Xã Ân Phú" not in listing


def test_the_no_data_row_links_to_the_communes_without_data(office, known):
    html = page(office, "reports:dashboard", "40")
    link = re.search(r'<a href="([^"]+)">No data</a>', html).group(1).replace("&amp;", "&")
    listing = office.get(link).content.decode()
    assert "Xã Yên Hòa" in listing and "Xã Đức Lĩnh" not in listing


def test_every_chart_has_its_numbers_in_a_table(office, known):
    html = page(office, "reports:dashboard", "40")
    buckets = chart(html, "chart-buckets")
    assert buckets["labels"] == ["19", "15–18", "10–14", "5–9", "under 5", "No data"]
    assert buckets["series"][0]["data"] == [1, 0, 1, 0, 1, 1]
    lagging = chart(html, "chart-lagging")
    assert lagging["labels"][0] == "13. Tiêu chí 13" and lagging["series"][0]["data"][0] == 2
    assert '<th scope="row">13. <span lang="vi">Tiêu chí 13</span></th><td class="num">2</td>' in html
    trend = chart(html, "chart-trend")
    assert trend["labels"] == ["2022", "2023"]
    assert trend["series"][-1]["data"] == [13.5, 11.7]  # the averages as the table shows them: 35 / 3 is "11,7"


def test_pages_carry_no_inline_script(office, known):
    html = page(office, "reports:dashboard", "40")
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "vendor/chart.js-4.6.1/chart.umd.min.js" in html and "js/charts.js" in html
    assert "css/reports.css" in html


def test_the_province_drills_down_to_its_districts(office, known):
    html = page(office, "reports:dashboard", "40")
    assert (
        f'href="{reverse("reports:dashboard", args=["401"])}?year=2023&amp;tier=standard"><span lang="vi">Huyện Một</span></a>'
        in html
    )


def test_breadcrumbs_from_province_to_commune(office, known):
    html = page(office, "reports:dashboard", "40101")
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</(?:a|span)>", crumbs) == ["Tỉnh Nghệ Thử", "Huyện Một", "Xã Cẩm Thạch"]
    assert 'aria-current="page">Xã Cẩm Thạch' in crumbs


def test_the_commune_page_lists_its_villages_and_criteria(office, known):
    html = page(office, "reports:dashboard", "40101")
    assert "Thôn Bắc" in html and "Thôn Nam" in html
    assert f'href="{reverse("assessment", args=[known.a23.pk])}#criterion-19"' in html


def test_a_matrix_cell_opens_the_assessment_at_the_criterion(office, known):
    html = page(office, "reports:matrix", "402")
    cell = re.search(
        rf'<td class="cell cell-not_met" title="4\. [^"]+: not met">'
        rf'<a href="{reverse("assessment", args=[known.c23.pk])}#criterion-4" tabindex="-1">',
        html,
    )
    assert cell is not None  # for the mouse; the keyboard goes commune by commune (e2e/test_matrix_keyboard.py)
    assert html.count('<td class="cell cell-none" title=') == 19  # Xã Yên Hòa has no data


def test_the_matrix_is_searchable_without_diacritics(office, known):
    html = page(office, "reports:matrix", "40", "year=2023&tier=standard&q=duc+linh")
    assert "Xã Đức Lĩnh" in html and "Xã Cẩm Thạch" not in html


def test_the_matrix_sorts_by_criteria_met(office, known):
    html = page(office, "reports:matrix", "40", "year=2023&tier=standard&sort=-met")
    order = re.findall(r'<th scope="row"><a [^>]+><span lang="vi">(Xã [^<]+)</span></a>', html)
    assert order == ["Xã Cẩm Thạch", "Xã Đức Lĩnh", "Xã Ân Phú", "Xã Yên Hòa"]


def test_without_a_year_the_pages_show_the_latest_year(office, known):
    assert "Year 2023" in page(office, "reports:dashboard", "40", "")
    assert "Year 2023" in page(office, "reports:communes", "40", "year=abc")


def test_the_national_dashboard_lists_provinces(client, known):
    client.force_login(UserFactory(username="root", is_superuser=True))
    response = client.get(reverse("reports:national") + "?year=2023")
    html = response.content.decode()
    assert "Progress: Whole country" in html
    assert (
        f'href="{reverse("reports:dashboard", args=["40"])}?year=2023&amp;tier=standard"><span lang="vi">Tỉnh Nghệ Thử</span></a>'
        in html
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:communes", "reports:matrix"])
def test_pages_take_as_many_queries_for_200_communes_as_for_10(client, name):
    criteria_set = make_flat_set(code="V-19", total=19)
    small = bulk_province(code="S", communes=10, criteria_set=criteria_set, years=[2024, 2025])
    large = bulk_province(code="L", communes=200, criteria_set=criteria_set, years=[2024, 2025])
    client.force_login(UserFactory(username="root", is_superuser=True))
    query = "?year=2025&tier=standard&sort=-met"
    counts = [_queries(client, reverse(name, args=[unit.code]) + query) for unit in (small, large)]
    assert counts[0] == counts[1]


def test_a_province_dashboard_read_again_takes_only_its_kept_reads(client):
    """The second request, nothing written between: every figure, the map, the trend and the
    plans sections come from their kept rows."""
    criteria_set = make_flat_set(code="V-19", total=19)
    province = bulk_province(code="S", communes=10, criteria_set=criteria_set, years=[2024, 2025])
    client.force_login(UserFactory(username="root", is_superuser=True))
    url = reverse("reports:dashboard", args=[province.code]) + "?year=2025&tier=standard"
    _queries(client, url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    kept_reads = [q["sql"] for q in queries if "reports_figurescacheentry" in q["sql"]]
    assert len(kept_reads) == 5  # the figures, the trend's years, the drill-down, the map, the plans sections
    # and the session, the user, the unit, whether it has mapped units, the districts' own
    # assessments, the OCOP counts
    assert len(queries) == 11


def test_averages_on_another_scale_are_not_compared(client, merger, personas):
    """QA: the 2026 dashboard read "4,6 of 10 criteria, −9,1 on 2025" (13,7 of 19): a change of
    set, not of progress. The page and the export say the averages are not comparable."""
    from reports.tests.excel.conftest import open_book, rows_of

    client.force_login(UserFactory(is_superuser=True))
    html = page(client, "reports:dashboard", "50", query="year=2026&tier=standard")
    card = re.search(r"Average criteria met per commune</p>(.*?)</div>", html, re.S).group(1)
    assert "of 10 criteria" in card and "not comparable: 19 criteria in 2025" in card and " on 2025" not in card
    assert "+0 on 2025" in html or "on 2025" in html  # counts are still compared
    with translation.override("en"):
        url = reverse("reports:export", args=["50", "dashboard"])
    book = open_book(client.get(url + "?year=2026&tier=standard").content)
    headline = {r[0]: r[1:] for r in rows_of(book["Tổng hợp"], 4)}
    assert headline["Bình quân số tiêu chí đạt/xã"][0] == 7 and headline["Bình quân số tiêu chí đạt/xã"][2] is None


def test_an_empty_year_says_it_has_no_data_rather_than_no_year_before(client, merger):
    client.force_login(UserFactory(is_superuser=True))
    html = page(client, "reports:dashboard", "501", query="year=2026&tier=standard")
    card = re.search(r"Average criteria met per commune</p>(.*?)</div>", html, re.S).group(1)
    assert "no data this year" in card and "no comparison with the year before" not in card


def test_a_drill_down_to_communes_has_no_column_of_communes(client, merger):
    """QA: the 2026 province's table read "Xã | Xã" with 1 in every row of the second."""
    client.force_login(UserFactory(is_superuser=True))
    html = page(client, "reports:dashboard", "50", query="year=2026&tier=standard")
    table = html.split('id="breakdown-title"')[1].split("</table>")[0]
    head = table.split("</thead>")[0]
    assert head.count(">Commune<") == 1 and ">Communes<" not in head
    older = page(client, "reports:dashboard", "50", query="year=2025&tier=standard")
    assert ">Communes<" in older.split('id="breakdown-title"')[1].split("</thead>")[0]


def _crumbs(html):
    return re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:communes", "reports:matrix"])
def test_a_district_user_sees_the_province_crumb_as_text_not_a_link_to_a_404(client, personas, known, name):
    client.force_login(personas.district_d1)
    crumbs = _crumbs(page(client, name, "401"))
    assert "<li>Tỉnh Nghệ Thử</li>" in crumbs
    assert reverse("reports:dashboard", args=["40"]) not in crumbs


def test_a_commune_officer_sees_district_and_province_crumbs_as_text(client, personas, known):
    client.force_login(personas.officer_a)
    crumbs = _crumbs(page(client, "reports:dashboard", "40101"))
    assert "<li>Tỉnh Nghệ Thử</li>" in crumbs and "<li>Huyện Một</li>" in crumbs
    assert "<a " not in crumbs.split("Xã Cẩm Thạch")[0].split("<ol>")[1]
    assert 'aria-current="page">Xã Cẩm Thạch' in crumbs


def test_a_district_user_on_a_commune_links_the_district_only(client, personas, known):
    client.force_login(personas.district_d1)
    crumbs = _crumbs(page(client, "reports:dashboard", "40101"))
    assert "<li>Tỉnh Nghệ Thử</li>" in crumbs
    assert f'href="{reverse("reports:dashboard", args=["401"])}?year=2023&amp;tier=standard">Huyện Một</a>' in crumbs


def test_the_trend_chart_names_the_figure_its_table_names(office, known):
    html = page(office, "reports:dashboard", "40")
    trend = chart(html, "chart-trend")
    assert [s["label"] for s in trend["series"][:3]] == [
        "Holding the title: Standard",
        "Holding the title: Advanced",
        "Holding the title: Model",
    ]
    assert trend["axes"]["y"] == "Communes holding the title"
    for label in trend["series"][:3]:
        assert f'<th scope="col" class="num">{label["label"]}</th>' in html


def _filters_year_input(html: str) -> str:
    return re.search(r'<input id="filter-year"[^>]*>', html).group(0)


@pytest.mark.parametrize("asked", ["ahead", "2009", "abc"])
@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("reports:national", None),
        ("reports:dashboard", "40"),
        ("reports:dashboard", "401"),
        ("reports:dashboard", "40102"),
        ("reports:communes", "40"),
        ("reports:matrix", "401"),
    ],
)
def test_a_year_no_page_shows_opens_the_latest_year_and_the_page_says_so(client, personas, known, name, code, asked):
    """QA: ?year=2031 (not begun) was shown as if it were a year to look at, with empty figures;
    2009 and 'abc' fell back without a word. The same rule and words as the unit pages."""
    this_year = timezone.localdate().year
    asked = str(this_year + 5) if asked == "ahead" else asked
    client.force_login(UserFactory(username="root", is_superuser=True) if code is None else personas.province_office)
    response = client.get(reverse(name, args=[code] if code else []), {"year": asked, "tier": "standard"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"“{asked}” is not a year that can be shown (2010–{this_year}): showing 2023." in html
    assert "Year 2023 · tier" in html
    assert 'value="2023"' in _filters_year_input(html)


@pytest.mark.parametrize(("name", "code"), [("reports:dashboard", "40"), ("reports:dashboard", "40102")])
def test_a_year_the_pages_show_says_nothing_more(office, known, name, code):
    html = page(office, name, code, query="year=2022&tier=standard")
    assert "Year 2022 · tier" in html and "is not a year that can be shown" not in html
    assert "is not a year that can be shown" not in page(office, name, code, query="tier=standard")


@pytest.mark.parametrize(
    ("name", "code"), [("reports:dashboard", "40"), ("reports:dashboard", "40102"), ("reports:communes", "401")]
)
def test_the_year_input_offers_no_year_that_has_not_begun(office, known, name, code):
    """QA: the input went up to 2100; nothing is assessed for a year that has not begun."""
    this_year = timezone.localdate().year
    year_input = _filters_year_input(page(office, name, code))
    assert 'min="2010"' in year_input and f'max="{this_year}"' in year_input


def test_a_dashboard_of_a_year_without_communes_says_so_without_zero_counts(office, tree):
    """QA: an abolished district's 2026 read "No commune has an assessment … (0 communes without
    data)" and "0 communes report criteria basically met"."""
    for unit in (tree.d1, tree.a, tree.b):
        unit.valid_to = datetime.date(2025, 6, 30)
        unit.save()
    html = page(office, "reports:dashboard", "401", "year=2026&tier=standard")
    assert "No commune counts in this year here." in html
    assert "0 communes without data" not in html and "0 communes report" not in html
    assert "No commune reports criteria basically met" in html


def _marked_vietnamese(html: str) -> set[str]:
    return {" ".join(e.text_content().split()) for e in lxml.html.fromstring(html).xpath("//main//*[@lang='vi']")}


@pytest.mark.parametrize(
    ("name", "code", "names"),
    [
        ("reports:dashboard", "40", ["Tỉnh Nghệ Thử", "Huyện Một", "Huyện Hai"]),
        ("reports:communes", "40", ["Tỉnh Nghệ Thử", "Xã Cẩm Thạch", "Xã Đức Lĩnh", "Huyện Một"]),
        ("reports:matrix", "40", ["Xã Cẩm Thạch", "Xã Đức Lĩnh"]),
        ("reports:dashboard", "40101", ["Xã Cẩm Thạch", "Thôn Bắc", "Tiêu chí 19"]),
    ],
)
def test_vietnamese_names_on_an_english_page_are_marked_as_vietnamese(office, known, name, code, names):
    """WCAG 3.1.2: a screen reader reads "Xã Cẩm Thạch" with Vietnamese pronunciation on an English page."""
    marked = _marked_vietnamese(page(office, name, code))
    assert set(names) <= marked, set(names) - marked
    assert not _marked_vietnamese(page(office, name, code, language="vi"))
