"""Summary records of the past: a unit's standing for a year entered from an old report.

"Toàn xã đạt 16/19 tiêu chí" in a 2022 plan, for 2021: which criteria were met (or basically
met), the count, and the document it comes from (number, date, file) — no indicator values.
A summary record IS the unit's assessment of that tier and year (one per unit, tier and year),
counted in every figure like a full one (the figures read the stored results and counts), and
flagged wherever it appears. It can be converted into a full assessment later: the reported
standing then stays, criterion by criterion, until values recorded replace it. While it is
editable, what was typed wrong is corrected without converting it (``summary_correction``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit
from criteria.models import (
    EDITABLE_STATES,
    Assessment,
    CriteriaSet,
    CriterionResult,
    CriterionResultLog,
    HistoryEntry,
    HistoryKind,
)
from criteria.services.assessments import MSG_NO_PERMISSION, assessment_create, store_counts
from criteria.services.evidence import validate_upload
from criteria.services.in_force import LOOK_IT_UP, REASON_MAX, other_set_refusal
from criteria.years import LifetimeWording, year_outside_lifetime

MSG_SOURCE_NUMBER = _("Give the number of the report or plan the standing comes from.")
MSG_SOURCE_DATE = _("Give the date of the report or plan the standing comes from.")
MSG_SOURCE_EARLY = _("A report on %(year)s cannot be dated before %(year)s.")
MSG_SOURCE_FUTURE = _("The report's date cannot be in the future.")
MSG_UNKNOWN_CRITERIA = _("The set %(set)s has no criterion %(numbers)s.")
MSG_BOTH = _("Criterion %(numbers)s cannot be both met and basically met.")
MSG_COUNT = _("The report's count (%(count)s) differs from the criteria marked met (%(marked)s).")
MSG_NOT_SUMMARY = _("This assessment is not a summary record.")
# The reason a criterion reported "basically met" carries: the report it came from.
MSG_AS_REPORTED = _("As reported in %(source)s")
MSG_CONVERT_DECIDED = _(
    "A summary record that is “%(state)s” keeps its report's standing: it cannot be converted into a full assessment."
)
# A year outside the unit's lifetime (``years.year_outside_lifetime``, as starting an assessment).
SUMMARY_LIFETIME = LifetimeWording(
    ended=_("%(unit)s existed only until %(end)s: no standing of %(year)s can be recorded for it."),
    not_formed=_("%(unit)s was formed on %(start)s: no standing of %(year)s can be recorded for it."),
)
MSG_SOURCE_BEFORE_UNIT = _("%(unit)s was formed on %(start)s: a report dated before that cannot give its standing.")
MSG_TOO_LONG = _("At most %(n)s characters.")
SOURCE_NUMBER_MAX = 60  # Assessment.source_number


def _numbers_text(numbers) -> str:
    return ", ".join(str(n) for n in sorted(numbers))


@dataclass(frozen=True)
class Reported:
    """What an old report says of a unit's year: the criteria marked, the count it gives, the
    source document, and why another set than the one in force (if one is used)."""

    met: frozenset[int]
    basically_met: frozenset[int] = frozenset()
    count: int | None = None
    source_number: str = ""
    source_date: datetime.date | None = None
    reason: str = ""


def summary_errors(
    *,
    unit: AdministrativeUnit,
    criteria_set: CriteriaSet,
    year: int,
    reported: Reported,
    source_file=None,
    known: set[int] | None = None,
    in_force: CriteriaSet | object | None = LOOK_IT_UP,
) -> dict[str, list[ValidationError]]:
    """Every refusal of the report, by field (``met``, ``basically_met``, ``count``,
    ``source_number``, ``source_date``, ``source_file``, ``reason``); empty when it holds
    together. The page, the API and the import all ask here. ``known`` (the set's criterion
    numbers) and ``in_force`` may be given by a caller that checks many rows."""
    met, basic, number, day = (
        set(reported.met),
        set(reported.basically_met),
        reported.source_number,
        reported.source_date,
    )
    reason = (reported.reason or "").strip()
    errors: dict[str, list] = {}

    def refuse(field, message, code, **params):
        errors.setdefault(field, []).append(ValidationError(message, code=code, params=params or None))

    # The years the unit existed in (``existed_in_year``, the rule of starting an assessment),
    # refused at the year with the date the unit was formed or ended.
    if (outside := year_outside_lifetime(unit, year, SUMMARY_LIFETIME)) is not None:
        errors.setdefault("year", []).append(outside)
    refusal = other_set_refusal(unit=unit, year=year, criteria_set=criteria_set, reason=reason, in_force=in_force)
    if refusal is not None:
        errors.update(refusal.error_dict)
    elif len(reason) > REASON_MAX:
        refuse("reason", MSG_TOO_LONG, "max_length", n=REASON_MAX)
    known = known if known is not None else set(criteria_set.criteria.values_list("number", flat=True))
    if (met | basic) - known:
        refuse("met", MSG_UNKNOWN_CRITERIA, "unknown", set=criteria_set, numbers=_numbers_text((met | basic) - known))
    if met & basic:
        refuse("basically_met", MSG_BOTH, "both", numbers=_numbers_text(met & basic))
    if reported.count is not None and reported.count != len(met):
        refuse("count", MSG_COUNT, "count", count=reported.count, marked=len(met))
    if not (number or "").strip():
        refuse("source_number", MSG_SOURCE_NUMBER, "required")
    elif len(number.strip()) > SOURCE_NUMBER_MAX:
        refuse("source_number", MSG_TOO_LONG, "max_length", n=SOURCE_NUMBER_MAX)
    if day is None:
        refuse("source_date", MSG_SOURCE_DATE, "required")
    elif day.year < year:
        refuse("source_date", MSG_SOURCE_EARLY, "early", year=year)
    elif day > timezone.localdate():
        refuse("source_date", MSG_SOURCE_FUTURE, "future")
    elif unit.lifetime_side(day, day) == "before":
        refuse(
            "source_date",
            MSG_SOURCE_BEFORE_UNIT,
            "unit_not_formed",
            unit=unit.name,
            start=f"{unit.valid_from:%d/%m/%Y}",
        )
    # A report dated after the unit ended may still give its standing: a commune that ended on
    # 30/06/2025 has its 2025 standing only in reports made after that (the province's, the
    # commune it became part of). A recognition decision dated after the end is refused where it
    # is recorded (``workflow.decision_refusal``, also for ``record_recognition``).
    if source_file is not None:
        try:  # the evidence files' limits: size, type, content matching the extension
            validate_upload(source_file)
        except ValidationError as exc:
            errors.setdefault("source_file", []).extend(exc.error_list)
    return errors


def recorded_with_reason(created_comment: str, reason: str) -> bool:
    """Whether a summary record whose start has ``created_comment`` in its history was recorded
    with ``reason`` (why another set than the one in force): ``assessment_record_summary``
    keeps it last in that comment."""
    reason = (reason or "").strip()
    return bool(reason) and (created_comment == reason or created_comment.endswith(f". {reason}"))


@transaction.atomic
def assessment_record_summary(
    *,
    unit: AdministrativeUnit,
    criteria_set: CriteriaSet,
    year: int,
    met: set[int],
    basically_met: set[int] = frozenset(),
    count: int | None = None,
    source_number: str,
    source_date: datetime.date | None,
    source_file=None,
    reason: str = "",
    user,
    at: datetime.datetime | None = None,
    comment: str = "",
    _trusted: bool = False,
) -> Assessment:
    """Record ``unit``'s standing in ``year`` against ``criteria_set`` from an old report.

    Same rules as starting an assessment (the set's level and years — or the province's set in
    force —, rural communes only, one per unit, tier and year; another set than the one in force
    needs a ``reason``, kept in the history) plus the source document. ``comment`` says where
    the record came from when a caller knows more (an import names its file), kept in the
    history with the source and the reason. ``_trusted``: only through
    ``criteria.services.trusted`` (no role check).
    """
    if not _trusted and not access.can_write_unit(user, unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    met, basic = set(met), set(basically_met)
    reason = (reason or "").strip()
    reported = Reported(frozenset(met), frozenset(basic), count, source_number, source_date, reason)
    errors = summary_errors(unit=unit, criteria_set=criteria_set, year=year, reported=reported, source_file=source_file)
    if errors:
        raise ValidationError(errors)
    moment = at or timezone.now()
    source = str(_("Summary record from %(source)s") % {"source": source_number.strip()})
    # The reason stays last, where ``recorded_with_reason`` finds it.
    created = ". ".join(part for part in (source, (comment or "").strip(), reason) if part)
    assessment = assessment_create(
        unit=unit,
        criteria_set=criteria_set,
        year=year,
        user=user,
        _trusted=True,  # the role was checked above
        at=moment,
        comment=created,
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        summary=True, source_number=source_number.strip(), source_date=source_date
    )
    if source_file is not None:
        assessment.source_file = source_file
        assessment.save(update_fields=["source_file"])
    results = list(CriterionResult.objects.filter(assessment=assessment).select_related("criterion"))
    reason = str(MSG_AS_REPORTED % {"source": source_number.strip()})
    log = []
    for result in results:
        number = result.criterion.number
        result.met = number in met
        result.basically_met = number in basic
        result.basically_met_reason = reason if result.basically_met else ""
        result.basically_met_by = datetime.date(year, 12, 31) if result.basically_met else None
        if result.met or result.basically_met:
            log.append(
                CriterionResultLog(
                    assessment=assessment,
                    criterion=result.criterion,
                    met=result.met,
                    basically_met=result.basically_met,
                    at=moment,
                )
            )
    CriterionResult.objects.bulk_update(results, ["met", "basically_met", "basically_met_reason", "basically_met_by"])
    CriterionResultLog.objects.bulk_create(log)
    assessment.refresh_from_db()
    store_counts(assessment, results, len(results), at=moment, changed=True)
    return assessment


@transaction.atomic
def assessment_convert_summary(*, assessment: Assessment, user, comment: str = "") -> Assessment:
    """Make a summary record a full assessment: values may then be entered; the reported
    standing of each criterion stays until a value recorded in it recomputes it."""
    assessment = Assessment.objects.select_for_update().select_related("unit").get(pk=assessment.pk)
    if not access.can_write_unit(user, assessment.unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    if not assessment.summary:
        raise ValidationError(MSG_NOT_SUMMARY, code="not_summary")
    if assessment.state not in EDITABLE_STATES:
        # A recognised record keeps its report's standing: no value could be entered after.
        raise ValidationError(MSG_CONVERT_DECIDED, code="state", params={"state": assessment.get_state_display()})
    Assessment.objects.filter(pk=assessment.pk).update(summary=False, version=assessment.version + 1)
    HistoryEntry.objects.create(
        assessment=assessment,
        kind=HistoryKind.SUMMARY,
        old_value="summary",
        new_value="full",
        comment=comment or str(_("Converted into a full assessment")),
        user=user,
        at=timezone.now(),
    )
    assessment.refresh_from_db()
    return assessment
