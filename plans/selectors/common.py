"""Shared pieces of the plans selectors: the roll-up filter, shares, plain tables."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

_ONE_PLACE = Decimal("0.1")
ZERO = Decimal(0)


def share(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    """``part`` as a percentage of ``whole``, 1 place, rounded half up; None without a whole."""
    if part is None or not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(_ONE_PLACE, ROUND_HALF_UP)


class Table(NamedTuple):
    """Plain rows for a workbook: a title, the column headers and rows of plain values
    (str, int, Decimal, None), in the order the sheet shows them."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple]
