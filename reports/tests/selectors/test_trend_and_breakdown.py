from decimal import Decimal

import pytest

from reports.selectors import (
    BreakdownRow,
    TrendPoint,
    latest_year,
    progress_breakdown,
    progress_overview,
    progress_summary,
    progress_trend,
)

pytestmark = pytest.mark.django_db


def test_trend_gives_recognised_per_tier_and_the_average_year_by_year(known):
    assert progress_trend(unit=known.tree.province, tier="standard") == [
        TrendPoint(2022, {"standard": 0, "advanced": 0, "model": 0}, 2, Decimal("13.50"), (19,)),
        TrendPoint(2023, {"standard": 1, "advanced": 0, "model": 0}, 3, Decimal(35) / 3, (19,)),
    ]


def test_trend_at_another_tier_keeps_every_tier_recognised(known):
    points = progress_trend(unit=known.tree.province, tier="advanced")
    assert [(p.year, p.communes_with_data, p.average_criteria_met) for p in points] == [
        (2022, 0, None),
        (2023, 1, Decimal("15.00")),
    ]
    assert points[1].recognised["standard"] == 1


def test_trend_across_the_reorganisation_gives_each_year_its_scale(merger):
    points = progress_trend(unit=merger.province, tier="standard")
    assert [(p.year, p.average_criteria_met, p.scale) for p in points] == [
        (2024, Decimal("14.50"), 19),
        (2025, Decimal("15.50"), 19),
        (2026, Decimal("7.00"), 10),
    ]


def test_latest_year_is_the_last_year_with_a_commune_assessment(known):
    assert latest_year(unit=known.tree.province) == 2023
    assert latest_year(unit=known.e) is None


def test_a_province_breaks_down_into_its_districts(known):
    assert progress_breakdown(unit=known.tree.province, year=2023, tier="standard") == [
        BreakdownRow("402", "Huyện Hai", "district", 2, 1, 0, Decimal("4.00"), 0, Decimal("4.00")),
        BreakdownRow("401", "Huyện Một", "district", 2, 2, 1, Decimal("15.50"), 1, Decimal("15.50")),
    ]


def test_a_district_breaks_down_into_its_communes_including_those_without_data(known):
    rows = progress_breakdown(unit=known.tree.d2, year=2023, tier="standard")
    assert [(r.code, r.communes_total, r.communes_with_data, r.average_criteria_met) for r in rows] == [
        ("40201", 1, 1, Decimal("4.00")),  # Xã Ân Phú
        ("40202", 1, 0, None),  # Xã Yên Hòa
    ]


def test_the_country_breaks_down_into_provinces(known, merger):
    rows = progress_breakdown(unit=None, year=2025, tier="standard")
    assert [(r.code, r.level, r.communes_total, r.communes_with_data, r.recognised) for r in rows] == [
        ("40", "province", 4, 0, 1),  # A, recognised in 2023, still holds the title
        ("50", "province", 3, 2, 1),
    ]


def test_before_the_merger_a_province_lists_districts_and_after_it_communes(merger):
    rows_2025 = progress_breakdown(unit=merger.province, year=2025, tier="standard")
    # 2025 was assessed on the old communes of district 501; N (from O3, never assessed) stands alone.
    assert [(r.code, r.level, r.communes_total, r.communes_with_data) for r in rows_2025] == [
        ("501", "district", 2, 2),
        ("50002", "commune", 1, 0),
    ]
    rows_2026 = progress_breakdown(unit=merger.province, year=2026, tier="standard")
    assert [(r.code, r.level, r.communes_total, r.communes_with_data, r.average_criteria_met) for r in rows_2026] == [
        ("50001", "commune", 1, 1, Decimal("7.00")),
        ("50002", "commune", 1, 0, None),
    ]


@pytest.mark.parametrize("as_now", [False, True], ids=["as entered", "as now"])
def test_the_overview_gives_the_figures_of_the_summary_trend_and_breakdown(known, merger, as_now):
    """The dashboard's one statement and the three selectors on their own agree, unit by unit."""
    cases = [(known.tree.province, 2023), (known.tree.d1, 2023), (None, 2023), (merger.province, 2025)]
    cases += [(merger.province, 2026)]
    for unit, year in cases:
        overview = progress_overview(unit=unit, year=year, tier="standard", as_now=as_now)
        assert overview.breakdown == progress_breakdown(unit=unit, year=year, tier="standard", as_now=as_now)
        assert overview.trend == progress_trend(unit=unit, tier="standard", as_now=as_now)
        summary = progress_summary(unit=unit, year=year, tier="standard", as_now=as_now)
        assert overview.summary == summary
    assert any(progress_overview(unit=u, year=y, tier="standard").breakdown for u, y in cases)
