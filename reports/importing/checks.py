"""Check an uploaded template against the database: every error, and what would change.

Checking is in two steps. ``read_values`` parses the file's cells with no regard to the
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

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from communes import access
from communes.models import AdministrativeUnit, Level
from criteria import evaluation
from criteria.models import Assessment, CriteriaSet, Indicator, IndicatorValue, ValueType
from criteria.services import ValueEntry
from criteria.services.in_force import criteria_set_in_force, other_set_refusal
from reports.importing import layout
from reports.importing.reader import CellValue, UploadedTemplate
from reports.importing.template import set_indicators

MSG_FORMULA = gettext_lazy("A formula is not accepted: type the value itself.")
MSG_UNIT_MISSING = gettext_lazy("The unit code is missing.")
MSG_UNKNOWN_UNIT = gettext_lazy("No unit has the code “%(code)s”.")
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
MSG_START_OTHER_SET = gettext_lazy(
    "The set in force for %(year)s is %(set)s. To assess %(unit)s against another set, start its assessment on "
    "its page with a reason, then import its values."
)
MSG_UNKNOWN_INDICATOR = gettext_lazy("Indicator “%(code)s” is not in the criteria set %(set)s.")
MSG_INDICATOR_TWICE = gettext_lazy("Indicator %(code)s has two columns.")
MSG_COLUMN_WITHOUT_CODE = gettext_lazy("This column has values but no indicator code in row %(row)s.")
MSG_NO_INDICATOR_COLUMNS = gettext_lazy("The codes row (row %(row)s) names no indicator of this set.")

Value = Decimal | bool


@dataclass
class ReadRow:
    """One data row of the file: its unit code as typed (None: missing) and its parsed values."""

    row: int
    unit: str | None
    values: list[tuple[int, str, Value]] = field(default_factory=list)  # (column, indicator code, value)
    # Formulas and bad values: reported only once the row's unit passes its checks.
    errors: list[dict] = field(default_factory=list)


@dataclass
class ReadValues:
    """The file's data rows with typed values, and the errors that do not depend on a row's unit."""

    code_column: int
    columns: list[tuple[int, str]] = field(default_factory=list)  # (column, indicator code), in order
    rows: list[ReadRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors and not any(r.errors for r in self.rows)

    def as_json(self) -> dict:
        """The values as ``ImportBatch.checked_values`` keeps them: per row, one value per
        indicator column (null when empty), numbers as text so that none is rounded."""
        if not self.valid:
            raise ValueError("Only values that passed the checks are kept.")
        position = {column: i for i, (column, _code) in enumerate(self.columns)}
        rows = []
        for r in self.rows:
            values: list[bool | str | None] = [None] * len(self.columns)
            for column, _code, value in r.values:
                values[position[column]] = value if isinstance(value, bool) else str(value)
            rows.append([r.row, r.unit, values])
        return {"code_column": self.code_column, "columns": [list(c) for c in self.columns], "rows": rows}

    @classmethod
    def from_json(cls, data: dict) -> ReadValues:
        columns = [(column, code) for column, code in data["columns"]]
        rows = [
            ReadRow(
                row,
                unit,
                [
                    (column, code, value if isinstance(value, bool) else Decimal(value))
                    for (column, code), value in zip(columns, values, strict=True)
                    if value is not None
                ],
            )
            for row, unit, values in data["rows"]
        ]
        return cls(code_column=data["code_column"], columns=columns, rows=rows)


@dataclass
class Plan:
    """What checking found: errors, or the changes that applying would make."""

    errors: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
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
                sorted((c["unit"], c["code"], c["old"], c["new"]) for c in self.changes),
                sorted(s["unit"] for s in self.starts),
            ]
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def preview(self) -> dict:
        return {
            "changes": self.changes,
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


def _error(errors: list[dict], cell_row: int, column: int | str, message) -> None:
    letter = column if isinstance(column, str) else get_column_letter(column)
    errors.append(
        {
            "sheet": layout.DATA_SHEET,
            "row": cell_row,
            "column": letter,
            "cell": f"{letter}{cell_row}",
            "message": str(message),
        }
    )


def _cell_raw(cell: CellValue, indicator: Indicator):
    value = cell.value
    if isinstance(value, str):
        return value.strip()
    if indicator.value_type == ValueType.PERCENT and cell.percent_format and not isinstance(value, bool):
        # Typed as "85%" into a number cell, Excel stores 0.85 formatted as a percentage.
        return Decimal(str(value)) * 100
    return value


def set_indicators_by_code(criteria_set: CriteriaSet) -> dict[str, Indicator]:
    return {i.code: i for i in set_indicators(criteria_set)}


def read_values(
    template: UploadedTemplate, *, criteria_set: CriteriaSet, indicators: dict[str, Indicator] | None = None
) -> ReadValues:
    """Parse every cell of the data rows; what does not depend on the database beyond the set."""
    indicators = indicators if indicators is not None else set_indicators_by_code(criteria_set)
    errors: list[dict] = []

    # The codes row: which column holds which indicator.
    columns: dict[int, Indicator] = {}
    code_column = None
    seen_codes: set[str] = set()
    for column, code in sorted(template.codes.items()):
        if code == layout.UNIT_CODE:
            code_column = column
            continue
        if code in layout.FIXED_COLUMNS:
            continue
        indicator = indicators.get(code)
        if indicator is None:
            _error(
                errors, layout.CODES_ROW, column, MSG_UNKNOWN_INDICATOR % {"code": code, "set": criteria_set.short_name}
            )
        elif code in seen_codes:
            _error(errors, layout.CODES_ROW, column, MSG_INDICATOR_TWICE % {"code": code})
        else:
            seen_codes.add(code)
            columns[column] = indicator
    if code_column is None:
        code_column = 1
    if not columns:
        _error(errors, layout.CODES_ROW, "A", MSG_NO_INDICATOR_COLUMNS % {"row": layout.CODES_ROW})
    fixed_columns = {c for c, code in template.codes.items() if code in layout.FIXED_COLUMNS}
    unnamed_reported: set[int] = set()

    read = ReadValues(code_column=code_column, columns=[(c, i.code) for c, i in sorted(columns.items())], errors=errors)
    kinds = {column: evaluation.ValueType(indicator.value_type) for column, indicator in columns.items()}
    # Most cells repeat a few entries ("Có", "Không", 100): each distinct one is parsed once.
    known: dict[tuple, Value | None] = {}
    for row, cells in template.rows:
        value_cells = {c: cell for c, cell in cells.items() if c not in fixed_columns}
        code_cell = cells.get(code_column)
        if code_cell is None and not value_cells:
            continue
        for column in value_cells:
            if column not in columns and column not in unnamed_reported and column not in template.codes:
                unnamed_reported.add(column)
                _error(errors, row, column, MSG_COLUMN_WITHOUT_CODE % {"row": layout.CODES_ROW})
        read_row = ReadRow(row=row, unit=None if code_cell is None else str(code_cell.value).strip())
        read.rows.append(read_row)
        for column, cell in sorted(value_cells.items()):
            indicator = columns.get(column)
            if indicator is None:
                continue
            if cell.formula:
                _error(read_row.errors, row, column, MSG_FORMULA)
                continue
            raw = _cell_raw(cell, indicator)
            key = (kinds[column], type(raw), raw)  # the type too: True, 1 and 1.0 are equal keys
            if key in known:
                value = known[key]
            else:
                try:
                    value = evaluation.parse_value(raw, kinds[column], indicator=indicator.code)
                except ValidationError as exc:
                    for message in exc.messages:
                        _error(read_row.errors, row, column, message)
                    continue
                known[key] = value
            if value is not None:
                read_row.values.append((column, indicator.code, value))
    return read


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
    stored: dict[tuple[int, int], tuple[Value | None, int]] = {
        (assessment_id, indicator_id): (value_decimal if value_bool is None else value_bool, version)
        for assessment_id, indicator_id, value_decimal, value_bool, version in IndicatorValue.objects.filter(
            assessment__in=[a.pk for a in assessments.values()]
        ).values_list("assessment_id", "indicator_id", "value_decimal", "value_bool", "version")
    }

    # The set in force, read once per province (a file's units share one, unless it is the country's).
    in_force_by_province: dict[str, CriteriaSet | None] = {}

    def in_force_of(target: AdministrativeUnit) -> CriteriaSet | None:
        province = target.path.strip("/").split("/")[0]
        if province not in in_force_by_province:
            in_force_by_province[province] = criteria_set_in_force(unit=target, year=year, tier=criteria_set.tier)
        return in_force_by_province[province]

    rows_of_unit: dict[str, int] = {}
    for read_row in read.rows:
        row, code = read_row.row, read_row.unit
        if code is None:
            _error(plan.errors, row, code_column, MSG_UNIT_MISSING)
            continue
        target = units.get(code)
        if target is None:
            _error(plan.errors, row, code_column, MSG_UNKNOWN_UNIT % {"code": code})
            continue
        if code in rows_of_unit:
            _error(plan.errors, row, code_column, MSG_UNIT_TWICE % {"unit": target.name, "row": rows_of_unit[code]})
            continue
        rows_of_unit[code] = row
        if not target.is_within(unit):
            _error(plan.errors, row, code_column, MSG_UNIT_OUTSIDE % {"unit": target.name, "parent": unit.name})
            continue
        if target.level != criteria_set.level:
            _error(
                plan.errors,
                row,
                code_column,
                MSG_UNIT_LEVEL % {"unit": target.name, "level": criteria_set.get_level_display().lower()},
            )
            continue
        if not access.can_write_unit(user, target):
            _error(plan.errors, row, code_column, MSG_UNIT_READ_ONLY % {"unit": target.name})
            continue
        if target.level == Level.COMMUNE and not target.is_ntm_commune:
            _error(
                plan.errors, row, code_column, MSG_NOT_RURAL % {"unit": target.name, "type": target.get_type_display()}
            )
            continue
        assessment = assessments.get(target.pk)
        if assessment is not None and assessment.criteria_set_id != criteria_set.pk:
            params = {"unit": target.name, "year": year, "set": assessment.criteria_set}
            _error(plan.errors, row, code_column, MSG_OTHER_SET % params)
            continue
        plan.errors.extend(read_row.errors)

        assessment_id = assessment.pk if assessment is not None else None
        entries: list[ValueEntry] = []
        row_changes: list[dict] = []
        for column, indicator_code, value in read_row.values:
            indicator = indicators[indicator_code]
            old, version = stored.get((assessment_id, indicator.pk), (None, 0))
            if old is not None and old == value:
                plan.unchanged += 1
                continue
            entries.append(ValueEntry(code=indicator.code, raw=value, expected_version=version))
            row_changes.append(
                {
                    "unit": target.code,
                    "unit_name": target.name,
                    "code": indicator.code,
                    "indicator": indicator.name,
                    "old": display(indicator, old),
                    "new": display(indicator, value),
                    "cell": f"{get_column_letter(column)}{row}",
                }
            )
        if not entries:
            continue
        if assessment is not None and not assessment.is_editable:
            _error(
                plan.errors,
                row,
                code_column,
                MSG_LOCKED % {"unit": target.name, "state": assessment.get_state_display().lower()},
            )
            continue
        if assessment is None:
            in_force = in_force_of(target)
            if other_set_refusal(unit=target, year=year, criteria_set=criteria_set, reason="", in_force=in_force):
                params = {"year": year, "set": in_force, "unit": target.name}
                _error(plan.errors, row, code_column, MSG_START_OTHER_SET % params)
                continue
            plan.starts.append({"unit": target.code, "unit_name": target.name})
        plan.changes.extend(row_changes)
        plan.groups[target.pk] = (assessment, entries)
        plan.units[target.pk] = target
    plan.errors.sort(key=lambda e: (e["row"], len(e["column"]), e["column"]))
    return plan


def check_template(
    template: UploadedTemplate, *, unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int, user
) -> Plan:
    """Check every cell against the database as it is now; a fixed number of queries."""
    indicators = set_indicators_by_code(criteria_set)
    read = read_values(template, criteria_set=criteria_set, indicators=indicators)
    return check_values(read, unit=unit, criteria_set=criteria_set, year=year, user=user, indicators=indicators)
