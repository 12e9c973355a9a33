"""Funds roll up the tree by path: each unit's entries count once in every unit above it."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from plans.selectors import funds_grid, funds_rows, funds_summary
from plans.services import FundCell, funds_record
from plans.tests.factories import make_fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def funds(tree):
    make_fund(tree.a, 2025, 3, "residents", 100)
    make_fund(tree.a, 2025, 5, "central", 40)
    make_fund(tree.a1, 2025, 3, "residents", 10)  # a village of A
    make_fund(tree.b, 2025, 3, "enterprises", 200)
    make_fund(tree.d1, 2025, 4, "district", 5)  # the district's own level
    make_fund(tree.c, 2025, 3, "credit", 1000)
    make_fund(tree.province, 2025, 2, "province", 7)
    make_fund(tree.a, 2024, 3, "residents", 99_999)  # another year
    return tree


def _by_unit(summary):
    return {(u.code, u.own): u.total for u in summary.by_unit}


def test_a_commune_counts_its_villages(funds):
    summary = funds_summary(unit=funds.a, year=2025, month=12)
    assert summary.total_to_date == 150
    assert _by_unit(summary) == {("40101", True): 140, ("40101-01", False): 10, ("40101-02", False): 0}


def test_a_communes_amount_appears_once_in_its_district_and_once_in_its_province(funds):
    district = funds_summary(unit=funds.d1, year=2025, month=12)
    assert district.total_to_date == 100 + 40 + 10 + 200 + 5
    assert _by_unit(district) == {("401", True): 5, ("40101", False): 150, ("40102", False): 200}

    province = funds_summary(unit=funds.province, year=2025, month=12)
    assert province.total_to_date == 355 + 1000 + 7
    assert _by_unit(province) == {("40", True): 7, ("401", False): 355, ("402", False): 1000}
    by_source = {s.source: s.to_date for s in province.by_source}
    assert by_source["residents"] == 110
    assert sum(by_source.values()) == province.total_to_date


def test_the_month_bounds_the_total_and_gives_the_months_own_amount(funds):
    summary = funds_summary(unit=funds.province, year=2025, month=3)
    assert summary.total_to_date == 100 + 10 + 200 + 1000 + 7
    assert summary.total_in_month == 100 + 10 + 200 + 1000
    assert {s.source: s.in_month for s in summary.by_source}["province"] == 0


def test_the_country_adds_every_province(funds, merger):
    make_fund(merger.m, 2025, 9, "central", 50)
    summary = funds_summary(unit=None, year=2025, month=12)
    assert summary.total_to_date == 1362 + 50
    assert _by_unit(summary) == {("40", False): 1362, ("50", False): 50}


def test_after_the_reorganisation_a_commune_under_the_province_counts_once(merger):
    make_fund(merger.o1, 2025, 3, "residents", 100)  # under district 501, before 1 July 2025
    make_fund(merger.o1t, 2025, 4, "residents", 1)
    make_fund(merger.o2, 2025, 6, "commune", 20)
    make_fund(merger.m, 2025, 9, "central", 50)  # directly under the province, after 1 July 2025
    make_fund(merger.m, 2026, 1, "central", 3000)

    province = funds_summary(unit=merger.province, year=2025, month=12)
    assert province.total_to_date == 171
    assert _by_unit(province) == {("501", False): 121, ("50001", False): 50}

    assert funds_summary(unit=merger.district, year=2025, month=12).total_to_date == 121
    assert funds_summary(unit=merger.m, year=2025, month=12).total_to_date == 50

    after = funds_summary(unit=merger.province, year=2026, month=12)
    assert after.total_to_date == 3000
    assert _by_unit(after) == {("50001", False): 3000}  # the abolished district no longer listed


def test_the_grid_holds_the_units_own_entries_with_totals(funds):
    grid = funds_grid(unit=funds.a, year=2025)
    assert [r.month for r in grid.rows] == list(range(1, 13))
    assert grid.cell("3-residents").amount == 100
    assert grid.cell("3-central").amount is None
    assert grid.rows[2].total == 100 and grid.rows[4].total == 40
    assert dict(zip([s for s, _label in grid.sources], grid.source_totals, strict=True))["central"] == 40
    assert grid.total == 140  # not the village's 10


def _closed_months(grid) -> dict[int, str | None]:
    return {row.month: row.cells[0].closed for row in grid.rows}


def test_the_grid_closes_the_months_a_commune_did_not_exist_in(merger):
    before = _closed_months(funds_grid(unit=merger.o1, year=2025))
    assert before == {m: None if m <= 6 else "unit_absent" for m in range(1, 13)}  # ended 30/06/2025
    after = _closed_months(funds_grid(unit=merger.m, year=2025))
    assert after == {m: "unit_absent" if m <= 6 else None for m in range(1, 13)}  # formed 01/07/2025
    assert set(_closed_months(funds_grid(unit=merger.o1, year=2026)).values()) == {"unit_absent"}
    grid = funds_grid(unit=merger.o1, year=2025)
    assert all(len({c.closed for c in row.cells}) == 1 for row in grid.rows)  # every source alike
    assert grid.closed_reasons == ["unit_absent"]


def test_the_grid_closes_the_months_that_have_not_begun(merger):
    grid = funds_grid(unit=merger.m, year=2026, today=datetime.date(2026, 3, 31))
    assert _closed_months(grid) == {m: None if m <= 3 else "future" for m in range(1, 13)}
    assert grid.closed_reasons == ["future"]


def test_the_grid_closes_the_months_the_service_refuses(merger):
    """One rule: each month the grid closes is refused by funds_record with the same code, and
    each month it leaves open is accepted."""
    today = datetime.date(2026, 3, 31)
    for unit, year in ((merger.o1, 2025), (merger.m, 2025), (merger.m, 2026)):
        grid = funds_grid(unit=unit, year=year, today=today)
        for row in grid.rows:
            cell = FundCell(row.month, "central", "1", None)
            with mock.patch("django.utils.timezone.localdate", return_value=today):
                try:
                    funds_record(unit=unit, year=year, cells=[cell], user=merger.office)
                    refused = None
                except ValidationError as exc:
                    refused = exc.error_dict[cell.key][0].code
            assert refused == row.cells[0].closed, (unit.code, year, row.month)


def test_funds_rows_give_the_bulletin_plain_tables(funds):
    by_source, by_unit = funds_rows(funds.province, 2025, 3)
    assert by_source.headers == ("Source", "In 3/2025", "1/2025–3/2025", "Share of the total (%)")
    assert by_source.rows[4] == ("Residents' contributions", Decimal(110), Decimal(110), Decimal("8.4"))
    assert by_source.rows[-1] == ("Total", Decimal(1310), Decimal(1317), Decimal(100))
    assert by_unit.headers[:3] == ("Code", "Unit", "Central budget") and by_unit.headers[-1] == "Total"
    assert [r[:2] for r in by_unit.rows] == [
        ("40", "Tỉnh Nghệ Thử (own level)"),
        ("402", "Huyện Hai"),
        ("401", "Huyện Một"),
        ("", "Total"),
    ]
    assert by_unit.rows[-1][-1] == 1317
    assert all(len(r) == len(by_unit.headers) for r in by_unit.rows)


def test_funds_as_of_a_moment_are_each_cells_last_change_by_then(tree, personas):
    import datetime

    from plans.services import FundCell, funds_record

    def record(unit, raw, day, source="residents"):
        at = datetime.datetime(2025, 3, day, 12, tzinfo=datetime.UTC)
        funds_record(unit=unit, year=2025, cells=[FundCell(3, source, raw)], user=personas.province_office, at=at)

    def total(day):
        asof = datetime.datetime(2025, 3, day, 23, tzinfo=datetime.UTC)
        return funds_summary(unit=tree.d1, year=2025, month=12, asof=asof).total_to_date

    record(tree.a, "100", 1)
    record(tree.b, "40", 2, source="central")
    record(tree.a, "300", 3)
    record(tree.a, "", 4)  # cleared
    record(tree.a, "50", 4)  # and entered again at the same moment: the later change wins
    assert [total(day) for day in (1, 2, 3, 4)] == [100, 140, 340, 90]
    assert total(4) == funds_summary(unit=tree.d1, year=2025, month=12).total_to_date
