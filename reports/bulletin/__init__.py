"""The monthly bulletin of a province or district (or the country): build it, issue it.

``month`` parses months and decides the cut-off; ``data`` reads the figures as of the
cut-off; ``layout`` turns them into sheets and ``document`` into the Word bulletin, whose
section 2 ``writing`` writes from the figures and whose other sections are the office's own
text (``text``, saved per unit and month). Issuing stores both files, built from one reading
of the figures, which are then served unchanged, with who issued them and when.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Level
from communes.people import full_name
from communes.permissions import BULLETIN_LEVELS, can_issue_bulletin
from reports.bulletin.data import Progress, Reading, _noop, gather
from reports.bulletin.document import bulletin_document
from reports.bulletin.layout import bulletin_workbook
from reports.bulletin.month import Month, cutoff_for, life_months, within_life
from reports.bulletin.shapes import BulletinData, Issue
from reports.bulletin.text import Draft, bulletin_text
from reports.models import IssuedBulletin
from reports.selectors import communes_counted

__all__ = [
    "BULLETIN_LEVELS",
    "Month",
    "Reading",
    "bulletin_build",
    "bulletin_docx",
    "bulletin_issue",
    "cutoff_for",
    "file_name",
    "is_large",
    "life_months",
    "outside_life",
    "read_month",
    "within_life",
]

# Units that have a bulletin; None (the country) has one too, for superusers.
# Above this many communes a bulletin is built in the background.
INLINE_MAX_COMMUNES = 1000

MSG_NOT_ISSUER = _("Only the province coordination office may issue a bulletin.")
MSG_NO_BULLETIN_LEVEL = _("Bulletins are issued for a province or a district.")
MSG_FUTURE_MONTH = _("There is no bulletin for a month that has not begun.")
MSG_ALREADY_ISSUED = _("The bulletin for %(month)s was already issued on %(date)s by %(user)s.")
MSG_OUTSIDE_LIFE = _("%(unit)s did not exist in %(month)s: it has no bulletin for that month.")


def file_name(unit: AdministrativeUnit | None, month: Month, extension: str = "xlsx") -> str:
    return f"ban-tin-ntm-{unit.code if unit is not None else 'toan-quoc'}-{month.slug}.{extension}"


def user_label(user) -> str:
    if user is None:
        return "Cổng thông tin NTM"
    return full_name(user)


def is_large(unit: AdministrativeUnit | None, year: int) -> bool:
    """The country, or a unit with more communes than a request should build: the background."""
    if unit is None:
        return True
    # Every commune ever under the unit bounds the communes of the year, and counting them
    # needs no look at the assessments: most units are far below the limit.
    every_commune = AdministrativeUnit.objects.subtree(unit).filter(level=Level.COMMUNE)
    if every_commune.count() <= INLINE_MAX_COMMUNES:
        return False
    return communes_counted(unit=unit, year=year).count() > INLINE_MAX_COMMUNES


def bulletin_build(
    *,
    unit: AdministrativeUnit | None,
    month: Month,
    user,
    reading: Reading = Reading.VALID,
    now=None,
    issued: bool = False,
    progress: Progress = _noop,
) -> tuple[bytes, object]:
    """The bulletin's bytes and its cut-off; raises ValidationError for a month to come.

    It reports the month's own year; ``reading`` says whether it shows what was true in the
    month (valid time, the default) or what the portal knew at the cut-off (as recorded)."""
    now = now or timezone.now()
    data, draft = _read(unit, month, reading, now, progress)
    return bulletin_workbook(data, Issue(by=user_label(user), at=now, issued=issued), draft), data.cutoff


def outside_life(unit: AdministrativeUnit | None, month: Month) -> ValidationError | None:
    """The refusal of a bulletin for a month the unit did not exist in (None within its life)."""
    if within_life(unit, month):
        return None
    return ValidationError(MSG_OUTSIDE_LIFE, code="outside_life", params={"unit": unit.name, "month": month.label})


def _read(unit, month: Month, reading: Reading, now, progress: Progress = _noop) -> tuple[BulletinData, Draft | None]:
    """The month's figures (as of its cut-off) and the office's text for it."""
    cut = cutoff_for(month, now)
    if cut is None:
        raise ValidationError(MSG_FUTURE_MONTH, code="future")
    if (refusal := outside_life(unit, month)) is not None:
        raise refusal
    cutoff, current = cut
    data = gather(unit=unit, month=month, cutoff=cutoff, current=current, reading=reading, progress=progress)
    draft = bulletin_text(unit=unit, month=month).draft if unit is not None else None
    return data, draft


def read_month(unit, month: Month, reading: Reading = Reading.VALID) -> tuple[BulletinData, Draft | None]:
    """The figures and text of a month's bulletin as of now (the page's preview)."""
    return _read(unit, month, reading, timezone.now())


def bulletin_docx(
    *, unit: AdministrativeUnit, month: Month, user, reading: Reading = Reading.VALID, now=None, draft=None
) -> tuple[bytes, BulletinData]:
    """The Word bulletin's bytes and its figures; ``draft`` previews unsaved text."""
    now = now or timezone.now()
    data, saved = _read(unit, month, reading, now)
    with translation.override("vi"):
        content = bulletin_document(data, draft or saved, Issue(by=user_label(user), at=now))
    return content, data


def bulletin_issue(*, unit: AdministrativeUnit, month: Month, user) -> IssuedBulletin:
    """Build and store the official bulletin of ``unit`` for ``month``; once only."""
    if unit.level not in BULLETIN_LEVELS:
        raise ValidationError(MSG_NO_BULLETIN_LEVEL, code="level")
    if not can_issue_bulletin(user, unit):
        raise PermissionDenied(MSG_NOT_ISSUER)
    existing = IssuedBulletin.objects.filter(unit=unit, month=month.first_day).select_related("issued_by").first()
    if existing is not None:
        raise ValidationError(MSG_ALREADY_ISSUED, code="issued", params=_issued_params(existing))
    now = timezone.now()
    # One reading of the figures for both files: the workbook and the Word bulletin agree.
    data, draft = _read(unit, month, Reading.VALID, now)
    issue = Issue(by=user_label(user), at=now, issued=True)
    content = bulletin_workbook(data, issue, draft)
    with translation.override("vi"):
        document = bulletin_document(data, draft, issue)
    bulletin = IssuedBulletin(
        unit=unit,
        month=month.first_day,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        docx_sha256=hashlib.sha256(document).hexdigest(),
        cutoff=data.cutoff,
        issued_by=user,
        issued_at=now,
    )
    bulletin.file.save(file_name(unit, month), ContentFile(content), save=False)
    bulletin.docx.save(file_name(unit, month, "docx"), ContentFile(document), save=False)
    try:
        with transaction.atomic():
            bulletin.save()
    except IntegrityError:
        bulletin.file.delete(save=False)
        bulletin.docx.delete(save=False)
        existing = IssuedBulletin.objects.select_related("issued_by").get(unit=unit, month=month.first_day)
        raise ValidationError(MSG_ALREADY_ISSUED, code="issued", params=_issued_params(existing)) from None
    return bulletin


def _issued_params(bulletin: IssuedBulletin) -> dict:
    return {
        "month": f"{bulletin.month:%m/%Y}",
        "date": f"{timezone.localtime(bulletin.issued_at):%d/%m/%Y %H:%M}",
        "user": user_label(bulletin.issued_by),
    }


def issued_for(unit: AdministrativeUnit, *, limit: int | None = 24):
    """The bulletins issued for a unit, newest month first (all of them with ``limit=None``)."""
    issued = IssuedBulletin.objects.filter(unit=unit).select_related("issued_by").order_by("-month")
    return issued if limit is None else issued[:limit]
