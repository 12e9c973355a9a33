"""Funds mobilised: all cells of a unit and year, or none, with history."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit
from communes.permissions import can_enter_funds
from criteria import evaluation
from criteria.years import MSG_YEAR_OUTSIDE, validate_year_shown
from ntm_portal.errors import STALE, StaleWriteError
from ntm_portal.numbers import money
from plans.models import (
    FundChange,
    FundEntry,
    FundSource,
    cell_key,
)
from plans.months import MONTH_NOT_BEGUN, UNIT_ABSENT, closed_month
from plans.services.permissions import (
    lock_unit,
    require_signed_in,
    user_name,
)

MSG_FUNDS_NO_PERMISSION = _("You may read this unit's funds but not enter them.")
MSG_YEAR_RANGE = MSG_YEAR_OUTSIDE  # a year no page shows (``criteria.years.validate_year_shown``)
MSG_MONTH_RANGE = _("The month must be between 1 and 12.")
MSG_SOURCE_UNKNOWN = _("“%(source)s” is not a source of funds.")
MSG_MONTH_NOT_BEGUN = _("%(month)s/%(year)s has not begun: funds are recorded for past and current months.")
MSG_UNIT_ABSENT = _("%(unit)s did not exist in %(month)s/%(year)s.")
MSG_CELL_TWICE = _("This month and source appear more than once.")
MSG_NOTE_TOO_LONG = _("A note may hold at most 500 characters.")
MSG_CELL_LABEL = _("%(source)s, %(month)s/%(year)s")
MSG_FUNDS_STALE = _("%(cell)s was changed by %(user)s in the meantime (now: %(value)s). Review it and save again.")

# --- Funds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundCell:
    """One amount as typed for a month and a source. ``raw`` empty or None clears the cell.

    ``expected_version``: the version the user saw (0: the cell was empty; None skips the check).
    ``note``: None keeps the stored note.
    """

    month: int
    source: str
    raw: object
    expected_version: int | None = None
    note: str | None = None

    @property
    def key(self) -> str:
        return cell_key(self.month, self.source)


def _cell_label(cell: FundCell, year: int) -> str:
    return str(MSG_CELL_LABEL % {"source": FundSource(cell.source).label, "month": cell.month, "year": year})


@transaction.atomic
def funds_record(
    *,
    unit: AdministrativeUnit,
    year: int,
    cells: Iterable[FundCell],
    user,
    at: datetime.datetime | None = None,
) -> dict[str, FundEntry | None]:
    """Validate every cell, then record them all or none, with history.

    Returns what each cell now holds (None: empty). A cell equal to what is stored changes
    nothing. Raises ``ValidationError`` keyed by ``"year"`` or by cell, ``StaleWriteError`` (``current``: each stale cell's entry now)
    when a cell was changed in the meantime, ``PermissionDenied`` for a user who may not write.
    """
    require_signed_in(user)
    if not access.can_read_unit(user, unit) or not can_enter_funds(user, unit):
        raise PermissionDenied(MSG_FUNDS_NO_PERMISSION)
    today = timezone.localdate()
    try:
        validate_year_shown(year, today=today)  # the years the pages show: none ahead, none before 2010
    except ValidationError as exc:
        raise ValidationError({"year": [exc]}) from None

    parsed = _parsed_cells(unit, year, cells, today)

    months = sorted({cell.month for cell, _amount in parsed})
    lock_unit(unit)  # a concurrent first save of the same cell is then seen below, as a stale write
    stored = {
        e.key: e
        for e in FundEntry.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .filter(unit=unit, year=year, month__in=months)
    }
    _refuse_stale(parsed, stored, year)
    return _write_cells(unit, year, parsed, stored, user, at or timezone.now())


def _parsed_cells(
    unit: AdministrativeUnit, year: int, cells: Iterable[FundCell], today: datetime.date
) -> list[tuple[FundCell, Decimal | None]]:
    """Each cell with its amount, or ``ValidationError`` keyed by cell listing every refusal."""
    errors: dict[str, list[ValidationError]] = {}
    parsed: list[tuple[FundCell, Decimal | None]] = []
    seen: set[str] = set()
    for cell in cells:
        key = cell.key

        def refuse(message, code: str, params: dict | None = None, key: str = key) -> None:
            errors.setdefault(key, []).append(ValidationError(message, code=code, params=params))

        if key in seen:
            refuse(MSG_CELL_TWICE, "duplicate")
            continue
        seen.add(key)
        if cell.note is not None and len(cell.note) > 500:
            refuse(MSG_NOTE_TOO_LONG, "note_too_long")
            continue
        if cell.source not in FundSource.values:
            refuse(MSG_SOURCE_UNKNOWN, "source", {"source": cell.source})
            continue
        if not 1 <= cell.month <= 12:
            refuse(MSG_MONTH_RANGE, "month_range")
            continue
        closed = closed_month(unit, year, cell.month, today=today)
        if closed == MONTH_NOT_BEGUN:
            refuse(MSG_MONTH_NOT_BEGUN, closed, {"month": cell.month, "year": year})
            continue
        if closed == UNIT_ABSENT:
            refuse(MSG_UNIT_ABSENT, closed, {"unit": unit, "month": cell.month, "year": year})
            continue
        try:
            amount = evaluation.parse_value(cell.raw, evaluation.ValueType.MONEY, indicator=_cell_label(cell, year))
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.error_list)
            continue
        parsed.append((cell, amount))
    if errors:
        raise ValidationError(errors)
    return parsed


def _unchanged(current: FundEntry | None, cell: FundCell, amount: Decimal | None) -> bool:
    """Whether the cell as typed (``amount``: None clears it; its note: None keeps the stored
    one) leaves what is stored as it is: it changes nothing, and is no stale write either."""
    if current is None:
        return amount is None
    note = cell.note if cell.note is not None else current.note
    return current.amount == amount and current.note == note


def _refuse_stale(parsed: list[tuple[FundCell, Decimal | None]], stored: dict[str, FundEntry], year: int) -> None:
    """``StaleWriteError`` when a cell's stored version is not the one its user saw."""
    stale: dict[str, list[ValidationError]] = {}
    stale_current: dict[str, FundEntry | None] = {}
    for cell, amount in parsed:
        current = stored.get(cell.key)
        if (
            cell.expected_version is not None
            and cell.expected_version != (current.version if current else 0)
            and not _unchanged(current, cell, amount)  # typed what is stored now: saved, nothing to tell
        ):
            stale[cell.key] = [
                ValidationError(
                    MSG_FUNDS_STALE,
                    code=STALE,
                    params={
                        "cell": _cell_label(cell, year),
                        "user": user_name(current.entered_by) if current else "—",
                        "value": money(current.amount) if current else "—",
                    },
                )
            ]
            stale_current[cell.key] = current
    if stale:
        # Each stale cell with its message; ``current``: what each holds now (None: emptied).
        raise StaleWriteError(stale, current=stale_current)


def _write_cells(
    unit: AdministrativeUnit,
    year: int,
    parsed: list[tuple[FundCell, Decimal | None]],
    stored: dict[str, FundEntry],
    user,
    moment: datetime.datetime,
) -> dict[str, FundEntry | None]:
    """Create, update or delete the entries that change, with one history row each (a few bulk queries)."""
    result: dict[str, FundEntry | None] = {}
    to_create, to_update, to_delete, history = [], [], [], []
    for cell, amount in parsed:
        current = stored.get(cell.key)
        if _unchanged(current, cell, amount):
            result[cell.key] = current
            continue
        note = cell.note if cell.note is not None else (current.note if current else "")
        history.append(
            FundChange(
                unit=unit,
                year=year,
                month=cell.month,
                source=cell.source,
                old_amount=current.amount if current else None,
                new_amount=amount,
                user=user,
                at=moment,
            )
        )
        if amount is None:
            to_delete.append(current.pk)
            result[cell.key] = None
            continue
        if current is None:
            current = FundEntry(unit=unit, year=year, month=cell.month, source=cell.source, version=0)
            to_create.append(current)
        else:
            to_update.append(current)
        current.amount, current.note = amount, note
        current.version += 1
        current.entered_by, current.entered_at = user, moment
        result[cell.key] = current
    FundEntry.objects.filter(pk__in=to_delete).delete()
    FundEntry.objects.bulk_create(to_create)
    FundEntry.objects.bulk_update(to_update, ["amount", "note", "version", "entered_by", "entered_at"])
    FundChange.objects.bulk_create(history)
    return result
