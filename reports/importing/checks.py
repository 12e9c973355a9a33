"""Check an uploaded template against the database: every error, and what would change.

Checking is in two steps. ``read_values`` (``values_read``) parses the file's cells with no regard to the
database beyond the set's indicators: the codes row, no formulas, each value's type and range
(as ``criteria.evaluation.parse_value`` reads Vietnamese input). ``check_values`` compares
those values with the database as it is now: the unit (known, under the template's unit, of
the set's level, in the uploader's writing scope, listed once) and the assessment, still
editable where something would change. A batch keeps the values it was checked with
(``ImportBatch.checked_values``), so confirming compares them again without reading the file.

The result is plain data (JSON for ``ImportBatch.errors`` / ``.preview``) plus the entries to
record, grouped per assessment.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from openpyxl.utils import get_column_letter

from communes import access
from communes.models import AdministrativeUnit
from communes.people import full_name
from criteria.evaluation import excerpt
from criteria.models import Assessment, CriteriaSet, HistoryEntry, HistoryKind, Indicator, IndicatorValue, ValueType
from criteria.services import ValueEntry
from criteria.services.assessments import MSG_TERRITORY_ASSESSED, START_LIFETIME, assessed_territory
from criteria.services.in_force import criteria_set_in_force, other_set_refusal
from criteria.services.recording import NOT_APPLICABLE, PLAUSIBLE_TYPES, check_plausible_for
from criteria.structure import set_structure
from criteria.targets import subject_for
from criteria.years import year_outside_lifetime
from ntm_portal.numbers import as_typed
from reports.importing import layout
from reports.importing.reader import UploadedTemplate
from reports.importing.values_read import (
    ReadRow,
    ReadValues,
    Value,
    add_error,
    read_values,
    reason,
    set_indicators_by_code,
    shown,
)
from reports.xlsx import VIETNAM

MSG_UNIT_MISSING = gettext_lazy("The unit code is missing.")
# A code that names no unit and one outside what the uploader may read are refused alike (the
# access rule: a unit outside the user's area is not revealed, neither its name nor that it exists).
MSG_UNKNOWN_UNIT = gettext_lazy("No unit of %(parent)s has the code “%(code)s”.")
MSG_UNIT_OUTSIDE = gettext_lazy("%(unit)s is not inside %(parent)s.")
MSG_UNIT_LEVEL = gettext_lazy("%(unit)s is not a unit of the level this criteria set is for (%(level)s).")
MSG_UNIT_TWICE = gettext_lazy("%(unit)s is listed twice (also on row %(row)s).")
MSG_UNIT_READ_ONLY = gettext_lazy("You may not change the data of %(unit)s.")
MSG_LOCKED = gettext_lazy("The assessment of %(unit)s is %(state)s and can no longer be edited.")
MSG_OTHER_SET = gettext_lazy(
    "%(unit)s already has its %(year)s assessment at this tier, against %(set)s: one assessment per unit, tier "
    "and year. Download the template for that set."
)
MSG_NOT_RURAL = gettext_lazy(
    "%(unit)s is a %(type)s: only rural communes (xã) are assessed against the NTM commune sets."
)
MSG_VILLAGE_NOT_RURAL = gettext_lazy(
    "%(unit)s belongs to %(commune)s, a %(type)s: only the villages of rural communes (xã) are assessed against "
    "the NTM village sets."
)
MSG_START_OTHER_SET = gettext_lazy(
    "The set in force for %(year)s is %(set)s. To assess %(unit)s against another set, start its assessment on "
    "its page with a reason, then import its values."
)
# A cell of a template older than the value it would overwrite (DESIGN: a stale write is refused).
MSG_STALE_CELL = gettext_lazy(
    "The value of %(code)s for %(unit)s was changed to %(value)s by %(user)s at %(at)s, after the template was "
    "downloaded (%(generated)s): the file has %(file)s. Download a new template, or write %(value)s again to keep "
    "that value."
)
# The same when the value is now empty or "not applicable", which a file cannot write: an empty
# cell keeps what is stored.
MSG_STALE_CELL_EMPTY = gettext_lazy(
    "The value of %(code)s for %(unit)s was changed to %(value)s by %(user)s at %(at)s, after the template was "
    "downloaded (%(generated)s): the file has %(file)s. Download a new template, or empty the cell to keep that "
    "value."
)
MSG_BY_THE_PORTAL = gettext_lazy("the portal")
MSG_EMPTY = gettext_lazy("(empty)")


class Change(NamedTuple):
    """A value applying would change, as the preview lists it (a province's file has ten
    thousand: plain tuples, kept as lists in ``ImportBatch.preview``, the names once aside)."""

    unit: str  # the unit's code
    code: str  # the indicator's code
    old: str
    new: str
    cell: str


@dataclass
class Plan:
    """What checking found: errors, or the changes that applying would make."""

    errors: list[dict] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    # The names the changes show, each once: unit code → name, indicator code → name.
    unit_names: dict[str, str] = field(default_factory=dict)
    indicator_names: dict[str, str] = field(default_factory=dict)
    starts: list[dict] = field(default_factory=list)  # units whose assessment will be started
    unchanged: int = 0
    rows: int = 0
    # Per unit id: the assessment (None: to be started) and the entries to record.
    groups: dict[int, tuple[Assessment | None, list[ValueEntry]]] = field(default_factory=dict)
    units: dict[int, AdministrativeUnit] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """Identifies the change set: a confirmation applies only what the preview showed."""
        payload = json.dumps(
            [
                sorted((c.unit, c.code, c.old, c.new) for c in self.changes),
                sorted(s["unit"] for s in self.starts),
            ]
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def preview(self) -> dict:
        """The preview as kept (``ImportBatch.preview``; ``ImportBatch.changes`` gives each
        change with its names)."""
        return {
            "changes": [list(c) for c in self.changes],
            "names": {"units": self.unit_names, "indicators": self.indicator_names},
            "starts": self.starts,
            "unchanged": self.unchanged,
            "rows": self.rows,
            "units": len(self.groups),
            "fingerprint": self.fingerprint,
        }


def display(indicator: Indicator, value) -> str:
    """A value as the preview shows it (language-neutral numbers, Có/Không)."""
    if value is None:
        return ""
    if indicator.value_type == ValueType.YES_NO:
        return layout.YES if value else layout.NO
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@dataclass
class _Database:
    """What the file's rows are compared with, read in a fixed number of queries."""

    units: dict[str, AdministrativeUnit]  # by code
    assessments: dict[int, Assessment]  # unit id -> its assessment at the set's tier and year
    # (assessment, indicator) -> value, version, when it was last written
    stored: dict[tuple[int, int], tuple[Value | None, int, datetime.datetime]]
    territory: dict[int, Assessment]  # unit id (none yet) -> the assessment of a unit it was formed from or into


def _read_database(read: ReadValues, criteria_set: CriteriaSet, year: int) -> _Database:
    codes = {r.unit for r in read.rows if r.unit is not None}
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=codes).select_related("parent")}
    # The one assessment of each unit at the set's tier and year, whichever set it is against.
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.filter(
            tier=criteria_set.tier, year=year, unit__in=[u.pk for u in units.values()]
        ).select_related("unit", "criteria_set")
    }
    # Plain tuples, not model instances: a province's file holds some ten thousand values.
    stored = {
        (assessment_id, indicator_id): (value_decimal if value_bool is None else value_bool, version, updated_at)
        for assessment_id, indicator_id, value_decimal, value_bool, version, updated_at in IndicatorValue.objects.filter(
            assessment__in=[a.pk for a in assessments.values()]
        ).values_list("assessment_id", "indicator_id", "value_decimal", "value_bool", "version", "updated_at")
    }
    unassessed = [u.pk for u in units.values() if u.pk not in assessments]
    territory = {
        unit_id: assessment
        for (unit_id, _tier), assessment in assessed_territory(unassessed, year=year, tiers=[criteria_set.tier]).items()
    }
    return _Database(units, assessments, stored, territory)


def _row_target(code: str | None, database: _Database, rows_of_unit: dict[str, int], *, unit, user):
    """The unit a row names, or why there is none: no code, an unknown code (or one the uploader
    may not read), a unit named twice."""
    if code is None:
        return None, MSG_UNIT_MISSING
    target = database.units.get(code)
    if target is None or not access.can_read_unit(user, target):
        return None, reason(MSG_UNKNOWN_UNIT, code=excerpt(code), parent=unit.name)
    if code in rows_of_unit:
        return None, reason(MSG_UNIT_TWICE, unit=target.name, row=rows_of_unit[code])
    return target, None


def _scope_refusal(target: AdministrativeUnit, *, unit, user):
    """Why the uploader cannot write to the row's unit through this file, or None."""
    if not target.is_within(unit):
        return reason(MSG_UNIT_OUTSIDE, unit=target.name, parent=unit.name)
    if not access.can_write_unit(user, target):
        return reason(MSG_UNIT_READ_ONLY, unit=target.name)
    return None


def _set_refusal(target: AdministrativeUnit, assessment, *, criteria_set, year: int):
    """Why ``criteria_set`` cannot assess the row's unit in ``year``, or None: the rule of which
    units a set can assess (``AdministrativeUnit.assessable_refusal``, the one the template's rows
    follow), then one assessment per unit, tier and year."""
    refusal = target.assessable_refusal(criteria_set.level, year)
    if refusal == "level":
        level = shown(lambda: criteria_set.get_level_display().lower())
        return reason(MSG_UNIT_LEVEL, unit=target.name, level=level)
    if refusal == "year":  # as starting the assessment on its page says it, with the date
        outside = year_outside_lifetime(target, year, START_LIFETIME)
        return reason(outside.message, **outside.params)
    if refusal == "not_rural":
        return reason(MSG_NOT_RURAL, unit=target.name, type=shown(target.get_type_display))
    if refusal == "not_rural_village":
        parent = target.parent
        return reason(MSG_VILLAGE_NOT_RURAL, unit=target.name, commune=parent.name, type=shown(parent.get_type_display))
    if assessment is not None and assessment.criteria_set_id != criteria_set.pk:
        return reason(MSG_OTHER_SET, unit=target.name, year=year, set=assessment.criteria_set)
    return None


class _Written(NamedTuple):
    """A cell that would overwrite a value written after the file's template was made: stale
    unless that value is, after all, the one the template held (``_stale_cells``)."""

    row: int
    column: int
    unit: AdministrativeUnit
    indicator: Indicator
    assessment_id: int
    value: Value


def _row_changes(
    read_row: ReadRow,
    target,
    assessment,
    database: _Database,
    indicators,
    plan: Plan,
    *,
    year,
    criteria_set,
    structure,
    read: ReadValues,
):
    """The row's values that differ from what is stored: entries to record, preview lines, and
    those of them whose stored value was written after the file's template was made; a value
    recording would refuse as implausible (``check_plausible_for``) is an error at its cell."""
    assessment_id = assessment.pk if assessment is not None else None
    entries: list[ValueEntry] = []
    changes: list[Change] = []
    written: list[_Written] = []
    subject = None
    for column, indicator_code, value in read_row.values:
        indicator = indicators[indicator_code]
        old, version, updated_at = database.stored.get((assessment_id, indicator.pk), (None, 0, None))
        if old is not None and old == value:
            plan.unchanged += 1
            continue
        if indicator.value_type in PLAUSIBLE_TYPES:  # as recording will: a thousand times the target
            subject = subject or subject_for(target, year=year, criteria_set=criteria_set)
            try:  # the set's structure holds each indicator's targets (kept per process: no query)
                check_plausible_for(structure[indicator.code], value, subject)
            except ValidationError as exc:
                for error in exc.error_list:
                    add_error(plan.errors, read_row.row, column, reason(error.message, **error.params))
                continue
        if updated_at is not None and read.changed_since(updated_at):
            written.append(_Written(read_row.row, column, target, indicator, assessment_id, value))
        entries.append(ValueEntry(code=indicator.code, raw=value, expected_version=version))
        cell = f"{get_column_letter(column)}{read_row.row}"
        changes.append(Change(target.code, indicator.code, display(indicator, old), display(indicator, value), cell))
        plan.indicator_names[indicator.code] = indicator.name
    return entries, changes, written


def check_values(
    read: ReadValues,
    *,
    unit: AdministrativeUnit,
    criteria_set: CriteriaSet,
    year: int,
    user,
    indicators: dict[str, Indicator] | None = None,
) -> Plan:
    """Compare the values read from the file with the database as it is now; a fixed number of queries."""
    indicators = indicators if indicators is not None else set_indicators_by_code(criteria_set)
    plan = Plan(errors=list(read.errors), rows=len(read.rows))
    code_column = read.code_column
    database = _read_database(read, criteria_set, year)
    # The set in force, read once per province (a file's units share one, unless it is the country's).
    in_force_by_province: dict[str, CriteriaSet | None] = {}

    def in_force_of(target: AdministrativeUnit) -> CriteriaSet | None:
        province = target.province_code
        if province not in in_force_by_province:
            in_force_by_province[province] = criteria_set_in_force(unit=target, year=year, tier=criteria_set.tier)
        return in_force_by_province[province]

    # The set's indicators with their targets (kept per process: no query), for check_plausible_for.
    structure = {i.code: i for i in set_structure(criteria_set).indicators}
    rows_of_unit: dict[str, int] = {}
    written: list[_Written] = []
    for read_row in read.rows:
        row, code = read_row.row, read_row.unit
        target, refusal = _row_target(code, database, rows_of_unit, unit=unit, user=user)
        if refusal:
            add_error(plan.errors, row, code_column, refusal)
            continue
        rows_of_unit[code] = row
        assessment = database.assessments.get(target.pk)
        refusal = _scope_refusal(target, unit=unit, user=user)
        if refusal is None:
            refusal = _set_refusal(target, assessment, criteria_set=criteria_set, year=year)
            if refusal is not None and not read_row.values and not read_row.errors:
                # A row with no input for a unit the set cannot assess (a ward, a commune of
                # another year, one assessed against another set) asks for nothing: skipped.
                continue
        if refusal is not None:
            add_error(plan.errors, row, code_column, refusal)
            continue
        plan.errors.extend(read_row.errors)
        entries, changes, row_written = _row_changes(
            read_row,
            target,
            assessment,
            database,
            indicators,
            plan,
            year=year,
            criteria_set=criteria_set,
            structure=structure,
            read=read,
        )
        if not entries:
            continue
        if assessment is not None and not assessment.is_editable:
            state = shown(lambda a=assessment: a.get_state_display().lower())
            # At the first cell that would change it (QA: at the unit's code, the office looked for
            # what it had typed).
            first_changed = changes[0].cell.rstrip("0123456789") if changes else code_column
            add_error(plan.errors, row, first_changed, reason(MSG_LOCKED, unit=target.name, state=state))
            continue
        if assessment is None and (other := database.territory.get(target.pk)) is not None:
            tier = shown(lambda a=other: a.get_tier_display().lower())
            refusal = reason(MSG_TERRITORY_ASSESSED, other=other.unit.name, unit=target.name, year=year, tier=tier)
            add_error(plan.errors, row, code_column, refusal)
            continue
        if assessment is None:
            in_force = in_force_of(target)
            if other_set_refusal(unit=target, year=year, criteria_set=criteria_set, reason="", in_force=in_force):
                add_error(
                    plan.errors,
                    row,
                    code_column,
                    reason(MSG_START_OTHER_SET, year=year, set=in_force, unit=target.name),
                )
                continue
            plan.starts.append({"unit": target.code, "unit_name": target.name})
        plan.changes.extend(changes)
        written.extend(row_written)
        plan.unit_names[target.code] = target.name
        plan.groups[target.pk] = (assessment, entries)
        plan.units[target.pk] = target
    _stale_cells(written, read, plan)
    plan.errors.sort(key=lambda e: (e["row"], len(e["column"]), e["column"]))
    return plan


def _stale_cells(written: list[_Written], read: ReadValues, plan: Plan) -> None:
    """An error at each cell whose value was changed after the file's template was made: the file
    predates that change, and applying it would undo it unseen (DESIGN: a stale write is refused,
    never applied silently). Which changes, who made them and when are read from the history in
    one query, only when some value was written since the template (none, usually). A value changed
    and changed back, or whose note alone changed, is the one the template held: not stale."""
    if not written:
        return
    wanted = {(w.assessment_id, w.indicator.pk) for w in written}
    since: dict[tuple[int, int], list[HistoryEntry]] = defaultdict(list)
    history = (
        HistoryEntry.objects.filter(
            kind=HistoryKind.VALUE,
            assessment__in={a for a, _i in wanted},
            indicator__in={i for _a, i in wanted},
            at__gte=read.generated_at,
        )
        .select_related("user")
        .only("assessment_id", "indicator_id", "old_value", "new_value", "at", *_USER_NAME)
        .order_by("at", "pk")
    )
    for entry in history:
        key = (entry.assessment_id, entry.indicator_id)
        if key in wanted and read.changed_since(entry.at):
            since[key].append(entry)
    generated = read.generated_at.astimezone(VIETNAM)
    for cell in written:
        entries = since.get((cell.assessment_id, cell.indicator.pk))
        if not entries or entries[0].old_value == entries[-1].new_value:
            continue
        last = entries[-1]
        at = last.at.astimezone(VIETNAM)
        now_empty = last.new_value in ("", NOT_APPLICABLE)
        params = {
            "code": cell.indicator.code,
            "unit": cell.unit.name,
            "value": _history_shown(cell.indicator, last.new_value),
            "user": full_name(last.user) if last.user_id else MSG_BY_THE_PORTAL,
            "at": f"{at:%H:%M %d/%m/%Y}",
            "generated": f"{generated:%H:%M}" if generated.date() == at.date() else f"{generated:%H:%M %d/%m/%Y}",
            "file": _file_shown(cell.value),
        }
        add_error(
            plan.errors, cell.row, cell.column, reason(MSG_STALE_CELL_EMPTY if now_empty else MSG_STALE_CELL, **params)
        )


_USER_NAME = ("user__first_name", "user__last_name", "user__username")


def _history_shown(indicator: Indicator, canonical: str):
    """A value as history keeps it ("yes", "85.5", "n/a"), as the file would hold it."""
    if canonical == NOT_APPLICABLE:
        return shown(lambda: gettext("Not applicable"))
    if canonical == "":
        return MSG_EMPTY
    if indicator.value_type == ValueType.YES_NO:
        return layout.YES if canonical == "yes" else layout.NO
    return as_typed(Decimal(canonical))


def _file_shown(value: Value) -> str:
    if isinstance(value, bool):
        return layout.YES if value else layout.NO
    return as_typed(value)


def check_template(
    template: UploadedTemplate, *, unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int, user
) -> Plan:
    """Check every cell against the database as it is now; a fixed number of queries."""
    indicators = set_indicators_by_code(criteria_set)
    read = read_values(template, criteria_set=criteria_set, indicators=indicators)
    return check_values(read, unit=unit, criteria_set=criteria_set, year=year, user=user, indicators=indicators)
