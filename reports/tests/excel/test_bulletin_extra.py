"""The bulletin with funds from the plans app, its query count, and the real database queue."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import bulletin
from reports.bulletin import Month
from reports.models import JobKind, JobStatus, ReportJob
from reports.tasks import start_job
from reports.tests.excel.conftest import open_book, rows_of
from reports.tests.factories import bulk_province, make_flat_set

pytestmark = pytest.mark.django_db


def test_funds_recorded_in_the_plans_app_get_their_sheet(past, tree, personas):
    plans = pytest.importorskip("plans.services")
    plans.funds_record(
        unit=tree.a,
        year=2024,
        cells=[
            plans.FundCell(month=2, source="residents", raw="13.055.000.000"),
            plans.FundCell(month=2, source="district", raw=650000000),
        ],
        user=personas.province_office,
        at=datetime.datetime(2024, 2, 20, tzinfo=datetime.UTC),
    )
    content, _ = bulletin.bulletin_build(unit=tree.province, month=Month(2024, 2), user=None)
    book = open_book(content)
    assert "Nguồn vốn" in book.sheetnames
    values = [v for row in rows_of(book["Nguồn vốn"], 4) for v in row if isinstance(v, int | float)]
    assert 13_055_000_000 in values and 13_705_000_000 in values  # an amount and the total
    money = next(c for row in book["Nguồn vốn"].iter_rows() for c in row if c.value == 13_055_000_000)
    assert money.number_format == "#,##0"
    content, _ = bulletin.bulletin_build(unit=tree.province, month=Month(2024, 1), user=None)
    assert "Nguồn vốn" not in open_book(content).sheetnames  # nothing recorded in January


def test_a_past_months_funds_are_the_amounts_recorded_by_its_end(past, tree, personas):
    plans = pytest.importorskip("plans.services")

    def record(raw, at):
        cell = plans.FundCell(month=2, source="residents", raw=raw)
        plans.funds_record(unit=tree.a, year=2024, cells=[cell], user=personas.province_office, at=at)

    def february_amounts(month, reading=bulletin.Reading.RECORDED):
        content, _ = bulletin.bulletin_build(unit=tree.province, month=month, user=None, reading=reading)
        book = open_book(content)
        if "Nguồn vốn" not in book.sheetnames:
            return set()
        return {v for row in rows_of(book["Nguồn vốn"], 4) for v in row if isinstance(v, int) and v > 1000}

    record("500.000.000", datetime.datetime(2024, 2, 10, tzinfo=datetime.UTC))
    record("700.000.000", datetime.datetime(2024, 4, 15, tzinfo=datetime.UTC))  # corrected later
    assert february_amounts(Month(2024, 2)) == {500_000_000}
    assert february_amounts(Month(2024, 2), bulletin.Reading.VALID) == {700_000_000}  # February's figure as known now
    assert february_amounts(Month(2024, 4)) == {700_000_000}
    record("", datetime.datetime(2024, 5, 2, tzinfo=datetime.UTC))  # then cleared
    assert february_amounts(Month(2024, 4)) == {700_000_000}
    assert february_amounts(Month(2024, 5)) == set()


def test_plan_against_result_gets_its_sheet(past, tree, personas):
    factories = pytest.importorskip("plans.tests.factories")
    factories.make_target(tree.a, "standard", 2024)
    content, _ = bulletin.bulletin_build(unit=tree.province, month=Month(2024, 2), user=None)
    book = open_book(content)
    assert "Kế hoạch" in book.sheetnames
    cells = [str(v) for row in book["Kế hoạch"].iter_rows(values_only=True) for v in row if v is not None]
    assert any("Xã Cẩm Thạch" in c for c in cells)
    assert any("2024" in c for c in cells)


def _queries(unit, month):
    with CaptureQueriesContext(connection) as captured:
        bulletin.bulletin_build(unit=unit, month=month, user=None)
    return len(captured)


@pytest.mark.parametrize("month", [Month(2023, 12), None], ids=["past", "current"])
def test_the_bulletin_reads_the_same_number_of_queries_at_any_size(db, month):
    criteria_set = make_flat_set(code="Q-19", total=19)
    small = bulk_province(code="71", communes=10, criteria_set=criteria_set, years=[2023])
    large = bulk_province(code="72", communes=120, criteria_set=criteria_set, years=[2023])
    from django.utils import timezone

    month = month or Month.of(timezone.now())
    # Figures, matrix, funds, plan and OCOP; each figures read also reads the versions and the
    # rows kept per province, and keeps those it computed (reports.selectors.cache).
    assert _queries(small, month) == _queries(large, month) <= 50


@pytest.mark.django_db(transaction=True)
def test_a_job_waits_in_the_database_queue_until_the_worker_runs_it(past, personas, tree, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from django_tasks_db.models import DBTaskResult

    job, _started = start_job(
        kind=JobKind.BULLETIN, user=personas.province_office, unit=tree.province, params={"month": "2024-02"}
    )
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "reports.tasks.bulletin_task"
    assert str(queued.id) == job.task_id and queued.args_kwargs["args"] == [str(job.pk)]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and not job.result

    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.result_name == "ban-tin-ntm-40-2024-02.xlsx"
    assert open_book(job.result.read()).sheetnames[0] == "Tổng hợp"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.parametrize(("language", "told"), [("en", "not begun"), ("vi", "chưa bắt đầu")])
def test_a_failing_job_says_so_in_the_language_it_was_asked_in(personas, tree, immediate_tasks, language, told):
    params = {"month": "2099-01", "language": language}
    job, _started = start_job(kind=JobKind.BULLETIN, user=personas.province_office, unit=tree.province, params=params)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert told in job.error
    assert ReportJob.objects.get().finished_at is not None
