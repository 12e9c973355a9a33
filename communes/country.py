"""Vietnam's administrative units before and after 1 July 2025, read from ``vietnamadminunits``.

Plain records, no database: ``read_country()`` returns the units of both trees (parents before
children) and the successions linking them; ``communes.loading`` writes them. The package
(MIT, pinned in requirements.txt) ships the statistics office's codes in an SQLite file read
through its documented ``vietnamadminunits.database.query``, and the mapping from the old
communes to the new ones in ``data/converter_2025.json``.

Codes. The statistics office reused codes: 3,316 of the 3,321 communes formed on 1 July 2025
carry the code of an older commune, and each merged province the code of one of the provinces
it was formed from. So that both trees live in one table with unique codes:

* a unit in force today keeps its official code as it is: the 34 provinces and the 3,321
  communes of the two-tier structure (``26734``, ``79``);
* a unit that ended on 30 June 2025 carries its official code followed by ``-cu`` ("cũ",
  former): the 696 districts, the 10,035 communes of the old tree and the 52 provinces that
  were merged (``26734-cu``, ``436-cu``, ``10-cu``);
* the 11 provinces the reform left as they were (Hà Nội, Huế, Cao Bằng …) are one unit
  across the date, with their old districts (ended) and their new communes below them.

Successions: every new commune links to each unit it was formed from; a commune split between
several new communes links to each of them, and exactly one of those links has ``main_part``
(the package's ``isDefaultNewWard``: where the old commune's main part went). The five island
districts that had no communes link to the special zone (đặc khu) that replaced them; each
merged province links to the new province.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources

from django.utils.translation import gettext as _

from communes.models import Level, Region
from communes.unit_types import type_of_full_name, unit_type

PACKAGE = "vietnamadminunits"
FORMER_SUFFIX = "-cu"
LAST_DAY_BEFORE = datetime.date(2025, 6, 30)
FIRST_DAY_AFTER = datetime.date(2025, 7, 1)
# Resolution 202/2025/QH15 (12 June 2025) on the arrangement of province-level units.
PROVINCE_DECISION = "Nghị quyết 202/2025/QH15"

# The region of each of the 63 provinces in force until 30 June 2025 (the statistics office's
# regions with the North Central and South Central coasts apart, as the 2016–2025 NTM sets use
# them). A new unit takes the region of the old province its predecessors came from.
REGION_BY_OLD_PROVINCE: dict[str, str] = {
    **dict.fromkeys(
        ("02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "24", "25"), Region.TDMNPB
    ),
    **dict.fromkeys(("01", "22", "26", "27", "30", "31", "33", "34", "35", "36", "37"), Region.DBSH),
    **dict.fromkeys(("38", "40", "42", "44", "45", "46"), Region.BTB),
    **dict.fromkeys(("48", "49", "51", "52", "54", "56", "58", "60"), Region.DHNTB),
    **dict.fromkeys(("62", "64", "66", "67", "68"), Region.TN),
    **dict.fromkeys(("70", "72", "74", "75", "77", "79"), Region.DNB),
    **dict.fromkeys(("80", "82", "83", "84", "86", "87", "89", "91", "92", "93", "94", "95", "96"), Region.DBSCL),
}


def former_code(official_code: str) -> str:
    """The portal's code of a unit that ended on 30 June 2025."""
    return f"{official_code}{FORMER_SUFFIX}"


def official_code(code: str) -> str:
    """The statistics office's code behind a portal code (``"436-cu"`` -> ``"436"``)."""
    return code.removesuffix(FORMER_SUFFIX)


class UnknownProvince(ValueError):
    pass


@dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    level: str
    type: str
    parent_code: str | None
    region: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    latitude: Decimal | None
    longitude: Decimal | None


@dataclass(frozen=True)
class SuccessionRecord:
    predecessor: str
    successor: str
    main_part: bool
    decision: str = ""


@dataclass
class Country:
    """Units (provinces, then districts, then communes) and successions, by portal code."""

    units: list[UnitRecord] = field(default_factory=list)
    successions: list[SuccessionRecord] = field(default_factory=list)

    def codes(self) -> set[str]:
        return {u.code for u in self.units}


def package_version() -> str:
    from importlib.metadata import version

    return version(PACKAGE)


def _rows(sql: str) -> list[dict]:
    from vietnamadminunits.database import query

    return query(sql)


def _converter() -> dict:
    return json.loads(resources.files(PACKAGE).joinpath("data/converter_2025.json").read_text(encoding="utf-8"))


def _degrees(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value), 6)))


def _type(level: str, type_name: str | None, full_name: str) -> str:
    found = (unit_type(level, type_name) if type_name else None) or type_of_full_name(level, full_name)
    if found is None:
        raise ValueError(f"unknown {level} type in {full_name!r}")
    return found


# Constant statements for the package's documented ``query`` (no value is ever interpolated).
_OLD_SQL = (
    "SELECT province, district, ward, districtType, wardType, provinceCode, provinceLat, provinceLon,"
    " districtCode, districtLat, districtLon, wardCode, wardLat, wardLon, provinceKey, districtKey, wardKey"
    " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
)
_NEW_SQL = (
    "SELECT province, ward, wardType, provinceCode, provinceLat, provinceLon, wardCode, wardLat, wardLon,"
    " provinceKey, wardKey FROM admin_units ORDER BY provinceCode, wardCode"
)


def read_country(province: str | None = None) -> Country:
    """Both trees and their successions; one new province and its predecessors with ``province``.

    ``province`` is an old or a new province code (``"10"``, ``"10-cu"`` and ``"15"`` all name
    new Lào Cai, formed from Lào Cai and Yên Bái). Raises ``UnknownProvince`` for any other code.
    """
    old_rows = _rows(_OLD_SQL)
    new_rows = _rows(_NEW_SQL)
    converter = _converter()

    old_province_code = {r["provinceKey"]: r["provinceCode"] for r in old_rows}
    new_province_code = {r["provinceKey"]: r["provinceCode"] for r in new_rows}
    groups = {
        new_province_code[new]: [old_province_code[o] for o in olds] for new, olds in converter["DICT_PROVINCE"].items()
    }
    unchanged = {new for new, olds in groups.items() if olds == [new]}

    if province is not None:
        wanted = official_code(province.strip())
        chosen = wanted if wanted in groups else next((n for n, olds in groups.items() if wanted in olds), None)
        if chosen is None:
            raise UnknownProvince(_("No province has the code %(code)s.") % {"code": province})
        groups = {chosen: groups[chosen]}
    new_provinces = set(groups)
    old_provinces = {o for olds in groups.values() for o in olds}
    region_of_new_province = {new: REGION_BY_OLD_PROVINCE[new] for new in new_provinces}

    country = Country()
    old_rows = [r for r in old_rows if r["provinceCode"] in old_provinces]
    new_rows = [r for r in new_rows if r["provinceCode"] in new_provinces]
    _add_provinces(country, old_rows, new_rows, groups, unchanged, region_of_new_province)
    portal_code_of_old_key, region_of_old_key = _add_old_tree(country, old_rows, unchanged)

    # Successions of communes: whole old communes (one link each) and split ones (a link to
    # each new commune that took a part, the main part marked).
    links = _commune_links(converter, new_rows, new_provinces, new_province_code)
    main_regions: dict[str, Counter] = defaultdict(Counter)
    for (old_key, successor), main in links.items():
        country.successions.append(SuccessionRecord(portal_code_of_old_key[old_key], successor, main))
        if main:
            main_regions[successor][region_of_old_key[old_key]] += 1

    for r in new_rows:
        code = r["wardCode"]
        regions = main_regions.get(code)
        country.units.append(
            UnitRecord(
                code=code,
                name=r["ward"],
                level=Level.COMMUNE,
                type=_type(Level.COMMUNE, r["wardType"], r["ward"]),
                parent_code=r["provinceCode"],
                # Where the predecessors' provinces lie in two regions, the most of them decide.
                region=regions.most_common(1)[0][0] if regions else region_of_new_province[r["provinceCode"]],
                valid_from=FIRST_DAY_AFTER,
                valid_to=None,
                latitude=_degrees(r["wardLat"]),
                longitude=_degrees(r["wardLon"]),
            )
        )
    return country


def _add_provinces(
    country: Country,
    old_rows: list[dict],
    new_rows: list[dict],
    groups: dict[str, list[str]],
    unchanged: set[str],
    region_of_new_province: dict[str, str],
) -> None:
    """The provinces: the unchanged ones once, without dates; the others ended or began on the day."""
    seen: set[str] = set()
    new_seen: set[str] = set()
    for r in old_rows:
        if r["provinceCode"] in seen:
            continue
        seen.add(r["provinceCode"])
        code = r["provinceCode"]
        if code in unchanged:
            continue  # written once, from the new tree
        country.units.append(
            UnitRecord(
                code=former_code(code),
                name=r["province"],
                level=Level.PROVINCE,
                type=_type(Level.PROVINCE, None, r["province"]),
                parent_code=None,
                region=REGION_BY_OLD_PROVINCE[code],
                valid_from=None,
                valid_to=LAST_DAY_BEFORE,
                latitude=_degrees(r["provinceLat"]),
                longitude=_degrees(r["provinceLon"]),
            )
        )
    for r in new_rows:
        code = r["provinceCode"]
        if code in new_seen:
            continue
        new_seen.add(code)
        country.units.append(
            UnitRecord(
                code=code,
                name=r["province"],
                level=Level.PROVINCE,
                type=_type(Level.PROVINCE, None, r["province"]),
                parent_code=None,
                region=region_of_new_province[code],
                valid_from=None if code in unchanged else FIRST_DAY_AFTER,
                valid_to=None,
                latitude=_degrees(r["provinceLat"]),
                longitude=_degrees(r["provinceLon"]),
            )
        )
        if code not in unchanged:
            country.successions += [
                SuccessionRecord(former_code(old), code, True, PROVINCE_DECISION) for old in groups[code]
            ]


def _add_old_tree(country: Country, old_rows: list[dict], unchanged: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The districts and communes of the old tree, all ended on 30 June 2025; returns the portal
    code and the region of each old unit by its converter key."""
    portal_code_of_old_key: dict[str, str] = {}
    region_of_old_key: dict[str, str] = {}
    districts_seen: set[str] = set()
    communes: list[UnitRecord] = []
    for r in old_rows:
        region = REGION_BY_OLD_PROVINCE[r["provinceCode"]]
        district_code = former_code(r["districtCode"])
        if district_code not in districts_seen:
            districts_seen.add(district_code)
            province_code = r["provinceCode"]
            country.units.append(
                UnitRecord(
                    code=district_code,
                    name=r["district"],
                    level=Level.DISTRICT,
                    type=_type(Level.DISTRICT, r["districtType"], r["district"]),
                    parent_code=province_code if province_code in unchanged else former_code(province_code),
                    region=region,
                    valid_from=None,
                    valid_to=LAST_DAY_BEFORE,
                    latitude=_degrees(r["districtLat"]),
                    longitude=_degrees(r["districtLon"]),
                )
            )
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        region_of_old_key[key] = region
        if not r["wardCode"]:
            portal_code_of_old_key[key] = district_code  # an island district without communes
            continue
        code = former_code(r["wardCode"])
        portal_code_of_old_key[key] = code
        communes.append(
            UnitRecord(
                code=code,
                name=r["ward"],
                level=Level.COMMUNE,
                type=_type(Level.COMMUNE, r["wardType"], r["ward"]),
                parent_code=district_code,
                region=region,
                valid_from=None,
                valid_to=LAST_DAY_BEFORE,
                latitude=_degrees(r["wardLat"]),
                longitude=_degrees(r["wardLon"]),
            )
        )
    country.units += communes
    return portal_code_of_old_key, region_of_old_key


def _commune_links(
    converter: dict, new_rows: list[dict], new_provinces: set[str], new_province_code: dict[str, str]
) -> dict[tuple[str, str], bool]:
    """Whether each (old unit's converter key, new commune's code) link is the main part."""
    new_code_of_key = {(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in new_rows}
    links: dict[tuple[str, str], bool] = {}
    key_of_new_province = {v: k for k, v in new_province_code.items()}
    for new_code in new_provinces:
        new_key = key_of_new_province[new_code]
        for ward_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_key, {}).items():
            successor = new_code_of_key[(new_key, ward_key)]
            for old_key in old_keys:
                links[(old_key, successor)] = True
        for old_key, parts in converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items():
            for part in parts:
                pair = (old_key, new_code_of_key[(new_key, part["newWardKey"])])
                links[pair] = links.get(pair, False) or bool(part["isDefaultNewWard"])
    return links
