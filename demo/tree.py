"""The fictional province's tree: districts and communes until 30/06/2025, then merged communes
directly under the province from 01/07/2025, each with its villages (thôn, xóm, bản)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from communes.models import AdministrativeUnit, Level, Region, UnitSuccession, UnitType
from demo.base import (
    LAST_DAY_BEFORE_MERGER,
    MERGER_DATE,
    MERGER_DECISION,
    PROVINCE_CODE,
    PROVINCE_NAME,
    DemoOptions,
    draw,
)

DISTRICT_NAMES = ("Sơn Hà", "Đồng Lộc", "Kim Giang", "Thạch Bàn", "Lâm Xuyên", "Hương Trà", "Vạn Ninh")
COMMUNE_FIRST = (
    "An", "Bình", "Cẩm", "Diễn", "Đức", "Gia", "Hà", "Hải", "Hòa", "Hồng", "Hưng", "Kỳ", "Lâm", "Liên",
    "Long", "Minh", "Nam", "Nghĩa", "Ngọc", "Phú", "Phúc", "Quang", "Quỳnh", "Sơn", "Tân", "Thạch",
    "Thanh", "Thịnh", "Thuận", "Tiến", "Trung", "Tường", "Vĩnh", "Xuân", "Yên",
)  # fmt: skip
COMMUNE_SECOND = (
    "An", "Bằng", "Châu", "Điền", "Đông", "Giang", "Hạ", "Hiệp", "Hợp", "Khánh", "Lạc", "Lĩnh", "Lộc",
    "Lợi", "Mỹ", "Ninh", "Phong", "Quý", "Sơn", "Tài", "Thành", "Thắng", "Thủy", "Trạch", "Trường",
    "Văn", "Vinh", "Xá", "Yên",
)  # fmt: skip
THON_NAMES = (
    "Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Tân Lập", "Đồng Tâm", "Phú Xuân",
    "Yên Thịnh", "Tiền Phong", "Hòa Bình", "Quyết Thắng", "Đoài", "Bàu Sen",
)  # fmt: skip
BAN_FIRST = ("Nà", "Pác", "Khe", "Phiêng", "Huổi", "Nậm", "Co", "Bó", "Khuổi", "Tà")
BAN_SECOND = ("Lầu", "Ngòi", "Tang", "Sáng", "Mường", "Pục", "Lìu", "Cằm", "Nưa", "Chè", "Hán", "Khoang")


@dataclass
class DemoTree:
    province: AdministrativeUnit
    districts: list[AdministrativeUnit] = field(default_factory=list)
    communes: list[AdministrativeUnit] = field(default_factory=list)
    villages: dict[str, list[AdministrativeUnit]] = field(default_factory=dict)  # by commune code
    merged: list[AdministrativeUnit] = field(default_factory=list)
    predecessors: dict[str, list[AdministrativeUnit]] = field(default_factory=dict)  # by merged code
    village_sources: dict[str, AdministrativeUnit] = field(default_factory=dict)  # new village -> old

    def all_villages(self, codes: list[str]) -> list[AdministrativeUnit]:
        return [v for code in codes for v in self.villages.get(code, [])]


class _NamePool:
    """Unique two-syllable commune names ("Cẩm Thạch"), drawn without repetition."""

    def __init__(self, rng: random.Random) -> None:
        names = [f"{a} {b}" for a in COMMUNE_FIRST for b in COMMUNE_SECOND if a != b]
        rng.shuffle(names)
        self._names = names

    def take(self) -> str:
        return self._names.pop()


def _save_unit(unit: AdministrativeUnit) -> AdministrativeUnit:
    unit.full_clean(exclude=["path", "name_search", "name_sort"])
    unit.save()
    return unit


def _district_sizes(total: int, count: int, rng: random.Random) -> list[int]:
    """Communes per district: near-even, each at least 2 so every district can merge."""
    sizes = [total // count] * count
    for i in range(total % count):
        sizes[i] += 1
    for _step in range(count):  # shuffle a few communes between districts
        a, b = rng.randrange(count), rng.randrange(count)
        if a != b and sizes[a] > 2:
            sizes[a] -= 1
            sizes[b] += 1
    return sizes


def _merge_groups(size: int, rng: random.Random) -> list[int]:
    """Split a district's ``size`` consecutive communes into runs of 2–4."""
    runs, left = [], size
    while left:
        run = left if left <= 4 else rng.choice([s for s in (2, 3, 3, 4) if left - s >= 2])
        runs.append(run)
        left -= run
    return runs


def _village_names(style: str, count: int, rng: random.Random) -> list[tuple[str, str]]:
    if style == "xom":
        return [(f"Xóm {i}", UnitType.XOM) for i in range(1, count + 1)]
    if style == "ban":
        names = [f"{a} {b}" for a in BAN_FIRST for b in BAN_SECOND]
        return [(f"Bản {n}", UnitType.BAN) for n in rng.sample(names, count)]
    return [(f"Thôn {n}", UnitType.THON) for n in rng.sample(THON_NAMES, count)]


def _make_villages(
    commune: AdministrativeUnit, names: list[tuple[str, str]], valid_from, valid_to
) -> list[AdministrativeUnit]:
    villages = []
    for i, (name, unit_type) in enumerate(names, 1):
        village = AdministrativeUnit(
            code=f"{commune.code}-{i:02d}",
            name=name,
            level=Level.VILLAGE,
            type=unit_type,
            parent=commune,
            region=commune.region,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        village.set_derived_fields()
        villages.append(village)
    return villages


# The fictional province's place on the map: a box in the north-central coast, each district a
# band from west to east, each commune a point in its district's band (from a generator of its
# own, so that the rest of the demo draws the same values with or without coordinates).
_WEST, _EAST, _SOUTH, _NORTH = 105.30, 106.20, 18.05, 18.75


def _place(rng: random.Random, district: int, districts: int) -> dict[str, Decimal]:
    width = (_EAST - _WEST) / districts
    west = _WEST + (district - 1) * width
    return {
        "longitude": Decimal(f"{rng.uniform(west + 0.01, west + width - 0.01):.6f}"),
        "latitude": Decimal(f"{rng.uniform(_SOUTH, _NORTH):.6f}"),
    }


def _centre(members: list[AdministrativeUnit]) -> dict[str, Decimal]:
    """A merged commune sits at the centre of the communes it was formed from."""
    q = Decimal("0.000001")
    return {
        "latitude": (sum(m.latitude for m in members) / len(members)).quantize(q),
        "longitude": (sum(m.longitude for m in members) / len(members)).quantize(q),
    }


def build_tree(options: DemoOptions) -> DemoTree:
    rng = draw(options.seed, "tree")
    places = draw(options.seed, "coordinates")
    province = _save_unit(
        AdministrativeUnit(
            code=PROVINCE_CODE, name=PROVINCE_NAME, level=Level.PROVINCE, type=UnitType.TINH, region=Region.BTB
        )
    )
    tree = DemoTree(province=province)
    district_count = 5 if options.communes >= 50 else 4
    district_names = rng.sample(DISTRICT_NAMES, district_count)
    pool = _NamePool(rng)
    villages: list[AdministrativeUnit] = []
    number = 0
    district_runs: list[list[AdministrativeUnit]] = []
    for d, (dname, size) in enumerate(
        zip(district_names, _district_sizes(options.communes, district_count, rng), strict=True), 1
    ):
        is_town = d == district_count  # the last one is a town (thị xã): its communes become group 1
        district = _save_unit(
            AdministrativeUnit(
                code=f"{PROVINCE_CODE}-H{d}",
                name=f"{'Thị xã' if is_town else 'Huyện'} {dname}",
                level=Level.DISTRICT,
                type=UnitType.THI_XA if is_town else UnitType.HUYEN,
                parent=province,
                region=province.region,
                valid_to=LAST_DAY_BEFORE_MERGER,
            )
        )
        tree.districts.append(district)
        in_district = []
        for _position in range(size):
            number += 1
            commune = _save_unit(
                AdministrativeUnit(
                    code=f"{PROVINCE_CODE}-X{number:03d}",
                    name=f"Xã {pool.take()}",
                    level=Level.COMMUNE,
                    type=UnitType.XA,
                    parent=district,
                    region=district.region,
                    especially_disadvantaged=not is_town and rng.random() < 0.14,
                    valid_to=LAST_DAY_BEFORE_MERGER,
                    **_place(places, d, district_count),
                )
            )
            style = "ban" if commune.especially_disadvantaged else rng.choice(("thon", "thon", "thon", "xom", "xom"))
            names = _village_names(style, rng.randint(3, 8), rng)
            tree.villages[commune.code] = _make_villages(commune, names, None, LAST_DAY_BEFORE_MERGER)
            villages.extend(tree.villages[commune.code])
            tree.communes.append(commune)
            in_district.append(commune)
        district_runs.append(in_district)

    _merge(tree, district_runs, pool, rng, villages)
    # SQLite and PostgreSQL return the new primary keys, and bulk_create marks the objects as
    # saved: the villages in the tree are ordinary stored units from here on.
    AdministrativeUnit.objects.bulk_create(villages)
    # Each new village continues an old one: a succession, as for the communes, so that a year's
    # figures count the place once (criteria.figures.villages_of_year_q).
    saved = {v.code: v for v in villages}
    UnitSuccession.objects.bulk_create(
        UnitSuccession(predecessor=old, successor=saved[code], date=MERGER_DATE, decision=MERGER_DECISION)
        for code, old in tree.village_sources.items()
    )
    return tree


def _merge(tree: DemoTree, district_runs, pool: _NamePool, rng: random.Random, villages: list) -> None:
    """From 01/07/2025: runs of 2–4 consecutive communes of a district become one commune."""
    runs = []
    for district, communes in zip(tree.districts, district_runs, strict=True):
        start = 0
        for size in _merge_groups(len(communes), rng):
            runs.append((district, communes[start : start + size]))
            start += size
    width = max(2, len(str(len(runs))))
    for m, (_district, members) in enumerate(runs, 1):
        merged = _save_unit(
            AdministrativeUnit(
                code=f"{PROVINCE_CODE}-M{m:0{width}d}",
                name=f"Xã {pool.take()}",
                level=Level.COMMUNE,
                type=UnitType.XA,
                parent=tree.province,
                region=tree.province.region,
                valid_from=MERGER_DATE,
                **_centre(members),
            )
        )
        UnitSuccession.objects.bulk_create(
            UnitSuccession(predecessor=old, successor=merged, date=MERGER_DATE, decision=MERGER_DECISION)
            for old in members
        )
        tree.merged.append(merged)
        tree.predecessors[merged.code] = members
        # Old villages stay under the old communes (their history stays readable); the merged
        # commune gets its own villages with the same names, disambiguated where two clash.
        sources = [v for old in members for v in tree.villages[old.code]]
        seen = Counter(v.name for v in sources)
        names = []
        for v in sources:
            old_name = v.parent.name.removeprefix("Xã ")
            names.append((f"{v.name} {old_name}" if seen[v.name] > 1 else v.name, v.type))
        new_villages = _make_villages(merged, names, MERGER_DATE, None)
        for new, old in zip(new_villages, sources, strict=True):
            tree.village_sources[new.code] = old
        tree.villages[merged.code] = new_villages
        villages.extend(new_villages)
