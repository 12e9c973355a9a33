"""Vietnamese names of unit types, read into ``UnitType`` (no database).

One table for every reader of outside data (``load_units``, and ``import_units`` may reuse
it): the statistics office writes a type as a word in front of the name ("Xã Cẩm Thạch",
"Thành phố Thủ Đức"), with or without diacritics, and the same word means different types at
different levels — "thành phố" is a centrally-governed city at province level and a
provincial city at district level.
"""

from __future__ import annotations

from communes.models import TYPES_BY_LEVEL, Level, UnitType
from communes.text import fold

# Folded Vietnamese type word -> type, per level. Longer words are tried first when splitting.
TYPE_NAMES: dict[str, dict[str, str]] = {
    Level.PROVINCE: {
        "tinh": UnitType.TINH,
        "thanh pho": UnitType.THANH_PHO_TW,
        "thanh pho truc thuoc trung uong": UnitType.THANH_PHO_TW,
        "thanh pho trung uong": UnitType.THANH_PHO_TW,
        "thu do": UnitType.THANH_PHO_TW,
    },
    Level.DISTRICT: {
        "huyen": UnitType.HUYEN,
        "quan": UnitType.QUAN,
        "thi xa": UnitType.THI_XA,
        "thanh pho": UnitType.THANH_PHO,
        "thanh pho thuoc tinh": UnitType.THANH_PHO,
        "thanh pho thuoc thanh pho truc thuoc trung uong": UnitType.THANH_PHO,
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
        "lang": UnitType.LANG,
        "khom": UnitType.KHOM,
        "khu pho": UnitType.KHU_PHO,
        "to dan pho": UnitType.TO_DAN_PHO,
    },
}


def unit_type(level: str, name: str) -> str | None:
    """The type a Vietnamese type name ("Thị trấn", "thi tran") means at ``level``, or None."""
    return TYPE_NAMES.get(level, {}).get(fold(name).replace("-", " ").strip())


def type_of_full_name(level: str, full_name: str) -> str | None:
    """The type read off the word in front of a full name: "Thành phố Huế" -> centrally-governed city."""
    folded = fold(full_name)
    for word in sorted(TYPE_NAMES.get(level, {}), key=len, reverse=True):
        if folded == word or folded.startswith(word + " "):
            return TYPE_NAMES[level][word]
    return None


# Abbreviations and spellings also seen in provinces' own lists (import_units).
_ALIASES: dict[str, dict[str, str]] = {
    Level.PROVINCE: {"tp": UnitType.THANH_PHO_TW},
    Level.DISTRICT: {"tp": UnitType.THANH_PHO},
    Level.COMMUNE: {},
    Level.VILLAGE: {"tdp": UnitType.TO_DAN_PHO, "play": UnitType.PLEI},
}


def _codes_and_labels() -> dict[str, str]:
    found: dict[str, str] = {}
    for value, label in UnitType.choices:
        found[fold(str(value))] = value
        found[fold(str(value).replace("_", " "))] = value
        found[fold(str(label))] = value
    return found


def type_for(name: str, level: str | None) -> str | None:
    """The type code for a written type name at ``level`` (None when unknown there): a
    Vietnamese name (``unit_type``), an abbreviation, a type code or its English label. With no
    level, a name that means one type only."""
    key = " ".join(fold(name).replace("_", " ").replace("-", " ").split())
    if not key:
        return None
    if level is not None:
        found = unit_type(level, key) or _ALIASES.get(level, {}).get(key) or _codes_and_labels().get(key)
        return found if found in TYPES_BY_LEVEL[level] else None
    matches = {names[key] for names in (*TYPE_NAMES.values(), *_ALIASES.values()) if key in names}
    if len(matches) == 1:
        return matches.pop()
    return _codes_and_labels().get(key)
