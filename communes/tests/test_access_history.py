"""The members of a unit formed by a merger read the history of the units it was formed from
(DOMAIN.md, "The 2025 reorganisation"), transitively; they write only in their own units.

Tree (conftest): province P (40) → district D1 (401) → communes A (villages A1, A2) and B
(village B1); P → district D2 (402) → commune C. Added here: commune M (40-M01, from
01/07/2025, directly under P) formed from A and B; commune A itself formed in 2019 from O
(40100, ended 2018, village O1); commune N (40-M02) formed from part of B; province Q (41)
formed from P and province R (42, district R1 → commune R11).
"""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from communes import access
from communes.models import Role, UnitSuccession
from communes.tests.factories import (
    CommuneFactory,
    DistrictFactory,
    MembershipFactory,
    ProvinceFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db

MERGER = datetime.date(2025, 7, 1)


def _formed(successor, *predecessors, date=MERGER, main_part=True):
    for predecessor in predecessors:
        UnitSuccession.objects.create(predecessor=predecessor, successor=successor, date=date, main_part=main_part)


def _member(username, unit, role=Role.COMMUNE_OFFICER):
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def merged(tree):
    old = CommuneFactory(code="40100", name="Xã Cũ", parent=tree.d1, valid_to=datetime.date(2018, 12, 31))
    o1 = VillageFactory(code="40100-01", name="Thôn Cũ", parent=old, valid_to=datetime.date(2018, 12, 31))
    m = CommuneFactory(code="40-M01", name="Xã Mới", parent=tree.province, valid_from=MERGER)
    m1 = VillageFactory(code="40-M01-01", name="Thôn Mới", parent=m, valid_from=MERGER)
    n = CommuneFactory(code="40-M02", name="Xã Mới Hai", parent=tree.province, valid_from=MERGER)
    _formed(tree.a, old, date=datetime.date(2019, 1, 1))
    _formed(m, tree.a, tree.b)
    _formed(n, tree.b, main_part=False)  # B split: its main part into M, the rest into N
    return SimpleNamespace(old=old, o1=o1, m=m, m1=m1, n=n, officer_m=_member("officer_m", m))


def readable(user):
    return sorted(access.units_for(user).values_list("code", flat=True))


def test_an_officer_of_a_merged_commune_reads_the_communes_it_was_formed_from_and_their_villages(tree, merged):
    assert readable(merged.officer_m) == [
        "40-M01",
        "40-M01-01",
        "40100",
        "40100-01",
        "40101",
        "40101-01",
        "40101-02",
        "40102",
        "40102-01",
    ]
    for unit in (tree.a, tree.a1, tree.b, tree.b1, merged.old, merged.o1):
        assert access.can_read_unit(merged.officer_m, unit)
        assert access.get_unit_for_user(merged.officer_m, unit.code) == unit


def test_the_history_is_read_only(tree, merged):
    for unit in (tree.a, tree.a1, tree.b, merged.old):
        assert not access.can_write_unit(merged.officer_m, unit)
        with pytest.raises(PermissionDenied, match=r"You may read this unit's data but not change it\."):
            access.get_unit_for_user(merged.officer_m, unit.code, write=True)
    assert access.get_unit_for_user(merged.officer_m, "40-M01-01", write=True) == merged.m1
    assert sorted(access.units_for(merged.officer_m, write=True).values_list("code", flat=True)) == [
        "40-M01",
        "40-M01-01",
    ]


@pytest.mark.parametrize("code", ["40201", "401", "40", "402", "40-M02"])
def test_an_unrelated_unit_and_the_units_above_the_history_stay_outside(merged, code):
    with pytest.raises(Http404):
        access.get_unit_for_user(merged.officer_m, code)


def test_the_history_is_followed_back_through_earlier_mergers(tree, merged):
    older = CommuneFactory(code="40099", name="Xã Rất Cũ", parent=tree.d1, valid_to=datetime.date(2009, 12, 31))
    _formed(merged.old, older, date=datetime.date(2010, 1, 1))
    access.forget_memberships(merged.officer_m)
    assert access.can_read_unit(merged.officer_m, older)
    assert access.reads_as_history(merged.officer_m, older)


def test_a_commune_split_in_two_is_read_by_both_successors(tree, merged):
    officer_n = _member("officer_n", merged.n)
    assert readable(officer_n) == ["40-M02", "40102", "40102-01"]
    assert access.can_read_unit(merged.officer_m, tree.b) and access.can_read_unit(officer_n, tree.b1)
    assert not access.can_read_unit(officer_n, tree.a)


def test_a_viewer_reads_the_history_too(tree, merged):
    viewer = _member("viewer_m", merged.m, Role.VIEWER)
    assert access.can_read_unit(viewer, tree.a1)
    with pytest.raises(PermissionDenied):
        access.get_unit_for_user(viewer, tree.a.code, write=True)


def test_a_merged_province_s_office_reads_the_provinces_it_was_formed_from(tree):
    other = ProvinceFactory(code="42", name="Tỉnh Khác")
    r1 = DistrictFactory(code="421", name="Huyện Khác", parent=other, valid_to=datetime.date(2025, 6, 30))
    r11 = CommuneFactory(code="42101", name="Xã Khác", parent=r1, valid_to=datetime.date(2025, 6, 30))
    new = ProvinceFactory(code="41", name="Tỉnh Mới", valid_from=MERGER)
    _formed(new, tree.province, other)
    office = _member("office_q", new, Role.PROVINCE_OFFICE)
    for unit in (tree.province, tree.d2, tree.c, other, r1, r11):
        assert access.can_read_unit(office, unit)
        assert not access.can_write_unit(office, unit)
    assert access.speaks_for_province(office, new) and not access.speaks_for_province(office, other)


def test_a_district_member_of_a_district_formed_by_merger_reads_its_predecessors(tree, personas):
    old = DistrictFactory(code="400", name="Huyện Cũ", parent=tree.province, valid_to=datetime.date(2019, 12, 31))
    old_commune = CommuneFactory(code="40001", name="Xã Cũ", parent=old, valid_to=datetime.date(2019, 12, 31))
    _formed(tree.d1, old, date=datetime.date(2020, 1, 1))
    district = personas.district_d1
    access.forget_memberships(district)
    assert access.can_read_unit(district, old_commune)
    assert not access.can_write_unit(district, old_commune)
    with pytest.raises(Http404):
        access.get_unit_for_user(personas.district_d2, old_commune.code)


def test_the_units_a_user_s_unit_became_part_of_are_not_read(tree, merged, personas):
    """Succession is read backwards only: an officer of A reads neither M nor what M formed."""
    with pytest.raises(Http404):
        access.get_unit_for_user(personas.officer_a, merged.m.code)
    assert not access.can_read_unit(personas.officer_b, merged.n)


def test_reads_as_history_is_for_the_history_only(tree, merged, personas):
    assert access.reads_as_history(merged.officer_m, tree.a1)
    assert not access.reads_as_history(merged.officer_m, merged.m1)  # their own
    assert not access.reads_as_history(merged.officer_m, tree.c)  # not read at all
    assert not access.reads_as_history(personas.province_office, tree.a)  # read as its own area


def test_the_readable_communes_of_an_area_include_the_history(tree, merged):
    assert access.readable_under(merged.officer_m, tree.province, level="commune") == frozenset(
        {"40-M01", "40100", "40101", "40102"}
    )


def test_the_history_is_read_in_one_query_and_only_outside_the_user_s_own_units(
    tree, merged, django_assert_num_queries
):
    user = merged.officer_m
    access.forget_memberships(user)
    with django_assert_num_queries(1):  # the memberships: their own units answer without the history
        assert access.can_read_unit(user, merged.m1)
        assert access.can_write_unit(user, merged.m)
        assert not access.can_write_unit(user, tree.a)
    with django_assert_num_queries(0):  # the units above their own (breadcrumbs): never history
        assert access.can_read_unit(user, tree.province) is False
    with django_assert_num_queries(1):  # the units formed from, once for the user object
        for unit in (tree.a, tree.b1, merged.o1, tree.c):
            access.can_read_unit(user, unit)
        access.scope_q(user)
    with django_assert_num_queries(0):
        access.reads_as_history(user, tree.a)


def test_a_user_without_membership_asks_nothing_about_history(tree, personas, django_assert_num_queries):
    with django_assert_num_queries(1):  # the (empty) memberships only
        assert not access.can_read_unit(personas.outsider, tree.a)
        assert readable(personas.outsider) == []
