"""The unit filters by name, as ``Q`` objects on units (or, through ``prefix``, on what points at
a unit): a subtree, the units that count in commune figures, existence in a period, a day or
a year, the units a criteria set can assess in a year, and what a search finds (``search_q``,
ranked by ``search_rank``). ``UnitQuerySet`` and the loaded unit's methods (``communes.models``) are built on them.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from communes.choices import NTM_COMMUNE_TYPES, Level
from communes.text import fold

if TYPE_CHECKING:
    from communes.models import AdministrativeUnit


def subtree_q(unit: AdministrativeUnit | None, prefix: str = "") -> Q:
    """The unit and everything below it, or everything for the country (``None``): a filter on
    units, or on what belongs to a unit through ``prefix`` (``"unit__"``). The one way every
    selector, API filter and page narrows to a unit's area (an indexed path prefix)."""
    return Q() if unit is None else Q(**{f"{prefix}path__startswith": unit.path})


def ntm_communes_q(prefix: str = "") -> Q:
    """Which units count in commune figures: rural communes (xã, ``NTM_COMMUNE_TYPES``). The
    communes *of a year* add the assessments to this (``criteria.figures.communes_of_year``)."""
    return Q(**{f"{prefix}level": Level.COMMUNE, f"{prefix}type__in": NTM_COMMUNE_TYPES})


def ntm_villages_q(prefix: str = "", *, parents: Q | None = None) -> Q:
    """Which units count in village figures and are assessed against the province's village
    sets: the villages of rural communes (``ntm_communes_q`` on the parent). A ward's tổ dân phố
    and a township's khu phố are village-level units of communes listed apart, never NTM
    villages. The villages *of a year* add the assessments to this
    (``criteria.figures.villages_of_year_q``).

    The parent is asked by its key (``EXISTS``), not joined: a join on the parent made every
    count over a province's units hash the whole units table (15 ms of a province's dashboard).
    ``parents``, a filter on units every parent asked about is known to satisfy (the subtree the
    villages are read in: a village's path starts with its commune's), narrows what the database
    reads to answer: PostgreSQL answers the ``EXISTS`` of many villages from one table of every
    candidate parent, the country's 8,000 communes when it is not told."""
    from communes.models import AdministrativeUnit  # the models module imports this one

    rural_parent = AdministrativeUnit.objects.filter(
        ntm_communes_q(), parents or Q(), pk=OuterRef(f"{prefix}parent_id")
    )
    return Q(**{f"{prefix}level": Level.VILLAGE}) & Q(Exists(rural_parent))


def year_days(year: int) -> tuple[datetime.date, datetime.date]:
    """1 January and 31 December of ``year``."""
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def existed_during_q(first: datetime.date, last: datetime.date, prefix: str = "") -> Q:
    """Filter on units (or, through ``prefix``, on what points at one): the unit existed on at
    least one day from ``first`` to ``last`` (no ``valid_from``: always had; no ``valid_to``:
    still does). The one "existed in a period" of the portal; ``valid_on_q`` is its one-day case.
    ``AdministrativeUnit.existed_during`` is the same rule on one loaded unit, and
    ``reports/selectors/sql.py`` writes it in SQL (pinned by ``test_unit_filters_sql``)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": last})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": first})
    )


def valid_on_q(day: datetime.date, prefix: str = "") -> Q:
    """The unit existed on ``day``."""
    return existed_during_q(day, day, prefix)


def existed_in_year_q(year: int, prefix: str = "") -> Q:
    """The unit existed at some time in ``year``."""
    return existed_during_q(*year_days(year), prefix)


def assessable_q(level: str, year: int, prefix: str = "") -> Q:
    """The units a criteria set of ``level`` can assess in ``year``: of that level, existing at
    some time in the year and, at commune level, rural communes only (``ntm_communes_q``: wards,
    townships and special zones are listed apart, never assessed against the NTM sets); at village
    level, villages of rural communes only (``ntm_villages_q``: not a ward's tổ dân phố).
    ``AdministrativeUnit.assessable_refusal`` is the same rule on one loaded unit (pinned by
    ``communes/tests/test_assessable.py``): starting an assessment, the import's template and
    its checks all go through one or the other."""
    same_level = Q(**{f"{prefix}level": level}) & existed_in_year_q(year, prefix)
    if level == Level.COMMUNE:
        return same_level & ntm_communes_q(prefix)
    if level == Level.VILLAGE:
        return same_level & ntm_villages_q(prefix)
    return same_level


# The suffix of a unit ended on 30/06/2025 whose official code a new unit took over
# (``communes/README.md``, "Codes"): "26767-cu" is the old commune, "26767" the new one.
FORMER_SUFFIX = "-cu"


def search_q(text: str, prefix: str = "") -> Q:
    """The units a search finds (``UnitQuerySet.search``; ``prefix`` for what points at a unit):
    the folded name contains the folded text (``text.fold``: no case, no diacritics), or the
    code starts with the text — which also finds the code itself and its ``-cu`` form — or is it
    in another case. Empty text: everything. ``text.unit_matches`` is the same rule on a unit
    already read.

    The code test is a plain ``startswith`` on the code column (indexed on both databases); the
    name test is a ``contains`` on the folded column."""
    folded = fold(text)
    if not folded:
        return Q()
    code = text.strip()
    return (
        Q(**{f"{prefix}name_search__contains": folded})
        | Q(**{f"{prefix}code__startswith": code})
        | Q(**{f"{prefix}code__iexact": code})
    )


def search_rank(text: str, prefix: str = "") -> Case:
    """How well a unit found by ``search_q(text)`` matches, best first: 0 the code is the text,
    1 its ``-cu`` form (the unit that carried the code until 30/06/2025), 2 a code starting with
    the text, 3 the name only. Ordering by it puts "26767" before "26767-cu" before "267670"
    before a "Thôn 26767"."""
    code = text.strip()
    return Case(
        When(**{f"{prefix}code__iexact": code}, then=Value(0)),
        When(**{f"{prefix}code__iexact": code + FORMER_SUFFIX}, then=Value(1)),
        When(**{f"{prefix}code__startswith": code}, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
