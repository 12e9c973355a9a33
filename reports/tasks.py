"""Background jobs: a national or large bulletin, checking and applying a large import.

The queue is django-tasks' database backend (``TASKS`` in settings; ``manage.py db_worker``
runs it, and ``make run`` starts it). Each job has a ``ReportJob`` row that the status page
polls: status, progress, the result file or the error. Tests use the immediate backend.

``start_job`` must be called outside a transaction (views are not atomic): the worker must
see the job row when it picks the task up.
"""

from __future__ import annotations

import contextlib
import json
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from ntm_portal import log
from ntm_portal.health import tasks_waiting
from ntm_portal.language import worded
from reports.importing.values_read import refusal
from reports.models import (
    FINISHED_JOB_STATES,
    IMPORT_STEPS,
    ImportBatch,
    ImportStatus,
    JobKind,
    JobStatus,
    ReportJob,
)

logger = logging.getLogger(__name__)

MSG_JOB_FAILED = _("The job failed unexpectedly; the administrators can see why in the log.")


def start_job(*, kind: str, user, unit, params: dict) -> tuple[ReportJob, bool]:
    """Create the job row and put its task on the queue; returns it and True. When the user
    already has the same job (kind, unit and ``params``) queued or running, returns that one
    and False instead: a button pressed twice, or in two tabs, builds one bulletin."""
    with transaction.atomic():
        # Two presses at once queue here, the second seeing the first's job: the user's row is
        # locked on PostgreSQL; on SQLite the transaction takes the write lock when it begins.
        list(get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk"))
        same = _same_job(kind=kind, user=user, unit=unit, params=params)
        if same is not None:
            return same, False
        # The request's id goes along, so that the worker's log lines can be matched with the web's.
        job = ReportJob.objects.create(
            kind=kind, user=user, unit=unit, params={**params, "request_id": log.request_id.get()}
        )
    try:
        result = TASKS[kind].enqueue(str(job.pk))
    except Exception:
        job.delete()  # never on the queue: it would be found as "the same job" for ever
        raise
    ReportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job, True


def _same_job(*, kind: str, user, unit, params: dict) -> ReportJob | None:
    """The user's job of this kind and unit, queued or running, started with these ``params``
    (its own, added as it runs — the request's id, the step — are not compared)."""
    unfinished = ReportJob.objects.filter(kind=kind, user=user, unit=unit).exclude(status__in=FINISHED_JOB_STATES)
    for job in unfinished.order_by("created_at"):
        if all(job.params.get(name) == value for name, value in params.items()):
            return job
    return None


def waiting_for_a_worker(job: ReportJob) -> bool:
    """Whether ``job`` is queued and no worker has picked it up for ``JOB_WAIT_NOTICE_MINUTES``
    (the rule /healthz/ calls a stalled queue): its page says so instead of only "waiting"."""
    if job.status != JobStatus.QUEUED or not job.task_id:
        return False
    return tasks_waiting(minutes=settings.JOB_WAIT_NOTICE_MINUTES).filter(pk=job.task_id).exists()


def _progress(job: ReportJob):
    def report(done: int, total: int) -> None:
        ReportJob.objects.filter(pk=job.pk).update(progress_done=min(done, total), progress_total=total)

    return report


def _run(job_id: str, work) -> dict:
    job = ReportJob.objects.select_related("user", "unit").get(pk=job_id)
    token = log.request_id.set(job.params.get("request_id") or f"job-{job.pk}")
    try:
        return _run_job(job, work)
    finally:
        log.request_id.reset(token)


def _run_job(job: ReportJob, work) -> dict:
    if job.finished:
        return {"status": job.status}
    job.status, job.started_at = JobStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        with translation.override(job.params.get("language", "vi")):
            work(job)
    except (ValidationError, PermissionDenied) as exc:
        _fail(job, refusal(exc))
    except Exception:
        logger.exception("Background job %s (%s) failed", job.pk, job.kind)
        _fail(job, MSG_JOB_FAILED)
    else:
        job.status, job.finished_at = JobStatus.DONE, timezone.now()
        job.progress_done = job.progress_total
        job.save(update_fields=["status", "finished_at", "progress_done", "params"])
    return {"status": job.status}


def _fail(job: ReportJob, message: Promise) -> None:
    """The job failed, and so did the import it applied: ``message`` (lazy) is kept in the
    job's language, and for the import in each language (``ImportBatch.message_shown``)."""
    with translation.override(job.params.get("language", "vi")):
        text = str(message)
    job.status, job.finished_at, job.error = JobStatus.FAILED, timezone.now(), text
    job.save(update_fields=["status", "finished_at", "error"])
    batch_id = job.params.get("batch")
    if batch_id:
        ImportBatch.objects.filter(pk=batch_id).exclude(status=ImportStatus.APPLIED).update(
            status=ImportStatus.FAILED, message=text, message_worded=worded(message)
        )


def _bulletin(job: ReportJob) -> None:
    from reports.bulletin import Month, Reading, bulletin_build, file_name
    from reports.bulletin.data import STEPS

    month = Month.parse(job.params.get("month", ""))
    if month is None:
        raise ValidationError(_("No such month."), code="month")
    report = _progress(job)
    content, _cutoff = bulletin_build(
        unit=job.unit,
        month=month,
        user=job.user,
        reading=Reading(job.params.get("reading", Reading.VALID)),
        progress=lambda done, total: report(done, STEPS + 1),
    )
    job.refresh_from_db(fields=["progress_total"])
    job.progress_total = STEPS + 1
    job.result_name = file_name(job.unit, month)
    job.result.save(job.result_name, ContentFile(content), save=False)
    job.save(update_fields=["result", "result_name", "progress_total"])


def _import_check(job: ReportJob) -> None:
    from reports.importing.services import import_batch_check

    report = _progress(job)
    report(0, 2)
    batch = ImportBatch.objects.select_related("unit", "criteria_set", "user").get(pk=job.params["batch"])
    report(1, 2)
    import_batch_check(batch=batch)
    job.progress_total = 2


@contextlib.contextmanager
def _step_reporter(job: ReportJob):
    """Report the steps of work done inside one transaction (applying an import), so that the
    status page sees them while it runs: on PostgreSQL through a connection of its own that
    commits each report at once; elsewhere (SQLite, one writer at a time) through the job's
    own connection, seen when the work commits."""
    side = connections.create_connection(DEFAULT_DB_ALIAS) if connection.vendor == "postgresql" else None

    def report(step: str) -> None:
        done, total = IMPORT_STEPS.index(step) + 1, len(IMPORT_STEPS) + 1
        if side is None:
            ReportJob.objects.filter(pk=job.pk).update(
                progress_done=done, progress_total=total, params={**job.params, "step": step}
            )
            return
        with side.cursor() as cursor:
            cursor.execute(
                "UPDATE reports_reportjob SET progress_done = %s, progress_total = %s, params = %s::jsonb"
                " WHERE id = %s::uuid",
                [done, total, json.dumps({**job.params, "step": step}), str(job.pk)],
            )

    try:
        yield report
    finally:
        if side is not None:
            side.close()


def _import_apply(job: ReportJob) -> None:
    from reports.importing.services import import_batch_apply

    job.progress_total = len(IMPORT_STEPS) + 1
    ReportJob.objects.filter(pk=job.pk).update(progress_done=0, progress_total=job.progress_total)
    batch = ImportBatch.objects.select_related("unit", "criteria_set", "user").get(pk=job.params["batch"])
    with _step_reporter(job) as report:
        _batch, outcome = import_batch_apply(batch=batch, user=batch.user, progress=report)
    job.params = {**job.params, "outcome": outcome}


@task()
def bulletin_task(job_id: str) -> dict:
    return _run(job_id, _bulletin)


@task()
def import_check_task(job_id: str) -> dict:
    return _run(job_id, _import_check)


@task()
def import_apply_task(job_id: str) -> dict:
    return _run(job_id, _import_apply)


TASKS = {
    JobKind.BULLETIN: bulletin_task,
    JobKind.IMPORT_CHECK: import_check_task,
    JobKind.IMPORT_APPLY: import_apply_task,
}
