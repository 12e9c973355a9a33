"""Jobs a dead worker left RUNNING are retried once, then failed; old finished jobs are pruned."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reports.models import JobKind, JobStatus, ReportJob
from reports.tasks import start_job

pytestmark = pytest.mark.django_db(transaction=True)
LONG_AGO = timezone.now() - datetime.timedelta(hours=2)


@pytest.fixture
def db_queue(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _claimed_by_a_dead_worker(job, workers):
    task = DBTaskResult.objects.get(pk=job.task_id)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=LONG_AGO, worker_ids=workers
    )
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=LONG_AGO)
    return task


def test_a_job_whose_worker_died_is_requeued_and_then_finished_by_another_worker(db_queue, tree, personas):
    job, _started = start_job(
        kind=JobKind.BULLETIN, user=personas.province_office, unit=tree.province, params={"month": "2025-01"}
    )
    _claimed_by_a_dead_worker(job, ["dead-worker"])
    call_command("sweep_jobs", "--stuck-minutes", "30")
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.READY
    assert ReportJob.objects.get(pk=job.pk).status == JobStatus.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.result


def test_a_job_stuck_again_after_its_retry_fails_with_a_message(db_queue, tree, personas):
    params = {"month": "2025-01", "language": "en"}  # told in the language it was asked in
    job, _started = start_job(kind=JobKind.BULLETIN, user=personas.province_office, unit=tree.province, params=params)
    _claimed_by_a_dead_worker(job, ["dead-1", "dead-2"])
    call_command("sweep_jobs")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "stopped when its worker did" in job.error
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.FAILED


def test_a_job_running_for_less_than_the_limit_is_left_alone(db_queue, tree, personas):
    job, _started = start_job(
        kind=JobKind.BULLETIN, user=personas.province_office, unit=tree.province, params={"month": "2025-01"}
    )
    DBTaskResult.objects.filter(pk=job.task_id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=["alive"]
    )
    call_command("sweep_jobs", "--stuck-minutes", "30")
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.RUNNING


def test_finished_jobs_past_the_retention_are_deleted_with_their_files(db_queue, tree, personas, tmp_path):
    old = ReportJob.objects.create(kind=JobKind.BULLETIN, user=personas.viewer, status=JobStatus.DONE)
    old.result.save("old.xlsx", ContentFile(b"x"), save=False)
    ReportJob.objects.filter(pk=old.pk).update(
        result=old.result.name, finished_at=timezone.now() - datetime.timedelta(days=40)
    )
    recent = ReportJob.objects.create(
        kind=JobKind.BULLETIN, user=personas.viewer, status=JobStatus.DONE, finished_at=timezone.now()
    )
    path = tmp_path / old.result.name
    assert path.exists()
    call_command("sweep_jobs", "--keep-days", "30")
    assert list(ReportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not path.exists()


def test_kept_figures_older_than_two_days_are_deleted(db_queue):
    from reports.models import FiguresCacheEntry
    from reports.sweep import jobs_sweep

    old = FiguresCacheEntry.objects.create(prefix="/01/", key="a" * 64, stamp="t:1:c:1", value=[])
    recent = FiguresCacheEntry.objects.create(prefix="/01/", key="b" * 64, stamp="t:1:c:1", value=[])
    FiguresCacheEntry.objects.filter(pk=old.pk).update(computed_at=timezone.now() - datetime.timedelta(days=3))
    result = jobs_sweep(stuck_after=datetime.timedelta(minutes=30), keep_for=datetime.timedelta(days=30))
    assert result.pruned_figures == 1
    assert list(FiguresCacheEntry.objects.values_list("pk", flat=True)) == [recent.pk]
