"""Who may read or change what: the only place where a user's scope is decided.

A user's scope is the subtree of every unit they hold a membership at. Any role reads its
scope; every role but viewer may write in it. The history of a merger stays readable to the
new unit's members (DOMAIN.md, "The 2025 reorganisation"): the reading scope adds the subtree
of every unit their units were formed from (``UnitSuccession``), transitively — a 2025
commune formed from communes themselves formed in 2019 from others —, and those are never
written from there (``PermissionDenied``, read only). What exactly each role may do (the
workflow's actions, bulletins, plans, the whole country) is decided in
``communes.permissions``, on top of this. Administrators (active superusers, ``is_administrator``) reach everything.

A unit that has ended (its ``valid_to`` before today: the districts and communes of before
1 July 2025) no longer works: a membership there reads its subtree as before but changes
nothing and takes no step of the workflow (``working_memberships``: the one rule, which the
write scope, ``roles_over`` and so every permission of ``communes.permissions`` follow). Its
open dossiers go to the units above that still exist — the province office —, which keep what
they may do there; the pages of such a unit say why it is read only (``ended_unit_for``).

Views, exports and API endpoints obtain units, and any object attached to a unit, only
through these helpers:

* ``get_unit_for_user(user, code, write=...)`` for one unit;
* ``get_object_for_user(user, queryset, unit_field=..., write=..., **lookup)`` for one object
  attached to a unit (an assessment, a value, a file);
* ``scope_queryset(user, queryset, unit_field=...)`` / ``units_for(user)`` for lists;
* ``readable_under(user, unit)`` for the units of an area shown together (a map of the
  communes around the user's own), of which only those read show their figures and links;
* ``check_writes_somewhere(user, roles)`` first, where a create names its unit in the body.

An object outside the user's reading scope answers 404, so that its existence is not
revealed; an object they may read but not change raises ``PermissionDenied``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Membership, Role, UnitSuccession

WRITE_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_COMMITTEE, Role.PROVINCE_OFFICE})

MSG_NOT_FOUND = _("This unit does not exist or is outside your area.")
# An assessment, a file, a target…: missing or outside the area read alike (nothing revealed).
MSG_RECORD_NOT_FOUND = _("This record does not exist or is outside your area.")
MSG_READ_ONLY = _("You may read this unit's data but not change it.")
MSG_SIGN_IN = _("Please sign in.")
MSG_WRITES_NOWHERE = _("Your account may read data but not make this change for any unit.")
# A user who writes somewhere, but in no role that makes this kind of change (a commune officer
# entering a registered target): not "read only", which they are not.
MSG_ROLE_MAY_NOT = _("Your role may not make this change.")

_CACHE_ATTR = "_ntm_memberships"
_PREDECESSORS_ATTR = "_ntm_formed_from_paths"


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their units, read once per user object (one query)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit").order_by("unit__path", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def working_memberships(user) -> list[Membership]:
    """The user's memberships at units that still exist today: the only ones that change data or
    take a workflow step. A membership at a unit that has ended (``valid_to`` before today) reads
    its subtree and does nothing else; the units above that still exist act there instead."""
    today = timezone.localdate()
    return [m for m in memberships_of(user) if not m.unit.has_ended(today)]


def forget_memberships(user) -> None:
    """Drop the per-object cache after memberships change (tests, admin actions)."""
    for attr in (_CACHE_ATTR, _PREDECESSORS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def _formed_from_sql(count: int) -> str:
    """The paths of every unit the ``count`` units given were formed from, transitively: one
    recursive query (SQLite and PostgreSQL). ``UNION`` drops repeats, so a unit split between
    two of them, or a cycle typed by hand, is walked once."""
    q = connection.ops.quote_name
    succession, unit = UnitSuccession._meta, AdministrativeUnit._meta
    links = q(succession.db_table)
    pred, succ = q(succession.get_field("predecessor").column), q(succession.get_field("successor").column)
    ids = ", ".join(["%s"] * count)
    # Our own quoted table and column names; the ids are parameters.
    return (
        f"WITH RECURSIVE formed_from(unit_id) AS ("  # noqa: S608
        f"SELECT {pred} FROM {links} WHERE {succ} IN ({ids}) "
        f"UNION SELECT s.{pred} FROM {links} s JOIN formed_from f ON s.{succ} = f.unit_id) "
        f"SELECT u.{q(unit.get_field('path').column)} FROM {q(unit.db_table)} u "
        f"WHERE u.{q(unit.pk.column)} IN (SELECT unit_id FROM formed_from)"
    )


def formed_from_paths(user) -> list[str]:
    """The paths of every unit the user's member units were formed from, transitively (their
    history, read only): read once per user object (one query, none without a membership)."""
    cached = getattr(user, _PREDECESSORS_ATTR, None)
    if cached is None:
        ids = sorted({m.unit_id for m in memberships_of(user)})
        cached = []
        if ids:
            with connection.cursor() as cursor:
                cursor.execute(_formed_from_sql(len(ids)), ids)
                cached = sorted({row[0] for row in cursor.fetchall()})
        setattr(user, _PREDECESSORS_ATTR, cached)
    return cached


def is_administrator(user) -> bool:
    """An active superuser: reaches every unit and alone sees the whole country."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def _member_paths(user, roles: frozenset[str] | None = None, *, working: bool = False) -> set[str]:
    memberships = working_memberships(user) if working else memberships_of(user)
    return {m.unit.path for m in memberships if roles is None or m.role in roles}


def _outermost(paths: Iterable[str]) -> list[str]:
    """The paths without those lying inside another (one filter per subtree)."""
    kept: list[str] = []
    for path in sorted(paths):  # a path sorts right after its prefix, before any other
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def _scope_paths(user, *, write: bool) -> list[str]:
    """The paths whose subtrees the user writes (member units that still exist, in a working
    role) or reads (every member unit and every unit they were formed from): the one rule of the
    scope."""
    if write:
        return _outermost(_member_paths(user, WRITE_ROLES, working=True))
    paths = _member_paths(user)
    return _outermost(paths | set(formed_from_paths(user))) if paths else []


def read_roots(user) -> list[str]:
    """The paths of the subtrees the user reads — their member units and the units those were
    formed from —, none inside another (an administrator reads every unit: not listed here)."""
    return _scope_paths(user, write=False)


def scope_q(user, *, write: bool = False, unit_field: str | None = None) -> Q:
    """A filter selecting rows whose unit lies in the user's scope.

    ``unit_field`` names the path from the queried model to its unit (``"unit"`` for an
    assessment, ``"assessment__unit"`` for a value); None when querying units themselves.
    """
    if is_administrator(user):
        return Q()
    prefix = f"{unit_field}__" if unit_field else ""
    paths = _scope_paths(user, write=write)
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in paths:
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


def units_for(user, *, write: bool = False) -> QuerySet[AdministrativeUnit]:
    """Every unit the user may read (or, with ``write``, change)."""
    return AdministrativeUnit.objects.filter(scope_q(user, write=write))


def scope_queryset(user, queryset: QuerySet, *, unit_field: str = "unit", write: bool = False) -> QuerySet:
    """Narrow any queryset of unit-attached objects to the user's scope."""
    return queryset.filter(scope_q(user, write=write, unit_field=unit_field))


def can_read_unit(user, unit: AdministrativeUnit) -> bool:
    """The reading scope of ``_scope_paths`` for one unit: the units the user's units were formed
    from are looked up (once per user object) only for a unit outside their own subtrees."""
    if is_administrator(user):
        return True
    member = _member_paths(user)
    if any(unit.path.startswith(p) for p in member):
        return True
    if any(p.startswith(unit.path) for p in member):
        # Above the user's units (the breadcrumbs): never inside a unit theirs were formed from,
        # which would be an ancestor of their own; decided without the lookup.
        return False
    return bool(member) and any(unit.path.startswith(p) for p in formed_from_paths(user))


def reads_as_history(user, unit: AdministrativeUnit) -> bool:
    """Whether the user reads ``unit`` only as the history of a unit of theirs: it lies in a unit
    theirs was formed from, under none of their own (read only, whatever their role; the pages
    of such a unit say so)."""
    if is_administrator(user) or any(unit.path.startswith(p) for p in _member_paths(user)):
        return False
    return any(unit.path.startswith(p) for p in formed_from_paths(user))


def readable_under(user, unit: AdministrativeUnit | None, *, level: str | None = None) -> frozenset[str] | None:
    """The codes of the units under ``unit`` (None: the country), of ``level`` if given, that the
    user may read: ``can_read_unit`` for a whole area at once, so a page showing many units
    (the communes of a map) decides once per request, not per unit. None when the user reads
    every one of them — they read ``unit`` itself (no query) —, otherwise their codes, read in
    one query."""
    if (unit is None and is_administrator(user)) or (unit is not None and can_read_unit(user, unit)):
        return None
    units = units_for(user)
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    if level is not None:
        units = units.filter(level=level)
    return frozenset(units.values_list("code", flat=True))


def can_write_unit(user, unit: AdministrativeUnit) -> bool:
    """Within the subtree of a member unit that still exists, in a working role: never in the
    units it was formed from, nor from a unit that has ended (``working_memberships``)."""
    return is_administrator(user) or any(unit.path.startswith(p) for p in _scope_paths(user, write=True))


def writes_somewhere(user, roles: Iterable[str] = WRITE_ROLES) -> bool:
    """Whether the user holds one of ``roles`` (the roles that make this kind of change) at some
    unit that still exists; an administrator always does."""
    roles = frozenset(roles)
    return is_administrator(user) or any(m.role in roles for m in working_memberships(user))


def check_writes_somewhere(user, roles: Iterable[str] = WRITE_ROLES) -> None:
    """Refuse (403) a user who may make this kind of change for no unit at all, before the body
    of a create that names its unit is read: a viewer is told no, not which fields are missing
    (a user who writes elsewhere, in another role, is told that their role may not).
    Whoever may write somewhere goes on to the body's checks, then to ``get_unit_for_user``
    (404 outside their area, 403 where they only read)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(MSG_SIGN_IN)
    if not writes_somewhere(user, roles):
        raise PermissionDenied(MSG_ROLE_MAY_NOT if writes_somewhere(user) else MSG_WRITES_NOWHERE)


def roles_over(user, unit: AdministrativeUnit) -> set[str]:
    """The roles the user works in at this unit or at a unit above it that still exists (a
    membership at a unit that has ended takes no step there: ``working_memberships``)."""
    return {m.role for m in working_memberships(user) if unit.path.startswith(m.unit.path)}


def ended_unit_for(user, unit: AdministrativeUnit) -> AdministrativeUnit | None:
    """The unit that has ended — ``unit`` itself, or the user's unit above it — for which a user
    who worked there now only reads ``unit``: what its pages name to say why nothing is offered.
    None when the user may change ``unit``, or never could (a viewer, a successor's member
    reading its history: ``reads_as_history``)."""
    if is_administrator(user) or can_write_unit(user, unit):
        return None
    today = timezone.localdate()
    ended = [
        m.unit
        for m in memberships_of(user)
        if m.role in WRITE_ROLES and unit.path.startswith(m.unit.path) and m.unit.has_ended(today)
    ]
    if not ended:
        return None
    return unit if unit.has_ended(today) else ended[0]


def _check(user, unit: AdministrativeUnit, *, write: bool, not_found=MSG_NOT_FOUND) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(MSG_SIGN_IN)
    if not can_read_unit(user, unit):
        raise Http404(not_found)
    if write and not can_write_unit(user, unit):
        raise PermissionDenied(MSG_READ_ONLY)


def get_unit_for_user(user, code: str, *, write: bool = False) -> AdministrativeUnit:
    """The unit with this code, if the user may read it (and change it, with ``write``)."""
    try:
        unit = AdministrativeUnit.objects.select_related("parent").get(code=code)
    except AdministrativeUnit.DoesNotExist:
        raise Http404(MSG_NOT_FOUND) from None
    _check(user, unit, write=write)
    return unit


def get_object_for_user(user, queryset: QuerySet, *, unit_field: str = "unit", write: bool = False, **lookup) -> Model:
    """One object attached to a unit, fetched by ``lookup``, checked against the user's scope."""
    related = unit_field.replace(".", "__")
    try:
        obj = queryset.select_related(related).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(MSG_RECORD_NOT_FOUND) from None
    unit = obj
    for part in related.split("__"):
        unit = getattr(unit, part)
    _check(user, unit, write=write, not_found=MSG_RECORD_NOT_FOUND)
    return obj


def check_units(user, units: Iterable[AdministrativeUnit], *, write: bool = False) -> None:
    """Refuse unless every unit is within the user's scope (bulk operations, imports)."""
    for unit in units:
        _check(user, unit, write=write)


def speaks_for_province(user, province: AdministrativeUnit) -> bool:
    """The province office's own decisions (which criteria set is in force): its members, or a
    superuser."""
    return is_administrator(user) or Role.PROVINCE_OFFICE in roles_over(user, province)


def sets_commune_group(user, commune: AdministrativeUnit) -> bool:
    """The commune's group of the 2026–2030 set is decided by the province office above it (or a
    superuser); every other role that reads the commune only reads its group."""
    return is_administrator(user) or Role.PROVINCE_OFFICE in roles_over(user, commune)
