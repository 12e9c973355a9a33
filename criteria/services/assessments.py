"""Assessments: start one, record values, recompute stored results, change state."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit, Level
from criteria import evaluation
from criteria.models import (
    Assessment,
    AssessmentLog,
    AssessmentState,
    CriteriaSet,
    CriterionResult,
    CriterionResultLog,
    HistoryEntry,
    HistoryKind,
    Indicator,
    IndicatorValue,
    Outcome,
    SetStatus,
    Tier,
    ValueType,
)
from criteria.services.in_force import (
    MSG_OTHER_SET_NEEDS_REASON,
    criteria_set_in_force,
    other_set_refusal,
    province_of,
    usable_for,
)
from criteria.structure import set_structure
from criteria.targets import target_for
from ntm_portal.errors import StaleWriteError

# Re-exported: the set in force and its rule live in in_force.py.
__all__ = ["MSG_OTHER_SET_NEEDS_REASON", "criteria_set_in_force", "province_of"]

# In the 19-criteria commune sets, indicator 10.1 is the income per person (criterion 10 "Thu nhập");
# QĐ 319's income condition is worked out from it.
INCOME_INDICATOR_CODE = "10.1"

MSG_NO_PERMISSION = _("You may not change this assessment.")
MSG_LOCKED = _("This assessment is %(state)s and can no longer be edited.")
MSG_STALE = _("%(indicator)s was changed by %(user)s in the meantime (now: %(value)s). Review it and save again.")
MSG_UNKNOWN_INDICATOR = _("Indicator %(code)s is not in this criteria set.")
MSG_YEAR_OUTSIDE_SET = _("The set %(set)s applies to %(first)s–%(last)s, not %(year)s.")
MSG_LEVEL_MISMATCH = _("The set %(set)s is for another level of unit.")
MSG_SET_RETIRED = _("The set %(set)s is retired: no new assessment starts against it.")
MSG_UNIT_NOT_IN_YEAR = _("%(unit)s did not exist in %(year)s: no assessment can be started for that year.")
MSG_DUPLICATE = _("%(unit)s already has its %(tier)s assessment for %(year)s (against %(set)s): open that one.")
MSG_NOT_RURAL = _(
    "%(unit)s is a %(type)s: only rural communes (xã) are assessed against the NTM commune sets; wards, "
    "townships and special zones are listed apart."
)
MSG_NOT_CONDITIONAL = _(
    "%(indicator)s always applies: only indicators the set marks “(nếu có)” may be set not applicable."
)
MSG_NA_NEEDS_REASON = _("%(indicator)s: say in the note why it does not apply (e.g. the commune has no market).")
NOT_APPLICABLE = "n/a"  # how history stores "không áp dụng" (language-neutral, like "yes"/"no")
MSG_SUMMARY_NO_VALUES = _(
    "This is a summary record of a past report: convert it into a full assessment before entering values."
)
MSG_MET_NOW = _("The criterion is met now: no longer “basically met”.")
MSG_DERIVED = _("%(indicator)s is worked out by the portal from the recognition decisions and cannot be typed.")


class DuplicateAssessment(ValidationError):
    """The unit already has an assessment at this tier for the year: ``existing`` is it."""

    def __init__(self, existing: Assessment) -> None:
        super().__init__(
            MSG_DUPLICATE,
            code="duplicate",
            params={
                "unit": existing.unit,
                "tier": existing.get_tier_display().lower(),
                "year": existing.year,
                "set": existing.criteria_set,
            },
        )
        self.existing = existing


@dataclass(frozen=True)
class ValueEntry:
    """One value to record, as typed. ``expected_version`` is the version it was based on
    (0 when there was no value yet; None to skip the check, for trusted bulk loads)."""

    code: str
    raw: object
    note: str | None = None
    expected_version: int | None = None


def _indicators_with_targets(criteria_set: CriteriaSet) -> list[Indicator]:
    return list(set_structure(criteria_set).indicators)


def indicator_outcome_for(assessment: Assessment, indicator: Indicator, value) -> evaluation.Outcome:
    """The outcome of ``value`` for this indicator, with the target that applies to the unit."""
    target = target_for(indicator, unit=assessment.unit, year=assessment.year, criteria_set=assessment.criteria_set)
    return evaluation.indicator_outcome(
        value,
        value_type=evaluation.ValueType(indicator.value_type),
        comparison=evaluation.Comparison(indicator.comparison),
        target=target,
    )


def _recompute(
    assessment: Assessment,
    indicators: list[Indicator],
    criterion_ids: set[int] | None,
    *,
    at: datetime.datetime | None = None,
    user=None,
) -> None:
    """Store each touched criterion's result and the assessment's counts of criteria met and
    basically met. A criterion that becomes met is no longer "basically met" (the history
    says so, as ``user``).

    Changes are also appended to the logs, so figures as of a past moment can be read back.
    """
    moment = at or timezone.now()
    structure = set_structure(assessment.criteria_set)
    values = {
        v.indicator_id: v.outcome
        for v in IndicatorValue.objects.filter(assessment=assessment, indicator__in=[i.pk for i in indicators]).only(
            "indicator_id", "outcome"
        )
    }
    by_criterion: dict[int, list[tuple[bool, evaluation.Outcome]]] = defaultdict(list)
    for indicator in indicators:
        outcome = evaluation.Outcome(values.get(indicator.pk, evaluation.Outcome.MISSING))
        by_criterion[indicator.criterion_id].append((indicator.required, outcome))

    results = {r.criterion_id: r for r in CriterionResult.objects.filter(assessment=assessment)}
    touched = (
        structure.criterion_ids if criterion_ids is None else [c for c in structure.criterion_ids if c in criterion_ids]
    )
    to_create, to_update, log, cleared = [], [], [], []
    for criterion_id in touched:
        outcomes = by_criterion.get(criterion_id, [])
        met = evaluation.criterion_met(outcomes)
        indicators_met = sum(1 for _required, o in outcomes if o == evaluation.Outcome.MET)
        result = results.get(criterion_id)
        if result is None:
            result = results[criterion_id] = CriterionResult(assessment=assessment, criterion_id=criterion_id)
            to_create.append(result)
        elif (result.met, result.indicators_met, result.indicators_total) != (met, indicators_met, len(outcomes)):
            to_update.append(result)
        else:
            continue
        if result.pk is None or result.met != met:
            log.append(CriterionResultLog(assessment=assessment, criterion_id=criterion_id, met=met, at=moment))
        if met and result.basically_met:
            cleared.append(_basically_met_cleared(assessment, result, user=user, at=moment))
        result.met, result.indicators_met, result.indicators_total = met, indicators_met, len(outcomes)
    CriterionResult.objects.bulk_create(to_create)
    CriterionResult.objects.bulk_update(
        to_update,
        ["met", "indicators_met", "indicators_total", "basically_met", "basically_met_reason", "basically_met_by"],
    )
    CriterionResultLog.objects.bulk_create(log)
    HistoryEntry.objects.bulk_create(cleared)
    store_counts(assessment, results.values(), len(structure.criterion_ids), at=moment, changed=bool(log))


def store_counts(assessment: Assessment, results, total: int, *, at: datetime.datetime, changed: bool = False) -> None:
    """Store the assessment's counts from its criterion results; log them when they changed."""
    results = list(results)
    before = (assessment.criteria_met, assessment.criteria_basically_met, assessment.criteria_total)
    assessment.criteria_total = total
    assessment.criteria_met = evaluation.count_criteria_met(r.met for r in results)
    assessment.criteria_basically_met = evaluation.count_criteria_met(r.basically_met and not r.met for r in results)
    Assessment.objects.filter(pk=assessment.pk).update(
        criteria_met=assessment.criteria_met,
        criteria_basically_met=assessment.criteria_basically_met,
        criteria_total=assessment.criteria_total,
        updated_at=timezone.now(),
    )
    if changed or before != (assessment.criteria_met, assessment.criteria_basically_met, assessment.criteria_total):
        _log_figures(assessment, at)


def _basically_met_cleared(assessment: Assessment, result: CriterionResult, *, user, at) -> HistoryEntry:
    """The criterion is met now: its "basically met" mark ends (kept in the history)."""
    entry = HistoryEntry(
        assessment=assessment,
        kind=HistoryKind.BASICALLY_MET,
        criterion_id=result.criterion_id,
        old_value=result.basically_met_by.isoformat() if result.basically_met_by else "",
        old_note=result.basically_met_reason,
        comment=str(MSG_MET_NOW),
        user=user,
        at=at,
    )
    result.basically_met, result.basically_met_reason, result.basically_met_by = False, "", None
    return entry


def _log_figures(assessment: Assessment, moment: datetime.datetime) -> None:
    AssessmentLog.objects.create(
        assessment=assessment,
        at=moment,
        state=assessment.state,
        criteria_met=assessment.criteria_met,
        criteria_total=assessment.criteria_total,
        criteria_basically_met=assessment.criteria_basically_met,
    )


@transaction.atomic
def assessment_recompute(*, assessment: Assessment) -> Assessment:
    """Re-evaluate every value and result from scratch (after a catalog fix or a bulk load)."""
    indicators = _indicators_with_targets(assessment.criteria_set)
    by_pk = {i.pk: i for i in indicators}
    changed = []
    for stored in IndicatorValue.objects.filter(assessment=assessment, not_applicable=False):
        outcome = indicator_outcome_for(assessment, by_pk[stored.indicator_id], stored.value)
        if stored.outcome != outcome:
            stored.outcome = outcome
            changed.append(stored)
    IndicatorValue.objects.bulk_update(changed, ["outcome"])
    _recompute(assessment, indicators, None)
    return assessment


@transaction.atomic
def assessment_create(
    *,
    unit: AdministrativeUnit,
    criteria_set,
    year: int,
    user,
    at: datetime.datetime | None = None,
    check_access: bool = True,
    comment: str = "",
) -> Assessment:
    """Start an assessment of ``unit`` against ``criteria_set`` for ``year``, with empty results.

    A set is used for the years it covers, or for a year its province put it in force
    (transitional years); ``comment`` goes into the history (why another set was used)."""
    if check_access and not access.can_write_unit(user, unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    if criteria_set.status == SetStatus.RETIRED:
        raise ValidationError(MSG_SET_RETIRED, code="retired", params={"set": criteria_set})
    if not usable_for(unit=unit, criteria_set=criteria_set, year=year):
        raise ValidationError(
            MSG_YEAR_OUTSIDE_SET,
            code="year",
            params={"set": criteria_set, "first": criteria_set.year_from, "last": criteria_set.year_to, "year": year},
        )
    if criteria_set.level != unit.level:
        raise ValidationError(MSG_LEVEL_MISMATCH, code="level", params={"set": criteria_set})
    if not unit.existed_in_year(year):
        raise ValidationError(MSG_UNIT_NOT_IN_YEAR, code="year", params={"unit": unit.name, "year": year})
    if unit.level == Level.COMMUNE and not unit.is_ntm_commune:
        raise ValidationError(MSG_NOT_RURAL, code="not_rural", params={"unit": unit, "type": unit.get_type_display()})
    existing = speaking_assessment(unit=unit, tier=criteria_set.tier, year=year)
    if existing is not None:
        raise DuplicateAssessment(existing)
    assessment = Assessment(unit=unit, criteria_set=criteria_set, tier=criteria_set.tier, year=year, created_by=user)
    # Uniqueness was checked above with a clear message; the database enforces the constraints.
    assessment.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        # Started by someone else at the same moment: theirs speaks for the unit.
        existing = speaking_assessment(unit=unit, tier=criteria_set.tier, year=year)
        if existing is None:
            raise
        raise DuplicateAssessment(existing) from None
    _recompute(assessment, _indicators_with_targets(criteria_set), None, at=at)
    HistoryEntry.objects.create(
        assessment=assessment,
        kind=HistoryKind.CREATED,
        new_state=assessment.state,
        comment=comment,
        user=user,
        at=at or timezone.now(),
    )
    if any(i.derived for i in set_structure(criteria_set).indicators):
        from criteria.services.derived import assessment_refresh_derived  # derived builds on this module

        assessment_refresh_derived(assessment=assessment)
    return assessment


def speaking_assessment(*, unit: AdministrativeUnit, tier: str, year: int) -> Assessment | None:
    """The assessment that speaks for ``unit`` at ``tier`` in ``year`` (there is at most one)."""
    return Assessment.objects.select_related("unit", "criteria_set").filter(unit=unit, tier=tier, year=year).first()


def _as_stored(indicator: Indicator, value) -> tuple[object, object]:
    if indicator.value_type == ValueType.YES_NO:
        return None, value
    return value, None


def _canonical(value) -> str:
    """How history stores a value: language-neutral (``yes``/``no``, ``85.5``); pages translate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return format(value.normalize(), "f")


def _shown(stored: IndicatorValue) -> str:
    return NOT_APPLICABLE if stored.not_applicable else _canonical(stored.value)


def _parse_entry(entry: ValueEntry, indicator: Indicator, current: IndicatorValue | None):
    """The typed value, or ``NOT_APPLICABLE`` for "không áp dụng" on a conditional indicator
    (with a reason in the note, given now or already stored)."""
    if not evaluation.means_not_applicable(entry.raw):
        return evaluation.parse_value(entry.raw, evaluation.ValueType(indicator.value_type), indicator=indicator.code)
    params = {"indicator": indicator.code}
    if not indicator.conditional:
        raise ValidationError(MSG_NOT_CONDITIONAL, code="not_conditional", params=params)
    note = entry.note if entry.note is not None else (current.note if current else "")
    if not (note or "").strip():
        raise ValidationError(MSG_NA_NEEDS_REASON, code="reason", params=params)
    return NOT_APPLICABLE


@transaction.atomic
def assessment_record_values(
    *,
    assessment: Assessment,
    entries: Iterable[ValueEntry],
    user,
    at: datetime.datetime | None = None,
    check_access: bool = True,
    comment: str = "",
    derived: bool = False,
) -> list[IndicatorValue]:
    """Validate every entry, then record them all or none, with recomputation and history.

    Raises ``ValidationError`` keyed by indicator code listing every bad value,
    ``StaleWriteError`` when an entry was based on an old version, ``PermissionDenied``
    outside the user's scope. An entry equal to what is stored changes nothing. Indicators the
    portal works out (``Indicator.derived``) are refused unless ``derived`` says the portal
    itself is writing them.
    """
    # Lock the assessment row: concurrent writers to one assessment queue up here.
    assessment = Assessment.objects.select_for_update().select_related("unit", "criteria_set").get(pk=assessment.pk)
    if check_access and not access.can_write_unit(user, assessment.unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    # The portal's own derived values follow the facts in any state (they are re-worked out
    # at recognition); what people type needs an editable assessment.
    if not assessment.is_editable and not (derived and assessment.merged_into_id is None):
        raise ValidationError(MSG_LOCKED, code="locked", params={"state": assessment.get_state_display().lower()})
    if assessment.summary and not derived:
        raise ValidationError(MSG_SUMMARY_NO_VALUES, code="summary")

    entries = list(entries)
    indicators = {i.code: i for i in _indicators_with_targets(assessment.criteria_set)}
    # Only the values being written: one row for a single save, not the whole sheet.
    wanted = [indicators[e.code].pk for e in entries if e.code in indicators]
    stored = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(assessment=assessment, indicator__in=wanted).select_related("updated_by")
    }
    errors: dict[str, list] = {}
    parsed: list[tuple[Indicator, object, ValueEntry]] = []
    for entry in entries:
        indicator = indicators.get(entry.code)
        if indicator is None:
            errors.setdefault(entry.code, []).append(
                ValidationError(MSG_UNKNOWN_INDICATOR, code="unknown", params={"code": entry.code})
            )
            continue
        if indicator.derived and not derived:
            errors.setdefault(entry.code, []).append(
                ValidationError(MSG_DERIVED, code="derived", params={"indicator": indicator.code})
            )
            continue
        current = stored.get(indicator.pk)
        try:
            value = _parse_entry(entry, indicator, current)
        except ValidationError as exc:
            errors.setdefault(entry.code, []).extend(exc.error_list)
            continue
        if entry.expected_version is not None and entry.expected_version != (current.version if current else 0):
            raise StaleWriteError(
                MSG_STALE,
                params={
                    "indicator": indicator.code,
                    "user": current.updated_by if current and current.updated_by else "—",
                    "value": current.display_value if current else "—",
                },
                current=current,
            )
        parsed.append((indicator, value, entry))
    if errors:
        raise ValidationError(errors)

    moment = at or timezone.now()
    touched_criteria: set[int] = set()
    saved: list[IndicatorValue] = []
    to_create: list[IndicatorValue] = []
    to_update: list[IndicatorValue] = []
    history: list[HistoryEntry] = []
    for indicator, value, entry in parsed:
        current = stored.get(indicator.pk)
        note = entry.note if entry.note is not None else (current.note if current else "")
        not_applicable = value is NOT_APPLICABLE
        value = None if not_applicable else value
        if (
            current is not None
            and current.value == value
            and current.note == note
            and current.not_applicable == not_applicable
        ):
            saved.append(current)
            continue
        decimal_value, bool_value = _as_stored(indicator, value)
        old_display = _shown(current) if current else ""
        old_note = current.note if current else ""
        if current is None:
            current = IndicatorValue(assessment=assessment, indicator=indicator, version=0)
            to_create.append(current)
        else:
            to_update.append(current)
        current.value_decimal, current.value_bool = decimal_value, bool_value
        current.not_applicable = not_applicable
        current.outcome = (
            Outcome.NOT_APPLICABLE if not_applicable else Outcome(indicator_outcome_for(assessment, indicator, value))
        )
        current.note = note
        current.version += 1
        current.updated_by = user
        current.updated_at = moment
        saved.append(current)
        touched_criteria.add(indicator.criterion_id)
        history.append(
            HistoryEntry(
                assessment=assessment,
                kind=HistoryKind.VALUE,
                indicator=indicator,
                old_value=old_display,
                new_value=NOT_APPLICABLE if not_applicable else _canonical(value),
                old_note=old_note if old_note != note else "",
                new_note=note if old_note != note else "",
                comment=comment,
                user=user,
                at=moment,
            )
        )
    IndicatorValue.objects.bulk_create(to_create)
    IndicatorValue.objects.bulk_update(
        to_update,
        ["value_decimal", "value_bool", "not_applicable", "outcome", "note", "version", "updated_by", "updated_at"],
    )
    if history:
        HistoryEntry.objects.bulk_create(history)
        _recompute(
            assessment,
            [i for i in indicators.values() if i.criterion_id in touched_criteria],
            touched_criteria,
            at=moment,
            user=user,
        )
        if assessment.tier != Tier.MODEL and any(h.indicator.code == INCOME_INDICATOR_CODE for h in history):
            from criteria.services.derived import refresh_dependants  # derived builds on this module

            refresh_dependants(unit=assessment.unit, year=assessment.year)
    return saved


def indicator_value_record(
    *,
    assessment: Assessment,
    code: str,
    raw: object,
    user,
    note: str | None = None,
    expected_version: int | None,
) -> IndicatorValue:
    """Record one value typed by a user; see ``assessment_record_values``."""
    (saved,) = assessment_record_values(
        assessment=assessment,
        entries=[ValueEntry(code=code, raw=raw, note=note, expected_version=expected_version)],
        user=user,
    )
    return saved


@transaction.atomic
def assessment_set_state(
    *,
    assessment: Assessment,
    state: str,
    user,
    comment: str = "",
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> Assessment:
    """Move an assessment to ``state`` and record it in the history.

    ``decision_number`` and ``decision_date`` are the recognition decision when ``state`` is
    recognised, and the revocation decision when it is revoked.

    The core the workflow services build on: it records, it does not decide who may do
    what (the workflow actions of the data-entry pages check role and state first).
    """
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    old_state = assessment.state
    assessment.state = state
    if state == AssessmentState.RECOGNISED:
        assessment.decision_number, assessment.decision_date = decision_number, decision_date
    elif state == AssessmentState.REVOKED:
        assessment.revocation_number, assessment.revocation_date = decision_number, decision_date
    assessment.version += 1
    assessment.full_clean(exclude=["unit", "criteria_set", "created_by", "merged_into"])
    assessment.save()
    _log_figures(assessment, at or timezone.now())
    HistoryEntry.objects.create(
        assessment=assessment,
        kind=HistoryKind.STATE,
        old_state=old_state,
        new_state=state,
        comment=comment,
        user=user,
        at=at or timezone.now(),
    )
    return assessment


MSG_NO_SET = _("No published %(tier)s criteria set applies to a %(level)s in %(year)s.")
MSG_PREFILLED = _("Pre-filled from %(year)s")


@dataclass(frozen=True)
class Started:
    assessment: Assessment
    created: bool  # False: the unit already had this tier's assessment for the year, opened instead


MSG_SET_TIER = _("The set %(set)s is of another tier.")


def _set_to_start(*, unit, year: int, tier: str, criteria_set, reason: str):
    """The set in force, or ``criteria_set`` when given: another set than the one in force
    needs a reason."""
    in_force = criteria_set_in_force(unit=unit, year=year, tier=tier)
    if criteria_set is None or (in_force is not None and criteria_set.pk == in_force.pk):
        return in_force
    if criteria_set.tier != tier:
        raise ValidationError(
            {"criteria_set": [ValidationError(MSG_SET_TIER, code="tier", params={"set": criteria_set})]}
        )
    refusal = other_set_refusal(unit=unit, year=year, criteria_set=criteria_set, reason=reason, in_force=in_force)
    if refusal is not None:
        raise refusal
    return criteria_set


@transaction.atomic
def assessment_start(
    *,
    unit: AdministrativeUnit,
    year: int,
    tier: str,
    user,
    prefill: bool = False,
    criteria_set=None,
    reason: str = "",
) -> Started:
    """Open the unit's assessment at ``tier`` for ``year``, starting it with the set in force
    when there is none yet (page, API and import alike: one assessment per unit, tier and year).
    ``criteria_set`` asks for another set than the one in force; that needs a ``reason``,
    kept in the history.

    Values are copied only from last year's assessment against the same set (same code), so
    an indicator code always means the same thing; the copy is recorded in the history.
    """
    if not access.can_write_unit(user, unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    existing = speaking_assessment(unit=unit, tier=tier, year=year)
    if existing is not None:
        return Started(existing, created=False)
    criteria_set = _set_to_start(unit=unit, year=year, tier=tier, criteria_set=criteria_set, reason=reason)
    if criteria_set is None:
        raise ValidationError(
            MSG_NO_SET,
            code="no_set",
            params={"tier": Tier(tier).label.lower(), "level": unit.get_level_display().lower(), "year": year},
        )
    try:
        with transaction.atomic():
            assessment = assessment_create(
                unit=unit, criteria_set=criteria_set, year=year, user=user, comment=(reason or "").strip()
            )
    except DuplicateAssessment as exc:  # started by someone else meanwhile
        return Started(exc.existing, created=False)
    if prefill:
        previous = (
            Assessment.objects.filter(unit=unit, year=year - 1, criteria_set__code=criteria_set.code)
            .order_by("-criteria_set__version")
            .first()
        )
        if previous is not None:
            codes = set(Indicator.objects.filter(criteria_set=criteria_set, derived="").values_list("code", flat=True))
            entries = [
                ValueEntry(code=v.indicator.code, raw="không áp dụng" if v.not_applicable else v.value, note=v.note)
                for v in IndicatorValue.objects.filter(assessment=previous).select_related("indicator")
                if (v.value is not None or v.not_applicable) and v.indicator.code in codes
            ]
            if entries:
                assessment_record_values(
                    assessment=assessment,
                    entries=entries,
                    user=user,
                    comment=str(MSG_PREFILLED % {"year": previous.year}),
                )
    return Started(assessment, created=True)
