"""The demo province's own criteria sets: the two illustrative sets in ``demo/catalog/`` and
its version of QĐ 51/2025 with the targets the decision leaves to each province."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from communes.models import AdministrativeUnit
from criteria.models import CriteriaSet, Indicator, Target, ValueType
from criteria.services import catalog_load_dir, catalog_load_file, catalog_set_clone, catalog_set_publish

# Not read by ``load_catalog`` (the national catalog): loaded once the DEMO province exists.
DEMO_CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
DEMO_SET_FILES = ("demo-village.toml", "demo-advanced-20.toml")
QD51_CODE = "QD51-2025-XA-NTM"
QD51_DEMO_CODE = "QD51-2025-XA-NTM-DEMO"
QD1980_CODE = "QD1980-2016-XA-NTM"
# QĐ 318 arrived on 08/03/2022: 2021 is still assessed against QĐ 1980, as the province decides.
TRANSITIONAL_YEAR = 2021
TRANSITIONAL_BASIS = "Kế hoạch 12/KH-UBND ngày 15/01/2021 của UBND Tỉnh Minh Họa (minh họa)"
DEMO_DISCLAIMER = "Bộ tiêu chí minh họa của Tỉnh Minh Họa — không phải văn bản pháp luật"
# The province's decision on its version of QĐ 51/2025 and the day that version comes into force:
# ten days after signing, the earliest a provincial legal document may (not the national
# 15/02/2026, before the province had signed anything). Its 2026 recognitions date from then.
QD51_DEMO_DECIDED = datetime.date(2026, 2, 20)
QD51_DEMO_IN_FORCE = datetime.date(2026, 3, 2)

# Targets of the demo province's version of QĐ 51/2025 (the national figures were not found):
# code -> one value for every commune group, or (group 1, group 2, group 3).
QD51_DEMO_TARGETS: dict[str, int | tuple[int, int, int]] = {
    "2.1": 100,
    "2.2": (100, 90, 80),
    "2.3": (90, 80, 70),
    "2.4": (90, 85, 80),
    "2.6": (99, 99, 98),
    "2.7": (90, 80, 70),
    "2.10": (95, 90, 85),
    "3.1": (90, 75, 60),
    "3.4": (2, 1, 1),
    "4.1": (80, 75, 65),
    "4.2": (40, 35, 25),
    "4.3": (95, 92, 90),
    "5.1": (90, 85, 80),
    "5.3": (95, 90, 85),
    "5.4": (97, 95, 95),
    "5.6": (12, 15, 20),
    "5.7": (95, 90, 85),
    "6.1": (1, 2, 5),
    "6.3": (50, 40, 30),
    "7.1": (100, 100, 95),
    "7.2": (90, 85, 80),
    "7.3": (80, 70, 60),
    "8.1": (80, 70, 60),
    "8.2": (95, 90, 85),
    "8.3": (70, 60, 50),
    "8.4": 100,
    "8.6": 100,
    "9.2": 100,
    "9.3": (98, 98, 95),
}
QD51_DEMO_FALLBACK = 80  # a target for any flagged indicator missing above (a later catalog edit)


@dataclass
class DemoSets:
    village: CriteriaSet
    advanced: CriteriaSet
    qd51: CriteriaSet | None


def load_demo_catalog(province: AdministrativeUnit) -> DemoSets:
    catalog_load_dir()
    village = catalog_load_file(DEMO_CATALOG_DIR / DEMO_SET_FILES[0]).criteria_set
    advanced = catalog_load_file(DEMO_CATALOG_DIR / DEMO_SET_FILES[1]).criteria_set
    return DemoSets(village=village, advanced=advanced, qd51=_province_qd51(province))


def _province_qd51(province: AdministrativeUnit) -> CriteriaSet | None:
    """The province's own version of QĐ 51/2025, with the targets the decision left open."""
    national = CriteriaSet.objects.filter(code=QD51_CODE, issuer__isnull=True).order_by("-version").first()
    if national is None:
        return None
    clone = catalog_set_clone(
        criteria_set=national,
        issuer=province,
        code=QD51_DEMO_CODE,
        name=f"{DEMO_DISCLAIMER}: xã nông thôn mới giai đoạn 2026–2030 (áp dụng QĐ 51/2025/QĐ-TTg)",
        short_name="Xã NTM 2026–2030 (Minh Họa)",
        decision_number="05/2026/QĐ-UBND (minh họa)",
        decision_date=QD51_DEMO_DECIDED,
        effective_date=QD51_DEMO_IN_FORCE,
    )
    clone.notes = (
        f"{DEMO_DISCLAIMER}. Phiên bản của tỉnh hư cấu Minh Họa cho bộ tiêu chí QĐ 51/2025/QĐ-TTg: "
        "các mức đạt theo nhóm xã 1/2/3 do seed_demo đặt để minh họa, đều đánh dấu cần đối chiếu."
    )
    clone.save(update_fields=["notes"])
    flagged = (
        Indicator.objects.filter(criteria_set=clone, target_by_province=True)
        .exclude(value_type=ValueType.YES_NO)
        .order_by("criterion__number", "position")
    )
    targets = []
    for indicator in flagged:
        values = QD51_DEMO_TARGETS.get(indicator.code, QD51_DEMO_FALLBACK)
        if isinstance(values, tuple):
            targets += [
                Target(indicator=indicator, value=Decimal(v), commune_group=g, to_verify=True)
                for g, v in enumerate(values, 1)
            ]
        else:
            targets.append(Target(indicator=indicator, value=Decimal(values), to_verify=True))
    Target.objects.bulk_create(targets)
    return catalog_set_publish(criteria_set=clone, require_targets=True)
