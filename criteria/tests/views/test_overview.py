import datetime

import pytest
from django.urls import reverse

from communes.models import AdministrativeUnit, Level, UnitType
from criteria.models import AssessmentState
from criteria.services import (
    ValueEntry,
    assessment_create,
    assessment_record_values,
    assessment_set_state,
    assessment_transition,
)

pytestmark = pytest.mark.django_db

COMPLETE = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]


@pytest.fixture
def year_2025(personas, tree, criteria_set):
    made = {}
    for unit, officer in [
        (tree.a, personas.officer_a),
        (tree.b, personas.officer_b),
        (tree.c, personas.province_office),
    ]:
        made[unit.code] = assessment_create(unit=unit, criteria_set=criteria_set, year=2025, user=officer)
    assessment_record_values(assessment=made["40101"], entries=COMPLETE, user=personas.officer_a)
    assessment_transition(assessment=made["40101"], action="submit", user=personas.officer_a)
    return made


def names(response, key="page"):
    return [a.unit.name for a in response.context[key].object_list] if key == "page" else None


def test_the_district_page_lists_its_communes_and_the_verification_queue(client, personas, year_2025):
    client.force_login(personas.district_d1)
    response = client.get(reverse("unit", args=["401"]), {"year": 2025})
    assert names(response) == ["Xã Cẩm Thạch", "Xã Đức Lĩnh"]
    queue = response.context["queues"][0]
    assert [a.unit.code for a in queue["items"]] == ["40101"] and queue["count"] == 1
    page = response.content.decode()
    assert "3/3" in page and "Submitted" in page


def test_the_district_table_filters_by_state_and_searches_without_diacritics(client, personas, year_2025):
    client.force_login(personas.district_d1)
    url = reverse("unit", args=["401"])
    assert names(client.get(url, {"year": 2025, "state": "draft"})) == ["Xã Đức Lĩnh"]
    assert names(client.get(url, {"year": 2025, "q": "duc linh"})) == ["Xã Đức Lĩnh"]
    assert names(client.get(url, {"year": 2025, "q": "CAM THACH"})) == ["Xã Cẩm Thạch"]


def test_the_district_table_is_paginated(client, personas, tree, criteria_set):
    units = []
    for i in range(55):
        unit = AdministrativeUnit(
            code=f"5{i:04d}", name=f"Xã Số {i}", level=Level.COMMUNE, type=UnitType.XA, parent=tree.d1, region="BTB"
        )
        unit.set_derived_fields()
        units.append(unit)
    AdministrativeUnit.objects.bulk_create(units)
    for unit in AdministrativeUnit.objects.filter(code__startswith="5"):
        assessment_create(unit=unit, criteria_set=criteria_set, year=2025, user=personas.district_d1)
    client.force_login(personas.district_d1)
    first = client.get(reverse("unit", args=["401"]), {"year": 2025})
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 of 2 (55 rows)" in first.content.decode()
    second = client.get(reverse("unit", args=["401"]), {"year": 2025, "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_the_province_page_shows_its_queues_and_the_year_decisions(client, personas, year_2025, vi):
    a = year_2025["40101"]
    assessment_transition(assessment=a, action="verify", user=personas.district_d1)
    client.force_login(personas.province_office)
    response = client.get(reverse("unit", args=["40"]), {"year": 2025})
    titles = {q["title"]: [x.unit.code for x in q["items"]] for q in response.context["queues"]}
    assert titles["Chờ thẩm định"] == ["40101"]
    assessment_transition(assessment=a, action="appraise", user=personas.province_office)
    assessment_transition(
        assessment=a,
        action="recognise",
        user=personas.province_office,
        decision_number="7/QĐ-UBND",
        decision_date=datetime.date(2025, 12, 1),
    )
    page = client.get(reverse("unit", args=["40"]), {"year": 2025}).content.decode()
    assert "7/QĐ-UBND" in page
    assert "<td>01/12/2025</td>" in page  # one date format: dd/mm/yyyy


def test_a_province_verifies_communes_without_district_from_its_queue(client, personas, tree, criteria_set):
    new = AdministrativeUnit.objects.create(
        code="40999", name="Xã Mới", level=Level.COMMUNE, type=UnitType.XA, parent=tree.province
    )
    a = assessment_create(unit=new, criteria_set=criteria_set, year=2026, user=personas.province_office)
    assessment_set_state(assessment=a, state=AssessmentState.SUBMITTED, user=personas.province_office)
    client.force_login(personas.province_office)
    response = client.get(reverse("unit", args=["40"]), {"year": 2026})
    first = response.context["queues"][0]
    assert [x.unit.code for x in first["items"]] == ["40999"]


@pytest.mark.parametrize(
    "who, code, status",
    [
        ("district_d2", "401", 404),
        ("officer_a", "401", 404),
        ("officer_a", "40", 404),
        ("viewer", "401", 200),
        ("viewer", "40", 200),
        ("district_d1", "40", 404),
    ],
)
def test_who_may_open_district_and_province_pages(client, personas, tree, who, code, status):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("unit", args=[code])).status_code == status


def test_every_page_and_action_refuses_anonymous_users(client, personas, assessment):
    gets = [reverse("home"), reverse("unit", args=["40101"]), reverse("assessment", args=[assessment.pk])]
    for url in gets:
        assert client.get(url).status_code == 302
    posts = [
        reverse("assessment_start"),
        reverse("record_value", args=[assessment.pk, "1.1"]),
        reverse("upload_evidence", args=[assessment.pk, "1.1"]),
        reverse("assessment_action", args=[assessment.pk, "submit"]),
    ]
    for url in posts:
        response = client.post(url, {})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
