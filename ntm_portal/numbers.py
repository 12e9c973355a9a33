"""Numbers and money written the Vietnamese way, for templates and services alike: the one
module that formats a number (the template filters ``vn_number``, ``money``, ``number``,
``percent``, ``signed`` and ``share_of`` are these functions, registered by
``criteria/templatetags/ntm.py`` and ``reports/templatetags/report_numbers.py``).

``vn_number(31003700000)`` → "31.003.700.000", ``vn_number(Decimal("6.5"))`` → "6,5" in every
language: the English pages write numbers as the Vietnamese ones, as they write dates (the
separators are the format modules', ``ntm_portal/formats/{vi,en}/formats.py``, the one place
that says so), because every value field reads a number the Vietnamese way
(``criteria.evaluation.parse_value``: "1,250" is one and a quarter). Grouping is always on,
because USE_THOUSAND_SEPARATOR stays off globally so years print as 2025; with ``decimal_pos``
rounded half up; ``money`` adds " đ". ``number(11.67, 1)`` → "11,7" (whole by default),
``signed(-0.5, 1)`` → "−0,5". For a document's sentences:
``count_of(3, "xã")`` → "03 xã", ``vn_percent(12.24)`` → "12,2%", ``money_text(31003700000)`` →
"31.003.700.000 đồng"; ``as_typed(45200000)`` → "45.200.000", for a value field.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats
from django.utils.translation import get_language

MINUS = "\u2212"  # a real minus sign: a hyphen reads as a dash next to a number


def rounded(value, places: int) -> Decimal:
    """``value`` half up to ``places``: the one rounding of a figure, wherever it is shown (a
    page, the API's fixed places, a document). Figures are kept exact until shown and rounded
    once, here: an average of 4,545… is "4,5" with one place and 4.55 with two, never "4,6"
    (4,55 rounded again). Django's number_format would cut 11.67 to "11.6"."""
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def vn_number(value, decimal_pos: int | None = None) -> str:
    """85.5 → "85,5" and 31003700000 → "31.003.700.000" in Vietnamese (grouping always on)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            return value
    if decimal_pos is not None:
        value = rounded(value, decimal_pos)
    elif isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    if type(value) is int or (isinstance(value, Decimal) and value.is_finite() and value.adjusted() < 100):
        return _grouped(value, decimal_pos)
    return formats.number_format(value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)


def _grouped(value: int | Decimal, decimal_pos: int | None) -> str:
    """The text Django's ``number_format`` gives a whole number or a finite Decimal (grouped,
    with the format module's separators), written directly: pages format hundreds of numbers."""
    if not value and decimal_pos is not None:
        value = abs(value)  # Django writes a rounded -0.0 as 0,0
    text = f"{value:,}" if type(value) is int else f"{value:,f}"
    if decimal_pos:
        whole, _dot, places = text.partition(".")
        text = f"{whole}.{places[:decimal_pos].ljust(decimal_pos, '0')}"
    elif decimal_pos == 0:
        text = text.partition(".")[0]
    return text.translate(_separators())


_SEPARATORS: dict[str | None, dict[int, str]] = {}


def _separators() -> dict[int, str]:
    """The format module's separators as a ``str.translate`` table, looked up once per language
    (the same in every language: ``ntm_portal/formats``)."""
    language = get_language()
    table = _SEPARATORS.get(language)
    if table is None:
        table = {ord(","): formats.get_format("THOUSAND_SEPARATOR"), ord("."): formats.get_format("DECIMAL_SEPARATOR")}
        _SEPARATORS[language] = table
    return table


@receiver(setting_changed)
def _forget_separators(**kwargs) -> None:
    _SEPARATORS.clear()  # tests that change the format settings, as Django's own format cache does


def as_typed(value) -> str:
    """A number as a value field shows it for editing ("45.200.000", "85,5"): as the page
    writes it, the one way ``criteria.evaluation.parse_value`` reads it back."""
    return vn_number(value)


def number(value, decimals: int = 0) -> str:
    """``{{ average|number:1 }}`` → "11,7": rounded half up to ``decimals`` (whole by default)."""
    return vn_number(value, decimals)


def signed(value, decimals: int = 0) -> str:
    """A change with its sign: "+3", "−0,5", "0"; empty when there is nothing to compare."""
    if value is None:
        return ""
    text = number(abs(value), decimals)
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"{MINUS}{text}"
    return text


def share_of(part: int | None, whole: int | None) -> Decimal | None:
    """``part`` as a percent of ``whole`` (1 place, half up); None without a whole."""
    if part is None or not whole:
        return None
    return rounded(Decimal(100 * part) / Decimal(whole), 1)


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
    return f"{vn_number(value, decimal_pos=places)}%"


def share_percent(part: int | None, whole: int | None, places: int = 1) -> str:
    """``part`` of ``whole`` as "12,2%"; "" without a whole."""
    if part is None or not whole:
        return ""
    return vn_percent(Decimal(part) * 100 / Decimal(whole), places)


def money_text(value) -> str:
    """Money in a document's sentence: 31003700000 → "31.003.700.000 đồng"."""
    return "" if value is None else f"{vn_number(value)} đồng"
