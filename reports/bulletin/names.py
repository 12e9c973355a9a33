"""The Vietnamese names the bulletin and the Excel exports give to tiers, states and levels:
documents that travel between offices read the same whatever the page's language.

States and levels are the models' own labels, read through gettext under
``translation.override("vi")`` (one wording for pages and documents); the tiers have the
documents' own phrasing ("Xã đạt chuẩn NTM nâng cao"), which is not the pages' tier label.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from communes.models import Level
from criteria.figures import NO_DOSSIER
from criteria.models import AssessmentState, Tier

TIER_NAMES = {Tier.STANDARD: "NTM", Tier.ADVANCED: "NTM nâng cao", Tier.MODEL: "NTM kiểu mẫu"}


def _in_vietnamese(choices) -> dict[str, str]:
    with translation.override("vi"):
        return {choice.value: str(choice.label) for choice in choices}


def state_names() -> dict[str, str]:
    """Each assessment state's name in Vietnamese ("Đã thẩm tra"), and ``state_on``'s for a
    dossier not yet created on the cut-off (the documents' own words, as "Chưa có số liệu")."""
    return {**_in_vietnamese(AssessmentState), NO_DOSSIER: "Chưa có hồ sơ"}


def level_names() -> dict[str, str]:
    """Each unit level's name in Vietnamese ("Xã", "Thôn")."""
    return _in_vietnamese(Level)


def summary_mark() -> str:
    """What a summary record (a past year's standing from an old report) says beside its state."""
    with translation.override("vi"):
        return " · " + gettext("summary record")
