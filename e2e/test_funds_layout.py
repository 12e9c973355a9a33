"""The funds sections of a dashboard: with a country's amounts (17 digits) the table by source
fits its frame beside its chart at 1280 px, in both languages, and no amount wraps; printed, the
funds by unit of an office's report fit a portrait page, and a country's a landscape page of
their own."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from communes.models import AdministrativeUnit
from e2e.conftest import sign_in, step
from plans.models import FundSource
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

# A district's year by five sources, as an office reports it: 31.003.700.000 đồng in all.
DISTRICT_AMOUNTS = {
    "central": "12.500.000.000",
    "province": "8.200.000.000",
    "district": "4.300.000.000",
    "commune": "2.003.700.000",
    "residents": "4.000.000.000",
}

TRILLION = r"(?<![\d.,])9(?P<sep>[.,])999(?P=sep)999(?P=sep)999(?P=sep)999 đ"  # as either language writes it

FRAMES = (
    """() => [...document.querySelectorAll('#funds-summary .table-wrap')].map(w => [w.clientWidth, w.scrollWidth])"""
)
WRAPPED = """() => [...document.querySelectorAll('#funds-summary td.num')].filter(td => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
}).map(td => td.textContent.trim())"""


def _record(code: str, amounts: dict[str, str], user) -> None:
    cells = [FundCell(12, source, amount, 0) for source, amount in amounts.items()]
    funds_record(unit=AdministrativeUnit.objects.get(code=code), year=2025, cells=cells, user=user)


def _dashboard_in_each_language(open_page, width: int, name: str):
    """The province's 2025 dashboard as its office sees it, in Vietnamese then in English."""
    page = open_page(width=width, height=900)
    sign_in(page, "province_office")
    for prefix in ("", "/en"):
        with step(page, f"{name}{prefix.replace('/', '-')}"):
            page.goto(f"{page.base}{prefix}/reports/40/?year=2025")
            yield page


def test_the_funds_by_source_fit_beside_their_chart_with_a_countrys_amounts(open_page, personas):
    _record("40", AMOUNTS, personas.province_office)
    for page in _dashboard_in_each_language(open_page, 1280, "funds-1280"):
        by_source, _by_unit = page.evaluate(FRAMES)
        assert by_source[1] <= by_source[0] + 1, (
            f"the table by source is {by_source[1]} px in a {by_source[0]} px frame"
        )
        assert page.evaluate(WRAPPED) == []


# An office's year from five sources at each of its units: tens of billions a cell, hundreds in a total.
UNIT_AMOUNTS = {
    "central": "58.340.700.000",
    "province": "47.141.700.000",
    "commune": "43.177.700.000",
    "residents": "70.391.700.000",
    "enterprises": "65.956.700.000",
}

PAGE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def test_the_funds_by_unit_of_five_sources_fit_at_1280_and_scroll_in_their_own_frame_on_a_phone(open_page, personas):
    for code in ("401", "402"):
        _record(code, UNIT_AMOUNTS, personas.province_office)
    for page in _dashboard_in_each_language(open_page, 1280, "funds-by-unit-1280"):
        _by_source, by_unit = page.evaluate(FRAMES)
        assert by_unit[1] <= by_unit[0] + 1, f"the funds by unit are {by_unit[1]} px in a {by_unit[0]} px frame"
        assert page.evaluate(WRAPPED) == []  # "58.340.700.000 đ" on one line
        amount = r"58(?P<sep>[.,])340(?P=sep)700(?P=sep)000 đ"  # as either language writes it
        assert re.search(amount, page.locator("table.funds-by-unit").inner_text())
    for page in _dashboard_in_each_language(open_page, 390, "funds-by-unit-390"):
        _by_source, by_unit = page.evaluate(FRAMES)
        assert by_unit[1] > by_unit[0], "on a phone the funds by unit scroll inside their frame"
        page_width, window = page.evaluate(PAGE_WIDTH)
        assert page_width <= window, f"the page is {page_width} px wide on a {window} px phone"


def test_printed_the_funds_by_unit_fit_a_portrait_page_in_both_languages(open_page, personas):
    """A4 portrait at 96 dpi with the browser's margins leaves about 720 px: eleven columns of
    an office's amounts fit it, not run off the page's right edge (as a browser without named
    pages prints them)."""
    for code in ("401", "402"):
        _record(code, DISTRICT_AMOUNTS, personas.province_office)
    for page in _dashboard_in_each_language(open_page, 720, "funds-print"):
        table, section = _printed_widths(page)
        assert table <= section, f"printed, the funds by unit are {table} px on a {section} px page"


def test_printed_the_funds_by_unit_take_a_landscape_page_that_a_countrys_amounts_fit(open_page, personas):
    """A trillion đồng from every source on a line (17 characters in each of eleven columns)
    does not fit a portrait page even in 6 pt: the table is printed on an A4 landscape page of
    its own (about 1,046 px between the browser's margins), and fits it."""
    every_source = {source: "9.999.999.999.999" for source in FundSource.values}
    for code in ("401", "402"):
        _record(code, every_source, personas.province_office)
    for page in _dashboard_in_each_language(open_page, 1046, "funds-landscape"):
        table, section = _printed_widths(page)
        assert table <= section, f"printed, the funds by unit are {table} px on a {section} px page"
        heading = page.locator("#funds-summary h3").last.inner_text()
        pdf = PdfReader(BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
        pages = [(p.mediabox.width > p.mediabox.height, p.extract_text()) for p in pdf.pages]
        on_landscape = [text for landscape, text in pages if landscape]
        assert len(on_landscape) == 1, f"{len(on_landscape)} landscape pages of {len(pages)}"
        assert heading in on_landscape[0] and "Huyện Một" in on_landscape[0]
        assert len(re.findall(TRILLION, on_landscape[0])) == 2 * len(FundSource.values)
        assert not any(re.search(TRILLION, text) for landscape, text in pages if not landscape)


def _printed_widths(page) -> list[int]:
    """The funds by unit's width and its section's, laid out for print at the page's width."""
    page.emulate_media(media="print")
    widths = page.evaluate(
        """() => [document.querySelector('table.funds-by-unit'), document.querySelector('#funds-summary')]
            .map(e => Math.round(e.getBoundingClientRect().width))"""
    )
    page.emulate_media(media="null")  # as it was: "screen" would also print the PDF with screen styles
    return widths
