"""OCOP products on the dashboard, in the API, in the bulletin and in the export: one figure
(``ocop.selectors.ocop_counts``) everywhere, laid out in Vietnamese."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.tests.factories import make_product
from reports.tests.excel.conftest import at, open_book, rows_of
from reports.tests.excel.test_bulletin_word import download, paragraphs, read_docx, table_texts

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def products(tree):
    make_product(tree.a, "Mật ong bạc hà", stars=3, certified=D(2022, 8, 1))
    make_product(tree.a, "Chè búp", stars=4, certified=D(2024, 12, 10))
    make_product(tree.b, "Nước mắm", stars=5, certified=D(2024, 3, 2))
    make_product(tree.c, "Bánh đa", stars=3, certified=D(2021, 6, 1))  # ran out on 31/5/2024
    make_product(tree.c, '=HYPERLINK("http://x","Bấm")', stars=4, certified=D(2025, 2, 1))
    make_product(tree.a, "Tương bần", entered=at("10/06/2024"))
    make_product(tree.b, "Miến dong", stage="rating", entered=at("10/06/2024"))


@pytest.fixture
def office(client, personas):
    client.force_login(personas.province_office)
    return client


def _table(ws, header: str) -> list[tuple]:
    """The rows under the header row whose first cell is ``header``."""
    rows = rows_of(ws, 1)
    start = next(i for i, row in enumerate(rows) if row[0] == header)
    return rows[start:]


def _api(client, first: str, last: str) -> dict:
    response = client.get("/api/v1/ocop-products/summary/", {"unit": "40", "first": first, "last": last})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_dashboard_the_api_and_the_bulletin_give_the_same_ocop_figures(past, products, office):
    panel = office.get("/reports/40/", {"year": 2024, "tier": "standard"}).context["ocop"]
    year = _api(office, "2024-01-01", "2024-12-31")
    december = _api(office, "2024-12-01", "2024-12-31")
    dashboard = [(line.stars, line.certified, line.new) for line in panel.by_stars]
    assert (
        dashboard
        == [(s["stars"], s["certified"], s["new"]) for s in year["by_stars"]]
        == [
            (3, 1, 0),
            (4, 1, 1),
            (5, 1, 1),
        ]
    )
    assert (panel.certified, panel.new, panel.expired, panel.ideas, panel.rating) == (3, 2, 1, 1, 1)

    book = open_book(download(office, "40", "2024-12", "xlsx"))
    sheet = _table(book["Sản phẩm OCOP"], "Hạng sao")[1:]
    assert sheet[:4] == [
        ("3 sao", 1, 0),
        ("4 sao", 1, 1),
        ("5 sao", 1, 0),
        ("Tổng", december["certified"], december["new"]),
    ]
    assert [(s["certified"], s["new"]) for s in december["by_stars"]] == [(1, 0), (1, 1), (1, 0)]

    document = read_docx(download(office, "40", "2024-12", "docx"))
    text = paragraphs(document)
    # No funds recorded: the OCOP part follows the lagging criteria, the numbers run on.
    assert [p.split(" ", 1)[0] for p in text if p[:2] == "2." and p[2:3].isdigit()] == [
        "2.1.",
        "2.2.",
        "2.3.",
        "2.4.",
        "2.5.",
    ]
    assert "2.5. Sản phẩm OCOP" in text
    assert (
        "Đến ngày 31/12/2024, toàn tỉnh có 03 sản phẩm OCOP còn hiệu lực chứng nhận (3 sao: 1; 4 sao: 1; 5 sao: 1). "
        "Trong tháng có 01 sản phẩm được chứng nhận mới (4 sao: 1)."
    ) in " ".join(text)
    assert any(["Tổng", "3", "1"] in table for table in table_texts(document))


def test_the_dashboard_shows_the_panel(past, products, office):
    html = office.get("/reports/401/", {"year": 2024, "tier": "standard"}).content.decode()
    assert 'id="ocop"' in html and reverse("reports:ocop_export", args=["401"]) in html


def test_the_export_lists_the_products_in_vietnamese_and_never_writes_a_formula(products, office):
    response = office.get(reverse("reports:ocop_export", args=["40"]))
    assert response.status_code == 200
    book = open_book(response.content)
    assert book.sheetnames == ["Danh sách sản phẩm", "Theo hạng sao"]
    ws = book["Danh sách sản phẩm"]
    header, *listed = _table(ws, "STT")
    assert header[:4] == ("STT", "Sản phẩm", "Chủ thể", "Xã")
    rows = {r[1]: r for r in listed}
    assert rows["Bánh đa"][6] == "Hết hạn" and rows["Tương bần"][6] == "Ý tưởng"
    assert header[7:9] == ("Số sao", "Điểm")
    assert rows["Chè búp"][9] == "Cấp tỉnh" and rows["Chè búp"][11] == datetime.datetime(2024, 12, 10)
    date_cell = next(row[11] for row in ws.iter_rows() if row[1].value == "Chè búp")
    assert date_cell.number_format == "dd/mm/yyyy"
    formula = next(row[1] for row in ws.iter_rows() if str(row[1].value).startswith("=HYPERLINK"))
    assert formula.data_type == "s" and formula.quotePrefix is True


def test_the_export_holds_only_the_readers_area(products, client, personas):
    client.force_login(personas.district_d1)
    assert client.get(reverse("reports:ocop_export", args=["402"])).status_code == 404
    book = open_book(client.get(reverse("reports:ocop_export", args=["401"])).content)
    names = {r[1] for r in _table(book["Danh sách sản phẩm"], "STT")[1:]}
    assert "Bánh đa" not in names and "Mật ong bạc hà" in names


def test_the_export_linked_from_a_past_year_has_that_years_figures_as_the_panel(products, office, tree):
    """QA: the 2025 dashboard's panel and the workbook it links to gave different counts (the
    workbook counted today's)."""
    from ocop.selectors import ocop_counts

    html = office.get("/reports/40/", {"year": 2024, "tier": "standard"}).content.decode()
    link = reverse("reports:ocop_export", args=["40"]) + "?year=2024"
    assert link in html
    book = open_book(office.get(link).content)
    header, *rows = _table(book["Theo hạng sao"], "Hạng sao")
    assert header[1] == "Còn hiệu lực ngày 31/12/2024"
    panel = ocop_counts(tree.province, (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)))
    assert [r[1] for r in rows if str(r[0]).endswith("sao")] == [line.certified for line in panel.by_stars]
    assert [line.certified for line in panel.by_stars] == [1, 1, 1]  # the 2025 certificate not yet


def _ocop_text(document) -> str:
    return next((p for p in paragraphs(document) if p.startswith("Đến ngày") and "OCOP" in p), "")


def test_a_past_months_bulletin_leaves_out_the_ideas_entered_since_in_a_commune_formed_since(tree, office):
    """QA: the province's 03/2016 bulletin said "Hiện có 02 ý tưởng sản phẩm và 01 sản phẩm đang
    đánh giá, phân hạng" — products entered today in a commune formed on 01/07/2025."""
    from communes.tests.factories import CommuneFactory

    merged = CommuneFactory(code="40199", name="Xã Mới Hợp", parent=tree.province, valid_from=D(2025, 7, 1))
    make_product(merged, "Tương bần")
    make_product(merged, "Miến dong", stage="rating")
    document = read_docx(download(office, "40", "2016-03", "docx"))
    assert "Sản phẩm OCOP" not in " ".join(paragraphs(document)) and _ocop_text(document) == ""
    assert "Sản phẩm OCOP" not in open_book(download(office, "40", "2016-03", "xlsx")).sheetnames

    this_month = timezone.localdate().strftime("%Y-%m")
    current = _ocop_text(read_docx(download(office, "40", this_month, "docx")))
    assert current.endswith("Hiện có 01 ý tưởng sản phẩm và 01 sản phẩm đang đánh giá, phân hạng.")


def test_a_past_months_bulletin_says_its_ideas_are_those_entered_by_then_at_their_stage_today(products, office):
    today = f"{timezone.localdate():%d/%m/%Y}"
    text = _ocop_text(read_docx(download(office, "40", "2024-12", "docx")))
    assert "Hiện có" not in text
    assert (
        "Giai đoạn ý tưởng và đánh giá, phân hạng của sản phẩm không được lưu theo thời gian: trong các sản phẩm"
        f" đã ghi nhận đến ngày 31/12/2024, đến ngày {today} có 01 ý tưởng sản phẩm và 01 sản phẩm đang đánh giá,"
        " phân hạng."
    ) in text
    others = _table(open_book(download(office, "40", "2024-12", "xlsx"))["Sản phẩm OCOP"], "Sản phẩm khác")[1:]
    assert [row[:2] for row in others[:2]] == [
        (f"Ý tưởng sản phẩm (ghi nhận đến 31/12/2024, giai đoạn ngày {today})", 1),
        (f"Đang đánh giá, phân hạng (ghi nhận đến 31/12/2024, giai đoạn ngày {today})", 1),
    ]
    # Products entered after 31/05/2024 are not in May's bulletin: with nothing else, no OCOP part.
    assert "ý tưởng" not in _ocop_text(read_docx(download(office, "40", "2024-05", "docx")))


def test_the_dashboard_of_a_past_year_says_its_ideas_are_at_todays_stage(products, office):
    # reverse(): the English page (/en/…); a bare /reports/40/ is the Vietnamese one.
    html = office.get(reverse("reports:dashboard", args=["40"]), {"year": 2024, "tier": "standard"}).content.decode()
    assert f"Entered by 31/12/2024, at their stage on {timezone.localdate():%d/%m/%Y}" in html
    assert "Ideas: 1 · being rated: 1" not in html
    assert _api(office, "2024-01-01", "2024-12-31")["stages_on"] == f"{timezone.localdate():%Y-%m-%d}"


def _panel(client, year: int) -> str:
    """The dashboard's OCOP panel of a year, on the English page."""
    html = client.get(reverse("reports:dashboard", args=["40"]), {"year": year, "tier": "standard"}).content.decode()
    start = html.index('<section class="report-section" id="ocop"')
    return html[start : html.index("</section>", start)]


def test_a_past_year_without_ideas_or_products_being_rated_writes_no_sentence_of_zeros(products, office):
    # 2023: two certificates held (2022, 2021), the idea and the product being rated entered in 2024.
    panel = _panel(office, 2023)
    assert "ideas: 0" not in panel and "being rated: 0" not in panel
    assert "at their stage on" not in panel
    assert '<td class="num">2</td>' in panel  # the certificates held are still shown


def test_a_past_year_with_no_ocop_product_says_so_in_one_sentence(products, office):
    panel = _panel(office, 2019)
    assert "No OCOP product to report for 01/01/2019–31/12/2019." in panel
    assert "<table" not in panel and ": 0" not in panel
