"""The sheet's indicator rows: one template for the page and the row saved with htmx."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from criteria import display

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def article(html: str, code: str) -> str:
    start = html.index(f'<article class="indicator" id="ind-{code}"')
    return TOKEN.sub("", html[start : html.index("</article>", start)])


def test_the_row_saved_with_htmx_is_the_row_the_page_shows(client, personas, assessment, vi):
    client.force_login(personas.officer_a)
    url = reverse("record_value", args=[assessment.pk, "2.1"])
    swapped = client.post(url, {"value": "85,5", "note": "đo lại", "version": 0}, **HTMX).content.decode()
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "85,5" in article(page, "2.1") and "đo lại" in article(page, "2.1")
    assert article(swapped, "2.1") == article(page, "2.1")


def test_what_users_typed_is_escaped_in_the_rows(client, personas, assessment, tmp_path):
    client.force_login(personas.officer_a)
    url = reverse("record_value", args=[assessment.pk, "2.1"])
    client.post(url, {"value": "85", "note": "<script>alert(1)</script>", "version": 0}, **HTMX)
    with override_settings(MEDIA_ROOT=tmp_path):
        upload = SimpleUploadedFile("<i>biên bản & ảnh.pdf", PDF, content_type="application/pdf")
        client.post(reverse("upload_evidence", args=[assessment.pk, "1.1"]), {"file": upload}, **HTMX)
        page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<i>biên" not in page and "&lt;i&gt;biên bản &amp; ảnh.pdf" in page


@pytest.mark.parametrize(
    "language, words",
    [
        ("vi", ["Mức đạt", "Lưu", "Ghi chú", "Đính kèm minh chứng"]),
        ("en", ["Target", "Save", "Note", "Attach evidence"]),
    ],
)
def test_the_rows_speak_the_pages_language(client, personas, assessment, language, words):
    client.force_login(personas.officer_a)
    with translation.override(language):
        row = article(client.get(reverse("assessment", args=[assessment.pk])).content.decode(), "2.1")
    assert all(word in row for word in words), row


@pytest.mark.parametrize("code", ["2.1", "10a", "QĐ 1:b", "x&y?z#"])
def test_the_rows_addresses_are_those_reverse_gives(code):
    urls = display.SheetUrls.of(7)
    assert urls.for_code(code) == (
        reverse("record_value", args=[7, code]),
        reverse("upload_evidence", args=[7, code]),
    )
