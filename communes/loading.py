"""Write the country read by ``communes.country`` into the units table, in bulk and idempotently.

``units_load(country=...)`` creates the units it does not find by code, updates those it finds
(name, level, type, parent, dates, coordinates; the region only where it is blank, so that an
office's correction stays), and leaves every other unit alone — villages and anything an office
added by hand. Successions are created or updated the same way. A few queries per level and
per thousand rows, whatever the size: the whole country is written in seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from communes.country import FIRST_DAY_AFTER, Country, UnitRecord
from communes.models import AdministrativeUnit, Level, UnitSuccession

BATCH = 900  # below SQLite's 999 host parameters for the IN lists
LOADED_FIELDS = ("name", "level", "type", "parent_id", "valid_from", "valid_to", "latitude", "longitude")
DERIVED_FIELDS = ("path", "name_search", "name_sort")


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    successions_created: int = 0
    successions_updated: int = 0
    successions_unchanged: int = 0


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _units_by_code(codes: Iterable[str]) -> dict[str, AdministrativeUnit]:
    found: dict[str, AdministrativeUnit] = {}
    for chunk in _chunks(sorted(set(codes))):
        found.update((u.code, u) for u in AdministrativeUnit.objects.filter(code__in=chunk))
    return found


def _state(unit: AdministrativeUnit) -> tuple:
    return tuple(getattr(unit, f) for f in (*LOADED_FIELDS, "region", *DERIVED_FIELDS))


def _fill(unit: AdministrativeUnit, record: UnitRecord, parent: AdministrativeUnit | None) -> None:
    unit.name = record.name
    unit.level = record.level
    unit.type = record.type
    unit.parent = parent
    unit.valid_from = record.valid_from
    unit.valid_to = record.valid_to
    unit.latitude = record.latitude
    unit.longitude = record.longitude
    if not unit.region:
        unit.region = record.region
    unit.set_derived_fields()


@transaction.atomic
def units_load(*, country: Country) -> LoadReport:
    """Create or update ``country``'s units and successions; touch nothing else."""
    report = LoadReport()
    by_code = _units_by_code([u.code for u in country.units] + [u.parent_code for u in country.units if u.parent_code])
    now = timezone.now()
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        moved: list[tuple[str, AdministrativeUnit]] = []
        for record in (r for r in country.units if r.level == level):
            parent = by_code[record.parent_code] if record.parent_code else None
            unit = by_code.get(record.code)
            if unit is None:
                unit = AdministrativeUnit(code=record.code)
                _fill(unit, record, parent)
                to_create.append(unit)
                by_code[record.code] = unit
                continue
            before, old_path = _state(unit), unit.path
            _fill(unit, record, parent)
            if _state(unit) == before:
                report.unchanged += 1
                continue
            unit.updated_at = now
            to_update.append(unit)
            if unit.path != old_path:
                moved.append((old_path, unit))
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=BATCH)
        # Not every backend returns primary keys from a bulk insert: read them back by code.
        for chunk in _chunks([u.code for u in to_create]):
            for code, pk in AdministrativeUnit.objects.filter(code__in=chunk).values_list("code", "pk"):
                by_code[code].pk = pk
        AdministrativeUnit.objects.bulk_update(
            to_update, [*LOADED_FIELDS, "region", *DERIVED_FIELDS, "updated_at"], batch_size=BATCH
        )
        for old_path, unit in moved:
            # A unit found under another parent carries its subtree (villages included) along.
            AdministrativeUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
                path=Concat(models.Value(unit.path), Substr("path", len(old_path) + 1))
            )
        report.created += [u.code for u in to_create]
        report.updated += [u.code for u in to_update]
    _load_successions(country, by_code, report)
    return report


def _load_successions(country: Country, by_code: dict[str, AdministrativeUnit], report: LoadReport) -> None:
    wanted = {
        (by_code[s.predecessor].pk, by_code[s.successor].pk): s
        for s in country.successions
        if s.predecessor in by_code and s.successor in by_code
    }
    existing: dict[tuple[int, int], UnitSuccession] = {}
    for chunk in _chunks(sorted({successor for _, successor in wanted})):
        existing.update(
            ((s.predecessor_id, s.successor_id), s) for s in UnitSuccession.objects.filter(successor_id__in=chunk)
        )
    to_create, to_update = [], []
    for (predecessor_id, successor_id), record in wanted.items():
        link = existing.get((predecessor_id, successor_id))
        if link is None:
            to_create.append(
                UnitSuccession(
                    predecessor_id=predecessor_id,
                    successor_id=successor_id,
                    date=FIRST_DAY_AFTER,
                    decision=record.decision,
                    main_part=record.main_part,
                )
            )
        elif (link.main_part, link.decision, link.date) != (record.main_part, record.decision, FIRST_DAY_AFTER):
            link.main_part, link.decision, link.date = record.main_part, record.decision, FIRST_DAY_AFTER
            to_update.append(link)
        else:
            report.successions_unchanged += 1
    UnitSuccession.objects.bulk_create(to_create, batch_size=BATCH)
    UnitSuccession.objects.bulk_update(to_update, ["main_part", "decision", "date"], batch_size=BATCH)
    report.successions_created = len(to_create)
    report.successions_updated = len(to_update)
