"""The pieces every plans write shares (who may write is decided in ``communes.permissions``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from communes import access
from communes.models import AdministrativeUnit
from communes.people import full_name


def require_signed_in(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(access.MSG_SIGN_IN)


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
