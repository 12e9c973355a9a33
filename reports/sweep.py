"""Recover background jobs a dead worker left behind, and prune old finished ones.

A worker killed mid-job (a node stopped, the OOM killer) leaves its task RUNNING in
django-tasks' table for ever, and the user's status page spinning. ``jobs_sweep`` finds
tasks RUNNING for longer than the limit: a task not yet retried goes back to the queue (every
job kind can run again: a bulletin is rebuilt, an import batch is applied at most once), a
task that already was retried is failed with a message. Finished jobs older than the
retention are deleted with their result files, as are django-tasks' finished results; the
figures kept for the dashboards (``reports.selectors.cache``) go after two days.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reports.models import FINISHED_JOB_STATES, FiguresCacheEntry, JobStatus, ReportJob
from reports.tasks import _fail

logger = logging.getLogger(__name__)

FIGURES_KEPT_FOR = datetime.timedelta(days=2)
MSG_STUCK = _("The job stopped when its worker did, and failed again after a retry; please start it again.")


@dataclass
class SweepResult:
    requeued: int = 0
    failed: int = 0
    pruned_jobs: int = 0
    pruned_results: int = 0
    pruned_figures: int = 0


def jobs_sweep(*, stuck_after: datetime.timedelta, keep_for: datetime.timedelta, now=None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    with transaction.atomic():
        stuck = list(
            DBTaskResult.objects.select_for_update(skip_locked=True).filter(
                status=TaskResultStatus.RUNNING, started_at__lt=now - stuck_after
            )
        )
        for task in stuck:
            job_id = (task.args_kwargs.get("args") or [None])[0]
            if len(task.worker_ids) < 2:
                task.status, task.started_at = TaskResultStatus.READY, None
                task.save(update_fields=["status", "started_at"])
                ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(status=JobStatus.QUEUED)
                result.requeued += 1
                logger.warning("Re-queued task %s (job %s) stuck since %s", task.pk, job_id, task.started_at)
                continue
            task.status, task.finished_at = TaskResultStatus.FAILED, now
            task.exception_class_path = "reports.sweep.StuckJob"
            task.traceback = "Swept: the worker running it stopped twice."
            task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            job = ReportJob.objects.filter(pk=job_id).exclude(status__in=FINISHED_JOB_STATES).first()
            if job is not None:
                _fail(job, MSG_STUCK)
            result.failed += 1
            logger.error("Failed task %s (job %s): its worker stopped twice", task.pk, job_id)

    cutoff = now - keep_for
    for job in ReportJob.objects.filter(status__in=FINISHED_JOB_STATES, finished_at__lt=cutoff).iterator():
        if job.result:
            job.result.delete(save=False)
        job.delete()
        result.pruned_jobs += 1
    result.pruned_results, _rows = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    ).delete()
    # Kept figures of past cut-offs (today's, while a year runs) and parameters nobody asks for
    # any more; one still asked for is computed again once.
    result.pruned_figures, _rows = FiguresCacheEntry.objects.filter(computed_at__lt=now - FIGURES_KEPT_FOR).delete()
    return result
