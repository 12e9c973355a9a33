"""The bulletin's figures of the other apps: plan against result and funds (plans app, when
installed, handed over as plain tables read in Vietnamese) and OCOP products
(``ocop.selectors.ocop_counts``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.apps import apps
from django.utils import translation

from communes.models import AdministrativeUnit
from ocop.selectors import OcopCounts, ocop_counts
from reports.bulletin.month import Month
from reports.bulletin.shapes import FundsTable


def ocop_figures(
    unit: AdministrativeUnit | None, month: Month, cut: datetime.date, recorded: datetime.datetime | None
) -> OcopCounts:
    """OCOP products by stars: valid on the cut-off and certified in the month — the dashboard's
    and the API's ``ocop_counts``; read as recorded, only the products entered by the cut-off."""
    return ocop_counts(unit, (month.first_day, cut), recorded=recorded)


def plan_table(
    unit: AdministrativeUnit | None,
    month: Month,
    cut: datetime.date | None = None,
    recorded: datetime.datetime | None = None,
) -> list[FundsTable]:
    """Plan against result from the plans app (province targets, units due this year), titles
    read on the month's cut-off as every other figure of the bulletin; read as recorded, the
    targets, province targets and decisions the portal held at ``recorded``."""
    if not apps.is_installed("plans"):
        return []
    from plans.selectors import plan_rows

    with translation.override("vi"):
        tables = [
            FundsTable(str(t.title), [str(h) for h in t.headers], [[_plain(v) for v in r] for r in t.rows], t.kind)
            for t in plan_rows(unit, month.year, cut, recorded)
        ]
    return [t for t in tables if t.rows]


def _plain(value):
    """Lazy translations in rows become text the workbook writer can take."""
    return value if value is None or isinstance(value, int | float | Decimal | str | datetime.date) else str(value)


def funds_table(unit: AdministrativeUnit | None, month: Month, asof: datetime.datetime | None) -> list[FundsTable]:
    """Funds by source from the plans app, when it is installed and something is recorded.

    ``plans.selectors.funds_rows(unit, year, month, asof)`` gives plain tables (title, headers,
    rows); its labels are translated, so they are read in Vietnamese. Amounts are as recorded
    at the cut-off of a past month (from the funds' change log), like every other figure.
    """
    if not apps.is_installed("plans"):
        return []
    try:
        from plans.selectors import funds_rows
    except ImportError:
        return []
    with translation.override("vi"):
        tables = [
            FundsTable(str(t.title), [str(h) for h in t.headers], [list(r) for r in t.rows])
            for t in funds_rows(unit, month.year, month.month, asof)
        ]
    recorded = any(
        isinstance(v, int | Decimal) and not isinstance(v, bool) and v != 0 for t in tables for r in t.rows for v in r
    )
    return tables if recorded else []
