"""Fixtures of the plans tests, on top of the shared ``tree`` and ``personas``.

``merger`` — province 50 before and after 1 July 2025: district 501 with communes O1, O2 until
30/06/2025 (village O1-T under O1); from 01/07/2025 commune M (formed from O1 and O2) hangs
directly under the province. The province office ``office50`` works there.
"""

import datetime
from types import SimpleNamespace

import pytest

from communes.models import Role, UnitSuccession
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
