"""The monthly bulletin of a province or district (or the country): build it, issue it.

``month`` parses months and decides the cut-off; ``data`` reads the figures as of the
cut-off; ``layout`` turns them into sheets. Issuing stores the file, which is then served
unchanged, with who issued it and when.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit, Level, Role
from communes.people import full_name
from reports.bulletin.data import Progress, Reading, _noop, gather
from reports.bulletin.layout import Issue, bulletin_workbook
from reports.bulletin.month import Month, cutoff_for
from reports.models import IssuedBulletin
from reports.selectors import communes_counted

__all__ = [
    "BULLETIN_LEVELS",
    "Month",
    "Reading",
    "bulletin_build",
    "bulletin_issue",
    "can_issue",
    "cutoff_for",
    "file_name",
    "is_large",
]

# Units that have a bulletin; None (the country) has one too, for superusers.
BULLETIN_LEVELS = (Level.PROVINCE, Level.DISTRICT)
# Above this many communes a bulletin is built in the background.
INLINE_MAX_COMMUNES = 1000

MSG_NOT_ISSUER = _("Only the province coordination office may issue a bulletin.")
MSG_NO_BULLETIN_LEVEL = _("Bulletins are issued for a province or a district.")
MSG_FUTURE_MONTH = _("There is no bulletin for a month that has not begun.")
MSG_ALREADY_ISSUED = _("The bulletin for %(month)s was already issued on %(date)s by %(user)s.")


def file_name(unit: AdministrativeUnit | None, month: Month) -> str:
    return f"ban-tin-ntm-{unit.code if unit is not None else 'toan-quoc'}-{month.slug}.xlsx"


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


def can_issue(user, unit: AdministrativeUnit | None) -> bool:
    if unit is None or unit.level not in BULLETIN_LEVELS:
        return False
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return Role.PROVINCE_OFFICE in access.roles_over(user, unit)


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
    cut = cutoff_for(month, now)
    if cut is None:
        raise ValidationError(MSG_FUTURE_MONTH, code="future")
    cutoff, current = cut
    data = gather(unit=unit, month=month, cutoff=cutoff, current=current, reading=reading, progress=progress)
    return bulletin_workbook(data, Issue(by=user_label(user), at=now, issued=issued)), cutoff


def bulletin_issue(*, unit: AdministrativeUnit, month: Month, user) -> IssuedBulletin:
    """Build and store the official bulletin of ``unit`` for ``month``; once only."""
    if unit.level not in BULLETIN_LEVELS:
        raise ValidationError(MSG_NO_BULLETIN_LEVEL, code="level")
    if not can_issue(user, unit):
        raise PermissionDenied(MSG_NOT_ISSUER)
    existing = IssuedBulletin.objects.filter(unit=unit, month=month.first_day).select_related("issued_by").first()
    if existing is not None:
        raise ValidationError(MSG_ALREADY_ISSUED, code="issued", params=_issued_params(existing))
    now = timezone.now()
    content, cutoff = bulletin_build(unit=unit, month=month, user=user, now=now, issued=True)
    bulletin = IssuedBulletin(
        unit=unit,
        month=month.first_day,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        cutoff=cutoff,
        issued_by=user,
        issued_at=now,
    )
    bulletin.file.save(file_name(unit, month), ContentFile(content), save=False)
    try:
        with transaction.atomic():
            bulletin.save()
    except IntegrityError:
        bulletin.file.delete(save=False)
        existing = IssuedBulletin.objects.select_related("issued_by").get(unit=unit, month=month.first_day)
        raise ValidationError(MSG_ALREADY_ISSUED, code="issued", params=_issued_params(existing)) from None
    return bulletin


def _issued_params(bulletin: IssuedBulletin) -> dict:
    return {
        "month": f"{bulletin.month:%m/%Y}",
        "date": f"{timezone.localtime(bulletin.issued_at):%d/%m/%Y %H:%M}",
        "user": user_label(bulletin.issued_by),
    }


def issued_for(unit: AdministrativeUnit, *, limit: int = 24):
    """The bulletins issued for a unit, newest month first."""
    return IssuedBulletin.objects.filter(unit=unit).select_related("issued_by").order_by("-month")[:limit]
