"""A title revoked on one year's assessment does not show as standing on the later years'
assessments that carry the same decision (the unit page and the assessment page), as the
figures count it (``criteria.figures``): QĐ 107/QĐ-UBND of 16/11/2022 carried 2022–2025, revoked
on the 2024 assessment by QĐ 3402 of 20/12/2024."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from criteria.models import Assessment, AssessmentState

pytestmark = pytest.mark.django_db

CARRIED = {"decision_number": "107/QĐ-UBND", "decision_date": datetime.date(2022, 11, 16)}


@pytest.fixture
def carried(tree, criteria_set):
    """Commune A's standard assessments 2022–2025; the 2024 one records the revocation."""
    made = {
        year: Assessment.objects.create(
            unit=tree.a, criteria_set=criteria_set, tier=criteria_set.tier, year=year, state="recognised", **CARRIED
        )
        for year in (2022, 2023, 2025)
    }
    made[2024] = Assessment.objects.create(
        unit=tree.a,
        criteria_set=criteria_set,
        tier=criteria_set.tier,
        year=2024,
        state=AssessmentState.REVOKED,
        revocation_number="3402/QĐ-UBND",
        revocation_date=datetime.date(2024, 12, 20),
        **CARRIED,
    )
    return made


def test_the_unit_page_shows_the_carried_title_revoked(client, personas, carried):
    client.force_login(personas.officer_a)
    html = client.get(reverse("unit", args=["40101"]), {"year": 2025}).content.decode()
    assert "Recognition revoked" in html
    assert "by decision 3402/QĐ-UBND of 20/12/2024" in html
    assert ">Recognised<" not in html


def test_the_district_overview_shows_the_carried_title_revoked(client, personas, carried):
    client.force_login(personas.district_d1)
    html = client.get(reverse("unit", args=["401"]), {"year": 2025}).content.decode()
    assert "Recognition revoked" in html


def test_the_assessment_page_says_the_title_it_carries_was_revoked(client, personas, carried):
    client.force_login(personas.officer_a)
    html = client.get(reverse("assessment", args=[carried[2025].pk])).content.decode()
    assert "Recognition revoked" in html
    assert 'id="title-revoked"' in html and "recorded on the 2024 assessment" in html
    assert reverse("assessment", args=[carried[2024].pk]) in html


def test_a_title_never_revoked_shows_recognised(client, personas, tree, criteria_set):
    standing = Assessment.objects.create(
        unit=tree.a, criteria_set=criteria_set, tier=criteria_set.tier, year=2025, state="recognised", **CARRIED
    )
    client.force_login(personas.officer_a)
    html = client.get(reverse("assessment", args=[standing.pk])).content.decode()
    assert "title revoked" not in html and 'id="title-revoked"' not in html
    assert ">Recognised<" in html


def test_the_carried_title_reads_as_the_lists_read_a_revoked_one(client, personas, carried):
    """QA: the unit page said "Recognised, title revoked" where the communes list, its export and
    the bulletin say "Recognition revoked" for the same assessment; one label now."""
    client.force_login(personas.officer_a)
    html = client.get(reverse("assessment", args=[carried[2025].pk])).content.decode()
    assert '<span class="badge state-revoked">Recognition revoked</span>' in html
    assert "title revoked" not in html


def test_a_title_revoked_on_another_years_dossier_is_not_revoked_again(client, personas, carried):
    """QA: the 2025 dossier carrying a title revoked on the 2024 one still offered "Revoke", and a
    second decision was accepted: the bulletin then reported one title revoked twice."""
    from criteria.services.workflow import assessment_transition, available_actions

    later = carried[2025]
    assert "revoke" not in [a.name for a in available_actions(personas.province_office, later)]
    with pytest.raises(ValidationError) as refused:
        assessment_transition(
            assessment=later,
            action="revoke",
            user=personas.province_office,
            comment="Vi phạm tiêu chí môi trường",
            decision_number="77/QĐ-UBND",
            decision_date=datetime.date(2025, 6, 20),
        )
    assert "already revoked by decision 3402/QĐ-UBND of 20/12/2024, recorded on the 2024 assessment" in " ".join(
        refused.value.messages
    )
    later.refresh_from_db()
    assert later.state == AssessmentState.RECOGNISED and later.revocation_number == ""


# --- Filtering by state follows the badge -------------------------------------------------


@pytest.fixture
def standing_b(tree, criteria_set):
    """Commune B's 2025 recognition, never revoked: recognised under every reading."""
    return Assessment.objects.create(
        unit=tree.b,
        criteria_set=criteria_set,
        tier=criteria_set.tier,
        year=2025,
        state="recognised",
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2025, 3, 1),
    )


def _listed(client, state: str, year: int = 2025) -> list[str]:
    response = client.get(reverse("unit", args=["401"]), {"year": year, "state": state})
    return [a.unit.code for a in response.context["page"].object_list]


def test_the_overview_lists_a_carried_title_revoked_under_revoked_not_recognised(client, personas, carried, standing_b):
    """QA: commune A's 2025 row showed "Recognition revoked · by decision 3402/QĐ-UBND …" but was
    listed under the filter "Recognised" and not under "Revoked"."""
    client.force_login(personas.district_d1)
    assert _listed(client, "recognised") == ["40102"]
    assert _listed(client, "revoked") == ["40101"]
    # The year the revocation is recorded on, as before; an earlier year carrying the same title
    # shows it revoked too (the badge reads the title as known today), and is filtered so.
    assert _listed(client, "revoked", 2024) == ["40101"]
    assert (_listed(client, "revoked", 2023), _listed(client, "recognised", 2023)) == (["40101"], [])


def test_the_filtered_row_shows_the_badge_it_is_filtered_by(client, personas, carried, standing_b):
    client.force_login(personas.district_d1)
    html = client.get(reverse("unit", args=["401"]), {"year": 2025, "state": "revoked"}).content.decode()
    assert html.count('<span class="badge state-revoked">Recognition revoked</span>') == 1
    assert "badge state-recognised" not in html


def test_a_revocation_dated_after_today_does_not_move_the_row_yet(client, personas, tree, criteria_set, standing_b):
    """The badge reads the revocation on today (``state_on``): the filter too."""
    from django.utils import timezone

    Assessment.objects.create(
        unit=tree.b,
        criteria_set=criteria_set,
        tier=criteria_set.tier,
        year=2026,
        state=AssessmentState.REVOKED,
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2025, 3, 1),
        revocation_number="9/QĐ-UBND",
        revocation_date=timezone.localdate() + datetime.timedelta(days=1),
    )
    client.force_login(personas.district_d1)
    assert _listed(client, "recognised") == ["40102"]
    assert _listed(client, "revoked") == []


def test_the_api_state_filter_follows_the_badge(personas, carried, standing_b):
    from rest_framework.test import APIClient

    from ntm_portal.tokens import token_issue

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=personas.district_d1)[1]}")

    def listed(state):
        response = api.get("/api/v1/assessments/", {"year": 2025, "state": state})
        assert response.status_code == 200, response.content
        return [(r["unit"]["code"], r["state"], r["title_revoked_by"]) for r in response.json()["results"]]

    assert listed("recognised") == [("40102", "recognised", None)]
    # Listed as revoked, its state the dossier's, the revocation that took its title said beside it.
    assert listed("revoked") == [("40101", "recognised", "3402/QĐ-UBND")]
    assert api.get(f"/api/v1/assessments/{carried[2025].pk}/").json()["title_revoked_on"] == "2024-12-20"
