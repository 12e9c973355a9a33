"""The bulletin's reference gathers the same figures as the bulletin (and says when it does not)."""

import os

import pytest

from bench import cpu, reference
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
