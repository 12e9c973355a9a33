"""The Word bulletin: read back with python-docx, its sentences carry the dashboard's figures.

The known province (``tree`` and ``past``, conftest): three communes, A recognised on
18/02/2024 (12/QĐ-UBND) with 3 of 3 criteria, B and C at 0 of 3; two districts; nothing
happens after February, so the dashboard of 2024 (titles on 31/12) and the February
bulletin (titles on 29/02) read the same figures.
"""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document

from criteria.models import AssessmentState, Tier
from ntm_portal.numbers import count_of, share_percent
from reports import bulletin
from reports.bulletin import Month
from reports.bulletin.text import bulletin_text
from reports.models import BulletinText, IssuedBulletin
from reports.tests.excel.conftest import open_book, rows_of
from reports.views_bulletin import DOCX

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "1"}
FEBRUARY = "2024-02"


def read_docx(content: bytes):
    return Document(io.BytesIO(content))


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def table_texts(document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def download(client, code: str, month: str, extension: str):
    response = client.get(f"/reports/bulletin/{code}/{month}.{extension}")
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def office(client, personas):
    client.force_login(personas.province_office)
    return client


def dashboard_summary(client, code: str, year: int, tier: str = Tier.STANDARD):
    return client.get(f"/reports/{code}/", {"year": year, "tier": tier}).context["summary"]


def test_the_word_bulletin_writes_the_dashboard_figures_in_the_offices_phrasing(past, tree, office):
    summary = dashboard_summary(office, tree.province.code, 2024)
    document = read_docx(download(office, tree.province.code, FEBRUARY, "docx"))
    text = paragraphs(document)
    communes = next(p for p in text if p.startswith("Tính đến ngày"))
    assert summary.communes_total == 3 and summary.recognised["standard"] == 1
    assert communes == (  # A, recognised in February, holds it since this month: not "Duy trì"
        f"Tính đến ngày 29/02/2024, toàn tỉnh có {count_of(summary.communes_total, 'xã')} (không tính phường, "
        f"thị trấn, đặc khu). Lũy kế có {count_of(summary.recognised['standard'], 'xã')} đạt chuẩn nông thôn mới, "
        "được công nhận trong tháng; có 01 xã đạt 3 tiêu chí, còn 02 xã dưới 1 tiêu chí. "
        f"Tỷ lệ xã đạt chuẩn nông thôn mới: {share_percent(1, 3)}. Bình quân đạt 1,0 tiêu chí/xã."
    )
    assert share_percent(1, 3) == "33,3%"
    assert [b.count for b in summary.buckets] == [1, 0, 0, 2]  # 3 · 2 · 1 · under 1, as written above
    assert "Trong tháng 02/2024 có 01 đơn vị được công nhận: Xã Cẩm Thạch (Huyện Một) đạt chuẩn NTM năm 2024, " in (
        "\n".join(text)
    )
    assert "Quyết định số 12/QĐ-UBND ngày 18/02/2024." in "\n".join(text)
    assert "Có 00 thôn" not in "\n".join(text) and "Chưa có thôn, bản nào đạt chuẩn nông thôn mới." in text


def test_every_tier_is_written_even_without_data(past, tree, office):
    text = paragraphs(read_docx(download(office, tree.province.code, FEBRUARY, "docx")))
    assert "Chưa có xã nào đạt chuẩn nông thôn mới nâng cao; chưa có xã nào đánh giá theo bộ tiêu chí năm 2024." in text
    assert "Chưa có xã nào đạt chuẩn nông thôn mới kiểu mẫu; chưa có xã nào đánh giá theo bộ tiêu chí năm 2024." in text


def test_the_document_has_the_header_block_sections_tables_charts_and_signature(past, tree, office, personas):
    office.post(
        reverse("reports:bulletin_text", args=[tree.province.code, FEBRUARY]),
        {
            "superior": "UBND TỈNH NGHỆ THỬ",
            "issuer": "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI TỈNH",
            "number": "05/BT-VPĐP",
            "place": "Nghệ Thử",
            "dated": "05/03/2024",
            "official_form": "on",
            "direction": "Ban hành kế hoạch thực hiện năm 2024.\nTổ chức hội nghị sơ kết.",
            "shortcomings": "Tiến độ giải ngân còn chậm.",
            "tasks": "Hoàn thiện hồ sơ xã Đức Lĩnh.",
            "signer_title": "CHÁNH VĂN PHÒNG",
            "signer_name": "Nguyễn Văn A",
            "recipients": "- UBND tỉnh;\n- Lưu: VT.",
        },
    )
    document = read_docx(download(office, tree.province.code, FEBRUARY, "docx"))
    text = paragraphs(document)
    header = table_texts(document)[0][0]
    assert header[0].split("\n") == ["UBND TỈNH NGHỆ THỬ", "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI TỈNH", "Số: 05/BT-VPĐP"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1] and "Độc lập - Tự do - Hạnh phúc" in header[1]
    assert "Nghệ Thử, ngày 05 tháng 03 năm 2024" in header[1]
    assert text[:2] == ["BẢN TIN", "Xây dựng nông thôn mới tháng 02/2024"]
    order = [
        "1. Công tác chỉ đạo, điều hành",
        "Ban hành kế hoạch thực hiện năm 2024.",
        "Tổ chức hội nghị sơ kết.",
        "2. Kết quả thực hiện",
        "3. Tồn tại, hạn chế",
        "Tiến độ giải ngân còn chậm.",
        "4. Nhiệm vụ trọng tâm thời gian tới",
        "Hoàn thiện hồ sơ xã Đức Lĩnh.",
    ]
    assert [line for line in text if line in order] == order
    tiers = table_texts(document)[1]
    assert tiers[1][:4] == ["Xã nông thôn mới", "1", "33,3%", "1"]
    signature = table_texts(document)[-1][0]
    assert "Nơi nhận:" in signature[0] and "- Lưu: VT." in signature[0]
    assert signature[1].split("\n")[0] == "CHÁNH VĂN PHÒNG" and signature[1].endswith("Nguyễn Văn A")
    images = [
        n for n in zipfile.ZipFile(io.BytesIO(document_bytes(office, tree))).namelist() if n.startswith("word/media/")
    ]
    assert len(images) >= 1  # the bucket chart (one year: no trend yet; no funds recorded)


def document_bytes(client, tree) -> bytes:
    return download(client, tree.province.code, FEBRUARY, "docx")


def test_the_text_is_kept_with_its_history_and_carried_into_the_next_month(past, tree, office):
    url = reverse("reports:bulletin_text", args=[tree.province.code, FEBRUARY])
    base = {"issuer": "VPĐP NTM TỈNH", "place": "Nghệ Thử", "number": "05/BT", "dated": "05/03/2024"}
    assert office.post(url, base | {"tasks": "Lần một"}).status_code == 302
    assert office.post(url, base | {"tasks": "Lần hai"}).status_code == 302
    versions = BulletinText.objects.filter(unit=tree.province, month=datetime.date(2024, 2, 1))
    assert [v.tasks for v in versions.order_by("saved_at", "pk")] == ["Lần một", "Lần hai"]
    state = bulletin_text(unit=tree.province, month=Month(2024, 2))
    assert state.source == "saved" and state.draft.tasks == "Lần hai"
    march = bulletin_text(unit=tree.province, month=Month(2024, 3))
    assert march.source == "previous" and march.from_month == Month(2024, 2)
    assert march.draft.tasks == "Lần hai" and march.draft.number == "" and march.draft.dated is None
    page = office.get(reverse("reports:bulletin", args=[tree.province.code]), {"month": "2024-03"})
    assert "Lần hai" in page.content.decode()


def test_a_bad_date_is_refused_at_its_field_in_vietnamese(past, tree, office, vi_language):
    url = reverse("reports:bulletin_text", args=[tree.province.code, FEBRUARY])
    response = office.post(
        url, {"issuer": "VPĐP", "place": "Nghệ Thử", "dated": "31/02/2024"}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 400
    form = response.context["text_form"]
    assert list(form.errors) == ["dated"]
    assert "ngày hợp lệ" in form.errors["dated"][0].lower()
    assert not BulletinText.objects.exists()


def test_a_district_officer_or_an_outsider_may_not_write_the_provinces_text(past, tree, client, personas):
    url = reverse("reports:bulletin_text", args=[tree.province.code, FEBRUARY])
    client.force_login(personas.district_d1)
    assert client.post(url, {"issuer": "x", "place": "y"}).status_code in (403, 404)
    client.force_login(personas.outsider)
    assert client.post(url, {"issuer": "x", "place": "y"}).status_code == 404
    assert not BulletinText.objects.exists()


def test_a_district_committee_writes_its_own_districts_text(past, tree, client, personas):
    client.force_login(personas.district_d1)
    url = reverse("reports:bulletin_text", args=[tree.d1.code, FEBRUARY])
    assert client.post(url, {"issuer": "VPĐP NTM HUYỆN", "place": "Một"}).status_code == 302
    assert BulletinText.objects.get().unit == tree.d1


def test_issuing_freezes_the_word_bulletin_and_the_workbook_together(past, tree, office):
    url = reverse("reports:bulletin_text", args=[tree.province.code, FEBRUARY])
    office.post(url, {"issuer": "VPĐP NTM TỈNH", "place": "Nghệ Thử", "tasks": "Trước khi phát hành"})
    office.post(reverse("reports:bulletin_issue", args=[tree.province.code, FEBRUARY]), CONFIRMED)
    issued = IssuedBulletin.objects.get()
    assert issued.docx and issued.docx_sha256 and issued.sha256
    served_docx = download(office, tree.province.code, FEBRUARY, "docx")
    served_xlsx = download(office, tree.province.code, FEBRUARY, "xlsx")
    import hashlib

    assert hashlib.sha256(served_docx).hexdigest() == issued.docx_sha256
    assert hashlib.sha256(served_xlsx).hexdigest() == issued.sha256
    assert "Trước khi phát hành" in paragraphs(read_docx(served_docx))
    # The text can no longer change, and the served files stay the issued ones.
    response = office.post(url, {"issuer": "VPĐP NTM TỈNH", "place": "Nghệ Thử", "tasks": "Sau khi phát hành"})
    assert response.status_code == 302
    assert BulletinText.objects.filter(tasks="Sau khi phát hành").count() == 0
    assert download(office, tree.province.code, FEBRUARY, "docx") == served_docx
    page = office.get(reverse("reports:bulletin", args=[tree.province.code]), {"month": FEBRUARY})
    assert reverse("reports:issued_bulletin_docx", args=[issued.pk]) in page.content.decode()
    response = office.get(reverse("reports:issued_bulletin_docx", args=[issued.pk]))
    assert response["Content-Type"] == DOCX


def test_the_page_of_an_issued_month_says_its_preview_is_of_todays_data(past, tree, office, personas):
    """QA: once the February bulletin was issued, the page still previewed live figures, which
    differ from the issued file once data changes, with no word on it."""
    page_url = reverse("reports:bulletin", args=[tree.province.code])
    before = office.get(page_url, {"month": FEBRUARY}).content.decode()
    assert "was issued on" not in before
    issued = bulletin.bulletin_issue(unit=tree.province, month=Month.parse(FEBRUARY), user=personas.province_office)
    page = office.get(page_url, {"month": FEBRUARY}).content.decode()
    note = page.split('id="issued-note"')[1].split("</p>")[0]
    assert "The bulletin for 02/2024 was issued on" in note
    assert "computed from the data as it is now and may differ from the issued bulletin" in note
    assert reverse("reports:issued_bulletin", args=[issued.pk]) in note
    assert reverse("reports:issued_bulletin_docx", args=[issued.pk]) in note
    march = office.get(page_url, {"month": "2024-03"}).content.decode()
    assert 'id="issued-note"' not in march


def test_the_workbook_has_the_same_header_block_and_every_tier(past, tree, office):
    office.post(
        reverse("reports:bulletin_text", args=[tree.province.code, FEBRUARY]),
        {"superior": "UBND TỈNH NGHỆ THỬ", "issuer": "VPĐP NTM TỈNH", "place": "Nghệ Thử", "number": "05/BT"},
    )
    book = open_book(download(office, tree.province.code, FEBRUARY, "xlsx"))
    assert (
        book["Tổng hợp"]["A3"].value
        == "UBND TỈNH NGHỆ THỬ — VPĐP NTM TỈNH · Số: 05/BT · Nghệ Thử, ngày … tháng … năm …"
    )
    tiers = {row[0]: row[1:] for row in rows_of(book["Các mức đạt chuẩn"], 5) if isinstance(row[0], str)}
    summaries = {tier: dashboard_summary(office, tree.province.code, 2024, tier) for tier in Tier.values}
    for tier, name in (("standard", "Xã NTM"), ("advanced", "Xã NTM nâng cao"), ("model", "Xã NTM kiểu mẫu")):
        s = summaries[tier]
        with_data, recognised, share, new = tiers[name][:4]
        assert (with_data, recognised) == (s.communes_with_data, s.recognised[tier]), tier
        assert new == s.new[tier]
        assert round(share * 100, 1) == float(s.recognised_share[tier])


def test_the_month_list_reaches_back_to_where_the_data_begins_and_issued_bulletins_group_by_year(
    past, tree, office, personas
):
    page = office.get(reverse("reports:bulletin", args=[tree.province.code]))
    months = [m.slug for m in page.context["months"]]
    assert "2024-01" in months and months[-1] == "2024-01"
    for month in ("2024-01", "2024-02"):
        bulletin.bulletin_issue(unit=tree.province, month=Month.parse(month), user=personas.province_office)
    html = office.get(reverse("reports:bulletin", args=[tree.province.code])).content.decode()
    assert html.count("<h3>Year 2024</h3>") == 1


def test_a_commune_working_on_the_advanced_tier_shows_its_standing_in_the_matrix(past, tree, office, personas):
    from criteria.services import assessment_create
    from criteria.tests.factories import make_set

    advanced = make_set(year_from=2021, year_to=2030, tier=Tier.ADVANCED, code="NC-THU")
    assessment_create(unit=tree.a, criteria_set=advanced, year=2024, user=personas.province_office)
    book = open_book(download(office, tree.province.code, FEBRUARY, "xlsx"))
    ws = book["Xã - tiêu chí"]
    header = [c.value for c in ws[4]]
    rows = {row[2]: row for row in rows_of(ws, 5)}
    assert header[-3:] == [
        "NTM nâng cao: tiêu chí đạt/tổng",
        "NTM kiểu mẫu: tiêu chí đạt/tổng",
        "Giữ danh hiệu xã đạt chuẩn NTM (quyết định)",  # then whether it holds the title, and by which decision
    ]
    assert rows["Xã Cẩm Thạch"][-3:-1] == ("0/3", None)
    assert rows["Xã Đức Lĩnh"][-3:-1] == (None, None)
    assert rows["Xã Cẩm Thạch"][-1] == "12/QĐ-UBND, 18/02/2024"  # its decision of 18/02/2024
    assert rows["Xã Đức Lĩnh"][-1] == "Không"


def test_the_matrix_gives_each_communes_state_on_the_months_cut_off_by_its_decisions_dates(past, tree, office):
    """QA: the 10/2023 bulletin listed a commune recognised on 28/12/2023 as "Đã công nhận" and
    one revoked in 03/2024 as "Đã thu hồi công nhận", beside a summary counting them the other
    way (and an issued bulletin keeps it). A's decision is dated 18/02/2024."""
    from criteria.services import assessment_set_state

    assessment_set_state(
        assessment=past["a"],
        state=AssessmentState.REVOKED,
        user=None,
        decision_number="3/QĐ-UBND",
        decision_date=datetime.date(2024, 3, 20),
    )

    def state_of_a(month: str) -> str:
        rows = {
            row[2]: row
            for row in rows_of(open_book(download(office, tree.province.code, month, "xlsx"))["Xã - tiêu chí"], 5)
        }
        return rows[tree.a.name][4]

    assert state_of_a("2024-01") == "Dự thảo"  # its log on 31/01/2024: a draft (submitted on 12/02)
    assert state_of_a(FEBRUARY) == "Đã công nhận"
    assert state_of_a("2024-03") == "Đã thu hồi công nhận"


def test_a_districts_word_bulletin_writes_its_units_due_and_where_they_stand(past, tree, office):
    """QA: the district's Word bulletin had the heading "Mục tiêu năm … và kết quả thực hiện"
    and nothing under it (only the province's targets table was written), while the annex and
    the dashboard listed the communes due. A is recognised in 2024, B due in 2024 too."""
    from plans.tests.factories import make_target

    make_target(tree.a, "standard", 2024)
    make_target(tree.b, "standard", 2024)
    document = read_docx(download(office, tree.d1.code, FEBRUARY, "docx"))
    text = "\n".join(paragraphs(document))
    assert "Mục tiêu đến hạn năm 2024: Xã · Đạt chuẩn: đến hạn 02, đã đạt 01, đang thực hiện 01." in text
    assert "Các đơn vị đến hạn năm 2024:" in text
    due = [t for t in table_texts(document) if t[0][0] == "Đơn vị" and t[0][-1] == "Tiêu chí đạt"]
    assert [row[0] for row in due[0][1:]] == ["Xã Cẩm Thạch", "Xã Đức Lĩnh"]
    assert due[0][1][2:] == ["Đạt chuẩn", "2024", "Đã đạt", "3/3"]


def test_the_units_due_are_read_on_the_months_cut_off(past, tree, office):
    """QA: the 02/2025 bulletin listed a commune recognised on 19/06/2025 as "Đã đạt" and counted
    it reached. A's decision is dated 18/02/2024: in January's bulletin it is not reached yet."""
    from plans.tests.factories import make_target

    make_target(tree.a, "standard", 2024)
    make_target(tree.b, "standard", 2024)
    document = read_docx(download(office, tree.d1.code, "2024-01", "docx"))
    text = "\n".join(paragraphs(document))
    assert "Mục tiêu đến hạn năm 2024: Xã · Đạt chuẩn: đến hạn 02, đang thực hiện 02." in text
    due = [t for t in table_texts(document) if t[0][0] == "Đơn vị" and t[0][-1] == "Tiêu chí đạt"]
    # QA: the row read "Đã công nhận" (its state today) two months before the decision.
    # On 31/01/2024 its dossier was a draft (its log; submitted on 12/02).
    assert {row[0]: row[4] for row in due[0][1:]}["Xã Cẩm Thạch"] == "Dự thảo"
    book = open_book(download(office, tree.d1.code, "2024-01", "xlsx"))
    (a_row,) = [row for row in rows_of(book["Kế hoạch"], 1) if "Xã Cẩm Thạch" in row]
    assert "Đã đạt" not in a_row and "Đã công nhận" not in a_row and "Dự thảo" in a_row


def test_funds_are_written_charted_and_drawn_natively_in_both_files(past, tree, office):
    from plans.tests.factories import make_fund

    make_fund(tree.a, 2024, 1, "district", 650_000_000)
    make_fund(tree.a, 2024, 2, "residents", 13_055_000_000)
    text = "\n".join(paragraphs(read_docx(download(office, tree.province.code, FEBRUARY, "docx"))))
    assert "\n2.4. Các tiêu chí còn nhiều xã chưa đạt\n" in text and "\n2.5. Huy động nguồn lực\n" in text
    assert (
        "Tổng nguồn vốn huy động từ đầu năm đến hết tháng 02/2024: 13.705.000.000 đồng "
        "(trong tháng: 13.055.000.000 đồng); gồm: ngân sách huyện 650.000.000 đồng (4,7%), "
        "nhân dân đóng góp 13.055.000.000 đồng (95,3%)." in text
    )
    content = download(office, tree.province.code, FEBRUARY, "xlsx")
    archive = zipfile.ZipFile(io.BytesIO(content))
    charts = " ".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart"))
    assert "'Nguồn vốn'!$C$" in charts
    cells = [v for row in rows_of(open_book(content)["Nguồn vốn"], 4) for v in row]
    assert 13_705_000_000 in cells and 650_000_000 in cells  # the same amounts as written


def test_a_revocation_of_the_month_is_reported_beside_its_recognitions(tree, office):
    """QA: commune A recognised (77/QĐ-UBND) and its title revoked (5/QĐ-UBND) in June 2025: the
    bulletin listed the recognition only, and no decision of the month took the title away."""
    from criteria.models import AssessmentState
    from criteria.services import assessment_set_state
    from reports.tests.factories import make_assessment, make_flat_set

    standard = make_flat_set(code="R-19", total=19, year_to=2030)
    a = make_assessment(tree.a, standard, 2025, 19, "appraised")
    for state, number, day in (
        (AssessmentState.RECOGNISED, "77/QĐ-UBND", datetime.date(2025, 6, 10)),
        (AssessmentState.REVOKED, "5/QĐ-UBND", datetime.date(2025, 6, 30)),
    ):
        assessment_set_state(assessment=a, state=state, user=None, decision_number=number, decision_date=day)
    document = read_docx(download(office, "40", "2025-06", "docx"))
    text = " ".join(paragraphs(document))
    assert "Xã Cẩm Thạch (Huyện Một) đạt chuẩn NTM năm 2025, Quyết định số 77/QĐ-UBND ngày 10/06/2025" in text
    assert (
        "Có 01 đơn vị bị thu hồi danh hiệu: Xã Cẩm Thạch (Huyện Một): danh hiệu NTM (đánh giá năm 2025) công nhận tại "
        "Quyết định số 77/QĐ-UBND ngày 10/06/2025, thu hồi theo Quyết định số 5/QĐ-UBND ngày 30/06/2025."
    ) in text
    revocations = [t for t in table_texts(document) if t[0][0] == "Đơn vị bị thu hồi danh hiệu"]
    assert revocations == [
        [
            ["Đơn vị bị thu hồi danh hiệu", "Thuộc", "Mức đạt", "Năm", "Số quyết định thu hồi", "Ngày"],
            # Where it belongs: QA saw two "Xóm 2" of two communes in one table, told apart by nothing.
            ["Xã Cẩm Thạch", "Huyện Một", "NTM", "2025", "5/QĐ-UBND", "30/06/2025"],
        ]
    ]
    book = open_book(download(office, "40", "2025-06", "xlsx"))
    cells = [value for row in rows_of(book["Công nhận mới"], 1) for value in row if value is not None]
    assert "Đơn vị bị thu hồi danh hiệu trong tháng" in cells and "5/QĐ-UBND" in cells and "77/QĐ-UBND" in cells


def test_the_word_tables_write_every_average_to_one_place(past, tree, office):
    """QA: the averages column read 15,64 / 12,9 / 12; the Excel annex and the dashboard give one place."""
    tables = table_texts(read_docx(download(office, tree.province.code, FEBRUARY, "docx")))
    averages = [
        row[table[0].index(heading)]
        for table in tables
        for heading in ("Bình quân tiêu chí/xã", "Bình quân tiêu chí")
        if heading in table[0]
        for row in table[1:]
    ]
    assert averages and all(a == "" or (a.count(",") == 1 and len(a.split(",")[1]) == 1) for a in averages), averages


def test_every_word_tables_column_names_repeat_on_each_page_it_runs_onto(past, tree, office):
    """QA: a long table of communes went on to the next page without its column names (and a
    row could be cut between two pages)."""
    from docx.oxml.ns import qn

    document = read_docx(download(office, tree.province.code, FEBRUARY, "docx"))
    lists = [t for t in document.tables if len(t.columns) > 2]  # not the two-column header block
    assert lists
    for table in lists:
        first, *rest = table.rows
        assert first._tr.trPr is not None and first._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in rest)
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_every_heading_is_kept_on_the_page_of_what_follows_it(past, tree, office):
    """QA: "Mục tiêu năm 2025 và kết quả thực hiện" sat alone at the foot of a page with its
    paragraphs and tables on the next. Headings (bold, not centred: the header block's lines
    are centred) and the line introducing a table of units keep with the next paragraph."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from plans.tests.factories import make_target

    make_target(tree.a, "standard", 2024)
    document = read_docx(download(office, tree.d1.code, FEBRUARY, "docx"))
    headings = [
        p
        for p in document.paragraphs
        if p.text.strip() and p.runs and all(r.bold for r in p.runs) and p.alignment != WD_ALIGN_PARAGRAPH.CENTER
    ]
    texts = [p.text for p in headings]
    assert {"1. Công tác chỉ đạo, điều hành", "2. Kết quả thực hiện", "Mục tiêu năm 2024 và kết quả thực hiện"} <= set(
        texts
    )
    assert [p.text for p in headings if not p.paragraph_format.keep_with_next] == []
    (due_line,) = [p for p in document.paragraphs if p.text == "Các đơn vị đến hạn năm 2024:"]
    assert due_line.paragraph_format.keep_with_next


def test_a_province_target_not_met_reads_the_same_on_the_dashboard_in_the_workbook_and_in_word(past, tree, office, vi):
    """QA: the dashboard said "Chưa đạt" for a target not met, the Word and Excel "Đạt" columns
    "Không". One commune holds the standard in February 2024 against a target of 2."""
    from plans.models import ProvinceTarget

    ProvinceTarget.objects.create(
        province=tree.province,
        period_from=2024,
        period_to=2024,
        communes_standard=2,
        basis="KH 9",
        entered_at="2024-01-01T00:00:00Z",
    )
    page = office.get("/reports/40/", {"year": 2024}).content.decode()
    section = page[page.index('id="plan-against-result"') :]
    row = section[: section.index("</tr>", section.index("<tbody>"))]
    assert '<span class="badge badge-not_met">Chưa đạt</span>' in row
    # The column of a province's targets is "Chỉ tiêu" (a target of the plan), not a criterion's "Mức đạt".
    assert '<th scope="col">Chỉ tiêu</th>' in section[: section.index("<tbody>")]

    book = open_book(download(office, tree.province.code, FEBRUARY, "xlsx"))
    (line,) = [r for r in rows_of(book["Kế hoạch"], 1) if r and str(r[0]).startswith("Xã được công nhận")]
    assert line[-1] == "Chưa đạt"
    assert any(r and r[0] == "Chỉ tiêu" and "Mức đạt" not in r for r in rows_of(book["Kế hoạch"], 1))

    document = read_docx(download(office, tree.province.code, FEBRUARY, "docx"))
    (targets,) = [t for t in table_texts(document) if t[0] == ["Chỉ tiêu", "Kế hoạch", "Thực hiện", "Tỷ lệ đạt", "Đạt"]]
    assert targets[1][-1] == "Chưa đạt"
