"""SQLite without statistics (no ``sqlite_stat1``: nothing in the portal runs ANALYZE, and a test
database never has any) must still read a list of communes in time proportional to its units.

The work is counted in SQLite's virtual-machine steps (its progress handler), which do not
depend on the machine's load: the country's list of communes of 2024 took 54 s (the count) and
61 s (the page) on a national database where half the communes had no 2024 assessment, because
"a predecessor was assessed in the year" read every assessment of the year for each of them.
"""

import datetime

import pytest
from django.db import connection

from communes.models import AdministrativeUnit, Level
from criteria.models import Assessment
from reports.models import FiguresCacheEntry
from reports.selectors import communes_page, progress_summary
from reports.tests.factories import bulk_province, make_flat_set

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner without statistics"),
]

COMMUNES = 200
STEP = 100  # the progress handler is called every STEP virtual-machine instructions


def steps_of(read) -> tuple[int, object]:
    """The SQLite steps ``read()`` took, and what it returned."""
    calls = [0]

    def count() -> int:
        calls[0] += 1
        return 0  # go on

    connection.ensure_connection()
    connection.connection.set_progress_handler(count, STEP)
    try:
        found = read()
    finally:
        connection.connection.set_progress_handler(None, STEP)
    return calls[0] * STEP, found


def work(**arguments) -> tuple[int, object]:
    """The page of ``communes_page(unit=None, **arguments)`` and the SQLite steps it took."""
    return steps_of(lambda: communes_page(unit=None, tier="standard", **arguments))


@pytest.fixture
def country(db):
    """200 communes, each assessed in 2023, 2024 and 2025; then half of them without their 2024
    assessment, and the other half ended on 30 June 2025 (each with its 2025 assessment)."""
    bulk_province(
        code="Q", communes=COMMUNES, criteria_set=make_flat_set(code="Q-19", total=19), years=(2023, 2024, 2025)
    )
    communes = list(
        AdministrativeUnit.objects.filter(level=Level.COMMUNE).order_by("code").values_list("pk", flat=True)
    )
    for assessment in Assessment.objects.filter(year=2024, unit_id__in=communes[::2]):
        assessment.results.all().delete()
        assessment.delete()
    AdministrativeUnit.objects.filter(pk__in=communes[1::2]).update(valid_to=datetime.date(2025, 6, 30))


@pytest.mark.parametrize(
    ("year", "q"),
    [(2024, ""), (2024, "thu"), (2025, ""), (2025, "thu")],
    ids=["2024-half-not-assessed", "2024-searched", "2025-half-ended", "2025-searched"],
)
def test_the_country_s_communes_are_read_in_time_proportional_to_the_communes(country, year, q):
    # 2023: every commune assessed, none ended — the work of reading 200 communes.
    baseline, _ = work(year=2023, q=q)
    steps, page = work(year=year, q=q)
    assert page.count == COMMUNES  # every commune is listed, with or without its assessment
    assert sum(row.has_data for row in page.rows) == (25 if year == 2024 else 50)
    # Read the other way, each commune without an assessment (or ended) read all 200 communes
    # or the year's assessments: about 20 to 40 times the baseline's work.
    assert steps < 3 * baseline, (steps, baseline)


@pytest.mark.parametrize("year", [2024, 2025], ids=["2024-half-not-assessed", "2025-half-ended"])
def test_the_country_s_dashboard_figures_are_read_in_time_proportional_to_the_communes(country, year):
    # The dashboards' statement (``reports.selectors.sql``, the figures' SQL twin), computed afresh.
    def figures(year: int) -> tuple[int, object]:
        FiguresCacheEntry.objects.all().delete()
        return steps_of(lambda: progress_summary(unit=None, year=year, tier="standard"))

    baseline, _ = figures(2023)
    steps, summary = figures(year)
    assert (summary.communes_total, summary.communes_with_data) == (COMMUNES, 100 if year == 2024 else COMMUNES)
    # The statement reads much besides (villages, distributions, the year before): read the other
    # way, 1.5 (2024) and 2.9 (2025) times the baseline's work at 200 communes, growing with the
    # square of the communes; now 0.9 and 1.1 times.
    assert steps < 1.3 * baseline, (steps, baseline)
