"""Daily use in a real browser: money as typed, an ended session, confirmations, the inbox,
and no page wider than a phone. Every check waits for the state it expects."""

import datetime
import re
import time
import zoneinfo

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from criteria.models import Assessment, AssessmentState
from criteria.services import ValueEntry, assessment_record_values, assessment_transition
from e2e.conftest import sign_in, step
from ntm_portal.middleware import LAST_SEEN_AT
from plans.models import FundEntry

pytestmark = pytest.mark.django_db(transaction=True)

COMPLETE = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]


def _end_session(page) -> None:
    """As if the officer had left the page open past the idle timeout."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[LAST_SEEN_AT] = int(time.time()) - 24 * 3600
    session.save()


def test_money_is_kept_as_typed_and_read_on_the_server(open_page, personas, tree):
    page = open_page()
    sign_in(page, "officer_a")
    page.goto(page.base + "/plans/40101/?year=2025")
    cells = page.locator("input[data-money]")
    with step(page, "money-words-left-as-typed"):
        cells.nth(0).fill("1,5 tỷ")
        cells.nth(1).fill("2500000")
        cells.nth(2).focus()  # leaving the cells is when the old script rewrote them
        expect(cells.nth(0)).to_have_value("1,5 tỷ")
        expect(cells.nth(1)).to_have_value("2.500.000")  # the same number, grouped
    with step(page, "money-saved-and-shown-back"):
        with page.expect_navigation():
            page.locator("#funds button[type=submit]").click()
        expect(page.locator("input[data-money]").nth(0)).to_have_value("1.500.000.000")
        assert sorted(FundEntry.objects.values_list("amount", flat=True)) == [2_500_000, 1_500_000_000]
    with step(page, "money-refused-at-the-cell"):
        page.locator("input[data-money]").nth(2).fill("1,5 đô")
        with page.expect_navigation():
            page.locator("#funds button[type=submit]").click()
        expect(page.locator("td.has-error .error")).to_contain_text("không phải là số")
        expect(page.locator("input[data-money]").nth(2)).to_have_value("1,5 đô")


def test_a_value_saved_after_the_session_ended_is_sent_again_after_signing_in(open_page, personas, assessment):
    page = open_page()
    sign_in(page, "officer_a")
    page.goto(f"{page.base}/assessments/{assessment.pk}/")
    with step(page, "session-ended-save-goes-to-sign-in"):
        _end_session(page)
        row = page.locator("article[id='ind-2.1']")
        row.locator("input[name=value]").fill("85,5")
        with page.expect_navigation(url=re.compile(r"/accounts/login/\?next=")):
            row.locator("form[data-keep-unsaved] button[type=submit]").click()
        assert f"next=/assessments/{assessment.pk}/" in page.url.replace("%2F", "/")
    with step(page, "signed-in-again-value-sent"):
        page.fill("#id_username", "officer_a")
        page.fill("#id_password", "a-long-test-password")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        expect(page.locator("#resent-notice")).to_be_visible()
        expect(page.locator("article[id='ind-2.1'] input[name=value]")).to_have_value("85,5")
        expect(page.locator("article[id='ind-2.1'] .badge.outcome-met")).to_be_visible()
    assert assessment.values.get(indicator__code="2.1").value_decimal == 85.5


def test_the_idle_warning_offers_to_stay_signed_in(open_page, personas, assessment, settings):
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(seconds=8)  # the page warns after 3 s
    page = open_page()
    sign_in(page, "officer_a")
    page.goto(f"{page.base}/assessments/{assessment.pk}/")
    warning = page.locator("#session-warning")
    with step(page, "idle-warning-shown"):
        expect(warning).to_be_hidden()
        expect(warning.locator(".session-active")).to_be_visible(timeout=10_000)
        expect(warning.locator("[data-session-end]")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    with step(page, "idle-warning-stay-signed-in"):
        with page.expect_response(lambda r: "/accounts/session/" in r.url and r.status == 204):
            warning.get_by_role("button").click()
        expect(warning).to_be_hidden()


def test_the_idle_warning_tells_the_end_in_vietnam_time_whatever_the_browsers_zone(
    open_page, personas, assessment, settings
):
    """QA: "Phiên làm việc sẽ kết thúc lúc 10:37" was the browser's clock; the page speaks Vietnam time."""
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=30)
    page = open_page(timezone_id="America/New_York")  # 11 or 12 hours behind Vietnam
    sign_in(page, "officer_a")
    vietnam = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    before = datetime.datetime.now(vietnam)
    page.goto(f"{page.base}/assessments/{assessment.pk}/")
    after = datetime.datetime.now(vietnam)
    with step(page, "idle-warning-vietnam-time"):
        warning = page.locator("#session-warning")
        idle = datetime.timedelta(seconds=int(warning.get_attribute("data-idle-seconds")))
        expect(warning.locator("[data-session-end]")).to_have_text(re.compile(r"^\d\d:\d\d$"))
        assert warning.locator("[data-session-end]").text_content() in {
            f"{before + idle:%H:%M}",
            f"{after + idle:%H:%M}",
        }


def test_submitting_asks_first_and_cancel_changes_nothing(open_page, personas, assessment):
    assessment_record_values(assessment=assessment, entries=COMPLETE, user=personas.officer_a)
    page = open_page()
    sign_in(page, "officer_a")
    page.goto(f"{page.base}/assessments/{assessment.pk}/")
    with step(page, "confirm-cancel"):
        with page.expect_navigation():
            page.locator("form[action$='/actions/submit/'] button[type=submit]").click()
        expect(page.locator("h1")).to_contain_text("Gửi bản tự đánh giá năm 2025 của Xã Cẩm Thạch?")
        expect(page.locator(".consequences")).to_contain_text("không sửa được nữa")
        with page.expect_navigation():
            page.get_by_role("link", name="Hủy, không thay đổi gì").click()
        assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.DRAFT
    with step(page, "confirm-yes"):
        with page.expect_navigation():
            page.locator("form[action$='/actions/submit/'] button[type=submit]").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Đồng ý, gửi").click()
        expect(page.locator("#sheet-summary .badge")).to_have_text("Đã gửi")
    assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.SUBMITTED


def test_a_returned_assessment_waits_in_the_officers_inbox_with_its_reason(open_page, personas, assessment):
    assessment_record_values(assessment=assessment, entries=COMPLETE, user=personas.officer_a)
    assessment_transition(assessment=assessment, action="submit", user=personas.officer_a)
    page = open_page(width=390)
    with step(page, "inbox-district-verifies"):
        sign_in(page, "district_d1")
        expect(page.locator("#my-work .inbox-counts")).to_contain_text("1 chờ bạn thẩm tra")
    assessment_transition(
        assessment=assessment, action="return", user=personas.district_d1, comment="Thiếu biên bản họp"
    )
    page = open_page(width=390)
    with step(page, "inbox-officer-returned"):
        sign_in(page, "officer_a")
        inbox = page.locator("#my-work")
        expect(inbox.locator(".inbox-counts")).to_contain_text("1 bị trả lại để bạn chỉnh sửa")
        expect(inbox.locator(".reason")).to_contain_text("Thiếu biên bản họp")
        with page.expect_navigation():
            inbox.locator(".inbox-item a").click()
        expect(page.locator(".sheet-status")).to_contain_text("Thiếu biên bản họp")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
