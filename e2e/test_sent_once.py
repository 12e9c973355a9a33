"""A form is sent once: pressed again while its request is on the way, Save sends nothing
more (QA: a double click on an OCOP product's Save could send the form twice)."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import sign_in, step

pytestmark = pytest.mark.django_db(transaction=True)

SAVE = "main form.card button[type=submit]"
# Listening last (on window), the page records whether each submit would go out, and keeps the
# first from leaving the page, so that the second press meets the form still on its way.
RECORD_SUBMITS = """window.sent = [];
window.addEventListener("submit", (event) => { window.sent.push(!event.defaultPrevented); event.preventDefault(); });"""


def test_save_pressed_again_while_the_product_form_is_on_its_way_sends_nothing(open_page, tree, personas):
    page = open_page()
    sign_in(page, "officer_a")
    with step(page, "ocop-sent-once"):
        page.goto(page.base + "/ocop/new/")
        page.evaluate(RECORD_SUBMITS)
        page.fill("#id_name", "Chè búp")
        page.fill("#id_producer", "HTX Chè")
        page.click(SAVE)
        expect(page.locator(SAVE)).to_be_disabled()
        page.locator("#id_name").press("Enter")  # the default button disabled: Enter sends nothing
        page.evaluate("document.querySelector('main form.card').requestSubmit()")  # a submit all the same
        assert page.evaluate("window.sent") == [True, False]
