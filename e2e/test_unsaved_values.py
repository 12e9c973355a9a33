"""Values typed on the sheet but not saved: the workflow buttons stop and say which, leaving the
page asks first, and a saved (or restored) row no longer counts."""

import pytest
from playwright.sync_api import expect

from criteria.models import Assessment, AssessmentState
from criteria.services import ValueEntry, assessment_record_values
from e2e.conftest import sign_in, step

pytestmark = pytest.mark.django_db(transaction=True)

COMPLETE = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]
SUBMIT = "form[action$='/actions/submit/'] button[type=submit]"


def test_submit_stops_while_a_typed_value_is_not_saved(open_page, personas, assessment):
    assessment_record_values(assessment=assessment, entries=COMPLETE, user=personas.officer_a)
    page = open_page()
    sign_in(page, "officer_a")
    sheet = f"{page.base}/assessments/{assessment.pk}/"
    page.goto(sheet)
    row_21 = page.locator("article[id='ind-2.1']")
    row_32 = page.locator("article[id='ind-3.2']")
    warning = page.locator("#workflow .unsaved-warning")
    with step(page, "unsaved-submit-stopped"):
        # QA: every row showed its Undo button before anything was typed (.button beat [hidden]).
        expect(page.locator("[data-undo]:visible")).to_have_count(0)
        row_21.locator("input[name=value]").fill("55")
        row_32.locator("textarea[name=note]").fill("Theo báo cáo của thôn")
        expect(row_21).to_have_class("indicator is-unsaved")
        page.locator(SUBMIT).click()
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("2 ")
        expect(warning.get_by_role("link")).to_have_text(["2.1", "3.2"])
        assert page.url == sheet
        assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.DRAFT
    with step(page, "unsaved-leaving-asks"):
        dialogs = []

        def stay(dialog):
            dialogs.append(dialog.type)
            dialog.dismiss()

        page.on("dialog", stay)
        page.locator("#workflow").get_by_role("heading").click()  # a user gesture, as a browser wants
        page.locator("header a").first.click()
        expect(row_21.locator("input[name=value]")).to_have_value("55")
        assert dialogs == ["beforeunload"]
        page.remove_listener("dialog", stay)
    with step(page, "unsaved-restored-and-saved-rows-do-not-count"):
        row_32.locator("button[data-undo]").click()
        expect(row_32.locator("textarea[name=note]")).to_have_value("")
        with page.expect_response(lambda r: "/values/2.1/" in r.url):
            row_21.get_by_role("button", name="Lưu").click()
        expect(page.locator("article[id='ind-2.1'] .badge.outcome-not_met")).to_be_visible()
        expect(page.locator("article[id='ind-2.1']")).not_to_have_class("indicator is-unsaved")
        with page.expect_navigation():
            page.locator(SUBMIT).click()
        expect(page.get_by_role("button", name="Đồng ý, gửi")).to_be_visible()
    assert assessment.values.get(indicator__code="2.1").value_decimal == 55


def test_attaching_evidence_keeps_a_value_typed_in_the_row(open_page, personas, assessment):
    """QA: typing 91 in 3.1, then attaching a PDF in the same row swapped the row in again with
    the saved value, unmarked: the typed value was dropped without a word."""
    page = open_page()
    sign_in(page, "officer_a")
    page.goto(f"{page.base}/assessments/{assessment.pk}/")
    row = page.locator("article[id='ind-3.1']")
    with step(page, "unsaved-kept-across-evidence-upload"):
        row.locator("input[name=value]").fill("91")
        row.locator("details.evidence summary").click()
        row.locator("input[type=file]").set_input_files(
            {"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        )
        with page.expect_response(lambda r: "evidence" in r.url):
            row.locator("form.inline-form button[type=submit]").click()
        row = page.locator("article[id='ind-3.1']")
        expect(row.get_by_text("bien-ban.pdf")).to_be_visible()
        expect(row.locator("input[name=value]")).to_have_value("91")
        expect(row).to_have_class("indicator is-unsaved")


def test_keeping_the_saved_value_settles_the_conflict_on_the_row(open_page, personas, assessment):
    """QA: after "Giữ giá trị đã lưu" the conflict box stayed, still reading "Giá trị của bạn: 82"."""
    page = open_page()
    sign_in(page, "officer_a")
    page.goto(f"{page.base}/assessments/{assessment.pk}/")
    row = page.locator("article[id='ind-2.1']")
    with step(page, "conflict-settled-by-keeping-the-saved-value"):
        assessment_record_values(
            assessment=assessment, entries=[ValueEntry("2.1", "81")], user=personas.province_office
        )
        row.locator("input[name=value]").fill("82")
        with page.expect_response(lambda r: "/values/2.1/" in r.url):
            row.get_by_role("button", name="Lưu").click()
        row = page.locator("article[id='ind-2.1']")
        expect(row.locator(".conflict")).to_be_visible()
        row.locator("[data-undo-link]").click()
        expect(row.locator(".conflict")).to_have_count(0)
        expect(row.locator("input[name=value]")).to_have_value("81")
        expect(row.get_by_role("button", name="Lưu")).to_be_visible()
        expect(row).not_to_have_class("indicator is-unsaved")
