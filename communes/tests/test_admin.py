import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from communes.models import AdministrativeUnit, Region, UnitSuccession
from communes.tests.factories import CommuneFactory, MembershipFactory, UserFactory

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


def test_a_commune_added_in_the_admin_without_a_region_takes_its_districts(admin_client, tree):
    """QA: a commune created under a district had no region, so no region's target applied to it."""
    body = {
        "code": "40103",
        "name": "Xã Mới",
        "level": "commune",
        "type": "xa",
        "parent": tree.d1.pk,
        "region": "",
        "valid_from": "",
        "valid_to": "",
        "latitude": "",
        "longitude": "",
    }
    response = admin_client.post(reverse("admin:communes_administrativeunit_add"), body)
    assert response.status_code == 302
    assert AdministrativeUnit.objects.get(code="40103").region == tree.d1.region == Region.BTB
    # A region given stays the unit's own.
    body |= {"code": "40104", "name": "Xã Khác", "region": Region.TN}
    assert admin_client.post(reverse("admin:communes_administrativeunit_add"), body).status_code == 302
    assert AdministrativeUnit.objects.get(code="40104").region == Region.TN


def test_a_unit_without_a_region_inherits_its_parents_once_cleaned(tree):
    unit = AdministrativeUnit(code="40105", name="Xã Sạch", level="commune", type="xa", parent=tree.d1)
    unit.full_clean()
    assert unit.region == Region.BTB


def test_every_field_of_the_admin_unit_form_is_named_through_the_catalogue(admin_client, tree):
    """QA: 'Created at' and 'Updated at' in English on the Vietnamese admin."""
    untranslated = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("communes").get_models()
        for field in model._meta.get_fields()
        if hasattr(field, "verbose_name") and not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert untranslated == []
    with translation.override("vi"):
        url = reverse("admin:communes_administrativeunit_change", args=[tree.a.pk])
    page = admin_client.get(url).content.decode()
    assert "Ngày tạo" in page and "Created at" not in page


def _rows(admin_client, name: str, **params) -> list:
    response = admin_client.get(reverse(f"admin:{name}_changelist"), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.fixture
def tuan(tree):
    return UserFactory(username="tat", first_name="Tuấn", last_name="Trần Anh", email="tat@example.vn")


@pytest.mark.parametrize("q", ["tuan", "TUẤN", "Tuấn", "tran anh tuan", "tuan tran", "TAT@EXAMPLE"])
def test_user_admin_search_ignores_diacritics_and_case(admin_client, tuan, q):
    assert _rows(admin_client, "auth_user", q=q) == [tuan]


def test_user_admin_search_does_not_match_across_fields(admin_client, tuan):
    # "tat" + "tran": the login name's end and the family name's start are two fields.
    assert _rows(admin_client, "auth_user", q="tattran") == []


def test_the_user_autocomplete_of_a_membership_ignores_diacritics(admin_client, tuan):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "communes", "model_name": "membership", "field_name": "user", "term": "TUAN"},
    )
    assert [r["id"] for r in response.json()["results"]] == [str(tuan.pk)]


def test_membership_admin_search_finds_the_person_without_diacritics_and_the_unit_by_code(admin_client, tuan, tree):
    membership = MembershipFactory(user=tuan, unit=tree.b)
    assert _rows(admin_client, "communes_membership", q="tuan") == [membership]
    assert _rows(admin_client, "communes_membership", q="40102") == [membership]


def test_unit_admin_lists_the_unit_with_the_code_first_unless_sorted_by_a_column(admin_client, tree):
    former = CommuneFactory(code="40102-cu", name="Xã An Bình", parent=tree.d1)
    by_rank = [u.code for u in _rows(admin_client, "communes_administrativeunit", q="40102")]
    assert by_rank == ["40102", former.code, "40102-01"]
    by_code = [u.code for u in _rows(admin_client, "communes_administrativeunit", q="40102", o="1")]
    assert by_code == ["40102", "40102-01", former.code]


def test_the_unit_autocomplete_offers_the_unit_with_the_code_first(admin_client, tree):
    CommuneFactory(code="40102-cu", name="Xã An Bình", parent=tree.d1)
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "communes", "model_name": "membership", "field_name": "unit", "term": "40102"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Xã Đức Lĩnh", "Xã An Bình", "Thôn Đông"]


@pytest.fixture
def successions(tree):
    new = CommuneFactory(code="40199", name="Xã Hòa Bình Mới", parent=tree.province)
    merged = [
        UnitSuccession.objects.create(predecessor=unit, successor=new, date=datetime.date(2025, 7, 1), main_part=True)
        for unit in (tree.a, tree.b)
    ]
    earlier = UnitSuccession.objects.create(
        predecessor=tree.c, successor=tree.a, date=datetime.date(2019, 12, 1), main_part=True
    )
    return merged, earlier


def test_succession_admin_searches_either_unit_by_code_or_folded_name(admin_client, successions):
    (a_to_new, b_to_new), earlier = successions
    assert set(_rows(admin_client, "communes_unitsuccession", q="hoa binh moi")) == {a_to_new, b_to_new}
    assert set(_rows(admin_client, "communes_unitsuccession", q="40102")) == {b_to_new}
    assert set(_rows(admin_client, "communes_unitsuccession", q="AN PHU")) == {earlier}
    assert set(_rows(admin_client, "communes_unitsuccession", q="cam thach")) == {a_to_new, earlier}


def test_succession_admin_filters_by_the_dates_successions_took_effect(admin_client, successions):
    (a_to_new, b_to_new), earlier = successions
    with translation.override("vi"):
        response = admin_client.get(reverse("admin:communes_unitsuccession_changelist"))
    page = response.content.decode()
    assert "01/07/2025" in page and "01/12/2019" in page
    assert set(_rows(admin_client, "communes_unitsuccession", on="2019-12-01")) == {earlier}
    assert set(_rows(admin_client, "communes_unitsuccession", on="2025-07-01")) == {a_to_new, b_to_new}
