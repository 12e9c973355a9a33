"""Recording values: validate what was typed (or imported), evaluate it against the unit's
targets, write it with its history, recompute the stored results — for one assessment or
for a province's worth at once.

``assessments_record_values`` is the one place the recording rules live; the sheet's save,
the API, the import, the demo and the derived indicators all come through it (one
assessment is a batch of one, ``assessment_record_values``). Everything is validated before
anything is written, then each table gets one statement for the whole batch, so an import of
two hundred communes costs the same number of queries as a single save.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import Level
from communes.people import full_name
from criteria import evaluation
from criteria.models import DERIVED_NOTE, Assessment, HistoryKind, Indicator, IndicatorValue, Outcome, Tier, ValueType
from criteria.services.results import HistoryRow, recompute_results
from criteria.structure import set_structure
from criteria.targets import subject_for, target_for_subject
from ntm_portal.bulk import prepare_datetime, update_rows
from ntm_portal.errors import StaleWriteError

# In the 19-criteria commune sets, indicator 10.1 is the income per person (criterion 10 "Thu nhập");
# QĐ 319's income condition is worked out from it.
INCOME_INDICATOR_CODE = "10.1"

MSG_NO_PERMISSION = _("You may not change this assessment.")
MSG_LOCKED = _("This assessment is %(state)s and can no longer be edited.")
MSG_STALE = _("%(indicator)s was changed by %(user)s in the meantime (now: %(value)s). Review it and save again.")
MSG_UNKNOWN_INDICATOR = _("Indicator %(code)s is not in this criteria set.")
MSG_NOT_CONDITIONAL = _(
    "%(indicator)s always applies: only indicators the set marks “(nếu có)” may be set not applicable."
)
MSG_NA_NEEDS_REASON = _("%(indicator)s: say in the note why it does not apply (e.g. the commune has no market).")
# The example in the unit's own words: a village's assessment said "the commune has no market".
MSG_NA_NEEDS_REASON_BY_LEVEL = {
    Level.VILLAGE: _("%(indicator)s: say in the note why it does not apply (e.g. the village has no market)."),
    Level.DISTRICT: _("%(indicator)s: say in the note why it does not apply (e.g. the district has no such works)."),
}
PLAUSIBLE_TYPES = evaluation.PLAUSIBLE_TYPES  # checked against their target (evaluation.check_plausible)
NOT_APPLICABLE = "n/a"  # how history stores "không áp dụng" (language-neutral, like "yes"/"no")
MSG_SUMMARY_NO_VALUES = _(
    "This is a summary record of a past report: convert it into a full assessment before entering values."
)
# Translators: "2.1: " and the sheet's note on a derived row (DERIVED_NOTE).
MSG_DERIVED = _("%(indicator)s: %(note)s")

VALUE_FIELDS = [
    "value_decimal",
    "value_bool",
    "not_applicable",
    "outcome",
    "note",
    "version",
    "updated_by",
    "updated_at",
]
# The steps of a batch, for a caller that shows progress (a background import).
STEP_VALUES, STEP_RESULTS, STEP_DEPENDANTS = "values", "results", "dependants"


@dataclass(frozen=True)
class ValueEntry:
    """One value to record, as typed. ``expected_version`` is the version it was based on
    (0 when there was no value yet; None to skip the check, for trusted bulk loads)."""

    code: str
    raw: object
    note: str | None = None
    expected_version: int | None = None


def indicator_outcome_for(
    assessment: Assessment, indicator: Indicator, value, *, subject: evaluation.TargetSubject | None = None
) -> evaluation.Outcome:
    """The outcome of ``value`` for this indicator, with the target that applies to the unit
    (``subject``: the assessment's ``targets.subject_for``, when the caller has it already)."""
    if subject is None:
        subject = subject_for(assessment.unit, year=assessment.year, criteria_set=assessment.criteria_set)
    return evaluation.indicator_outcome(
        value,
        value_type=indicator.value_type,
        comparison=indicator.comparison,
        target=target_for_subject(indicator, subject),
    )


def _as_stored(indicator: Indicator, value) -> tuple[object, object]:
    if indicator.value_type == ValueType.YES_NO:
        return None, value
    return value, None


def canonical(value) -> str:
    """How history stores a value: language-neutral (``yes``/``no``, ``85.5``); pages translate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return format(value.normalize(), "f")


def _shown(stored: _Stored) -> str:
    return NOT_APPLICABLE if stored.not_applicable else canonical(stored.value)


@dataclass(slots=True)
class _Stored:
    """A stored value as the batch reads it: plain attributes, not a model instance (a
    province's import reads ten thousand); ``instance()`` makes the model instance where one
    is handed out (a stale write's ``current``, the values returned)."""

    pk: int
    assessment_id: int
    indicator_id: int
    value_decimal: Decimal | None
    value_bool: bool | None
    not_applicable: bool
    outcome: str
    note: str
    version: int
    updated_by_id: int | None
    updated_at: datetime.datetime

    @property
    def value(self):
        return self.value_bool if self.value_bool is not None else self.value_decimal

    def instance(self) -> IndicatorValue:
        names = [f.attname for f in IndicatorValue._meta.concrete_fields]  # every one of them is here
        return IndicatorValue.from_db(
            IndicatorValue.objects.db, names, [getattr(self, "pk" if name == "id" else name) for name in names]
        )


# The columns a batch reads of each stored value: ``_Stored``'s fields, in their order.
_STORED_COLUMNS = ["id" if f.name == "pk" else f.name for f in fields(_Stored)]


def check_plausible_for(indicator: Indicator, value, subject: evaluation.TargetSubject) -> None:
    """``evaluation.check_plausible`` with the target that applies to the unit (``subject``: its
    ``targets.subject_for``): recording and the import's check of a file ask it alike."""
    if indicator.value_type in PLAUSIBLE_TYPES and isinstance(value, Decimal):
        target = target_for_subject(indicator, subject)
        evaluation.check_plausible(value, indicator.value_type, target, indicator=indicator.code, unit=indicator.unit)


def _parse_entry(entry: ValueEntry, indicator: Indicator, current: _Stored | None, assessment: Assessment):
    """The typed value, or ``NOT_APPLICABLE`` for "không áp dụng" on a conditional indicator
    (with a reason in the note, given now or already stored; asked for in the words of the
    assessment's unit's level)."""
    if not evaluation.means_not_applicable(entry.raw):
        return evaluation.parse_value(entry.raw, evaluation.ValueType(indicator.value_type), indicator=indicator.code)
    params = {"indicator": indicator.code}
    if not indicator.conditional:
        raise ValidationError(MSG_NOT_CONDITIONAL, code="not_conditional", params=params)
    note = entry.note if entry.note is not None else (current.note if current else "")
    if not (note or "").strip():
        message = MSG_NA_NEEDS_REASON_BY_LEVEL.get(assessment.unit.level, MSG_NA_NEEDS_REASON)
        raise ValidationError(message, code="reason", params=params)
    return NOT_APPLICABLE


def _unchanged(current: _Stored | None, value, entry: ValueEntry) -> bool:
    """Whether writing ``value`` (parsed, or ``NOT_APPLICABLE``) with the entry's note leaves
    the stored value as it is: such an entry changes nothing, and is no stale write either (two
    officers who typed the same figure)."""
    if current is None:
        return False
    note = entry.note if entry.note is not None else current.note
    not_applicable = value is NOT_APPLICABLE
    typed = (None if not_applicable else value, note, not_applicable)
    return (current.value, current.note, current.not_applicable) == typed


@dataclass
class _Checked:
    """One assessment of the batch, validated: what it holds now and what to write."""

    assessment: Assessment
    stored: dict[int, _Stored]  # by indicator id, only the indicators being written
    parsed: list[tuple[Indicator, object, ValueEntry]]


Stored = dict[int, dict[int, _Stored]]  # assessment id → indicator id → value


def _lock(pks: list[int]) -> dict[int, Assessment]:
    """Lock the batch's assessments in one statement, in primary-key order (two batches that
    share assessments never wait for each other crosswise); concurrent writers queue here."""
    if len(set(pks)) != len(pks):
        raise ValueError("An assessment appears twice in one batch.")
    locked = {
        a.pk: a
        for a in Assessment.objects.select_for_update(of=("self",))
        .select_related("unit", "criteria_set")
        .filter(pk__in=pks)
        .order_by("pk")
    }
    if len(locked) != len(pks):
        raise Assessment.DoesNotExist("An assessment of the batch no longer exists.")
    return locked


def _check_assessment(assessment: Assessment, *, user, trusted: bool, derived: bool) -> None:
    if not trusted and not access.can_write_unit(user, assessment.unit):
        raise PermissionDenied(MSG_NO_PERMISSION)
    # The portal's own derived values follow the facts in any state (they are re-worked out
    # at recognition); what people type needs an editable assessment.
    if not assessment.is_editable and not (derived and assessment.merged_into_id is None):
        raise ValidationError(MSG_LOCKED, code="locked", params={"state": assessment.get_state_display().lower()})
    if assessment.summary and not derived:
        raise ValidationError(MSG_SUMMARY_NO_VALUES, code="summary")


def _read_stored(batches: Sequence[tuple[Assessment, list[ValueEntry]]]) -> Stored:
    """The stored values being written, of every assessment of the batch, in one query."""
    wanted: set[int] = set()
    for assessment, entries in batches:
        by_code = _by_code(assessment)
        wanted.update(by_code[e.code].pk for e in entries if e.code in by_code)
    # Who wrote a value is read only when a write turns out stale (then for that one value):
    # joining the users would build one per value of a province's import.
    values = IndicatorValue.objects.filter(
        assessment__in=[a.pk for a, _e in batches], indicator__in=wanted
    ).values_list(*_STORED_COLUMNS)
    stored: Stored = defaultdict(dict)
    for row in values:
        value = _Stored(*row)
        stored[value.assessment_id][value.indicator_id] = value
    return stored


def _by_code(assessment: Assessment) -> dict[str, Indicator]:
    return {i.code: i for i in set_structure(assessment.criteria_set).indicators}


def _validate(assessment: Assessment, entries: list[ValueEntry], stored: Stored, *, derived: bool) -> _Checked:
    """Parse every entry of one assessment. Raises ``ValidationError`` keyed by indicator code
    listing every bad value, or ``StaleWriteError`` for the first entry based on an old version."""
    indicators = _by_code(assessment)
    mine = stored.get(assessment.pk, {})
    errors: dict[str, list] = {}
    parsed: list[tuple[Indicator, object, ValueEntry]] = []
    subject = None
    for entry in entries:
        indicator = indicators.get(entry.code)
        if indicator is None:
            error = ValidationError(MSG_UNKNOWN_INDICATOR, code="unknown", params={"code": entry.code})
            errors.setdefault(entry.code, []).append(error)
            continue
        if indicator.derived and not derived:
            error = ValidationError(
                MSG_DERIVED, code="derived", params={"indicator": indicator.code, "note": DERIVED_NOTE}
            )
            errors.setdefault(entry.code, []).append(error)
            continue
        current = mine.get(indicator.pk)
        try:
            value = _parse_entry(entry, indicator, current, assessment)
            if indicator.value_type in PLAUSIBLE_TYPES:
                if subject is None:
                    subject = subject_for(assessment.unit, year=assessment.year, criteria_set=assessment.criteria_set)
                check_plausible_for(indicator, value, subject)
        except ValidationError as exc:
            errors.setdefault(entry.code, []).extend(exc.error_list)
            continue
        if (
            entry.expected_version is not None
            and entry.expected_version != (current.version if current else 0)
            and not _unchanged(current, value, entry)  # typed what is stored now: saved, nothing to tell
        ):
            current = current.instance() if current else None
            if current is not None:
                current.indicator = indicator  # its message writes the value as the sheet does
            raise StaleWriteError(
                MSG_STALE,
                params={
                    "indicator": indicator.code,
                    "user": full_name(current.updated_by) if current and current.updated_by else "—",
                    "value": current.display_value if current else "—",
                },
                current=current,
            )
        parsed.append((indicator, value, entry))
    if errors:
        raise ValidationError(errors)
    return _Checked(assessment, mine, parsed)


@dataclass
class _Writes:
    """What a batch writes, gathered before the statements run: plain rows, not model
    instances, for the ten thousand values of a province's import."""

    to_create: list[IndicatorValue]
    to_update: list[tuple]  # (id, *VALUE_FIELDS), prepared for the database
    history: list[HistoryRow]
    touched: dict[int, set[int]]  # assessment id → criteria whose result may move
    income: set[tuple[int, int]]  # (unit id, year) whose income per person changed


Saved = list[IndicatorValue | _Stored]  # one assessment's values as saved (_Stored: to be made instances)


def _prepare(checked: _Checked, writes: _Writes, *, user, moment, moment_db, comment: str) -> Saved:
    """The rows one assessment's entries change (an entry equal to what is stored changes
    nothing), their outcomes and their history; returns the assessment's values as saved."""
    assessment, saved = checked.assessment, []
    assessment_id, user_id = assessment.pk, getattr(user, "pk", None)
    subject = subject_for(assessment.unit, year=assessment.year, criteria_set=assessment.criteria_set)
    touched = writes.touched.setdefault(assessment_id, set())
    for indicator, value, entry in checked.parsed:
        current = checked.stored.get(indicator.pk)
        if _unchanged(current, value, entry):
            saved.append(current)
            continue
        note = entry.note if entry.note is not None else (current.note if current else "")
        not_applicable = value is NOT_APPLICABLE
        value = None if not_applicable else value
        old_display, old_note = (_shown(current), current.note) if current else ("", "")
        value_decimal, value_bool = _as_stored(indicator, value)
        outcome = (
            Outcome.NOT_APPLICABLE.value
            if not_applicable
            else indicator_outcome_for(assessment, indicator, value, subject=subject).value
        )
        if current is None:
            created = IndicatorValue(
                assessment=assessment,
                indicator=indicator,
                value_decimal=value_decimal,
                value_bool=value_bool,
                not_applicable=not_applicable,
                outcome=outcome,
                note=note,
                version=1,
                updated_by=user,
                updated_at=moment,
            )
            writes.to_create.append(created)
            saved.append(created)
        else:
            current.value_decimal, current.value_bool = value_decimal, value_bool
            current.not_applicable, current.outcome = not_applicable, outcome
            current.note, current.version = note, current.version + 1
            current.updated_by_id, current.updated_at = user_id, moment
            # In the order of VALUE_FIELDS.
            writes.to_update.append(
                (
                    current.pk,
                    value_decimal,
                    value_bool,
                    not_applicable,
                    outcome,
                    str(note),
                    current.version,
                    user_id,
                    moment_db,
                )
            )
            saved.append(current)
        touched.add(indicator.criterion_id)
        if indicator.code == INCOME_INDICATOR_CODE and assessment.tier != Tier.MODEL:
            writes.income.add((assessment.unit_id, assessment.year))
        writes.history.append(
            HistoryRow(
                assessment_id=assessment_id,
                kind=HistoryKind.VALUE.value,
                indicator_id=indicator.pk,
                criterion_id=None,
                old_value=old_display,
                new_value=NOT_APPLICABLE if not_applicable else canonical(value),
                old_note=old_note if old_note != note else "",
                new_note=str(note) if old_note != note else "",
                old_state="",
                new_state="",
                comment=comment,
                user_id=user_id,
                at=moment_db,
            )
        )
    return saved


def _as_instances(saved: Saved, changed: set[int], user) -> list[IndicatorValue]:
    """The values as saved, as model instances; those written (``changed``: ids) carry their
    writer, as a saved instance would."""
    instances = []
    for value in saved:
        if isinstance(value, _Stored):
            stored, value = value, value.instance()
            if stored.pk in changed:
                value.updated_by = user
        instances.append(value)
    return instances


@transaction.atomic
def assessments_record_values(
    *,
    batches: Iterable[tuple[Assessment, Iterable[ValueEntry]]],
    user,
    at: datetime.datetime | None = None,
    comment: str = "",
    derived: bool = False,
    progress: Callable[[str], None] | None = None,
    returning: bool = True,
    _trusted: bool = False,
) -> list[list[IndicatorValue]] | None:
    """Validate every entry of every assessment, then record them all or none, with
    recomputation and history; returns each assessment's values as saved, in batch order
    (None when not ``returning``: a province's import has no use for ten thousand instances).

    Raises, for the first assessment (in batch order) that has one: ``PermissionDenied``
    outside the user's scope; ``ValidationError`` when it is locked or a summary record, or
    keyed by indicator code listing every bad value; ``StaleWriteError`` when an entry was
    based on an old version. An entry equal to what is stored changes nothing. Indicators the
    portal works out (``Indicator.derived``) are refused unless ``derived`` says the portal
    itself is writing them. ``progress`` hears each step as it starts (``STEP_*``).
    ``_trusted``: only through ``criteria.services.trusted`` (no role check).
    """
    report = progress or (lambda step: None)
    batches = [(assessment, list(entries)) for assessment, entries in batches]
    locked = _lock([assessment.pk for assessment, _entries in batches])
    batches = [(locked[assessment.pk], entries) for assessment, entries in batches]
    for assessment, _entries in batches:
        _check_assessment(assessment, user=user, trusted=_trusted, derived=derived)
    stored = _read_stored(batches)
    checked = [_validate(assessment, entries, stored, derived=derived) for assessment, entries in batches]

    report(STEP_VALUES)
    moment = at or timezone.now()
    writes = _Writes([], [], [], {}, set())
    comment = str(comment)
    moment_db = prepare_datetime(moment)
    saved = [_prepare(c, writes, user=user, moment=moment, moment_db=moment_db, comment=comment) for c in checked]
    IndicatorValue.objects.bulk_create(writes.to_create)
    update_rows(IndicatorValue, VALUE_FIELDS, writes.to_update)
    if writes.history:
        report(STEP_RESULTS)
        touched = [
            (c.assessment, writes.touched[c.assessment.pk]) for c in checked if writes.touched.get(c.assessment.pk)
        ]
        recompute_results(touched, at=moment, user=user, history=writes.history)
    if writes.income:
        report(STEP_DEPENDANTS)
        from criteria.services.derived import refresh_dependants_of  # derived builds on this module

        years: dict[int, list[int]] = defaultdict(list)
        for unit_id, year in sorted(writes.income):
            years[year].append(unit_id)
        for year, units in years.items():
            refresh_dependants_of(units=units, year=year)
    if not returning:
        return None
    changed = {row[0] for row in writes.to_update}
    return [_as_instances(values, changed, user) for values in saved]
