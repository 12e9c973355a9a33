"""The vocabulary of figures (criteria.figures), as the selectors and the bulletin use it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from communes.models import UnitSuccession
from communes.tests.factories import CommuneFactory, VillageFactory
from criteria.figures import communes_of_year, holds_title
from criteria.models import Assessment, AssessmentState
from criteria.services import assessment_set_state, assessment_transition
from reports import bulletin
from reports.bulletin import Month
from reports.selectors import communes_counted, progress_summary
from reports.tests.excel.conftest import open_book, rows_of
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(tree):
    """Province 40: communes A, B, C (xã) plus a ward, a township and a special zone; A recognised
    on 01/12/2023 and revoked on 10/03/2024; B recognised on 15/01/2024 for its 2023 assessment."""
    standard = make_flat_set(code="V-19", total=19, year_to=2030)
    CommuneFactory(code="401P", name="Phường Một", parent=tree.d1, type="phuong")
    CommuneFactory(code="401T", name="Thị trấn Một", parent=tree.d1, type="thi_tran")
    CommuneFactory(code="40DK", name="Đặc khu Đảo", parent=tree.province, type="dac_khu")
    a = make_assessment(tree.a, standard, 2023, 19, "recognised")
    assessment_set_state(
        assessment=a,
        state=AssessmentState.REVOKED,
        user=None,
        decision_number="3/QĐ",
        decision_date=datetime.date(2024, 3, 10),
    )
    b = make_assessment(tree.b, standard, 2023, 19, "appraised")
    assessment_set_state(
        assessment=b,
        state=AssessmentState.RECOGNISED,
        user=None,
        decision_number="4/QĐ",
        decision_date=datetime.date(2024, 1, 15),
    )
    make_assessment(tree.c, standard, 2023, 12)
    make_assessment(tree.c, standard, 2024, 14)
    return tree


def test_wards_townships_and_special_zones_are_listed_apart_never_counted(province):
    s = progress_summary(unit=province.province, year=2023, tier="standard")
    assert (s.communes_total, s.communes_with_data) == (3, 3)
    assert s.apart == {"phuong": 1, "thi_tran": 1, "dac_khu": 1}
    assert sorted(communes_counted(unit=province.province, year=2023).values_list("code", flat=True)) == [
        "40101",
        "40102",
        "40201",
    ]
    assert set(communes_of_year(2023, within=province.province)) == set(
        communes_counted(unit=province.province, year=2023)
    )


def test_the_title_is_held_from_the_decision_date_to_the_revocation(province):
    assert [
        holds_title(province.a, "standard", d) for d in ("2023-11-30", "2023-12-01", "2024-03-09", "2024-03-10")
    ] == [
        False,
        True,
        True,
        False,
    ]
    at_2023_end = progress_summary(unit=province.province, year=2023, tier="standard")
    assert at_2023_end.recognised["standard"] == 1  # A; B's decision is dated 2024
    assert at_2023_end.new["standard"] == 1
    at_2024_end = progress_summary(unit=province.province, year=2024, tier="standard")
    assert at_2024_end.recognised["standard"] == 1  # B; A's title was revoked
    assert at_2024_end.new["standard"] == 1  # B, recognised in 2024 for its 2023 assessment


def test_a_bulletin_reports_its_own_year_and_says_when_the_year_has_no_data(province):
    content, _cutoff = bulletin.bulletin_build(unit=province.province, month=Month(2025, 6), user=None)
    book = open_book(content)
    notes = [row[0] for row in rows_of(book["Tổng hợp"], 4) if row[0]]
    assert "Chưa có số liệu đánh giá năm 2025: phân loại và bình quân để trống." in notes
    heading = book["Tổng hợp"]["A2"].value
    assert "Năm đánh giá 2025" in heading and "đúng với tháng báo cáo" in heading


def test_new_this_month_in_the_summary_and_the_decisions_listed_agree(province):
    content, _cutoff = bulletin.bulletin_build(unit=province.province, month=Month(2024, 1), user=None)
    book = open_book(content)
    figures = {row[0]: row[1:] for row in rows_of(book["Tổng hợp"], 5) if isinstance(row[0], str)}
    assert figures["Xã đạt chuẩn NTM (giữ danh hiệu đến thời điểm báo cáo)"][:2] == (2, 1)  # A and B; B new
    (listed,) = rows_of(book["Công nhận mới"], 5)
    assert listed[1] == "Xã Đức Lĩnh" and listed[6] == "2023" and listed[7] == "4/QĐ"


def test_a_decision_a_later_unit_carries_is_new_once_for_the_unit_it_was_made_for(tree, personas):
    """QA: a village renamed in the merger carries its predecessor's recognition (its title
    acknowledged). It holds the title by it, but the June 2025 decision was counted new twice:
    in the summary, the bulletin's list and the province page. Counted once now, for the unit
    that existed on its date."""
    village_set = make_flat_set(code="V-10", total=10, level="village", year_from=2021, year_to=2030)
    tree.a1.valid_to = datetime.date(2025, 6, 30)
    tree.a1.save(update_fields=["valid_to"])
    renamed = VillageFactory(code="40101-09", name="Thôn Bắc Mới", parent=tree.a, valid_from=datetime.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=tree.a1, successor=renamed, date=datetime.date(2025, 7, 1))
    decision = {"decision_number": "219/QĐ-UBND", "decision_date": datetime.date(2025, 6, 8)}
    Assessment.objects.filter(pk=make_assessment(tree.a1, village_set, 2025, 10, "recognised").pk).update(**decision)
    Assessment.objects.filter(pk=make_assessment(renamed, village_set, 2026, 10, "recognised").pk).update(**decision)

    assert progress_summary(unit=tree.province, year=2025, tier="standard").villages_new == 1
    assert progress_summary(unit=tree.province, year=2026, tier="standard").villages_recognised == 1  # carried
    content, _cutoff = bulletin.bulletin_build(unit=tree.province, month=Month(2025, 6), user=None)
    listed = [row[1] for row in rows_of(open_book(content)["Công nhận mới"], 5)]
    assert listed == ["Thôn Bắc"]
    client = Client()
    client.force_login(personas.province_office)
    page = client.get(reverse("unit", args=[tree.province.code]), {"year": 2025}).content.decode()
    assert page.count("219/QĐ-UBND") == 1


def test_a_decision_dated_before_its_unit_was_formed_is_refused(tree, personas):
    village_set = make_flat_set(code="V-10", total=10, level="village", year_from=2021, year_to=2030)
    renamed = VillageFactory(code="40101-09", name="Thôn Bắc Mới", parent=tree.a, valid_from=datetime.date(2025, 7, 1))
    assessment = make_assessment(renamed, village_set, 2025, 10, "appraised")
    with pytest.raises(ValidationError) as refused:
        assessment_transition(
            assessment=assessment,
            action="recognise",
            user=personas.province_office,
            decision_number="219/QĐ-UBND",
            decision_date=datetime.date(2025, 6, 8),
        )
    assert refused.value.message_dict["decision_date"] == [
        "Thôn Bắc Mới was formed on 01/07/2025: a decision dated before that cannot recognise or revoke it (the title "
        "of a unit it was formed from stays with that unit's assessment)."
    ]


def test_a_districts_villages_that_ended_mid_year_count_in_that_year(tree):
    """QA: every district's 2025 dashboard showed 0 villages holding the title (−26 on 2024): its
    villages ended on 30 June 2025 and were counted only if they existed on 31 December. They
    count in the year they were assessed, as communes do; the villages they became count from
    2026, each place once."""
    from communes.models import AdministrativeUnit
    from criteria.figures import title_holders, villages_of_year_q, year_cutoff

    village_set = make_flat_set(code="V-10", total=10, level="village", year_from=2021, year_to=2030)
    tree.a1.valid_to = datetime.date(2025, 6, 30)
    tree.a1.save(update_fields=["valid_to"])
    renamed = VillageFactory(code="40101-09", name="Thôn Bắc Mới", parent=tree.a, valid_from=datetime.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=tree.a1, successor=renamed, date=datetime.date(2025, 7, 1))
    make_assessment(tree.a1, village_set, 2024, 10, "recognised")  # decided 01/12/2024, held since
    make_assessment(tree.a1, village_set, 2025, 10)
    make_assessment(tree.b1, village_set, 2025, 10, "recognised")
    for unit in (tree.d1, tree.province):
        assert progress_summary(unit=unit, year=2025, tier="standard").villages_recognised == 2  # A1 and B1
    expected = {2025: {"40101-01", "40101-02", "40102-01"}, 2026: {"40101-02", "40102-01", "40101-09"}}
    for year, codes in expected.items():
        cut = year_cutoff(year)
        counted = AdministrativeUnit.objects.filter(villages_of_year_q(year, cut))
        assert set(counted.values_list("code", flat=True)) == codes
        held = title_holders(counted.values_list("pk", flat=True), "standard", cut)  # the ORM's count, the SQL's
        assert progress_summary(unit=tree.province, year=year, tier="standard").villages_recognised == len(held)


@pytest.fixture
def merger(tree):
    """The 2025 reorganisation in small: districts 401 and 402, communes A, B, C, ward W of 401
    and village B1 end on 30/06/2025; on 01/07/2025 A and B become commune M, C commune N, W
    ward P and B1 village M1 of M. A and B were recognised in 2024 (01/12/2024); A has a 2025
    draft summary record (an old commune assessed in the merger year), so M waits a year."""
    from communes.models import AdministrativeUnit

    end, start = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)
    ward = CommuneFactory(code="401W", name="Phường Cũ", parent=tree.d1, type="phuong")
    for unit in (tree.d1, tree.d2, tree.a, tree.b, tree.c, ward, tree.b1):
        unit.valid_to = end
        unit.save(update_fields=["valid_to"])
    m = CommuneFactory(code="40M", name="Xã Mai Hoa", parent=tree.province, valid_from=start)
    n = CommuneFactory(code="40N", name="Xã Mới", parent=tree.province, valid_from=start)
    p = CommuneFactory(code="40P", name="Phường Mới", parent=tree.province, type="phuong", valid_from=start)
    m1 = VillageFactory(code="40M-01", name="Thôn Đông Mới", parent=m, valid_from=start)
    for old, new in ((tree.a, m), (tree.b, m), (tree.c, n), (ward, p), (tree.b1, m1)):
        UnitSuccession.objects.create(predecessor=old, successor=new, date=start)
    standard = make_flat_set(code="M-19", total=19, year_to=2030)
    make_assessment(tree.a, standard, 2024, 19, "recognised")
    make_assessment(tree.b, standard, 2024, 19, "recognised")
    draft = make_assessment(tree.a, standard, 2025, 15)
    Assessment.objects.filter(pk=draft.pk).update(summary=True, source_number="3/BC", source_date="2025-06-20")
    tree.m, tree.n = m, n
    tree.units = AdministrativeUnit.objects
    return tree


def _seen(summary) -> tuple:
    return summary.communes_total, summary.recognised["standard"], summary.districts_total, summary.apart


def test_a_month_before_the_merger_reads_the_units_of_that_month(merger):
    """QA (Hà Tĩnh): bulletin 01/2025 said "60 xã… chưa có xã nào đạt chuẩn" — the communes formed
    on 01/07/2025 — where the province had 170 xã, 8 holding the title. Read on 31/01/2025 now:
    the communes, districts and wards of that day."""
    january = progress_summary(unit=merger.province, year=2025, tier="standard", cutoff=datetime.date(2025, 1, 31))
    assert _seen(january) == (3, 2, 2, {"phuong": 1})  # A, B, C; A and B; 401, 402; W
    assert set(communes_counted(unit=merger.province, year=2025, cut=datetime.date(2025, 1, 31))) == {
        merger.a,
        merger.b,
        merger.c,
    }
    content, _cutoff = bulletin.bulletin_build(unit=merger.province, month=Month(2025, 1), user=None)
    figures = {row[0]: row[1] for row in rows_of(open_book(content)["Tổng hợp"], 5) if isinstance(row[0], str)}
    assert figures["Tổng số xã (không tính phường, thị trấn, đặc khu)"] == january.communes_total == 3
    assert figures["Xã đạt chuẩn NTM (giữ danh hiệu đến thời điểm báo cáo)"] == 2


def test_a_commune_left_out_for_an_assessed_predecessor_leaves_all_its_predecessors_counted(merger):
    """QA: a 2025 draft for old Xã Ân Phú left its successor Mai Hoa out (right), but also Mai
    Hoa's other predecessors Đức Giang and Đức Lĩnh, which held titles on 30/06/2025. Every
    predecessor of a commune left out counts in the year now; N (its predecessor C not assessed)
    counts for C; the districts are those above a commune of the year (401); the ward listed
    apart is the ward of the cut-off (P, not W: W's successor is a ward, not a commune read
    through its predecessors)."""
    at_end = progress_summary(unit=merger.province, year=2025, tier="standard")
    assert set(communes_counted(unit=merger.province, year=2025)) == {merger.a, merger.b, merger.n}
    assert _seen(at_end) == (3, 2, 1, {"phuong": 1})
    assert _seen(progress_summary(unit=merger.province, year=2026, tier="standard")) == (2, 0, None, {"phuong": 1})


def test_an_abolished_districts_year_is_read_on_its_last_day(merger):
    """QA: /reports/441-cu/?year=2025 showed "0 trên tổng số 0" though its 9 communes existed
    until 30/06/2025. A unit's own figures of the year it ended in are read on its last day."""
    d2 = progress_summary(unit=merger.d2, year=2025, tier="standard")
    assert (d2.cutoff, d2.communes_total) == (datetime.date(2025, 6, 30), 1)  # C
    d1 = progress_summary(unit=merger.d1, year=2025, tier="standard")
    assert (d1.communes_total, d1.recognised["standard"], d1.apart) == (2, 2, {"phuong": 1})
    assert set(communes_counted(unit=merger.d2, year=2025)) == {merger.c}


def test_an_ended_communes_page_of_its_last_year_lists_its_villages_of_its_last_day(merger):
    from reports.selectors import commune_overview

    villages = commune_overview(commune=merger.b, year=2025, tier="standard").villages
    assert [v.code for v in villages] == ["40102-01"]  # B1, which ended with it


def test_a_wards_tdp_recognised_as_a_village_is_never_counted(tree, personas):
    """QA: Tổ dân phố 1 of Phường Hưng Bình, assessed and recognised before the refusal, took
    "Thôn giữ danh hiệu" from 114 to 115 (dashboard, API, bulletin "… đạt chuẩn NTM"). Only the
    villages of rural communes count."""
    village_set = make_flat_set(code="V-10", total=10, level="village", year_from=2021, year_to=2030)
    ward = CommuneFactory(code="401P", name="Phường Hưng Bình", parent=tree.d1, type="phuong")
    tdp = VillageFactory(code="401P-01", name="Tổ dân phố 1", parent=ward, type="to_dan_pho")
    decision = {"decision_number": "5/QĐ-UBND", "decision_date": datetime.date(2025, 6, 8)}
    for unit in (tree.a1, tdp):
        Assessment.objects.filter(pk=make_assessment(unit, village_set, 2025, 10, "recognised").pk).update(**decision)

    summary = progress_summary(unit=tree.province, year=2025, tier="standard")
    assert (summary.villages_recognised, summary.villages_new) == (1, 1)  # Thôn Bắc only
    content, _cutoff = bulletin.bulletin_build(unit=tree.province, month=Month(2025, 6), user=None)
    assert [row[1] for row in rows_of(open_book(content)["Công nhận mới"], 5)] == ["Thôn Bắc"]
    client = Client()
    client.force_login(personas.province_office)
    api = client.get("/api/v1/progress/", {"unit": tree.province.code, "year": 2025}).json()
    assert api["villages_recognised"] == 1


@pytest.fixture
def into_ward(tree):
    """The 1 July 2025 reorganisation turning a xã into a ward: Xã Ân Phú (C) and its district
    402 end on 30/06/2025; C becomes Phường Ân Phú (W, from 01/07/2025, under the province). C
    was recognised in 2024 (01/12/2024) and has a 2025 assessment (15/19), as A (17) and B (18)
    do; its village C1, which ended with it, was recognised in 2024 and assessed in 2025."""
    end, start = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)
    for unit in (tree.d2, tree.c):
        unit.valid_to = end
        unit.save(update_fields=["valid_to"])
    tree.w = CommuneFactory(code="40W", name="Phường Ân Phú", parent=tree.province, type="phuong", valid_from=start)
    UnitSuccession.objects.create(predecessor=tree.c, successor=tree.w, date=start)
    tree.c1 = VillageFactory(code="40201-01", name="Thôn Tây", parent=tree.c, valid_to=end)
    standard = make_flat_set(code="W-19", total=19, year_to=2030)
    village_set = make_flat_set(code="WV-10", total=10, level="village", year_from=2021, year_to=2030)
    make_assessment(tree.a, standard, 2025, 17)
    make_assessment(tree.b, standard, 2025, 18)
    make_assessment(tree.c, standard, 2024, 19, "recognised")
    make_assessment(tree.c, standard, 2025, 15)
    make_assessment(tree.c1, village_set, 2024, 10, "recognised")
    make_assessment(tree.c1, village_set, 2025, 10)
    tree.standard = standard
    return tree


def _read(tree, unit, cut: datetime.date) -> tuple:
    """What a reader sees of ``unit``'s 2025 read on ``cut`` (the statement's figures: communes,
    with data, holding the title, districts, listed apart, villages holding the title)."""
    s = progress_summary(unit=unit, year=2025, tier="standard", cutoff=cut)
    return (
        s.communes_total,
        s.communes_with_data,
        s.recognised["standard"],
        s.districts_total,
        s.apart,
        s.villages_recognised,
    )


def test_a_commune_that_became_a_ward_is_not_counted_beside_it(into_ward):
    """QA: on 31/12/2025 Xã Ân Phú (assessed in 2025, ended 30/06/2025) was counted among the
    province's communes while Phường Ân Phú, the ward it became, was listed apart: the same place
    twice, once in the communes' denominator. On the cut-off the place is a ward: listed apart,
    not counted (nor its district, which had no other commune, nor its village). Read before it
    ended — on 30/06/2025, or its district's own 2025, read on its last day — it counts as before."""
    tree, d = into_ward, datetime.date
    assert _read(tree, tree.province, d(2025, 12, 31)) == (2, 2, 0, 1, {"phuong": 1}, 0)  # A, B; 401; W
    assert _read(tree, tree.province, d(2025, 7, 31)) == (2, 2, 0, 1, {"phuong": 1}, 0)
    assert _read(tree, tree.province, d(2025, 6, 30)) == (3, 3, 1, 2, {}, 1)  # A, B, C; C holds; 401, 402
    assert _read(tree, tree.d2, None)[:3] == (1, 1, 1)  # read on 30/06/2025, its last day
    assert set(communes_counted(unit=tree.province, year=2025)) == {tree.a, tree.b}
    assert set(communes_counted(unit=tree.c, year=2025)) == {tree.c}  # its own 2025, on its last day


def test_a_commune_that_became_a_ward_and_a_commune_counts_as_before(into_ward):
    """Ended into a xã too (part of it became Xã Mới): the place is still partly a commune, and
    it counts in its year as a commune assessed in it does (its new commune waits a year)."""
    tree = into_ward
    new = CommuneFactory(code="40N", name="Xã Mới", parent=tree.province, valid_from=datetime.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=tree.c, successor=new, date=datetime.date(2025, 7, 1))
    assert _read(tree, tree.province, datetime.date(2025, 12, 31)) == (3, 3, 1, 2, {"phuong": 1}, 1)
    assert set(communes_counted(unit=tree.province, year=2025)) == {tree.a, tree.b, tree.c}


@pytest.mark.parametrize("variant", ["into_a_ward", "into_a_ward_and_a_commune", "part_into_a_ward"])
@pytest.mark.parametrize("cut", [(1, 31), (6, 29), (6, 30), (7, 1), (7, 31), (12, 31)])
def test_the_statement_and_the_orm_read_a_commune_become_a_ward_alike(into_ward, variant, cut):
    """``sql`` (counted, dy, the units listed apart, the villages held) and ``criteria.figures``
    select the same units, on cut-offs before, on and after the day it ended; and where it went
    into a ward and a xã, or only part of it into a ward (it goes on), it counts as before."""
    from django.db import connection

    from communes.models import AdministrativeUnit
    from criteria.figures import (
        apart_of_year_q,
        communes_of_year_q,
        districts_of_year_q,
        villages_of_year_q,
    )
    from reports.selectors import sql

    tree, cut = into_ward, datetime.date(2025, *cut)
    with_commune = variant == "into_a_ward_and_a_commune"
    if variant == "part_into_a_ward":
        for unit in (tree.d2, tree.c, tree.c1):
            unit.valid_to = None
            unit.save(update_fields=["valid_to"])
    if with_commune:
        new = CommuneFactory(code="40N", name="Xã Mới", parent=tree.province, valid_from=datetime.date(2025, 7, 1))
        UnitSuccession.objects.create(predecessor=tree.c, successor=new, date=datetime.date(2025, 7, 1))
    head, params = sql.ctes(tree.province, [sql.Window(2025, cut)], None)
    held = "(SELECT id AS unit_id, level, valid_from, valid_to FROM communes_administrativeunit)"
    statements = {
        "counted": "SELECT id, year FROM counted",
        "dy": "SELECT id, year FROM dy",
        "apart": sql.apart_rows(tree.province),
        "villages": f"SELECT h.unit_id, y.year FROM {held} h CROSS JOIN y "
        f"WHERE h.level = 'village' AND {sql._village_of_year(None)}",
    }
    rules = {
        "counted": communes_of_year_q(2025, cut),
        "dy": districts_of_year_q(2025, cut),
        "apart": apart_of_year_q(2025, cut),
        "villages": villages_of_year_q(2025, cut),
    }
    codes = dict(AdministrativeUnit.objects.values_list("pk", "code"))
    read = {}
    for name, statement in statements.items():
        with connection.cursor() as cursor:
            cursor.execute(head + statement, params)
            in_sql = {codes[pk] for pk, _year in cursor.fetchall()}
        in_orm = set(
            AdministrativeUnit.objects.subtree(tree.province).filter(rules[name]).values_list("code", flat=True)
        )
        assert in_sql == in_orm, name
        read[name] = in_orm
    summary = progress_summary(unit=tree.province, year=2025, tier="standard", cutoff=cut)
    counted = AdministrativeUnit.objects.filter(rules["counted"])
    assert summary.communes_total == len(read["counted"])
    assert summary.communes_with_data == Assessment.objects.filter(year=2025, unit__in=counted).count()
    became_a_ward = cut > datetime.date(2025, 6, 30) and variant == "into_a_ward"
    assert ("40201" in read["counted"]) is not became_a_ward
    assert ("40201-01" in read["villages"]) is not became_a_ward
    assert ("402" in read["dy"]) is not became_a_ward
    assert ("40W" in read["apart"]) is (cut > datetime.date(2025, 6, 30))
    if variant == "into_a_ward":
        assert not ({"40201", "40W"} <= read["counted"] | read["apart"])  # each place once


def test_the_provinces_2025_dashboard_and_api_count_the_ward_once(into_ward, personas):
    """What the province office sees of 2025 (read on 31/12/2025): 2 communes — Phường Ân Phú
    listed apart, Xã Ân Phú that became it not among the communes — on the dashboard, in
    ``/api/v1/progress/``, in the list of communes and in the plan's "communes holding"."""
    import re

    client = Client()
    client.force_login(personas.province_office)
    html = client.get(reverse("reports:dashboard", args=["40"]), {"year": 2025, "tier": "standard"}).content.decode()
    assert "Listed apart, not counted: 1 × Ward (phường)." in html
    total = re.search(r'<tfoot><tr><th scope="row">Total</th><td class="num">(\d+)</td>', html)
    assert total.group(1) == "2"
    api = client.get("/api/v1/progress/", {"unit": "40", "year": 2025}).json()
    assert (api["communes_total"], api["communes_with_data"], api["apart"]) == (2, 2, {"phuong": 1})
    assert (api["recognised"]["standard"], api["districts_total"], api["villages_recognised"]) == (0, 1, 0)
    listed = client.get(reverse("reports:communes", args=["40"]), {"year": 2025, "tier": "standard"}).content.decode()
    assert "Xã Cẩm Thạch" in listed and "Xã Ân Phú" not in listed
    from plans.selectors import communes_holding

    assert communes_holding(into_ward.province, 2025)["communes_standard"] == 0  # what a target is held to
