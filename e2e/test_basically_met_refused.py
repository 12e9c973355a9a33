"""A refused "Mark as basically met" opens where the officer was: the refused field focused, in view
below the sticky summary, with and without JavaScript.

QA: the sheet came back scrolled to the top, focus on the body, the one message 3,552 px below."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import sign_in, step

pytestmark = pytest.mark.django_db(transaction=True)

FORM = "#criterion-2 details.basically-met-form"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize("width", [1280, 390])
def test_a_refused_date_opens_at_its_field_focused_and_in_view(
    browser, live_server, personas, assessment, javascript, width
):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="vi-VN", java_script_enabled=javascript
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base = live_server.url
        sign_in(page, "officer_a")
        page.goto(f"{page.base}/assessments/{assessment.pk}/")
        with step(page, f"basically-met-refused-{width}-{'js' if javascript else 'nojs'}"):
            page.locator(f"{FORM} summary").click()
            page.locator("#bm-reason-2").fill("x")
            page.locator("#bm-by-2").fill("31/02/2025")
            with page.expect_navigation():
                page.locator(f"{FORM} button[value='1']").click()
            assert page.url.endswith(f"/assessments/{assessment.pk}/criteria/2/basically-met/")
            field = page.locator("#bm-by-2")
            expect(field).to_be_focused()
            expect(field).to_have_attribute("aria-invalid", "true")
            expect(field).to_have_value("31/02/2025")
            expect(page.locator("#bm-reason-2")).to_have_value("x")
            expect(page.locator("#bm-by-2_error")).to_have_text("Nhập một ngày hợp lệ.")
            # In view, and not hidden under the sticky summary and criteria index.
            box = field.bounding_box()
            sticky = page.locator(".sheet-sticky").bounding_box()
            assert sticky["y"] + sticky["height"] <= box["y"] and box["y"] + box["height"] <= 800, (box, sticky)
            assert page.evaluate("window.scrollY") > 0  # not left at the top of the sheet
            error = page.locator("#bm-by-2_error").bounding_box()
            assert error["y"] + error["height"] <= 800  # its message is in view too
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_refused_value_without_javascript_opens_at_its_field_focused_and_in_view(
    browser, live_server, personas, assessment, width
):
    """The plain form's refusal of a value (no JavaScript) came back at the top of the sheet,
    nothing focused; it opens at the refused row, its value field focused and in view."""
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base = live_server.url
        sign_in(page, "officer_a")
        page.goto(f"{page.base}/assessments/{assessment.pk}/")
        row = page.locator("article[id='ind-3.2']")
        with step(page, f"value-refused-{width}-nojs"):
            field = row.locator("[name='value']")
            field.fill("abc")
            with page.expect_navigation():
                row.locator("button.primary[type='submit']").click()
            expect(field).to_be_focused()
            expect(field).to_have_attribute("aria-invalid", "true")
            expect(field).to_have_value("abc")
            error = row.locator("[id^='err-']")
            expect(error).not_to_be_empty()
            box = field.bounding_box()
            sticky = page.locator(".sheet-sticky").bounding_box()
            assert sticky["y"] + sticky["height"] <= box["y"] and box["y"] + box["height"] <= 800, (box, sticky)
            assert page.evaluate("window.scrollY") > 0  # not left at the top of the sheet
            message = error.bounding_box()
            assert message["y"] + message["height"] <= 800  # its message is in view too
            page.screenshot(path=f"/tmp/valuefocus-{width}.png")
    finally:
        context.close()
