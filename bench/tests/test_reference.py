"""The bulletin's reference gathers the same figures as the bulletin (and says when it does not)."""

import os

import pytest
from django.db import connection

from bench import cpu, reference, reference_import
from criteria.models import CriterionResult
from reports import bulletin
from reports.bulletin import Month
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db
MATRIX = "Xã - tiêu chí"


@pytest.fixture
def province(tree):
    standard = make_flat_set(code="V-19", total=19, year_to=2030)
    make_assessment(tree.a, standard, 2025, 19, "recognised")
    make_assessment(tree.b, standard, 2025, 12)
    return tree  # commune C has no 2025 assessment: a grey row


def test_the_gathered_matrix_equals_the_bulletin_s_and_a_change_is_reported(province):
    content, _cut = bulletin.bulletin_build(unit=province.province, month=Month(2025, 12), user=None)
    cells = reference.workbook_cells(content)
    gathered = reference.bulletin_gathering(province.province.path, 2025, 12)
    assert gathered == {"40101": 19, "40102": 12, "40201": 0}
    assert reference.matrix_differences(gathered, cells, MATRIX) == []
    CriterionResult.objects.filter(assessment__unit=province.b, criterion__number=1).update(met=False)
    changed = reference.bulletin_gathering(province.province.path, 2025, 12)
    assert reference.matrix_differences(changed, cells, MATRIX) == ["matrix: 1 communes differ, e.g. ['40102']"]


def test_the_load_test_reads_cpu_time_of_processes_and_their_children():
    assert cpu._cpu_seconds(os.getpid()) > 0
    assert cpu._cpu_seconds(2**22 + 7) is None  # no such process
    assert os.getpid() in cpu._children(os.getppid())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: the reference writes by COPY")
def test_the_import_floor_writes_every_value_of_the_file_and_keeps_nothing(tree, personas):
    """The writing reference of ``import_changed_province_writes`` (PostgreSQL's COPY)."""
    from criteria.models import HistoryEntry, IndicatorValue
    from criteria.services import ValueEntry, assessment_create, assessment_record_values
    from criteria.tests.factories import make_set
    from reports.importing.template import import_template
    from reports.tests.excel.helpers import fill

    criteria_set = make_set(year_from=2021, year_to=2030)
    a = assessment_create(unit=tree.a, criteria_set=criteria_set, year=2025, user=personas.officer_a)
    assessment_record_values(assessment=a, entries=[ValueEntry("1.1", "có")], user=personas.officer_a)
    assessment_create(unit=tree.b, criteria_set=criteria_set, year=2025, user=personas.officer_b)
    content = fill(
        import_template(unit=tree.d1, criteria_set=criteria_set, year=2025),
        {("40101", "1.1"): "Không", ("40101", "2.1"): 85.5, ("40102", "3.1"): 12},
    )
    before = (list(IndicatorValue.objects.values_list("pk", "value_bool", "version")), HistoryEntry.objects.count())
    user = personas.province_office.pk
    assert reference_import.read_and_write(content, set_id=criteria_set.pk, year=2025, user_id=user) == 3
    assert (
        list(IndicatorValue.objects.values_list("pk", "value_bool", "version")),
        HistoryEntry.objects.count(),
    ) == before


# The 2025 reorganisation's cases of "which units count", from the figures' own tests: the
# reference, written apart from the selectors, must read them as the dashboards do.
from reports.tests.selectors.test_vocabulary import into_ward, merger  # noqa: E402, F401


@pytest.mark.parametrize("case", ["merger", "into_ward"])
@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_dashboard_reference_counts_the_units_of_a_reorganisation_as_the_dashboards(case, year, request):
    """A commune read through its predecessors (all of them counted), an abolished district above
    the communes counted, a xã that became a ward (not counted beside it), their villages, the
    titles on each year's cut-off: the reference gives the province's and each district's numbers
    as ``progress_summary`` does."""
    from reports.selectors import progress_summary

    tree = request.getfixturevalue(case)
    # An abolished district is read until the year it ended (its own year on its last day).
    for unit in (tree.province, *((tree.d1, tree.d2) if year <= 2025 else ())):
        summary = progress_summary(unit=unit, year=year, tier="standard")
        numbers = reference.dashboard_numbers(unit.path, year, "standard", ended=unit.valid_to)
        assert reference.compare_with_summary(numbers, summary, districts=unit == tree.province) == [], unit
