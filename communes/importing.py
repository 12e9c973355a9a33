"""Load or update administrative units from a CSV file, all or nothing.

The file is UTF-8 (a BOM, as Excel writes it, is fine) with the header
``code,name,level,type,parent_code,region,group,valid_from,valid_to``. Every row is checked
against the file itself and the units already stored; every problem is reported with its line
number, and if there is even one, nothing is written. A file imported twice changes nothing
the second time. The ``group`` column is read for new communes only: a stored commune's group
changes with its legal basis on its commune-group page.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from communes.models import (
    CODE_PATTERN,
    DEFAULT_TYPE,
    PARENT_LEVELS,
    AdministrativeUnit,
    CommuneGroup,
    Level,
    Region,
    inherited_region,
)
from communes.text import fold
from communes.unit_types import type_for

NAME_MAX_LENGTH = AdministrativeUnit._meta.get_field("name").max_length
COLUMNS = ("code", "name", "level", "type", "parent_code", "region", "group", "valid_from", "valid_to")
FIELDS = ("name", "level", "type", "parent_id", "region", "commune_group", "valid_from", "valid_to")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class UnitImportError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    code: str
    name: str
    level: str
    type: str
    parent_code: str
    region: str
    group: int | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None


def _choice_lookup(choices: type) -> dict[str, str]:
    """Accept a choice by its value or by its label, without diacritics or case."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[fold(str(value))] = value
        lookup[fold(str(label))] = value
    return lookup


_LEVEL_WORDS = {"tinh": Level.PROVINCE, "huyen": Level.DISTRICT, "xa": Level.COMMUNE, "thon": Level.VILLAGE}
# Vietnamese names are accepted whatever language the command runs in.
_REGION_WORDS = {
    fold(name): code
    for code, name in [
        (Region.TDMNPB, "Trung du và miền núi phía Bắc"),
        (Region.DBSH, "Đồng bằng sông Hồng"),
        (Region.BTB, "Bắc Trung Bộ"),
        (Region.DHNTB, "Duyên hải Nam Trung Bộ"),
        (Region.TN, "Tây Nguyên"),
        (Region.DNB, "Đông Nam Bộ"),
        (Region.DBSCL, "Đồng bằng sông Cửu Long"),
    ]
}


def _parse_date(raw: str, column: str, errors: list[str]) -> datetime.date | None:
    raw = raw.strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    errors.append(
        _("%(column)s “%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY)") % {"column": column, "value": raw}
    )
    return None


def _parse_row(line: int, record: dict[str, str]) -> tuple[_Row | None, list[str]]:
    errors: list[str] = []
    get = {k: (record.get(k) or "").strip() for k in COLUMNS}
    code, name = get["code"], get["name"]
    if not code:
        errors.append(_("the code is empty"))
    elif not CODE_PATTERN.match(code):
        errors.append(_("code “%(code)s” may only contain letters, digits, dot, dash and underscore") % {"code": code})
    name = unicodedata.normalize("NFC", name)
    if not name:
        errors.append(_("the name is empty"))
    elif len(name) > NAME_MAX_LENGTH:
        errors.append(
            _("the name has %(length)s characters; at most %(limit)s are allowed")
            % {"length": len(name), "limit": NAME_MAX_LENGTH}
        )

    level = _choice_lookup(Level).get(fold(get["level"])) or _LEVEL_WORDS.get(fold(get["level"]))
    if level is None:
        errors.append(_("unknown level “%(value)s” (province, district, commune or village)") % {"value": get["level"]})

    unit_type = ""
    if get["type"]:
        unit_type = type_for(get["type"], level) or ""
        if not unit_type:
            if level and type_for(get["type"], None):
                errors.append(_("type “%(value)s” does not exist at this level") % {"value": get["type"]})
            else:
                errors.append(_("unknown type “%(value)s”") % {"value": get["type"]})
    elif level:
        unit_type = DEFAULT_TYPE[level]

    region = ""
    if get["region"]:
        region = _choice_lookup(Region).get(fold(get["region"])) or _REGION_WORDS.get(fold(get["region"]), "")
        if not region:
            errors.append(
                _("unknown region “%(value)s” (use one of %(codes)s)")
                % {"value": get["region"], "codes": ", ".join(Region.values)}
            )

    group = None
    if get["group"]:
        if get["group"] not in {str(g) for g in CommuneGroup.values}:
            errors.append(_("unknown commune group “%(value)s” (1, 2 or 3)") % {"value": get["group"]})
        elif level and level != Level.COMMUNE:
            errors.append(_("only communes have a commune group"))
        else:
            group = int(get["group"])

    valid_from = _parse_date(get["valid_from"], "valid_from", errors)
    valid_to = _parse_date(get["valid_to"], "valid_to", errors)
    if valid_from and valid_to and valid_to < valid_from:
        errors.append(_("valid_to is before valid_from"))
    if errors:
        return None, errors
    return _Row(line, code, name, level, unit_type, get["parent_code"], region, group, valid_from, valid_to), []


def _read(data: bytes) -> tuple[list[_Row], list[RowError]]:
    errors: list[RowError] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [RowError(1, _("the file is not UTF-8 text (byte %(pos)s)") % {"pos": exc.start})]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [RowError(1, _("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})]
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            errors.append(
                RowError(
                    line,
                    _("expected %(expected)s columns, found %(found)s")
                    % {"expected": len(header), "found": len(values)},
                )
            )
            continue
        row, row_errors = _parse_row(line, dict(zip(header, values, strict=True)))
        errors.extend(RowError(line, m) for m in row_errors)
        if row is None:
            continue
        if row.code in seen:
            errors.append(
                RowError(
                    line,
                    _("duplicate code “%(code)s” (first on line %(first)s)")
                    % {"code": row.code, "first": seen[row.code]},
                )
            )
            continue
        seen[row.code] = line
        rows.append(row)
    return rows, errors


def _check_tree(rows: list[_Row], stored: dict[str, AdministrativeUnit]) -> list[RowError]:
    """Parents exist, levels fit, no cycles, and levels of stored units do not change."""
    errors: list[RowError] = []
    in_file = {r.code: r for r in rows}

    def parent_of(code: str) -> str:
        if code in in_file:
            return in_file[code].parent_code
        unit = stored.get(code)
        return unit.ancestor_codes()[-1] if unit and unit.parent_id else ""

    def level_of(code: str) -> str | None:
        if code in in_file:
            return in_file[code].level
        return stored[code].level if code in stored else None

    for row in rows:
        existing = stored.get(row.code)
        if existing and existing.level != row.level:
            errors.append(
                RowError(
                    row.line,
                    _("unit %(code)s already exists as %(old)s; its level cannot change")
                    % {"code": row.code, "old": existing.get_level_display()},
                )
            )
            continue
        if row.level == Level.PROVINCE:
            if row.parent_code:
                errors.append(RowError(row.line, _("a province has no parent_code")))
            elif not row.region:
                errors.append(RowError(row.line, _("a province needs its region")))
            continue
        if not row.parent_code:
            errors.append(RowError(row.line, _("parent_code is empty")))
            continue
        parent_level = level_of(row.parent_code)
        if parent_level is None:
            errors.append(RowError(row.line, _("unknown parent “%(code)s”") % {"code": row.parent_code}))
            continue
        # Follow the chain upward; coming back to this row is a cycle.
        chain, current = {row.code}, row.parent_code
        while current:
            if current in chain:
                errors.append(RowError(row.line, _("cycle: %(code)s would be inside itself") % {"code": row.code}))
                break
            chain.add(current)
            current = parent_of(current)
        else:
            if parent_level not in PARENT_LEVELS[row.level]:
                errors.append(
                    RowError(
                        row.line,
                        _("a %(level)s cannot belong to a %(parent_level)s (%(parent)s)")
                        % {
                            "level": Level(row.level).label,
                            "parent_level": Level(parent_level).label,
                            "parent": row.parent_code,
                        },
                    )
                )
    return errors


def units_import_csv(data: bytes) -> ImportReport:
    """Validate the whole file, then create or update its units in one transaction."""
    rows, errors = _read(data)
    stored = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=_referenced_codes(rows))}
    errors.extend(_check_tree(rows, stored))
    if errors:
        raise UnitImportError(sorted(errors, key=lambda e: e.line))

    report = ImportReport()
    in_file = {r.code: r for r in rows}

    def depth(row: _Row) -> int:
        d, code = 0, row.parent_code
        while code in in_file:
            d, code = d + 1, in_file[code].parent_code
        return d

    with transaction.atomic():
        units = dict(stored)
        for row in sorted(rows, key=depth):
            parent = units.get(row.parent_code) if row.parent_code else None
            if parent is None and row.parent_code:
                parent = AdministrativeUnit.objects.get(code=row.parent_code)
                units[parent.code] = parent
            region = inherited_region(row.region, parent)
            values = {
                "name": row.name,
                "level": row.level,
                "type": row.type,
                "parent_id": parent.pk if parent else None,
                "region": region,
                "commune_group": row.group,
                "valid_from": row.valid_from,
                "valid_to": row.valid_to,
            }
            unit = units.get(row.code)
            if unit is not None:
                # A stored commune's group changes only with its legal basis and history (the
                # commune-group page, criteria.services.commune_groups); a file sets it on creation.
                del values["commune_group"]
            if unit is None:
                unit = AdministrativeUnit(
                    code=row.code, parent=parent, **{k: v for k, v in values.items() if k != "parent_id"}
                )
                unit.full_clean()
                unit.save()
                report.created.append(row.code)
            elif any(getattr(unit, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(unit, key, value)
                unit.parent = parent
                unit.full_clean()
                unit.save()
                report.updated.append(row.code)
            else:
                report.unchanged.append(row.code)
            units[row.code] = unit
    return report


def _referenced_codes(rows: list[_Row]) -> set[str]:
    codes = {r.code for r in rows} | {r.parent_code for r in rows if r.parent_code}
    # Stored ancestors of referenced parents matter for cycle checks through moved units.
    paths = AdministrativeUnit.objects.filter(code__in=codes).values_list("path", flat=True)
    for path in paths:
        codes.update(path.strip("/").split("/"))
    return codes
