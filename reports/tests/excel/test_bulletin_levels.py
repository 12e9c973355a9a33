"""What the drill-down's rows are called, before and after 1 July 2025: the dashboard, the Word
bulletin and the workbook name them by one rule (``reports.selectors.units_heading``).

The ``merger`` province (reports/tests/conftest.py): in 2024 its communes hang under district
501; in 2025 O1 and O2 (assessed) under the district and N (formed 01/07/2025 from O3, which
was not assessed) directly under the province; in 2026 M and N directly under the province.
"""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document

from communes.models import Role
from communes.tests.factories import MembershipFactory, UserFactory
from reports import bulletin
from reports.bulletin import Month
from reports.selectors import units_heading
from reports.tests.excel.conftest import open_book, rows_of

pytestmark = pytest.mark.django_db

BEFORE, MIXED, AFTER = "2024-05", "2025-12", "2026-06"


def test_the_heading_names_the_level_the_rows_share_and_unit_when_they_mix():
    with translation.override("en"):
        assert units_heading(["district", "district"]) == "District"
        assert units_heading(["commune"]) == "Commune"
        assert units_heading(["province"]) == "Province or city"
        assert units_heading(["district", "commune"]) == "Unit"
        assert units_heading([]) == "Unit"


def _files(unit, month: str):
    """The workbook and the Word bulletin, built from an English page: Vietnamese documents."""
    with translation.override("en"):
        xlsx, _cutoff = bulletin.bulletin_build(unit=unit, month=Month.parse(month), user=None)
        docx, _data = bulletin.bulletin_docx(unit=unit, month=Month.parse(month), user=None)
    return open_book(xlsx), Document(io.BytesIO(docx))


def _breakdown_header(document) -> str:
    (table,) = [t for t in document.tables if t.rows[0].cells[1].text == "Số xã"]
    return table.rows[0].cells[0].text


def _matrix_header(book) -> list:
    return [cell.value for cell in book["Xã - tiêu chí"][4]][:4]


def test_before_the_merger_the_rows_are_districts(merger):
    book, document = _files(merger.province, BEFORE)
    assert _breakdown_header(document) == "Huyện"
    sheet = book["Theo đơn vị"]
    assert sheet["A2"].value.startswith("Kết quả theo huyện ·")
    assert sheet["B4"].value == "Huyện"
    assert [row[1] for row in rows_of(sheet, 5)] == ["Huyện Cũ", "Tổng số"]
    assert _matrix_header(book) == ["STT", "Huyện", "Xã", "Mã"]
    assert {row[1] for row in rows_of(book["Xã - tiêu chí"], 5)} == {"Huyện Cũ"}


def test_after_the_merger_the_rows_are_communes_and_no_column_claims_a_district(merger):
    book, document = _files(merger.province, AFTER)
    assert _breakdown_header(document) == "Xã"
    sheet = book["Theo đơn vị"]
    assert sheet["A2"].value.startswith("Kết quả theo xã ·")
    assert sheet["B4"].value == "Xã"
    assert [row[1] for row in rows_of(sheet, 5)] == ["Xã Hợp Nhất", "Xã Mới", "Tổng số"]
    matrix = book["Xã - tiêu chí"]
    assert _matrix_header(book) == ["STT", "Xã", "Mã", "Trạng thái"]
    assert [row[1:3] for row in rows_of(matrix, 5)] == [("Xã Hợp Nhất", "50001"), ("Xã Mới", "50002")]
    assert matrix.freeze_panes == "C5"  # the number and the commune's name stay in view
    every_cell = [value for row in rows_of(book["Theo đơn vị"], 4) + rows_of(matrix, 4) for value in row]
    assert "Huyện" not in every_cell and "Xã trực thuộc tỉnh" not in every_cell


def test_in_the_year_of_the_merger_the_rows_mix_districts_and_communes(merger):
    book, document = _files(merger.province, MIXED)
    assert _breakdown_header(document) == "Đơn vị"
    sheet = book["Theo đơn vị"]
    assert sheet["A2"].value.startswith("Kết quả theo đơn vị ·")
    assert [row[1] for row in rows_of(sheet, 5)] == ["Huyện Cũ", "Xã Mới", "Tổng số"]
    # The matrix's column holds districts; a commune directly under the province says so.
    assert _matrix_header(book) == ["STT", "Huyện", "Xã", "Mã"]
    assert [row[1:3] for row in rows_of(book["Xã - tiêu chí"], 5)] == [
        ("Huyện Cũ", "Xã Cũ 1"),
        ("Huyện Cũ", "Xã Cũ 2"),
        ("Xã trực thuộc tỉnh", "Xã Mới"),
    ]


@pytest.mark.parametrize(("year", "heading"), [(2024, "District"), (2025, "Unit"), (2026, "Commune")])
def test_the_dashboard_names_its_drill_down_by_the_same_rule(client, merger, year, heading):
    office = UserFactory(username="office_50")
    MembershipFactory(user=office, unit=merger.province, role=Role.PROVINCE_OFFICE)
    client.force_login(office)
    response = client.get(reverse("reports:dashboard", args=[merger.province.code]), {"year": year})
    assert response.context["breakdown_heading"] == heading
    assert f'<th scope="col">{heading}</th>' in response.content.decode()
