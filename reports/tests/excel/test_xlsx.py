"""The workbook builder, without a database: what a reader of the file sees."""

import datetime
import io
from decimal import Decimal

from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from reports import xlsx


def _open(content: bytes):
    return load_workbook(io.BytesIO(content))


def _book(rows, columns=None, **sheet):
    columns = columns or [xlsx.Column("Tên", 20), xlsx.Column("Số", 10, xlsx.INT)]
    return _open(
        xlsx.build_workbook(
            [xlsx.Sheet(title="Trang 1", heading=["Tiêu đề", "Dòng phụ"], tables=[xlsx.Table(columns, rows)], **sheet)],
            xlsx.Properties(title="Thử", creator="Văn phòng", created=datetime.datetime(2024, 1, 31, 10, 0)),
        )
    )


def test_text_that_looks_like_a_formula_stays_text():
    dangerous = ["=1+1", "+84 912", "-5", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x","y")']
    ws = _book([(text, 1) for text in dangerous])["Trang 1"]
    for row, text in enumerate(dangerous, start=5):
        cell = ws.cell(row=row, column=1)
        # A carriage return is kept as Excel's escape _x000D_ (Excel reads it back as CR;
        # openpyxl leaves inline strings' escapes as they are).
        assert cell.value == text.replace("\r", "_x000D_")
        assert cell.data_type == "s", text  # never "f": Excel would run it
        assert cell.quotePrefix is True, text


def test_ordinary_text_has_no_quote_prefix():
    ws = _book([("Xã Cẩm Thạch", 1)])["Trang 1"]
    assert ws["A5"].value == "Xã Cẩm Thạch"
    assert not ws["A5"].quotePrefix


def test_text_keeps_its_spaces_and_markup_characters():
    texts = ["  Thôn <Đông> & Tây  ", "Xã\nPhú", "</t></is></c>"]
    ws = _book([(text, 1) for text in texts])["Trang 1"]
    assert [ws.cell(row=row, column=1).value for row in (5, 6, 7)] == texts


def test_booleans_empty_text_and_lazy_text_are_written_as_what_they_are():
    columns = [xlsx.Column("a"), xlsx.Column("b"), xlsx.Column("c"), xlsx.Column("d", kind=xlsx.INPUT)]
    ws = _book([(True, "", gettext_lazy("Yes"), None)], columns)["Trang 1"]
    assert ws["A5"].value is True and ws["A5"].data_type == "b"
    assert ws["B5"].value is None and ws["B5"].border.left.style == "thin"  # an empty text cell, boxed
    assert ws["C5"].value == "Yes"
    assert ws["D5"].value is None and ws["D5"].border.left.style == "thin"  # an input cell left to fill in


def test_wrapped_text_sets_the_height_of_its_row():
    columns = [xlsx.Column("Tên", 10, xlsx.WRAP), xlsx.Column("Số", 10, xlsx.INT)]
    ws = _book([("x" * 30, 1), ("ngắn", 2)], columns, header_height=40)["Trang 1"]
    # Heights are kept to whole pixels (¾ point).
    assert abs(ws.row_dimensions[4].height - 40) < 0.75  # the header row, as the sheet asks
    assert ws.row_dimensions[5].height == 3 * xlsx.LINE_HEIGHT  # 30 characters at 13 a line
    assert ws.row_dimensions[6].height is None
    assert ws["A5"].alignment.wrap_text is True


def test_control_characters_that_xml_cannot_hold_are_dropped():
    ws = _book([("Thôn\x00 Bắc\x07", 1)])["Trang 1"]
    assert ws["A5"].value == "Thôn Bắc"


def test_header_is_frozen_and_repeated_on_every_printed_page():
    ws = _book([("a", 1)], freeze_columns=1)["Trang 1"]
    assert [c.value for c in ws[4]] == ["Tên", "Số"]  # heading, heading, blank, header
    assert ws.freeze_panes == "B5"
    assert ws.print_title_rows == "$4:$4"
    assert ws.print_title_cols == "$A:$A"
    assert 20 <= ws.column_dimensions["A"].width < 21  # 20 characters and Excel's cell padding


def test_print_set_up_is_landscape_fit_to_width():
    ws = _book([("a", 1)])["Trang 1"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the attribute's default: absent means 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True


def test_numbers_carry_vietnamese_friendly_formats():
    columns = [
        xlsx.Column("n", kind=xlsx.INT),
        xlsx.Column("d", kind=xlsx.DEC1),
        xlsx.Column("p", kind=xlsx.PERCENT),
        xlsx.Column("m", kind=xlsx.MONEY),
        xlsx.Column("ngày", kind=xlsx.DATE),
    ]
    ws = _book([(1234, Decimal("11.67"), 0.25, 31003700000, datetime.date(2022, 9, 30))], columns)["Trang 1"]
    row = ws[5]
    assert [c.number_format for c in row] == ["#,##0", "#,##0.0", "0.0%", "#,##0", "dd/mm/yyyy"]
    assert row[0].value == 1234 and row[3].value == 31003700000
    assert row[4].value == datetime.datetime(2022, 9, 30)


def test_a_met_cell_is_green_and_a_missed_one_red():
    columns = [xlsx.Column("Xã"), *[xlsx.Column(str(n), 4, xlsx.MARK, rotate=True) for n in (1, 2, 3)]]
    ws = _book([("Xã A", True, False, None)], columns)["Trang 1"]
    met, missed, empty = ws["B5"], ws["C5"], ws["D5"]
    assert met.value == "✓" and met.fill.fgColor.rgb.endswith(xlsx.MET_FILL)
    assert missed.value == "✗" and missed.fill.fgColor.rgb.endswith(xlsx.NOT_MET_FILL)
    assert empty.value is None and empty.fill.fgColor.rgb.endswith(xlsx.NO_DATA_FILL)
    assert ws["B4"].alignment.text_rotation == 90


def test_aware_datetimes_are_written_in_vietnam_time():
    columns = [xlsx.Column("lúc", kind=xlsx.DATETIME)]
    moment = datetime.datetime(2024, 1, 31, 16, 59, 59, tzinfo=datetime.UTC)
    ws = _book([(moment,)], columns)["Trang 1"]
    assert ws["A5"].value == datetime.datetime(2024, 1, 31, 23, 59, 59)


def test_workbook_properties():
    book = _book([("a", 1)])
    assert book.properties.title == "Thử"
    assert book.properties.creator == "Văn phòng"
    assert book.custom_doc_props["Language"].value == "vi-VN"


def test_sheet_titles_are_made_valid():
    assert xlsx.sheet_title("Bộ [2021/2025]: xã?") == "Bộ  2021 2025   xã"
    assert len(xlsx.sheet_title("x" * 50)) == 31


def test_rows_may_be_a_generator_and_are_consumed_once():
    consumed = []

    def rows():
        for n in range(3):
            consumed.append(n)
            yield (f"Xã {n}", n)

    ws = _book(rows())["Trang 1"]
    assert consumed == [0, 1, 2]
    assert ws["A7"].value == "Xã 2"


def test_hidden_sheets_and_list_validations():
    content = xlsx.build_workbook(
        [
            xlsx.Sheet(
                title="Số liệu",
                tables=[xlsx.Table([xlsx.Column("1.1", kind=xlsx.INPUT)], [("Có",)])],
                validations=[xlsx.Validation("A2:A10", "list", '"Có,Không"', error="Chọn Có hoặc Không.")],
            ),
            xlsx.Sheet(title="_meta", tables=[], hidden=True),
        ],
        xlsx.Properties(title="Mẫu"),
    )
    book = _open(content)
    assert book["_meta"].sheet_state == "hidden"
    (validation,) = book["Số liệu"].data_validations.dataValidation
    assert validation.formula1 == '"Có,Không"' and str(validation.sqref) == "A2:A10"
