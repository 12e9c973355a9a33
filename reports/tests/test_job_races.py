"""The same job started several times at once (a button pressed twice, two tabs): one job."""

import threading

import pytest
from django.db import connection, connections

from reports.models import JobKind, ReportJob
from reports.tasks import start_job

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: real concurrent transactions"
)
PRESSES = 6


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_same_bulletin_started_at_once_from_several_requests_is_one_job(tree, personas, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}  # no worker
    start = threading.Barrier(PRESSES)
    answers: dict[int, object] = {}

    def press(i):
        try:
            start.wait()
            answers[i] = start_job(
                kind=JobKind.BULLETIN,
                user=personas.province_office,
                unit=tree.province,
                params={"month": "2025-01", "reading": "valid", "language": "vi"},
            )
        except Exception as exc:
            answers[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(i,)) for i in range(PRESSES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    job = ReportJob.objects.get()
    assert sorted(started for _job, started in answers.values()) == [False] * (PRESSES - 1) + [True], answers
    assert {found.pk for found, _started in answers.values()} == {job.pk}
