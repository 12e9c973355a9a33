"""What offices report beside the values: "cơ bản đạt" (basically met) on a criterion.

A district report says "đạt 12/19, đạt và cơ bản đạt 15/19": a criterion not met whose works
are under way and expected to be met. The assessor marks it, with why and by when; it is
shown beside the criteria met and never counts as met (recognition, buckets and headlines
read ``CriterionResult.met`` and ``Assessment.criteria_met`` only).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from criteria.models import Assessment, CriterionResult, CriterionResultLog, HistoryEntry, HistoryKind
from criteria.services.assessments import MSG_LOCKED, MSG_NO_PERMISSION, store_counts
from criteria.structure import set_structure

MSG_NO_CRITERION = _("Criterion %(number)s is not in this criteria set.")
MSG_ALREADY_MET = _("Criterion %(number)s is met: it cannot be marked “basically met”.")
MSG_REASON_REQUIRED = _("Say why the criterion is basically met (the works under way).")
MSG_DATE_REQUIRED = _("Give the date by which the criterion is expected to be met.")
MSG_DATE_TOO_EARLY = _("The expected date cannot be before the assessment year (%(year)s).")
MSG_DATE_TOO_LATE = _(
    "The expected date cannot be after %(end)s, the end of the last year this criteria set is used for this assessment."
)
REASON_MAX = 2000


def _refuse(field: str, message, code: str, **params) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code, params=params or None)]})


def _locked_result(assessment: Assessment, number: int) -> CriterionResult:
    result = (
        CriterionResult.objects.select_for_update()
        .select_related("criterion")
        .filter(assessment=assessment, criterion__number=number)
        .first()
    )
    if result is None:
        raise _refuse("criterion", MSG_NO_CRITERION, "unknown", number=number)
    return result


@transaction.atomic
def criterion_set_basically_met(
    *,
    assessment: Assessment,
    number: int,
    basically_met: bool,
    user,
    reason: str = "",
    expected_by: datetime.date | None = None,
    check_state: bool = True,
    at: datetime.datetime | None = None,
    _trusted: bool = False,
) -> CriterionResult:
    """Mark criterion ``number`` of the assessment as basically met (with ``reason`` and
    ``expected_by``), or take the mark away. Same rules as recording a value: the user writes
    to the unit and the assessment is editable (``check_state=False`` for summary records of
    past years, whose standing is entered as reported). The history keeps every change;
    marking a criterion the same way again changes nothing. ``_trusted``: only through
    ``criteria.services.trusted`` (no role check).
    """
    assessment = Assessment.objects.select_for_update().select_related("unit", "criteria_set").get(pk=assessment.pk)
    if not _trusted and not access.can_write_unit(user, assessment.unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    if check_state and not assessment.is_editable:
        raise ValidationError(MSG_LOCKED, code="locked", params={"state": assessment.get_state_display().lower()})
    result = _locked_result(assessment, number)
    reason = (reason or "").strip()
    if basically_met:
        if result.met:
            raise _refuse("criterion", MSG_ALREADY_MET, "met", number=number)
        if not reason:
            raise _refuse("reason", MSG_REASON_REQUIRED, "required")
        if len(reason) > REASON_MAX:
            raise _refuse("reason", _("At most %(n)s characters."), "max_length", n=REASON_MAX)
        if expected_by is None:
            raise _refuse("expected_by", MSG_DATE_REQUIRED, "required")
        if expected_by.year < assessment.year:
            raise _refuse("expected_by", MSG_DATE_TOO_EARLY, "too_early", year=assessment.year)
        # The commune is assessed against this set until its period ends — or, in a transitional
        # year (QĐ 1980's set used in 2021), to the end of the assessment's year: a date after it
        # is not a date this set's criterion can be met by (QA: 31/12/9999 was kept).
        last = max(assessment.criteria_set.year_to, assessment.year)
        if expected_by.year > last:
            raise _refuse("expected_by", MSG_DATE_TOO_LATE, "too_late", end=f"31/12/{last}")
    else:
        reason, expected_by = "", None
    old = (result.basically_met, result.basically_met_reason, result.basically_met_by)
    if old == (basically_met, reason, expected_by):
        return result
    moment = at or timezone.now()
    HistoryEntry.objects.create(
        assessment=assessment,
        kind=HistoryKind.BASICALLY_MET,
        criterion=result.criterion,
        old_value=old[2].isoformat() if old[0] and old[2] else "",
        new_value=expected_by.isoformat() if basically_met else "",
        old_note=old[1],
        new_note=reason,
        user=user,
        at=moment,
    )
    result.basically_met, result.basically_met_reason, result.basically_met_by = basically_met, reason, expected_by
    result.save(update_fields=["basically_met", "basically_met_reason", "basically_met_by"])
    if old[0] != basically_met:
        CriterionResultLog.objects.create(
            assessment=assessment, criterion=result.criterion, met=result.met, basically_met=basically_met, at=moment
        )
    results = CriterionResult.objects.filter(assessment=assessment).only("met", "basically_met")
    store_counts(assessment, results, len(set_structure(assessment.criteria_set).criterion_ids), at=moment)
    return result
