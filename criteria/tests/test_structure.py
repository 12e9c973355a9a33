"""A published set's indicators and targets are read once per process; a draft's every time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from criteria.selectors import assessment_sheet
from criteria.services import assessment_create
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


def catalog_reads(assessment) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        groups = assessment_sheet(assessment)
    assert [row.indicator.code for g in groups for c in g.criteria for row in c.rows] == [
        "1.1",
        "2.1",
        "2.2",
        "3.1",
        "3.2",
    ]
    tables = ('FROM "criteria_indicator"', 'FROM "criteria_target"')
    return [q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in tables)]


def test_the_sheet_of_a_published_set_reads_its_indicators_once(assessment):
    catalog_reads(assessment)
    assert catalog_reads(assessment) == []


def test_the_sheet_of_a_draft_set_reads_them_every_time(personas, tree):
    draft = make_set(code="DRAFT", publish=False)
    assessment = assessment_create(unit=tree.a, criteria_set=draft, year=2023, user=personas.officer_a)
    assert len(catalog_reads(assessment)) == 2
    assert len(catalog_reads(assessment)) == 2
