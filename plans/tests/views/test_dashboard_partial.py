"""The partial the dashboards include renders from ``dashboard_sections`` alone."""

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from plans.models import ProvinceTarget
from plans.selectors import dashboard_sections, due_listing
from plans.tests.factories import make_assessment, make_fund, make_set, make_target

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize("national", [False, True], ids=["province", "country"])
def test_the_dashboard_partial_shows_plan_against_result_and_funds(tree, national, vi):
    make_target(tree.b, "standard", 2025)
    assessment = make_assessment(tree.b, make_set(code="S"), 2025, 12, "submitted")
    make_fund(tree.a, 2025, 3, "residents", 13_055_000_000)
    ProvinceTarget.objects.create(
        province=tree.province,
        period_from=2021,
        period_to=2025,
        communes_standard=2,
        basis="NQ 05",
        entered_at="2022-01-01T00:00:00Z",
    )
    plans = dashboard_sections(unit=None if national else tree.province, year=2025)
    context = {"plans": plans, "due": due_listing(plans, QueryDict())}
    html = render_to_string("plans/partials/dashboard_sections.html", context)
    assert "Xã Đức Lĩnh" in html and f"/assessments/{assessment.pk}/" in html
    assert "13.055.000.000 đ" in html
    assert ("NQ 05" in html) is not national  # province targets only on a province's dashboard
    chart = "chart-funds-national" if national else "chart-funds-40"
    assert f'data-chart="{chart}"' in html and f'id="{chart}"' in html


def test_the_dashboard_partial_lists_a_unit_overdue_with_its_target_year(tree, vi):
    """QA: overdue targets were counted but listed nowhere."""
    make_target(tree.c, "advanced", 2023)
    plans = dashboard_sections(unit=tree.province, year=2025)
    html = render_to_string(
        "plans/partials/dashboard_sections.html", {"plans": plans, "due": due_listing(plans, QueryDict())}
    )
    assert "0 đơn vị đến hạn năm 2025 · 1 đơn vị quá hạn từ các năm trước" in html
    assert "Xã Ân Phú</th>" in html
    assert '<td class="num">2023 <span class="badge badge-not_met">Quá hạn</span></td>' in html


def test_the_funds_heading_names_its_months_in_one_style(tree):
    make_fund(tree.a, 2025, 3, "residents", 1_000_000)
    plans = dashboard_sections(unit=tree.province, year=2025)
    html = render_to_string(
        "plans/partials/dashboard_sections.html", {"plans": plans, "due": due_listing(plans, QueryDict())}
    )
    assert "Funds mobilised, 1/2025–12/2025" in html  # not "January–12/2025"
    assert '<th scope="col" class="num">1/2025–12/2025</th>' in html
    assert "January" not in html
