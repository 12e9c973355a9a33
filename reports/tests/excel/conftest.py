"""Fixtures of the Excel tests: files under a temporary MEDIA_ROOT, the immediate task backend,
a small published set (``criteria.tests.factories.make_set``) and a past with known dates.

``past`` — in the shared ``tree``, against the 3-criteria set, year 2024, all through the
services so that the logs hold the dates:

  commune A: started 05/01/2024; 1.1 = có on 10/01 (criterion 1 met); 2.1 = 90 and 3.1 = 50,
             3.2 = 0 on 10/02 (all 3 met); submitted → … → recognised on 20/02/2024
             (decision 12/QĐ-UBND of 18/02/2024)
  commune B: started 05/01/2024, nothing entered (0 of 3)
  commune C: started 15/02/2024; 1.1 = không (0 of 3)
"""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from criteria.models import AssessmentState
from criteria.services import ValueEntry, assessment_create, assessment_record_values, assessment_set_state
from criteria.tests.factories import make_set


def at(day: str, hour: int = 9) -> datetime.datetime:
    """An aware moment in the portal's time zone from ``"dd/mm/yyyy"``."""
    date = datetime.datetime.strptime(day, "%d/%m/%Y")
    return timezone.make_aware(date.replace(hour=hour))


def open_book(content: bytes):
    return load_workbook(io.BytesIO(content))


def rows_of(ws, first: int) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=first) if any(c.value is not None for c in row)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def criteria_set(db):
    return make_set(year_from=2021, year_to=2030)


@pytest.fixture
def past(tree, personas, criteria_set):
    officer_a, office = personas.officer_a, personas.province_office
    a = assessment_create(unit=tree.a, criteria_set=criteria_set, year=2024, user=officer_a, at=at("05/01/2024"))
    b = assessment_create(
        unit=tree.b, criteria_set=criteria_set, year=2024, user=personas.officer_b, at=at("05/01/2024")
    )
    assessment_record_values(assessment=a, entries=[ValueEntry("1.1", "có")], user=officer_a, at=at("10/01/2024"))
    c = assessment_create(unit=tree.c, criteria_set=criteria_set, year=2024, user=office, at=at("15/02/2024"))
    assessment_record_values(assessment=c, entries=[ValueEntry("1.1", "không")], user=office, at=at("15/02/2024"))
    assessment_record_values(
        assessment=a,
        entries=[ValueEntry("2.1", "90"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")],
        user=officer_a,
        at=at("10/02/2024"),
    )
    for state, day in (
        (AssessmentState.SUBMITTED, "12/02/2024"),
        (AssessmentState.VERIFIED, "14/02/2024"),
        (AssessmentState.APPRAISED, "16/02/2024"),
    ):
        assessment_set_state(assessment=a, state=state, user=office, at=at(day))
    assessment_set_state(
        assessment=a,
        state=AssessmentState.RECOGNISED,
        user=office,
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2024, 2, 18),
        at=at("20/02/2024"),
    )
    a.refresh_from_db()
    return {"a": a, "b": b, "c": c}


@pytest.fixture
def vi_language(settings):
    """The Vietnamese UI (the default language): the test-wide English override is lifted."""
    from django.utils import translation

    with translation.override("vi"):
        yield
