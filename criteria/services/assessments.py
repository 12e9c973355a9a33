"""Assessments: start one, record values (``recording.py``), recompute stored results
(``results.py``), change state."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit, UnitSuccession
from criteria.models import (
    Assessment,
    AssessmentState,
    HistoryEntry,
    HistoryKind,
    IndicatorValue,
    SetStatus,
    Tier,
)
from criteria.services.in_force import (
    MSG_OTHER_SET_NEEDS_REASON,
    criteria_set_in_force,
    other_set_refusal,
    province_of,
    superseded_refusal,
    usable_for,
)
from criteria.services.prefill import Prefill, assessment_prefill
from criteria.services.recording import (
    INCOME_INDICATOR_CODE,
    MSG_LOCKED,
    MSG_NO_PERMISSION,
    MSG_STALE,
    MSG_UNKNOWN_INDICATOR,
    ValueEntry,
    assessments_record_values,
    indicator_outcome_for,
)
from criteria.services.results import figures_log, recompute_results, store_counts
from criteria.structure import set_structure
from criteria.years import LifetimeWording, year_begun, year_outside_lifetime
from ntm_portal.bulk import update_from_values

# Re-exported: the set in force and its rule live in in_force.py, recording in recording.py,
# the stored results in results.py.
__all__ = [
    "INCOME_INDICATOR_CODE",
    "MSG_LOCKED",
    "MSG_NO_PERMISSION",
    "MSG_OTHER_SET_NEEDS_REASON",
    "MSG_STALE",
    "MSG_UNKNOWN_INDICATOR",
    "ValueEntry",
    "assessments_record_values",
    "criteria_set_in_force",
    "province_of",
    "store_counts",
]

MSG_YEAR_OUTSIDE_SET = _("The set %(set)s applies to %(years)s, not %(year)s.")
MSG_LEVEL_MISMATCH = _("The set %(set)s is for another level of unit.")
MSG_SET_RETIRED = _("The set %(set)s is retired: no new assessment starts against it.")
MSG_YEAR_NOT_BEGUN = _("%(year)s has not begun: a unit is assessed for a year once it has begun.")
MSG_SET_OF_ANOTHER_PROVINCE = _("The set %(set)s is another province's own: choose the State's set or your province's.")
# A year outside the unit's lifetime (``years.year_outside_lifetime``), refused at the year.
START_LIFETIME = LifetimeWording(
    ended=_("%(unit)s existed only until %(end)s: no assessment can be started for %(year)s."),
    not_formed=_("%(unit)s was formed on %(start)s: no assessment can be started for %(year)s."),
)
MSG_DUPLICATE = _("%(unit)s already has its %(tier)s assessment for %(year)s (against %(set)s): open that one.")
MSG_TERRITORY_ASSESSED = _(
    "%(other)s already has its %(tier)s assessment for %(year)s, and %(unit)s was formed from it or became part of "
    "it: the same place is assessed once a year, so open that one."
)
MSG_NOT_RURAL = _(
    "%(unit)s is a %(type)s: only rural communes (xã) are assessed against the NTM commune sets; wards, "
    "townships and special zones are listed apart."
)
MSG_VILLAGE_NOT_RURAL = _(
    "%(unit)s belongs to %(commune)s, a %(type)s: only the villages of rural communes (xã) are assessed against "
    "the NTM village sets; those of wards, townships and special zones are not NTM villages."
)


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


@transaction.atomic
def assessment_recompute(*, assessment: Assessment, user=None, why: str = "") -> Assessment:
    """Re-evaluate every value and result from scratch (after a catalog fix or a bulk load, or
    when the unit's targets changed). ``why``: when outcomes changed, the history says so, as
    ``user``, with this comment (a commune's new group)."""
    by_pk = {i.pk: i for i in set_structure(assessment.criteria_set).indicators}
    changed = []
    for stored in IndicatorValue.objects.filter(assessment=assessment, not_applicable=False):
        outcome = indicator_outcome_for(assessment, by_pk[stored.indicator_id], stored.value)
        if stored.outcome != outcome:
            stored.outcome = outcome
            changed.append(stored)
    update_from_values(IndicatorValue, ["outcome"], changed)
    moment = timezone.now()
    recompute_results([(assessment, None)], at=moment, user=user)
    if why and changed:
        HistoryEntry.objects.create(assessment=assessment, kind=HistoryKind.TARGETS, comment=why, user=user, at=moment)
    return assessment


@transaction.atomic
def assessment_create(
    *,
    unit: AdministrativeUnit,
    criteria_set,
    year: int,
    user,
    at: datetime.datetime | None = None,
    comment: str = "",
    _trusted: bool = False,
) -> Assessment:
    """Start an assessment of ``unit`` against ``criteria_set`` for ``year``, with empty results.

    A set is used for the years it covers, or for a year its province put it in force
    (transitional years); ``comment`` goes into the history (why another set was used).
    ``_trusted``: only through ``criteria.services.trusted`` (no role check)."""
    if not _trusted and not access.can_write_unit(user, unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    if criteria_set.status == SetStatus.RETIRED:
        raise ValidationError(MSG_SET_RETIRED, code="retired", params={"set": criteria_set})
    if refusal := superseded_refusal(criteria_set, year):
        raise refusal
    if not year_begun(year):
        raise ValidationError(MSG_YEAR_NOT_BEGUN, code="future", params={"year": year})
    if criteria_set.issuer_id is not None and criteria_set.issuer_id != getattr(province_of(unit), "pk", None):
        raise ValidationError(MSG_SET_OF_ANOTHER_PROVINCE, code="other_province", params={"set": criteria_set})
    if not usable_for(unit=unit, criteria_set=criteria_set, year=year):
        raise ValidationError(
            MSG_YEAR_OUTSIDE_SET,
            code="year",
            params={"set": criteria_set, "years": criteria_set.years_in_words, "year": year},
        )
    # Which units a set can assess in a year: one rule (communes.filters.assessable_q), which the
    # import's template and checks follow too.
    refusal = unit.assessable_refusal(criteria_set.level, year)
    if refusal == "level":
        raise ValidationError(MSG_LEVEL_MISMATCH, code="level", params={"set": criteria_set})
    if refusal == "year":
        raise ValidationError({"year": [year_outside_lifetime(unit, year, START_LIFETIME)]})
    if refusal == "not_rural":
        raise ValidationError(MSG_NOT_RURAL, code="not_rural", params={"unit": unit, "type": unit.get_type_display()})
    if refusal == "not_rural_village":
        params = {"unit": unit, "commune": unit.parent, "type": unit.parent.get_type_display()}
        raise ValidationError(MSG_VILLAGE_NOT_RURAL, code="not_rural", params=params)
    existing = speaking_assessment(unit=unit, tier=criteria_set.tier, year=year)
    if existing is not None:
        raise DuplicateAssessment(existing)
    if other := assessed_territory([unit.pk], year=year, tiers=[criteria_set.tier]).get((unit.pk, criteria_set.tier)):
        raise ValidationError(
            MSG_TERRITORY_ASSESSED,
            code="territory",
            params={
                "other": other.unit.name,
                "unit": unit.name,
                "year": year,
                "tier": other.get_tier_display().lower(),
            },
        )
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
    recompute_results([(assessment, None)], at=at)
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


def assessed_territory(
    unit_ids: Iterable[int], *, year: int, tiers: Iterable[str]
) -> dict[tuple[int, str], Assessment]:
    """For each of ``unit_ids`` and ``tiers``, an assessment at the tier in ``year`` of a unit it
    was formed from or became part of (``UnitSuccession``, either way), where one exists: the
    same place is assessed once a year, or a year's figures would count it twice (a commune
    formed on 1 July 2025 beside the communes it was formed from, all assessed for 2025). Keyed
    by (unit id, tier); two queries whatever the number of units and tiers (an import's file
    asks for all its rows at once, a unit's page for every tier it offers to start)."""
    ids = set(unit_ids)
    if not ids:
        return {}
    related: dict[int, set[int]] = {}
    links = UnitSuccession.objects.filter(Q(predecessor_id__in=ids) | Q(successor_id__in=ids))
    for before, after in links.values_list("predecessor_id", "successor_id"):
        related.setdefault(before, set()).add(after)
        related.setdefault(after, set()).add(before)
    others = {other for unit_id in ids for other in related.get(unit_id, ())}
    if not others:
        return {}
    by_unit: dict[int, list[Assessment]] = {}
    for a in Assessment.objects.select_related("unit").filter(unit_id__in=others, tier__in=list(tiers), year=year):
        by_unit.setdefault(a.unit_id, []).append(a)  # one per unit, tier and year (a constraint)
    found = {}
    for unit_id in ids:
        for other in sorted(related.get(unit_id, ())):  # the first related unit by id, if several
            for assessment in by_unit.get(other, ()):
                found.setdefault((unit_id, assessment.tier), assessment)
    return found


def speaking_assessment(*, unit: AdministrativeUnit, tier: str, year: int) -> Assessment | None:
    """The assessment that speaks for ``unit`` at ``tier`` in ``year`` (there is at most one)."""
    return Assessment.objects.select_related("unit", "criteria_set").filter(unit=unit, tier=tier, year=year).first()


def assessment_record_values(
    *,
    assessment: Assessment,
    entries: Iterable[ValueEntry],
    user,
    at: datetime.datetime | None = None,
    comment: str = "",
    derived: bool = False,
    _trusted: bool = False,
) -> list[IndicatorValue]:
    """Record one assessment's values: a batch of one, see ``assessments_record_values``."""
    (saved,) = assessments_record_values(
        batches=[(assessment, entries)],
        user=user,
        at=at,
        comment=comment,
        derived=derived,
        _trusted=_trusted,
    )
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
    figures_log(assessment, at or timezone.now()).save()
    decided = state in (AssessmentState.RECOGNISED, AssessmentState.REVOKED) and decision_date is not None
    HistoryEntry.objects.create(
        assessment=assessment,
        kind=HistoryKind.STATE,
        old_state=old_state,
        new_state=state,
        # The decision that recognised or revoked: its date (ISO) and number.
        new_value=decision_date.isoformat() if decided else "",
        new_note=decision_number if decided else "",
        comment=comment,
        user=user,
        at=at or timezone.now(),
    )
    return assessment


MSG_NO_SET = _("No published %(tier)s criteria set applies to a %(level)s in %(year)s.")


@dataclass(frozen=True)
class Started:
    assessment: Assessment
    created: bool  # False: the unit already had this tier's assessment for the year, opened instead
    prefill: Prefill | None = None  # what pre-filling did, when asked for and started


MSG_SET_TIER = _("The set %(set)s is of another tier.")


def _check_set_tier(criteria_set, tier: str) -> None:
    if criteria_set is not None and criteria_set.tier != tier:
        raise ValidationError(
            {"criteria_set": [ValidationError(MSG_SET_TIER, code="tier", params={"set": criteria_set})]}
        )


def _check_set_of_existing(existing: Assessment, criteria_set) -> None:
    """A set asked for must be the one the unit's assessment is on: the answer is never another
    assessment than the one asked for."""
    _check_set_tier(criteria_set, existing.tier)
    if criteria_set is not None and criteria_set.pk != existing.criteria_set_id:
        duplicate = DuplicateAssessment(existing)
        raise ValidationError(
            {"criteria_set": [ValidationError(duplicate.message, code=duplicate.code, params=duplicate.params)]}
        )


def _set_to_start(*, unit, year: int, tier: str, criteria_set, reason: str):
    """The set in force, or ``criteria_set`` when given: another set than the one in force
    needs a reason."""
    in_force = criteria_set_in_force(unit=unit, year=year, tier=tier)
    if criteria_set is None or (in_force is not None and criteria_set.pk == in_force.pk):
        return in_force
    _check_set_tier(criteria_set, tier)
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
    kept in the history. When the assessment exists, a set asked for must be its set (of its
    tier): it is refused at ``criteria_set`` otherwise, as when starting.

    ``prefill``: copy the values of the unit's previous assessment at the tier, whatever its
    set, into the indicators that are the same in the new set (``services/prefill.py``);
    ``Started.prefill`` says how many, from which assessment, or why none.
    """
    if not access.can_write_unit(user, unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    asked = criteria_set
    existing = speaking_assessment(unit=unit, tier=tier, year=year)
    if existing is not None:
        _check_set_of_existing(existing, asked)
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
        _check_set_of_existing(exc.existing, asked)
        return Started(exc.existing, created=False)
    if prefill:
        return Started(assessment, created=True, prefill=assessment_prefill(assessment=assessment, user=user))
    return Started(assessment, created=True)
