"""The figures statement's rows, kept per province until a write changes them.

Every figure ``reports.selectors.sql`` computes is a count or a sum over provinces (the criteria a
list), so the country's rows are its provinces' rows merged
(``merge``), and a province's rows can be kept. Each kept entry (``FiguresCacheEntry``) is
stamped with its province's version and the catalogue's (``FiguresVersion``), which the
database's triggers bump inside every transaction that writes an assessment, a criterion
result, a unit or a succession (a criterion or a set: the catalogue's). A reader reads the
versions and the entries in one statement (one snapshot) and computes what is not kept after
it: an entry stamped with an older version is computed again, and one computed from data newer
than its stamp is only ever read under that older stamp, which no reader sees any more. So a
value saved shows at the next request, and a save in one province leaves the others' rows
kept: the country's page recomputes one province. The country is the provinces that have a
version row: every unit's province has one (the migration seeded those of the units already
there; the units' trigger inserts a new province's), and ``GLOBAL`` is the catalogue's.

Kept: the country and a province, as the figures are known now. Not kept: figures "as
recorded" at a moment and "as now" (they read logs and other provinces' units), and units
below a province (their statements are small).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable

from django.db import OperationalError, connection
from django.utils import timezone

from communes.models import AdministrativeUnit, Level

logger = logging.getLogger(__name__)

GLOBAL = "*"  # the catalogue's version row (criteria and sets); the others are provinces' paths

Compute = Callable[[list[str] | None], dict[str, list]]


def cacheable(unit: AdministrativeUnit | None, *, recorded=None, as_now: bool = False) -> bool:
    """Whether ``unit``'s figures come through the kept entries."""
    return recorded is None and not as_now and (unit is None or unit.level == Level.PROVINCE)


def _stamp(versions: dict[str, tuple[str, int]], prefix: str) -> str | None:
    if prefix not in versions or GLOBAL not in versions:
        return None  # no version to stamp with: computed, never kept
    (token, version), (catalogue_token, catalogue_version) = versions[prefix], versions[GLOBAL]
    return f"{token}:{version}:{catalogue_token}:{catalogue_version}"


# The shape of the rows every kind keeps (the figures statement's, the map's, the trend's
# years, the drill-down's): part of each key, so that rows kept by an older release are never
# read by a newer one that expects another shape. Bump it with any change of those rows, or of
# the rules that make them (3: "new" counts a decision only for a unit existing on its date;
# 4: villages of a year counted as communes are; 5: a unit that ended is not overdue; 6: each
# criterion row carries the assessments on its set; 7: a plan row's state on the cut-off by its decisions;
# 8: a plan row's state also takes a revocation recorded on another year's assessment of its title;
# 9: a year's standing per set size, so that a year mixing scales claims none; 10: a plan row's
# workflow state on the cut-off as its log had it, NO_DOSSIER before it was created; 11: the
# communes, districts and units listed apart of a year read on its cut-off, a unit's own year
# it ended in on its last day; 12: the units listed apart by lineage — on the cut-off, or ended
# in the year into a xã read through its predecessors; 13: a commune (and its villages) that
# became, by the cut-off, units listed apart only is not counted, its assessment not in the standing).
ROWS_FORMAT = 13


def _key(kind: str, params: tuple) -> str:
    return hashlib.sha256(repr((ROWS_FORMAT, kind, params)).encode()).hexdigest()


# The versions and, beside each, the entry kept for the key: one statement, so the entry is
# read in the same snapshot as the version it is checked against.
_READ = """SELECT v.prefix, v.token, v.version, e.stamp, e.value
FROM reports_figuresversion v
LEFT JOIN reports_figurescacheentry e ON e.prefix = v.prefix AND e.key = %s"""
# One statement, outside any transaction of its own (a reader's write, never half-done).
_KEEP = """INSERT INTO reports_figurescacheentry (prefix, key, stamp, value, computed_at) VALUES {rows}
ON CONFLICT (key, prefix) DO UPDATE SET stamp = excluded.stamp, value = excluded.value,
computed_at = excluded.computed_at"""


def per_province(
    kind: str,
    unit: AdministrativeUnit | None,
    params: tuple,
    compute: Compute,
    *,
    recorded=None,
    as_now: bool = False,
) -> dict[str, list]:
    """``kind``'s value for each province under ``unit`` (the country: every province), kept
    where ``cacheable`` (else computed, in one statement).

    ``params`` are everything else the value depends on (years, cut-offs, tier, period);
    ``compute(prefixes)`` returns ``{prefix: value}`` for the provinces not kept (``None``:
    the whole country; a province without data may be left out: its value is an empty list);
    below the country it computes ``unit``'s own value, whatever it is passed.
    One query when all are kept; for those that are not, the statement computing them and one
    keeping them.
    """
    whole = None if unit is None else [unit.path]  # the country, or the one province
    if not cacheable(unit, recorded=recorded, as_now=as_now):
        return compute(whole)
    key = _key(kind, params)
    with connection.cursor() as cursor:
        if unit is None:
            cursor.execute(_READ, [key])
        else:
            cursor.execute(_READ + " WHERE v.prefix IN (%s, %s)", [key, unit.path, GLOBAL])
        read = cursor.fetchall()
    versions = {prefix: (token, version) for prefix, token, version, _stamp_, _value in read}
    if GLOBAL not in versions:  # the versions were emptied (a flush): nothing can be stamped
        return compute(whole)
    prefixes = sorted(p for p in versions if p != GLOBAL) if unit is None else [unit.path]
    stamps = {p: _stamp(versions, p) for p in prefixes}
    found = {
        prefix: json.loads(value) if isinstance(value, str) else value
        for prefix, _token, _version, stamp, value in read
        if stamp is not None and stamp == stamps.get(prefix)
    }
    missing = [p for p in prefixes if p not in found]
    if missing:
        computed = compute(None if unit is None and len(missing) == len(prefixes) else missing)
        fresh = {p: computed.get(p, []) for p in missing}
        found |= fresh
        _keep(key, {p: v for p, v in fresh.items() if stamps[p]}, stamps)
    return found


def _keep(key: str, values: dict[str, list], stamps: dict[str, str | None]) -> None:
    if not values:
        return
    now = timezone.now()
    params = []
    for prefix in sorted(values):  # the same order in every reader: rows locked in one order
        params += [prefix, key, stamps[prefix], json.dumps(values[prefix]), now]
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(values))
    sql = _KEEP.format(rows=rows)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Kept rows can always be computed again, so their commit need not wait for the disk
        # (five kinds kept after a save; a keep 1.1–1.3 → 0.9–1.0 ms on the bench, up to 4 ms
        # when the disk is slow): after a crash the last ones may be missing — never
        # half-written — and are computed at the next read.
        # The two statements sent at once are one transaction of their own (autocommit), so
        # the setting ends with it; inside a caller's transaction it would reach the caller's
        # writes, so there the commit is left as it is.
        sql = "SET LOCAL synchronous_commit TO OFF; " + sql
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    except OperationalError as exc:
        # SQLite has one writer: while a long write (a background import) holds the database,
        # a page does without keeping its figures rather than fail after the busy timeout.
        if connection.vendor != "sqlite" or connection.in_atomic_block or "locked" not in str(exc):
            raise
        logger.info("Figures not kept, the database is busy: %s", exc)


def by_province(rows: Iterable[tuple]) -> dict[str, list[tuple]]:
    """The figures statement's rows grouped by their province column (the last)."""
    grouped: dict[str, list[tuple]] = {}
    for row in rows:
        grouped.setdefault(row[-1], []).append(tuple(row[:-1]))
    return grouped


# How many leading columns name a row (kind, year, key, name, then for some kinds n1, n2):
# rows named alike are one row of the merge.
_IDENTITY = {"stats": 5, "met": 6, "met_basic": 6, "not_met": 5, "criterion": 6}


def merge(groups: Iterable[Iterable[tuple]]) -> list[tuple]:
    """Several provinces' rows as one unit's: counts and sums added (a year's standing per set
    size), each criterion once."""
    merged: dict[tuple, list] = {}
    for rows in groups:
        for row in rows:
            kind = row[0]
            width = _IDENTITY.get(kind, 4)
            name = tuple(row[:width])
            held = merged.get(name)
            if held is None:
                merged[name] = list(row[width:7])
                continue
            for n, figure in enumerate(row[width:7]):
                if figure is None:
                    continue
                if held[n] is None:
                    held[n] = figure
                else:
                    held[n] += figure
    return [name + tuple(figures) for name, figures in merged.items()]
