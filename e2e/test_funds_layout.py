"""The funds sections of a dashboard with a country's amounts (17 digits): at 1280 px the table
by source fits its frame beside its chart, in both languages, and no amount wraps."""

import pytest

from communes.models import AdministrativeUnit
from e2e.conftest import sign_in, step
from plans.services.funds import FundCell, funds_record

pytestmark = pytest.mark.django_db(transaction=True)

# A country's funds by source for a year, as on the national dashboard (đồng).
AMOUNTS = {
    "central": "9.303.197.000.000",
    "province": "9.329.998.000.000",
    "district": "9.406.164.000.000",
    "commune": "9.363.205.000.000",
    "residents": "9.477.116.000.000",
}

FRAMES = (
    """() => [...document.querySelectorAll('#funds-summary .table-wrap')].map(w => [w.clientWidth, w.scrollWidth])"""
)
WRAPPED = """() => [...document.querySelectorAll('#funds-summary td.num')].filter(td => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
}).map(td => td.textContent.trim())"""


def test_the_funds_by_source_fit_beside_their_chart_with_a_countrys_amounts(open_page, personas):
    province = AdministrativeUnit.objects.get(code="40")
    cells = [FundCell(12, source, amount, 0) for source, amount in AMOUNTS.items()]
    funds_record(unit=province, year=2025, cells=cells, user=personas.province_office)
    page = open_page(width=1280, height=900)
    sign_in(page, "province_office")
    for prefix in ("", "/en"):
        with step(page, f"funds-1280{prefix.replace('/', '-')}"):
            page.goto(f"{page.base}{prefix}/reports/40/?year=2025")
            by_source, _by_unit = page.evaluate(FRAMES)
            assert by_source[1] <= by_source[0] + 1, (
                f"the table by source is {by_source[1]} px in a {by_source[0]} px frame"
            )
            assert page.evaluate(WRAPPED) == []
