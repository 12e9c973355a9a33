"""Exports of the dashboard tables and lists: the same figures as the pages, and never a formula."""

import pytest
from django.urls import reverse

from communes.tests.factories import CommuneFactory, UserFactory
from criteria.services import ValueEntry, assessment_create, assessment_record_values
from reports.selectors import progress_summary
from reports.tests.excel.conftest import open_book, rows_of
from reports.tests.factories import make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, personas):
    client.force_login(personas.province_office)
    return client


def get_book(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return open_book(response.content)


def export_url(code, kind, query="year=2023&tier=standard"):
    return reverse("reports:export", args=[code, kind]) + "?" + query


def test_the_dashboard_export_has_the_dashboard_figures(office, known):
    book = get_book(office, export_url("40", "dashboard"))
    assert book.sheetnames == ["Tổng hợp", "Phân loại", "Tiêu chí chưa đạt", "Theo đơn vị", "Xu hướng"]
    summary = progress_summary(unit=known.tree.province, year=2023, tier="standard")
    headline = {r[0]: r[1:] for r in rows_of(book["Tổng hợp"], 4)}
    assert headline["Xã đạt chuẩn NTM"] == (1, pytest.approx(0.25), 0)
    assert headline["Bình quân số tiêu chí đạt/xã"][0] == pytest.approx(float(summary.average_criteria_met))
    assert headline["Tổng số xã"][0] == summary.communes_total == 4
    # New in the year, as the page shows them (QA: the export had none).
    assert headline["Xã mới đạt chuẩn NTM trong năm"][0] == summary.new["standard"]
    assert headline["Thôn mới đạt chuẩn trong năm"][0] == summary.villages_new
    buckets = rows_of(book["Phân loại"], 4)
    assert [(r[0], r[1]) for r in buckets] == [
        ("Số tiêu chí đạt", "Số xã"),
        ("19", 1),
        ("15–18", 0),
        ("10–14", 1),
        ("5–9", 0),
        ("dưới 5", 1),
        ("Chưa có số liệu", 1),
        ("Tổng số", 4),
    ]
    lagging = rows_of(book["Tiêu chí chưa đạt"], 5)
    assert lagging[0][:2] == ("13. Tiêu chí 13", 2)
    assert [r[0] for r in rows_of(book["Theo đơn vị"], 5)] == ["Huyện Hai", "Huyện Một"]
    assert [r[0] for r in rows_of(book["Xu hướng"], 5)] == ["2022", "2023"]


def test_the_communes_export_lists_every_commune_with_its_criteria(office, known):
    book = get_book(office, export_url("40", "communes"))
    ws = book["Danh sách xã"]
    assert ws.cell(row=4, column=10).value == "1. Tiêu chí 1"
    rows = rows_of(ws, 5)
    assert [r[1] for r in rows] == ["Xã Ân Phú", "Xã Cẩm Thạch", "Xã Đức Lĩnh", "Xã Yên Hòa"]
    an_phu = rows[0]
    assert an_phu[5:9] == ("Dự thảo", 4, 0, 19)  # met, basically met, total
    assert an_phu[9:14] == ("✓", "✓", "✓", "✗", "✓")
    assert rows[3][5] == "Chưa có số liệu" and rows[3][9] is None


def test_the_communes_export_keeps_the_lists_filters(office, known):
    rows = rows_of(
        get_book(office, export_url("40", "communes", "year=2023&tier=standard&bucket=10-14"))["Danh sách xã"], 5
    )
    assert [r[1] for r in rows] == ["Xã Đức Lĩnh"]


def test_the_communes_export_reads_page_after_page(office, known, monkeypatch):
    from reports import exports

    monkeypatch.setattr(exports, "CHUNK", 1)
    rows = rows_of(get_book(office, export_url("40", "communes"))["Danh sách xã"], 5)
    assert [r[0] for r in rows] == [1, 2, 3, 4]


def test_text_from_the_data_never_becomes_a_formula(office, known):
    CommuneFactory(code="40299", name='=HYPERLINK("http://evil","Bấm vào đây")', parent=known.tree.d2)
    ws = get_book(office, export_url("40", "communes"))["Danh sách xã"]
    cell = next(row[1] for row in ws.iter_rows(min_row=5) if str(row[1].value).startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.quotePrefix is True


def test_the_assessments_export_has_every_value(office, tree, personas, criteria_set):
    a = assessment_create(unit=tree.a, criteria_set=criteria_set, year=2025, user=personas.officer_a)
    assessment_record_values(
        assessment=a,
        entries=[ValueEntry("1.1", "có"), ValueEntry("2.1", "85,5"), ValueEntry("3.2", "0")],
        user=personas.officer_a,
    )
    assessment_create(unit=tree.c, criteria_set=criteria_set, year=2025, user=personas.province_office)
    book = get_book(office, export_url("40", "assessments", "year=2025&tier=standard"))
    (ws,) = book.worksheets
    assert [c.value for c in ws[5]][5:8] == ["Số tiêu chí đạt", "Số tiêu chí cơ bản đạt", "Tổng số tiêu chí"]
    assert [c.value for c in ws[5]][8:] == [
        "1.1 Có quy hoạch",
        "2.1 Tỷ lệ tưới tiêu",
        "2.2 Ghi chú",
        "3.1 Thu nhập",
        "3.2 Nhà tạm",
    ]
    rows = {r[2]: r for r in rows_of(ws, 6)}
    assert rows["40101"][1] == "Xã Cẩm Thạch"
    assert rows["40101"][8:] == ("Có", 85.5, None, None, 0)
    assert rows["40201"][8:] == (None,) * 5
    # QA: the sheet was named "… 5" (the set's id) and a count of houses written "0,00".
    assert ws.title == criteria_set.short_name
    house = next(r for r in ws.iter_rows(min_row=6) if r[2].value == "40101")[12]
    assert house.number_format == "#,##0"


def test_exports_are_scoped_like_the_pages(client, known, personas):
    client.force_login(personas.district_d2)
    assert client.get(export_url("401", "dashboard")).status_code == 404
    assert client.get(export_url("402", "dashboard")).status_code == 200
    assert client.get(export_url("402", "nonsense")).status_code == 404
    assert client.get(reverse("reports:national_export", args=["dashboard"])).status_code == 403
    client.force_login(UserFactory(username="root", is_superuser=True))
    assert client.get(reverse("reports:national_export", args=["communes"]) + "?year=2023").status_code == 200


def test_the_dashboard_and_lists_link_their_exports(office, known):
    html = office.get(reverse("reports:dashboard", args=["40"]) + "?year=2023&tier=standard").content.decode()
    assert export_url("40", "dashboard").replace("&", "&amp;") in html
    assert reverse("reports:bulletin", args=["40"]) in html
    assert reverse("reports:import", args=["40"]) in html
    listing = office.get(
        reverse("reports:communes", args=["40"]) + "?year=2023&tier=standard&bucket=10-14"
    ).content.decode()
    assert (
        reverse("reports:export", args=["40", "communes"])
        + "?year=2023&amp;tier=standard&amp;sort=name&amp;bucket=10-14"
        in listing
    )


def test_an_assessment_made_by_the_factories_counts_too(office, known):
    make_assessment(known.e, known.standard, 2023, 7)
    rows = rows_of(get_book(office, export_url("40", "communes"))["Danh sách xã"], 5)
    assert rows[3][6] == 7


def test_a_summary_record_is_flagged_in_the_exports(office, tree, personas, criteria_set):
    import datetime

    from criteria.services.summary import assessment_record_summary

    assessment_record_summary(
        unit=tree.a,
        criteria_set=criteria_set,
        year=2022,
        met={1, 3},
        source_number="45/KH-UBND",
        source_date=datetime.date(2023, 2, 10),
        user=personas.officer_a,
    )
    (ws,) = get_book(office, export_url("40", "assessments", "year=2022&tier=standard")).worksheets
    rows = {r[2]: r for r in rows_of(ws, 6)}
    assert rows["40101"][4] == "Dự thảo · hồ sơ tổng hợp 45/KH-UBND 10/02/2023"
    assert rows["40101"][5] == 2  # counted like a full assessment
    communes = rows_of(get_book(office, export_url("40", "communes", "year=2022&tier=standard"))["Danh sách xã"], 5)
    assert [r[5] for r in communes if r[1] == "Xã Cẩm Thạch"] == ["Dự thảo · hồ sơ tổng hợp"]
    from reports import bulletin
    from reports.bulletin import Month

    content, _cutoff = bulletin.bulletin_build(unit=tree.province, month=Month(2022, 12), user=None)
    matrix = rows_of(open_book(content)["Xã - tiêu chí"], 5)
    assert [r[4] for r in matrix if r[2] == "Xã Cẩm Thạch"] == ["Dự thảo · hồ sơ tổng hợp"]


def test_the_dashboard_export_carries_the_plan_and_the_funds_the_page_shows(office, tree):
    """QA: the "Dashboard tables" workbook left out the funds (31.003.700.000 đ on the page) and
    the plan against result; they come from the same selectors as the page and the bulletin."""
    from plans.selectors import funds_summary
    from plans.tests.factories import make_fund, make_target

    for source, amount in (("district", 650_000_000), ("commune", 10_031_100_000), ("residents", 13_055_000_000)):
        make_fund(tree.a, 2021, 12, source, amount)
    make_target(tree.b, "standard", 2021)
    book = get_book(office, export_url("40", "dashboard", "year=2021&tier=standard"))
    assert book.sheetnames[-2:] == ["Kế hoạch", "Nguồn vốn"]
    cells = [v for row in rows_of(book["Nguồn vốn"], 1) for v in row]
    total = funds_summary(unit=tree.province, year=2021).total_to_date
    assert total == 23_736_100_000 and total in cells
    plan = [v for row in rows_of(book["Kế hoạch"], 1) for v in row]
    assert "Xã Đức Lĩnh" in plan


def test_the_headline_sheet_writes_counts_whole_and_averages_to_one_place(office, known):
    """QA: the dashboard export wrote "14,0" communes (one number format for the column)."""
    book = get_book(office, export_url("40", "dashboard"))
    formats = {}
    for row in book["Tổng hợp"].iter_rows(min_row=4):
        if isinstance(row[0].value, str) and row[1].value is not None:
            formats[row[0].value] = row[1].number_format
    assert formats["Tổng số xã"] == "#,##0" and formats["Xã đạt chuẩn NTM"] == "#,##0"
    assert formats["Bình quân số tiêu chí đạt/xã"] == "#,##0.0"
