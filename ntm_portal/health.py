"""``/healthz/`` for load balancers and monitors: is the database there, is the queue moving.

Answered by a middleware placed first, before the HTTPS redirect, the host check, sessions
and sign-in, so a probe over plain HTTP from the proxy's address works and costs two small
queries. The answer holds no data: ``{"database": "ok", "queue": "ok"}`` with 200, or 503
when the database cannot be reached. ``queue`` is ``"stalled"`` (still 200: the web node
itself is fine) when a job has waited for a worker longer than ``HEALTH_QUEUE_MAX_WAIT_MINUTES``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

PATH = "/healthz/"
logger = logging.getLogger(__name__)


def tasks_waiting(*, minutes: int):
    """The queued tasks no worker has picked up for more than ``minutes`` since they were due
    (enqueued, or their ``run_after``): /healthz/ says the queue is stalled when there is one,
    and a job's page tells its user (``reports.tasks.waiting_for_a_worker``)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    limit = timezone.now() - datetime.timedelta(minutes=minutes)
    # A task enqueued to run at once is stored with the latest date as its ``run_after``.
    due_before = Q(run_after__lt=limit) | Q(run_after=get_date_max(), enqueued_at__lt=limit)
    return DBTaskResult.objects.filter(due_before, status=TaskResultStatus.READY)


def _queue_state() -> str:
    return "stalled" if tasks_waiting(minutes=settings.HEALTH_QUEUE_MAX_WAIT_MINUTES).exists() else "ok"


def health() -> tuple[int, dict[str, str]]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return 200, {"database": "ok", "queue": _queue_state()}
    except Exception:
        logger.exception("Health check failed")
        return 503, {"database": "unavailable", "queue": "unknown"}


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        status, body = health()
        response = JsonResponse(body, status=status)
        response["Cache-Control"] = "no-store"
        return response
