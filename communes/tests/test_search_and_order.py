import pytest

from communes.models import AdministrativeUnit, Commune
from communes.tests.factories import CommuneFactory
from communes.text import fold, sort_key

NAMES = ["Đức Lĩnh", "Dương Thủy", "Cẩm Thạch", "Ăn Khê", "An Phú", "Âu Cơ", "Bình Minh", "Ân Thi", "Ea Kar"]


@pytest.mark.parametrize(
    "text, folded",
    [("Đức Lĩnh", "duc linh"), ("  CẨM   Thạch ", "cam thach"), ("Thủy Ứng", "thuy ung"), ("Ea H'leo", "ea h'leo")],
)
def test_fold_drops_diacritics_and_case(text, folded):
    assert fold(text) == folded


def test_sort_key_puts_breve_and_circumflex_after_a_and_d_stroke_after_d():
    ordered = sorted(NAMES, key=sort_key)
    assert ordered == [
        "An Phú",
        "Ăn Khê",
        "Ân Thi",
        "Âu Cơ",
        "Bình Minh",
        "Cẩm Thạch",
        "Dương Thủy",
        "Đức Lĩnh",
        "Ea Kar",
    ]


def test_sort_key_orders_tones_after_letters():
    assert sorted(["Ạ", "Á", "Ã", "Ả", "À", "A"], key=sort_key) == ["A", "À", "Ả", "Ã", "Á", "Ạ"]
    assert sorted(["Mà", "Ma", "Mai"], key=sort_key) == ["Ma", "Mà", "Mai"]


def test_sort_key_orders_numbers_by_value():
    assert sorted(["Thôn 10", "Thôn 2", "Thôn 1", "Thôn 1A"], key=sort_key) == [
        "Thôn 1",
        "Thôn 1A",
        "Thôn 2",
        "Thôn 10",
    ]


def test_sort_key_is_digits_only_so_every_collation_agrees():
    assert sort_key("Đức Lĩnh – Ea H'leo (cũ)").isdigit()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected",
    [
        ("cam thach", ["Cẩm Thạch"]),
        ("duc linh", ["Đức Lĩnh"]),
        ("ĐỨC", ["Đức Lĩnh"]),
        ("an", ["An Phú", "Ăn Khê", "Ân Thi"]),
        ("thuy", ["Dương Thủy"]),
        ("xyz", []),
    ],
)
def test_search_ignores_diacritics_and_case_and_lists_in_vietnamese_order(query, expected):
    for name in NAMES:
        CommuneFactory(name=name)
    assert [u.name for u in Commune.objects.search(query).in_vietnamese_order()] == expected


@pytest.mark.django_db
def test_search_also_finds_a_unit_by_its_exact_code(tree):
    assert list(AdministrativeUnit.objects.search("40102")) == [tree.b]


@pytest.mark.django_db
def test_the_database_lists_units_in_vietnamese_order():
    for name in reversed(NAMES):
        CommuneFactory(name=name)
    assert [u.name for u in Commune.objects.in_vietnamese_order()] == sorted(NAMES, key=sort_key)
    assert list(Commune.objects.values_list("name", flat=True)) == sorted(NAMES, key=sort_key)
