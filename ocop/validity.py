"""How long an OCOP certificate is valid, and the status a product has on a day: pure rules, no ORM.

A certificate is valid for 36 months from its date (DOMAIN.md, "How progress is reported"):
up to and including the day before the same date 36 months later (a 29 February certificate
runs to the day before 28 February, the month having no 29th). "Expired" is never stored: it
is read from the certificate date on the day asked about, here and, through
``earliest_valid_certificate``, in the database (``OcopProductQuerySet.with_status``).
"""

from __future__ import annotations

import calendar
import datetime

VALIDITY_MONTHS = 36
# Districts ended on 1 July 2025 (two-tier local government): no district rating after it.
DISTRICTS_ENDED = datetime.date(2025, 7, 1)
# The OCOP programme began with QĐ 490/QĐ-TTg of 7 May 2018: no certificate is older.
PROGRAMME_STARTED = datetime.date(2018, 5, 7)

IDEA, RATING, CERTIFIED, EXPIRED = "idea", "rating", "certified", "expired"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def valid_until(certificate_date: datetime.date) -> datetime.date:
    """The last day a certificate of this date is valid."""
    return add_months(certificate_date, VALIDITY_MONTHS) - datetime.timedelta(days=1)


def is_valid_on(certificate_date: datetime.date, day: datetime.date) -> bool:
    return certificate_date <= day <= valid_until(certificate_date)


def earliest_valid_certificate(day: datetime.date) -> datetime.date:
    """The earliest certificate date still valid on ``day``: a certificate is valid on ``day``
    when dated between this and ``day``. ``valid_until`` never decreases, so this one date
    decides it; a query compares certificate dates with it instead of adding months in SQL."""
    candidate = add_months(day, -VALIDITY_MONTHS) - datetime.timedelta(days=3)
    while valid_until(candidate) < day:
        candidate += datetime.timedelta(days=1)
    return candidate


def status_on(stage: str, certificate_date: datetime.date | None, day: datetime.date) -> str:
    """The product's status on ``day``: its stage, but a certified product whose certificate
    ran out by then is expired."""
    if stage == CERTIFIED and certificate_date is not None and valid_until(certificate_date) < day:
        return EXPIRED
    return stage
