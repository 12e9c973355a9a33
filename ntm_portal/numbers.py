"""Numbers and money written the Vietnamese way, for templates and services alike.

``vn_number(31003700000)`` → "31.003.700.000", ``vn_number(Decimal("6.5"))`` → "6,5" (in the
active language's format, grouping always on); ``money`` adds " đ". For a document's sentences:
``count_of(3, "xã")`` → "03 xã", ``vn_percent(12.24)`` → "12,2%", ``money_text(31003700000)`` →
"31.003.700.000 đồng" (Vietnamese when the language is; documents override it to "vi").
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats


def vn_number(value, decimal_pos: int | None = None) -> str:
    """85.5 → "85,5" and 31003700000 → "31.003.700.000" in Vietnamese (grouping always on)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            return value
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return formats.number_format(value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)


def money(value) -> str:
    return "" if value is None else f"{vn_number(value)} đ"


def count_of(value: int, noun: str) -> str:
    """A count in an office's sentence: under ten with a leading zero, "03 xã"; "17 xã"; "0 xã"."""
    number = f"{value:02d}" if 0 < value < 10 else vn_number(value)
    return f"{number} {noun}".strip()


def vn_percent(value, places: int = 1) -> str:
    """A percentage, rounded half up: Decimal("12.24") → "12,2%"; None → ""."""
    if value is None:
        return ""
    exponent = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP)
    return f"{vn_number(rounded, decimal_pos=places)}%"


def share_percent(part: int | None, whole: int | None, places: int = 1) -> str:
    """``part`` of ``whole`` as "12,2%"; "" without a whole."""
    if part is None or not whole:
        return ""
    return vn_percent(Decimal(part) * 100 / Decimal(whole), places)


def money_text(value) -> str:
    """Money in a document's sentence: 31003700000 → "31.003.700.000 đồng"."""
    return "" if value is None else f"{vn_number(value)} đồng"
