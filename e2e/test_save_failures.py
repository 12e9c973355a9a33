"""A value whose save does not go through: the row says why and what to do, in the page's language,
the typed value stays in the field, and the button saves it once the cause is gone.

QA: a 500, a refusal without a row, the sign-in page in place of the row, a network failure or a
server that never answers left the row silent ("Đang lưu…" and then nothing, or "Đang lưu…" for
ever); the sign-in page was even swapped into the row, taking the field with it."""

import threading
import time

import pytest
from django.utils import translation
from playwright.sync_api import expect

from criteria.display import SAVE_FAILURES
from criteria.services import ValueEntry, assessment_record_values
from e2e.conftest import sign_in, step

pytestmark = pytest.mark.django_db(transaction=True)

ROW = "article[id='ind-2.1']"
SAVE_URL = "**/values/2.1/"
SUBMIT = "form[action$='/actions/submit/'] button[type=submit]"


def said(kind: str, **params) -> str:
    """The sentence the row shows, in Vietnamese (the browser's language here)."""
    with translation.override("vi"):
        return str(SAVE_FAILURES[kind]) % params if params else str(SAVE_FAILURES[kind])


def _open_sheet(open_page, assessment, width=1280):
    page = open_page(width=width)
    sign_in(page, "officer_a")
    page.goto(f"{page.base}/assessments/{assessment.pk}/")
    return page


def _fails_then_saves(page, assessment, message: str, typed: str = "77") -> None:
    """The save just made failed: the message at the field, the value kept, and Save works again."""
    row = page.locator(ROW)
    failure = row.locator(".save-failure [role=alert]")
    expect(failure).to_contain_text(message)
    expect(row.locator(".saving")).to_be_hidden()
    expect(row.locator("input[name=value]")).to_have_value(typed)
    expect(row.locator("input[name=value]")).to_be_editable()
    expect(row).to_have_class("indicator is-unsaved")
    # The message is tied to the field for a screen reader.
    described = row.locator("input[name=value]").get_attribute("aria-describedby").split()
    assert row.locator(".save-failure").get_attribute("id") in described
    page.unroute(SAVE_URL)
    with page.expect_response(lambda r: "/values/2.1/" in r.url):
        row.get_by_role("button", name="Lưu").click()
    row = page.locator(ROW)
    expect(row.locator(".badge.outcome-not_met")).to_be_visible()
    expect(row.locator(".save-failure")).to_have_count(0)
    expect(row).not_to_have_class("indicator is-unsaved")
    assert assessment.values.get(indicator__code="2.1").value_decimal == int(typed)


ANSWERS = {
    # name: (how the save is answered, the sentence expected)
    "server-error": (
        lambda route: route.fulfill(status=500, content_type="text/html", body="<h1>Server Error (500)</h1>"),
        lambda: said("server"),
    ),
    "refused-with-reasons": (
        lambda route: route.fulfill(
            status=400,
            content_type="application/json",
            body='{"detail": "Dữ liệu không hợp lệ.", "errors": {"value": ["Giá trị phải từ 0 đến 100."]}}',
        ),
        lambda: said("refused", detail="Giá trị phải từ 0 đến 100."),
    ),
    "conflict-without-row": (
        lambda route: route.fulfill(status=409, content_type="text/html", body="<p>Conflict</p>"),
        lambda: said("conflict"),
    ),
    "forbidden": (
        lambda route: route.fulfill(status=403, content_type="text/html", body="<main><h1>403</h1></main>"),
        lambda: said("forbidden"),
    ),
    "network-down": (lambda route: route.abort("internetdisconnected"), lambda: said("network")),
}


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_a_failed_save_says_why_at_the_field_and_keeps_the_value(open_page, personas, assessment, answer):
    respond, message = ANSWERS[answer]
    page = _open_sheet(open_page, assessment)
    row = page.locator(ROW)
    with step(page, f"save-failure-{answer}"):
        row.locator("input[name=value]").fill("77")
        page.route(SAVE_URL, respond)
        row.get_by_role("button", name="Lưu").click()
        _fails_then_saves(page, assessment, message())


def test_a_row_whose_save_failed_stops_the_submit_button(open_page, personas, assessment):
    """A failed save is kept for resending when the page is opened again, but on this page it is
    still unsaved: submitting the dossier meanwhile would go without it."""
    assessment_record_values(
        assessment=assessment,
        entries=[ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")],
        user=personas.officer_a,
    )
    page = _open_sheet(open_page, assessment)
    row = page.locator(ROW)
    with step(page, "save-failure-stops-submit"):
        row.locator("input[name=value]").fill("77")
        page.route(SAVE_URL, lambda route: route.abort("internetdisconnected"))
        row.get_by_role("button", name="Lưu").click()
        expect(row.locator(".save-failure")).to_be_visible()
        page.locator(SUBMIT).click()
        expect(page.locator("#workflow .unsaved-warning").get_by_role("link")).to_have_text(["2.1"])


def test_a_server_that_never_answers_does_not_leave_saving_for_ever(open_page, personas, assessment):
    page = _open_sheet(open_page, assessment)
    row = page.locator(ROW)
    held = []
    with step(page, "save-failure-timeout"):
        # The sheet waits 30 s; the test does not.
        row.locator("form[data-keep-unsaved]").evaluate("f => f.setAttribute('hx-request', '{\"timeout\": 1500}')")
        row.locator("input[name=value]").fill("77")
        page.route(SAVE_URL, lambda route: held.append(route))  # never answered
        row.get_by_role("button", name="Lưu").click()
        expect(row.locator(".saving")).to_be_visible()
        _fails_then_saves(page, assessment, said("timeout"))


def test_the_sign_in_page_in_place_of_the_row_says_the_session_ended(open_page, personas, assessment):
    """A redirect to the sign-in page that htmx followed (a proxy's, not the portal's HX-Redirect):
    the sign-in page was swapped into the row and the field went with it."""
    page = _open_sheet(open_page, assessment)
    row = page.locator(ROW)
    with step(page, "save-failure-session"):
        row.locator("input[name=value]").fill("77")
        page.route(
            SAVE_URL,
            lambda route: route.fulfill(status=302, headers={"Location": "/accounts/login/?next=/values/2.1/"}),
        )
        row.get_by_role("button", name="Lưu").click()
        failure = row.locator(".save-failure [role=alert]")
        expect(failure).to_contain_text(said("session"))
        expect(page.locator("main")).to_have_count(1)
        expect(row.locator("input[name=value]")).to_have_value("77")
        sign_in_link = failure.get_by_role("link")
        assert "/accounts/login/?next=" in sign_in_link.get_attribute("href")
        _fails_then_saves(page, assessment, said("session"))


def test_an_expired_page_is_reloaded_and_the_value_sent_again(open_page, personas, assessment):
    """Signed in again in another tab: the page's form token is stale and Django answers with its
    CSRF failure page (403). Reloading from the message puts the value back and sends it."""
    page = _open_sheet(open_page, assessment)
    row = page.locator(ROW)
    with step(page, "save-failure-expired"):
        row.locator("input[name=value]").fill("77")
        page.context.clear_cookies(name="csrftoken")
        row.get_by_role("button", name="Lưu").click()
        failure = row.locator(".save-failure [role=alert]")
        expect(failure).to_contain_text(said("expired"))
        expect(row.locator("input[name=value]")).to_have_value("77")
        with page.expect_response(lambda r: "/values/2.1/" in r.url and r.status == 200):
            failure.get_by_role("button").click()
        expect(page.locator(ROW).locator(".badge.outcome-not_met")).to_be_visible()
    assert assessment.values.get(indicator__code="2.1").value_decimal == 77


def test_a_slow_double_submit_saves_the_last_value_once_without_a_conflict(open_page, personas, assessment):
    page = _open_sheet(open_page, assessment)
    row = page.locator(ROW)
    sent = []
    lock = threading.Lock()

    def slow(route):
        with lock:
            sent.append(route.request.post_data)
        # Long enough for the second fill to end before the first answer is swapped in, even on a
        # loaded machine (a fill straddling the swap typed into the new row's field: "7877").
        time.sleep(3)
        route.continue_()

    with step(page, "save-slow-double-submit"):
        page.route(SAVE_URL, slow)
        row.locator("input[name=value]").fill("77")
        row.get_by_role("button", name="Lưu").click()
        expect(row.locator(".saving")).to_be_visible()
        row.locator("input[name=value]").fill("78")
        row.get_by_role("button", name="Lưu").click()
        row = page.locator(ROW)
        expect(row.locator(".badge.outcome-not_met")).to_be_visible()
        expect(row.locator("input[name=value]")).to_have_value("78")
        expect(row).not_to_have_class("indicator is-unsaved", timeout=10_000)
        expect(row.locator(".conflict")).to_have_count(0)
        expect(row.locator(".save-failure")).to_have_count(0)
    assert len(sent) == 2
    assert assessment.values.get(indicator__code="2.1").value_decimal == 78
