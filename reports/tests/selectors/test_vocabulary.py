"""The vocabulary of figures (criteria.figures), as the selectors and the bulletin use it."""

import datetime

import pytest

from communes.tests.factories import CommuneFactory
from criteria.figures import communes_of_year, holds_title
from criteria.models import AssessmentState
from criteria.services import assessment_set_state
from reports import bulletin
from reports.bulletin import Month
from reports.selectors import communes_counted, progress_summary
from reports.tests.excel.conftest import open_book, rows_of
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(tree):
    """Province 40: communes A, B, C (xã) plus a ward, a township and a special zone; A recognised
    on 01/12/2023 and revoked on 10/03/2024; B recognised on 15/01/2024 for its 2023 assessment."""
    standard = make_flat_set(code="V-19", total=19, year_to=2030)
    CommuneFactory(code="401P", name="Phường Một", parent=tree.d1, type="phuong")
    CommuneFactory(code="401T", name="Thị trấn Một", parent=tree.d1, type="thi_tran")
    CommuneFactory(code="40DK", name="Đặc khu Đảo", parent=tree.province, type="dac_khu")
    a = make_assessment(tree.a, standard, 2023, 19, "recognised")
    assessment_set_state(
        assessment=a,
        state=AssessmentState.REVOKED,
        user=None,
        decision_number="3/QĐ",
        decision_date=datetime.date(2024, 3, 10),
    )
    b = make_assessment(tree.b, standard, 2023, 19, "appraised")
    assessment_set_state(
        assessment=b,
        state=AssessmentState.RECOGNISED,
        user=None,
        decision_number="4/QĐ",
        decision_date=datetime.date(2024, 1, 15),
    )
    make_assessment(tree.c, standard, 2023, 12)
    make_assessment(tree.c, standard, 2024, 14)
    return tree


def test_wards_townships_and_special_zones_are_listed_apart_never_counted(province):
    s = progress_summary(unit=province.province, year=2023, tier="standard")
    assert (s.communes_total, s.communes_with_data) == (3, 3)
    assert s.apart == {"phuong": 1, "thi_tran": 1, "dac_khu": 1}
    assert sorted(communes_counted(unit=province.province, year=2023).values_list("code", flat=True)) == [
        "40101",
        "40102",
        "40201",
    ]
    assert set(communes_of_year(2023, within=province.province)) == set(
        communes_counted(unit=province.province, year=2023)
    )


def test_the_title_is_held_from_the_decision_date_to_the_revocation(province):
    assert [
        holds_title(province.a, "standard", d) for d in ("2023-11-30", "2023-12-01", "2024-03-09", "2024-03-10")
    ] == [
        False,
        True,
        True,
        False,
    ]
    at_2023_end = progress_summary(unit=province.province, year=2023, tier="standard")
    assert at_2023_end.recognised["standard"] == 1  # A; B's decision is dated 2024
    assert at_2023_end.new["standard"] == 1
    at_2024_end = progress_summary(unit=province.province, year=2024, tier="standard")
    assert at_2024_end.recognised["standard"] == 1  # B; A's title was revoked
    assert at_2024_end.new["standard"] == 1  # B, recognised in 2024 for its 2023 assessment


def test_a_bulletin_reports_its_own_year_and_says_when_the_year_has_no_data(province):
    content, _cutoff = bulletin.bulletin_build(unit=province.province, month=Month(2025, 6), user=None)
    book = open_book(content)
    notes = [row[0] for row in rows_of(book["Tổng hợp"], 4) if row[0]]
    assert "Chưa có số liệu đánh giá năm 2025: phân loại và bình quân để trống." in notes
    heading = book["Tổng hợp"]["A2"].value
    assert "Năm đánh giá 2025" in heading and "đúng với tháng báo cáo" in heading


def test_new_this_month_in_the_summary_and_the_decisions_listed_agree(province):
    content, _cutoff = bulletin.bulletin_build(unit=province.province, month=Month(2024, 1), user=None)
    book = open_book(content)
    figures = {row[0]: row[1:] for row in rows_of(book["Tổng hợp"], 5) if isinstance(row[0], str)}
    assert figures["Xã đạt chuẩn NTM (giữ danh hiệu đến thời điểm báo cáo)"][:2] == (2, 1)  # A and B; B new
    (listed,) = rows_of(book["Công nhận mới"], 5)
    assert listed[1] == "Xã Đức Lĩnh" and listed[6] == "2023" and listed[7] == "4/QĐ"
