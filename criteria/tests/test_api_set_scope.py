"""/api/v1/criteria-sets/: a province's sets are visible only inside it (drafts to its office)."""

import pytest

from communes.models import Role
from communes.tests.factories import MembershipFactory, ProvinceFactory, UserFactory
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


def _codes(client):
    body = client.get("/api/v1/criteria-sets/", {"page_size": 100}).json()
    return {row["code"] for row in body["results"]}


def test_a_province_s_sets_are_listed_only_inside_it(client, tree, personas):
    other = ProvinceFactory(code="42", name="Tỉnh Khác")
    office_42 = UserFactory(username="office_42")
    MembershipFactory(user=office_42, unit=other, role=Role.PROVINCE_OFFICE)
    make_set(code="NATIONAL")
    make_set(code="OWN-PUBLISHED", issuer=tree.province)
    make_set(code="OWN-DRAFT", issuer=tree.province, publish=False)
    make_set(code="OTHER-PUBLISHED", issuer=other)
    client.force_login(personas.province_office)
    assert _codes(client) == {"NATIONAL", "OWN-PUBLISHED", "OWN-DRAFT"}
    client.force_login(personas.officer_a)
    assert _codes(client) == {"NATIONAL", "OWN-PUBLISHED"}
    client.force_login(office_42)
    assert _codes(client) == {"NATIONAL", "OTHER-PUBLISHED"}
    client.force_login(personas.outsider)
    assert _codes(client) == {"NATIONAL"}


def test_the_sets_of_the_units_a_merged_unit_was_formed_from_are_read_as_its_history(client, tree, personas):
    """A province formed by a merger reads the old province's sets, drafts included, as it reads its
    units (communes.access); a commune formed from P's communes reads P's published sets."""
    import datetime

    from communes.models import UnitSuccession
    from communes.tests.factories import CommuneFactory
    from criteria import access_sets

    merged = ProvinceFactory(code="41", name="Tỉnh Hợp Nhất")
    UnitSuccession.objects.create(predecessor=tree.province, successor=merged, date=datetime.date(2025, 7, 1))
    commune = CommuneFactory(code="41001", name="Xã Mới", parent=ProvinceFactory(code="43", name="Tỉnh Bên"))
    UnitSuccession.objects.create(predecessor=tree.a, successor=commune, date=datetime.date(2025, 7, 1))
    office = UserFactory(username="office_41")
    MembershipFactory(user=office, unit=merged, role=Role.PROVINCE_OFFICE)
    officer = UserFactory(username="officer_41001")
    MembershipFactory(user=officer, unit=commune, role=Role.COMMUNE_OFFICER)
    make_set(code="NATIONAL")
    published = make_set(code="OLD-PUBLISHED", issuer=tree.province)
    draft = make_set(code="OLD-DRAFT", issuer=tree.province, publish=False)
    client.force_login(office)
    assert _codes(client) == {"NATIONAL", "OLD-PUBLISHED", "OLD-DRAFT"}
    assert access_sets.can_read_set(office, draft) and not access_sets.can_edit_set(office, draft)
    client.force_login(officer)
    assert _codes(client) == {"NATIONAL", "OLD-PUBLISHED"}
    assert access_sets.can_read_set(officer, published) and not access_sets.can_read_set(officer, draft)


@pytest.fixture
def elsewhere(tree):
    """Another province's published set and its draft, which P's users may not read."""
    other = ProvinceFactory(code="42", name="Tỉnh Khác")
    return {
        "published": make_set(code="OTHER-PUBLISHED", year_from=2021, year_to=2025, issuer=other),
        "draft": make_set(code="OTHER-DRAFT", year_from=2021, year_to=2025, issuer=other, publish=False),
    }


def _answers(client, url, body, ids):
    """The answer (status, body) to ``body`` with each set id."""
    found = {}
    for name, pk in ids.items():
        response = client.post(url, body | {"criteria_set": pk}, format="json")
        found[name] = (response.status_code, response.content.decode())
    return found


@pytest.mark.parametrize(
    ("who", "url", "body"),
    [
        ("officer_a", "/api/v1/assessments/", {"unit": "40101", "year": 2025, "reason": "thử"}),
        (
            "officer_a",
            "/api/v1/summary-records/",
            {
                "unit": "40101",
                "year": 2023,
                "met": [1],
                "source_number": "1/BC",
                "source_date": "2024-01-10",
                "reason": "thử",
            },
        ),
        ("province_office", "/api/v1/provinces/40/sets-in-force/", {"year": 2024, "basis": "KH 1/KH-UBND"}),
    ],
)
def test_another_province_s_set_is_refused_in_the_api_as_an_id_no_set_has(
    client, tree, personas, elsewhere, who, url, body
):
    """QA: starting against another province's set was refused naming it ("… là bộ riêng của tỉnh
    khác", its decision), and the set in force answered "only a published set …" for its drafts
    and "issued by another province" for the others: walking ids showed their sets and drafts."""
    client.force_login(getattr(personas, who))
    ids = {"unknown": 999999, "published": elsewhere["published"].pk, "draft": elsewhere["draft"].pk}
    answers = _answers(client, url, body, ids)
    assert answers["unknown"][0] == 400 and "Không có bộ tiêu chí đã ban hành nào có mã này." in answers["unknown"][1]
    assert answers["published"] == answers["unknown"]
    assert answers["draft"] == answers["unknown"]


def test_the_province_office_s_own_draft_is_still_told_apart_in_the_set_in_force(client, tree, personas):
    draft = make_set(code="OWN-DRAFT", issuer=tree.province, publish=False)
    client.force_login(personas.province_office)
    body = {"year": 2024, "basis": "KH 1/KH-UBND", "criteria_set": draft.pk}
    response = client.post("/api/v1/provinces/40/sets-in-force/", body, format="json")
    assert (
        response.status_code == 400
        and "Chỉ bộ tiêu chí đã ban hành mới có thể đưa vào áp dụng." in response.content.decode()
    )


def test_another_province_s_set_is_refused_on_the_start_form_as_an_id_no_set_has(client, tree, personas, elsewhere):
    from django.contrib.messages import get_messages
    from django.urls import reverse

    make_set(code="NATIONAL", year_from=2021, year_to=2025)
    said = {}
    for name, pk in {"unknown": 999999, "published": elsewhere["published"].pk}.items():
        client.logout()  # each answer's messages on their own
        client.force_login(personas.officer_a)
        body = {"unit": "40101", "tier": "standard", "year": 2025, "criteria_set": pk, "reason": "thử"}
        response = client.post(reverse("assessment_start"), body)
        said[name] = (response.status_code, response.url, [str(m) for m in get_messages(response.wsgi_request)])
    assert said["published"] == said["unknown"]
    assert "OTHER-PUBLISHED" not in str(said["published"])


def test_another_province_s_set_asked_on_the_summary_record_page_is_not_named(client, tree, personas, elsewhere):
    from django.urls import reverse

    make_set(code="NATIONAL", year_from=2021, year_to=2025)
    client.force_login(personas.officer_a)
    url = reverse("summary_record_new", args=["40101"])
    query = {"year": 2023, "tier": "standard", "criteria_set": elsewhere["published"].pk, "set_offered": "999999"}
    page = client.get(url, query).content.decode()
    assert "OTHER-PUBLISHED" not in page and "Thử OTHER-PUBLISHED" not in page
