"""QA's province (``mixed``) in the workbooks: a year mixing scales claims none of them (the
dashboard export's *Xu hướng*, the bulletin), the lagging criteria's share names its base in
every workbook, the communes export names the bucket's scale as the page does."""

import pytest
from django.urls import reverse
from django.utils import translation

from reports import bulletin
from reports.bulletin import Month, writing
from reports.selectors import LAGGING_SHARE_HEADING, scales_label
from reports.tests.excel.conftest import open_book, rows_of

pytestmark = pytest.mark.django_db


def _vi(label) -> str:
    with translation.override("vi"):
        return label() if callable(label) else str(label)


def _book(client, mixed, kind: str, query: str):
    client.force_login(mixed.office)
    response = client.get(reverse("reports:export", args=["60", kind]) + "?" + query)
    assert response.status_code == 200
    return open_book(response.content)


def _cells(ws) -> list:
    return [cell.value for row in ws.iter_rows() for cell in row if cell.value is not None]


def test_the_trend_sheet_names_a_mixed_year_s_scales(client, mixed):
    """QA: "Trên tổng số tiêu chí 20" for a 2024 on 19 and 20."""
    book = _book(client, mixed, "dashboard", "year=2025&tier=standard")
    trend = {row[0]: row for row in rows_of(book["Xu hướng"], 5)}
    assert trend["2024"][-2:] == (pytest.approx(16.2), _vi(lambda: scales_label((19, 20))))
    assert trend["2025"][-1] == 20 and trend["2023"][-1] == 19
    headline = {row[0]: row[1:] for row in rows_of(book["Tổng hợp"], 4)}
    assert headline["Bình quân số tiêu chí đạt/xã"] == (pytest.approx(16.4), None, None)  # not against 2024's


def test_every_lagging_sheet_heads_its_share_by_its_base(client, mixed):
    heading = _vi(LAGGING_SHARE_HEADING)
    assert heading != "Tỷ lệ trên số xã có số liệu"
    book = _book(client, mixed, "dashboard", "year=2024&tier=standard")
    assert heading in _cells(book["Tiêu chí chưa đạt"])
    rows = {row[0]: row for row in rows_of(book["Tiêu chí chưa đạt"], 5)}
    assert rows["20. Tiêu chí 20"][1:3] == (3, pytest.approx(0.75))  # 3 of the 4 on the 20, not of 5
    content, _cutoff = bulletin.bulletin_build(unit=mixed.province, month=Month.parse("2024-12"), user=None)
    assert heading in _cells(open_book(content)["Tiêu chí chưa đạt"])


def test_the_communes_export_heads_a_bucket_with_its_scale_as_the_page(client, mixed):
    """QA: "số tiêu chí đạt 19–19" while the page said "số tiêu chí đạt: 19 / 19"."""
    query = "year=2024&tier=standard&bucket=19-19&total=19"
    ws = _book(client, mixed, "communes", query)["Danh sách xã"]
    assert "số tiêu chí đạt: 19 / 19" in ws["A2"].value
    assert [row[1] for row in rows_of(ws, 5)] == ["Xã Hai Bộ 1"]
    page = client.get(reverse("reports:communes", args=["60"]) + "?" + query).content.decode()
    assert "criteria met: 19 / 19" in page


def test_the_bulletin_names_a_mixed_year_s_scales_after_its_average(mixed, vi):
    data, _draft = bulletin.read_month(mixed.province, Month.parse("2024-12"))
    scales = scales_label((19, 20))
    assert data.tiers[0].scales == scales
    assert f"Bình quân đạt 16,2 tiêu chí/xã (các xã đánh giá theo bộ {scales})." in writing.communes_paragraph(data)
    content, _cutoff = bulletin.bulletin_build(unit=mixed.province, month=Month.parse("2024-12"), user=None)
    labels = [row[0] for row in rows_of(open_book(content)["Tổng hợp"], 5)]
    assert f"Bình quân số tiêu chí đạt trên một xã có số liệu (các xã đánh giá theo bộ {scales})" in labels
    one_scale, _draft = bulletin.read_month(mixed.province, Month.parse("2025-12"))
    assert "Bình quân đạt 16,4 tiêu chí/xã." in writing.communes_paragraph(one_scale)
