"""Who may write plans data, and the pieces every write shares."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from communes import access
from communes.models import AdministrativeUnit, Level, Role
from communes.people import full_name


def is_superuser(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def require_signed_in(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(access.MSG_SIGN_IN)


# --- Who may write -----------------------------------------------------------------------


def can_set_registered_target(user, unit: AdministrativeUnit) -> bool:
    if unit.level not in (Level.DISTRICT, Level.COMMUNE, Level.VILLAGE):
        return False
    if is_superuser(user):
        return True
    roles = access.roles_over(user, unit)
    if Role.PROVINCE_OFFICE in roles:
        return True
    # A district committee sets the targets of the communes and villages below it, not its own.
    return Role.DISTRICT_COMMITTEE in roles and unit.level in (Level.COMMUNE, Level.VILLAGE)


def can_enter_province_targets(user, province: AdministrativeUnit) -> bool:
    if province.level != Level.PROVINCE:
        return False
    return is_superuser(user) or Role.PROVINCE_OFFICE in access.roles_over(user, province)


def can_enter_funds(user, unit: AdministrativeUnit) -> bool:
    if is_superuser(user):
        return True
    roles = access.roles_over(user, unit)
    return bool(roles & {Role.COMMUNE_OFFICER, Role.DISTRICT_COMMITTEE, Role.PROVINCE_OFFICE})


def lock_unit(unit: AdministrativeUnit) -> None:
    """Serialise the writes of one unit's plans rows, inside the caller's transaction.

    Without it, two first saves of the same funds cell or province period both find nothing
    stored, both insert, and the second fails on the unique constraint (a 500 instead of a
    conflict). ``FOR NO KEY UPDATE`` does not block inserts of other rows that refer to the
    unit. SQLite serialises writers anyway and ignores the lock.
    """
    list(AdministrativeUnit.objects.select_for_update(no_key=True).filter(pk=unit.pk).values_list("pk", flat=True))


def user_name(user) -> str:
    if user is None:
        return "—"
    return full_name(user)
