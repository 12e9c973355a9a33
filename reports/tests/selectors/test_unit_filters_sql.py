"""The dashboards' SQL (reports/selectors/sql.py) selects exactly the units the ORM rules do.

The statements are kept in SQL for speed on PostgreSQL (one round trip per dashboard); these
tests hold their unit filters — "existed during the year", "existed on a day", "communes counted
in a year" — to ``communes.models`` and ``criteria.figures`` on units whose validity dates sit
on every year boundary, of every commune-level kind, with and without assessments.
"""

import datetime

import pytest
from django.db import connection

from communes.models import AdministrativeUnit, Level, UnitSuccession
from communes.tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory, VillageFactory
from criteria.figures import communes_of_year
from reports.selectors import sql
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db

D = datetime.date
YEARS = (2024, 2025, 2026)
# Validity windows on and around the year boundaries of 2025 (None: open).
LIFETIMES = [
    (None, None),
    (None, D(2024, 12, 31)),
    (None, D(2025, 1, 1)),
    (None, D(2025, 6, 30)),
    (None, D(2025, 12, 30)),
    (None, D(2025, 12, 31)),
    (D(2025, 1, 1), None),
    (D(2025, 1, 2), None),
    (D(2025, 7, 1), None),
    (D(2025, 12, 31), None),
    (D(2026, 1, 1), None),
    (D(2025, 1, 1), D(2025, 1, 1)),
    (D(2025, 12, 31), D(2025, 12, 31)),
    (D(2024, 12, 31), D(2026, 1, 1)),
]
KINDS = ("xa", "phuong", "thi_tran", "dac_khu")


@pytest.fixture
def units():
    """A province with, of every commune kind, one commune per lifetime under a district that
    ends on 30 June 2025, and as many directly under the province; villages with the same
    lifetimes; some communes assessed (one only in the year it ended), and successions whose
    predecessor was assessed (so the successor waits a year) or was not."""
    province = ProvinceFactory(code="70")
    district = DistrictFactory(code="701", parent=province, valid_to=D(2025, 6, 30))
    communes = []
    for k, kind in enumerate(KINDS):
        for n, (first, last) in enumerate(LIFETIMES):
            parent = district if n % 2 else province
            communes.append(
                CommuneFactory(code=f"70-{k}{n:02d}", parent=parent, type=kind, valid_from=first, valid_to=last)
            )
    for n, (first, last) in enumerate(LIFETIMES):
        VillageFactory(code=f"70-V{n:02d}", parent=communes[0], valid_from=first, valid_to=last)
    standard = make_flat_set(code="P-19", total=19, year_to=2030)
    xa = [c for c in communes if c.type == "xa"]
    ended_mid_2025, ended_2024, born_2026, open_ = xa[3], xa[1], xa[10], xa[0]
    make_assessment(ended_mid_2025, standard, 2025, 10)  # counted in 2025 though gone on 31 December
    make_assessment(ended_2024, standard, 2025, 8)  # assessed in a year it did not exist in: still counted
    make_assessment(born_2026, standard, 2025, 5)
    make_assessment(open_, standard, 2026, 12)
    born_mid_2025, born_late_2025 = xa[8], xa[9]
    UnitSuccession.objects.create(predecessor=ended_mid_2025, successor=born_mid_2025, date=D(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=xa[4], successor=born_late_2025, date=D(2025, 12, 31))
    return province


def _rows(province, windows, select: str) -> set[tuple[int, int]]:
    head, params = sql.ctes(province, windows, None)
    with connection.cursor() as cursor:
        cursor.execute(head + select, params)
        return {(unit_id, year) for unit_id, year in cursor.fetchall()}


def _windows(cut_month_day=(12, 31)):
    return [sql.Window(year, D(year, *cut_month_day)) for year in YEARS]


def test_existed_during_the_year_selects_the_same_units_in_sql_and_orm(units):
    in_sql = _rows(
        units,
        _windows(),
        "SELECT u.id, y.year FROM communes_administrativeunit u CROSS JOIN y "
        f"WHERE u.path LIKE '/70/%%' AND {sql.existed_sql('u', 'y.first_day', 'y.last_day')}",
    )
    in_orm = {
        (pk, year)
        for year in YEARS
        for pk in AdministrativeUnit.objects.subtree(units).existed_in_year(year).values_list("pk", flat=True)
    }
    assert in_sql == in_orm
    assert len(in_orm) < len(YEARS) * AdministrativeUnit.objects.subtree(units).count()  # some did not exist


@pytest.mark.parametrize("cut", [(1, 1), (6, 30), (7, 1), (12, 30), (12, 31)])
def test_existed_on_a_day_selects_the_same_units_in_sql_and_orm(units, cut):
    in_sql = _rows(
        units,
        _windows(cut),
        "SELECT u.id, y.year FROM communes_administrativeunit u CROSS JOIN y "
        f"WHERE u.path LIKE '/70/%%' AND {sql.existed_sql('u', 'y.cut', 'y.cut')}",
    )
    in_orm = {
        (pk, year)
        for year in YEARS
        for pk in AdministrativeUnit.objects.subtree(units).valid_on(D(year, *cut)).values_list("pk", flat=True)
    }
    assert in_sql == in_orm


def test_communes_counted_in_a_year_are_the_same_in_sql_and_orm(units):
    in_sql = _rows(units, _windows(), "SELECT id, year FROM counted")
    in_orm = {(pk, year) for year in YEARS for pk in communes_of_year(year, within=units).values_list("pk", flat=True)}
    assert in_sql == in_orm
    counted_2025 = {pk for pk, year in in_orm if year == 2025}
    assert not AdministrativeUnit.objects.filter(pk__in=counted_2025).exclude(type="xa").exists()
    codes = dict(AdministrativeUnit.objects.filter(level=Level.COMMUNE).values_list("pk", "code"))
    assert {codes[pk] for pk in counted_2025} == {
        "70-000",  # open
        "70-001",  # ended 31/12/2024 but assessed in 2025
        "70-003",  # ended 30/06/2025, assessed in 2025
        "70-005",  # exists on 31/12/2025
        "70-006",
        "70-007",
        "70-009",  # from 31/12/2025, its predecessor not assessed
        "70-010",  # from 1/1/2026 but assessed in 2025
        "70-012",  # existed on 31/12/2025 only
        "70-013",
    }  # not 70-008: from 1/7/2025, but its predecessor 70-003 was assessed in 2025


def test_a_loaded_unit_answers_as_the_queryset_does(units):
    everyone = list(AdministrativeUnit.objects.subtree(units))
    for year in YEARS:
        in_year = set(AdministrativeUnit.objects.subtree(units).existed_in_year(year))
        assert {u for u in everyone if u.existed_in_year(year)} == in_year
        for day in (D(year, 1, 1), D(year, 6, 30), D(year, 12, 31)):
            on_day = set(AdministrativeUnit.objects.subtree(units).valid_on(day))
            assert {u for u in everyone if u.is_valid_on(day)} == on_day
