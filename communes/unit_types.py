"""Vietnamese names of unit types, as statistics lists and decisions write them (no ORM).

``type_for(name, level)`` reads "Thành phố", "thị xã", "Tổ dân phố", "TDP", a type's code or
its English label; a name such as "thành phố" is a centrally-governed city at province level
and a provincial city at district level, so the level decides.
"""

from __future__ import annotations

from communes.models import TYPES_BY_LEVEL, Level, UnitType
from communes.text import fold

# Every name in use, by level; compared without case or diacritics.
_NAMES: dict[str, dict[str, str]] = {
    Level.PROVINCE: {
        "tinh": UnitType.TINH,
        "thanh pho": UnitType.THANH_PHO_TW,
        "thanh pho truc thuoc trung uong": UnitType.THANH_PHO_TW,
        "thanh pho trung uong": UnitType.THANH_PHO_TW,
        "tp": UnitType.THANH_PHO_TW,
    },
    Level.DISTRICT: {
        "huyen": UnitType.HUYEN,
        "quan": UnitType.QUAN,
        "thi xa": UnitType.THI_XA,
        "thanh pho": UnitType.THANH_PHO,
        "thanh pho thuoc tinh": UnitType.THANH_PHO,
        "thanh pho thuoc thanh pho truc thuoc trung uong": UnitType.THANH_PHO,
        "tp": UnitType.THANH_PHO,
    },
    Level.COMMUNE: {
        "xa": UnitType.XA,
        "phuong": UnitType.PHUONG,
        "thi tran": UnitType.THI_TRAN,
        "dac khu": UnitType.DAC_KHU,
    },
    Level.VILLAGE: {
        "thon": UnitType.THON,
        "xom": UnitType.XOM,
        "ban": UnitType.BAN,
        "ap": UnitType.AP,
        "buon": UnitType.BUON,
        "plei": UnitType.PLEI,
        "play": UnitType.PLEI,
        "lang": UnitType.LANG,
        "khom": UnitType.KHOM,
        "khu pho": UnitType.KHU_PHO,
        "to dan pho": UnitType.TO_DAN_PHO,
        "tdp": UnitType.TO_DAN_PHO,
    },
}


def _codes_and_labels() -> dict[str, str]:
    found: dict[str, str] = {}
    for value, label in UnitType.choices:
        found[fold(str(value))] = value
        found[fold(str(value).replace("_", " "))] = value
        found[fold(str(label))] = value
    return found


def type_for(name: str, level: str | None) -> str | None:
    """The type code for a written type name at ``level`` (None when unknown there)."""
    key = " ".join(fold(name).replace("_", " ").split())
    if not key:
        return None
    if level is not None:
        found = _NAMES.get(level, {}).get(key) or _codes_and_labels().get(key)
        return found if found in TYPES_BY_LEVEL[level] else None
    matches = {by_name[key] for by_name in _NAMES.values() if key in by_name}
    if len(matches) == 1:
        return matches.pop()
    return _codes_and_labels().get(key)


def every_name() -> list[str]:
    """The names accepted, for messages and documentation."""
    return sorted({name for by_name in _NAMES.values() for name in by_name})
