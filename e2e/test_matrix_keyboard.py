"""The commune × criterion matrix with the keyboard: Tab goes from one commune to the next, not
through its 19 cells; what each cell says is still there for a screen reader and the mouse.

QA: every cell of a commune with an assessment was a link in the Tab order, so a page of 50
communes put about a thousand stops between the table's head and its pagination."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import sign_in, step

pytestmark = pytest.mark.django_db(transaction=True)

MATRIX = "/reports/40/matrix/?year=2025"


def _tab_stops_through_the_table(page) -> list[str]:
    """Tab from the last link of the table's head until focus leaves the table; each stop named."""
    page.locator("table.matrix thead a").last.focus()
    stops = []
    for _ in range(200):
        page.keyboard.press("Tab")
        where = page.evaluate(
            """() => {
                const e = document.activeElement;
                if (!e.closest('table.matrix')) return null;
                return (e.closest('th[scope=row]') ? 'commune:' : 'other:') + e.textContent.trim();
            }"""
        )
        if where is None:
            break
        stops.append(where)
    return stops


@pytest.mark.parametrize("width", [1280, 390])
def test_tab_goes_commune_by_commune_and_cells_say_what_they_show(open_page, personas, assessment, width):
    page = open_page(width=width)
    sign_in(page, "province_office")
    page.goto(page.base + MATRIX)
    communes = page.locator("table.matrix tbody th[scope=row] a")
    with step(page, f"matrix-tab-order-{width}"):
        expect(communes.first).to_be_visible()
        columns = page.locator("table.matrix thead th.matrix-col").count()
        assert columns > 1
        assert page.locator("table.matrix tbody td.cell a").count() >= columns  # commune A's cells open its sheet
        stops = _tab_stops_through_the_table(page)
        assert stops == [f"commune:{name}" for name in communes.all_inner_texts()]
    with step(page, f"matrix-cells-described-{width}"):
        first_cell = (
            page.locator("table.matrix tbody tr").filter(has=page.locator("td.cell a")).locator("td.cell").first
        )
        title = first_cell.get_attribute("title")
        assert title.startswith("1. ")
        expect(first_cell.locator(".visually-hidden")).to_have_text(title)
        # Cells that are only text are not focusable either.
        assert page.evaluate(
            "() => [...document.querySelectorAll('table.matrix td.cell, table.matrix td.cell *')].every(e => e.tabIndex < 0)"
        )
    with step(page, f"matrix-cell-opens-the-criterion-{width}"):
        first_cell.locator("a").click()
        assert page.url.endswith("#criterion-1")
