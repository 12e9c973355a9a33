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
