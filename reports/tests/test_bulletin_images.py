"""The Word bulletin's charts write their axes as their labels: Vietnamese numbers (QA: the funds
chart's bars read "26.110" triệu đồng beside ticks "5000 … 25000")."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from reports.bulletin import images
from reports.bulletin.shapes import BucketLine, FundsTable, TrendLine

GROUPED = re.compile(r"^\d{1,3}(\.\d{3})*(,\d+)?$")  # 25.000 · 2,5 · 0


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def _ticks(figure, axis: str) -> list[str]:
    figure.draw_without_rendering()
    axes = figure.axes[0]
    labels = axes.get_xticklabels() if axis == "x" else axes.get_yticklabels()
    return [label.get_text() for label in labels if label.get_text()]


def _funds(*amounts: int) -> FundsTable:
    rows = [[f"Nguồn {n}", 0, Decimal(amount), Decimal(0)] for n, amount in enumerate(amounts, 1)]
    return FundsTable("Nguồn vốn", ["Nguồn", "Trong tháng", "Lũy kế", "Tỷ lệ (%)"], [*rows, ["Tổng cộng", 0, 0, 0]])


def test_the_funds_charts_ticks_are_grouped_as_its_bar_labels():
    ticks = _ticks(images.funds_figure(_funds(26_110_000_000, 4_500_000_000), "Nguồn vốn"), "x")
    assert "25.000" in ticks and "5.000" in ticks, ticks
    assert all(GROUPED.match(t) for t in ticks), ticks


def test_small_amounts_tick_with_a_decimal_comma():
    ticks = _ticks(images.funds_figure(_funds(1_500_000, 700_000), "Nguồn vốn"), "x")
    assert "0,2" in ticks and not any("." in t for t in ticks), ticks


def test_communes_are_counted_in_whole_numbers_grouped_by_thousands():
    buckets = [BucketLine("19", 3), BucketLine("15–18", 1), BucketLine("10–14", 0)]
    ticks = _ticks(images.buckets_figure(buckets, 1, "Phân loại xã"), "y")
    assert {"0", "1", "2", "3"} <= set(ticks) and all(t.isdigit() for t in ticks), ticks  # no "0.5" commune
    country = [BucketLine("19", 1200), BucketLine("15–18", 300)]
    ticks = _ticks(images.buckets_figure(country, 0, "Phân loại xã"), "y")
    assert "1.200" in ticks and all(GROUPED.match(t) for t in ticks), ticks


def test_the_trend_keeps_its_years_as_names_and_counts_whole_communes():
    trend = [TrendLine("2024", 1, 0, 0), TrendLine("2025", 2, 1, 0), TrendLine("12/2026", 3, 1, 1)]
    figure = images.trend_figure(trend, "Số xã đạt chuẩn qua các năm")
    assert _ticks(figure, "x") == ["2024", "2025", "12/2026"]
    assert all(GROUPED.match(t) and "," not in t for t in _ticks(figure, "y"))


def test_a_tick_is_written_as_vn_number():
    assert [images.tick_text(v) for v in (0.30000000000000004, 5000.0, 2.5, -0.0)] == ["0,3", "5.000", "2,5", "0"]
