"""Two small datasets whose every figure is computed by hand in the tests.

``known`` — the shared ``tree`` (province 40: district 401 with communes A, B; district 402
with C), plus commune E under 402 with no assessment and commune F under 402 abolished on
30/06/2022. A 19-criteria standard set, a 19-criteria advanced set, a 5-criteria village set
and a 9-criteria district set.

  standard 2023: A 19 recognised · B 12 (criteria 1–12) · C 4 (criteria 1, 2, 3, 5) · E none
  standard 2022: A 17 submitted · B 10
  advanced 2023: A 15 submitted
  villages: A1 recognised 2023, A2 3/5 in 2023, B1 recognised 2022
  district 401 recognised 2023

``merger`` — province 50 before and after 1 July 2025: district 501 and communes O1, O2, O3
until 30/06/2025; from 01/07/2025 commune M (from O1 + O2) and N (from O3) under the province.

  2024: O1 19 recognised · O2 10 · O3 none
  2025: O1 19 recognised · O2 12 · O3 none
  2026 (10-criteria set): M 7 · N none

``mixed`` — QA's province 60 (district 601, communes X1–X5): the national 19 (2021–2025), the
province's own 20 (a clone of QĐ 318 with a criterion 20, 2024–2025) and the 10 of 2026–2030.

  2023 (19): X1 19 recognised · X2 15 · X3 12 · X4 10 · X5 8            average 12,8 / 19
  2024: X1 19/19 recognised · X2 20/20 · X3 16/20 · X4 14/20 · X5 12/20  average 16,2, mixed
  2025 (20): X1 20 recognised · X2 18 · X3 16 · X4 15 · X5 13            average 16,4 / 20
  2026 (10): X1 10 recognised · X2 8 · X3 7 · X4 6 · X5 5
  criterion 20 in 2024: not met by X3, X4, X5, of the 4 communes on the 20 (5 with data)
"""

import datetime
from types import SimpleNamespace

import pytest

from communes.models import UnitSuccession
from communes.tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory
from reports.tests.factories import make_assessment, make_flat_set

BEFORE = datetime.date(2025, 6, 30)
AFTER = datetime.date(2025, 7, 1)


@pytest.fixture
def known(tree):
    e = CommuneFactory(code="40202", name="Xã Yên Hòa", parent=tree.d2)
    f = CommuneFactory(code="40203", name="Xã Cũ", parent=tree.d2, valid_to=datetime.date(2022, 6, 30))
    standard = make_flat_set(code="R-19", total=19)
    advanced = make_flat_set(code="R-ADV", total=19, tier="advanced")
    village = make_flat_set(code="R-THON", total=5, level="village")
    district = make_flat_set(code="R-HUYEN", total=9, level="district")

    a23 = make_assessment(tree.a, standard, 2023, 19, "recognised")
    b23 = make_assessment(tree.b, standard, 2023, 12)
    c23 = make_assessment(tree.c, standard, 2023, [1, 2, 3, 5])
    make_assessment(tree.a, standard, 2022, 17, "submitted")
    make_assessment(tree.b, standard, 2022, 10)
    a23_advanced = make_assessment(tree.a, advanced, 2023, 15, "submitted")
    make_assessment(tree.a1, village, 2023, 5, "recognised")
    make_assessment(tree.a2, village, 2023, 3)
    make_assessment(tree.b1, village, 2022, 5, "recognised")
    make_assessment(tree.d1, district, 2023, 9, "recognised")
    return SimpleNamespace(
        tree=tree,
        e=e,
        f=f,
        standard=standard,
        advanced=advanced,
        a23=a23,
        b23=b23,
        c23=c23,
        a23_advanced=a23_advanced,
    )


@pytest.fixture
def merger(db):
    province = ProvinceFactory(code="50", name="Tỉnh Sáp Nhập")
    district = DistrictFactory(code="501", name="Huyện Cũ", parent=province, valid_to=BEFORE)
    o1, o2, o3 = (
        CommuneFactory(code=f"5010{i}", name=f"Xã Cũ {i}", parent=district, valid_to=BEFORE) for i in (1, 2, 3)
    )
    m = CommuneFactory(code="50001", name="Xã Hợp Nhất", parent=province, valid_from=AFTER, commune_group=2)
    n = CommuneFactory(code="50002", name="Xã Mới", parent=province, valid_from=AFTER, commune_group=3)
    for old, new in ((o1, m), (o2, m), (o3, n)):
        UnitSuccession.objects.create(predecessor=old, successor=new, date=AFTER)
    s19 = make_flat_set(code="M-19", total=19, year_from=2021, year_to=2025)
    s10 = make_flat_set(code="M-10", total=10, year_from=2026, year_to=2030)
    make_assessment(o1, s19, 2024, 19, "recognised")
    make_assessment(o2, s19, 2024, 10)
    make_assessment(o1, s19, 2025, 19, "recognised")
    make_assessment(o2, s19, 2025, 12)
    make_assessment(m, s10, 2026, 7)
    return SimpleNamespace(province=province, district=district, o1=o1, o2=o2, o3=o3, m=m, n=n)


@pytest.fixture
def mixed(db):
    from communes.models import Role
    from communes.tests.factories import MembershipFactory, UserFactory

    province = ProvinceFactory(code="60", name="Tỉnh Hai Bộ")
    district = DistrictFactory(code="601", name="Huyện Hai Bộ", parent=province)
    x = [CommuneFactory(code=f"6010{i}", name=f"Xã Hai Bộ {i}", parent=district) for i in range(1, 6)]
    s19 = make_flat_set(code="QG-19", total=19, year_from=2021, year_to=2025)
    s20 = make_flat_set(code="T-20", total=20, year_from=2024, year_to=2025)
    s20.issuer = province
    s20.save()
    s10 = make_flat_set(code="QG-10", total=10, year_from=2026, year_to=2030)
    for commune, met in zip(x, (19, 15, 12, 10, 8), strict=True):
        make_assessment(commune, s19, 2023, met, "recognised" if met == 19 else "draft")
    make_assessment(x[0], s19, 2024, 19, "recognised")
    for commune, met in zip(x[1:], (20, 16, 14, 12), strict=True):
        make_assessment(commune, s20, 2024, met)
    for commune, met in zip(x, (20, 18, 16, 15, 13), strict=True):
        make_assessment(commune, s20, 2025, met, "recognised" if met == 20 else "draft")
    for commune, met in zip(x, (10, 8, 7, 6, 5), strict=True):
        make_assessment(commune, s10, 2026, met, "recognised" if met == 10 else "draft")
    office = UserFactory(username="office60")
    MembershipFactory(user=office, unit=province, role=Role.PROVINCE_OFFICE)
    return SimpleNamespace(province=province, district=district, x=x, s19=s19, s20=s20, s10=s10, office=office)
