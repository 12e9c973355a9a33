"""Check the criteria-level sheet's rows against the database: every error, and what would be
recorded.

Each row's unit is checked as in the values sheet (known, under the template's unit, a rural
commune the uploader may write, listed once per year and tier); its set is the code given or
the set in force, usable for the year and of the row's tier; and the report itself is checked
by ``criteria.services.summary.summary_errors`` — the rule the page and the API use, including
"another set than the one in force needs a reason" — with each refusal shown at its cell, on
every row. A unit's year that already holds the same summary record in every field is left as
it is. An import never changes a recorded summary record (its correction is the sheet's
“Correct the summary record”, ``criteria.services.summary_correction``, with one history entry
per field; a record no longer editable keeps its report's standing), so a row that differs from
it is refused at each cell that differs, naming what is recorded, with a link to the record and
how to correct it (``how_to_correct``); any other assessment of that unit, tier and year is an
error (one per unit, tier and year).

Queries are bounded by the distinct sets and years in the file, not by its rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from communes import access
from communes.models import AdministrativeUnit, Level
from criteria.models import Assessment, CriteriaSet, CriterionResult, HistoryEntry, HistoryKind, Tier
from criteria.services.in_force import criteria_set_in_force, province_of, usable_for, version_in_force
from criteria.services.summary import SUMMARY_LIFETIME, Reported, recorded_with_reason, summary_errors
from criteria.services.summary_correction import how_to_correct
from criteria.years import year_outside_lifetime
from reports.importing import layout
from reports.importing.checks import (
    MSG_NOT_RURAL,
    MSG_UNIT_MISSING,
    MSG_UNIT_OUTSIDE,
    MSG_UNIT_READ_ONLY,
    MSG_UNKNOWN_UNIT,
)
from reports.importing.summary_read import SummaryRead, SummaryRow
from reports.importing.summary_template import numbers_text
from reports.importing.values_read import add_error, reason, shown

MSG_TWICE = _("%(unit)s has two rows for %(year)s at this tier (also row %(row)s).")
MSG_NOT_COMMUNE = _("%(unit)s is not a commune: the criteria-level sheet holds communes.")
MSG_YEAR_MISSING = _("The year is missing.")
MSG_TIER_MISSING = _("The tier is missing.")
MSG_UNKNOWN_SET = _("No published criteria set has the code “%(code)s” here.")
MSG_NO_SET = _("No published %(tier)s criteria set applies in %(year)s: give the set's code.")
MSG_SET_TIER = _("The set %(set)s is of another tier.")
MSG_SET_LEVEL = _("The set %(set)s is not for communes.")
MSG_SET_YEARS = _("The set %(set)s applies to %(years)s, not %(year)s.")
MSG_TAKEN = _(
    "%(unit)s already has its %(year)s assessment at this tier (against %(set)s): one per unit, tier and year."
)
MSG_RECORDED_DIFFERS = _(
    "%(unit)s already has its summary record of %(year)s at this tier (from %(source)s), and an import does not "
    "change a recorded summary record: this row differs from it in %(fields)s. Put back what is recorded, or "
    "empty the row's criteria, count and document cells to leave the row out."
)
MSG_RECORDED_AS = _("The summary record holds %(value)s here.")
MSG_RECORDED_NOTHING = _("The summary record holds nothing here.")
MSG_RECORDED_REASON = _(
    "The summary record was started with another reason, or none: a reason is asked only to start a record "
    "against another set than the one in force. Empty this cell."
)
# The fields a row may differ in from the recorded summary record, named in MSG_RECORDED_DIFFERS.
FIELD_NAMES = {
    layout.SET_CODE: _("the set"),
    layout.MET: _("the criteria met"),
    layout.BASICALLY_MET: _("the criteria basically met"),
    layout.SOURCE_NUMBER: _("the document's number"),
    layout.SOURCE_DATE: _("the document's date"),
    layout.REASON: _("the reason"),
}
MSG_MET = _("met %(met)s/%(total)s")
MSG_BASIC = _("basically met: %(numbers)s")
# The service's fields, and the sheet's columns that show their refusals.
FIELD_COLUMNS = {
    "year": layout.YEAR,
    "met": layout.MET,
    "basically_met": layout.BASICALLY_MET,
    "count": layout.COUNT,
    "source_number": layout.SOURCE_NUMBER,
    "source_date": layout.SOURCE_DATE,
    "reason": layout.REASON,
}


@dataclass
class Entry:
    """One summary record to write."""

    unit: AdministrativeUnit
    criteria_set: CriteriaSet
    row: SummaryRow


@dataclass
class SummaryPlan:
    errors: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0

    @property
    def fingerprint(self) -> str:
        payload = json.dumps(sorted((c["unit"], c["code"], c["indicator"], c["new"]) for c in self.changes))
        return hashlib.sha256(payload.encode()).hexdigest()

    def preview(self) -> dict:
        return {
            "changes": self.changes,
            "starts": [],
            "unchanged": self.unchanged,
            "rows": self.rows,
            "units": len({e.unit.pk for e in self.entries}),
            "fingerprint": self.fingerprint,
        }


class _Lookups:
    """What the rows need from the database, read once per distinct unit, set, tier and year."""

    def __init__(self, read: SummaryRead, unit: AdministrativeUnit) -> None:
        codes = {r.unit for r in read.rows if r.unit}
        self.units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=codes).select_related("parent")}
        province = province_of(unit) if unit.level != Level.PROVINCE else unit
        issuers = Q(issuer__isnull=True) | (Q(issuer=province) if province is not None else Q(pk__in=[]))
        self.sets: dict[str, CriteriaSet] = {}
        set_codes = {r.set_code for r in read.rows if r.set_code}
        for s in CriteriaSet.objects.published().filter(issuers, code__in=set_codes).order_by("code", "version"):
            self.sets[s.code] = s  # the latest version of each code (``version_of`` picks the year's)
        years = {r.year for r in read.rows if r.year}
        self.taken = {
            (a.unit_id, a.tier, a.year): a
            for a in Assessment.objects.filter(unit__in=[u.pk for u in self.units.values()], year__in=years)
            .select_related("criteria_set")
            .only(
                "unit_id",
                "tier",
                "year",
                "summary",
                "state",
                "merged_into",
                "source_number",
                "source_date",
                "criteria_set__code",
            )
        }
        self.marks: dict[int, tuple[list[int], list[int]]] = {}
        summaries = [a.pk for a in self.taken.values() if a.summary]
        for assessment_id, number, met, basic in CriterionResult.objects.filter(assessment__in=summaries).values_list(
            "assessment_id", "criterion__number", "met", "basically_met"
        ):
            met_list, basic_list = self.marks.setdefault(assessment_id, ([], []))
            (met_list if met else basic_list if basic else []).append(number)
        # How each record was started (its reason is kept there), read only when a row gives one.
        self.started: dict[int, str] = {}
        if summaries and any(r.reason for r in read.rows):
            self.started = dict(
                HistoryEntry.objects.filter(assessment__in=summaries, kind=HistoryKind.CREATED).values_list(
                    "assessment_id", "comment"
                )
            )
        self._in_force: dict[tuple, CriteriaSet | None] = {}
        self._versions: dict[tuple, CriteriaSet | None] = {}
        self._known: dict[int, set[int]] = {}
        self._usable: dict[tuple, bool] = {}

    def in_force(self, unit: AdministrativeUnit, year: int, tier: str) -> CriteriaSet | None:
        key = (unit.province_code, year, tier)
        if key not in self._in_force:
            self._in_force[key] = criteria_set_in_force(unit=unit, year=year, tier=tier)
        return self._in_force[key]

    def version_of(self, code: str, unit: AdministrativeUnit, year: int, tier: str) -> CriteriaSet | None:
        """The version of the set ``code`` the row means for its year (``version_in_force``: a later
        version only from the year it takes effect); the latest version when none applies that
        year, for the checks to say why (level, tier, years). None: no published set has the code."""
        latest = self.sets.get(code)
        if latest is None:
            return None
        key = (unit.province_code, code, year, tier)
        if key not in self._versions:
            in_force = self.in_force(unit, year, tier)
            found = version_in_force(code=code, unit=unit, year=year, tier=tier, in_force=in_force)
            self._versions[key] = found or latest
        return self._versions[key]

    def known(self, criteria_set: CriteriaSet) -> set[int]:
        if criteria_set.pk not in self._known:
            self._known[criteria_set.pk] = set(criteria_set.criteria.values_list("number", flat=True))
        return self._known[criteria_set.pk]

    def usable(self, unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int) -> bool:
        key = (unit.province_code, criteria_set.pk, year)
        if key not in self._usable:
            self._usable[key] = usable_for(unit=unit, criteria_set=criteria_set, year=year)
        return self._usable[key]


def _unit_error(row: SummaryRow, target, unit: AdministrativeUnit, user):
    """Why the row's unit cannot take a summary record from this upload, or None."""
    if row.unit is None:
        return MSG_UNIT_MISSING
    if target is None or not access.can_read_unit(user, target):
        return reason(MSG_UNKNOWN_UNIT, code=row.unit, parent=unit.name)
    if not target.is_within(unit):
        return reason(MSG_UNIT_OUTSIDE, unit=target.name, parent=unit.name)
    if target.level != Level.COMMUNE:
        return reason(MSG_NOT_COMMUNE, unit=target.name)
    if not access.can_write_unit(user, target):
        return reason(MSG_UNIT_READ_ONLY, unit=target.name)
    if not target.is_ntm_commune:
        return reason(MSG_NOT_RURAL, unit=target.name, type=shown(target.get_type_display))
    if row.year is not None and not target.existed_in_year(row.year):
        # As a summary record on its page says it (``summary_errors``), with the date; confirming
        # was refused every time, with nothing at the row.
        outside = year_outside_lifetime(target, row.year, SUMMARY_LIFETIME)
        return reason(outside.message, **outside.params)
    return None


def _worded(error: ValidationError):
    """A refusal's messages, worded when shown."""
    parts = [reason(e.message, **(e.params or {})) for e in error.error_list]
    return shown(lambda: " ".join(str(part) for part in parts))


def _set_for(row: SummaryRow, target, found: _Lookups, at) -> CriteriaSet | None:
    """The row's set (its code, or the set in force), or None with the error noted at its cell."""
    if row.set_code:
        criteria_set = found.version_of(row.set_code, target, row.year, row.tier)
        if criteria_set is None:
            add_error(row.errors, row.row, at(layout.SET_CODE), reason(MSG_UNKNOWN_SET, code=row.set_code))
            return None
    else:
        criteria_set = found.in_force(target, row.year, row.tier)
        if criteria_set is None:
            tier = shown(lambda: str(Tier(row.tier).label).lower())
            add_error(row.errors, row.row, at(layout.SET_CODE), reason(MSG_NO_SET, tier=tier, year=row.year))
            return None
    if criteria_set.level != Level.COMMUNE:
        add_error(row.errors, row.row, at(layout.SET_CODE), reason(MSG_SET_LEVEL, set=criteria_set))
    elif criteria_set.tier != row.tier:
        add_error(row.errors, row.row, at(layout.TIER), reason(MSG_SET_TIER, set=criteria_set))
    elif not found.usable(target, criteria_set, row.year):
        params = {"set": criteria_set, "years": criteria_set.years_in_words, "year": row.year}
        add_error(row.errors, row.row, at(layout.YEAR), reason(MSG_SET_YEARS, **params))
    else:
        return criteria_set
    return None


def _quoted(value: str) -> str:
    return f"“{value}”"


def _differences(found: _Lookups, existing: Assessment, criteria_set: CriteriaSet, row: SummaryRow) -> dict:
    """The row's cells that differ from the recorded summary record: column → what is recorded
    (as the template writes it, "" for nothing; None for the reason, which is not shown back)."""
    met, basic = found.marks.get(existing.pk, ([], []))
    recorded = {
        layout.SET_CODE: (existing.criteria_set_id == criteria_set.pk, existing.criteria_set.code),
        layout.MET: (sorted(met) == sorted(row.met), numbers_text(met)),
        layout.BASICALLY_MET: (sorted(basic) == sorted(row.basically_met), numbers_text(basic)),
        layout.SOURCE_NUMBER: (existing.source_number == row.source_number, existing.source_number),
        layout.SOURCE_DATE: (
            existing.source_date == row.day,
            f"{existing.source_date:%d/%m/%Y}" if existing.source_date else "",
        ),
        # The template hands the reason out empty: only one given is compared, with the start's.
        layout.REASON: (
            not row.reason or recorded_with_reason(found.started.get(existing.pk, ""), row.reason),
            None,
        ),
    }
    return {column: value for column, (same, value) in recorded.items() if not same}


def _check_recorded(row: SummaryRow, plan: SummaryPlan, existing: Assessment, criteria_set, context) -> bool:
    """Compare the row with the unit's assessment of the year and tier; True when it is the very
    summary record recorded (the file sent back unchanged)."""
    found, target, at = context
    if not existing.summary:
        params = {"unit": target.name, "year": row.year, "set": existing.criteria_set}
        add_error(plan.errors, row.row, at(layout.YEAR), reason(MSG_TAKEN, **params))
        return False
    differences = _differences(found, existing, criteria_set, row)
    if not differences:
        return True
    fields = [FIELD_NAMES[column] for column in differences]
    params = {
        "unit": target.name,
        "year": row.year,
        "source": existing.source_number,
        "fields": shown(lambda: ", ".join(str(f) for f in fields)),
    }
    message = reason(MSG_RECORDED_DIFFERS, **params)
    # How to correct the record itself (the sheet's correction), or why it cannot be: said as the page says it.
    worded = shown(lambda: f"{message} {how_to_correct(existing)}")
    link = reverse("assessment", args=[existing.pk])
    add_error(plan.errors, row.row, at(layout.UNIT_CODE), worded, link=link)
    for column, value in differences.items():
        if column == layout.REASON:
            text = MSG_RECORDED_REASON
        elif value:
            text = reason(MSG_RECORDED_AS, value=_quoted(value))
        else:
            text = MSG_RECORDED_NOTHING
        add_error(plan.errors, row.row, at(column), text)
    return False


def _check_row(row: SummaryRow, plan: SummaryPlan, found: _Lookups, seen: dict, context) -> None:
    unit, user, columns = context
    at = columns.__getitem__
    target = found.units.get(row.unit) if row.unit else None
    if message := _unit_error(row, target, unit, user):
        add_error(plan.errors, row.row, at(layout.UNIT_CODE), message)
        return
    if not row.errors and row.year is None:
        add_error(row.errors, row.row, at(layout.YEAR), MSG_YEAR_MISSING)
    if not row.errors and not row.tier:
        add_error(row.errors, row.row, at(layout.TIER), MSG_TIER_MISSING)
    if row.errors:  # cells that could not be read, reported once the unit passed
        plan.errors.extend(row.errors)
        return
    key = (target.pk, row.tier, row.year)
    if key in seen:
        params = {"unit": target.name, "year": row.year, "row": seen[key]}
        add_error(plan.errors, row.row, at(layout.UNIT_CODE), reason(MSG_TWICE, **params))
        return
    seen[key] = row.row
    criteria_set = _set_for(row, target, found, at)
    if criteria_set is None:
        plan.errors.extend(row.errors)
        return
    existing = found.taken.get(key)
    reported = Reported(
        frozenset(row.met), frozenset(row.basically_met), row.count, row.source_number, row.day, row.reason
    )
    # The row's own checks come first, on every row, each at its cell. A row of a unit's year
    # already assessed starts nothing: the set in force, whose rule asks a reason to start against
    # another set, is no question for it (the record was started already).
    refusals = summary_errors(
        unit=target,
        criteria_set=criteria_set,
        year=row.year,
        reported=reported,
        known=found.known(criteria_set),
        in_force=None if existing is not None else found.in_force(target, row.year, row.tier),
    )
    for name, errors in refusals.items():
        for error in errors:
            add_error(plan.errors, row.row, at(FIELD_COLUMNS.get(name, layout.UNIT_CODE)), _worded(error))
    if existing is not None:
        if _check_recorded(row, plan, existing, criteria_set, (found, target, at)) and not refusals:
            plan.unchanged += 1
        return
    if refusals:
        return
    total = len(found.known(criteria_set))
    new = str(MSG_MET % {"met": len(row.met), "total": total})
    if row.basically_met:
        new += "; " + str(MSG_BASIC % {"numbers": numbers_text(row.basically_met)})
    plan.changes.append(
        {
            "unit": target.code,
            "unit_name": target.name,
            "code": str(row.year),
            "indicator": f"{criteria_set} · {row.source_number}",
            "old": "",
            "new": new,
            "cell": f"{get_column_letter(at(layout.UNIT_CODE))}{row.row}",
        }
    )
    plan.entries.append(Entry(unit=target, criteria_set=criteria_set, row=row))


def check_summary(read: SummaryRead, *, unit: AdministrativeUnit, user) -> SummaryPlan:
    """Compare the rows read from the file with the database as it is now."""
    plan = SummaryPlan(errors=list(read.errors), rows=len(read.rows))
    if read.errors and not read.columns:
        return plan
    found = _Lookups(read, unit)
    seen: dict[tuple, int] = {}
    for row in read.rows:
        _check_row(row, plan, found, seen, (unit, user, read.columns))
    plan.errors.sort(key=lambda e: (e["row"], len(e["column"]), e["column"]))
    return plan
