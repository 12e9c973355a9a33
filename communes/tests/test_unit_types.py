from communes.models import Level, UnitType
from communes.unit_types import type_of_full_name, unit_type


def test_every_commune_level_type_name_is_read_with_or_without_diacritics():
    assert unit_type(Level.COMMUNE, "Xã") == UnitType.XA
    assert unit_type(Level.COMMUNE, "phuong") == UnitType.PHUONG
    assert unit_type(Level.COMMUNE, "Thị trấn") == UnitType.THI_TRAN
    assert unit_type(Level.COMMUNE, "ĐẶC KHU") == UnitType.DAC_KHU


def test_thanh_pho_means_a_central_city_at_province_level_and_a_provincial_city_below():
    assert type_of_full_name(Level.PROVINCE, "Thành phố Huế") == UnitType.THANH_PHO_TW
    assert type_of_full_name(Level.DISTRICT, "Thành phố Hà Tĩnh") == UnitType.THANH_PHO
    assert type_of_full_name(Level.PROVINCE, "Tỉnh Hà Tĩnh") == UnitType.TINH


def test_district_level_names_are_told_apart():
    assert type_of_full_name(Level.DISTRICT, "Quận Ba Đình") == UnitType.QUAN
    assert type_of_full_name(Level.DISTRICT, "Thị xã Kỳ Anh") == UnitType.THI_XA
    assert type_of_full_name(Level.DISTRICT, "Huyện Đức Thọ") == UnitType.HUYEN


def test_a_name_without_a_known_type_word_gives_none():
    assert type_of_full_name(Level.COMMUNE, "Thôn Bắc") is None
    assert unit_type(Level.COMMUNE, "huyện") is None
