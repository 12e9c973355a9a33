"""Tables on a phone (390 px): each reads without a sideways scroll where it can — records as one
card per row, the lagging criteria with narrow figure columns — a unit's code never breaks, and
the funds grid keeps its month in view while the sources scroll by. At 1280 px they stay tables."""

import pytest

from e2e.conftest import sign_in, step
from reports.tests.conftest import known  # noqa: F401 - the dataset, as a fixture here too

pytestmark = pytest.mark.django_db(transaction=True)

PHONE, DESK = 390, 1280

SCROLLS = "sel => { const t = document.querySelector(sel); const w = t.closest('.table-wrap');"
SCROLLS += " return [w.scrollWidth, w.clientWidth]; }"


def no_sideways_scroll(page, selector: str) -> bool:
    wide, room = page.evaluate(SCROLLS, selector)
    return wide <= room


def width_of(page, selector: str) -> float:
    return page.evaluate("sel => document.querySelector(sel).getBoundingClientRect().width", selector)


def header_shown(page, selector: str) -> bool:
    return page.evaluate("sel => document.querySelector(sel + ' thead').getBoundingClientRect().height > 2", selector)


@pytest.mark.parametrize("width", [PHONE, DESK])
def test_records_and_indicators_read_as_cards_on_a_phone(open_page, personas, criteria_set, assessment, width):
    page = open_page(width=width, height=900)
    sign_in(page, "province_office")
    with step(page, f"set-page-{width}"):
        page.goto(page.base + f"/en/criteria-sets/{criteria_set.pk}/")
        table = "#targets table"
        assert no_sideways_scroll(page, table)
        text = width_of(page, f"{table} tbody td:first-child")
        assert header_shown(page, table) is (width == DESK)
        assert text > 250, text  # was ~80 px: two or three words a line
    with step(page, f"assessments-{width}"):
        page.goto(page.base + "/en/units/40/?year=2025")
        table = "table:has(td[data-label])"
        assert no_sideways_scroll(page, table)
        assert header_shown(page, table) is (width == DESK)
        set_name = page.evaluate(
            "sel => { const r = document.createRange();"
            " r.selectNodeContents(document.querySelector(sel + ' tbody td:nth-child(2)'));"
            " return r.getClientRects().length; }",
            table,
        )
        assert width_of(page, f"{table} tbody td:nth-child(2)") > 150, "the set's name, one word a line"
        assert set_name <= 4


def test_a_units_code_never_breaks_on_the_plans_page(open_page, personas, tree):
    page = open_page(width=PHONE, height=900)
    sign_in(page, "province_office")
    with step(page, "plans-codes"):
        page.goto(page.base + f"/en/plans/{tree.a.code}/")
        codes = page.evaluate(
            "() => [...document.querySelectorAll('.targets-table th[scope=row] .nowrap')]"
            ".map(e => [e.textContent, e.getClientRects().length])"
        )
    assert "40101-01" in [code for code, _lines in codes], codes  # a village's code, with its hyphen
    assert all(lines == 1 for _code, lines in codes), codes


def test_the_funds_grid_keeps_the_month_in_view_when_scrolled_sideways(open_page, personas, tree):
    page = open_page(width=PHONE, height=900)
    sign_in(page, "province_office")
    with step(page, "funds-sticky"):
        page.goto(page.base + f"/en/plans/{tree.province.code}/")
        lefts = page.evaluate(
            """() => {
              const grid = document.querySelector('table.funds-grid'), wrap = grid.closest('.table-wrap');
              wrap.scrollLeft = 400;
              const left = (el) => Math.round(el.getBoundingClientRect().left - wrap.getBoundingClientRect().left);
              return {scrolled: wrap.scrollLeft, head: left(grid.querySelector('thead th')),
                      month: left(grid.querySelector('tbody th[scope=row]')), total: left(grid.querySelector('tfoot th')),
                      width: grid.querySelector('thead th').getBoundingClientRect().width};
            }"""
        )
    assert lefts["scrolled"] > 0, lefts
    assert lefts["head"] <= 1 and lefts["month"] <= 1 and lefts["total"] <= 1, lefts
    assert lefts["width"] < 100, lefts  # the month column leaves the sources most of a phone's width


def test_the_lagging_criteria_fit_a_phone_in_english(open_page, personas, known):  # noqa: F811
    page = open_page(width=PHONE, height=900)
    sign_in(page, "province_office")
    with step(page, "lagging-table"):
        page.goto(page.base + "/en/reports/40/?year=2023&tier=standard")
        table = "#lagging-title + .chart-and-table table"
        assert page.get_by_role("columnheader", name="Of which basically met").is_visible()
        assert no_sideways_scroll(page, table)
        assert width_of(page, f"{table} tbody th") >= 110
