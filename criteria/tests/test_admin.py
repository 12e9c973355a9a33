import pytest
from django.urls import reverse

from communes.tests.factories import UserFactory
from criteria.models import CriteriaSet, SetStatus
from criteria.services import assessment_create, indicator_value_record
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_a_published_set_is_read_only_in_the_admin(admin_client):
    s = make_set()
    page = admin_client.get(reverse("admin:criteria_criteriaset_change", args=[s.pk])).content.decode()
    assert 'name="_save"' not in page
    criterion = s.criteria.first()
    page = admin_client.get(reverse("admin:criteria_criterion_change", args=[criterion.pk])).content.decode()
    assert 'name="_save"' not in page


def test_a_draft_set_is_editable(admin_client):
    s = make_set(publish=False)
    page = admin_client.get(reverse("admin:criteria_criteriaset_change", args=[s.pk])).content.decode()
    assert 'name="_save"' in page


def test_clone_action_creates_an_editable_draft(admin_client):
    s = make_set()
    response = admin_client.post(
        reverse("admin:criteria_criteriaset_changelist"),
        {"action": "clone_as_new_version", "_selected_action": [s.pk]},
        follow=True,
    )
    assert response.status_code == 200
    clone = CriteriaSet.objects.get(code=s.code, version=2)
    assert clone.status == SetStatus.DRAFT
    assert "Created draft TEST-SET v2" in response.content.decode()


def test_the_to_verify_flag_is_shown_on_indicators(admin_client):
    make_set()
    page = admin_client.get(reverse("admin:criteria_indicator_changelist")).content.decode()
    assert "45 (2024) ⚠ to verify" in page


def test_assessment_admin_shows_values_results_and_history(admin_client, personas, tree):
    a = assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)
    indicator_value_record(assessment=a, code="2.1", raw="85", user=personas.officer_a, expected_version=0)
    page = admin_client.get(reverse("admin:criteria_assessment_change", args=[a.pk])).content.decode()
    assert "officer_a" in page and "85" in page
    assert (
        admin_client.get(reverse("admin:criteria_assessment_changelist"), {"q": "cam thach"}).context["cl"].result_count
        == 1
    )
