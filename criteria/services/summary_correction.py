"""Correcting a summary record: the report's standing typed wrong ("25/BC-UBDN" for
"25/BC-UBND", criterion 7 marked met by mistake) put right without converting the record.

``summary_record_correct`` is the one writer, for the page and the API alike: the same checks as
recording one (``summary.summary_errors``), the results and counts stored again in the same
transaction, one history entry per field changed (old → new, with the comment), a write based on
an older version refused (``StaleWriteError``: what is stored now). Only while the record is
editable (draft, returned); its set, year and tier stay: another set, year or tier is another
record. Why a record cannot be corrected, and how to correct one, is worded here once
(``correction_refusal``, ``how_to_correct``): the page, the service and the import say it alike.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.people import full_name
from criteria.models import (
    Assessment,
    AssessmentState,
    CriterionResult,
    CriterionResultLog,
    HistoryEntry,
    HistoryKind,
)
from criteria.services.assessments import MSG_NO_PERMISSION, store_counts
from criteria.services.summary import MSG_AS_REPORTED, MSG_NOT_SUMMARY, Reported, summary_errors
from ntm_portal.errors import StaleWriteError
from ntm_portal.language import in_every_language

# The label of the sheet's link, named by the import's refusal of a row that differs.
CORRECT_LABEL = _("Correct the summary record")
MSG_HOW_TO_CORRECT = _("To correct the record itself, open it and choose “%(action)s”.")
MSG_FROZEN_CHECKED = _(
    "This summary record is “%(state)s”: it cannot be corrected while it is being checked. The district "
    "steering committee or the province office checking it can return it for correction; it can be corrected then."
)
MSG_FROZEN_DECIDED = _(
    "This summary record is “%(state)s”: it is closed by its decision and keeps its report's standing; it can no "
    "longer be returned for correction."
)
MSG_FROZEN_MERGED = _("This summary record was merged into another assessment: it is kept read-only for its history.")
MSG_SET_FIXED = _(
    "The criteria set of a summary record cannot be corrected: a report against another set is another record."
)
MSG_YEAR_FIXED = _("The year and tier of a summary record cannot be corrected: another year or tier is another record.")
MSG_CORRECT_STALE = _(
    "This summary record was changed by %(user)s in the meantime (now “%(state)s”: %(source)s of %(date)s, "
    "%(met)s/%(total)s criteria met). Review what is stored now and save again."
)
MSG_COMMENT_TOO_LONG = _("At most %(n)s characters.")
COMMENT_MAX = 2000

# How a criterion stands in a summary record, as the history keeps it (the forms' marks).
NOT_MET, MET, BASICALLY_MET = "", "met", "basic"


def correction_refusal(assessment: Assessment) -> ValidationError | None:
    """Why this summary record cannot be corrected now (None: it can), read from its state alone
    (no query: the import asks it of every row)."""
    if assessment.merged_into_id is not None:
        return ValidationError(MSG_FROZEN_MERGED, code="locked")
    if assessment.is_editable:
        return None
    state = assessment.get_state_display().lower()
    decided = assessment.state in (AssessmentState.RECOGNISED, AssessmentState.REVOKED)
    return ValidationError(
        MSG_FROZEN_DECIDED if decided else MSG_FROZEN_CHECKED, code="locked", params={"state": state}
    )


def how_to_correct(assessment: Assessment) -> str:
    """What to do to correct this summary record: the sheet's correction, or why there is none."""
    refusal = correction_refusal(assessment)
    if refusal is not None:
        return refusal.messages[0]
    return str(MSG_HOW_TO_CORRECT % {"action": CORRECT_LABEL})


def reported_marks(assessment: Assessment) -> dict[int, str]:
    """Each criterion's mark as stored: criterion number → ``MET``, ``BASICALLY_MET`` or ``NOT_MET``."""
    return {
        number: MET if met else BASICALLY_MET if basic else NOT_MET
        for number, met, basic in CriterionResult.objects.filter(assessment=assessment).values_list(
            "criterion__number", "met", "basically_met"
        )
    }


@dataclass(frozen=True)
class Stored:
    """A summary record as stored now: what a refused stale write shows beside what was typed."""

    state: str
    state_label: str
    version: int
    source_number: str
    source_date: datetime.date | None
    met: list[int]
    basically_met: list[int]
    criteria_met: int
    criteria_total: int
    changed_by: str

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "version": self.version,
            "source_number": self.source_number,
            "source_date": self.source_date.isoformat() if self.source_date else None,
            "met": self.met,
            "basically_met": self.basically_met,
            "criteria_met": self.criteria_met,
            "criteria_total": self.criteria_total,
            "changed_by": self.changed_by,
        }


def stored_now(assessment: Assessment) -> Stored:
    marks = reported_marks(assessment)
    last = HistoryEntry.objects.filter(assessment=assessment).select_related("user").order_by("-at", "-id").first()
    return Stored(
        state=assessment.state,
        state_label=assessment.get_state_display().lower(),
        version=assessment.version,
        source_number=assessment.source_number,
        source_date=assessment.source_date,
        met=sorted(n for n, mark in marks.items() if mark == MET),
        basically_met=sorted(n for n, mark in marks.items() if mark == BASICALLY_MET),
        criteria_met=assessment.criteria_met,
        criteria_total=assessment.criteria_total,
        changed_by=full_name(last.user) if last and last.user else "—",
    )


@transaction.atomic
def summary_record_correct(
    *,
    assessment: Assessment,
    met: set[int],
    basically_met: set[int] = frozenset(),
    count: int | None = None,
    source_number: str,
    source_date: datetime.date | None,
    source_file=None,
    expected_version: int,
    user,
    comment: str = "",
    criteria_set_id: int | None = None,
    year: int | None = None,
    tier: str | None = None,
    at: datetime.datetime | None = None,
) -> Assessment:
    """Correct what a summary record says of its report: the criteria met and basically met (the
    ``count`` checked against them), the report's number, date and file (``source_file`` None:
    the file stays; a new one replaces it, the old one kept in storage and named in the history).

    ``expected_version`` is the record's version the correction was based on: another refuses
    it with ``StaleWriteError`` (``current``: ``Stored``). ``criteria_set_id``, ``year`` and
    ``tier``, when given, must be the record's own. Correcting nothing changes nothing.
    """
    assessment = Assessment.everything.select_for_update().select_related("unit", "criteria_set").get(pk=assessment.pk)
    if not access.can_write_unit(user, assessment.unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    if not assessment.summary:
        raise ValidationError(MSG_NOT_SUMMARY, code="not_summary")
    if expected_version != assessment.version:
        current = stored_now(assessment)
        params = {
            "user": current.changed_by,
            "state": current.state_label,
            "source": current.source_number,
            "date": f"{current.source_date:%d/%m/%Y}" if current.source_date else "—",
            "met": current.criteria_met,
            "total": current.criteria_total,
        }
        raise StaleWriteError(MSG_CORRECT_STALE, params=params, current=current)
    refusal = correction_refusal(assessment)
    if refusal is not None:
        raise refusal
    errors: dict[str, list[ValidationError]] = {}
    if criteria_set_id is not None and criteria_set_id != assessment.criteria_set_id:
        errors["criteria_set"] = [ValidationError(MSG_SET_FIXED, code="fixed")]
    for field, given, own in (("year", year, assessment.year), ("tier", tier, assessment.tier)):
        if given is not None and given != own:
            errors[field] = [ValidationError(MSG_YEAR_FIXED, code="fixed")]
    met, basic = set(met), set(basically_met)
    number = (source_number or "").strip()
    comment = (comment or "").strip()
    reported = Reported(frozenset(met), frozenset(basic), count, number, source_date)
    # The set was chosen when the record was started: the rule of the set in force is not asked again.
    errors |= summary_errors(
        unit=assessment.unit,
        criteria_set=assessment.criteria_set,
        year=assessment.year,
        reported=reported,
        source_file=source_file,
        in_force=None,
    )
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [ValidationError(MSG_COMMENT_TOO_LONG, code="max_length", params={"n": COMMENT_MAX})]
    if errors:
        raise ValidationError(errors)

    moment = at or timezone.now()
    entries: list[HistoryEntry] = []

    def change(kind: str, old: str, new: str, **more) -> None:
        entries.append(
            HistoryEntry(
                assessment=assessment, kind=kind, old_value=old, new_value=new, comment=comment, user=user, at=moment
            )
        )
        for name, value in more.items():
            setattr(entries[-1], name, value)

    old_number = assessment.source_number
    if number != old_number:
        change(HistoryKind.SUMMARY_NUMBER, old_number, number)
    if source_date != assessment.source_date:
        old_date = assessment.source_date.isoformat() if assessment.source_date else ""
        change(HistoryKind.SUMMARY_DATE, old_date, source_date.isoformat())
    old_file = assessment.source_file.name if assessment.source_file else ""
    if source_file is not None:
        # The uploaded name is kept as data (shown), the stored names as notes: no file is lost.
        uploaded = (getattr(source_file, "name", "") or "")[:60]
        assessment.source_file = source_file
        assessment.save(update_fields=["source_file"])
        change(HistoryKind.SUMMARY_FILE, "", uploaded, old_note=old_file, new_note=assessment.source_file.name)

    results = list(
        CriterionResult.objects.select_for_update().filter(assessment=assessment).select_related("criterion")
    )
    auto_reasons = in_every_language(MSG_AS_REPORTED, {"source": old_number})  # as recorded, in its language
    reason = str(MSG_AS_REPORTED % {"source": number})
    logs, touched = [], []
    for result in sorted(results, key=lambda r: r.criterion.number):
        n = result.criterion.number
        old = MET if result.met else BASICALLY_MET if result.basically_met else NOT_MET
        new = MET if n in met else BASICALLY_MET if n in basic else NOT_MET
        if old != new:
            change(HistoryKind.SUMMARY_MARK, old, new, criterion=result.criterion)
            logs.append(
                CriterionResultLog(
                    assessment=assessment,
                    criterion=result.criterion,
                    met=new == MET,
                    basically_met=new == BASICALLY_MET,
                    at=moment,
                )
            )
        if new == BASICALLY_MET and old != BASICALLY_MET:  # as recording one marks it
            result.basically_met_reason, result.basically_met_by = reason, datetime.date(assessment.year, 12, 31)
        elif new == BASICALLY_MET and result.basically_met_reason in auto_reasons:
            result.basically_met_reason = reason  # "as reported in" the report as corrected
        elif new != BASICALLY_MET:
            result.basically_met_reason, result.basically_met_by = "", None
        result.met, result.basically_met = new == MET, new == BASICALLY_MET
        touched.append(result)
    if not entries:
        return assessment
    CriterionResult.objects.bulk_update(touched, ["met", "basically_met", "basically_met_reason", "basically_met_by"])
    CriterionResultLog.objects.bulk_create(logs)
    HistoryEntry.objects.bulk_create(entries)
    Assessment.objects.filter(pk=assessment.pk).update(
        source_number=number, source_date=source_date, version=assessment.version + 1
    )
    assessment.refresh_from_db()
    store_counts(assessment, results, len(results), at=moment)
    assessment.refresh_from_db()
    return assessment
