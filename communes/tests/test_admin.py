import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from communes.models import UnitSuccession
from communes.tests.factories import CommuneFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, tree):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def changelist(admin_client, **params):
    response = admin_client.get(reverse("admin:communes_administrativeunit_changelist"), params)
    assert response.status_code == 200
    return [row.name for row in response.context["cl"].result_list]


def test_admin_search_ignores_diacritics(admin_client):
    assert changelist(admin_client, q="cam thach") == ["Xã Cẩm Thạch"]
    assert changelist(admin_client, q="duc linh") == ["Xã Đức Lĩnh"]


def test_admin_filters_by_level_region_and_subtree(admin_client):
    assert changelist(admin_client, level__exact="commune") == ["Xã Ân Phú", "Xã Cẩm Thạch", "Xã Đức Lĩnh"]
    assert changelist(admin_client, within="402") == ["Huyện Hai", "Xã Ân Phú"]
    assert changelist(admin_client, region__exact="TN") == []


def test_admin_shows_the_tree_path_in_vietnamese(admin_client, tree):
    with translation.override("vi"):
        url = reverse("admin:communes_administrativeunit_change", args=[tree.a1.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"
    page = response.content.decode()
    assert "40 › 401 › 40101 › 40101-01" in page
    assert "đơn vị cấp trên" in page.lower()


def test_parent_autocomplete_searches_without_diacritics(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "communes", "model_name": "administrativeunit", "field_name": "parent", "term": "huyen mot"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Huyện Một"]


def test_membership_admin_lists_and_searches_by_unit_name(admin_client, personas):
    response = admin_client.get(reverse("admin:communes_membership_changelist"), {"q": "cam thach"})
    assert [str(m.user) for m in response.context["cl"].result_list] == ["officer_a"]


def test_user_admin_edits_memberships_inline(admin_client, personas):
    response = admin_client.get(reverse("admin:auth_user_change", args=[personas.officer_a.pk]))
    assert response.status_code == 200
    assert "memberships-TOTAL_FORMS" in response.content.decode()


def test_admin_lineage_marks_where_a_split_unit_s_main_part_went(admin_client, tree):
    day = datetime.date(2025, 7, 1)
    main = CommuneFactory(code="40901", name="Xã Chính", parent=tree.province, valid_from=day)
    other = CommuneFactory(code="40902", name="Xã Phụ", parent=tree.province, valid_from=day)
    UnitSuccession.objects.create(predecessor=tree.a, successor=other, date=day, main_part=False)
    UnitSuccession.objects.create(predecessor=tree.a, successor=main, date=day, main_part=True)
    page = admin_client.get(reverse("admin:communes_administrativeunit_change", args=[tree.a.pk])).content.decode()
    assert "merged into: Xã Chính (main part), Xã Phụ" in page


def test_the_commune_group_is_read_only_in_the_admin(admin_client, tree):
    from django.urls import reverse

    page = admin_client.get(reverse("admin:communes_administrativeunit_change", args=[tree.a.pk]))
    assert page.status_code == 200
    assert "commune_group" not in page.context["adminform"].form.fields
