"""The NTM evaluation rules as pure functions: no ORM, no database.

Parsing what a user typed, choosing the target that applies to a unit, the outcome of an
indicator, whether a criterion is met, progress buckets and tier prerequisites. Choosing the
target (``target_rules``) and the buckets (``buckets``) are modules of their own, their names
re-exported here: callers read every rule as ``evaluation.X``.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from criteria.buckets import DEFAULT_CUTS, Bucket, bucket_bounds, bucket_for  # noqa: F401 (re-exported)
from criteria.target_rules import (  # noqa: F401 (re-exported)
    NO_MATCH,
    TargetReason,
    TargetRule,
    TargetSubject,
    first_subject_without_target,
    select_target,
    select_target_with_reason,
)
from ntm_portal.numbers import vn_number


class ValueType(StrEnum):
    YES_NO = "yes_no"
    PERCENT = "percent"
    NUMBER = "number"
    MONEY = "money"  # đồng, whole numbers
    COUNT = "count"  # whole numbers >= 0


class Comparison(StrEnum):
    GTE = "gte"
    LTE = "lte"
    EQ = "eq"
    MET = "met"  # "đạt": a yes/no indicator met when the value is yes


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    MISSING = "missing"
    NO_TARGET = "no_target"
    NOT_APPLICABLE = "n_a"  # a conditional indicator ("nếu có") whose object the unit does not have


class Tier(StrEnum):
    STANDARD = "standard"
    ADVANCED = "advanced"
    MODEL = "model"


class Region(StrEnum):
    TDMNPB = "TDMNPB"  # Trung du và miền núi phía Bắc
    DBSH = "DBSH"  # Đồng bằng sông Hồng
    BTB = "BTB"  # Bắc Trung Bộ
    DHNTB = "DHNTB"  # Duyên hải Nam Trung Bộ
    TN = "TN"  # Tây Nguyên
    DNB = "DNB"  # Đông Nam Bộ
    DBSCL = "DBSCL"  # Đồng bằng sông Cửu Long


COMMUNE_GROUPS = (1, 2, 3)  # QĐ 51/2025: targets by commune group instead of region

# --- Parsing ---------------------------------------------------------------------------------

MSG_NOT_A_NUMBER = _("%(indicator)s: “%(value)s” is not a number.")
MSG_NOT_FINITE = _("%(indicator)s: the value must be a finite number.")
MSG_BAD_SEPARATORS = _(
    "%(indicator)s: “%(value)s” has misplaced separators; write thousands with “.” and decimals "
    "with “,” (for example 31.003.700.000 or 6,5)."
)
MSG_TOO_PRECISE = _("%(indicator)s: at most 4 decimal places are allowed.")
MSG_TOO_LARGE = _("%(indicator)s: the value is too large.")
MSG_PERCENT_RANGE = _("%(indicator)s: a percentage must be between 0 and 100.")
MSG_NOT_WHOLE = _("%(indicator)s: a whole number is expected.")
MSG_NEGATIVE = _("%(indicator)s: the value cannot be negative.")
MSG_NOT_YES_NO = _("%(indicator)s: “%(value)s” is not a yes/no answer (có / không).")
MSG_NO_INDICATOR = _("Value")
# Added to a refusal of "12.345" (read as 12345) that "12,345" would have passed.
# "13.055 tỷ": 13,055 tỷ to a writer of English decimals, 13 055 tỷ in the Vietnamese way, a
# thousandfold apart; neither is guessed ("1.5 tỷ" and "13.055.000 nghìn" read one way only).
MSG_SCALED_AMBIGUOUS = _(
    "%(indicator)s: “%(value)s” can mean %(small)s or %(large)s. Write “%(with_comma)s” for the first, "
    "or “%(without_dot)s” for the second."
)
MSG_DECIMAL_COMMA = _(
    "%(refusal)s “%(value)s” was read with “.” as the thousands separator; in Vietnamese the "
    "decimal mark is a comma (“%(suggestion)s”)."
)
MSG_IMPLAUSIBLE = _(
    "%(indicator)s: %(value)s is more than %(times)s times the target (%(target)s %(unit)s). "
    "Check the unit it is counted in."
)
IMPLAUSIBLE_TIMES = 50
PLAUSIBLE_TYPES = (ValueType.NUMBER, ValueType.MONEY)  # the types check_plausible compares with their target

MAX_DECIMAL_PLACES = 4
MAX_MAGNITUDE = Decimal(10) ** 15
_SMALLEST_STEP = Decimal(1).scaleb(-MAX_DECIMAL_PLACES)

# Compared after lower-casing and removing diacritics (đ counts as d).
YES_WORDS = frozenset({"co", "dat", "x", "yes", "y", "true", "1"})
NO_WORDS = frozenset({"khong", "chua dat", "khong dat", "no", "n", "false", "0"})

# Money as officers write it, read after _fold (lower case, no diacritics, đ as d): an
# optional scale word ("1,5 tỷ", "1500 triệu", "150 tr", "200 nghìn") and an optional
# currency ("đồng", "đ", "VNĐ", "₫"), in that order.
_MONEY_WORDS = re.compile(r"(?P<number>.*?)(?P<scale>ty|ti|trieu|tr|nghin|ngan)?(?:vnd|dong|d|₫)?")
MONEY_SCALES = {
    "ty": Decimal(10) ** 9,
    "ti": Decimal(10) ** 9,
    "trieu": Decimal(10) ** 6,
    "tr": Decimal(10) ** 6,
    "nghin": Decimal(10) ** 3,
    "ngan": Decimal(10) ** 3,
}
_NON_FINITE = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)
_PLAIN = re.compile(r"[+-]?\d+(\.\d+)?", re.ASCII)  # ASCII: fullwidth or Arabic-Indic digits are not read
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+", re.ASCII)  # thousands grouped with dots
# Digits with spaces between them ("650 000 000", "8 5"), and the one way spaces may group them.
_SPACED_DIGITS = re.compile(r"\d+(?:\s+\d+)+")
_SPACE_GROUPED = re.compile(r"\d{1,3}(?:\s\d{3})+")
# One dot read as a thousands separator ("12.345"), not inside a longer number.
_ONE_THOUSANDS_DOT = re.compile(r"(?<![\d.,])[1-9]\d{0,2}\.\d{3}(?![\d.,])", re.ASCII)


def _fold(text: str) -> str:
    """Lower-case without diacritics, so "Chưa đạt" and "chua dat" compare equal."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


QUOTED_MAX = 50  # characters of what was typed that a refusal quotes


def excerpt(text: object, limit: int = QUOTED_MAX) -> object:
    """What was typed, as a message quotes it: a text longer than ``limit`` cut with "…" (a
    3,000-character cell is not repeated in full); anything else as it is."""
    if isinstance(text, str) and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text


def _refuse(message: object, code: str, indicator: str, value: object = "") -> ValidationError:
    params = {"indicator": indicator or MSG_NO_INDICATOR, "value": excerpt(value)}
    return ValidationError(message, code=code, params=params)


def _scaled_ambiguous(number: str, scale: Decimal, raw: str, indicator: str) -> ValidationError:
    """The refusal of a one-dot amount before a scale word, with both of its readings."""
    with_comma, without_dot = number.replace(".", ","), number.replace(".", "")
    small, large = Decimal(number) * scale, Decimal(without_dot) * scale
    small_text, large_text = f"{vn_number(small)} đ", f"{vn_number(large)} đ"
    return ValidationError(
        MSG_SCALED_AMBIGUOUS,
        code="scaled_ambiguous",
        params={
            "indicator": indicator or MSG_NO_INDICATOR,
            "value": raw,
            "small": small_text,
            "large": large_text,
            "with_comma": raw.replace(number, with_comma, 1),
            "without_dot": raw.replace(number, without_dot, 1),
        },
    )


def _decimal_from_text(text: str, raw: str, indicator: str) -> tuple[Decimal, bool]:
    """Read Vietnamese-style digits; return the number and whether it had a decimal part.

    Rules: "." groups thousands and "," is the decimal mark (31.003.700.000; 6,5;
    1.234,5). A lone "." is a thousands mark only when it can be one (1–3 digits not starting
    with 0, then exactly 3): "1.000" is 1000 but "6.5", "0.125" and "1234.567" are decimals.
    Several commas, or a comma before a dot (English style), are refused as ambiguous.
    """
    if _NON_FINITE.fullmatch(text):
        raise _refuse(MSG_NOT_FINITE, "not_finite", indicator)
    if text.count(",") > 1 or ("," in text and "." in text.split(",", 1)[1]):
        raise _refuse(MSG_BAD_SEPARATORS, "bad_separators", indicator, raw)
    whole, comma, fraction = text.partition(",")
    if "." in whole and (comma or whole.count(".") > 1 or _GROUPED.fullmatch(whole)):
        if not _GROUPED.fullmatch(whole):
            raise _refuse(MSG_BAD_SEPARATORS, "bad_separators", indicator, raw)
        whole = whole.replace(".", "")
    normalised = f"{whole}.{fraction}" if comma else whole
    if not _PLAIN.fullmatch(normalised):
        raise _refuse(MSG_NOT_A_NUMBER, "not_a_number", indicator, raw)
    return Decimal(normalised), "." in normalised


def _parse_yes_no(raw: object, indicator: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float | Decimal) and raw in (0, 1):
        return raw == 1
    if isinstance(raw, str):
        word = " ".join(_fold(raw).split())
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
    raise _refuse(MSG_NOT_YES_NO, "not_yes_no", indicator, raw)


def parse_value(
    raw: str | bool | int | float | Decimal | None,
    value_type: ValueType,
    *,
    indicator: str = "",
) -> Decimal | bool | None:
    """Turn a form string or a spreadsheet cell into a typed value; None when left empty.

    Raises ValidationError naming the indicator. An empty cell is "no value", never "no":
    a blank must stay distinguishable from a "không" that was actually entered. A refusal of a
    number whose one dot was read as a thousands separator ("12.345" for a percentage, read
    as 12345) says that the decimal mark is a comma when "12,345" would have been accepted.
    """
    try:
        return _parse_value(raw, value_type, indicator)
    except ValidationError as refusal:
        suggestion = _with_decimal_comma(raw)
        if suggestion is None or refusal.code == "scaled_ambiguous":  # that one names both readings
            raise
        try:
            _parse_value(suggestion, value_type, indicator)
        except ValidationError:
            raise refusal from None
        params = {"refusal": _joined(refusal), "value": excerpt(raw.strip()), "suggestion": excerpt(suggestion.strip())}
        raise ValidationError(MSG_DECIMAL_COMMA, code=refusal.code, params=params) from None


def _with_decimal_comma(raw: object) -> str | None:
    """``raw`` with its one dot as a decimal comma, when that dot was read as a thousands
    separator; None otherwise."""
    if not isinstance(raw, str) or raw.count(".") != 1 or "," in raw or not _ONE_THOUSANDS_DOT.search(raw):
        return None
    return raw.replace(".", ",")


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# The refusal's text in the language active when the message is shown, like the message itself.
_joined = lazy(_messages_of, str)


def _parse_value(raw, value_type: ValueType, indicator: str) -> Decimal | bool | None:
    value_type = ValueType(value_type)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if value_type is ValueType.YES_NO:
        return _parse_yes_no(raw, indicator)

    had_fraction = False
    if isinstance(raw, bool):
        # Shown as JSON and spreadsheets write it (true/false), not as Python's True/False.
        raise _refuse(MSG_NOT_A_NUMBER, "not_a_number", indicator, "true" if raw else "false")
    if isinstance(raw, str):
        normal = unicodedata.normalize("NFC", raw)
        # Spaces may group thousands ("650 000 000", with the no-break spaces Excel and browsers
        # insert); between other digits ("8 5") they are a typing mistake, never dropped silently.
        if any(not _SPACE_GROUPED.fullmatch(run) for run in _SPACED_DIGITS.findall(normal)):
            raise _refuse(MSG_BAD_SEPARATORS, "bad_separators", indicator, raw.strip())
        text = "".join(normal.split())
        if value_type is ValueType.PERCENT:
            text = text.removesuffix("%")
        scale = None
        if value_type is ValueType.MONEY:
            words = _MONEY_WORDS.fullmatch(_fold(text))
            text, scale = words["number"], words["scale"]
            if scale and _ONE_THOUSANDS_DOT.fullmatch(text):
                raise _scaled_ambiguous(text, MONEY_SCALES[scale], raw.strip(), indicator)
        value, had_fraction = _decimal_from_text(text, raw.strip(), indicator)
        if scale:
            # "1,5 tỷ" is 1.500.000.000 đ: a decimal part is fine once scaled, as long as
            # the amount comes out in whole đồng (checked below).
            value, had_fraction = value * MONEY_SCALES[scale], False
    else:
        try:
            # str() of a float is its shortest repr, so 6.5 stays 6.5 and not 6.4999…
            value = Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw)
        except (InvalidOperation, TypeError, ValueError):
            raise _refuse(MSG_NOT_A_NUMBER, "not_a_number", indicator, raw) from None
        if not value.is_finite():
            raise _refuse(MSG_NOT_FINITE, "not_finite", indicator)

    if abs(value) > MAX_MAGNITUDE:
        raise _refuse(MSG_TOO_LARGE, "too_large", indicator)
    if value != value.quantize(_SMALLEST_STEP):  # exact, unlike normalize() at 28 digits
        raise _refuse(MSG_TOO_PRECISE, "too_precise", indicator)
    if value_type is ValueType.PERCENT and not 0 <= value <= 100:
        raise _refuse(MSG_PERCENT_RANGE, "percent_range", indicator)
    # "1,000" typed for money reads as 1 in Vietnamese; refusing any decimal part keeps an
    # English-style thousands mark from silently shrinking the amount.
    if value_type in (ValueType.MONEY, ValueType.COUNT) and (had_fraction or value != value.to_integral_value()):
        raise _refuse(MSG_NOT_WHOLE, "not_whole", indicator)
    if value < 0:
        # Every quantity the criteria measure (income, area per person, amounts, counts) is
        # zero or more: "-3" for an income is a typing mistake, not a value to count as not met.
        raise _refuse(MSG_NEGATIVE, "negative", indicator)
    return _canonical(value)


def check_plausible(value, value_type: ValueType, target: TargetRule | None, *, indicator: str, unit: str) -> None:
    """Refuse a number or an amount more than fifty times its target. An income counted in
    triệu đồng but typed in đồng (45.200.000 for 45,2), in nghìn đồng (38.500 for 38,5) or as a
    month in nghìn đồng (3.800) would otherwise be stored and count as met — the last two even
    when the real income is below the threshold; no commune's real figure is fifty times the
    national threshold (an income of 1,95 tỷ đồng a person a year, 100 m² of public green land
    a person). Counts and percentages are left alone (a count of 2.000 against "at least 1" is
    real)."""
    if value_type not in PLAUSIBLE_TYPES or not isinstance(value, Decimal):
        return
    threshold = None if target is None else target.value
    if isinstance(threshold, bool) or threshold is None or threshold <= 0:
        return
    if value > threshold * IMPLAUSIBLE_TIMES:
        params = {
            "indicator": indicator,
            "value": vn_number(value),
            "times": vn_number(IMPLAUSIBLE_TIMES),
            "target": vn_number(threshold),
            "unit": unit,
        }
        raise ValidationError(MSG_IMPLAUSIBLE, code="implausible", params=params)


def _canonical(value: Decimal) -> Decimal:
    """Drop trailing zeros ("6,50" → 6.5) so a DecimalField counts only real decimal places."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1)) + 0  # + 0 turns -0 into 0
    return value.normalize()


# --- Outcomes --------------------------------------------------------------------------------


def _as_decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"{what} must be a Decimal for a numeric indicator, got {value!r}")
    return Decimal(value)


def indicator_outcome(
    value: Decimal | bool | None,
    *,
    value_type: ValueType,
    comparison: Comparison,
    target: TargetRule | None,
) -> Outcome:
    """The outcome of one indicator. A catalog inconsistency raises ValueError."""
    value_type, comparison = ValueType(value_type), Comparison(comparison)
    is_yes_no = value_type is ValueType.YES_NO
    if comparison is Comparison.MET and not is_yes_no:
        raise ValueError(f"comparison 'met' needs a yes/no indicator, not {value_type}")
    if is_yes_no and comparison in (Comparison.GTE, Comparison.LTE):
        raise ValueError(f"a yes/no indicator cannot be compared with {comparison}")
    if value is None:
        return Outcome.MISSING
    if comparison is Comparison.MET:
        if not isinstance(value, bool):
            raise ValueError(f"a yes/no value must be a bool, got {value!r}")
        return Outcome.MET if value else Outcome.NOT_MET
    if target is None or target.value is None:
        return Outcome.NO_TARGET

    if is_yes_no:
        if not isinstance(value, bool) or not isinstance(target.value, bool):
            raise ValueError("a yes/no value and its target must both be bools")
        met = value == target.value
    else:
        number, goal = _as_decimal(value, "value"), _as_decimal(target.value, "target")
        if comparison is Comparison.GTE:
            met = number >= goal
        elif comparison is Comparison.LTE:
            met = number <= goal
        else:
            met = number == goal
    return Outcome.MET if met else Outcome.NOT_MET


def criterion_met(outcomes: Iterable[tuple[bool, Outcome]]) -> bool:
    """Met when there is a required indicator and every required one that applies is met.

    A conditional indicator set "not applicable" (the commune has no market, no traditional
    craft) does not count either way; a criterion whose required indicators are all not
    applicable is met — there is nothing left to meet.
    """
    required = [outcome for is_required, outcome in outcomes if is_required]
    applicable = [outcome for outcome in required if outcome != Outcome.NOT_APPLICABLE]
    return bool(required) and all(outcome == Outcome.MET for outcome in applicable)


# What an officer types for "không áp dụng" (not applicable), folded (no diacritics, lower case).
NOT_APPLICABLE_WORDS = frozenset({"khong ap dung", "kad", "n/a", "na", "not applicable", "khong co"})


def means_not_applicable(raw: object) -> bool:
    """Whether a typed value says "not applicable" ("không áp dụng", "KAD", "n/a")."""
    return isinstance(raw, str) and " ".join(_fold(raw).split()) in NOT_APPLICABLE_WORDS


def count_criteria_met(results: Iterable[bool]) -> int:
    return sum(1 for result in results if result)


# --- Tier prerequisites ----------------------------------------------------------------------

MSG_NEEDS_STANDARD = _(
    "The unit must first hold the standard NTM title (a recognition decision dated by then, not revoked by then)."
)
MSG_NEEDS_ADVANCED = _(
    "The unit must first hold the advanced NTM title (a recognition decision dated by then, not revoked by then)."
)
_MSG_NEEDS = {Tier.STANDARD: MSG_NEEDS_STANDARD, Tier.ADVANCED: MSG_NEEDS_ADVANCED}

# The tier ladder of each level (DOMAIN.md): each tier requires the title of the tier below it,
# held on the day of the decision. Communes and districts climb standard → advanced → model;
# villages' sets, issued by each province, have no advanced tier: a model village rests on the
# standard village title. Keyed by ``communes.choices.Level`` values.
LADDER: tuple[Tier, ...] = (Tier.STANDARD, Tier.ADVANCED, Tier.MODEL)
_LADDERS: dict[str, tuple[Tier, ...]] = {"village": (Tier.STANDARD, Tier.MODEL)}


def tier_ladder(level: str) -> tuple[Tier, ...]:
    """The tiers a unit of ``level`` is recognised at, from the bottom rung up."""
    return _LADDERS.get(level, LADDER)


def _ladder_with(tier: Tier, level: str) -> tuple[Tier, ...]:
    """The level's ladder, or the full one for a tier the level has no rung for (a village set
    entered at the advanced tier, which no province issues): never a crash on such a set."""
    ladder = tier_ladder(level)
    return ladder if tier in ladder else LADDER


def tier_below(tier: Tier | str, level: str) -> Tier | None:
    """The tier whose title ``tier`` requires at ``level``; None for the bottom rung."""
    ladder = _ladder_with(Tier(tier), level)
    position = ladder.index(Tier(tier))
    return ladder[position - 1] if position else None


def tiers_above(tier: Tier | str, level: str) -> tuple[Tier, ...]:
    """The tiers at ``level`` that require ``tier``'s title, directly or through another."""
    ladder = _ladder_with(Tier(tier), level)
    return ladder[ladder.index(Tier(tier)) + 1 :]


def tier_prerequisites_unmet(tier: Tier | str, level: str, *, held: Iterable[Tier | str]) -> list[str]:
    """Reasons (lazy translations) a unit of ``level`` holding the titles ``held`` on the day of
    the decision may not be recognised at ``tier``; empty if none.

    The ladder of the level (``tier_ladder``): advanced needs the standard title held and model
    the advanced one for a commune; a model village needs the standard village title. QĐ 319's
    own conditions (income, smart village, outstanding field) are criteria of the model set,
    checked like any other.
    """
    below = tier_below(tier, level)
    if below is None or below in {Tier(t) for t in held}:
        return []
    return [_MSG_NEEDS[below]]


# --- A district's conditions (QĐ 558/2016, QĐ 320/2022) ---------------------------------------

MSG_DISTRICT_COMMUNES = _(
    "Every rural commune of the district must hold the standard NTM title on the decision's date: "
    "%(held)d of %(total)d do."
)
MSG_DISTRICT_ADVANCED = _(
    "At least 10%% of the district's rural communes must hold the advanced NTM title on the "
    "decision's date (QĐ 320/QĐ-TTg): %(held)d of %(total)d do."
)


@dataclass(frozen=True)
class DistrictCommunes:
    """The district's rural communes on a day, and how many hold each title then."""

    total: int
    standard: int
    advanced: int


def district_conditions_unmet(communes: DistrictCommunes, *, needs_advanced_share: bool) -> list[str]:
    """Why a district may not be recognised as an NTM district; empty if none.

    All its rural communes NTM (both sets), and from the 2021–2025 set at least a tenth of them
    advanced. Townships' "civilised urban" standard and residents' satisfaction are conditions
    the portal holds no data for: the appraisal checks them on paper.
    """
    reasons = []
    params = {"held": communes.standard, "total": communes.total}
    if communes.total == 0 or communes.standard < communes.total:
        reasons.append(MSG_DISTRICT_COMMUNES % params)
    if needs_advanced_share and communes.advanced * 10 < communes.total:
        reasons.append(MSG_DISTRICT_ADVANCED % {"held": communes.advanced, "total": communes.total})
    return reasons
