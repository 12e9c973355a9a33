"""QA's province (``mixed``): its own 20-criteria set beside the national 19 in 2024, and the 10
of 2026. A year mixing scales claims none of them (trend, headline), the lagging criteria's
share names its base."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.selectors import LAGGING_SHARE_HEADING, progress_summary, progress_trend

pytestmark = pytest.mark.django_db


def test_a_year_mixing_scales_has_its_scales_and_no_single_one(mixed):
    """QA: 2024 (19 and 20) read "15,4 / 20": the scale was the largest set assessed."""
    points = progress_trend(unit=mixed.province, tier="standard")
    assert [(p.year, p.scales, p.scale) for p in points] == [
        (2023, (19,), 19),
        (2024, (19, 20), None),
        (2025, (20,), 20),
        (2026, (10,), 10),
    ]
    mixed_year = points[1]
    assert mixed_year.average_criteria_met == Decimal("16.20")
    assert mixed_year.scales_label == "19 and 20 criteria"


def test_an_average_is_compared_with_the_year_before_only_on_one_same_scale(mixed):
    """2025 is on the 20 and 2024 mixed 19 and 20: "+0,2" would compare two mixes of sets."""
    summary = progress_summary(unit=mixed.province, year=2025, tier="standard")
    assert summary.scale == 20 and summary.previous_year.scales == (19, 20)
    assert summary.averages_before(summary.previous_year) == (None, None)
    mixed_year = progress_summary(unit=mixed.province, year=2024, tier="standard")
    assert mixed_year.averages_before(mixed_year.previous_year) == (None, None)  # 2023: the 19 only


def _dashboard(client, mixed, year: int) -> str:
    client.force_login(mixed.office)
    response = client.get(reverse("reports:dashboard", args=["60"]), {"year": year, "tier": "standard"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_trend_shows_a_mixed_year_s_average_without_a_scale(client, mixed):
    html = _dashboard(client, mixed, 2025)
    trend = html[html.index('id="trend-title"') :]
    assert "16,2 / 20" not in trend
    assert '16,2 <span class="muted">(19 and 20 criteria)</span>' in trend
    assert "12,8 / 19" in trend and "16,4 / 20" in trend and "/ 10" in trend
    # the headline card: no change against 2024's average, and why
    assert "not comparable: 19 and 20 criteria in 2024" in html


def test_the_trend_chart_draws_one_average_line_per_scale_and_none_for_a_mixed_year(client, mixed):
    """An average out of 10 (2026) was drawn on from one out of 20, a fall that is a change of set."""
    html = _dashboard(client, mixed, 2025)
    spec = json.loads(re.search(r'<script id="chart-trend" type="application/json">(.*?)</script>', html, re.S)[1])
    averages = [s for s in spec["series"] if s.get("axis") == "y1"]
    assert spec["labels"] == ["2023", "2024", "2025", "2026"]
    assert [(s["label"], s["data"]) for s in averages] == [
        ("Average criteria met (Standard, out of 10)", [None, None, None, 7.2]),
        ("Average criteria met (Standard, out of 19)", [12.8, None, None, None]),
        ("Average criteria met (Standard, out of 20)", [None, None, 16.4, None]),
    ]


def test_the_headline_card_of_a_mixed_year_names_its_scales(client, mixed):
    html = _dashboard(client, mixed, 2024)
    assert "of 20 criteria" not in html and "of 19 criteria" not in html
    assert "19 and 20 criteria" in html[: html.index('id="trend-title"')]


def test_the_lagging_share_heading_names_its_base(client, mixed):
    """Criterion 20 is not met by 3 of the 4 communes on the province's set, while 5 have data:
    "share of communes with data" was the wrong base."""
    html = _dashboard(client, mixed, 2024)
    assert "Share of communes with data" not in html
    assert f'<th scope="col" class="num">{LAGGING_SHARE_HEADING}</th>' in html
    lagging = {
        c.number: (c.not_met, c.assessed)
        for c in progress_summary(unit=mixed.province, year=2024, tier="standard").lagging
    }
    assert lagging[20] == (3, 4)
