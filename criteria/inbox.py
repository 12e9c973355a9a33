"""“Việc của tôi”: what waits for this user, by what they must do about it.

Each of the user's memberships adds the queues its role works on, within the membership's
unit: a commune officer sees what was returned to them (with the reviewer's reason), the
district committee what waits for its verification (its communes' and villages', not its own,
which goes to the province), the province office what waits for verification (districts, and
communes with no district above that still exists: ``permissions.district_verifies``),
appraisal and recognition. A membership at a unit that has ended has no queue: what was its
unit's to do is the province office's (``access.working_memberships``). The rules mirror who may act in
``criteria.services.workflow``; the buttons on the sheet stay the authority. A district's or
province's page lists its queues for the year by the same rule (``queues_at``), and a village
is named with its commune, in both.

A count per queue and a list per non-empty queue, whatever the number of assessments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from communes import access, permissions
from communes.models import AdministrativeUnit, Level, Role
from criteria.models import Assessment, AssessmentState, HistoryEntry, HistoryKind

SHOWN = 20  # items listed per queue; the count says how many there are


@dataclass
class Queue:
    key: str  # "returned", "verify", "appraise", "recognise"
    title: Promise
    unit: AdministrativeUnit
    count: int
    items: list[Assessment] = field(default_factory=list)


QUEUE_TITLES = {
    "returned": _("Returned to you for correction"),
    "verify": _("Waiting for your verification"),
    "appraise": _("Waiting for your appraisal"),
    "recognise": _("Waiting for your recognition"),
}


def _without_district_above(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Communes hanging directly under a province, or under a district that has ended, and their
    villages."""
    return qs.exclude(permissions.district_verifies_q())


def _queues_of(role: str, unit: AdministrativeUnit) -> list[tuple[str, QuerySet[Assessment]]]:
    if unit.has_ended(timezone.localdate()):
        return []  # a unit that has ended does nothing more; the units above that exist act
    within = Assessment.objects.within(unit)
    if role == Role.COMMUNE_OFFICER:
        return [("returned", within.filter(state=AssessmentState.RETURNED))]
    if role == Role.DISTRICT_COMMITTEE:
        # Its communes' and their villages'; the district's own goes to the province office.
        return [("verify", within.filter(state=AssessmentState.SUBMITTED).exclude(unit__level=Level.DISTRICT))]
    if role == Role.PROVINCE_OFFICE:
        return [
            ("verify", _without_district_above(within.filter(state=AssessmentState.SUBMITTED))),
            ("appraise", within.filter(state=AssessmentState.VERIFIED)),
            ("recognise", within.filter(state=AssessmentState.APPRAISED)),
        ]
    return []


# The role whose queues a district's or province's page shows (criteria.views_units).
WORKING_ROLE = {Level.DISTRICT: Role.DISTRICT_COMMITTEE, Level.PROVINCE: Role.PROVINCE_OFFICE}


def queues_at(unit: AdministrativeUnit) -> list[tuple[str, QuerySet[Assessment]]]:
    """What waits at a district (its committee's verification) or a province (its office's
    verification, appraisal, recognition), by the same rule as “My work”: the page's queues
    and the inbox count the same assessments (communes and villages alike)."""
    role = WORKING_ROLE.get(unit.level)
    return _queues_of(role, unit) if role else []


def _with_last_comment(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Each assessment with the comment of its latest state change (a return's reason) and when
    that change put it in the queue (``waiting_since``; a value saved since does not move it)."""
    last = HistoryEntry.objects.filter(assessment=OuterRef("pk"), kind=HistoryKind.STATE).order_by("-at", "-pk")
    return qs.annotate(
        last_comment=Subquery(last.values("comment")[:1]),
        waiting_since=Coalesce(Subquery(last.values("at")[:1]), "updated_at"),
    )


def inbox_for(user, *, unit: AdministrativeUnit | None = None) -> list[Queue]:
    """The user's queues, oldest waiting first; only those of memberships at ``unit`` if given.

    Empty queues are left out, so an empty list means "nothing waits for you".
    """
    queues = []
    for membership in access.memberships_of(user):
        if unit is not None and membership.unit_id != unit.pk:
            continue
        for key, qs in _queues_of(membership.role, membership.unit):
            count = qs.count()
            if not count:
                continue
            # A village is named with its commune ("Xóm 3 (Xã …)"): villages' names repeat.
            items = _with_last_comment(qs.select_related("unit__parent", "criteria_set")).order_by(
                "waiting_since", "pk"
            )
            queues.append(Queue(key, QUEUE_TITLES[key], membership.unit, count, list(items[:SHOWN])))
    return queues
