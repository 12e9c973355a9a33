import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from communes.models import AdministrativeUnit, Commune, District, Level, Province, UnitSuccession, UnitType, Village
from communes.tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory, VillageFactory

pytestmark = pytest.mark.django_db


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_subtree_of_a_district_holds_its_communes_and_their_villages(tree):
    assert codes(AdministrativeUnit.objects.subtree(tree.d1)) == [
        "401",
        "40101",
        "40101-01",
        "40101-02",
        "40102",
        "40102-01",
    ]


def test_subtree_of_a_commune_does_not_reach_a_neighbour_whose_code_shares_its_prefix(tree):
    # 4010 is a prefix of 40101's code; the path separator keeps them apart.
    lookalike = CommuneFactory(code="4010", name="Xã Giống", parent=tree.d1)
    VillageFactory(code="4010-01", parent=lookalike)
    assert codes(AdministrativeUnit.objects.subtree(tree.a, include_self=False)) == ["40101-01", "40101-02"]
    assert codes(AdministrativeUnit.objects.subtree(lookalike)) == ["4010", "4010-01"]


def test_subtree_lookup_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(AdministrativeUnit.objects.subtree(tree.province))) == 9


def test_path_is_built_from_codes(tree):
    assert tree.a1.path == "/40/401/40101/40101-01/"
    assert tree.a1.ancestor_codes() == ["40", "401", "40101"]
    assert [u.name for u in tree.a1.ancestors()] == ["Tỉnh Nghệ Thử", "Huyện Một", "Xã Cẩm Thạch"]
    assert tree.a1.depth == 4


def test_moving_a_commune_carries_its_villages(tree):
    tree.a.parent = tree.d2
    tree.a.save()
    tree.a1.refresh_from_db()
    assert tree.a1.path == "/40/402/40101/40101-01/"
    assert codes(AdministrativeUnit.objects.subtree(tree.d2)) == sorted(
        ["402", "40101", "40101-01", "40101-02", "40201"]
    )
    assert "40101-01" not in codes(AdministrativeUnit.objects.subtree(tree.d1))


def test_a_commune_may_hang_directly_under_a_province(tree):
    new = CommuneFactory(code="40999", name="Xã Mới", parent=tree.province, valid_from=datetime.date(2025, 7, 1))
    new.full_clean()
    assert new.path == "/40/40999/"


def test_a_village_cannot_hang_under_a_province(tree):
    village = AdministrativeUnit(
        code="X1", name="Thôn Lạc", level=Level.VILLAGE, type=UnitType.THON, parent=tree.province
    )
    with pytest.raises(ValidationError) as exc:
        village.full_clean()
    assert "parent" in exc.value.message_dict


def test_a_type_from_another_level_is_refused_by_the_database(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        AdministrativeUnit.objects.create(
            code="X2", name="Sai", level=Level.COMMUNE, type=UnitType.THON, parent=tree.d1
        )


def test_only_provinces_are_roots_in_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        AdministrativeUnit.objects.create(code="X3", name="Mồ côi", level=Level.COMMUNE, type=UnitType.XA)


def test_a_unit_cannot_end_before_it_begins(tree):
    tree.a.valid_from = datetime.date(2020, 1, 1)
    tree.a.valid_to = datetime.date(2019, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        tree.a.save()


def test_a_unit_cannot_move_under_its_own_village(tree):
    tree.a.parent = tree.a1
    with pytest.raises(ValidationError):
        tree.a.full_clean()


def test_proxies_select_and_create_their_level(tree):
    assert codes(Province.objects.all()) == ["40"]
    assert codes(District.objects.all()) == ["401", "402"]
    assert codes(Commune.objects.all()) == ["40101", "40102", "40201"]
    assert len(Village.objects.all()) == 3
    village = Village.objects.create(code="40201-01", name="Bản Mới", parent=tree.c)
    assert (village.level, village.type) == (Level.VILLAGE, UnitType.THON)


def test_valid_on_a_date_hides_units_merged_away(tree):
    cut = datetime.date(2025, 6, 30)
    AdministrativeUnit.objects.filter(pk__in=[tree.a.pk, tree.b.pk]).update(valid_to=cut)
    merged = CommuneFactory(
        code="40900", name="Xã Hợp Nhất", parent=tree.province, valid_from=datetime.date(2025, 7, 1)
    )
    before = codes(Commune.objects.valid_on(datetime.date(2025, 6, 30)))
    after = codes(Commune.objects.valid_on(datetime.date(2025, 7, 1)))
    assert before == ["40101", "40102", "40201"]
    assert after == ["40201", merged.code]


def test_lineage_after_a_merge_names_the_former_communes_both_ways(tree):
    merged = CommuneFactory(
        code="40900", name="Xã Hợp Nhất", parent=tree.province, valid_from=datetime.date(2025, 7, 1)
    )
    for old in (tree.a, tree.b):
        UnitSuccession.objects.create(predecessor=old, successor=merged, date=datetime.date(2025, 7, 1))
    assert codes(merged.predecessors()) == ["40101", "40102"]
    assert codes(tree.a.successors()) == ["40900"]
    # The former commune's history stays where it was: its villages still hang under it.
    assert codes(AdministrativeUnit.objects.subtree(tree.a, include_self=False)) == ["40101-01", "40101-02"]


def test_a_unit_cannot_succeed_itself_or_be_linked_twice(tree):
    UnitSuccession.objects.create(predecessor=tree.a, successor=tree.c, date=datetime.date(2025, 7, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitSuccession.objects.create(predecessor=tree.a, successor=tree.c, date=datetime.date(2025, 7, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitSuccession.objects.create(predecessor=tree.a, successor=tree.a, date=datetime.date(2025, 7, 1))


def test_only_communes_have_a_commune_group(tree):
    tree.d1.commune_group = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        tree.d1.save()


def test_factories_keep_the_hierarchy_consistent(db):
    village = VillageFactory()
    assert village.parent.level == Level.COMMUNE
    assert village.parent.parent.level == Level.DISTRICT
    assert village.parent.parent.parent.level == Level.PROVINCE
    assert village.region == village.parent.parent.parent.region
    assert ProvinceFactory().path.count("/") == 2
    assert DistrictFactory().depth == 2


def test_lifetime_side_says_which_end_of_the_lifetime_a_period_misses():
    import datetime

    from communes.models import AdministrativeUnit, year_days

    unit = AdministrativeUnit(valid_from=datetime.date(2019, 1, 1), valid_to=datetime.date(2025, 6, 30))
    assert unit.lifetime_side(*year_days(2018)) == "before"
    assert unit.lifetime_side(*year_days(2025)) is None and unit.existed_in_year(2025)
    assert unit.lifetime_side(*year_days(2026)) == "after" and not unit.existed_in_year(2026)
    day = datetime.date(2025, 7, 1)
    assert unit.lifetime_side(day, day) == "after" and not unit.is_valid_on(day)
    assert AdministrativeUnit().lifetime_side(*year_days(1990)) is None
