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
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

PATH = "/healthz/"
logger = logging.getLogger(__name__)


def _queue_state() -> str:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    limit = timezone.now() - datetime.timedelta(minutes=settings.HEALTH_QUEUE_MAX_WAIT_MINUTES)
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__lt=limit)
    return "stalled" if waiting.exists() else "ok"


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
