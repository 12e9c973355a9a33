"""Commune groups of the 2026–2030 set (QĐ 51/2025): the one writer and the reads beside it.

The province office records a commune's group with the condition the commune meets (one of
those the decision states) and the deciding document (number, date). The group is also kept
on the unit (``AdministrativeUnit.commune_group``), where the one target rule
(``criteria.targets``) reads it; every setting appends a ``CommuneGroupChange``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit, CommuneGroup, Level
from communes.people import full_name
from criteria.models import Assessment, AssessmentState, CommuneGroupAssignment, CommuneGroupChange
from criteria.models_commune_groups import GROUP_OF_CONDITION, GroupCondition
from ntm_portal.errors import StaleWriteError

MSG_NOT_PROVINCE_OFFICE = _("Only the province's coordination office sets a commune's group.")
MSG_NOT_A_COMMUNE = _("Only a commune has a commune group.")
MSG_GROUP_CHANGED = _(
    "The commune's group changed from %(old)s to %(new)s (%(decision)s of %(date)s): its targets, and the "
    "outcomes against them, follow."
)
MSG_NOT_IN_PERIOD = _(
    "%(unit)s does not exist during 2026–2030 (or is not a rural commune): only the communes of the "
    "2026–2030 criteria have a group."
)
MSG_DECIDED_UNDER_GROUP = _(
    "%(unit)s was recognised for %(year)s under group %(group)s (%(decision)s of %(date)s): its recognised "
    "outcomes were worked out against that group's targets. The group cannot change while that decision "
    "stands; revoke it first if the group was wrong."
)
MSG_UNKNOWN_GROUP = _("Choose group 1, 2 or 3.")
MSG_UNKNOWN_CONDITION = _("Choose one of the conditions the decision states.")
MSG_CONDITION_OF_OTHER_GROUP = _("This condition is one of group %(group)s, not of group %(chosen)s.")
MSG_DECISION_REQUIRED = _("Give the number of the document that decides the group.")
MSG_DECISION_DATE_REQUIRED = _("Give the date of the document that decides the group.")
MSG_DECISION_DATE_FUTURE = _("The document's date cannot be in the future.")
MSG_STALE = _("%(user)s changed this commune's group in the meantime (now group %(group)s); check it and try again.")
DECISION_MAX = 100
PAGE_SIZE = 50
# The 2026–2030 set applies to the communes that exist from 2026 on.
PERIOD_FIRST, PERIOD_LAST = datetime.date(2026, 1, 1), datetime.date(2030, 12, 31)


def commune_group_refusal(user, unit: AdministrativeUnit) -> ValidationError | PermissionDenied | None:
    """Why ``user`` may not set ``unit``'s group — the error ``commune_group_set`` raises — or
    None when they may. The one rule behind the service, the API's ``can_set`` and the page's form."""
    if unit.level != Level.COMMUNE:
        return ValidationError(MSG_NOT_A_COMMUNE, code="level")
    if not access.sets_commune_group(user, unit):
        return PermissionDenied(MSG_NOT_PROVINCE_OFFICE)
    if not in_group_period(unit):
        # QA: a commune that ended on 30 June 2025 was given a 2026–2030 group.
        return ValidationError(MSG_NOT_IN_PERIOD, code="period", params={"unit": unit.name})
    return None


def can_set_commune_group(user, unit: AdministrativeUnit) -> bool:
    """Whether ``commune_group_set`` would accept ``user`` setting ``unit``'s group."""
    return commune_group_refusal(user, unit) is None


def _errors(
    *, group: int, condition: str, decision_number: str, decision_date: datetime.date | None
) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}
    if group not in CommuneGroup.values:
        errors["group"] = [ValidationError(MSG_UNKNOWN_GROUP, code="group")]
    if condition not in GroupCondition.values:
        errors["condition"] = [ValidationError(MSG_UNKNOWN_CONDITION, code="condition")]
    elif group in CommuneGroup.values and GROUP_OF_CONDITION[condition] != group:
        params = {"group": GROUP_OF_CONDITION[condition], "chosen": group}
        errors["condition"] = [ValidationError(MSG_CONDITION_OF_OTHER_GROUP, code="condition_group", params=params)]
    if not decision_number.strip():
        errors["decision_number"] = [ValidationError(MSG_DECISION_REQUIRED, code="required")]
    if decision_date is None:
        errors["decision_date"] = [ValidationError(MSG_DECISION_DATE_REQUIRED, code="required")]
    elif decision_date > timezone.localdate():
        errors["decision_date"] = [ValidationError(MSG_DECISION_DATE_FUTURE, code="future")]
    return errors


@transaction.atomic
def commune_group_set(
    *,
    unit: AdministrativeUnit,
    group: int,
    condition: str,
    decision_number: str,
    decision_date: datetime.date | None,
    user,
    note: str = "",
    expected_version: int | None = None,
) -> CommuneGroupAssignment:
    """Set the commune's group with its legal basis; the one writer of commune groups.

    ``expected_version`` is the assignment's version the change was based on (0: none yet);
    a change based on an old one raises ``StaleWriteError``. Setting the same group, condition
    and document again changes nothing.
    """
    if (refusal := commune_group_refusal(user, unit)) is not None:
        raise refusal
    decision_number = (decision_number or "").strip()
    errors = _errors(group=group, condition=condition, decision_number=decision_number, decision_date=decision_date)
    if errors:
        raise ValidationError(errors)
    locked = AdministrativeUnit.objects.select_for_update().get(pk=unit.pk)
    current = CommuneGroupAssignment.objects.select_related("set_by").filter(unit=locked).first()
    if expected_version is not None and expected_version != (current.version if current else 0):
        who = full_name(current.set_by) if current and current.set_by else "—"
        params = {"user": who, "group": current.group if current else "—"}
        raise StaleWriteError(MSG_STALE, params=params, current=current)
    new = (group, condition, decision_number[:DECISION_MAX], decision_date)
    if (
        current is not None
        and (current.group, current.condition, current.decision_number, current.decision_date) == new
    ):
        return current
    moment = timezone.now()
    old_group = current.group if current else locked.commune_group
    old_condition = current.condition if current else ""
    if current is None:
        current = CommuneGroupAssignment(unit=locked, version=0)
    current.group, current.condition, current.decision_number, current.decision_date = new
    current.version += 1
    current.set_by, current.set_at = user, moment
    current.full_clean(validate_unique=False)
    current.save()
    AdministrativeUnit.objects.filter(pk=locked.pk).update(commune_group=group)
    unit.commune_group = group
    if group != old_group:
        _refuse_under_a_decision(locked, old_group)
        why = MSG_GROUP_CHANGED % {
            "old": old_group or "—",
            "new": group,
            "decision": current.decision_number,
            "date": f"{decision_date:%d/%m/%Y}",
        }
        _recompute_assessments(locked, user=user, why=str(why))
    CommuneGroupChange.objects.create(
        unit=locked,
        old_group=old_group,
        new_group=group,
        old_condition=old_condition,
        new_condition=condition,
        decision_number=current.decision_number,
        decision_date=decision_date,
        note=(note or "").strip(),
        user=user,
        at=moment,
    )
    return current


def _refuse_under_a_decision(unit: AdministrativeUnit, old_group: int | None) -> None:
    """A recognition on a set whose targets depend on the group was decided on the outcomes
    against the group of its day: a new group would work them out again, and a recognised
    commune could read 3 of 10 criteria met. Refused while such a recognition stands."""
    decided = (
        Assessment.objects.filter(
            unit=unit,
            state=AssessmentState.RECOGNISED,
            criteria_set__indicators__targets__commune_group__isnull=False,
        )
        .order_by("year")
        .first()
    )
    if decided is not None:
        params = {
            "unit": unit.name,
            "year": decided.year,
            "group": old_group or "—",
            "decision": decided.decision_number,
            "date": f"{decided.decision_date:%d/%m/%Y}",
        }
        raise ValidationError({"group": [ValidationError(MSG_DECIDED_UNDER_GROUP, code="decided", params=params)]})


def _recompute_assessments(unit: AdministrativeUnit, *, user, why: str) -> None:
    """The commune's targets follow its group: every stored outcome and result of its
    assessments (none recognised under a group: ``_refuse_under_a_decision``) is worked out again against them, in the same transaction (a sheet must never
    show the new group's targets beside the old group's outcomes); a sheet whose outcomes moved
    says why in its history."""
    from criteria.services.assessments import assessment_recompute

    for assessment in Assessment.objects.filter(unit=unit).select_related("unit", "criteria_set").order_by("pk"):
        assessment_recompute(assessment=assessment, user=user, why=why)


# --- Reads -----------------------------------------------------------------------------------


def commune_group_of(unit: AdministrativeUnit) -> CommuneGroupAssignment | None:
    """The commune's group with its basis, or None where none was recorded (one query)."""
    return CommuneGroupAssignment.objects.select_related("set_by").filter(unit=unit).first()


def commune_group_history(unit: AdministrativeUnit) -> list[CommuneGroupChange]:
    """Every setting of the commune's group, newest first (one query)."""
    return list(CommuneGroupChange.objects.filter(unit=unit).select_related("user").order_by("-at", "-pk"))


@dataclass(frozen=True)
class CommuneGroupRow:
    commune: AdministrativeUnit
    assignment: CommuneGroupAssignment | None


def in_group_period(unit: AdministrativeUnit) -> bool:
    """A rural commune that exists during 2026–2030, so has a group: the communes the province's
    list holds (a commune that ended on 30 June 2025 never gets one)."""
    if unit.level != Level.COMMUNE or not unit.is_ntm_commune:
        return False
    return unit.existed_during(PERIOD_FIRST, PERIOD_LAST)


def province_commune_groups(province: AdministrativeUnit, *, query: str = "", page: object = 1) -> Page:
    """The province's communes of the 2026–2030 period in Vietnamese order, each with its group
    and basis, one page (searchable by name without diacritics): two queries and a count."""
    communes = (
        AdministrativeUnit.objects.subtree(province)
        .ntm_communes()
        .existed_during(PERIOD_FIRST, PERIOD_LAST)
        .select_related("group_assignment__set_by")
        .in_vietnamese_order()
    )
    if query.strip():
        communes = communes.search(query)
    result = Paginator(communes, PAGE_SIZE).get_page(page)
    result.object_list = [CommuneGroupRow(c, getattr(c, "group_assignment", None)) for c in result.object_list]
    return result
