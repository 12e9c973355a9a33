"""An average is rounded once, from the exact value, to what each place shows (QA: the demo's 22
communes met 100 criteria in 2026, 100/22 = 4,545…; the dashboard and the Word bulletin said
"4,6" — 4,55 rounded again — while the Excel cell held 4.55 and AVERAGE gave 4,5).

Province 70: districts 701 and 702 with 11 communes each, every commune on a 19-criteria set in
2024 meeting 5 (six of them) or 4 (five) criteria and reporting one more basically met:

  each district 50 met / 11 = 4,5454…   met and basically met 61 / 11 = 5,5454…
  the province 100 met / 22 = 4,5454…    met and basically met 122 / 22 = 5,5454…

Shown with one place: 4,5 and 5,5 (never 4,6 and 5,6); the API keeps its two places: 4.55, 5.55.
"""

import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from docx import Document

from communes.models import Role
from communes.tests.factories import CommuneFactory, DistrictFactory, MembershipFactory, ProvinceFactory, UserFactory
from reports.bulletin.detail_sheets import BREAKDOWN
from reports.bulletin.layout import SUMMARY
from reports.bulletin.tiers_sheet import TIERS
from reports.tests.excel.conftest import open_book
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db

YEAR = 2024
MONTH = "2024-11"
EXACT = 100 / 22
EXACT_WITH_BASIC = 122 / 22


@pytest.fixture
def office_of_70(db) -> tuple[Client, str]:
    province = ProvinceFactory(code="70", name="Tỉnh Bình Quân")
    standard = make_flat_set(code="BQ-19", total=19, year_from=2021, year_to=2025)
    for d in (1, 2):
        district = DistrictFactory(code=f"70{d}", name=f"Huyện Bình Quân {d}", parent=province)
        for i in range(11):
            commune = CommuneFactory(code=f"70{d}{i:02d}", name=f"Xã Bình Quân {d}-{i}", parent=district)
            make_assessment(commune, standard, YEAR, 5 if i < 6 else 4, basically_met=1)
    office = UserFactory(username="office70")
    MembershipFactory(user=office, unit=province, role=Role.PROVINCE_OFFICE)
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(office)
    return client, province.code


def _content(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def _cards(html: str) -> dict[str, str]:
    """The dashboard's headline cards: label -> the value as shown."""
    found = re.findall(
        r'<p class="figure-label">\s*(.*?)\s*</p>\s*<p class="figure-value">\s*(.*?)\s*<', html, flags=re.S
    )
    return {label: value for label, value in found}


def test_the_dashboard_shows_100_criteria_over_22_communes_as_4_5(office_of_70):
    client, code = office_of_70
    html = client.get(f"/reports/{code}/", {"year": YEAR}).content.decode()
    cards = _cards(html)
    assert cards["Bình quân số tiêu chí đạt/xã"] == "4,5", cards
    assert cards["Bình quân số tiêu chí đạt và cơ bản đạt"] == "5,5", cards
    # The breakdown's lines, one per district (50 / 11 and 61 / 11).
    rows = re.findall(r"Huyện Bình Quân \d</a>.*?</tr>", html, flags=re.S)
    assert len(rows) == 2
    for row in rows:
        assert re.findall(r'<td class="num">([^<]*)</td>', row)[-2:] == ["4,5", "5,5"], row


def test_the_trend_and_its_chart_show_the_average_as_the_table_does(office_of_70):
    client, code = office_of_70
    response = client.get(f"/reports/{code}/", {"year": YEAR})
    assert re.search(r'<td class="num">4,5 / 19</td>', response.content.decode())
    (series,) = [s for s in response.context["trend_chart"]["series"] if s.get("axis") == "y1"]
    assert series["data"] == [4.5]  # the tooltip reads what the table beside it shows


def test_the_api_keeps_two_places_rounded_from_the_exact_average(office_of_70):
    client, code = office_of_70
    body = client.get("/api/v1/progress/", {"unit": code, "year": YEAR}).json()
    assert (body["average_criteria_met"], body["average_met_or_basically_met"]) == (4.55, 5.55)


def test_the_api_rounds_half_up_as_every_page_does(db):
    """33 / 8 = 4.125 exactly: 4.13 (half up, as the pages round), never the banker's 4.12."""
    province = ProvinceFactory(code="71", name="Tỉnh Nửa")
    standard = make_flat_set(code="NU-19", total=19, year_from=2021, year_to=2025)
    for i, met in enumerate((5, 4, 4, 4, 4, 4, 4, 4)):
        make_assessment(CommuneFactory(code=f"710{i}", parent=province), standard, YEAR, met)
    admin = UserFactory(username="admin71", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    body = client.get("/api/v1/progress/", {"unit": province.code, "year": YEAR}).json()
    assert body["average_criteria_met"] == 4.13


def test_the_word_bulletin_writes_4_5_in_its_sentence_and_tables(office_of_70):
    client, code = office_of_70
    content = _content(client.get(f"/reports/bulletin/{code}/{MONTH}.docx", {"reading": "recorded"}))
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Bình quân đạt 4,5 tiêu chí/xã." in text
    assert "4,6" not in text
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    tiers = next(t for t in tables if t[0][-1] == "Bình quân tiêu chí/xã")
    assert tiers[1][-1] == "4,5"
    breakdown = next(t for t in tables if t[0][-1] == "Bình quân tiêu chí")
    assert [row[-1] for row in breakdown[1:]] == ["4,5", "4,5"]


def _cells(ws, label: str) -> list:
    """The cells of the rows whose text (in any of the first two columns) is ``label``."""
    for row in ws.iter_rows():
        if any(c.value == label for c in row[:2]):
            return list(row)
    raise AssertionError(f"{label!r} not in {ws.title}")


def _shown(cell) -> str:
    """What a spreadsheet shows for a number in a #,##0.0 cell (half away from zero, as Excel)."""
    assert cell.number_format == "#,##0.0", cell.number_format
    return str(Decimal(repr(cell.value)).quantize(Decimal("0.1"), "ROUND_HALF_UP")).replace(".", ",")


def test_the_excel_bulletin_holds_the_exact_average_shown_as_4_5(office_of_70):
    client, code = office_of_70
    book = open_book(_content(client.get(f"/reports/bulletin/{code}/{MONTH}.xlsx", {"reading": "recorded"})))
    summary = book[SUMMARY]
    met = _cells(summary, "Bình quân số tiêu chí đạt trên một xã có số liệu")[1]
    basic = _cells(summary, "Bình quân số tiêu chí đạt và cơ bản đạt (cơ bản đạt không tính là đạt)")[1]
    # The value AVERAGE gives over the communes, shown as the page shows it.
    assert (met.value, _shown(met)) == (pytest.approx(EXACT), "4,5")
    assert (basic.value, _shown(basic)) == (pytest.approx(EXACT_WITH_BASIC), "5,5")
    tier = _cells(book[TIERS], "Xã NTM")[5]
    assert (tier.value, _shown(tier)) == (pytest.approx(EXACT), "4,5")
    for name in ("Huyện Bình Quân 1", "Huyện Bình Quân 2", "Tổng số"):
        cell = _cells(book[BREAKDOWN], name)[-1]
        assert (cell.value, _shown(cell)) == (pytest.approx(EXACT), "4,5"), name


def test_the_dashboard_export_holds_the_exact_average_shown_as_4_5(office_of_70):
    client, code = office_of_70
    book = open_book(_content(client.get(f"/reports/{code}/export/dashboard.xlsx", {"year": YEAR})))
    cell = _cells(book["Tổng hợp"], "Bình quân số tiêu chí đạt/xã")[1]
    assert (cell.value, _shown(cell)) == (pytest.approx(EXACT), "4,5")
    for name in ("Huyện Bình Quân 1", "Huyện Bình Quân 2"):
        row = _cells(book["Theo đơn vị"], name)
        assert [(c.value, _shown(c)) for c in row[-2:]] == [
            (pytest.approx(EXACT), "4,5"),
            (pytest.approx(EXACT_WITH_BASIC), "5,5"),
        ], name
    trend = _cells(book["Xu hướng"], str(YEAR))[-2]
    assert (trend.value, _shown(trend)) == (pytest.approx(EXACT), "4,5")
