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
