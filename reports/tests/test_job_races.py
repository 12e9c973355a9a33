"""The same job started several times at once (a button pressed twice, two tabs): one job."""

import pytest

from ntm_portal.tests.races import all_at_once, postgresql_only
from reports.models import JobKind, ReportJob
from reports.tasks import start_job

PRESSES = 6


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_same_bulletin_started_at_once_from_several_requests_is_one_job(tree, personas, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}  # no worker
    answers = all_at_once(
        [
            lambda: start_job(
                kind=JobKind.BULLETIN,
                user=personas.province_office,
                unit=tree.province,
                params={"month": "2025-01", "reading": "valid", "language": "vi"},
            )
        ]
        * PRESSES
    )
    job = ReportJob.objects.get()
    assert sorted(started for _job, started in answers) == [False] * (PRESSES - 1) + [True], answers
    assert {found.pk for found, _started in answers} == {job.pk}
