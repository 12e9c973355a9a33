"""The tree's and the memberships' kinds: levels, unit types, regions, commune groups and roles,
with the tables that tie them together (which types and parents a level takes, which level a
role is attached to). Re-exported by ``communes.models``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    VILLAGE = "village", _("Village")


class UnitType(models.TextChoices):
    # province level
    TINH = "tinh", _("Province (tỉnh)")
    THANH_PHO_TW = "thanh_pho_tw", _("Centrally-governed city")
    # district level
    HUYEN = "huyen", _("Rural district (huyện)")
    QUAN = "quan", _("Urban district (quận)")
    THI_XA = "thi_xa", _("Town (thị xã)")
    THANH_PHO = "thanh_pho", _("Provincial city")
    # commune level
    XA = "xa", _("Commune (xã)")
    PHUONG = "phuong", _("Ward (phường)")
    THI_TRAN = "thi_tran", _("Township (thị trấn)")
    DAC_KHU = "dac_khu", _("Special zone (đặc khu)")
    # village level
    THON = "thon", _("Village (thôn)")
    XOM = "xom", _("Hamlet (xóm)")
    BAN = "ban", _("Hamlet (bản)")
    AP = "ap", _("Hamlet (ấp)")
    BUON = "buon", _("Hamlet (buôn)")
    PLEI = "plei", _("Hamlet (plei)")
    LANG = "lang", _("Village (làng)")
    KHOM = "khom", _("Neighbourhood (khóm)")
    KHU_PHO = "khu_pho", _("Quarter (khu phố)")
    TO_DAN_PHO = "to_dan_pho", _("Residential group (tổ dân phố)")


TYPES_BY_LEVEL: dict[str, tuple[str, ...]] = {
    Level.PROVINCE: (UnitType.TINH, UnitType.THANH_PHO_TW),
    Level.DISTRICT: (UnitType.HUYEN, UnitType.QUAN, UnitType.THI_XA, UnitType.THANH_PHO),
    Level.COMMUNE: (UnitType.XA, UnitType.PHUONG, UnitType.THI_TRAN, UnitType.DAC_KHU),
    Level.VILLAGE: (
        UnitType.THON,
        UnitType.XOM,
        UnitType.BAN,
        UnitType.AP,
        UnitType.BUON,
        UnitType.PLEI,
        UnitType.LANG,
        UnitType.KHOM,
        UnitType.KHU_PHO,
        UnitType.TO_DAN_PHO,
    ),
}
DEFAULT_TYPE = {
    Level.PROVINCE: UnitType.TINH,
    Level.DISTRICT: UnitType.HUYEN,
    Level.COMMUNE: UnitType.XA,
    Level.VILLAGE: UnitType.THON,
}
# Which units count in the programme's commune figures (DOMAIN.md, "Which units count"): rural
# communes (xã) only. Phường (urban wards) and thị trấn (townships) are not NTM communes — a
# township works toward the province's "civilised urban" criteria — and đặc khu (special zones,
# from 2025) follow a special set (QĐ 211/2024), so all three are listed apart and never enter a
# denominator, a bucket or an average; nor are they assessed against the NTM commune sets.
NTM_COMMUNE_TYPES: tuple[str, ...] = (UnitType.XA,)
COMMUNE_TYPES_APART: tuple[str, ...] = (UnitType.PHUONG, UnitType.THI_TRAN, UnitType.DAC_KHU)

# Which levels a unit of each level may hang under: a commune sits under a district before
# 1 July 2025 and directly under its province after.
PARENT_LEVELS: dict[str, tuple[str, ...]] = {
    Level.PROVINCE: (),
    Level.DISTRICT: (Level.PROVINCE,),
    Level.COMMUNE: (Level.DISTRICT, Level.PROVINCE),
    Level.VILLAGE: (Level.COMMUNE,),
}


class Region(models.TextChoices):
    """The seven socio-economic regions that decide several 2016–2025 thresholds."""

    TDMNPB = "TDMNPB", _("Northern Midlands and Mountains")
    DBSH = "DBSH", _("Red River Delta")
    BTB = "BTB", _("North Central Coast")
    DHNTB = "DHNTB", _("South Central Coast")
    TN = "TN", _("Central Highlands")
    DNB = "DNB", _("Southeast")
    DBSCL = "DBSCL", _("Mekong River Delta")


class CommuneGroup(models.IntegerChoices):
    """Commune groups of the 2026–2030 set (QĐ 51/2025/QĐ-TTg)."""

    # xgettext:no-python-format
    NEAR_URBAN = 1, _("Group 1: near-urban, agriculture under 10%")
    GENERAL = 2, _("Group 2: other communes")
    MOUNTAIN = 3, _("Group 3: ethnic-minority and mountain areas")


class Role(models.TextChoices):
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    DISTRICT_COMMITTEE = "district_committee", _("District steering committee")
    PROVINCE_OFFICE = "province_office", _("Province coordination office")
    VIEWER = "viewer", _("Viewer")


# The level of unit each working role is attached to; a viewer may be attached anywhere.
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.COMMUNE_OFFICER: (Level.COMMUNE,),
    Role.DISTRICT_COMMITTEE: (Level.DISTRICT,),
    Role.PROVINCE_OFFICE: (Level.PROVINCE,),
    Role.VIEWER: tuple(Level.values),
}
