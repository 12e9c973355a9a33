"""The office's own words in a bulletin: saved per unit and month, every save kept.

A month's text is its latest saved version; a month without one starts from the latest text
of the unit's nearest earlier month (the office edits last month's words rather than starting
blank), with the number and the date cleared; a unit that never saved one starts from its
names. Saving is for those who may issue the unit's bulletin, and only until it is issued.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Level
from reports.bulletin.month import Month
from reports.models import BulletinText, IssuedBulletin

MSG_NOT_WRITER = _("Only the coordination office over this unit may write its bulletin.")
MSG_TEXT_ISSUED = _("The bulletin for %(month)s was issued: its text can no longer be changed.")
HISTORY_SHOWN = 10


@dataclass
class Draft:
    """The text fields of a bulletin (the document's header, its sections, the signature)."""

    superior: str = ""
    issuer: str = ""
    number: str = ""
    place: str = ""
    dated: datetime.date | None = None
    official_form: bool = False
    direction: str = ""
    shortcomings: str = ""
    tasks: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: str = ""

    @property
    def place_and_date(self) -> str:
        """ "Nghệ An, ngày 05 tháng 03 năm 2024", dots in place of a date not chosen yet."""
        day = self.dated
        when = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}" if day else "ngày … tháng … năm …"
        return f"{self.place}, {when}"


FIELDS = tuple(f.name for f in fields(Draft))


@dataclass
class TextState:
    draft: Draft
    source: str  # "saved" (this month), "previous" (pre-filled from ``from_month``) or "default"
    from_month: Month | None = None
    saved: BulletinText | None = None


def default_draft(unit: AdministrativeUnit) -> Draft:
    """What a unit that never wrote a bulletin starts from: its office and its people's committee."""
    if unit.level == Level.PROVINCE:
        superior = f"UBND {unit.name}"
        issuer = "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI TỈNH"
        place = unit.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    else:
        superior = f"UBND {unit.name}"
        issuer = "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI HUYỆN"
        place = unit.name.removeprefix("Huyện ").removeprefix("Thị xã ").removeprefix("Thành phố ")
    return Draft(
        superior=superior.upper(),
        issuer=issuer,
        place=place,
        signer_title="CHÁNH VĂN PHÒNG",
        recipients="- Ban Chỉ đạo các chương trình MTQG;\n- Các thành viên Ban Chỉ đạo;\n- Lưu: VT.",
    )


def _draft_of(row: BulletinText) -> Draft:
    return Draft(**{name: getattr(row, name) for name in FIELDS})


def bulletin_text(*, unit: AdministrativeUnit, month: Month) -> TextState:
    """The month's text (two queries at most)."""
    saved = BulletinText.objects.filter(unit=unit, month=month.first_day).order_by("-saved_at", "-pk").first()
    if saved is not None:
        return TextState(_draft_of(saved), "saved", saved=saved)
    earlier = (
        BulletinText.objects.filter(unit=unit, month__lt=month.first_day).order_by("-month", "-saved_at", "-pk").first()
    )
    if earlier is not None:
        draft = _draft_of(earlier)
        draft.number, draft.dated = "", None
        return TextState(draft, "previous", from_month=Month(earlier.month.year, earlier.month.month))
    return TextState(default_draft(unit), "default")


def text_history(*, unit: AdministrativeUnit, month: Month, limit: int = HISTORY_SHOWN) -> list[BulletinText]:
    return list(
        BulletinText.objects.filter(unit=unit, month=month.first_day)
        .select_related("saved_by")
        .order_by("-saved_at", "-pk")[:limit]
    )


def bulletin_text_save(*, unit: AdministrativeUnit, month: Month, draft: Draft, user, can_write: bool) -> BulletinText:
    """Keep a new version of the month's text; refused once the month's bulletin is issued."""
    if not can_write:
        raise PermissionDenied(MSG_NOT_WRITER)
    if IssuedBulletin.objects.filter(unit=unit, month=month.first_day).exists():
        raise ValidationError(MSG_TEXT_ISSUED, code="issued", params={"month": month.label})
    row = BulletinText(
        unit=unit,
        month=month.first_day,
        saved_by=user,
        saved_at=timezone.now(),
        **{name: getattr(draft, name) for name in FIELDS},
    )
    row.full_clean()
    row.save()
    return row
