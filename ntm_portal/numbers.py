"""Numbers and money written the Vietnamese way, for templates and services alike.

``vn_number(31003700000)`` → "31.003.700.000", ``vn_number(Decimal("6.5"))`` → "6,5" (in the
active language's format, grouping always on); ``money`` adds " đ".
"""

from __future__ import annotations

from decimal import Decimal

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
