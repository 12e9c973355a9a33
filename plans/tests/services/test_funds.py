import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from plans.models import FundChange, FundEntry
from plans.services import FundCell, StaleWriteError, funds_record
from plans.tests.factories import make_fund

pytestmark = pytest.mark.django_db


def _record(user, unit, *cells, year=2025):
    return funds_record(unit=unit, year=year, cells=cells, user=user)


def test_an_officer_records_amounts_typed_in_vietnamese_style(tree, personas):
    saved = _record(
        personas.officer_a,
        tree.a,
        FundCell(3, "residents", "13.055.000.000", 0),
        FundCell(3, "enterprises", "87.600.000 đ", 0),
        FundCell(4, "district", 650_000_000, 0),
    )
    assert saved["3-residents"].amount == Decimal(13_055_000_000)
    assert FundEntry.objects.get(unit=tree.a, month=3, source="enterprises").amount == Decimal(87_600_000)
    assert FundEntry.objects.get(unit=tree.a, month=4).entered_by == personas.officer_a
    assert FundChange.objects.count() == 3


@pytest.mark.parametrize(
    ("cell", "key", "message"),
    [
        (FundCell(3, "central", "-5.000", 0), "3-central", "Central budget, 3/2025: the value cannot be negative."),
        (FundCell(3, "central", -5000, 0), "3-central", "Central budget, 3/2025: the value cannot be negative."),
        (FundCell(13, "central", "5", 0), "13-central", "The month must be between 1 and 12."),
        (FundCell(0, "credit", "5", 0), "0-credit", "The month must be between 1 and 12."),
        (FundCell(3, "lottery", "5", 0), "3-lottery", "“lottery” is not a source of funds."),
        (FundCell(3, "credit", "1,5", 0), "3-credit", "Credit, 3/2025: a whole number is expected."),
        (FundCell(3, "other", "mười", 0), "3-other", "Other sources, 3/2025: “mười” is not a number."),
    ],
)
def test_bad_amounts_and_months_are_refused_with_a_clear_message(tree, personas, cell, key, message):
    with pytest.raises(ValidationError) as exc:
        _record(personas.officer_a, tree.a, FundCell(1, "central", "100", 0), cell)
    assert exc.value.message_dict == {key: [message]}
    assert not FundEntry.objects.exists()  # all or nothing


@pytest.mark.parametrize("year", [2009, 2100])
def test_a_year_outside_the_programme_is_refused(tree, personas, year):
    with pytest.raises(ValidationError) as exc:
        _record(personas.officer_a, tree.a, FundCell(1, "central", "1", 0), year=year)
    assert exc.value.message_dict["year"][0].startswith("The year must be between 2010 and ")


def test_a_month_that_has_not_begun_is_refused(tree, personas, settings):
    today = datetime.date.today()
    if today.month == 12:
        pytest.skip("no later month this year")
    with pytest.raises(ValidationError, match="has not begun"):
        _record(personas.officer_a, tree.a, FundCell(today.month + 1, "central", "1", 0), year=today.year)


def test_a_unit_cannot_record_funds_for_a_month_it_did_not_exist(merger):
    with pytest.raises(ValidationError) as exc:
        _record(merger.office, merger.o1, FundCell(7, "central", "1", 0))
    assert exc.value.message_dict == {"7-central": ["Xã Cũ Một did not exist in 7/2025."]}
    with pytest.raises(ValidationError, match="did not exist in 6/2025"):
        _record(merger.office, merger.m, FundCell(6, "central", "1", 0))


@pytest.mark.parametrize(
    ("who", "unit"),
    [("officer_a", "a"), ("officer_a", "a1"), ("district_d1", "a"), ("district_d1", "d1"), ("province_office", "c")],
)
def test_the_units_own_roles_may_record_funds(tree, personas, who, unit):
    _record(getattr(personas, who), getattr(tree, unit), FundCell(1, "central", "1.000", 0))
    assert FundEntry.objects.get().amount == 1000


@pytest.mark.parametrize(
    ("who", "unit"),
    [("officer_b", "a"), ("officer_a", "d1"), ("district_d2", "a"), ("viewer", "a"), ("outsider", "a")],
)
def test_others_may_not_record_funds(tree, personas, who, unit):
    with pytest.raises(PermissionDenied):
        _record(getattr(personas, who), getattr(tree, unit), FundCell(1, "central", "1", 0))
    assert not FundEntry.objects.exists()


def test_a_stale_cell_is_refused_and_nothing_is_saved(tree, personas):
    _record(personas.district_d1, tree.a, FundCell(2, "central", "500", 0))
    with pytest.raises(StaleWriteError) as exc:
        _record(
            personas.officer_a,
            tree.a,
            FundCell(1, "central", "100", 0),
            FundCell(2, "central", "700", 0),  # read before district_d1 saved
        )
    assert exc.value.message_dict == {
        "2-central": [
            "Central budget, 2/2025 was changed by district_d1 in the meantime (now: 500 đ). Review it and save again."
        ]
    }
    assert exc.value.current["2-central"].amount == 500
    assert list(FundEntry.objects.values_list("month", "amount")) == [(2, 500)]


def test_a_stale_cell_typed_as_it_is_stored_now_is_saved_without_a_conflict(tree, personas):
    """Two people typed the same amount from the same grid: the second is told nothing changed."""
    _record(personas.district_d1, tree.a, FundCell(2, "central", "500", 0, note="QĐ 12"))
    saved = _record(personas.officer_a, tree.a, FundCell(2, "central", "500 đ", 0, note="QĐ 12"))
    assert (saved["2-central"].version, saved["2-central"].entered_by) == (1, personas.district_d1)
    assert FundChange.objects.count() == 1
    with pytest.raises(StaleWriteError):  # the same amount with another note is another cell
        _record(personas.officer_a, tree.a, FundCell(2, "central", "500", 0, note="QĐ 13"))


def test_emptying_a_cell_removes_its_amount_and_keeps_the_change(tree, personas):
    _record(personas.officer_a, tree.a, FundCell(5, "credit", "2.000", 0))
    assert _record(personas.officer_a, tree.a, FundCell(5, "credit", "", 1)) == {"5-credit": None}
    assert not FundEntry.objects.exists()
    assert list(FundChange.objects.values_list("old_amount", "new_amount")) == [(None, 2000), (2000, None)]


def test_an_unchanged_amount_writes_nothing(tree, personas):
    _record(personas.officer_a, tree.a, FundCell(5, "credit", "2.000", 0))
    entry = _record(personas.officer_a, tree.a, FundCell(5, "credit", "2000", 1))["5-credit"]
    assert entry.version == 1
    assert FundChange.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [{"amount": -1}, {"month": 13}, {"month": 0}, {"year": 2009}, {"source": "gold"}],
    ids=["negative", "month-13", "month-0", "year-2009", "unknown-source"],
)
def test_the_database_refuses_what_the_service_would(tree, fields):
    values = {"year": 2025, "month": 1, "source": "central", "amount": 1, **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        FundEntry.objects.create(unit=tree.a, entered_at="2025-01-01T00:00:00Z", **values)


def test_the_database_keeps_one_entry_per_unit_month_and_source(tree):
    make_fund(tree.a, 2025, 1, "central", 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_fund(tree.a, 2025, 1, "central", 2)
