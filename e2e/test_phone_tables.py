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


def _fill_funds(page, amount: str) -> None:
    page.evaluate("a => document.querySelectorAll('.funds-grid .money-input').forEach(i => { i.value = a; })", amount)


def test_every_source_and_the_total_of_the_funds_grid_show_at_1280(open_page, personas, tree):
    """Nine sources, the month and the row's total in a desktop's width, each input showing a
    district's amount whole; no hint, nothing faded."""
    page = open_page(width=DESK, height=900)
    sign_in(page, "province_office")
    with step(page, "funds-1280"):
        page.goto(page.base + f"/en/plans/{tree.province.code}/")
        _fill_funds(page, "31.003.700.000")
        assert no_sideways_scroll(page, "table.funds-grid")
        inputs = page.evaluate(
            "() => [...document.querySelectorAll('.funds-grid .money-input')].map(i => i.scrollWidth - i.clientWidth)"
        )
        assert inputs and max(inputs) <= 0, inputs  # "31.003.700.000" read whole, not scrolled in its box
        assert page.locator(".funds-grid thead th").last.is_visible()
        wrap = page.locator(".funds-wrap")
        assert "can-scroll-right" not in (wrap.get_attribute("class") or "")
        hinted = "() => { const p = document.querySelector('.funds-wrap').previousElementSibling;"
        hinted += " return p.classList.contains('scroll-hint') && !p.hidden; }"
        assert page.evaluate(hinted) is False


def test_a_table_wider_than_a_phone_says_so_and_shades_its_edges(open_page, personas, tree):
    page = open_page(width=PHONE, height=900)
    sign_in(page, "province_office")
    with step(page, "funds-hint"):
        page.goto(page.base + f"/en/plans/{tree.province.code}/")
        wrap = page.locator(".funds-wrap")
        hint = page.locator(".funds-wrap").locator("xpath=preceding-sibling::p[1]")
        assert "scroll-hint" in hint.get_attribute("class")
        assert hint.is_visible() and hint.inner_text().startswith("Scroll the table sideways")
        assert "can-scroll-right" in wrap.get_attribute("class")
        assert "can-scroll-left" not in wrap.get_attribute("class")
        wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        page.wait_for_function("() => document.querySelector('.funds-wrap').classList.contains('can-scroll-left')")
        assert "can-scroll-right" not in wrap.get_attribute("class")  # at the end: nothing more to its right


LINES = """sel => [...document.querySelectorAll(sel)].map(el => {
    const r = document.createRange(); r.selectNodeContents(el);
    return [el.textContent.trim(), new Set([...r.getClientRects()].map(x => Math.round(x.top))).size];
})"""
BADGES_INSIDE = """sel => [...document.querySelectorAll(sel + ' td .badge')].filter(b => {
    const td = b.closest('td').getBoundingClientRect(), r = b.getBoundingClientRect();
    return r.right > td.right + 1;
}).map(b => b.textContent)"""


def test_the_communes_list_and_the_matrix_read_on_a_phone(open_page, personas, known):  # noqa: F811
    """A figure such as "19 / 19" on one line, badges inside their cells, where a commune belongs
    under its name, and the commune's name in view while the matrix's criteria scroll by."""
    page = open_page(width=PHONE, height=900)
    sign_in(page, "province_office")
    for name in ("communes", "matrix"):
        with step(page, f"{name}-phone"):
            page.goto(page.base + f"/en/reports/40/{name}/?year=2023&tier=standard")
            table = ".table-wrap table"
            figures = page.evaluate(LINES, f"{table} tbody td.num")
            assert figures and all(lines == 1 for _text, lines in figures), figures
            assert page.evaluate(BADGES_INSIDE, table) == []
            assert not page.locator(f"{table} thead th", has_text="Belongs to").is_visible()
            where = page.locator(f"{table} tbody th[scope=row] .show-narrow").first
            assert where.is_visible() and where.inner_text().strip()
    lefts = page.evaluate(
        """() => { const w = document.querySelector('.matrix').closest('.table-wrap'); w.scrollLeft = 300;
          const left = el => Math.round(el.getBoundingClientRect().left - w.getBoundingClientRect().left);
          return [w.scrollLeft, left(w.querySelector('thead th')), left(w.querySelector('tbody th[scope=row]'))]; }"""
    )
    assert lefts[0] > 0 and lefts[1] <= 1 and lefts[2] <= 1, lefts
