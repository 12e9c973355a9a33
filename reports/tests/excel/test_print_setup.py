"""The bulletin prints (or converts to PDF) with nothing clipped, read from the workbook's own
page settings (LibreOffice is not on every machine): A4, fit to one page wide, header and
footer inside the margins, headings merged and wrapped across the tables, charts inside the
print area."""

import io
import re
import zipfile

import pytest
from openpyxl.utils import column_index_from_string, range_boundaries

from reports import bulletin
from reports.bulletin import Month
from reports.tests.excel.conftest import open_book

pytestmark = pytest.mark.django_db


def _content(unit) -> bytes:
    content, _cutoff = bulletin.bulletin_build(unit=unit, month=Month(2024, 2), user=None)
    return content


def _last_column(ws) -> int:
    return max(cell.column for row in ws.iter_rows() for cell in row if cell.value is not None)


def test_every_sheet_prints_on_a4_one_page_wide_with_header_and_footer_inside_the_margins(past, tree):
    book = open_book(_content(tree.province))
    for ws in book.worksheets:
        setup, margins = ws.page_setup, ws.page_margins
        assert setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
        assert margins.footer < margins.bottom and margins.header < margins.top, ws.title
        assert margins.bottom - margins.footer >= 0.4  # room for the footer's one line
        assert "&P" in ws.oddFooter.right.text
        assert ws.oddFooter.left.text is None or ws.oddFooter.center.text is None  # never two texts overlapping


def test_headings_are_merged_across_the_tables_and_wrapped(past, tree):
    book = open_book(_content(tree.province))
    for ws in book.worksheets:
        last = _last_column(ws)
        merged = {str(r) for r in ws.merged_cells.ranges}
        if last > 1:
            assert any(r.startswith("A1:") and range_boundaries(r)[2] >= last for r in merged), ws.title
        assert ws["A1"].alignment.wrap_text is True, ws.title


def test_charts_are_native_and_inside_the_print_area(past, tree):
    content = _content(tree.province)
    archive = zipfile.ZipFile(io.BytesIO(content))
    charts = [name for name in archive.namelist() if re.match(r"xl/charts/chart\d+\.xml$", name)]
    assert len(charts) >= 2  # the buckets (summary) and the trend (tiers); funds only when recorded
    xml = " ".join(archive.read(name).decode() for name in charts)
    assert "'Tổng hợp'!$B$" in xml and "lineChart" in xml and "barChart" in xml
    book = open_book(content)
    # XlsxWriter numbers the drawings in the order of the sheets that have one.
    for number, title in enumerate(("Tổng hợp", "Các mức đạt chuẩn"), 1):
        ws = book[title]
        area = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
        _min_col, _min_row, max_col, max_row = range_boundaries(area.split("!")[-1].replace("$", ""))
        drawing = f"xl/drawings/drawing{number}.xml"
        anchors = re.findall(
            r"<xdr:to><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>", archive.read(drawing).decode()
        )
        assert anchors
        assert max_row >= max(int(row) for _col, row in anchors), title
        assert max_col >= column_index_from_string("A")


def test_the_matrix_header_is_tall_enough_for_the_criteria_names(past, tree):
    ws = open_book(_content(tree.province))["Xã - tiêu chí"]
    header_row = 4
    assert ws.row_dimensions[header_row].height >= 140
