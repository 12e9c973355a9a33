"""Numbers in a document's sentences, as offices write them."""

from decimal import Decimal

import pytest
from django.utils import translation

from ntm_portal.numbers import count_of, money_text, share_percent, vn_percent


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield  # a test may override it with English


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0 xã"), (1, "01 xã"), (3, "03 xã"), (9, "09 xã"), (10, "10 xã"), (1234, "1.234 xã")]
)
def test_counts_under_ten_take_a_leading_zero(value, text):
    assert count_of(value, "xã") == text


def test_percentages_have_one_place_and_a_comma_rounded_half_up():
    assert vn_percent(Decimal("12.24")) == "12,2%"
    assert vn_percent(Decimal("12.25")) == "12,3%"
    assert vn_percent(50) == "50,0%"
    assert share_percent(17, 139) == "12,2%"
    assert share_percent(1, 0) == "" and vn_percent(None) == ""


def test_money_is_written_in_dong_with_dots():
    assert money_text(31003700000) == "31.003.700.000 đồng"
    assert money_text(Decimal("87600000")) == "87.600.000 đồng"


def test_numbers_round_half_up_in_templates_and_services_alike():
    from ntm_portal.numbers import number, signed, vn_number

    assert [vn_number(Decimal("11.65"), 1), number(Decimal("11.65"), 1), number(2.5)] == ["11,7", "11,7", "3"]
    assert [vn_number(1234567.5, 0), vn_number(Decimal("6.50")), signed(Decimal("-0.5"), 1), signed(3)] == [
        "1.234.568",
        "6,5",
        "\u22120,5",
        "+3",
    ]


def test_the_report_filters_are_the_number_module():
    from ntm_portal import numbers
    from reports.templatetags import report_numbers

    filters = report_numbers.register.filters
    assert (filters["number"], filters["percent"], filters["signed"]) == (
        numbers.number,
        numbers.vn_percent,
        numbers.signed,
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_numbers_read_as_djangos_general_formatter_writes_them(language):
    # vn_number writes ints and Decimals itself (pages format hundreds); the text stays Django's.
    from django.utils import formats

    from ntm_portal.numbers import rounded, vn_number

    def general(value, places):
        if places is not None:
            value = rounded(value, places)
        elif isinstance(value, Decimal):
            value = value.normalize()
            value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
        return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)

    values = [0, 7, -7, 999, 1000, -1000, 1234567, 31003700000, -31003700000, 10**15]
    values += [Decimal(text) for text in ("0", "-0.0", "-0.04", "0.05", "6.5", "6.50", "100", "1E+2", "11.65")]
    values += [Decimal(text) for text in ("12.25", "0.00001", "-1234.5678", "31003700000.00", "987654321.987")]
    with translation.override(language):
        for value in values:
            for places in (None, 0, 1, 2, 3):
                assert vn_number(value, places) == general(value, places), (value, places)
        assert vn_number(1234567) == "1.234.567"  # the Vietnamese way in English too
        assert vn_number(Decimal("-0.04"), 1) == "0,0"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_function_writes_numbers_the_vietnamese_way_in_every_language(language):
    """The developers' guide: numbers and money use the Vietnamese formats, English pages too
    (as the fields read them back: "1,250" is one and a quarter)."""
    from ntm_portal.numbers import as_typed, money, number, signed, vn_number

    with translation.override(language):
        assert [vn_number(31003700000), vn_number(Decimal("89.1")), money(1500000)] == [
            "31.003.700.000",
            "89,1",
            "1.500.000 đ",
        ]
        assert [number(Decimal("11.65"), 1), signed(Decimal("-1234.5"), 1), as_typed(Decimal("1.25"))] == [
            "11,7",
            "\u22121.234,5",
            "1,25",
        ]
        assert [vn_percent(Decimal("12.24")), count_of(1234, "xã"), money_text(87600000)] == [
            "12,2%",
            "1.234 xã",
            "87.600.000 đồng",
        ]
