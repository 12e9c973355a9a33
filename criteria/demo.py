"""A deterministic, clearly fictional demo province for demos and manual testing.

"Tỉnh Minh Họa" ("illustration province", code ``DEMO``) does not exist. ``seed_demo`` builds
its tree (districts and communes until 30/06/2025, merged communes directly under the province
from 01/07/2025), the province's own criteria sets, demo users and several years of
assessments with plausible progress, all through the ordinary services so that stored
results, history and workflow states look exactly like real data.

Same options, same data: every random choice comes from a ``random.Random`` seeded with the
seed and a label naming what is being drawn (a unit code, a set code, a year), so one part
of the generator never shifts the draws of another.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Level, Membership, Region, Role, UnitSuccession, UnitType
from criteria import evaluation
from criteria.demo_districts import seed_district_assessments
from criteria.models import (
    Assessment,
    AssessmentLog,
    AssessmentState,
    CommuneGroupAssignment,
    CommuneGroupChange,
    Comparison,
    CriteriaSet,
    CriteriaSetChange,
    CriterionResult,
    CriterionResultLog,
    Evidence,
    HistoryEntry,
    Indicator,
    IndicatorValue,
    SetInForce,
    SetLevel,
    Target,
    Tier,
    ValueType,
)
from criteria.models_commune_groups import GROUP_OF_CONDITION, GroupCondition
from criteria.services import (
    ValueEntry,
    assessment_create,
    assessment_record_values,
    assessment_set_state,
    catalog_load_dir,
    catalog_load_file,
    catalog_set_clone,
    catalog_set_publish,
    criterion_set_basically_met,
)
from criteria.services.catalog import CATALOG_DIR
from criteria.services.commune_groups import commune_group_set
from criteria.services.in_force import chosen_set, set_in_force_choose
from criteria.services.summary import assessment_record_summary
from criteria.targets import rule_for_unit
from ntm_portal.append_only import allow_history_rewrite
from ocop.demo import reset_ocop_demo, seed_ocop_demo

PROVINCE_CODE = "DEMO"
PROVINCE_NAME = "Tỉnh Minh Họa"
DEMO_PASSWORD = "ntm-demo-2026"  # noqa: S105 - the published password of fictional demo users
DEMO_EMAIL_DOMAIN = "minhhoa.example"
DEMO_CATALOG_DIR = CATALOG_DIR / "demo"
DEMO_SET_FILES = ("demo-village.toml", "demo-advanced-20.toml")
QD51_CODE = "QD51-2025-XA-NTM"
QD51_DEMO_CODE = "QD51-2025-XA-NTM-DEMO"
QD1980_CODE = "QD1980-2016-XA-NTM"
# QĐ 318 arrived on 08/03/2022: 2021 is still assessed against QĐ 1980, as the province decides.
TRANSITIONAL_YEAR = 2021
TRANSITIONAL_BASIS = "Kế hoạch 12/KH-UBND ngày 15/01/2021 của UBND Tỉnh Minh Họa (minh họa)"
DEMO_DISCLAIMER = "Bộ tiêu chí minh họa của Tỉnh Minh Họa — không phải văn bản pháp luật"

# What district reports give for a criterion "cơ bản đạt" (basically met): works under way.
BASICALLY_MET_REASONS = (
    "Các tuyến đường trục thôn đang thi công, dự kiến hoàn thành trong năm.",
    "Đã phê duyệt dự án, đang triển khai; khối lượng đạt trên 80%.",
    "Đang hoàn thiện hồ sơ minh chứng, chờ thẩm định của phòng chuyên môn.",
)
MERGER_DATE = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE_MERGER = datetime.date(2025, 6, 30)
MERGER_DECISION = "Nghị quyết 1686/NQ-UBTVQH15 (minh họa)"
LAST_PRE_MERGER_YEAR = 2025
ANCHOR_YEAR = 2025  # trajectories are drawn as "where the commune stands in 2025"

MIN_COMMUNES, MAX_COMMUNES = 8, 400
FIRST_YEAR, LAST_YEAR = 2016, 2030

MSG_ALREADY_SEEDED = _("The demo province %(code)s already exists; run seed_demo --reset to rebuild it.")
MSG_USERS_EXIST = _("Users %(names)s already exist and are not demo users; rename or remove them first.")
MSG_PLAN_MISMATCH = _(
    "Demo generator error: %(unit)s %(set)s %(year)s stored %(stored)s criteria met, planned %(planned)s."
)


class DemoError(Exception):
    """The demo cannot be seeded as asked; the message says why."""


@dataclass(frozen=True)
class DemoUser:
    username: str
    role_label: object  # a lazy translation
    unit_code: str
    role: str | None
    first_name: str
    last_name: str


# Logins printed by ``make run``; all share DEMO_PASSWORD.
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", _("Administrator"), "", None, "Trị", "Quản"),
    DemoUser("tinh", _("Province coordination office"), "DEMO", Role.PROVINCE_OFFICE, "Lan", "Nguyễn Thị"),
    DemoUser("huyen1", _("District steering committee"), "DEMO-H1", Role.DISTRICT_COMMITTEE, "Hùng", "Trần Văn"),
    DemoUser("huyen2", _("District steering committee"), "DEMO-H2", Role.DISTRICT_COMMITTEE, "Mai", "Lê Thị"),
    DemoUser("xa1", _("Commune officer"), "DEMO-X001", Role.COMMUNE_OFFICER, "Tuấn", "Phạm Anh"),
    DemoUser("xa2", _("Commune officer"), "DEMO-X002", Role.COMMUNE_OFFICER, "Hoa", "Võ Thị"),
    DemoUser("xamoi1", _("Commune officer (merged commune)"), "DEMO-M01", Role.COMMUNE_OFFICER, "Dũng", "Đặng Quốc"),
    DemoUser("lanhdao", _("Viewer (province leadership)"), "DEMO", Role.VIEWER, "Thắng", "Hoàng Minh"),
)


@dataclass(frozen=True)
class DemoOptions:
    communes: int = 60
    year_from: int = 2021
    year_to: int = 2026
    seed: int = 2026

    def years(self) -> range:
        return range(self.year_from, self.year_to + 1)


# --- Names -----------------------------------------------------------------------------------

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

# Criteria that lag in real reporting (income, poverty, health, environment): they fail more.
LAGGING_WORDS = ("thu nhập", "nghèo", "y tế", "môi trường", "phát triển kinh tế")

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


def _rng(seed: int, *labels: object) -> random.Random:
    return random.Random(":".join(str(x) for x in (seed, *labels)))


def _ends_in(unit: AdministrativeUnit, year: int) -> bool:
    """The unit ends during ``year`` (the units that ended on 30/06/2025)."""
    return unit.valid_to is not None and unit.valid_to.year == year


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=_tz())


# --- The tree --------------------------------------------------------------------------------


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
    rng = _rng(options.seed, "tree")
    places = _rng(options.seed, "coordinates")
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
    AdministrativeUnit.objects.bulk_create(villages)
    _fetch_village_pks(tree)
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


def _fetch_village_pks(tree: DemoTree) -> None:
    """bulk_create may not return primary keys on every backend: read them back by code."""
    pks = dict(AdministrativeUnit.objects.subtree(tree.province).filter(level=Level.VILLAGE).values_list("code", "pk"))
    for villages in tree.villages.values():
        for v in villages:
            v.pk = pks[v.code]
            v._state.adding = False
            v._stored_path = v.path


# --- Catalog ---------------------------------------------------------------------------------


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
        decision_date=datetime.date(2026, 2, 20),
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


@dataclass
class IndicatorPlan:
    indicator: Indicator
    rules: list[evaluation.TargetRule]


@dataclass
class CriterionPlan:
    number: int
    name: str
    lagging: bool
    indicators: list[IndicatorPlan]


@dataclass
class SetPlan:
    """A set with its criteria, indicators and target rules, read once."""

    criteria_set: CriteriaSet
    criteria: list[CriterionPlan]

    @property
    def total(self) -> int:
        return len(self.criteria)


def _set_plan(criteria_set: CriteriaSet, cache: dict[int, SetPlan]) -> SetPlan:
    if criteria_set.pk not in cache:
        criteria = []
        for c in criteria_set.criteria.prefetch_related("indicators__targets").order_by("number"):
            indicators = [
                IndicatorPlan(i, [t.as_rule() for t in sorted(i.targets.all(), key=lambda t: t.pk)])
                for i in sorted(c.indicators.all(), key=lambda i: (i.position, i.pk))
            ]
            lagging = any(word in c.name.lower() for word in LAGGING_WORDS)
            criteria.append(CriterionPlan(c.number, c.name, lagging, indicators))
        cache[criteria_set.pk] = SetPlan(criteria_set, criteria)
    return cache[criteria_set.pk]


# --- Values that meet or miss a target -------------------------------------------------------


def _target(plan: IndicatorPlan, unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int):
    rule, _reason = rule_for_unit(plan.rules, unit=unit, year=year, criteria_set=criteria_set)
    return rule


def _value(indicator: Indicator, target, meet: bool, rng: random.Random):
    """A value that meets (or misses) the target, or None when that is impossible."""
    if indicator.comparison == Comparison.MET:
        return meet
    if target is None or target.value is None:
        return None
    if indicator.value_type == ValueType.YES_NO:  # compared with "="
        return target.value if meet else not target.value
    goal = Decimal(target.value)
    whole = indicator.value_type in (ValueType.COUNT, ValueType.MONEY)
    step = Decimal(1) if whole else Decimal("0.1")
    ceiling = Decimal(100) if indicator.value_type == ValueType.PERCENT else None
    scale = max(goal / 4, Decimal(2))
    gap = step * rng.randint(0, int(scale / step))
    comparison = indicator.comparison
    if comparison == Comparison.EQ:
        value = goal if meet else goal + step
    elif (comparison == Comparison.GTE) == meet:  # above the goal: meets ≥, misses ≤
        value = goal + gap + (0 if meet else step)
        if ceiling is not None:
            value = min(value, ceiling)
    else:  # below the goal: meets ≤, misses ≥
        value = goal - gap - (0 if meet else step)
        if value < 0:
            value = goal - (0 if meet else step)
    if value < 0 or (ceiling is not None and value > ceiling):
        return None
    if whole:
        value = value.to_integral_value()
    outcome = evaluation.indicator_outcome(
        value,
        value_type=evaluation.ValueType(indicator.value_type),
        comparison=evaluation.Comparison(comparison),
        target=target,
    )
    return value if (outcome == evaluation.Outcome.MET) == meet else None


def _can_meet(criterion: CriterionPlan, unit, criteria_set, year) -> bool:
    return all(
        _value(p.indicator, _target(p, unit, criteria_set, year), True, random.Random(0)) is not None
        for p in criterion.indicators
        if p.indicator.required
    )


def _choose_met(
    set_plan: SetPlan, unit: AdministrativeUnit, year: int, count: int, seed: int
) -> tuple[set[int], list[int]]:
    """Which criteria are met: the ``count`` easiest for this unit (lagging ones are harder).

    The order is fixed per unit and set, so criteria met only accumulate over the years.
    Returns the met numbers and the full order (easiest first).
    """
    rng = _rng(seed, "order", unit.code, set_plan.criteria_set.code)
    difficulty = {c.number: rng.random() + (0.8 if c.lagging else 0.0) for c in set_plan.criteria}
    order = sorted(difficulty, key=lambda n: (difficulty[n], n))
    by_number = {c.number: c for c in set_plan.criteria}
    feasible = [n for n in order if _can_meet(by_number[n], unit, set_plan.criteria_set, year)]
    return set(feasible[:count]), order


def _entries(set_plan: SetPlan, unit, year: int, met: set[int], rng: random.Random) -> list[ValueEntry]:
    entries = []
    cs = set_plan.criteria_set
    for criterion in set_plan.criteria:
        targets = {p.indicator.code: _target(p, unit, cs, year) for p in criterion.indicators}
        if criterion.number in met:
            misses: set[str] = set()
        else:
            missable = [
                p.indicator.code
                for p in criterion.indicators
                if p.indicator.required and _value(p.indicator, targets[p.indicator.code], False, rng) is not None
            ]
            misses = {rng.choice(missable)} if missable else set()
            misses |= {code for code in missable if rng.random() < 0.3}
        for p in criterion.indicators:
            code = p.indicator.code
            value = _value(p.indicator, targets[code], code not in misses, rng)
            if value is not None:
                entries.append(ValueEntry(code=code, raw=value))
    return entries


# --- Trajectories ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Trajectory:
    """Criteria met on a 19-criteria scale: ``final`` in the anchor year, ``step`` fewer a year
    before ``reach`` (the year the unit first meets them all, for ``final == 19``)."""

    final: int
    step: int
    reach: int
    floor: int = 1

    def count(self, year: int, scale: int = 19) -> int:
        c19 = max(min(self.final, self.floor), self.final - self.step * max(0, self.reach - year))
        return min(scale, round(c19 * scale / 19))


# 2025 distribution of communes over the reporting buckets 19 · 15–18 · 10–14 · 5–9 · under 5.
BUCKET_SHARES = ((19, 19, 0.30), (15, 18, 0.25), (10, 14, 0.22), (5, 9, 0.15), (1, 4, 0.08))


def commune_trajectories(communes: list[AdministrativeUnit], seed: int) -> dict[str, Trajectory]:
    rng = _rng(seed, "trajectories")
    n = len(communes)
    counts = [max(1, round(share * n)) for *_bounds, share in BUCKET_SHARES]
    counts[1] += n - sum(counts)  # rounding slack goes to 15–18
    while counts[1] < 1:  # tiny provinces: take from the largest bucket
        biggest = counts.index(max(counts))
        counts[biggest] -= 1
        counts[1] += 1
    order = list(communes)
    rng.shuffle(order)
    result, start = {}, 0
    for (low, high, _share), k in zip(BUCKET_SHARES, counts, strict=True):
        for commune in order[start : start + k]:
            final = rng.randint(low, high)
            if final == 19:
                reach = rng.choices((2021, 2022, 2023, 2024, 2025), weights=(1, 2, 3, 3, 3))[0]
                result[commune.code] = Trajectory(final, rng.randint(2, 4), reach, floor=6)
            else:
                result[commune.code] = Trajectory(final, rng.choice((0, 1, 1, 2, 2)), ANCHOR_YEAR)
        start += k
    return result


def _advanced_trajectory(commune: AdministrativeUnit, recognised: int, seed: int) -> Trajectory:
    rng = _rng(seed, "advanced", commune.code)
    reaches = recognised <= 2023 and rng.random() < 0.45
    final = 19 if reaches else rng.randint(9, 17)
    return Trajectory(final, rng.randint(1, 3), ANCHOR_YEAR, floor=5)


def _village_trajectory(village: AdministrativeUnit, seed: int) -> Trajectory:
    rng = _rng(seed, "village", village.code)
    if rng.random() < 0.35:
        reach = rng.choice((2021, 2022, 2023, 2024, 2025))
        return Trajectory(19, rng.randint(2, 4), reach, floor=8)
    return Trajectory(rng.randint(6, 17), rng.choice((1, 2)), ANCHOR_YEAR, floor=4)


# --- Assessments and workflow ----------------------------------------------------------------


@dataclass
class Actors:
    admin: object
    province: object
    by_unit: dict[str, object]  # unit code -> the demo user working there

    def officer(self, unit: AdministrativeUnit):
        code = unit.code if unit.level != Level.VILLAGE else unit.ancestor_codes()[-1]
        return self.by_unit.get(code, self.admin)

    def district(self, unit: AdministrativeUnit, year: int):
        if year > LAST_PRE_MERGER_YEAR:  # no districts any more: the province verifies
            return self.province
        for code in reversed(unit.ancestor_codes()):
            if code.startswith(f"{PROVINCE_CODE}-H"):
                return self.by_unit.get(code, self.admin)
        return self.province


@dataclass
class Recognition:
    number: str
    date: datetime.date


@dataclass
class Seeder:
    options: DemoOptions
    tree: DemoTree
    sets: DemoSets
    actors: Actors
    set_plans: dict[int, SetPlan] = field(default_factory=dict)
    planned: dict[int, tuple[str, str, int, int]] = field(default_factory=dict)  # pk -> unit, set, year, met
    decisions: Counter = field(default_factory=Counter)
    standard: dict[str, Recognition] = field(default_factory=dict)  # commune code -> first recognition
    advanced: dict[str, Recognition] = field(default_factory=dict)
    villages: dict[str, Recognition] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)

    @property
    def seed(self) -> int:
        return self.options.seed

    def set_for(self, year: int, level: str, tier: str) -> SetPlan | None:
        """The set in force: the province's choice for the year, else the latest covering it."""
        found = chosen_set(province=self.tree.province, level=level, tier=tier, year=year)
        if found is None:
            found = CriteriaSet.objects.in_force(year=year, level=level, tier=tier, province=self.tree.province).first()
        return _set_plan(found, self.set_plans) if found else None

    def transitional_year(self) -> None:
        """QĐ 318 was signed on 08/03/2022: the province keeps its communes on QĐ 1980 for 2021,
        as its plan says (the set in force for a year outside the set's own range)."""
        qd1980 = CriteriaSet.objects.published().filter(code=QD1980_CODE, issuer__isnull=True).order_by("-version")
        if self.options.year_from <= TRANSITIONAL_YEAR <= self.options.year_to and qd1980.exists():
            set_in_force_choose(
                province=self.tree.province,
                year=TRANSITIONAL_YEAR,
                criteria_set=qd1980.first(),
                basis=TRANSITIONAL_BASIS,
                user=self.actors.province,
            )

    # -- one assessment

    def assess(self, unit, set_plan: SetPlan, year: int, count: int, index: int, lose: bool = False) -> Assessment:
        """Create the assessment and record values so that exactly the planned criteria are met."""
        cs = set_plan.criteria_set
        rng = _rng(self.seed, "values", unit.code, cs.code, year)
        met, order = _choose_met(set_plan, unit, year, count, self.seed)
        lost = None
        if lose:  # phúc tra: the hardest criterion met is no longer met
            lost = max(met, key=order.index)
            met.discard(lost)
        officer = self.actors.officer(unit)
        start = datetime.date(year, 2 if year > LAST_PRE_MERGER_YEAR else 1, 5 + index % 20)
        assessment = assessment_create(
            unit=unit, criteria_set=cs, year=year, user=officer, at=_at(start, 8), check_access=False
        )
        entries = _entries(set_plan, unit, year, met, rng)
        # A unit that ends in the year (30/06/2025) has its values entered before it ends.
        when = datetime.date(year, (2 + index % 4) if _ends_in(unit, year) else (3 + index % 5), 1 + index % 27)
        assessment_record_values(
            assessment=assessment, entries=entries, user=officer, at=_at(when, 10, index % 60), check_access=False
        )
        self.planned[assessment.pk] = (unit.code, cs.code, year, len(met))
        if unit.level == SetLevel.COMMUNE and index % 5 == 2:
            self.not_applicable(assessment, set_plan, met, officer, _at(when, 10, 30))
        if unit.level == SetLevel.COMMUNE and len(met) < set_plan.total:
            self.basically_met(assessment, set_plan, met, order, rng, _at(when, 11, index % 60))
        assessment.criteria_met = len(met)
        assessment.demo_lost = next((c for c in set_plan.criteria if c.number == lost), None)
        return assessment

    def not_applicable(self, assessment, set_plan: SetPlan, met: set[int], officer, at) -> None:
        """A commune without a traditional craft village: its "(nếu có)" indicator does not apply.
        Only in criteria already met, so the planned count stays what it is."""
        entries = [
            ValueEntry(p.indicator.code, "không áp dụng", note="Xã không có làng nghề truyền thống.")
            for c in set_plan.criteria
            if c.number in met
            for p in c.indicators
            if p.indicator.conditional
        ]
        if entries:
            assessment_record_values(assessment=assessment, entries=entries, user=officer, at=at, check_access=False)

    def basically_met(self, assessment, set_plan: SetPlan, met: set[int], order, rng, at) -> None:
        """About one commune in three reports its nearest criteria not met as "cơ bản đạt"."""
        if rng.random() >= 0.35:
            return
        not_met = [c for c in order if c not in met][:2]  # the easiest not yet met
        for number in not_met[: rng.randint(1, 2)]:
            criterion_set_basically_met(
                assessment=assessment,
                number=number,
                basically_met=True,
                reason=rng.choice(BASICALLY_MET_REASONS),
                expected_by=datetime.date(assessment.year, 12, 31),
                user=self.actors.officer(assessment.unit),
                check_access=False,
                at=at,
            )

    # -- workflow

    def _decision(self, year: int, rng: random.Random, unit: AdministrativeUnit) -> Recognition:
        self.decisions[year] += 1
        # Decisions of November–December; for a unit that ends in the year, of May–June.
        first = datetime.date(year, 5, 15) if _ends_in(unit, year) else datetime.date(year, 11, 15)
        day = first + datetime.timedelta(days=rng.randint(0, 40))
        return Recognition(f"{100 + self.decisions[year] * 7}/QĐ-UBND", day)

    def flow(self, assessment: Assessment, steps, *, recognition: Recognition | None = None, comment=""):
        """Move an assessment through ``steps`` on deterministic dates in its year."""
        unit, year = assessment.unit, assessment.year
        # Months of submission, verification, return, appraisal and revocation: the 2026–2030 set
        # starts mid-February; a unit ending on 30/06 goes through the workflow before then.
        if _ends_in(unit, year):
            months = (3, 4, 4, 5, 6)
        elif year > LAST_PRE_MERGER_YEAR:
            months = (5, 6, 6, 7, 12)
        else:
            months = (9, 10, 10, 11, 12)
        submitted, verified, returned, appraised, revoked = months
        dates = {
            AssessmentState.SUBMITTED: (datetime.date(year, submitted, 15), self.actors.officer(unit)),
            AssessmentState.VERIFIED: (datetime.date(year, verified, 10), self.actors.district(unit, year)),
            AssessmentState.RETURNED: (datetime.date(year, returned, 12), self.actors.district(unit, year)),
            AssessmentState.APPRAISED: (datetime.date(year, appraised, 5), self.actors.province),
            AssessmentState.REVOKED: (datetime.date(year, revoked, 20), self.actors.province),
        }
        for state in steps:
            if state == AssessmentState.RECOGNISED:
                # A kept recognition is confirmed each year; a new one on its decision date.
                kept_on = datetime.date(year, 6, 10) if _ends_in(unit, year) else datetime.date(year, 11, 10)
                day = recognition.date if recognition.date.year == year else kept_on
                user = self.actors.province
            else:
                day, user = dates[state]
            commented = (AssessmentState.RETURNED, AssessmentState.REVOKED, AssessmentState.RECOGNISED)
            note = comment if state in commented else ""
            decision = recognition
            if state == AssessmentState.REVOKED:  # the revocation has its own decision, on its day
                decision = Recognition(f"{recognition.number.split('/')[0]}-TH/QĐ-UBND", day)
            assessment = assessment_set_state(
                assessment=assessment,
                state=state,
                user=user,
                comment=note,
                decision_number=decision.number if decision else "",
                decision_date=decision.date if decision else None,
                at=_at(day, 15),
            )
        return assessment

    def open_flow(self, assessment: Assessment, latest: bool, *, choices=None) -> None:
        """An unfinished assessment: draft in earlier years, a mix of states in the latest."""
        if not latest:
            return
        rng = _rng(self.seed, "state", assessment.unit.code, assessment.criteria_set.code, assessment.year)
        choices = choices or (("draft", 3), ("submitted", 3), ("verified", 2), ("returned", 2))
        state = rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]
        steps = {
            "draft": [],
            "submitted": [AssessmentState.SUBMITTED],
            "verified": [AssessmentState.SUBMITTED, AssessmentState.VERIFIED],
            "returned": [AssessmentState.SUBMITTED, AssessmentState.RETURNED],
        }[state]
        self.flow(
            assessment,
            steps,
            comment="Đề nghị bổ sung minh chứng cho các chỉ tiêu chưa đạt, kèm biên bản họp BCĐ xã.",
        )

    FULL = (AssessmentState.SUBMITTED, AssessmentState.VERIFIED, AssessmentState.APPRAISED, AssessmentState.RECOGNISED)

    def recognise_or_keep(self, assessment: Assessment, store: dict[str, Recognition], what: str) -> None:
        code, year = assessment.unit.code, assessment.year
        rng = _rng(self.seed, "decision", code, assessment.criteria_set.code, year)
        if code in store:
            # A kept recognition needs no new dossier: the province confirms it for the year.
            rec = store[code]
            comment = f"Duy trì danh hiệu {what} (Quyết định {rec.number} ngày {rec.date:%d/%m/%Y})."
            self.flow(assessment, (AssessmentState.RECOGNISED,), recognition=rec, comment=comment)
        else:
            rec = store[code] = self._decision(year, rng, assessment.unit)
            self.flow(assessment, self.FULL, recognition=rec, comment=f"Công nhận đạt chuẩn {what}.")

    # -- series

    def standard_year(self, year: int, trajectories: dict[str, Trajectory], latest: bool, revoke: str | None):
        set_plan = self.set_for(year, SetLevel.COMMUNE, Tier.STANDARD)
        if set_plan is None:
            return
        for index, commune in enumerate(self.tree.communes):
            if commune.code in self.revoked:
                continue
            count = trajectories[commune.code].count(year, set_plan.total)
            losing = commune.code == revoke and latest
            assessment = self.assess(commune, set_plan, year, count, index, lose=losing)
            if losing:
                rec = self.standard[commune.code]
                criterion = assessment.demo_lost
                # The recognition is kept into the year, then the re-check (phúc tra) finds the
                # criterion lost and the province revokes it: recognised → revoked.
                self.recognise_or_keep(assessment, self.standard, "xã đạt chuẩn nông thôn mới")
                self.flow(
                    assessment,
                    [AssessmentState.REVOKED],
                    recognition=rec,
                    comment=(
                        f"Phúc tra năm {year}: xã không còn đạt tiêu chí {criterion.number} ({criterion.name}); "
                        f"thu hồi Quyết định công nhận {rec.number} ngày {rec.date:%d/%m/%Y}."
                    ),
                )
                self.revoked.add(commune.code)
            elif assessment.criteria_met == set_plan.total:
                self.recognise_or_keep(assessment, self.standard, "xã đạt chuẩn nông thôn mới")
            else:
                self.open_flow(assessment, latest)

    def advanced_year(self, year: int, latest: bool):
        set_plan = self.set_for(year, SetLevel.COMMUNE, Tier.ADVANCED)
        if set_plan is None:
            return
        for index, commune in enumerate(self.tree.communes):
            rec = self.standard.get(commune.code)
            if rec is None or rec.date.year >= year or commune.code in self.revoked:
                continue
            trajectory = _advanced_trajectory(commune, rec.date.year, self.seed)
            assessment = self.assess(commune, set_plan, year, trajectory.count(year, set_plan.total), index)
            if assessment.criteria_met == set_plan.total:
                self.recognise_or_keep(assessment, self.advanced, "xã nông thôn mới nâng cao")
            else:
                self.open_flow(assessment, latest, choices=(("draft", 2), ("submitted", 1)))

    def village_year(self, year: int, latest: bool):
        set_plan = self.set_for(year, SetLevel.VILLAGE, Tier.STANDARD)
        if set_plan is None:
            return
        communes = self.tree.communes if year <= LAST_PRE_MERGER_YEAR else self.tree.merged
        for index, village in enumerate(self.tree.all_villages([c.code for c in communes])):
            source = self.tree.village_sources.get(village.code, village)
            trajectory = _village_trajectory(source, self.seed)
            count = trajectory.count(min(year, LAST_PRE_MERGER_YEAR), set_plan.total)
            assessment = self.assess(village, set_plan, year, count, index)
            if assessment.criteria_met == set_plan.total:
                if source.code in self.villages and village.code not in self.villages:
                    # A renamed village after the merger: the province acknowledges (thừa nhận)
                    # the recognition of the village it continues.
                    self.villages[village.code] = self.villages[source.code]
                self.recognise_or_keep(assessment, self.villages, "thôn nông thôn mới")
            else:
                self.open_flow(assessment, latest, choices=(("draft", 3), ("submitted", 2), ("verified", 1)))

    def merged_year(self, year: int, trajectories: dict[str, Trajectory], latest: bool):
        set_plan = self.set_for(year, SetLevel.COMMUNE, Tier.STANDARD)
        if set_plan is None:
            return
        for index, commune in enumerate(self.tree.merged):
            rng = _rng(self.seed, "merged", commune.code)
            olds = self.tree.predecessors[commune.code]
            share = sum(trajectories[o.code].count(ANCHOR_YEAR) for o in olds) / (19 * len(olds))
            base = round(set_plan.total * share * rng.uniform(0.45, 0.85))
            count = min(set_plan.total, base + (year - LAST_PRE_MERGER_YEAR - 1) * rng.randint(1, 2))
            assessment = self.assess(commune, set_plan, year, count, index)
            if assessment.criteria_met == set_plan.total:
                self.recognise_or_keep(assessment, self.standard, "xã đạt chuẩn nông thôn mới")
            else:
                self.open_flow(assessment, latest, choices=(("draft", 3), ("submitted", 2)))

    def summary_years(self, trajectories: dict[str, Trajectory]) -> None:
        """2016–2020 (the years before the demo's first): each commune's standing as its yearly
        report gave it — summary records against QĐ 1980, without indicator values."""
        for year in range(2016, min(self.options.year_from, 2021)):
            set_plan = self.set_for(year, SetLevel.COMMUNE, Tier.STANDARD)
            if set_plan is None:
                continue
            for index, commune in enumerate(self.tree.communes):
                count = min(trajectories[commune.code].count(year, set_plan.total), set_plan.total - 1)
                met, order = _choose_met(set_plan, commune, year, count, self.seed)
                rng = _rng(self.seed, "summary", commune.code, year)
                basic = {n for n in order if n not in met}
                basic = set(sorted(basic, key=order.index)[: rng.choice((0, 0, 1, 2))])
                assessment = assessment_record_summary(
                    unit=commune,
                    criteria_set=set_plan.criteria_set,
                    year=year,
                    met=met,
                    basically_met=basic,
                    count=len(met),
                    source_number=f"{200 + index}/BC-UBND",
                    source_date=datetime.date(year, 12, 15),
                    user=self.actors.officer(commune),
                    check_access=False,
                    at=_at(datetime.date(year, 12, 15), 16),
                )
                self.planned[assessment.pk] = (commune.code, set_plan.criteria_set.code, year, len(met))

    def run(self) -> None:
        trajectories = commune_trajectories(self.tree.communes, self.seed)
        self.transitional_year()
        self.summary_years(trajectories)
        years = self.options.years()
        last_old = min(self.options.year_to, LAST_PRE_MERGER_YEAR)
        revoke = self._commune_to_revoke(trajectories, last_old)
        for year in years:
            if year <= LAST_PRE_MERGER_YEAR:
                self.standard_year(year, trajectories, year == last_old, revoke)
                self.advanced_year(year, year == last_old)
            else:
                self.merged_year(year, trajectories, year == self.options.year_to)
            self.village_year(year, year in (last_old, self.options.year_to))
        seed_district_assessments(self)
        self.check_planned()
        self.date_last_changes()

    def date_last_changes(self) -> None:
        """An assessment's "last change" (auto_now, so the moment of seeding) becomes the moment
        of its last history entry, as if the years had been entered as they passed: the inbox's
        "waiting since" and the tables' "last change" read true."""
        last = HistoryEntry.objects.filter(assessment=OuterRef("pk")).order_by("-at").values("at")[:1]
        Assessment.objects.within(self.tree.province).update(updated_at=Coalesce(Subquery(last), F("updated_at")))

    def _commune_to_revoke(self, trajectories: dict[str, Trajectory], last_old: int) -> str | None:
        """One commune recognised before the last pre-merger year loses a criterion in it."""
        if last_old < self.options.year_from + 1:
            return None
        eligible = sorted(
            code for code, t in trajectories.items() if t.final == 19 and t.reach < last_old and t.reach < 2025
        )
        return _rng(self.seed, "revoke").choice(eligible) if eligible else None

    def check_planned(self) -> None:
        """The stored count of criteria met must be what the generator planned."""
        stored = Assessment.objects.within(self.tree.province).values_list("pk", "criteria_met")
        for pk, met in stored:
            unit, set_code, year, planned = self.planned[pk]
            if met != planned:
                raise DemoError(
                    MSG_PLAN_MISMATCH % {"unit": unit, "set": set_code, "year": year, "stored": met, "planned": planned}
                )


# --- Commune groups (2026–2030) --------------------------------------------------------------

GROUP_DECISION = "120/QĐ-UBND (minh họa)"
GROUP_DECISION_DATE = datetime.date(2026, 1, 20)


def _group_condition(commune: AdministrativeUnit, members: list[AdministrativeUnit], seed: int) -> str:
    """The condition a merged commune meets, as the demo province's decision states it: formed
    from a town's communes, near-urban (group 1); otherwise a fifth of them in ethnic-minority
    and mountain areas (group 3, zone II or III), the rest group 2."""
    if any(m.parent.type == UnitType.THI_XA for m in members):
        return GroupCondition.URBANISING
    draw = _rng(seed, "group", commune.code).random()
    if draw < 0.08:
        return GroupCondition.MINORITY_MOUNTAIN_III
    if draw < 0.2:
        return GroupCondition.MINORITY_MOUNTAIN_II
    return GroupCondition.OTHER


def assign_commune_groups(tree: DemoTree, office, seed: int) -> None:
    """The province office sets each merged commune's group through the service, with the
    condition met and the province's deciding document."""
    for commune in tree.merged:
        condition = _group_condition(commune, tree.predecessors[commune.code], seed)
        commune_group_set(
            unit=commune,
            group=GROUP_OF_CONDITION[condition],
            condition=condition,
            decision_number=GROUP_DECISION,
            decision_date=GROUP_DECISION_DATE,
            user=office,
        )


# --- Users -----------------------------------------------------------------------------------


def create_users() -> dict[str, object]:
    User = get_user_model()
    names = [u.username for u in DEMO_USERS]
    clashing = User.objects.filter(username__in=names).exclude(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    if clashing.exists():
        raise DemoError(MSG_USERS_EXIST % {"names": ", ".join(clashing.values_list("username", flat=True))})
    # One hash for all: the password hasher is deliberately slow and the password is shared.
    password = make_password(DEMO_PASSWORD)
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=[d.unit_code for d in DEMO_USERS])}
    users = {}
    for demo in DEMO_USERS:
        is_admin = demo.role is None
        create = User.objects.create_superuser if is_admin else User.objects.create_user
        user = create(
            demo.username,
            email=f"{demo.username}@{DEMO_EMAIL_DOMAIN}",
            password=None,
            first_name=demo.first_name,
            last_name=demo.last_name,
        )
        user.password = password
        user.save(update_fields=["password"])
        if not is_admin:
            membership = Membership(user=user, unit=units[demo.unit_code], role=demo.role)
            membership.full_clean()
            membership.save()
        users[demo.username] = user
    return users


# --- Entry points ----------------------------------------------------------------------------


def demo_province() -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.filter(code=PROVINCE_CODE, level=Level.PROVINCE).first()


@transaction.atomic
def seed_demo(options: DemoOptions) -> AdministrativeUnit:
    """Build the whole demo province; refuses when it already exists."""
    if demo_province() is not None:
        raise DemoError(MSG_ALREADY_SEEDED % {"code": PROVINCE_CODE})
    tree = build_tree(options)
    users = create_users()
    assign_commune_groups(tree, users["tinh"], options.seed)
    sets = load_demo_catalog(tree.province)
    by_unit = {d.unit_code: users[d.username] for d in DEMO_USERS if d.role not in (None, Role.VIEWER)}
    actors = Actors(admin=users["admin"], province=users["tinh"], by_unit=by_unit)
    Seeder(options=options, tree=tree, sets=sets, actors=actors).run()
    seed_ocop_demo(tree.province, users["tinh"])
    return tree.province


@transaction.atomic
def reset_demo() -> None:
    """Delete everything the demo created: assessments and their history, the demo sets,
    memberships, the demo users and the DEMO units. The national catalog stays."""
    province = demo_province()
    if province is not None:
        units = AdministrativeUnit.objects.subtree(province)
        sets = CriteriaSet.objects.filter(issuer=province)
        assessments = Assessment.objects.filter(Q(unit__in=units) | Q(criteria_set__in=sets))
        # History is append-only so that no record of a real assessment is ever rewritten.
        # Reset wipes the whole fictional province at once, not a record of it, so it may
        # bypass the guard with a raw delete (no signals, no per-row checks).
        allow_history_rewrite()  # the PostgreSQL triggers too, in this transaction only
        reset_ocop_demo(province)
        for log in (HistoryEntry, AssessmentLog, CriterionResultLog):
            log.objects.filter(assessment__in=assessments)._raw_delete(log.objects.db)
        CommuneGroupChange.objects.filter(unit__in=units)._raw_delete(CommuneGroupChange.objects.db)
        CommuneGroupAssignment.objects.filter(unit__in=units).delete()
        CriteriaSetChange.objects.filter(criteria_set__in=sets)._raw_delete(CriteriaSetChange.objects.db)
        Evidence.objects.filter(value__assessment__in=assessments).delete()
        IndicatorValue.objects.filter(assessment__in=assessments).delete()
        CriterionResult.objects.filter(assessment__in=assessments).delete()
        assessments.delete()
        UnitSuccession.objects.filter(Q(predecessor__in=units) | Q(successor__in=units)).delete()
        Membership.objects.filter(unit__in=units).delete()
        SetInForce.objects.filter(Q(province__in=units) | Q(criteria_set__in=sets)).delete()
        for criteria_set in sets.order_by("-pk"):  # a later version may supersede an earlier one
            criteria_set.criteria.all().delete()
            criteria_set.groups.all().delete()
            criteria_set.delete()
        for level in (Level.VILLAGE, Level.COMMUNE, Level.DISTRICT, Level.PROVINCE):
            units.filter(level=level).delete()
    get_user_model().objects.filter(
        username__in=[u.username for u in DEMO_USERS], email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
    ).delete()


# --- Summary ---------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    units: list[tuple[str, int]]
    assessments: list[tuple[str, int, str, int]]  # set code, year, state, count
    buckets: list[tuple[str, int]]
    bucket_year: int | None
    users: tuple[DemoUser, ...] = DEMO_USERS


def summarise(province: AdministrativeUnit) -> DemoSummary:
    units = AdministrativeUnit.objects.subtree(province)
    levels = dict(units.order_by().values("level").annotate(n=Count("pk")).values_list("level", "n"))
    assessments = Assessment.objects.within(province)
    rows = (
        assessments.values_list("criteria_set__code", "year", "state")
        .annotate(n=Count("pk"))
        .order_by("criteria_set__code", "year", "state")
    )
    standard = assessments.filter(
        unit__level=Level.COMMUNE, criteria_set__tier=Tier.STANDARD, year__lte=LAST_PRE_MERGER_YEAR
    )
    bucket_year = standard.order_by("-year").values_list("year", flat=True).first()
    counts: Counter = Counter()
    labels: list[str] = []
    if bucket_year is not None:
        for met, total in standard.filter(year=bucket_year).values_list("criteria_met", "criteria_total"):
            counts[evaluation.bucket_for(met, total).label] += 1
        labels = [b.label for b in evaluation.bucket_bounds(19)]
    return DemoSummary(
        units=[(level.label, levels.get(level.value, 0)) for level in Level],
        assessments=[(code, year, state, n) for code, year, state, n in rows],
        buckets=[(label, counts[label]) for label in labels],
        bucket_year=bucket_year,
    )
