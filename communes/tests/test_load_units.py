"""``manage.py load_units`` on a slice of the vietnamadminunits package's real data.

Thái Nguyên (19) was formed on 1 July 2025 from Thái Nguyên and Bắc Kạn (06), and Xã Thượng
Đình (05932) was split: its main part went into Xã Điềm Thụy (05941), the rest into Xã Phú
Bình (05908). Lai Châu (12) is one of the provinces the reform left as they were.
"""

import datetime
import functools
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from communes.country import FIRST_DAY_AFTER, LAST_DAY_BEFORE, UnknownProvince, read_country
from communes.loading import units_load
from communes.models import AdministrativeUnit, Level, Region, UnitSuccession, UnitType
from communes.tests.factories import CommuneFactory, ProvinceFactory, VillageFactory

pytestmark = pytest.mark.django_db


@functools.cache
def country(code: str):
    return read_country(code)


def load(code: str):
    return units_load(country=country(code))


def unit(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code)


def test_a_merged_province_ends_its_old_provinces_and_begins_the_new_one():
    load("19")
    new, old, bac_kan = unit("19"), unit("19-cu"), unit("06-cu")
    assert (new.name, new.level, new.type) == ("Tỉnh Thái Nguyên", Level.PROVINCE, UnitType.TINH)
    assert (new.valid_from, new.valid_to) == (FIRST_DAY_AFTER, None)
    assert (old.valid_from, old.valid_to) == (None, LAST_DAY_BEFORE)
    assert bac_kan.name == "Tỉnh Bắc Kạn"
    assert set(new.predecessors()) == {old, bac_kan}
    assert UnitSuccession.objects.get(predecessor=bac_kan).decision == "Nghị quyết 202/2025/QH15"


def test_both_trees_load_with_their_levels_types_parents_and_dates():
    load("19")
    commune_old = unit("05908-cu")
    assert (commune_old.name, commune_old.type) == ("Thị trấn Hương Sơn", UnitType.THI_TRAN)
    assert commune_old.valid_to == datetime.date(2025, 6, 30)
    assert commune_old.parent.level == Level.DISTRICT
    assert commune_old.parent.parent == unit("19-cu")
    commune_new = unit("05908")
    assert (commune_new.name, commune_new.type) == ("Xã Phú Bình", UnitType.XA)
    assert commune_new.parent == unit("19")
    assert commune_new.path == "/19/05908/"
    assert commune_new.valid_from == datetime.date(2025, 7, 1)
    on_the_day_before = AdministrativeUnit.objects.subtree(unit("19-cu")).valid_on(LAST_DAY_BEFORE)
    assert on_the_day_before.filter(level=Level.COMMUNE).count() > 100
    assert not AdministrativeUnit.objects.subtree(unit("19")).valid_on(LAST_DAY_BEFORE).exists()
    assert AdministrativeUnit.objects.filter(parent=unit("19"), level=Level.COMMUNE).count() == 92


def test_a_reused_code_names_the_old_commune_and_the_new_one_apart():
    load("19")
    old, new = unit("05467-cu"), unit("05467")
    assert old.pk != new.pk
    assert old.valid_to == LAST_DAY_BEFORE and new.valid_from == FIRST_DAY_AFTER
    assert UnitSuccession.objects.get(predecessor=old, successor=new).main_part


def test_a_split_commune_links_to_each_new_commune_and_marks_where_its_main_part_went():
    load("19")
    thuong_dinh = unit("05932-cu")
    links = {s.successor.code: s.main_part for s in UnitSuccession.objects.filter(predecessor=thuong_dinh)}
    assert links == {"05941": True, "05908": False}
    assert set(unit("05941").predecessors().values_list("code", flat=True)) == {
        "05941-cu",
        "05956-cu",
        "05968-cu",
        "05932-cu",
    }


def test_every_former_commune_has_exactly_one_main_successor():
    load("19")
    former = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to=LAST_DAY_BEFORE)
    for commune in former:
        assert UnitSuccession.objects.filter(predecessor=commune, main_part=True).count() == 1, commune.code


def test_coordinates_are_loaded_for_provinces_districts_and_communes():
    load("19")
    assert (unit("05941").latitude, unit("05941").longitude) == (Decimal("21.457000"), Decimal("105.921000"))
    assert AdministrativeUnit.objects.filter(latitude__isnull=True).count() == 0


def test_an_unchanged_province_is_one_unit_holding_its_old_districts_and_its_new_communes():
    load("12")
    lai_chau = unit("12")
    assert (lai_chau.valid_from, lai_chau.valid_to) == (None, None)
    assert not AdministrativeUnit.objects.filter(code="12-cu").exists()
    below = AdministrativeUnit.objects.subtree(lai_chau, include_self=False)
    assert below.filter(level=Level.DISTRICT, valid_to=LAST_DAY_BEFORE).count() == 8
    assert below.filter(level=Level.COMMUNE, parent=lai_chau, valid_from=FIRST_DAY_AFTER).count() == 38
    assert not lai_chau.predecessors().exists()


def test_the_region_of_each_old_province_is_carried_to_the_new_communes():
    load("68")  # Lâm Đồng from Lâm Đồng (Central Highlands), Đắk Nông and Bình Thuận (South Central Coast)
    assert unit("68").region == Region.TN
    assert unit("60-cu").region == Region.DHNTB
    from_binh_thuan = AdministrativeUnit.objects.filter(
        successions_as_successor__predecessor__path__startswith="/60-cu/", level=Level.COMMUNE
    ).distinct()
    assert from_binh_thuan.exists()
    assert set(from_binh_thuan.values_list("region", flat=True)) == {Region.DHNTB}
    assert AdministrativeUnit.objects.filter(path__startswith="/67-cu/").exclude(region=Region.TN).count() == 0


def test_the_province_option_takes_an_old_or_a_new_code():
    assert country("06").codes() == country("19").codes()
    assert read_country("06-cu").codes() == country("19").codes()
    # 15 was Yên Bái before and is the new Lào Cai, formed from Lào Cai (10) and Yên Bái.
    assert read_country("10").codes() == read_country("15").codes()
    with pytest.raises(UnknownProvince):
        read_country("99")


def test_loading_again_changes_nothing():
    first = load("12")
    stamps = dict(AdministrativeUnit.objects.values_list("code", "updated_at"))
    again = load("12")
    assert len(first.created) == 1 + 8 + 106 + 38
    assert (again.created, again.updated, again.unchanged) == ([], [], len(first.created))
    assert (again.successions_created, again.successions_updated) == (0, 0)
    assert again.successions_unchanged == first.successions_created == 106
    assert dict(AdministrativeUnit.objects.values_list("code", "updated_at")) == stamps


def test_an_existing_unit_with_the_same_code_is_updated_not_duplicated_and_keeps_its_region():
    typed = ProvinceFactory(code="12", name="Lai Chau (typed by hand)", region=Region.DBSH)
    commune = CommuneFactory(code="03388", name="Xa go tay", parent=typed)
    report = load("12")
    typed.refresh_from_db()
    assert typed.name == "Tỉnh Lai Châu"
    assert typed.region == Region.DBSH  # an office's correction stays
    assert "12" in report.updated and "12" not in report.created
    assert AdministrativeUnit.objects.filter(code="12").count() == 1
    commune.refresh_from_db()
    assert (commune.name, commune.type) == ("Phường Đoàn Kết", UnitType.PHUONG)
    assert commune.valid_from == FIRST_DAY_AFTER


def test_units_added_by_hand_are_left_alone_and_follow_a_moved_parent():
    typed = ProvinceFactory(code="LC-TYPED", name="Tỉnh gõ tay")
    commune = CommuneFactory(code="03388", name="Xã gõ tay", parent=typed)
    village = VillageFactory(code="03388-01", name="Bản Một", parent=commune)
    load("12")
    village.refresh_from_db()
    assert (village.name, village.parent_id) == ("Bản Một", commune.pk)
    assert village.path == "/12/03388/03388-01/"
    assert unit("LC-TYPED").name == "Tỉnh gõ tay"


def test_loading_a_province_takes_a_few_queries_whatever_its_size(django_assert_max_num_queries):
    country("19")  # read the package outside the count
    with django_assert_max_num_queries(40):
        report = load("19")
    assert len(report.created) == 3 + 17 + 280 + 92


def test_the_command_reports_what_it_did_and_refuses_an_unknown_province(capsys):
    call_command("load_units", "--province", "12")
    assert "153 created, 0 updated, 0 unchanged; successions: 106 created" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No province has the code 99"):
        call_command("load_units", "--province", "99")
