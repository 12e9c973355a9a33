"""An issued month and the two readings: issuing froze the valid-time reading (reports/README,
"Two readings"); "as recorded" is another reading, rebuilt from the logs at the month's end,
and is built and labelled as such, never answered with the issued file (QA: after issuing
12/2022, ``.xlsx?reading=recorded`` returned the issued file, headed "đúng với tháng báo cáo",
while the page said "Như đã ghi nhận")."""

import io

import pytest
from django.urls import reverse
from docx import Document

from reports import bulletin
from reports.bulletin import Month
from reports.tests.excel.conftest import open_book, rows_of

pytestmark = pytest.mark.django_db

FEBRUARY = "2024-02"


def get(client, extension: str, **query) -> bytes:
    response = client.get(f"/reports/bulletin/40/{FEBRUARY}.{extension}", query)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def issued(client, past, tree, personas):
    client.force_login(personas.province_office)
    return bulletin.bulletin_issue(unit=tree.province, month=Month.parse(FEBRUARY), user=personas.province_office)


def test_the_issued_file_is_the_valid_time_reading(client, issued):
    with issued.file.open("rb") as f:
        workbook = f.read()
    with issued.docx.open("rb") as f:
        document = f.read()
    assert get(client, "xlsx") == get(client, "xlsx", reading="valid") == workbook
    assert get(client, "docx") == get(client, "docx", reading="valid") == document


def test_as_recorded_is_built_and_labelled_not_the_issued_file(client, issued):
    with issued.file.open("rb") as f:
        workbook = f.read()
    recorded = get(client, "xlsx", reading="recorded")
    assert recorded != workbook
    book = open_book(recorded)
    assert "(như đã ghi nhận)" in book["Tổng hợp"]["A2"].value
    notes = {r[0]: r[1] for r in rows_of(book["Ghi chú"], 4) if r[0]}
    assert not notes["Tình trạng"].startswith("Bản phát hành chính thức")
    document = Document(io.BytesIO(get(client, "docx", reading="recorded")))
    assert any(p.text.startswith("Số liệu như đã ghi nhận tại thời điểm chốt") for p in document.paragraphs)
    assert document.core_properties.comments.startswith("Bản xem trước")


def test_the_page_of_an_issued_month_offers_the_reading_it_shows(client, issued):
    page_url = reverse("reports:bulletin", args=["40"])
    xlsx = reverse("reports:bulletin_xlsx", args=["40", FEBRUARY])
    docx = reverse("reports:bulletin_docx", args=["40", FEBRUARY])
    recorded = client.get(page_url, {"month": FEBRUARY, "reading": "recorded"}).content.decode()
    assert f'href="{xlsx}?reading=recorded"' in recorded and f'href="{docx}?reading=recorded"' in recorded
    assert "they are not the issued bulletin" in recorded
    assert reverse("reports:issued_bulletin", args=[issued.pk]) in recorded  # the issued one is still offered
    # Its preview says which reading it is (it said "computed from the data as it is now").
    assert "as recorded at the end of the month, read from the change logs" in recorded
    assert "computed from the data as it is now" not in recorded
    valid = client.get(page_url, {"month": FEBRUARY}).content.decode()
    assert "?reading=recorded" not in valid and "they are not the issued bulletin" not in valid
    assert "computed from the data as it is now" in valid
