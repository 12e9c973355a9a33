"""The administrative tree and the people of the benchmark: provinces, districts, communes,
villages, and one working user per unit (province office, district committee, commune officer).

Names are fictional (two Vietnamese syllables drawn from a seeded generator); codes follow
the statistics office's shape (2-digit province, 3-digit district, 5-digit commune, and a
7-digit village code), so every level has its own length and codes never collide.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from bench.sink import Sink, Table
from communes.models import AdministrativeUnit, Level, Membership, Region, Role, UnitType

BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 - published password of generated bench users
ADMIN_USERNAME = "bench-admin"

# How the 63 provinces spread over the seven socio-economic regions.
REGION_PROVINCES: tuple[tuple[str, int], ...] = (
    (Region.TDMNPB, 14),
    (Region.DBSH, 11),
    (Region.BTB, 6),
    (Region.DHNTB, 8),
    (Region.TN, 5),
    (Region.DNB, 6),
    (Region.DBSCL, 13),
)
COMMUNES_PER_DISTRICT = 11.4  # 8,000 communes in about 700 districts
# Regions with especially disadvantaged communes, held to the northern mountain targets.
DISADVANTAGED_SHARE = {Region.TDMNPB: 0.3, Region.TN: 0.2, Region.BTB: 0.15, Region.DHNTB: 0.1}
VILLAGE_TYPE = {Region.TDMNPB: UnitType.BAN, Region.DBSCL: UnitType.AP, Region.DNB: UnitType.AP}

SYLLABLES = (
    "An", "Bình", "Cẩm", "Diễn", "Đức", "Gia", "Hà", "Hải", "Hòa", "Hồng", "Hưng", "Kỳ", "Lâm", "Liên",
    "Long", "Minh", "Nam", "Nghĩa", "Ngọc", "Phú", "Phúc", "Quang", "Quỳnh", "Sơn", "Tân", "Thạch",
    "Thanh", "Thịnh", "Thuận", "Tiến", "Trung", "Tường", "Vĩnh", "Xuân", "Yên", "Bằng", "Châu", "Điền",
    "Đông", "Giang", "Hiệp", "Khánh", "Lạc", "Lộc", "Mỹ", "Ninh", "Phong", "Thắng", "Thủy", "Văn",
)  # fmt: skip
VILLAGE_WORDS = ("Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Tân Lập", "Đồng Tâm", "Hòa Bình")


@dataclass
class Unit:
    """What the assessment generator needs to know about a unit (no ORM object)."""

    pk: int
    code: str
    level: str
    region: str
    path: str
    especially_disadvantaged: bool = False
    user_id: int | None = None  # the unit's working user
    commune_group: int | None = None  # the generated tree sets no 2026–2030 groups


@dataclass
class Province(Unit):
    districts: list[Unit] = field(default_factory=list)
    communes: list[Unit] = field(default_factory=list)
    district_of: dict[str, Unit] = field(default_factory=dict)  # commune code -> district


@dataclass
class Tree:
    provinces: list[Province]
    admin_id: int

    @property
    def communes(self) -> list[Unit]:
        return [c for p in self.provinces for c in p.communes]


UNIT_COLUMNS = (
    "id", "code", "name", "level", "type", "parent_id", "region", "commune_group", "especially_disadvantaged",
    "valid_from", "valid_to", "path", "name_search", "name_sort", "created_at", "updated_at",
)  # fmt: skip
USER_COLUMNS = (
    "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
    "is_staff", "is_active", "date_joined",
)  # fmt: skip
MEMBERSHIP_COLUMNS = ("id", "user_id", "unit_id", "role", "created_at")


def tables() -> dict[str, Table]:
    return {
        "unit": Table(AdministrativeUnit, UNIT_COLUMNS),
        "user": Table(get_user_model(), USER_COLUMNS),
        "membership": Table(Membership, MEMBERSHIP_COLUMNS),
    }


def province_sizes(communes: int, provinces: int, rng: random.Random) -> list[int]:
    """Communes per province: uneven (about 0.5× to 1.5× the mean), summing exactly."""
    if provinces == 1:
        return [communes]
    weights = [rng.uniform(0.5, 1.5) for _ in range(provinces)]
    sizes = [max(10, int(communes * w / sum(weights))) for w in weights]
    for i in range(communes - sum(sizes)):
        sizes[i % provinces] += 1
    return sizes


def split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` split into ``parts`` positive, slightly uneven parts."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(bounds)]


class TreeBuilder:
    """Writes units, users and memberships to a sink; keeps the light ``Unit`` records."""

    def __init__(self, sink: Sink, rng: random.Random, now: datetime.datetime) -> None:
        self.sink = sink
        self.rng = rng
        self.now = now
        self.password = make_password(BENCH_PASSWORD)  # hashed once: every bench user shares it
        self.district_seq = 0
        self.commune_seq = 0

    def name(self) -> str:
        first, second = self.rng.sample(SYLLABLES, 2)
        return f"{first} {second}"

    def unit(
        self, code: str, name: str, level: str, utype: str, parent: Unit | None, region: str, *, ed: bool = False
    ) -> Unit:
        # set_derived_fields() is the model's own rule for path and the search and sort keys.
        model = AdministrativeUnit(code=code, name=name, level=level, type=utype)
        if parent is not None:
            model.parent_id = parent.pk
            model.parent = AdministrativeUnit(pk=parent.pk, code=parent.code, path=parent.path)
        model.set_derived_fields()
        pk = self.sink.tables["unit"].take_id()
        self.sink.add(
            "unit",
            (
                pk, code, name, level, utype, parent.pk if parent else None, region,
                None, ed, None, None, model.path, model.name_search, model.name_sort, self.now, self.now,
            ),
        )  # fmt: skip
        return Unit(pk, code, level, region, model.path, ed)

    def user(self, username: str, *, superuser: bool = False) -> int:
        pk = self.sink.tables["user"].take_id()
        self.sink.add(
            "user",
            (
                pk, self.password, None, superuser, username, "", username, f"{username}@bench.example",
                superuser, True, self.now,
            ),
        )  # fmt: skip
        return pk

    def member(self, unit: Unit, role: str) -> None:
        unit.user_id = self.user(f"{role.split('_')[0]}-{unit.code}")
        self.sink.add("membership", (self.sink.tables["membership"].take_id(), unit.user_id, unit.pk, role, self.now))

    def province(self, number: int, region: str, communes: int, villages: int) -> Province:
        base = self.unit(f"{number:02d}", f"Tỉnh {self.name()}", Level.PROVINCE, UnitType.TINH, None, region)
        province = Province(**vars(base))
        self.member(province, Role.PROVINCE_OFFICE)
        districts = max(1, round(communes / COMMUNES_PER_DISTRICT))
        for size in split(communes, districts, self.rng):
            self.district_seq += 1
            district = self.unit(
                f"{self.district_seq:03d}", f"Huyện {self.name()}", Level.DISTRICT, UnitType.HUYEN, province, region
            )
            self.member(district, Role.DISTRICT_COMMITTEE)
            province.districts.append(district)
            for _ in range(size):
                province.communes.append(self.commune(province, district, region, villages))
        return province

    def commune(self, province: Province, district: Unit, region: str, villages: int) -> Unit:
        self.commune_seq += 1
        ed = self.rng.random() < DISADVANTAGED_SHARE.get(region, 0.0)
        commune = self.unit(
            f"{self.commune_seq:05d}", f"Xã {self.name()}", Level.COMMUNE, UnitType.XA, district, region, ed=ed
        )
        self.member(commune, Role.COMMUNE_OFFICER)
        province.district_of[commune.code] = district
        village_type = VILLAGE_TYPE.get(region, UnitType.THON)
        for v in range(1, villages + 1):
            word = self.rng.choice(VILLAGE_WORDS)
            self.unit(f"{commune.code}{v:02d}", f"{word} {v}", Level.VILLAGE, village_type, commune, region)
        return commune


def build_tree(
    sink: Sink, *, provinces: int, communes: int, villages: int, rng: random.Random, now: datetime.datetime
) -> Tree:
    builder = TreeBuilder(sink, rng, now)
    admin_id = builder.user(ADMIN_USERNAME, superuser=True)
    regions = [region for region, count in REGION_PROVINCES for _ in range(count)]
    if provinces == 1:
        regions = [Region.BTB]  # a region with especially disadvantaged communes: both target paths
    sizes = province_sizes(communes, provinces, rng)
    result = [
        builder.province(number, regions[(number - 1) % len(regions)], size, villages)
        for number, size in enumerate(sizes, start=1)
    ]
    return Tree(result, admin_id)
