"""One assessment per unit, tier and year: starting another opens the existing one; and one per
place, across a merger: a unit formed from another (or the unit it became part of) is not
assessed for a year the other already is."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communes.models import UnitSuccession
from communes.tests.factories import CommuneFactory, VillageFactory
from criteria.figures import communes_of_year
from criteria.models import Assessment
from criteria.services import assessment_create, assessment_start, trusted
from criteria.services.assessments import DuplicateAssessment
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


def test_starting_twice_opens_the_same_assessment(personas, tree, criteria_set):
    first = assessment_start(unit=tree.a, year=2025, tier="standard", user=personas.officer_a)
    again = assessment_start(unit=tree.a, year=2025, tier="standard", user=personas.officer_a)
    assert (first.created, again.created) == (True, False)
    assert again.assessment.pk == first.assessment.pk
    assert Assessment.objects.filter(unit=tree.a, year=2025).count() == 1


def test_a_second_set_of_the_same_tier_is_refused_with_the_existing_one(personas, tree, criteria_set):
    existing = assessment_create(unit=tree.a, criteria_set=criteria_set, year=2025, user=personas.officer_a)
    with pytest.raises(DuplicateAssessment) as refused:
        assessment_create(unit=tree.a, criteria_set=make_set(code="OTHER"), year=2025, user=personas.officer_a)
    assert refused.value.existing == existing
    assert "already has its standard assessment for 2025" in refused.value.messages[0]
    # Another tier is another assessment.
    trusted.create_assessment(unit=tree.a, criteria_set=make_set(code="ADV", tier="advanced"), year=2025, user=None)
    assert Assessment.objects.filter(unit=tree.a, year=2025).count() == 2


def test_the_start_button_opens_the_existing_assessment(client, personas, tree, criteria_set):
    client.force_login(personas.officer_a)
    post = {"unit": tree.a.code, "year": 2025, "tier": "standard"}
    first = client.post(reverse("assessment_start"), post)
    second = client.post(reverse("assessment_start"), post, follow=True)
    assert first.url == second.redirect_chain[-1][0]
    assert "already has its standard assessment for 2025" in second.content.decode()
    assert Assessment.objects.filter(unit=tree.a, year=2025).count() == 1


def test_the_api_starts_once_and_then_answers_the_existing_assessment(personas, tree, criteria_set):
    from rest_framework.test import APIClient

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(personas.officer_a)
    body = {"unit": tree.a.code, "year": 2025, "tier": "standard"}
    created = api.post("/api/v1/assessments/", body, format="json")
    opened = api.post("/api/v1/assessments/", body, format="json")
    assert (created.status_code, opened.status_code) == (201, 200)
    assert created.json()["id"] == opened.json()["id"]
    assert opened.json()["tier"] == "standard"
    other = api.post("/api/v1/assessments/", {**body, "unit": tree.b.code}, format="json")
    assert other.status_code == 404  # commune B is outside officer A's area


@pytest.mark.parametrize("kind", ["phuong", "thi_tran", "dac_khu"])
def test_wards_townships_and_special_zones_are_not_assessed_as_ntm_communes(personas, tree, criteria_set, kind):
    ward = CommuneFactory(code=f"401-{kind}", name="Phường Thử", parent=tree.d1, type=kind)
    with pytest.raises(ValidationError, match="only rural communes"):
        assessment_create(unit=ward, criteria_set=criteria_set, year=2025, user=personas.district_d1)


def test_a_wards_tdp_is_not_assessed_as_an_ntm_village(personas, tree):
    """QA: Tổ dân phố 1 of Phường Hưng Bình was assessed and recognised as an NTM village."""
    village_set = make_set(code="THON", level="village")
    ward = CommuneFactory(code="401-P", name="Phường Hưng Bình", parent=tree.d1, type="phuong")
    tdp = VillageFactory(code="401-P-01", name="Tổ dân phố 1", parent=ward, type="to_dan_pho")
    with pytest.raises(ValidationError) as refused:
        assessment_create(unit=tdp, criteria_set=village_set, year=2025, user=personas.province_office)
    assert refused.value.messages == [
        "Tổ dân phố 1 belongs to Phường Hưng Bình, a Ward (phường): only the villages of rural communes (xã) are "
        "assessed against the NTM village sets; those of wards, townships and special zones are not NTM villages."
    ]
    assessment_create(unit=tree.a1, criteria_set=village_set, year=2025, user=personas.officer_a)


@pytest.fixture
def merged(tree):
    """Commune A ended on 30 June 2025; Xã Hợp Nhất was formed from it on 1 July 2025."""
    tree.a.valid_to = datetime.date(2025, 6, 30)
    tree.a.save(update_fields=["valid_to"])
    new = CommuneFactory(code="40100", name="Xã Hợp Nhất", parent=tree.d1, valid_from=datetime.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=tree.a, successor=new, date=datetime.date(2025, 7, 1))
    return new


TERRITORY = (
    "{other} already has its standard assessment for 2025, and {unit} was formed from it or became part of it: "
    "the same place is assessed once a year, so open that one."
)


def test_a_commune_formed_in_a_merger_is_not_assessed_for_a_year_its_predecessor_is(
    personas, tree, criteria_set, merged
):
    """Both would count in 2025's figures: the same place twice (60 communes became 61)."""
    assessment_create(unit=tree.a, criteria_set=criteria_set, year=2025, user=personas.district_d1)
    counted = communes_of_year(2025, within=tree.province).count()
    with pytest.raises(ValidationError) as refused:
        assessment_create(unit=merged, criteria_set=criteria_set, year=2025, user=personas.district_d1)
    assert refused.value.messages == [TERRITORY.format(other="Xã Cẩm Thạch", unit="Xã Hợp Nhất")]
    assert communes_of_year(2025, within=tree.province).count() == counted
    # Another year, or another tier, is another assessment.
    assessment_create(unit=merged, criteria_set=criteria_set, year=2026, user=personas.district_d1)
    advanced = make_set(code="ADV", tier="advanced", year_from=2021, year_to=2030)
    assessment_create(unit=merged, criteria_set=advanced, year=2025, user=personas.district_d1)


def test_nor_the_commune_it_was_formed_from_once_the_new_one_is_assessed(personas, tree, criteria_set, merged):
    assessment_create(unit=merged, criteria_set=criteria_set, year=2025, user=personas.district_d1)
    with pytest.raises(ValidationError) as refused:
        assessment_create(unit=tree.a, criteria_set=criteria_set, year=2025, user=personas.district_d1)
    assert refused.value.messages == [TERRITORY.format(other="Xã Hợp Nhất", unit="Xã Cẩm Thạch")]


def test_the_api_answers_400_with_the_reason(personas, tree, criteria_set, merged):
    from rest_framework.test import APIClient

    assessment_create(unit=tree.a, criteria_set=criteria_set, year=2025, user=personas.district_d1)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(personas.district_d1)
    response = api.post("/api/v1/assessments/", {"unit": "40100", "year": 2025, "tier": "standard"}, format="json")
    assert response.status_code == 400
    assert TERRITORY.format(other="Xã Cẩm Thạch", unit="Xã Hợp Nhất") in str(response.json())
    assert not Assessment.objects.filter(unit=merged).exists()
