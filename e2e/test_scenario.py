"""From a commune officer's first value to the province dashboard, in a real browser."""

import datetime
import io

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from criteria.models import Assessment, AssessmentState, Evidence
from e2e.conftest import sign_in, sign_out, step

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def save_value(page, code: str, value: str) -> None:
    row = page.locator(f"article[id='ind-{code}']")
    row.locator("input[name=value]").fill(value)
    with page.expect_response(lambda r: f"/values/{code}/" in r.url):
        row.locator("form button[type=submit]").first.click()
    settled(page)


def settled(page) -> None:
    """Wait until htmx has swapped what it received (it marks elements while a request runs)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


CONFIRMED = {"submit", "recognise", "revoke"}  # these ask "are you sure?" on a page of their own


def act(page, action: str, **fields) -> None:
    form = page.locator(f"form[action$='/actions/{action}/']")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    if action in CONFIRMED:
        confirm = page.locator("form.confirm-actions")
        confirm.wait_for()
        with page.expect_navigation():
            confirm.locator("button[type=submit]").click()
    page.locator(".messages").wait_for()


def test_from_entry_to_recognition_to_the_dashboard(open_page, personas, assessment, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    page = open_page()
    url = f"{page.base}/assessments/{assessment.pk}/"

    with step(page, "01-officer-signs-in"):
        sign_in(page, "officer_a")
        assert page.url.endswith("/units/40101/")
        page.goto(page.base + "/units/40101/?year=2025")
        with page.expect_navigation():
            page.click(f"a[href='/assessments/{assessment.pk}/']")

    with step(page, "02-wrong-value-message-at-the-field"):
        save_value(page, "2.1", "150")
        # Wait for the swapped row, not just the response: the swap comes a moment later.
        expect(page.locator("article[id='ind-2.1'] .error")).to_contain_text("phải từ 0 đến 100")
        expect(page.locator("article[id='ind-2.1'] input[name=value]")).to_have_attribute("aria-invalid", "true")

    with step(page, "03-values-saved-without-reload"):
        save_value(page, "2.1", "85,5")
        save_value(page, "3.1", "50")
        save_value(page, "3.2", "0")
        expect(page.locator("#sheet-summary .big")).to_have_text("3/3")

    with step(page, "04-evidence"):
        row = page.locator("article[id='ind-1.1']")
        row.locator("details summary").click()
        row.locator("input[type=file]").set_input_files(
            {"name": "bien-ban-hop.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        with page.expect_response(lambda r: "/evidence/" in r.url):
            row.locator("details button[type=submit]").click()
        expect(page.locator("article[id='ind-1.1']")).to_contain_text("bien-ban-hop.pdf")
        assert Evidence.objects.filter(value__assessment=assessment).count() == 1

    with step(page, "05-submit"):
        act(page, "submit")
        assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.SUBMITTED

    with step(page, "06-district-verifies"):
        sign_out(page)
        sign_in(page, "district_d1")
        page.goto(url)
        act(page, "verify", comment="Hồ sơ đầy đủ")

    with step(page, "07-province-appraises-and-recognises"):
        sign_out(page)
        sign_in(page, "province_office")
        page.goto(url)
        act(page, "appraise")
        act(
            page,
            "recognise",
            decision_number="123/QĐ-UBND",
            decision_date=datetime.date(2025, 12, 20).strftime("%d/%m/%Y"),
        )
        assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.RECOGNISED
        assert "123/QĐ-UBND" in page.content()

    with step(page, "08-dashboard-bucket-and-recognised"):
        page.goto(page.base + "/reports/40/?year=2025&tier=standard")
        text = page.inner_text("main")
        assert "Xã giữ danh hiệu: Đạt chuẩn" in text
        with page.expect_navigation():
            page.click("a[href*='/reports/40/communes/'][href*='bucket=3-3']")
        assert "Xã Cẩm Thạch" in page.inner_text("main")

    with step(page, "09-bulletin-downloads-and-opens"):
        page.goto(page.base + "/reports/bulletin/40/?month=2025-12")
        with page.expect_download() as download:
            page.click("a[href*='/reports/bulletin/40/2025-12.xlsx']")
        workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
        cells = [str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
        assert any("Xã Cẩm Thạch" in c for c in cells)

    with step(page, "10-word-bulletin-written-previewed-downloaded"):
        page.fill("#id_number", "12/BT-VPĐP")
        page.fill("#id_direction", "Tổ chức hội nghị triển khai kế hoạch năm.")
        page.fill("#id_tasks", "Hoàn thiện hồ sơ các xã đăng ký năm 2026.")
        with page.expect_navigation():
            page.click("form.bulletin-text-form button[type=submit]")
        preview = page.inner_text(".bulletin-preview")
        assert "Tổ chức hội nghị triển khai kế hoạch năm." in preview
        assert "Số: 12/BT-VPĐP" in preview
        written = next(line for line in preview.splitlines() if line.startswith("Tính đến ngày"))
        with page.expect_download() as download:
            page.click("a[href*='/reports/bulletin/40/2025-12.docx']")
        document = Document(io.BytesIO(download.value.path().read_bytes()))
        paragraphs = [p.text for p in document.paragraphs]
        assert "Tổ chức hội nghị triển khai kế hoạch năm." in paragraphs
        assert written in paragraphs  # the preview is the document
        # recognised on 20/12: held since this month, not "Duy trì" (kept from before)
        assert "Lũy kế có 01 xã đạt chuẩn nông thôn mới, được công nhận trong tháng" in written
        with page.expect_download() as download:
            page.click("a[href*='/reports/bulletin/40/2025-12.xlsx']")
        summary = load_workbook(io.BytesIO(download.value.path().read_bytes()))["Tổng hợp"]
        assert "Số: 12/BT-VPĐP" in summary["A3"].value
