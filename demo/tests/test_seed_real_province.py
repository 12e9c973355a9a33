import pytest
from django.core.management import CommandError, call_command

from communes.models import AdministrativeUnit, Membership, Role
from criteria.models import Assessment

pytestmark = pytest.mark.django_db


def test_a_real_province_is_loaded_with_three_logins_and_no_figures(settings, capsys):
    settings.DEBUG = True
    call_command("seed_real_province", "12")
    out = capsys.readouterr().out
    assert "Tỉnh Lai Châu: 153 units created" in out
    assert "tinh12" in out and "xa12" in out and "lanhdao12" in out
    roles = {(m.user.username, m.role, m.unit.code) for m in Membership.objects.select_related("user", "unit")}
    first_commune = AdministrativeUnit.objects.get(code=next(code for user, _, code in roles if user == "xa12"))
    assert (first_commune.level, first_commune.parent.code) == ("commune", "12")
    assert {(user, role) for user, role, _ in roles} == {
        ("tinh12", Role.PROVINCE_OFFICE),
        ("lanhdao12", Role.VIEWER),
        ("xa12", Role.COMMUNE_OFFICER),
    }
    assert not Assessment.objects.exists()


def test_running_it_again_adds_nothing(settings):
    settings.DEBUG = True
    call_command("seed_real_province", "12")
    units, memberships = AdministrativeUnit.objects.count(), Membership.objects.count()
    call_command("seed_real_province", "12")
    assert (AdministrativeUnit.objects.count(), Membership.objects.count()) == (units, memberships)


def test_it_refuses_a_production_database(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG=1"):
        call_command("seed_real_province", "12")
    assert not AdministrativeUnit.objects.exists()
