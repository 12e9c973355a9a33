import pytest

from communes.models import AdministrativeUnit, Commune
from communes.tests.factories import CommuneFactory
from communes.text import fold, sort_key, unit_matches

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
def test_search_finds_a_unit_by_its_code_first_then_the_codes_that_start_with_it(tree):
    # Villages are coded after their commune ("40102-01"): found too, after the commune.
    assert list(AdministrativeUnit.objects.search("40102")) == [tree.b, tree.b1]
    # Codes that only start with the text: one rank, in Vietnamese order.
    assert list(AdministrativeUnit.objects.search(" 4010")) == [tree.a1, tree.b1, tree.a2, tree.a, tree.b]


@pytest.fixture
def reused_code():
    """The 2025 reorganisation: the new ward took the old ward's code, which became "-cu"."""
    old = CommuneFactory(code="26767-cu", name="Phường Thạnh Lộc", type="phuong")
    new = CommuneFactory(code="26767", name="Phường An Phú Đông", type="phuong")
    other = CommuneFactory(code="26761", name="Phường Ân Phú", type="phuong")
    named = CommuneFactory(code="99999", name="Ấp 26767")
    return old, new, other, named


@pytest.mark.django_db
def test_a_code_search_finds_the_unit_then_its_former_unit_then_longer_codes_then_names(reused_code):
    old, new, other, named = reused_code
    assert list(AdministrativeUnit.objects.search("26767")) == [new, old, named]
    assert list(AdministrativeUnit.objects.search("26767-CU")) == [old]
    # Codes that only start with the text: one rank, in Vietnamese order; then names.
    assert list(AdministrativeUnit.objects.search("2676")) == [new, other, old, named]


@pytest.mark.django_db
def test_a_search_keeps_the_callers_order_within_a_rank(reused_code):
    old, new, other, named = reused_code
    found = AdministrativeUnit.objects.search("2676", then=("-code",))
    assert list(found) == [old, new, other, named]


@pytest.mark.parametrize(
    "text, found",
    [("26767", True), ("2676", True), ("26767-cu", True), ("26767-CU", True), ("thanh loc", True), ("267670", False)],
)
def test_unit_matches_follows_the_database_search(text, found):
    assert unit_matches(text, name="Phường Thạnh Lộc", code="26767-cu") is found


@pytest.mark.django_db
def test_the_database_lists_units_in_vietnamese_order():
    for name in reversed(NAMES):
        CommuneFactory(name=name)
    assert [u.name for u in Commune.objects.in_vietnamese_order()] == sorted(NAMES, key=sort_key)
    assert list(Commune.objects.values_list("name", flat=True)) == sorted(NAMES, key=sort_key)
