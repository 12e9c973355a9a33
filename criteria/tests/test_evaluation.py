"""The evaluation rules, tested without a database."""

from decimal import Decimal
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from criteria import evaluation as ev
from criteria.evaluation import (
    DEFAULT_CUTS,
    Bucket,
    Comparison,
    Outcome,
    TargetReason,
    TargetRule,
    TargetSubject,
    Tier,
    ValueType,
    bucket_bounds,
    bucket_for,
    count_criteria_met,
    criterion_met,
    indicator_outcome,
    parse_value,
    select_target,
    select_target_with_reason,
    tier_prerequisites_unmet,
)

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    # The project speaks Vietnamese by default; these tests read the English msgids.
    with translation.override("en"):
        yield


def refusal(raw, value_type, indicator="17.1") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_value(raw, value_type, indicator=indicator)
    return caught.value


# --- the vocabulary other code stores ---------------------------------------------------------


def test_stored_values_of_the_vocabulary_are_fixed():
    assert [v.value for v in ValueType] == ["yes_no", "percent", "number", "money", "count"]
    assert [c.value for c in Comparison] == ["gte", "lte", "eq", "met"]
    assert [o.value for o in Outcome] == ["met", "not_met", "missing", "no_target", "n_a"]
    assert [t.value for t in Tier] == ["standard", "advanced", "model"]
    assert [r.value for r in ev.Region] == ["TDMNPB", "DBSH", "BTB", "DHNTB", "TN", "DNB", "DBSCL"]
    assert ev.COMMUNE_GROUPS == (1, 2, 3)


# --- parse_value: accepted input --------------------------------------------------------------


@pytest.mark.parametrize("value_type", list(ValueType))
@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0"])
def test_an_empty_entry_is_no_value(raw, value_type):
    assert parse_value(raw, value_type, indicator="1.1") is None


@pytest.mark.parametrize(
    ("raw", "value_type", "expected"),
    [
        ("31.003.700.000", ValueType.MONEY, D("31003700000")),
        ("31.003.700.000 đ", ValueType.MONEY, D("31003700000")),
        ("31.003.700.000đ", ValueType.MONEY, D("31003700000")),
        ("650.000.000 đồng", ValueType.MONEY, D("650000000")),
        ("87.600.000 VND", ValueType.MONEY, D("87600000")),
        ("87.600.000 VNĐ", ValueType.MONEY, D("87600000")),
        ("31 003 700 000", ValueType.MONEY, D("31003700000")),
        ("650 000 000 đ", ValueType.MONEY, D("650000000")),
        ("1 500 triệu", ValueType.MONEY, D("1500000000")),
        ("12 345,5", ValueType.NUMBER, D("12345.5")),
        (" 85 ", ValueType.PERCENT, D("85")),
        ("31\u00a0003\u00a0700\u00a0000\u00a0₫", ValueType.MONEY, D("31003700000")),
        ("13055000000", ValueType.MONEY, D("13055000000")),
        ("0", ValueType.MONEY, D("0")),
        ("6,5", ValueType.PERCENT, D("6.5")),
        ("6,5%", ValueType.PERCENT, D("6.5")),
        ("6,5 %", ValueType.PERCENT, D("6.5")),
        ("6.5", ValueType.PERCENT, D("6.5")),
        ("0", ValueType.PERCENT, D("0")),
        ("100", ValueType.PERCENT, D("100")),
        ("100%", ValueType.PERCENT, D("100")),
        ("21,8", ValueType.PERCENT, D("21.8")),
        ("1.000", ValueType.NUMBER, D("1000")),
        ("1.234,5", ValueType.NUMBER, D("1234.5")),
        ("0.125", ValueType.NUMBER, D("0.125")),
        ("1234.567", ValueType.NUMBER, D("1234.567")),
        ("12.5", ValueType.NUMBER, D("12.5")),
        ("12.34", ValueType.NUMBER, D("12.34")),
        ("12.3456", ValueType.NUMBER, D("12.3456")),
        ("3,25", ValueType.NUMBER, D("3.25")),
        ("45", ValueType.NUMBER, D("45")),
        ("17", ValueType.COUNT, D("17")),
        ("1.200", ValueType.COUNT, D("1200")),
        ("0", ValueType.COUNT, D("0")),
    ],
)
def test_vietnamese_number_conventions_are_read(raw, value_type, expected):
    parsed = parse_value(raw, value_type, indicator="10.1")
    assert isinstance(parsed, Decimal)
    assert parsed == expected


@pytest.mark.parametrize(
    "raw",
    [
        "1.500.000.000",
        "1,5 tỷ",
        "1,5 tỉ",
        "1,5tỷ",
        "1,5 Tỷ đồng",
        "1500 triệu",
        "1500 tr",
        "1.500.000 nghìn",
        "1.500.000 ngàn đ",
        "1,5 ty",
    ],
)
def test_money_in_billions_millions_and_thousands_is_read_as_the_same_amount(raw):
    assert parse_value(raw, ValueType.MONEY, indicator="18.1") == D("1500000000")


@pytest.mark.parametrize(
    ("raw", "small", "large", "with_comma", "without_dot"),
    [
        ("13.055 tỷ", "13.055.000.000 đ", "13.055.000.000.000 đ", "13,055 tỷ", "13055 tỷ"),
        ("1.500 triệu đồng", "1.500.000 đ", "1.500.000.000 đ", "1,500 triệu đồng", "1500 triệu đồng"),
        ("7.180 tr", "7.180.000 đ", "7.180.000.000 đ", "7,180 tr", "7180 tr"),
    ],
)
def test_one_dot_before_a_scale_word_is_refused_with_both_readings(raw, small, large, with_comma, without_dot):
    """QA: "13.055 tỷ" was stored as 13.055 tỷ (a thousandfold what a writer of "1.5 tỷ" means,
    which is read as 1,5 tỷ), without a word: neither reading is guessed."""
    with translation.override("en"):
        error = refusal(raw, ValueType.MONEY, indicator="Vốn")
        assert error.code == "scaled_ambiguous"
        assert error.messages == [
            f"Vốn: “{raw}” can mean {small} or {large}. Write “{with_comma}” for the first, "
            f"or “{without_dot}” for the second."
        ]
    assert parse_value(with_comma, ValueType.MONEY) * 1000 == parse_value(without_dot, ValueType.MONEY)


def test_a_scaled_amount_keeps_its_decimal_digits():
    assert parse_value("2,35 triệu", ValueType.MONEY) == D("2350000")
    assert parse_value("0,5 tỷ", ValueType.MONEY) == D("500000000")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("tỷ", ev.MSG_NOT_A_NUMBER),
        ("1,5 tỷ tỷ", ev.MSG_NOT_A_NUMBER),
        ("triệu 5", ev.MSG_NOT_A_NUMBER),
        ("1,5 đô", ev.MSG_NOT_A_NUMBER),
        ("1,0000005 triệu", ev.MSG_NOT_WHOLE),
        ("2.000.000 tỷ", ev.MSG_TOO_LARGE),
        ("-1 tỷ", ev.MSG_NEGATIVE),
        ("1,2,3 tỷ", ev.MSG_BAD_SEPARATORS),
    ],
)
def test_scale_words_that_do_not_make_a_whole_amount_are_refused(raw, message):
    assert refusal(raw, ValueType.MONEY).message is message


def test_scale_words_are_only_read_for_money():
    assert refusal("1,5 tỷ", ValueType.NUMBER).message is ev.MSG_NOT_A_NUMBER
    assert refusal("15 triệu", ValueType.COUNT).message is ev.MSG_NOT_A_NUMBER


@pytest.mark.parametrize(
    ("raw", "value_type", "expected"),
    [
        (45, ValueType.NUMBER, D("45")),
        (D("6.5"), ValueType.PERCENT, D("6.5")),
        (6.5, ValueType.PERCENT, D("6.5")),
        (0.1, ValueType.NUMBER, D("0.1")),
        (31003700000, ValueType.MONEY, D("31003700000")),
        (17.0, ValueType.COUNT, D("17")),
        (D("17.00"), ValueType.COUNT, D("17")),
    ],
)
def test_spreadsheet_cell_numbers_are_read_exactly(raw, value_type, expected):
    parsed = parse_value(raw, value_type, indicator="10.1")
    assert isinstance(parsed, Decimal)
    assert parsed == expected


@pytest.mark.parametrize(
    ("raw", "value_type", "shown"),
    [
        (D("17.00"), ValueType.COUNT, "17"),
        (D("1E+3"), ValueType.COUNT, "1000"),
        (31003700000.0, ValueType.MONEY, "31003700000"),
        ("6,50", ValueType.PERCENT, "6.5"),
        ("1,50000", ValueType.NUMBER, "1.5"),
        ("45,0", ValueType.NUMBER, "45"),
        ("-0", ValueType.NUMBER, "0"),
        ("0,0001", ValueType.PERCENT, "0.0001"),
    ],
)
def test_values_come_back_without_trailing_zeros_so_stored_decimal_places_stay_real(raw, value_type, shown):
    assert str(parse_value(raw, value_type)) == shown


@pytest.mark.parametrize(
    "raw",
    ["có", "Có", "CÓ", "co", "đạt", "Đạt", "dat", "x", "X", "yes", "Yes", "true", "TRUE", "1", " có ", True, 1, D(1)],
)
def test_yes_words_mean_yes(raw):
    assert parse_value(raw, ValueType.YES_NO, indicator="3.2") is True


@pytest.mark.parametrize(
    "raw",
    [
        "không",
        "Không",
        "KHÔNG",
        "khong",
        "chưa đạt",
        "Chưa đạt",
        "chua dat",
        "chưa  đạt",
        "không đạt",
        "no",
        "No",
        "false",
        "False",
        "0",
        False,
        0,
        D(0),
    ],
)
def test_no_words_mean_no(raw):
    assert parse_value(raw, ValueType.YES_NO, indicator="3.2") is False


def test_decomposed_unicode_from_another_keyboard_is_read_like_composed():
    decomposed = "\u0111o\u0302\u0300ng"  # "đồng" typed as letters plus combining marks
    assert parse_value("1.000 " + decomposed, ValueType.MONEY) == D("1000")
    assert parse_value("co\u0301", ValueType.YES_NO) is True


# --- parse_value: refused input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value_type", "message"),
    [
        ("abc", ValueType.NUMBER, ev.MSG_NOT_A_NUMBER),
        ("12 ha", ValueType.NUMBER, ev.MSG_NOT_A_NUMBER),
        ("1e5", ValueType.NUMBER, ev.MSG_NOT_A_NUMBER),
        ("6,5%", ValueType.NUMBER, ev.MSG_NOT_A_NUMBER),
        ("1.000 đ", ValueType.NUMBER, ev.MSG_NOT_A_NUMBER),
        ("có", ValueType.COUNT, ev.MSG_NOT_A_NUMBER),
        (",5", ValueType.NUMBER, ev.MSG_NOT_A_NUMBER),
        (True, ValueType.COUNT, ev.MSG_NOT_A_NUMBER),
        (object(), ValueType.NUMBER, ev.MSG_NOT_A_NUMBER),
        ("NaN", ValueType.NUMBER, ev.MSG_NOT_FINITE),
        ("nan", ValueType.PERCENT, ev.MSG_NOT_FINITE),
        ("Infinity", ValueType.NUMBER, ev.MSG_NOT_FINITE),
        ("-inf", ValueType.NUMBER, ev.MSG_NOT_FINITE),
        (D("NaN"), ValueType.NUMBER, ev.MSG_NOT_FINITE),
        (float("inf"), ValueType.MONEY, ev.MSG_NOT_FINITE),
        ("1,234.5", ValueType.NUMBER, ev.MSG_BAD_SEPARATORS),
        ("1,234,567", ValueType.MONEY, ev.MSG_BAD_SEPARATORS),
        ("1.2.3", ValueType.NUMBER, ev.MSG_BAD_SEPARATORS),
        ("12.34,5", ValueType.NUMBER, ev.MSG_BAD_SEPARATORS),
        ("1.2345.678", ValueType.NUMBER, ev.MSG_BAD_SEPARATORS),
        # QA: "8 5" was saved as 85 and "4 5" as 45: spaces group thousands, nothing else.
        ("8 5", ValueType.PERCENT, ev.MSG_BAD_SEPARATORS),
        ("4 5", ValueType.NUMBER, ev.MSG_BAD_SEPARATORS),
        ("1 50 000", ValueType.MONEY, ev.MSG_BAD_SEPARATORS),
        ("1500 000", ValueType.MONEY, ev.MSG_BAD_SEPARATORS),
        ("12 3,5", ValueType.NUMBER, ev.MSG_BAD_SEPARATORS),
        ("1,23456", ValueType.NUMBER, ev.MSG_TOO_PRECISE),
        ("0.00001", ValueType.PERCENT, ev.MSG_TOO_PRECISE),
        (D("1.00001"), ValueType.NUMBER, ev.MSG_TOO_PRECISE),
        ("1," + "0" * 29 + "1", ValueType.NUMBER, ev.MSG_TOO_PRECISE),
        ("1000000000000001", ValueType.NUMBER, ev.MSG_TOO_LARGE),
        ("-1000000000000001", ValueType.NUMBER, ev.MSG_TOO_LARGE),
        (10**16, ValueType.MONEY, ev.MSG_TOO_LARGE),
        ("101", ValueType.PERCENT, ev.MSG_PERCENT_RANGE),
        ("100,01", ValueType.PERCENT, ev.MSG_PERCENT_RANGE),
        ("-0,5", ValueType.PERCENT, ev.MSG_PERCENT_RANGE),
        ("2,5", ValueType.COUNT, ev.MSG_NOT_WHOLE),
        ("5,0", ValueType.COUNT, ev.MSG_NOT_WHOLE),
        ("5.0", ValueType.COUNT, ev.MSG_NOT_WHOLE),
        (D("2.5"), ValueType.COUNT, ev.MSG_NOT_WHOLE),
        ("1.000,5 đ", ValueType.MONEY, ev.MSG_NOT_WHOLE),
        ("1,000", ValueType.MONEY, ev.MSG_NOT_WHOLE),
        ("-1", ValueType.COUNT, ev.MSG_NEGATIVE),
        ("-650.000.000 đ", ValueType.MONEY, ev.MSG_NEGATIVE),
        ("-3", ValueType.NUMBER, ev.MSG_NEGATIVE),  # an income typed "-3": a mistake, not "not met"
        ("-3,25", ValueType.NUMBER, ev.MSG_NEGATIVE),
        ("-1.000", ValueType.NUMBER, ev.MSG_NEGATIVE),
        (D("-0.5"), ValueType.NUMBER, ev.MSG_NEGATIVE),
        (-3, ValueType.COUNT, ev.MSG_NEGATIVE),
        ("maybe", ValueType.YES_NO, ev.MSG_NOT_YES_NO),
        ("chưa", ValueType.YES_NO, ev.MSG_NOT_YES_NO),
        ("2", ValueType.YES_NO, ev.MSG_NOT_YES_NO),
        (2, ValueType.YES_NO, ev.MSG_NOT_YES_NO),
        (D("0.5"), ValueType.YES_NO, ev.MSG_NOT_YES_NO),
    ],
)
def test_bad_input_is_refused_with_its_own_message(raw, value_type, message):
    error = refusal(raw, value_type)
    assert error.message is message


@pytest.mark.parametrize(
    ("raw", "value_type"),
    [
        ("abc", ValueType.NUMBER),
        ("NaN", ValueType.NUMBER),
        ("1,234.5", ValueType.NUMBER),
        ("1,23456", ValueType.NUMBER),
        ("1000000000000001", ValueType.NUMBER),
        ("101", ValueType.PERCENT),
        ("2,5", ValueType.COUNT),
        ("-1", ValueType.COUNT),
        ("maybe", ValueType.YES_NO),
    ],
)
def test_every_refusal_names_the_indicator(raw, value_type):
    (text,) = refusal(raw, value_type, indicator="17.1").messages
    assert text.startswith("17.1: ")


def test_percent_above_100_is_refused_with_the_indicator_named():
    assert refusal("101", ValueType.PERCENT, indicator="17.1").messages == [
        "17.1: a percentage must be between 0 and 100."
    ]


def test_text_in_a_number_field_is_quoted_back_to_the_user():
    (text,) = refusal(" abc ", ValueType.NUMBER, indicator="10.1").messages
    assert text == "10.1: “abc” is not a number."


@pytest.mark.parametrize(("raw", "shown"), [(True, "true"), (False, "false")])
@pytest.mark.parametrize("value_type", [ValueType.NUMBER, ValueType.PERCENT, ValueType.MONEY, ValueType.COUNT])
def test_a_boolean_for_a_number_is_shown_as_json_writes_it(raw, shown, value_type):
    (text,) = refusal(raw, value_type, indicator="10.1").messages
    assert text == f"10.1: “{shown}” is not a number."


def test_a_refused_number_read_with_a_thousands_dot_says_the_decimal_mark_is_a_comma():
    """QA: a percentage typed "12.345" was read as 12345 and refused as out of range, with no
    word on why."""
    error = refusal("12.345", ValueType.PERCENT, indicator="2.3")
    assert error.code == "percent_range"
    assert error.messages == [
        "2.3: a percentage must be between 0 and 100. “12.345” was read with “.” as the thousands "
        "separator; in Vietnamese the decimal mark is a comma (“12,345”)."
    ]


@pytest.mark.parametrize(
    ("raw", "value_type"),
    [
        ("-1.000", ValueType.NUMBER),  # refused as negative with a comma too
        ("101.000", ValueType.PERCENT),  # 101 is out of range either way
        ("1.234.567", ValueType.PERCENT),  # two dots are no decimal mark
        ("1,5.000", ValueType.PERCENT),
    ],
)
def test_no_comma_hint_where_a_comma_would_not_have_helped(raw, value_type):
    assert "decimal mark" not in refusal(raw, value_type).messages[0]


def test_a_refusal_without_an_indicator_code_still_reads():
    with pytest.raises(ValidationError) as caught:
        parse_value("101", ValueType.PERCENT)
    assert caught.value.messages == ["Value: a percentage must be between 0 and 100."]


def test_the_refusal_messages_are_all_different():
    messages = [
        ev.MSG_NOT_A_NUMBER,
        ev.MSG_NOT_FINITE,
        ev.MSG_BAD_SEPARATORS,
        ev.MSG_TOO_PRECISE,
        ev.MSG_TOO_LARGE,
        ev.MSG_PERCENT_RANGE,
        ev.MSG_NOT_WHOLE,
        ev.MSG_NEGATIVE,
        ev.MSG_NOT_YES_NO,
    ]
    assert len({str(m) for m in messages}) == len(messages)


@pytest.mark.parametrize(
    ("raw", "value_type", "expected"),
    [
        ("1000000000000000", ValueType.MONEY, D(10) ** 15),
        ("1.000.000.000.000.000", ValueType.NUMBER, D(10) ** 15),
        ("0,0001", ValueType.PERCENT, D("0.0001")),
        ("1,50000", ValueType.NUMBER, D("1.5")),
    ],
)
def test_limits_themselves_are_accepted(raw, value_type, expected):
    assert parse_value(raw, value_type) == expected


def test_an_unknown_value_type_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_value("1", "text")


# --- target selection --------------------------------------------------------------------------

NATIONAL = TargetRule(D(45), key="national")
MOUNTAIN = TargetRule(D(36), region="TDMNPB", key="mountain")
RED_RIVER = TargetRule(D(50), region="DBSH", key="red_river")
INCOME_TARGETS = [NATIONAL, MOUNTAIN, RED_RIVER]


def choose(targets, *, region="DBSH", group=None, year=2020, **kwargs):
    return select_target(targets, TargetSubject(region=region, group=group, year=year, **kwargs))


@pytest.mark.parametrize(
    ("region", "expected"),
    [("TDMNPB", MOUNTAIN), ("DBSH", RED_RIVER), ("DNB", NATIONAL), (None, NATIONAL)],
)
def test_a_region_target_applies_to_its_region_and_others_fall_back_to_national(region, expected):
    assert choose(INCOME_TARGETS, region=region) is expected


@pytest.mark.parametrize(("group", "expected"), [(1, D(70)), (2, D(60)), (3, D(50))])
def test_a_group_target_applies_to_its_commune_group(group, expected):
    targets = [TargetRule(D(70), group=1), TargetRule(D(60), group=2), TargetRule(D(50), group=3)]
    assert choose(targets, region=None, group=group, year=2026).value == expected


def test_no_group_target_applies_to_a_commune_without_a_group():
    targets = [TargetRule(D(70), group=1), TargetRule(D(60), group=2)]
    assert choose(targets, region=None, group=None, year=2026) is None


YEARLY = [
    TargetRule(D(40), year=2021, key=2021),
    TargetRule(D(45), year=2023, key=2023),
    TargetRule(D(50), year=2025, key=2025),
]


@pytest.mark.parametrize(
    ("year", "expected_key"),
    [(2020, None), (2021, 2021), (2022, 2021), (2023, 2023), (2024, 2023), (2025, 2025), (2030, 2025)],
)
def test_a_year_target_applies_from_its_year_on_and_the_latest_applicable_wins(year, expected_key):
    chosen = choose(YEARLY, year=year)
    assert (chosen.key if chosen else None) == expected_key


def test_a_future_year_target_does_not_apply_and_the_general_one_does():
    targets = [NATIONAL, TargetRule(D(60), year=2025)]
    assert choose(targets, year=2024) is NATIONAL


def test_the_latest_applicable_year_wins_whatever_the_input_order():
    assert choose(list(reversed(YEARLY)), year=2024).key == 2023


def test_region_and_year_together_beat_either_alone():
    both = TargetRule(D(41), region="TDMNPB", year=2022)
    targets = [NATIONAL, MOUNTAIN, TargetRule(D(47), year=2022), both]
    assert choose(targets, region="TDMNPB", year=2023) is both


def test_a_more_specific_target_beats_a_later_but_more_general_one():
    specific = TargetRule(D(36), region="TDMNPB", year=2021)
    general_later = TargetRule(D(48), year=2024)
    assert choose([general_later, specific], region="TDMNPB", year=2025) is specific


def test_a_specific_target_for_another_unit_does_not_beat_the_general_one():
    targets = [NATIONAL, TargetRule(D(1), region="DBSH", group=2, year=2020)]
    assert choose(targets, region="DBSH", group=3, year=2020) is NATIONAL


def test_among_equally_specific_targets_a_region_one_beats_a_group_one():
    by_group = TargetRule(D(60), group=2)
    by_region = TargetRule(D(50), region="DBSH")
    assert choose([by_group, by_region], region="DBSH", group=2) is by_region
    assert choose([by_region, by_group], region="DBSH", group=2) is by_region


def test_exact_duplicates_resolve_to_the_first_given():
    first, second = TargetRule(D(1), region="DBSH", key="a"), TargetRule(D(2), region="DBSH")
    assert choose([first, second]) is first


def test_no_matching_target_gives_none():
    assert choose([MOUNTAIN, RED_RIVER], region="TN") is None
    assert choose([], region="TN") is None


def test_a_target_to_verify_is_still_selected_and_keeps_its_flag():
    draft = TargetRule(D(36), region="TDMNPB", to_verify=True)
    assert choose([NATIONAL, draft], region="TDMNPB").to_verify is True


def test_targets_can_be_any_iterable_consumed_once():
    assert choose(iter(INCOME_TARGETS), region="TDMNPB") is MOUNTAIN


@pytest.mark.parametrize("own_region", ["DBSCL", "TN", "DBSH"])
def test_an_especially_disadvantaged_commune_uses_the_mountain_region_targets(own_region):
    chosen = choose(
        INCOME_TARGETS,
        region=own_region,
        especially_disadvantaged=True,
        disadvantaged_region="TDMNPB",
    )
    assert chosen is MOUNTAIN


def test_the_disadvantaged_rule_falls_back_to_the_national_target_without_a_region_one():
    chosen = choose(
        [NATIONAL, RED_RIVER],
        region="DBSH",
        especially_disadvantaged=True,
        disadvantaged_region="TDMNPB",
    )
    assert chosen is NATIONAL


def test_a_disadvantaged_commune_keeps_its_own_region_when_no_substitute_is_given():
    assert choose(INCOME_TARGETS, region="DBSH", especially_disadvantaged=True) is RED_RIVER


def test_the_substitute_region_is_ignored_for_an_ordinary_commune():
    assert choose(INCOME_TARGETS, region="DBSH", disadvantaged_region="TDMNPB") is RED_RIVER


def test_the_reason_names_the_region_that_decided():
    target, reason = select_target_with_reason(INCOME_TARGETS, TargetSubject(region="DBSH", group=None, year=2020))
    assert target is RED_RIVER
    assert reason == TargetReason(region="DBSH")
    assert not reason.national_default


def test_the_reason_names_the_year_that_decided():
    _target, reason = select_target_with_reason(YEARLY, TargetSubject(region="DBSH", group=2, year=2024))
    assert reason == TargetReason(year=2023)


def test_the_reason_names_the_group_that_decided():
    targets = [TargetRule(D(1)), TargetRule(D(2), group=3, year=2026)]
    _target, reason = select_target_with_reason(targets, TargetSubject(region=None, group=3, year=2027))
    assert reason == TargetReason(group=3, year=2026)


def test_the_reason_says_national_default_when_no_dimension_decided():
    target, reason = select_target_with_reason(INCOME_TARGETS, TargetSubject(region="TN", group=None, year=2020))
    assert target is NATIONAL
    assert reason.matched and reason.national_default
    assert not reason.disadvantaged


def test_the_reason_says_when_the_disadvantaged_rule_decided():
    _target, reason = select_target_with_reason(
        INCOME_TARGETS,
        TargetSubject(
            region="DBSCL", group=None, year=2020, especially_disadvantaged=True, disadvantaged_region="TDMNPB"
        ),
    )
    assert reason == TargetReason(region="TDMNPB", disadvantaged=True)


def test_the_reason_does_not_claim_the_disadvantaged_rule_for_a_national_target():
    _target, reason = select_target_with_reason(
        [NATIONAL],
        TargetSubject(
            region="DBSCL", group=None, year=2020, especially_disadvantaged=True, disadvantaged_region="TDMNPB"
        ),
    )
    assert reason.national_default and not reason.disadvantaged


def test_the_reason_says_nothing_matched():
    target, reason = select_target_with_reason([MOUNTAIN], TargetSubject(region="TN", group=None, year=2020))
    assert target is None
    assert not reason.matched and not reason.national_default


# --- indicator outcome -------------------------------------------------------------------------

NUMERIC_TYPES = [ValueType.PERCENT, ValueType.NUMBER, ValueType.MONEY, ValueType.COUNT]


def outcome(value, value_type, comparison, target_value=None, *, no_target=False):
    target = None if no_target else TargetRule(target_value)
    return indicator_outcome(value, value_type=value_type, comparison=comparison, target=target)


@pytest.mark.parametrize("value_type", NUMERIC_TYPES)
@pytest.mark.parametrize(
    ("comparison", "value", "target", "expected"),
    [
        (Comparison.GTE, D(80), D(80), Outcome.MET),
        (Comparison.GTE, D("80.0001"), D(80), Outcome.MET),
        (Comparison.GTE, D("79.9999"), D(80), Outcome.NOT_MET),
        (Comparison.LTE, D(6), D(6), Outcome.MET),
        (Comparison.LTE, D("5.5"), D(6), Outcome.MET),
        (Comparison.LTE, D("6.0001"), D(6), Outcome.NOT_MET),
        (Comparison.EQ, D(100), D(100), Outcome.MET),
        (Comparison.EQ, D("100.00"), D(100), Outcome.MET),
        (Comparison.EQ, D("99.9999"), D(100), Outcome.NOT_MET),
        (Comparison.EQ, D(100), D("99.9999"), Outcome.NOT_MET),
    ],
)
def test_numeric_comparisons_are_exact(value_type, comparison, value, target, expected):
    assert outcome(value, value_type, comparison, target) is expected


@pytest.mark.parametrize("value_type", NUMERIC_TYPES)
@pytest.mark.parametrize("comparison", [Comparison.GTE, Comparison.LTE, Comparison.EQ])
def test_a_numeric_value_without_a_target_has_no_target(value_type, comparison):
    assert outcome(D(5), value_type, comparison, no_target=True) is Outcome.NO_TARGET
    assert outcome(D(5), value_type, comparison, None) is Outcome.NO_TARGET


@pytest.mark.parametrize(
    ("value_type", "comparison"),
    [(t, c) for t in NUMERIC_TYPES for c in (Comparison.GTE, Comparison.LTE, Comparison.EQ)]
    + [(ValueType.YES_NO, Comparison.EQ), (ValueType.YES_NO, Comparison.MET)],
)
def test_an_empty_value_is_missing_whatever_the_target(value_type, comparison):
    assert outcome(None, value_type, comparison, D(1)) is Outcome.MISSING
    assert outcome(None, value_type, comparison, no_target=True) is Outcome.MISSING


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (True, None, Outcome.MET),
        (False, None, Outcome.NOT_MET),
        (True, True, Outcome.MET),
        (False, True, Outcome.NOT_MET),
    ],
)
def test_a_yes_no_indicator_compared_as_met_needs_no_target(value, target, expected):
    assert outcome(value, ValueType.YES_NO, Comparison.MET, target) is expected
    assert outcome(value, ValueType.YES_NO, Comparison.MET, no_target=True) is expected


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (True, True, Outcome.MET),
        (False, False, Outcome.MET),
        (True, False, Outcome.NOT_MET),
        (False, True, Outcome.NOT_MET),
        (True, None, Outcome.NO_TARGET),
    ],
)
def test_a_yes_no_indicator_compared_as_equal_compares_booleans(value, target, expected):
    assert outcome(value, ValueType.YES_NO, Comparison.EQ, target) is expected


def test_the_enum_values_as_stored_strings_work_too():
    assert indicator_outcome(D(81), value_type="percent", comparison="gte", target=TargetRule(D(80))) is Outcome.MET


@pytest.mark.parametrize(
    ("value", "value_type", "comparison", "target"),
    [
        (True, ValueType.PERCENT, Comparison.MET, None),
        (True, ValueType.YES_NO, Comparison.GTE, True),
        (True, ValueType.YES_NO, Comparison.LTE, True),
        (D(1), ValueType.YES_NO, Comparison.MET, None),
        (D(1), ValueType.YES_NO, Comparison.EQ, True),
        (True, ValueType.PERCENT, Comparison.GTE, D(1)),
        (D(1), ValueType.PERCENT, Comparison.GTE, True),
    ],
)
def test_a_catalog_inconsistency_is_a_programming_error(value, value_type, comparison, target):
    with pytest.raises(ValueError):
        outcome(value, value_type, comparison, target)


# --- criteria ---------------------------------------------------------------------------------

M, N, X, T = Outcome.MET, Outcome.NOT_MET, Outcome.MISSING, Outcome.NO_TARGET


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([(True, M)], True),
        ([(True, M), (True, M), (False, N)], True),
        ([(True, M), (False, X), (False, T)], True),
        ([(True, M), (True, N)], False),
        ([(True, M), (True, X)], False),
        ([(True, M), (True, T)], False),
        ([], False),
        ([(False, M), (False, M)], False),
    ],
)
def test_a_criterion_is_met_when_every_required_indicator_is_met(items, expected):
    assert criterion_met(items) is expected
    assert criterion_met(iter(items)) is expected


def test_criteria_met_are_counted():
    assert count_criteria_met([True, False, True, True]) == 3
    assert count_criteria_met([]) == 0
    assert count_criteria_met(met for met in [False, False]) == 0


# --- progress buckets -------------------------------------------------------------------------


def spans(total, **kwargs):
    return [(b.low, b.high, b.label) for b in bucket_bounds(total, **kwargs)]


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (19, [(19, 19, "19"), (15, 18, "15–18"), (10, 14, "10–14"), (5, 9, "5–9"), (0, 4, "under 5")]),
        (10, [(10, 10, "10"), (8, 9, "8–9"), (5, 7, "5–7"), (3, 4, "3–4"), (0, 2, "under 3")]),
        (20, [(20, 20, "20"), (16, 19, "16–19"), (11, 15, "11–15"), (5, 10, "5–10"), (0, 4, "under 5")]),
        (9, [(9, 9, "9"), (7, 8, "7–8"), (5, 6, "5–6"), (2, 4, "2–4"), (0, 1, "under 2")]),
    ],
)
def test_bucket_tables_for_the_set_sizes_in_use(total, expected):
    assert spans(total) == expected


@pytest.mark.parametrize(
    ("met", "label"),
    [
        (0, "under 5"),
        (4, "under 5"),
        (5, "5–9"),
        (9, "5–9"),
        (10, "10–14"),
        (14, "10–14"),
        (15, "15–18"),
        (18, "15–18"),
        (19, "19"),
    ],
)
def test_a_commune_of_the_19_criteria_set_lands_in_the_reported_bucket(met, label):
    assert bucket_for(met, 19).label == label


@pytest.mark.parametrize("total", [1, 2, 3, 5, 9, 10, 19, 20, 40])
def test_scaled_buckets_are_contiguous_and_every_count_lands_in_exactly_one(total):
    buckets = bucket_bounds(total)
    assert buckets[0] == Bucket(total, total, str(total))
    assert buckets[-1].low == 0
    for upper, lower in pairwise(buckets):
        assert lower.high == upper.low - 1
        assert lower.low <= lower.high
    for met in range(total + 1):
        assert sum(met in b for b in buckets) == 1
        assert met in bucket_for(met, total)


def test_small_sets_drop_colliding_cuts_instead_of_producing_empty_buckets():
    assert spans(3) == [(3, 3, "3"), (2, 2, "2"), (1, 1, "1"), (0, 0, "under 1")]


def test_the_cut_points_can_be_configured():
    assert spans(19, cuts=(19, 17, 12)) == [(19, 19, "19"), (17, 18, "17–18"), (12, 16, "12–16"), (0, 11, "under 12")]
    assert bucket_for(16, 20, cuts=(10, 8), reference=10).label == "16–19"
    assert DEFAULT_CUTS == (19, 15, 10, 5)


@pytest.mark.parametrize(("met", "total"), [(-1, 19), (20, 19), (11, 10), (-1, 0)])
def test_a_count_outside_the_set_is_refused(met, total):
    with pytest.raises(ValueError):
        bucket_for(met, total)


@pytest.mark.parametrize(
    ("total", "cuts"),
    [(0, DEFAULT_CUTS), (19, ()), (19, (15, 10, 5)), (19, (19, 10, 15)), (19, (19, 10, 10)), (19, (19, 5, 0))],
)
def test_meaningless_bucket_settings_are_refused(total, cuts):
    with pytest.raises(ValueError):
        bucket_bounds(total, cuts)


# --- tier prerequisites -----------------------------------------------------------------------


def unmet(tier, *, standard=True, advanced=True, level="commune"):
    held = [t for t, holds in ((Tier.STANDARD, standard), (Tier.ADVANCED, advanced)) if holds]
    return tier_prerequisites_unmet(tier, level, held=held)


def test_the_standard_tier_has_no_prerequisite():
    assert unmet(Tier.STANDARD, standard=False, advanced=False) == []
    assert unmet(Tier.STANDARD, standard=False, advanced=False, level="village") == []


def test_the_advanced_tier_needs_the_standard_title():
    assert unmet(Tier.ADVANCED, standard=False, advanced=False) == [ev.MSG_NEEDS_STANDARD]
    assert unmet(Tier.ADVANCED, standard=True, advanced=False) == []


def test_the_model_tier_needs_the_advanced_title():
    assert unmet(Tier.MODEL, advanced=False) == [ev.MSG_NEEDS_ADVANCED]
    assert unmet(Tier.MODEL, standard=True, advanced=True) == []
    assert unmet(Tier.MODEL, standard=True, advanced=False, level="district") == [ev.MSG_NEEDS_ADVANCED]


def test_a_model_village_needs_the_standard_village_title_villages_have_no_advanced_tier():
    assert unmet(Tier.MODEL, standard=True, advanced=False, level="village") == []
    assert unmet(Tier.MODEL, standard=False, advanced=False, level="village") == [ev.MSG_NEEDS_STANDARD]


def test_the_ladder_is_per_level():
    assert ev.tier_ladder("commune") == (Tier.STANDARD, Tier.ADVANCED, Tier.MODEL)
    assert ev.tier_ladder("village") == (Tier.STANDARD, Tier.MODEL)
    assert ev.tier_below(Tier.MODEL, "village") == Tier.STANDARD
    assert ev.tier_below(Tier.MODEL, "commune") == Tier.ADVANCED
    assert ev.tier_below(Tier.STANDARD, "village") is None
    assert ev.tiers_above(Tier.STANDARD, "village") == (Tier.MODEL,)
    assert ev.tiers_above(Tier.STANDARD, "commune") == (Tier.ADVANCED, Tier.MODEL)
    # a village set entered at the advanced tier (no province issues one) follows the full ladder
    assert ev.tier_below(Tier.ADVANCED, "village") == Tier.STANDARD


def test_tier_reasons_are_readable_messages():
    (reason,) = unmet("advanced", standard=False)
    assert (
        str(reason)
        == "The unit must first hold the standard NTM title (a recognition decision dated by then, not revoked by then)."
    )


@pytest.mark.parametrize("raw", ["８５", "٨٥", "۸۵", "1.０００", "８５,５", "१२"])
def test_only_ascii_digits_are_read_as_numbers(raw):
    with pytest.raises(ValidationError) as caught:
        ev.parse_value(raw, ev.ValueType.PERCENT if "," in raw else ev.ValueType.COUNT, indicator="2.1")
    assert caught.value.code in {"not_a_number", "bad_separators"}


def test_the_first_subject_without_a_target_value_is_named():
    rules = [
        ev.TargetRule(value=Decimal(70), region="TDMNPB"),
        ev.TargetRule(value=None, region="DBSH"),
        ev.TargetRule(value=Decimal(80), year=2023),
    ]
    subjects = [ev.TargetSubject(region=r, group=None, year=y) for r in ("TDMNPB", "DBSH") for y in (2022,)]
    assert ev.first_subject_without_target(rules, subjects) == subjects[1]  # the empty row is the specific one
    assert ev.first_subject_without_target(rules[:1], subjects[:1]) is None
    early = ev.TargetSubject(region="BTB", group=None, year=2022)
    assert ev.first_subject_without_target(rules, [early]) == early
