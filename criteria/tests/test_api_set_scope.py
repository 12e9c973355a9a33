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
