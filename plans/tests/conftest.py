"""Fixtures of the plans tests, on top of the shared ``tree`` and ``personas``.

``scales`` — the shared ``tree`` (province 40) with the sets QA entered: the national 19
(2021–2025), the province's own 20 (a clone of QĐ 318 with a criterion 20, 2024–2025) and the
10 of 2026–2030, all published; in 2026 A meets 10/10 and holds the title, B 7, C 4.

``room_for_targets`` — 67 more communes (district 409, no assessment) in the shared ``tree``'s
province 40, 70 in all: room for the province targets the tests enter (50, 60, 70 communes),
since ``province_target_save`` refuses a count above the communes the province counts.

``merger`` — province 50 before and after 1 July 2025: district 501 with communes O1, O2 until
30/06/2025 (village O1-T under O1); from 01/07/2025 commune M (formed from O1 and O2) hangs
directly under the province. The province office ``office50`` works there.
"""

import datetime
from types import SimpleNamespace

import pytest

from communes.models import AdministrativeUnit, Level, Role, UnitSuccession, UnitType
from communes.tests.factories import (
    CommuneFactory,
    DistrictFactory,
    MembershipFactory,
    ProvinceFactory,
    UserFactory,
    VillageFactory,
)

BEFORE = datetime.date(2025, 6, 30)
AFTER = datetime.date(2025, 7, 1)


@pytest.fixture
def merger(db):
    province = ProvinceFactory(code="50", name="Tỉnh Sáp Nhập")
    district = DistrictFactory(code="501", name="Huyện Cũ", parent=province, valid_to=BEFORE)
    o1 = CommuneFactory(code="50101", name="Xã Cũ Một", parent=district, valid_to=BEFORE)
    o2 = CommuneFactory(code="50102", name="Xã Cũ Hai", parent=district, valid_to=BEFORE)
    o1t = VillageFactory(code="50101-01", name="Thôn Cũ", parent=o1, valid_to=BEFORE)
    m = CommuneFactory(code="50001", name="Xã Hợp Nhất", parent=province, valid_from=AFTER)
    for old in (o1, o2):
        UnitSuccession.objects.create(predecessor=old, successor=m, date=AFTER)
    office = UserFactory(username="office50")
    MembershipFactory(user=office, unit=province, role=Role.PROVINCE_OFFICE)
    officer_m = UserFactory(username="officer_m")
    MembershipFactory(user=officer_m, unit=m, role=Role.COMMUNE_OFFICER)
    return SimpleNamespace(
        province=province, district=district, o1=o1, o2=o2, o1t=o1t, m=m, office=office, officer_m=officer_m
    )


@pytest.fixture
def scales(tree):
    from plans.tests.factories import make_assessment, make_published_set

    national = make_published_set(code="QG-19", criteria=19, year_from=2021, year_to=2025)
    own = make_published_set(code="T-20", criteria=20, year_from=2024, year_to=2025, issuer=tree.province)
    ten = make_published_set(code="QG-10", criteria=10, year_from=2026, year_to=2030)
    make_assessment(tree.a, ten, 2026, 10, "recognised", total=10)
    make_assessment(tree.b, ten, 2026, 7, total=10)
    make_assessment(tree.c, ten, 2026, 4, total=10)
    return SimpleNamespace(tree=tree, national=national, own=own, ten=ten)


@pytest.fixture
def room_for_targets(tree):
    district = DistrictFactory(code="409", name="Huyện Dự Phòng", parent=tree.province)
    communes = []
    for n in range(67):
        commune = AdministrativeUnit(
            code=f"409{n:02d}", name=f"Xã Dự Phòng {n}", level=Level.COMMUNE, type=UnitType.XA, parent=district
        )
        commune.region = district.region
        commune.set_derived_fields()
        communes.append(commune)
    AdministrativeUnit.objects.bulk_create(communes)
    return district
