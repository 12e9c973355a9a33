"""The dashboards' SQL (reports/selectors/sql.py) selects exactly the units the ORM rules do.

The statements are kept in SQL for speed on PostgreSQL (one round trip per dashboard); these
tests hold their unit filters — "existed during the year", "existed on a day", the communes, the
districts and the units listed apart of a year read on a cut-off — to ``communes.models`` and
``criteria.figures`` on units whose validity dates sit on every year boundary, of every
commune-level kind, with and without assessments, read on cut-offs on and around those days.
"""

import datetime

import pytest
from django.db import connection

from communes.models import AdministrativeUnit, Level, UnitSuccession
from communes.tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory, VillageFactory
from criteria.figures import apart_of_year_q, communes_apart, communes_of_year, districts_of_year
from criteria.models import AssessmentLog
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
    # born_mid_2025 is also formed from a commune not assessed (it ended on 1 January 2025): it
    # counts with the assessed one while their successor waits a year.
    UnitSuccession.objects.create(predecessor=xa[11], successor=born_mid_2025, date=D(2025, 7, 1))
    # A ward of the district that ended on 30 June 2025 and the ward it became on 1 July 2025.
    wards = [c for c in communes if c.type == "phuong"]
    UnitSuccession.objects.create(predecessor=wards[3], successor=wards[8], date=D(2025, 7, 1))
    # A township of that district into born_mid_2025 (left out in 2025: 70-003 was assessed), and
    # a special zone into 70-012 (counted in 2025: none of its predecessors was assessed).
    townships, zones = [c for c in communes if c.type == "thi_tran"], [c for c in communes if c.type == "dac_khu"]
    UnitSuccession.objects.create(predecessor=townships[3], successor=born_mid_2025, date=D(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=zones[3], successor=xa[12], date=D(2025, 7, 1))
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


CUTS = [(1, 1), (1, 31), (6, 30), (7, 1), (12, 30), (12, 31)]


def _orm(selector, units, cut) -> set[tuple[int, int]]:
    return {
        (pk, year)
        for year in YEARS
        for pk in selector(year, within=units, cut=D(year, *cut)).values_list("pk", flat=True)
    }


@pytest.mark.parametrize("cut", CUTS)
def test_communes_of_a_year_on_a_cut_off_are_the_same_in_sql_and_orm(units, cut):
    assert _rows(units, _windows(cut), "SELECT id, year FROM counted") == _orm(communes_of_year, units, cut)


@pytest.mark.parametrize("cut", CUTS)
def test_districts_of_a_year_on_a_cut_off_are_the_same_in_sql_and_orm(units, cut):
    assert _rows(units, _windows(cut), "SELECT id, year FROM dy") == _orm(districts_of_year, units, cut)


@pytest.mark.parametrize("cut", CUTS)
def test_units_listed_apart_on_a_cut_off_are_the_same_in_sql_and_orm(units, cut):
    assert _rows(units, _windows(cut), sql.apart_rows(units)) == _orm(communes_apart, units, cut)


@pytest.mark.parametrize("cut", CUTS)
def test_a_place_is_never_read_twice_nor_an_apart_unit_of_the_cut_off_left_out(units, cut):
    """Of a unit and its successor, never both listed apart or counted; every ward, township and
    special zone existing on the cut-off is listed."""
    listed, counted = _orm(communes_apart, units, cut), _orm(communes_of_year, units, cut)
    successions = set(UnitSuccession.objects.values_list("predecessor_id", "successor_id"))
    apart_types = ("phuong", "thi_tran", "dac_khu")
    for year in YEARS:
        read = {pk for pk, y in listed | counted if y == year}
        assert not {(p, s) for p, s in successions if p in read and s in read}
        on_cut = AdministrativeUnit.objects.subtree(units).filter(type__in=apart_types).valid_on(D(year, *cut))
        assert set(on_cut.values_list("pk", flat=True)) <= {pk for pk, y in listed if y == year}


def _codes(pairs, year) -> set[str]:
    codes = dict(AdministrativeUnit.objects.values_list("pk", "code"))
    return {codes[pk] for pk, y in pairs if y == year}


def test_the_communes_of_2025_at_its_end_are_those_of_the_map_before_the_merger_where_assessed(units):
    counted = _orm(communes_of_year, units, (12, 31))
    assert _codes(counted, 2025) == {
        "70-000",  # open
        "70-001",  # ended 31/12/2024 but assessed in 2025
        "70-003",  # ended 30/06/2025, assessed in 2025
        "70-005",  # exists on 31/12/2025
        "70-006",
        "70-007",
        "70-009",  # from 31/12/2025, its predecessor not assessed
        "70-011",  # ended 1/1/2025 into 70-008, which waits a year: it counts with 70-003
        "70-012",  # existed on 31/12/2025 only
        "70-013",
    }  # not 70-008: from 1/7/2025, but its predecessor 70-003 was assessed in 2025;
    # not 70-010: assessed in 2025, but formed on 1/1/2026 — never a unit before it existed
    assert not AdministrativeUnit.objects.filter(pk__in={pk for pk, _y in counted}).exclude(type="xa").exists()


def test_a_cut_off_before_the_merger_reads_the_map_of_that_day(units):
    counted = _orm(communes_of_year, units, (1, 31))
    # On 31 January 2025: the communes of that day and those assessed in 2025 that existed by
    # then; none formed later (70-006 from 1/1/2025 is there, 70-007 from 2/1/2025 too).
    assert _codes(counted, 2025) == {"70-000", "70-001", "70-003", "70-004", "70-005", "70-006", "70-007", "70-013"}
    assert _codes(_orm(districts_of_year, units, (1, 31)), 2025) == {"701"}


def test_an_abolished_district_counts_in_its_last_year_while_a_commune_of_it_counts(units):
    districts = _orm(districts_of_year, units, (12, 31))
    assert _codes(districts, 2025) == {"701"}  # above 70-003, 70-001 and 70-011
    # In 2026 it counts only for 70-007, which this fixture leaves open under it: no other.
    assert _codes(districts, 2026) == {"701"}
    apart = _codes(_orm(communes_apart, units, (12, 31)), 2025)
    assert "70-108" in apart and "70-103" not in apart  # the ward of the cut-off, not the one it came from
    assert "70-203" in apart  # its commune 70-008 is read through the old communes
    assert "70-303" not in apart  # its commune 70-012 counts
    assert "70-108" in _codes(_orm(communes_apart, units, (12, 31)), 2026)


def test_a_loaded_unit_answers_as_the_queryset_does(units):
    everyone = list(AdministrativeUnit.objects.subtree(units))
    for year in YEARS:
        in_year = set(AdministrativeUnit.objects.subtree(units).existed_in_year(year))
        assert {u for u in everyone if u.existed_in_year(year)} == in_year
        for day in (D(year, 1, 1), D(year, 6, 30), D(year, 12, 31)):
            on_day = set(AdministrativeUnit.objects.subtree(units).valid_on(day))
            assert {u for u in everyone if u.is_valid_on(day)} == on_day


def test_villages_counted_in_a_year_are_the_same_in_sql_and_orm(units):
    """The held villages' rule (``sql._village_of_year``) against ``villages_of_year_q``, with the
    villages of a rural commune and the tổ dân phố of a ward, a township and a special zone."""
    from criteria.figures import villages_of_year_q

    communes = {c.type: c for c in AdministrativeUnit.objects.filter(level=Level.COMMUNE, code__endswith="00")}
    tdps = [
        VillageFactory(code=f"70-T{kind}", parent=communes[kind], type="to_dan_pho") for kind in KINDS if kind != "xa"
    ]
    make_assessment(tdps[0], make_flat_set(code="V-5", total=5, level="village", year_to=2030), 2025, 5)
    held = "(SELECT id AS unit_id, level, valid_from, valid_to FROM communes_administrativeunit)"
    in_sql = _rows(
        units,
        _windows(),
        f"SELECT h.unit_id, y.year FROM {held} h CROSS JOIN y WHERE h.level = 'village' AND {sql._village_of_year(None)}",
    )
    in_orm = {
        (pk, year)
        for year in YEARS
        for pk in AdministrativeUnit.objects.filter(villages_of_year_q(year, D(year, 12, 31))).values_list(
            "pk", flat=True
        )
    }
    assert in_sql == in_orm
    assert in_orm and not {pk for pk, _year in in_orm} & {t.pk for t in tdps}


@pytest.fixture
def nghi_xuan():
    """QA (seed_real_province 42, a 2025 summary record on old Xã Xuân Hội of Huyện Nghi Xuân,
    which ended on 30/06/2025): Thị trấn Xuân An and Xã Xuân Giang became Xã Nghi Xuân, Xã Xuân
    Hội became Xã Đan Hải, Xã Xuân Lam and Phường Bắc Hồng (Thị xã Hồng Lĩnh) Phường Bắc Hồng Lĩnh."""
    end, start = D(2025, 6, 30), D(2025, 7, 1)
    province = ProvinceFactory(code="42")
    nghi_xuan = DistrictFactory(code="442-cu", name="Huyện Nghi Xuân", parent=province, valid_to=end)
    hong_linh = DistrictFactory(code="436-cu", name="Thị xã Hồng Lĩnh", parent=province, valid_to=end)

    def old(code, name, kind="xa", parent=nghi_xuan):
        return CommuneFactory(code=code, name=name, type=kind, parent=parent, valid_to=end)

    def new(code, name, kind, *predecessors):
        unit = CommuneFactory(code=code, name=name, type=kind, parent=province, valid_from=start)
        for p in predecessors:
            UnitSuccession.objects.create(predecessor=p, successor=unit, date=start)
        return unit

    units = {
        "xuan_an": old("18352-cu", "Thị trấn Xuân An", "thi_tran"),
        "xuan_giang": old("18370-cu", "Xã Xuân Giang"),
        "xuan_hoi": old("18355-cu", "Xã Xuân Hội"),
        "xuan_lam": old("18400-cu", "Xã Xuân Lam"),
        "bac_hong": old("18115-cu", "Phường Bắc Hồng", "phuong", hong_linh),
    }
    units["nghi_xuan"] = new("18352", "Xã Nghi Xuân", "xa", units["xuan_an"], units["xuan_giang"])
    units["dan_hai"] = new("18364", "Xã Đan Hải", "xa", units["xuan_hoi"])
    units["bac_hong_linh"] = new("18115", "Phường Bắc Hồng Lĩnh", "phuong", units["xuan_lam"], units["bac_hong"])
    units["set"] = make_flat_set(code="NX-19", total=19, year_to=2030)
    make_assessment(units["xuan_hoi"], units["set"], 2025, 12)  # Huyện Nghi Xuân is a district of 2025
    units["province"] = province
    return units


def _read_2025(units, recorded=None) -> tuple[set[str], set[str]]:
    """The codes listed apart (SQL, held to the ORM) and counted in 2025 on 31 December."""
    province, window = units["province"], sql.Window(2025, D(2025, 12, 31))
    head, params = sql.ctes(province, [window], recorded)
    with connection.cursor() as cursor:
        cursor.execute(head + sql.apart_rows(province, recorded), params)
        in_sql = {pk for pk, _year in cursor.fetchall()}
    in_orm = set(
        AdministrativeUnit.objects.filter(apart_of_year_q(2025, window.cut, recorded)).values_list("pk", flat=True)
    )
    assert in_sql == in_orm
    codes = dict(AdministrativeUnit.objects.values_list("pk", "code"))
    counted = communes_of_year(2025, within=province, cut=window.cut).values_list("code", flat=True)
    return {codes[pk] for pk in in_sql}, set(counted)


def test_a_township_whose_successor_commune_is_counted_is_not_listed(nghi_xuan):
    """QA: Thị trấn Xuân An (ended 30/06/2025) was listed apart in 2025 while its successor Xã
    Nghi Xuân was counted — the same place twice. It is listed only where Nghi Xuân is read
    through its old units (a predecessor assessed in 2025), and then Nghi Xuân is not counted."""
    apart, counted = _read_2025(nghi_xuan)
    assert "18352" in counted and "18352-cu" not in apart
    make_assessment(nghi_xuan["xuan_giang"], nghi_xuan["set"], 2025, 9)
    apart, counted = _read_2025(nghi_xuan)
    assert "18352" not in counted and {"18352-cu", "18370-cu"} <= apart | counted


def test_an_old_township_is_listed_as_its_new_commune_is_read_as_recorded(nghi_xuan):
    """As recorded before Xuân Giang's 2025 record was entered Xuân An is not listed, after it
    is (SQL and ORM alike)."""
    assessment = make_assessment(nghi_xuan["xuan_giang"], nghi_xuan["set"], 2025, 9)
    entered = AssessmentLog.objects.get(assessment=assessment).at
    assert "18352-cu" not in _read_2025(nghi_xuan, entered - datetime.timedelta(days=1))[0]
    assert "18352-cu" in _read_2025(nghi_xuan, entered)[0]


def test_a_ward_formed_partly_from_a_commune_of_an_ended_district_is_listed(nghi_xuan):
    """QA: Phường Bắc Hồng Lĩnh (on 31/12/2025) was listed nowhere in 2025 because a predecessor,
    Xã Xuân Lam, was under the ended Huyện Nghi Xuân; Xuân Lam was not counted either (its
    successor is a ward) — a place lost. A unit existing on the cut-off is always listed."""
    apart, counted = _read_2025(nghi_xuan)
    assert "18115" in apart
    assert not {"18400-cu", "18115-cu"} & (apart | counted)  # each place once


def test_a_commune_assessed_in_2025_that_became_part_of_a_ward_is_not_counted(nghi_xuan):
    """Xã Xuân Lam assessed in 2025 (before it went into Phường Bắc Hồng Lĩnh): read on
    31/12/2025 the place is the ward, listed apart; it is not counted beside it (SQL and ORM)."""
    make_assessment(nghi_xuan["xuan_lam"], nghi_xuan["set"], 2025, 11)
    apart, counted = _read_2025(nghi_xuan)
    assert "18115" in apart and "18400-cu" not in counted
    in_sql = _rows(nghi_xuan["province"], [sql.Window(2025, D(2025, 12, 31))], "SELECT id, year FROM counted")
    assert {pk for pk, _year in in_sql} == set(
        communes_of_year(2025, within=nghi_xuan["province"], cut=D(2025, 12, 31)).values_list("pk", flat=True)
    )
