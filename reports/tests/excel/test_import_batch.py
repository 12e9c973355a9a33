"""Applying an import is one batch: as many queries for five communes as for two, and the
background job says which step it is at."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.tests.factories import CommuneFactory, DistrictFactory
from criteria.models import IndicatorValue
from criteria.services import ValueEntry, assessment_create, assessment_record_values
from reports.importing.services import APPLIED, import_batch_apply, import_batch_check, import_batch_create
from reports.importing.template import import_template
from reports.models import ImportStatus
from reports.tests.excel.helpers import fill

pytestmark = pytest.mark.django_db

YEAR = 2025
# Every value of the file changes: 1.1 flips, the others get new numbers.
CHANGES = {"1.1": "Không", "2.1": 85.5, "2.2": 7, "3.1": 50, "3.2": 0}


def district_with(tree, personas, criteria_set, communes: int):
    """A district of ``communes`` communes, each with a draft holding 1.1 = yes."""
    district = DistrictFactory(parent=tree.province)
    for _ in range(communes):
        commune = CommuneFactory(parent=district)
        a = assessment_create(unit=commune, criteria_set=criteria_set, year=YEAR, user=personas.province_office)
        assessment_record_values(assessment=a, entries=[ValueEntry("1.1", "có")], user=personas.province_office)
    return district


def checked_batch(district, criteria_set, user):
    content = import_template(unit=district, criteria_set=criteria_set, year=YEAR)
    codes = district.children.values_list("code", flat=True)
    content = fill(content, {(code, indicator): value for code in codes for indicator, value in CHANGES.items()})
    batch = import_batch_create(
        user=user, unit=district, criteria_set=criteria_set, year=YEAR, name="x.xlsx", data=content, language="en"
    )
    return import_batch_check(batch=batch)


def test_applying_takes_as_many_queries_for_five_communes_as_for_two(tree, personas, criteria_set):
    user = personas.province_office
    small, large = (district_with(tree, personas, criteria_set, n) for n in (2, 5))

    def queries(district) -> int:
        batch = checked_batch(district, criteria_set, user)
        assert len(batch.changes) == len(CHANGES) * district.children.count()
        with CaptureQueriesContext(connection) as captured:
            batch, outcome = import_batch_apply(batch=batch, user=user)
        assert (outcome, batch.status) == (APPLIED, ImportStatus.APPLIED)
        return len(captured.captured_queries)

    assert queries(small) == queries(large)
    flipped = IndicatorValue.objects.filter(assessment__unit__parent=large, indicator__code="1.1")
    assert [v.value for v in flipped] == [False] * 5


def test_applying_reports_each_step(tree, personas, criteria_set):
    district = district_with(tree, personas, criteria_set, 2)
    batch = checked_batch(district, criteria_set, personas.province_office)
    steps = []
    import_batch_apply(batch=batch, user=personas.province_office, progress=steps.append)
    assert steps == ["checking", "starting", "values", "results"]


def test_the_import_page_states_the_size_above_which_files_go_to_the_background(client, personas, vi):
    from django.urls import reverse

    client.force_login(personas.province_office)
    page = client.get(reverse("reports:import", args=["40"])).content.decode()
    assert "Tệp có hơn 300 dòng được kiểm tra và ghi ở chế độ nền" in page


def test_the_background_apply_shows_each_step_on_its_job(tree, personas, criteria_set, monkeypatch):
    """The job row hears every step (on PostgreSQL through a connection of its own, so the
    status page sees it while the transaction runs); the page names the step."""
    from reports import tasks
    from reports.models import JobKind, ReportJob

    district = district_with(tree, personas, criteria_set, 2)
    batch = checked_batch(district, criteria_set, personas.province_office)
    job = ReportJob.objects.create(kind=JobKind.IMPORT_APPLY, user=personas.province_office, params={"batch": batch.pk})
    seen = []
    from reports.importing import services

    original = services.import_batch_apply

    def watching(**kwargs):
        report = kwargs["progress"]

        def step(name):
            report(name)
            if connection.vendor != "postgresql":  # the same connection: the row shows it already
                row = ReportJob.objects.get(pk=job.pk)
                seen.append((row.step_label, row.progress_done, row.progress_total))

        return original(**{**kwargs, "progress": step})

    monkeypatch.setattr(services, "import_batch_apply", watching)
    tasks._import_apply(job)
    assert job.params["outcome"] == "applied"
    if connection.vendor != "postgresql":
        assert [s[1:] for s in seen] == [(1, 6), (2, 6), (3, 6), (4, 6)]
        assert str(seen[2][0]) == "Writing the values and their history"
