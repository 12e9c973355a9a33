"""The top bar by keyboard: each of its links, language buttons and the user menu shows a focus
ring that stands out from the green bar (WCAG 1.4.11: at least 3:1)."""

import re

import pytest

from e2e.conftest import sign_in, step

pytestmark = pytest.mark.django_db(transaction=True)

CONTROLS = ["a.brand", ".topnav a", "button[name=language][value=en]", ".user-menu > summary"]


def luminance(css_colour: str) -> float:
    red, green, blue = (int(c) / 255 for c in re.findall(r"\d+", css_colour)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_luminance_contrast_of_the_old_ring_on_the_bar_is_too_low():
    assert contrast("rgb(11, 92, 173)", "rgb(31, 111, 67)") < 1.2
    assert contrast("rgb(255, 255, 255)", "rgb(31, 111, 67)") > 3


@pytest.mark.parametrize("width", [1280, 390])
def test_the_top_bars_controls_show_a_focus_ring_that_stands_out_from_the_bar(open_page, personas, width):
    page = open_page(width=width, height=700)
    sign_in(page, "officer_a")
    bar = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    rings = {}
    for control in CONTROLS:
        with step(page, f"focus-{width}-{control}"):
            page.mouse.click(5, 650)  # the keyboard starts again from the top of the page
            for _ in range(30):
                page.keyboard.press("Tab")
                if page.evaluate("sel => document.activeElement.matches(sel)", control):
                    break
            else:
                pytest.fail(f"{control} was never reached by Tab")
            style = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
            )
            rings[control] = style
            assert style[0] == "solid" and style[1] == "3px", (control, style)
            assert contrast(style[2], bar) >= 3, (control, style, bar)
    # The user menu's white panel keeps the page's blue ring.
    page.click(".user-menu > summary")
    page.keyboard.press("Tab")
    panel_ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert page.evaluate("document.activeElement.closest('.user-menu-panel') !== null")
    assert contrast(panel_ring, "rgb(255, 255, 255)") >= 3, panel_ring


def test_the_language_buttons_are_named_in_full_in_the_pages_language(open_page, personas, vi):
    page = open_page()
    sign_in(page, "officer_a")
    assert page.get_by_role("button", name="VI (Tiếng Việt)", exact=True).get_attribute("title") == "Tiếng Việt"
    assert page.get_by_role("button", name="EN (Tiếng Anh)", exact=True).get_attribute("title") == "Tiếng Anh"
    with page.expect_navigation():
        page.click("button[name=language][value=en]")
    assert page.get_by_role("button", name="VI (Vietnamese)", exact=True).get_attribute("title") == "Vietnamese"
    assert page.get_by_role("button", name="EN (English)", exact=True).get_attribute("title") == "English"
