"""Check an uploaded template against the database: every error, and what would change.

Every cell is checked: the unit (known, under the template's unit, of the set's level, in
the uploader's writing scope, listed once), the indicator (in the set), the value (type and
range, as ``criteria.evaluation.parse_value`` reads Vietnamese input), no formulas, and the
assessment still editable where something would change. The result is plain data (JSON for
``ImportBatch.errors`` / ``.preview``) plus the entries to record, grouped per assessment.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from communes import access
from communes.models import AdministrativeUnit
from criteria import evaluation
from criteria.models import Assessment, CriteriaSet, Indicator, IndicatorValue, ValueType
from criteria.services import ValueEntry
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
MSG_UNKNOWN_INDICATOR = gettext_lazy("Indicator “%(code)s” is not in the criteria set %(set)s.")
MSG_INDICATOR_TWICE = gettext_lazy("Indicator %(code)s has two columns.")
MSG_COLUMN_WITHOUT_CODE = gettext_lazy("This column has values but no indicator code in row %(row)s.")
MSG_NO_INDICATOR_COLUMNS = gettext_lazy("The codes row (row %(row)s) names no indicator of this set.")


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


def _error(plan: Plan, cell_row: int, column: int | str, message) -> None:
    from openpyxl.utils import get_column_letter

    letter = column if isinstance(column, str) else get_column_letter(column)
    plan.errors.append(
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


def check_template(
    template: UploadedTemplate, *, unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int, user
) -> Plan:
    """Check every cell against the database as it is now; a fixed number of queries."""
    plan = Plan()
    indicators = {i.code: i for i in set_indicators(criteria_set)}

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
                plan, layout.CODES_ROW, column, MSG_UNKNOWN_INDICATOR % {"code": code, "set": criteria_set.short_name}
            )
        elif code in seen_codes:
            _error(plan, layout.CODES_ROW, column, MSG_INDICATOR_TWICE % {"code": code})
        else:
            seen_codes.add(code)
            columns[column] = indicator
    if code_column is None:
        code_column = 1
    if not columns:
        _error(plan, layout.CODES_ROW, "A", MSG_NO_INDICATOR_COLUMNS % {"row": layout.CODES_ROW})
    fixed_columns = {c for c, code in template.codes.items() if code in layout.FIXED_COLUMNS}
    unnamed_reported: set[int] = set()

    codes = {str(cells[code_column].value).strip() for _row, cells in template.rows if code_column in cells}
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=codes).select_related("parent")}
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.filter(
            criteria_set=criteria_set, year=year, unit__in=[u.pk for u in units.values()]
        ).select_related("unit")
    }
    stored: dict[tuple[int, int], tuple[object, int]] = {
        (v.assessment_id, v.indicator_id): (v.value, v.version)
        for v in IndicatorValue.objects.filter(assessment__in=[a.pk for a in assessments.values()]).only(
            "assessment_id", "indicator_id", "value_decimal", "value_bool", "version"
        )
    }

    rows_of_unit: dict[str, int] = {}
    for row, cells in template.rows:
        value_cells = {c: cell for c, cell in cells.items() if c not in fixed_columns}
        code_cell = cells.get(code_column)
        if code_cell is None and not value_cells:
            continue
        plan.rows += 1
        for column in value_cells:
            if column not in columns and column not in unnamed_reported and column not in template.codes:
                unnamed_reported.add(column)
                _error(plan, row, column, MSG_COLUMN_WITHOUT_CODE % {"row": layout.CODES_ROW})
        if code_cell is None:
            _error(plan, row, code_column, MSG_UNIT_MISSING)
            continue
        code = str(code_cell.value).strip()
        target = units.get(code)
        if target is None:
            _error(plan, row, code_column, MSG_UNKNOWN_UNIT % {"code": code})
            continue
        if code in rows_of_unit:
            _error(plan, row, code_column, MSG_UNIT_TWICE % {"unit": target.name, "row": rows_of_unit[code]})
            continue
        rows_of_unit[code] = row
        if not target.is_within(unit):
            _error(plan, row, code_column, MSG_UNIT_OUTSIDE % {"unit": target.name, "parent": unit.name})
            continue
        if target.level != criteria_set.level:
            _error(
                plan,
                row,
                code_column,
                MSG_UNIT_LEVEL % {"unit": target.name, "level": criteria_set.get_level_display().lower()},
            )
            continue
        if not access.can_write_unit(user, target):
            _error(plan, row, code_column, MSG_UNIT_READ_ONLY % {"unit": target.name})
            continue

        assessment = assessments.get(target.pk)
        entries: list[ValueEntry] = []
        row_changes: list[dict] = []
        for column, cell in sorted(value_cells.items()):
            indicator = columns.get(column)
            if indicator is None:
                continue
            if cell.formula:
                _error(plan, row, column, MSG_FORMULA)
                continue
            try:
                value = evaluation.parse_value(
                    _cell_raw(cell, indicator), evaluation.ValueType(indicator.value_type), indicator=indicator.code
                )
            except ValidationError as exc:
                for message in exc.messages:
                    _error(plan, row, column, message)
                continue
            if value is None:
                continue
            old, version = stored.get((assessment.pk, indicator.pk), (None, 0)) if assessment else (None, 0)
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
                    "cell": f"{cell.letter}{row}",
                }
            )
        if not entries:
            continue
        if assessment is not None and not assessment.is_editable:
            _error(
                plan,
                row,
                code_column,
                MSG_LOCKED % {"unit": target.name, "state": assessment.get_state_display().lower()},
            )
            continue
        if assessment is None:
            plan.starts.append({"unit": target.code, "unit_name": target.name})
        plan.changes.extend(row_changes)
        plan.groups[target.pk] = (assessment, entries)
        plan.units[target.pk] = target
    plan.errors.sort(key=lambda e: (e["row"], len(e["column"]), e["column"]))
    return plan
