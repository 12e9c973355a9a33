"""Numbers in the reader's locale: ``1.234`` and ``6,5`` in Vietnamese, ``1,234`` and ``6.5`` in English.

Grouping is forced here because USE_THOUSAND_SEPARATOR stays off globally (years print as 2025).
"""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

MINUS = "\u2212"  # a real minus sign: a hyphen reads as a dash next to a number


@register.filter
def number(value: int | Decimal | None, decimals: int = 0) -> str:
    """``{{ average|number:1 }}`` → ``11,7``; empty for no value."""
    if value is None or value == "":
        return ""
    # number_format cuts extra places off (11.67 → "11.6"): round half up first.
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def percent(value: Decimal | None, decimals: int = 1) -> str:
    """``{{ share|percent }}`` → ``25,0%``."""
    return "" if value is None else f"{number(value, decimals)}%"


@register.filter
def signed(value: int | Decimal | None, decimals: int = 0) -> str:
    """A change with its sign: ``+3``, ``−0,5``, ``0``; empty when there is nothing to compare."""
    if value is None:
        return ""
    text = number(abs(value), decimals)
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"{MINUS}{text}"
    return text


@register.filter
def share_of(part: int | None, whole: int | None) -> Decimal | None:
    """``part`` as a percent of ``whole`` (1 place), for table columns the selectors leave out."""
    if part is None or not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
