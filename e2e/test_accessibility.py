"""axe-core (vendored) on the main pages, at desktop and phone widths: no serious violation."""

import datetime

import pytest

from communes.models import AdministrativeUnit
from e2e.conftest import sign_in, step
from ocop.tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)

AXE = "/static/vendor/axe-core-4.14.1/axe.min.js"
SERIOUS = {"serious", "critical"}


def violations(page) -> list[str]:
    # Same-origin script: allowed by the Content-Security-Policy, like our own files.
    page.add_script_tag(url=page.base + AXE)
    found = page.evaluate(
        "async () => (await axe.run(document)).violations.map(v => [v.id, v.impact, v.nodes.length, v.help])"
    )
    return [f"{vid} ({impact}, {nodes} nodes): {help_}" for vid, impact, nodes, help_ in found if impact in SERIOUS]


@pytest.mark.parametrize("width", [1280, 390])
def test_main_pages_have_no_serious_accessibility_violation(open_page, personas, assessment, width):
    product = make_product(
        AdministrativeUnit.objects.get(code="40101"), "Chè búp", stars=4, certified=datetime.date(2025, 3, 1)
    )
    pages = {
        "officer_a": [
            "/units/40101/?year=2025",
            f"/assessments/{assessment.pk}/",
            "/ocop/",
            f"/ocop/{product.pk}/",
            f"/ocop/{product.pk}/delete/",
        ],
        "district_d1": ["/units/401/?year=2025", "/reports/401/?year=2025"],
        "province_office": [
            "/units/40/?year=2025",
            "/reports/40/?year=2025",
            "/reports/40/matrix/?year=2025",
            "/reports/bulletin/40/?month=2025-12",
        ],
    }
    problems = {}
    for user, paths in pages.items():
        page = open_page(width=width, height=900)
        sign_in(page, user)
        for path in paths:
            with step(page, f"axe-{width}-{user}-{path.strip('/').replace('/', '_').split('?')[0]}"):
                page.goto(page.base + path)
                found = violations(page)
                if found:
                    problems[f"{path} as {user}"] = found
    assert not problems, problems
