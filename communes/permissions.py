"""What each role may do, on top of the scope decided in ``communes.access``: the one place
for the portal's role rules, so that pages, API, imports and services ask the same question.

``access`` answers "may this user read (or write) this unit at all?"; this module answers
"may this user, in this unit, take this particular action?". Administrators (active
superusers) may do everything and are the only ones who see the whole country.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.access import get_unit_for_user, is_administrator, roles_over
from communes.models import AdministrativeUnit, Level, Role

MSG_COUNTRY_ONLY_ADMINS = _("Only administrators may see the national dashboard.")

# The units a monthly bulletin is written for (a district until 1 July 2025).
BULLETIN_LEVELS = (Level.PROVINCE, Level.DISTRICT)


def get_unit_or_country(user, code: str | None) -> AdministrativeUnit | None:
    """The unit ``code`` names, checked against the user's scope; without a code, the whole
    country (``None``) for an administrator, ``PermissionDenied`` for anyone else."""
    if code:
        return get_unit_for_user(user, code)
    if is_administrator(user):
        return None
    raise PermissionDenied(MSG_COUNTRY_ONLY_ADMINS)


# --- The monthly bulletin ------------------------------------------------------------------


def can_issue_bulletin(user, unit: AdministrativeUnit | None) -> bool:
    """Issuing a province's or district's bulletin: the province office above it."""
    if unit is None or unit.level not in BULLETIN_LEVELS:
        return False
    return is_administrator(user) or Role.PROVINCE_OFFICE in roles_over(user, unit)


def can_write_bulletin_text(user, unit: AdministrativeUnit | None) -> bool:
    """The office's text of a bulletin: those who issue it, and a district's committee for its own."""
    if can_issue_bulletin(user, unit):
        return True
    return unit.level == Level.DISTRICT and Role.DISTRICT_COMMITTEE in roles_over(user, unit)


# --- Plans: registered target years, province targets, funds ------------------------------


# The roles that make each kind of plans write somewhere: a create names its unit in its body,
# so whoever holds none of them is refused before the body is read (``check_writes_somewhere``).
REGISTERED_TARGET_ROLES = frozenset({Role.PROVINCE_OFFICE, Role.DISTRICT_COMMITTEE})
PROVINCE_TARGET_ROLES = frozenset({Role.PROVINCE_OFFICE})
FUNDS_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_COMMITTEE, Role.PROVINCE_OFFICE})


def can_set_registered_target(user, unit: AdministrativeUnit) -> bool:
    if unit.level not in (Level.DISTRICT, Level.COMMUNE, Level.VILLAGE):
        return False
    if is_administrator(user):
        return True
    roles = roles_over(user, unit)
    if Role.PROVINCE_OFFICE in roles:
        return True
    # A district committee sets the targets of the communes and villages below it, not its own.
    return Role.DISTRICT_COMMITTEE in roles and unit.level in (Level.COMMUNE, Level.VILLAGE)


def can_enter_province_targets(user, province: AdministrativeUnit) -> bool:
    if province.level != Level.PROVINCE:
        return False
    return is_administrator(user) or Role.PROVINCE_OFFICE in roles_over(user, province)


def can_enter_funds(user, unit: AdministrativeUnit) -> bool:
    if is_administrator(user):
        return True
    return bool(roles_over(user, unit) & FUNDS_ROLES)


# --- The recognition workflow ------------------------------------------------------------


def district_verifies(unit: AdministrativeUnit, today: datetime.date | None = None) -> bool:
    """Whether a district above ``unit`` still exists ``today`` (by default, today): its committee
    then verifies the unit's dossiers and returns those submitted. A commune with no district
    above it (after 1 July 2025), or whose district has ended since (a dossier of before the
    merger still open), has them verified and returned by the province office."""
    today = today or timezone.localdate()
    return any(u.level == Level.DISTRICT and not u.has_ended(today) for u in unit.ancestors())


def district_verifies_q(today: datetime.date | None = None) -> Q:
    """``district_verifies`` as a filter on assessments: a commune's district, or a village's
    commune's, is one that still exists (the queues of ``criteria.inbox``)."""
    today = today or timezone.localdate()
    districts = AdministrativeUnit.objects.of_level(Level.DISTRICT).exclude(valid_to__lt=today).values("pk")
    return Q(unit__parent__in=districts) | Q(unit__parent__parent__in=districts)


def may_take_workflow_action(user, unit: AdministrativeUnit, action: str, state: str, *, action_roles) -> bool:
    """Whether the user's role lets them take ``action`` on an assessment of ``unit`` now in
    ``state`` (the workflow's states and actions by name; ``action_roles``: the roles the
    action names in ``criteria.services.workflow.ACTIONS``).

    A district's own assessment is submitted by its committee and goes to the province office.
    A commune with no district above it that still exists (``district_verifies``) is verified by
    the province office; a submitted commune's return is its district's, a verified or appraised
    one's the province's. A membership at a unit that has ended takes no step (``roles_over``),
    so a unit that has ended has its dossiers submitted — after a return, say — by the province
    office, which finishes the dossiers its units left open.
    """
    if is_administrator(user):
        return True
    roles = roles_over(user, unit)
    if not roles:
        return False
    if action == "submit" and unit.has_ended(timezone.localdate()):
        return Role.PROVINCE_OFFICE in roles
    if unit.level == Level.DISTRICT:
        return Role.DISTRICT_COMMITTEE in roles if action == "submit" else Role.PROVINCE_OFFICE in roles
    if action == "verify" or (action == "return" and state == "submitted"):
        # The district's step, or the province's where no district above exists any more.
        return (Role.DISTRICT_COMMITTEE if district_verifies(unit) else Role.PROVINCE_OFFICE) in roles
    if action == "return" and state in ("verified", "appraised"):
        return Role.PROVINCE_OFFICE in roles
    return bool(roles & set(action_roles))
