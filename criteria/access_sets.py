"""Who may read or change which criteria set (the province office's workspace).

Built on ``communes/access.py``, where every unit decision lives:

* a national set (no issuer) is read by every signed-in user and changed only by an
  administrator (a superuser);
* a province's own set is read by those who may read the province, changed only by those who
  speak for it (``access.speaks_for_province``); outside the province it answers 404, so that
  its existence is not revealed.

Views obtain sets only through ``get_set_for_user``; the set services check ``can_edit_set``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.access import is_administrator
from communes.models import AdministrativeUnit, Level
from criteria.models import CriteriaSet, SetStatus
from criteria.models_catalogue import CriteriaSetQuerySet

MSG_SET_NOT_FOUND = _("This criteria set does not exist or belongs to another province.")
MSG_NATIONAL_READ_ONLY = _("National criteria sets are changed only by the portal's administrators.")
MSG_NOT_PROVINCE_OFFICE = _("Only the province's coordination office changes its criteria sets.")


def _is_catalog_staff(user) -> bool:
    return is_administrator(user) or bool(getattr(user, "is_staff", False) and user.is_active)


def _works_inside(user, province: AdministrativeUnit) -> bool:
    """A unit the user reads (a membership, or a unit theirs was formed from: its history) at the
    province, above it or anywhere under it (a commune of the province); the units formed
    from are looked up only when no membership answers."""

    def inside(paths) -> bool:
        return any(path.startswith(province.path) or province.path.startswith(path) for path in paths)

    return inside(m.unit.path for m in access.memberships_of(user)) or inside(access.read_roots(user))


def can_read_set(user, criteria_set: CriteriaSet) -> bool:
    """National published sets: everyone signed in; national drafts: the catalog's staff. A
    province's published set: whoever works inside the province; its drafts: those who may
    read the province itself (its office, its viewers)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_administrator(user):
        return True
    draft = criteria_set.status == SetStatus.DRAFT
    if criteria_set.issuer_id is None:
        return not draft or _is_catalog_staff(user)
    if draft:
        return access.can_read_unit(user, criteria_set.issuer)
    return _works_inside(user, criteria_set.issuer)


def readable_q(user) -> Q:
    """The sets ``can_read_set`` allows, as a filter on ``CriteriaSet`` (lists, the API); reads
    only the user's scope (``access.read_roots``: two queries, cached on the user)."""
    if is_administrator(user):
        return Q()
    national = Q(issuer__isnull=True)
    if not _is_catalog_staff(user):
        national &= ~Q(status=SetStatus.DRAFT)
    below = Q(pk__in=[])
    for path in access.read_roots(user):
        below |= Q(issuer__path__startswith=path)  # the province itself or one under the unit
    return national | below | (Q(issuer__path__in=_paths_above(user)) & ~Q(status=SetStatus.DRAFT))


def readable_sets(user) -> CriteriaSetQuerySet:
    """The sets ``can_read_set`` allows, as a queryset: wherever a set is named by its id (the
    API's ``criteria_set``, a form's choice, a page's address) a set outside it is answered
    exactly as an id no set has — neither its name, its issuer nor its being a draft is told.
    None for a user not signed in."""
    if not getattr(user, "is_authenticated", False):
        return CriteriaSet.objects.none()
    return CriteriaSet.objects.filter(readable_q(user))


def _paths_above(user) -> list[str]:
    """The paths of the units the user reads from (``access.read_roots``) and of every unit above them."""
    above = set()
    for root in access.read_roots(user):
        parts = root.strip("/").split("/")
        above |= {"/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))}
    return sorted(above)


def can_edit_set(user, criteria_set: CriteriaSet) -> bool:
    """Whether the user may change the set's content and state (a draft's content, publish, retire)."""
    if criteria_set.issuer_id is None:
        return is_administrator(user)
    return access.speaks_for_province(user, criteria_set.issuer)


def check_can_edit_set(user, criteria_set: CriteriaSet) -> None:
    if can_edit_set(user, criteria_set):
        return
    if criteria_set.issuer_id is None:
        raise PermissionDenied(MSG_NATIONAL_READ_ONLY)
    raise PermissionDenied(MSG_NOT_PROVINCE_OFFICE)


def get_set_for_user(user, pk: int, *, write: bool = False) -> CriteriaSet:
    """The set ``pk`` if the user may read it (404 otherwise), and change it with ``write`` (403)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(access.MSG_SIGN_IN)
    criteria_set = CriteriaSet.objects.select_related("issuer", "supersedes").filter(pk=pk).first()
    if criteria_set is None or not can_read_set(user, criteria_set):
        raise Http404(MSG_SET_NOT_FOUND)
    if write:
        check_can_edit_set(user, criteria_set)
    return criteria_set


def provinces_for(user) -> QuerySet[AdministrativeUnit]:
    """The provinces whose sets the user may read (``can_read_set``): those in the user's area
    and the province above each of the user's units (a commune's officer reads its province's
    published sets); all of them for an administrator."""
    provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("name")
    if is_administrator(user):
        return provinces
    return provinces.filter(access.scope_q(user) | Q(path__in=_paths_above(user)))


def get_province_for_user(user, code: str | None) -> AdministrativeUnit | None:
    """The province the workspace shows: ``code`` if given (404 unless one of ``provinces_for``),
    else the user's first province; None for an administrator with no province chosen, or a
    user without a unit (the national sets only)."""
    if code:
        province = provinces_for(user).filter(code=code).first()
        if province is None:
            raise Http404(access.MSG_NOT_FOUND)
        return province
    if is_administrator(user):
        return None
    return provinces_for(user).first()


def sets_for_province(user, province: AdministrativeUnit | None) -> QuerySet[CriteriaSet]:
    """The sets that apply inside ``province`` that the user may read: the State's and its own."""
    issuers = Q(issuer__isnull=True)
    if province is not None:
        issuers |= Q(issuer=province)
    return CriteriaSet.objects.filter(issuers).filter(readable_q(user)).select_related("issuer")
