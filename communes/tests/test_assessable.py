"""Which units a criteria set can assess in a year: the filter (``assessable_q``, the import
template's rows) and the loaded unit's ``assessable_refusal`` (starting an assessment, the
import's checks) are one rule."""

import datetime

import pytest

from communes.models import AdministrativeUnit, Level, UnitType, assessable_q
from communes.tests.factories import CommuneFactory, DistrictFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    district = DistrictFactory(valid_to=datetime.date(2025, 6, 30))
    commune = CommuneFactory(parent=district)
    return [
        district,
        commune,
        CommuneFactory(parent=district, type=UnitType.PHUONG, name="Phường Thử"),
        CommuneFactory(parent=district, type=UnitType.THI_TRAN, name="Thị trấn Thử"),
        CommuneFactory(parent=district, type=UnitType.DAC_KHU, name="Đặc khu Thử"),
        CommuneFactory(parent=district, valid_to=datetime.date(2024, 12, 31)),  # ended before 2025
        CommuneFactory(parent=district, valid_from=datetime.date(2025, 7, 1)),  # merged, from 1 July 2025
        CommuneFactory(parent=district, valid_from=datetime.date(2026, 1, 1)),  # not yet
        VillageFactory(parent=commune),
    ]


@pytest.fixture
def with_wards_villages(units):
    """The units, and the tổ dân phố of the ward, the township and the special zone."""
    apart = units[2:5]
    return units + [VillageFactory(parent=c, type=UnitType.TO_DAN_PHO, name="Tổ dân phố 1") for c in apart]


@pytest.mark.parametrize("year", [2024, 2025, 2026])
@pytest.mark.parametrize("level", [Level.DISTRICT, Level.COMMUNE, Level.VILLAGE])
def test_the_filter_and_the_loaded_unit_agree(with_wards_villages, level, year):
    by_filter = set(AdministrativeUnit.objects.filter(assessable_q(level, year)).values_list("code", flat=True))
    by_unit = {u.code for u in with_wards_villages if u.assessable_refusal(level, year) is None}
    assert by_filter == by_unit


def test_only_rural_communes_that_existed_in_the_year(units):
    district, commune, merged, village = units[0], units[1], units[6], units[8]
    assert [u.assessable_refusal(Level.COMMUNE, 2025) for u in units] == [
        "level",
        None,
        "not_rural",
        "not_rural",
        "not_rural",
        "year",
        None,
        "year",
        "level",
    ]
    assert set(AdministrativeUnit.objects.assessable(Level.COMMUNE, 2025)) == {commune, merged}
    assert village.assessable_refusal(Level.VILLAGE, 2025) is None
    assert district.assessable_refusal(Level.DISTRICT, 2026) == "year"


def test_a_wards_tdp_is_not_an_ntm_village(with_wards_villages):
    """QA: a ward's tổ dân phố were offered "Start … Thôn NTM", assessed, recognised and counted
    among the villages holding the title; the ward itself was refused."""
    village, wards_villages = with_wards_villages[8], with_wards_villages[9:]
    assert [u.assessable_refusal(Level.VILLAGE, 2025) for u in wards_villages] == ["not_rural_village"] * 3
    assert set(AdministrativeUnit.objects.assessable(Level.VILLAGE, 2025)) == {village}
