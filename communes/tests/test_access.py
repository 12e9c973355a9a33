import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from communes import access
from communes.models import AdministrativeUnit, Membership, Role
from communes.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def readable(user):
    return sorted(access.units_for(user).values_list("code", flat=True))


def test_an_officer_reaches_their_commune_and_its_villages_only(personas, tree):
    assert readable(personas.officer_a) == ["40101", "40101-01", "40101-02"]
    assert access.get_unit_for_user(personas.officer_a, "40101-02", write=True) == tree.a2


@pytest.mark.parametrize("code", ["40102", "40102-01", "401", "40", "40201"])
def test_an_officer_of_commune_a_cannot_obtain_commune_b_or_anything_outside(personas, code):
    with pytest.raises(Http404):
        access.get_unit_for_user(personas.officer_a, code)


def test_a_district_member_reaches_only_their_district(personas):
    assert readable(personas.district_d1) == ["401", "40101", "40101-01", "40101-02", "40102", "40102-01"]
    assert access.get_unit_for_user(personas.district_d1, "40102-01", write=True).code == "40102-01"
    with pytest.raises(Http404):
        access.get_unit_for_user(personas.district_d1, "40201")
    with pytest.raises(Http404):
        access.get_unit_for_user(personas.district_d2, "40101")


def test_a_province_member_reaches_the_whole_province(personas):
    assert len(readable(personas.province_office)) == 9
    assert access.get_unit_for_user(personas.province_office, "40201", write=True).code == "40201"


def test_a_viewer_reads_but_cannot_write(personas):
    assert len(readable(personas.viewer)) == 9
    assert access.get_unit_for_user(personas.viewer, "40101").code == "40101"
    assert list(access.units_for(personas.viewer, write=True)) == []
    with pytest.raises(PermissionDenied):
        access.get_unit_for_user(personas.viewer, "40101", write=True)


def test_a_user_without_membership_reaches_nothing(personas):
    assert readable(personas.outsider) == []
    with pytest.raises(Http404):
        access.get_unit_for_user(personas.outsider, "40101")


def test_anonymous_users_are_asked_to_sign_in(tree):
    assert list(access.units_for(AnonymousUser())) == []
    with pytest.raises(PermissionDenied):
        access.get_unit_for_user(AnonymousUser(), "40101")


def test_an_inactive_user_loses_their_scope(personas):
    personas.officer_a.is_active = False
    access.forget_memberships(personas.officer_a)
    assert readable(personas.officer_a) == []


def test_a_superuser_reaches_everything(tree):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    assert len(readable(admin)) == AdministrativeUnit.objects.count()
    assert access.can_write_unit(admin, tree.c)


def test_an_unknown_code_is_404(personas):
    with pytest.raises(Http404):
        access.get_unit_for_user(personas.province_office, "nope")


def test_several_memberships_add_up(personas, tree):
    MembershipFactory(user=personas.officer_a, unit=tree.c, role=Role.VIEWER)
    access.forget_memberships(personas.officer_a)
    assert readable(personas.officer_a) == ["40101", "40101-01", "40101-02", "40201"]
    assert access.can_write_unit(personas.officer_a, tree.a1)
    assert not access.can_write_unit(personas.officer_a, tree.c)
    assert access.roles_over(personas.officer_a, tree.a1) == {Role.COMMUNE_OFFICER}


def test_scope_queryset_filters_objects_attached_to_units(personas, tree):
    memberships = Membership.objects.all()
    visible = access.scope_queryset(personas.district_d2, memberships, unit_field="unit")
    assert sorted(m.user.username for m in visible) == ["district_d2"]


def test_get_object_for_user_checks_the_attached_unit(personas):
    theirs = Membership.objects.get(user=personas.officer_b)
    with pytest.raises(Http404):
        access.get_object_for_user(personas.officer_a, Membership.objects.all(), pk=theirs.pk)
    assert access.get_object_for_user(personas.district_d1, Membership.objects.all(), pk=theirs.pk) == theirs
    with pytest.raises(PermissionDenied):
        access.get_object_for_user(personas.viewer, Membership.objects.all(), write=True, pk=theirs.pk)


def test_memberships_are_read_once_per_request_user(personas, tree, django_assert_num_queries):
    user = personas.district_d1
    access.forget_memberships(user)
    with django_assert_num_queries(1):
        for unit in (tree.a, tree.b, tree.a1):
            access.can_read_unit(user, unit)
    # C lies outside D1: the units D1 was formed from are read too, once for the user object.
    with django_assert_num_queries(1):
        for unit in (tree.c, tree.c, tree.province):
            access.can_read_unit(user, unit)


def test_a_working_role_must_sit_at_its_level(tree):
    from django.core.exceptions import ValidationError

    wrong = Membership(user=UserFactory(username="x"), unit=tree.d1, role=Role.COMMUNE_OFFICER)
    with pytest.raises(ValidationError, match="another level"):
        wrong.full_clean()
    Membership(user=UserFactory(username="y"), unit=tree.a1, role=Role.VIEWER).full_clean()
