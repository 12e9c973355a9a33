"""The monthly bulletin: what a reader of the workbook finds, as of the month's end."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communes.tests.factories import CommuneFactory, UserFactory
from criteria.models import AssessmentState
from criteria.services import ValueEntry, assessment_record_values, assessment_set_state
from reports import bulletin
from reports.bulletin import Month
from reports.models import IssuedBulletin, JobStatus, ReportJob
from reports.tests.excel.conftest import open_book, rows_of
from reports.views_excel import XLSX
from reports.xlsx import MET_FILL, NOT_MET_FILL

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "1"}  # past the "issue this bulletin?" step


def build(unit, month, user=None, **kwargs):
    content, _cutoff = bulletin.bulletin_build(unit=unit, month=Month.parse(month), user=user, **kwargs)
    return open_book(content)


TOTAL = "Tổng số xã (không tính phường, thị trấn, đặc khu)"
STANDARD = "Xã đạt chuẩn NTM (giữ danh hiệu đến thời điểm báo cáo)"
RECORDED = bulletin.Reading.RECORDED


def summary_figures(book) -> dict:
    ws = book["Tổng hợp"]
    return {row[0]: row[1:] for row in rows_of(ws, 5) if isinstance(row[0], str)}


def matrix_rows(book) -> dict:
    ws = book["Xã - tiêu chí"]
    return {row[2]: row for row in rows_of(ws, 5)}


def test_the_bulletin_has_every_sheet_in_vietnamese(past, tree):
    book = build(tree.province, "2024-02")
    assert book.sheetnames == [
        "Tổng hợp",
        "Các mức đạt chuẩn",
        "Theo đơn vị",
        "Xã - tiêu chí",
        "Tiêu chí chưa đạt",
        "Công nhận mới",
        "Ghi chú",
    ]
    assert book["Tổng hợp"]["A1"].value == "BẢN TIN NÔNG THÔN MỚI THÁNG 02/2024 — TỈNH NGHỆ THỬ"
    assert book.properties.title == "Bản tin nông thôn mới tháng 02/2024 — Tỉnh Nghệ Thử"  # QA: "— tỉnh nghệ thử"
    for ws in book.worksheets:
        assert ws.freeze_panes is not None and ws.print_title_rows is not None, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True


def test_february_counts_the_recognition_of_february(past, tree):
    figures = summary_figures(build(tree.province, "2024-02"))
    assert figures[TOTAL][0] == 3
    assert figures["Xã có số liệu đánh giá (bộ tiêu chí NTM)"][0] == 3
    assert figures[STANDARD][:3] == (1, 1, pytest.approx(1 / 3))  # to date, new this month, share


def test_as_recorded_a_past_month_shows_the_data_as_it_stood_at_its_end(past, tree):
    # January: A had criterion 1 only, C did not exist yet, nothing was recognised.
    book = build(tree.province, "2024-01", reading=RECORDED)
    figures = summary_figures(book)
    assert figures["Xã có số liệu đánh giá (bộ tiêu chí NTM)"][0] == 2
    assert figures[STANDARD][:2] == (0, 0)
    rows = matrix_rows(book)
    a = rows["Xã Cẩm Thạch"]
    assert a[4:7] == ("Dự thảo", 1, 3)
    assert a[7:10] == ("✓", "✗", "✗")
    assert rows["Xã Ân Phú"][4] == "Chưa có số liệu"
    notes = {row[0]: row[1] for row in rows_of(book["Ghi chú"], 4) if row[0]}
    assert notes["Thời điểm chốt số liệu"] == datetime.datetime(2024, 1, 31, 23, 59, 59)
    assert "như đã ghi nhận" in notes["Cách chốt số liệu"]


def test_in_valid_time_a_past_month_shows_its_year_as_known_now(past, tree):
    # January 2024 reports assessment year 2024 as it stands: A's 3 of 3, C's assessment too;
    # A's recognition is dated 18/02, so it is not yet held at the end of January.
    book = build(tree.province, "2024-01")
    figures = summary_figures(book)
    assert figures["Xã có số liệu đánh giá (bộ tiêu chí NTM)"][0] == 3
    assert figures[STANDARD][:2] == (0, 0)
    # Its values as they stand; its state on 31/01: no decision by then, and its log a draft.
    assert matrix_rows(book)["Xã Cẩm Thạch"][4:7] == ("Dự thảo", 3, 3)
    notes = {row[0]: row[1] for row in rows_of(book["Ghi chú"], 4) if row[0]}
    assert "kể cả số liệu nhập sau" in notes["Cách chốt số liệu"]


def test_later_changes_do_not_alter_a_past_month_as_recorded(past, tree, personas):
    before = rows_of(build(tree.province, "2024-02", reading=RECORDED)["Xã - tiêu chí"], 5)
    assessment_set_state(
        assessment=past["a"],
        state=AssessmentState.REVOKED,
        user=personas.province_office,
        decision_number="9/QĐ",
        decision_date=datetime.date(2024, 2, 25),
    )
    assessment_record_values(assessment=past["b"], entries=[ValueEntry("1.1", "có")], user=personas.officer_b)
    assert rows_of(build(tree.province, "2024-02", reading=RECORDED)["Xã - tiêu chí"], 5) == before
    # Valid time: the revocation dated 25/02 and B's value belong to February's year.
    now = build(tree.province, "2024-02")
    assert matrix_rows(now)["Xã Đức Lĩnh"][7] == "✓"
    assert matrix_rows(now)["Xã Cẩm Thạch"][4] == "Đã thu hồi công nhận"
    assert summary_figures(now)[STANDARD][:2] == (0, 1)  # recognised on 18/02, revoked on 25/02


def test_the_current_month_is_cut_off_now(past, tree):
    before = timezone.now()
    book = build(tree.province, Month.of(before).slug)
    notes = {row[0]: row[1] for row in rows_of(book["Ghi chú"], 4) if row[0]}
    cutoff = timezone.make_aware(notes["Thời điểm chốt số liệu"])
    assert before - datetime.timedelta(minutes=1) <= cutoff <= timezone.now()
    assert "hiện tại" in notes["Cách chốt số liệu"]


def test_met_cells_are_green_and_missed_ones_red(past, tree):
    ws = build(tree.province, "2024-01", reading=RECORDED)["Xã - tiêu chí"]
    row = next(r for r in ws.iter_rows(min_row=5) if r[2].value == "Xã Cẩm Thạch")
    assert row[7].fill.fgColor.rgb.endswith(MET_FILL)
    assert row[8].fill.fgColor.rgb.endswith(NOT_MET_FILL)
    assert ws.cell(row=4, column=8).value == "1. Quy hoạch"


def test_newly_recognised_lists_the_decision(past, tree):
    ws = build(tree.province, "2024-02")["Công nhận mới"]
    (row,) = rows_of(ws, 5)
    assert row[1:8] == ("Xã Cẩm Thạch", "Xã", "Huyện Một", "Thử", "NTM", "2024", "12/QĐ-UBND")
    assert row[8] == datetime.datetime(2024, 2, 18)
    assert rows_of(build(tree.province, "2024-03")["Công nhận mới"], 5) == []


def test_a_decision_confirmed_by_later_assessments_is_listed_once(past, tree, criteria_set):
    """QA: the demo's commune keeps its title, each later year's assessment carrying its 2024
    decision; the bulletin listed the decision once per assessment year (35 lines for 7)."""
    from criteria.models import Assessment

    a = past["a"]
    for year in (2025, 2026):
        Assessment.objects.create(
            unit=tree.a,
            criteria_set=criteria_set,
            year=year,
            tier=a.tier,
            state=AssessmentState.RECOGNISED,
            decision_number=a.decision_number,
            decision_date=a.decision_date,
        )
    (row,) = rows_of(build(tree.province, "2024-02")["Công nhận mới"], 5)
    assert row[1:8] == ("Xã Cẩm Thạch", "Xã", "Huyện Một", "Thử", "NTM", "2024", "12/QĐ-UBND")


def test_the_breakdown_has_one_row_per_district_and_a_total(past, tree):
    rows = rows_of(build(tree.province, "2024-02")["Theo đơn vị"], 5)
    assert [r[1] for r in rows] == ["Huyện Hai", "Huyện Một", "Tổng số"]
    one = rows[1]
    assert one[2:7] == (2, 2, 1, pytest.approx(0.5), 1)
    assert rows[-1][2] == 3


def test_lagging_criteria_most_missed_first(past, tree):
    rows = rows_of(build(tree.province, "2024-02")["Tiêu chí chưa đạt"], 5)
    assert [(r[1], r[2]) for r in rows] == [("1. Quy hoạch", 2), ("2. Thủy lợi", 2), ("3. Thu nhập", 2)]


def test_a_district_bulletin_has_no_breakdown(past, tree):
    book = build(tree.d1, "2024-02")
    assert "Theo đơn vị" not in book.sheetnames
    assert summary_figures(book)[TOTAL][0] == 2


def test_the_notes_name_the_criteria_sets(past, tree):
    notes = rows_of(build(tree.province, "2024-02")["Ghi chú"], 4)
    set_row = next(r for r in notes if r[0] == "TEST-SET")
    assert set_row[1:3] == ("Bộ tiêu chí thử", "1/QĐ-TEST")
    assert set_row[-1] == 3


def test_a_month_to_come_has_no_bulletin(tree):
    with pytest.raises(Exception, match="not begun"):
        bulletin.bulletin_build(unit=tree.province, month=Month.of(timezone.now()).next(), user=None)


# --- Pages and issuing ------------------------------------------------------------------------


def xlsx_url(code, month):
    return reverse("reports:bulletin_xlsx", args=[code, month])


def test_anonymous_visitors_are_sent_to_sign_in(client, tree):
    response = client.get(xlsx_url("40", "2024-02"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["outsider", "officer_a"])
def test_a_unit_outside_the_users_area_is_404(client, past, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(xlsx_url("40", "2024-02")).status_code == 404


def test_a_viewer_downloads_the_bulletin(client, past, personas):
    client.force_login(personas.viewer)
    response = client.get(xlsx_url("40", "2024-02"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ban-tin-ntm-40-2024-02.xlsx"'
    assert open_book(response.content).sheetnames[0] == "Tổng hợp"


def test_a_unit_with_more_communes_than_built_inline_is_sent_to_the_background(
    client, past, personas, tree, monkeypatch
):
    # A commune dissolved before 2024 is under the province but not among its communes of 2024.
    CommuneFactory(code="40103", name="Xã Đã Nhập", parent=tree.d1, valid_to=datetime.date(2020, 12, 31))
    client.force_login(personas.province_office)
    monkeypatch.setattr(bulletin, "INLINE_MAX_COMMUNES", 3)  # four communes ever, three of 2024
    assert client.get(xlsx_url("40", "2024-02"))["Content-Type"] == XLSX
    monkeypatch.setattr(bulletin, "INLINE_MAX_COMMUNES", 2)
    response = client.get(xlsx_url("40", "2024-02"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:bulletin", args=["40"]) + "?month=2024-02"


def test_a_commune_has_no_bulletin(client, past, personas):
    client.force_login(personas.province_office)
    assert client.get(xlsx_url("40101", "2024-02")).status_code == 404


def test_the_page_offers_download_and_issue_to_the_province_office(client, past, personas):
    client.force_login(personas.province_office)
    html = client.get(reverse("reports:bulletin", args=["40"]) + "?month=2024-02").content.decode()
    assert xlsx_url("40", "2024-02") in html
    assert reverse("reports:bulletin_issue", args=["40", "2024-02"]) in html
    client.force_login(personas.viewer)
    html = client.get(reverse("reports:bulletin", args=["40"]) + "?month=2024-02").content.decode()
    assert reverse("reports:bulletin_issue", args=["40", "2024-02"]) not in html


def test_issuing_first_says_what_will_happen_and_issues_nothing(client, past, personas, tree):
    client.force_login(personas.province_office)
    response = client.post(reverse("reports:bulletin_issue", args=["40", "2024-02"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Issue the bulletin of" in html and "cannot be issued again or changed" in html
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert not IssuedBulletin.objects.exists()


def test_an_issued_bulletin_is_kept_and_served_unchanged(client, past, personas, tree):
    client.force_login(personas.province_office)
    response = client.post(reverse("reports:bulletin_issue", args=["40", "2024-02"]), CONFIRMED)
    assert response.status_code == 302
    issued = IssuedBulletin.objects.get(unit=tree.province)
    assert issued.month == datetime.date(2024, 2, 1)
    assert issued.issued_by == personas.province_office
    assert issued.cutoff == Month(2024, 2).end
    first = b"".join(client.get(xlsx_url("40", "2024-02")).streaming_content)
    notes = {r[0]: r[1] for r in rows_of(open_book(first)["Ghi chú"], 4) if r[0]}
    assert notes["Tình trạng"].startswith("Bản phát hành chính thức, do province_office phát hành")

    assessment_record_values(assessment=past["b"], entries=[ValueEntry("1.1", "có")], user=personas.officer_b)
    again = b"".join(client.get(xlsx_url("40", "2024-02")).streaming_content)
    by_id = b"".join(client.get(reverse("reports:issued_bulletin", args=[issued.pk])).streaming_content)
    assert again == first == by_id
    import hashlib

    assert hashlib.sha256(first).hexdigest() == issued.sha256


def test_a_bulletin_is_issued_once(client, past, personas, tree):
    client.force_login(personas.province_office)
    client.post(reverse("reports:bulletin_issue", args=["40", "2024-02"]), CONFIRMED)
    response = client.post(reverse("reports:bulletin_issue", args=["40", "2024-02"]), CONFIRMED, follow=True)
    assert "was already issued" in response.content.decode()
    assert IssuedBulletin.objects.count() == 1


@pytest.mark.parametrize("who", ["district_d1", "viewer"])
def test_only_the_province_office_issues(client, past, personas, who):
    client.force_login(getattr(personas, who))
    assert client.post(reverse("reports:bulletin_issue", args=["401", "2024-02"]), CONFIRMED).status_code == 403
    assert not IssuedBulletin.objects.exists()


def test_the_province_office_issues_a_district_bulletin(client, past, personas, tree):
    client.force_login(personas.province_office)
    client.post(reverse("reports:bulletin_issue", args=["401", "2024-02"]), CONFIRMED)
    assert IssuedBulletin.objects.get().unit == tree.d1


def test_issued_bulletins_are_listed_by_the_inclusion_tag(rf, past, personas, tree):
    from django.template import Context, Template

    bulletin.bulletin_issue(unit=tree.province, month=Month(2024, 1), user=personas.province_office)
    request = rf.get("/")
    request.user = personas.viewer
    html = Template("{% load report_bulletins %}{% issued_bulletins unit %}").render(
        Context({"unit": tree.province, "request": request})
    )
    assert "ban-tin-ntm-40-2024-01.xlsx" in html
    assert "01/2024" in html
    request.user = personas.officer_a  # reads commune A only
    assert "ban-tin" not in Template("{% load report_bulletins %}{% issued_bulletins unit %}").render(
        Context({"unit": tree.province, "request": request})
    )


# --- The country, in the background -------------------------------------------------------------


def test_the_national_bulletin_is_built_in_the_background(client, past, personas, immediate_tasks):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    page = client.get(reverse("reports:national_bulletin") + "?month=2024-02").content.decode()
    assert reverse("reports:national_bulletin_generate", args=["2024-02"]) in page
    response = client.post(reverse("reports:national_bulletin_generate", args=["2024-02"]))
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    assert job.status == JobStatus.DONE and job.user == root and job.unit is None
    assert job.progress_done == job.progress_total > 0
    assert job.task_id
    assert job.result_name == "ban-tin-ntm-toan-quoc-2024-02.xlsx"
    book = open_book(job.result.read())
    assert [r[1] for r in rows_of(book["Theo đơn vị"], 5)] == ["Tỉnh Nghệ Thử", "Tổng số"]
    status = client.get(reverse("reports:job_status", args=[job.pk])).content.decode()
    assert "every 2s" not in status and reverse("reports:job_download", args=[job.pk]) in status
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert b"".join(download.streaming_content) == job.result.open("rb").read()


def test_building_the_same_bulletin_again_while_it_is_queued_shows_the_job_already_queued(client, past, personas):
    """QA: four presses in 0.3 s queued four identical jobs."""
    client.force_login(personas.province_office)
    url = reverse("reports:bulletin_generate", args=["40", "2024-02"])
    answers = [client.post(url) for _press in range(4)]  # no worker: the first stays queued
    job = ReportJob.objects.get()
    assert {a["Location"] for a in answers} == {reverse("reports:job", args=[job.pk])}
    page = client.get(answers[-1]["Location"]).content.decode()
    assert "This bulletin is already being built in the background: this is its job." in page
    # Another month, or the figures as recorded, is another bulletin: another job.
    client.post(reverse("reports:bulletin_generate", args=["40", "2024-01"]))
    client.post(url, {"reading": "recorded"})
    assert ReportJob.objects.count() == 3
    # Once it has finished, building it again is a new job.
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    assert client.post(url)["Location"] != reverse("reports:job", args=[job.pk])


def test_a_running_job_is_polled_every_two_seconds(client, personas):
    job = ReportJob.objects.create(
        kind="bulletin", user=personas.province_office, unit=None, progress_total=9, progress_done=3
    )
    root = personas.province_office
    root.is_superuser = True
    root.save()
    client.force_login(root)
    html = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert reverse("reports:job", args=[job.pk]) in html  # the plain refresh link
    assert "33%" in html


def test_a_job_no_worker_picks_up_says_so_and_is_polled_less_often(client, past, personas, settings):
    """QA: with no worker running, the page said "Waiting in the queue · updates every 2 seconds"
    for ever, even for a job queued three hours before."""
    from django_tasks_db.models import DBTaskResult

    settings.JOB_WAIT_NOTICE_MINUTES = 2
    client.force_login(personas.province_office)
    job = ReportJob.objects.get(
        pk=client.post(reverse("reports:bulletin_generate", args=["40", "2024-02"]))["Location"].split("/")[-2]
    )
    status_url = reverse("reports:job_status", args=[job.pk])
    fresh = client.get(status_url).content.decode()
    assert 'hx-trigger="every 2s"' in fresh and "has not picked this job up" not in fresh
    DBTaskResult.objects.filter(pk=job.task_id).update(enqueued_at=timezone.now() - datetime.timedelta(hours=3))
    for page in (client.get(reverse("reports:job", args=[job.pk])), client.get(status_url)):
        html = page.content.decode()
        assert "The background service has not picked this job up for more than 2 minutes" in html
        assert "Please tell the administrator. The job stays in the queue" in html
        assert 'hx-trigger="every 30s"' in html and "every 30 seconds" in html
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED  # it stays queued, to run once a worker is back


def test_someone_elses_job_is_404(client, personas):
    job = ReportJob.objects.create(
        kind="bulletin", user=personas.province_office, unit=personas.province_office.memberships.get().unit
    )
    client.force_login(personas.viewer)
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 404


def test_the_national_bulletin_is_for_superusers(client, personas):
    client.force_login(personas.province_office)
    assert client.get(reverse("reports:national_bulletin")).status_code == 403
    assert client.post(reverse("reports:national_bulletin_generate", args=["2024-02"])).status_code == 403
