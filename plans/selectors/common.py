"""Shared pieces of the plans selectors: shares, plain tables, provinces' paths."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Q, Value
from django.db.models.functions import StrIndex, Substr

_ONE_PLACE = Decimal("0.1")
ZERO = Decimal(0)


def share(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    """``part`` as a percentage of ``whole``, 1 place, rounded half up; None without a whole."""
    if part is None or not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(_ONE_PLACE, ROUND_HALF_UP)


# The plan's tables (``dashboard.plan_rows``): a province's targets against results, the
# units due counted per level and tier, and the units due and overdue listed.
PLAN_TARGETS, PLAN_COUNTS, PLAN_DUE, PLAN_OVERDUE = "targets", "counts", "due", "overdue"


class Table(NamedTuple):
    """Plain rows for a workbook: a title, the column headers and rows of plain values
    (str, int, Decimal, None), in the order the sheet shows them."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple]
    kind: str = ""  # PLAN_TARGETS …: what it holds, for a reader writing it its own way (the Word bulletin)


def province_of(field: str = "path") -> Substr:
    """SQL: the path of the province of a unit's ``field`` path (its first segment, "/36/")."""
    return Substr(field, 1, StrIndex(Substr(field, 2), Value("/")) + 1)


def under_any(prefixes: list[str], field: str = "path") -> Q:
    """Filter: the unit path ``field`` starts with one of ``prefixes``."""
    where = Q(pk__in=[])
    for prefix in prefixes:
        where |= Q(**{f"{field}__startswith": prefix})
    return where
