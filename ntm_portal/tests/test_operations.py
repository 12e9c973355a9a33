"""/healthz/, request ids in structured logs (web and background jobs), connection checks."""

import json
import logging
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.urls import reverse

from ntm_portal import log
from ntm_portal.tests.test_settings import ROOT

pytestmark = pytest.mark.django_db


def test_the_health_check_answers_without_data_or_sign_in(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "queue": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_the_health_check_says_the_queue_stalled_when_a_job_waits_longer_than_the_limit(client, settings):
    """A task enqueued to run at once is stored with the latest date as its ``run_after``: the
    rule read that date and never saw a queue without a worker as stalled."""
    import datetime

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from reports.tasks import bulletin_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.HEALTH_QUEUE_MAX_WAIT_MINUTES = 15
    task = bulletin_task.enqueue("no-such-job")
    assert client.get("/healthz/").json()["queue"] == "ok"
    enqueued = timezone.now() - datetime.timedelta(minutes=16)
    DBTaskResult.objects.filter(pk=task.id).update(enqueued_at=enqueued)
    assert client.get("/healthz/").json()["queue"] == "stalled"


def test_the_health_check_says_503_when_the_database_is_gone(client, monkeypatch):
    from ntm_portal import health

    def broken():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "_queue_state", broken)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "queue": "unknown"}


def test_the_health_check_is_served_over_http_for_any_host_in_production():
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz/', HTTP_HOST='10.0.0.5'); "
        "print(r.status_code, r.get('Location', ''))"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "ntm_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "ntm.example.gov.vn",
        "DATABASE_URL": "sqlite:///:memory:",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    # No redirect to HTTPS, no "bad host" 400: a 503 here only because the in-memory database has no tables.
    assert out.stdout.strip().splitlines()[-1] in {"200", "503"}


def test_every_answer_carries_a_request_id_that_a_sane_proxy_id_overrides(client):
    generated = client.get(reverse("login"))
    assert len(generated["X-Request-ID"]) == 32
    given = client.get(reverse("login"), HTTP_X_REQUEST_ID="nginx-abc123def")
    assert given["X-Request-ID"] == "nginx-abc123def"
    forged = client.get(reverse("login"), HTTP_X_REQUEST_ID='bad"\n{id}')
    assert forged["X-Request-ID"] != 'bad"\n{id}'


def test_log_lines_are_json_with_level_time_logger_and_request_id():
    record = logging.LogRecord("reports.tasks", logging.WARNING, __file__, 1, "job %s failed", ("x",), None)
    token = log.request_id.set("req-12345678")
    try:
        log.RequestIdFilter().filter(record)
    finally:
        log.request_id.reset(token)
    line = json.loads(log.JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["logger"] == "reports.tasks"
    assert line["request_id"] == "req-12345678" and line["message"] == "job x failed"
    assert line["time"].endswith("+00:00")


def test_a_background_job_logs_with_the_id_of_the_request_that_started_it(client, personas, settings, caplog):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(personas.province_office)
    seen = []

    class Catch(logging.Handler):
        def emit(self, record):
            seen.append(log.request_id.get())

    handler = Catch()
    logging.getLogger("reports").addHandler(handler)
    try:
        from reports import tasks

        original = tasks._run_job

        def logged(job, work):
            logging.getLogger("reports.tasks").warning("job running")
            return original(job, work)

        tasks._run_job = logged
        response = client.post(
            reverse("reports:bulletin_generate", args=["40", "2025-01"]), HTTP_X_REQUEST_ID="web-request-0001"
        )
    finally:
        tasks._run_job = original
        logging.getLogger("reports").removeHandler(handler)
    assert response.status_code == 302
    assert seen == ["web-request-0001"]


def test_postgresql_connections_are_checked_before_reuse():
    from ntm_portal.env import Env

    config = Env({"DATABASE_URL": "postgres://u@h:5432/ntm"}).database("DATABASE_URL", default="")
    assert config["CONN_HEALTH_CHECKS"] is True and config["CONN_MAX_AGE"] == 60
