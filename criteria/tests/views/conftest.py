import pytest
from django.utils import translation

from criteria.services import ValueEntry, assessment_create, assessment_record_values
from criteria.tests.factories import make_set


@pytest.fixture
def criteria_set(db):
    return make_set(year_from=2021, year_to=2030)


@pytest.fixture
def assessment(personas, tree, criteria_set):
    a = assessment_create(unit=tree.a, criteria_set=criteria_set, year=2025, user=personas.officer_a)
    assessment_record_values(assessment=a, entries=[ValueEntry("1.1", "có")], user=personas.officer_a)
    return a


@pytest.fixture
def vi():
    """Pages as a Vietnamese user sees them (URLs without the /en/ prefix, Vietnamese text)."""
    with translation.override("vi"):
        yield


def login(client, user):
    client.force_login(user)
    return client
