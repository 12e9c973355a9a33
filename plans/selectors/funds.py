"""Funds: a unit's own grid, and the roll-up of everything below a unit."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit, Level, existed_in_year_q, subtree_q
from plans.models import FundChange, FundEntry, FundSource, cell_key
from plans.months import closed_month
from plans.selectors.common import ZERO, province_of, share, under_any

# --- Funds -----------------------------------------------------------------------------------


@dataclass
class GridCell:
    month: int
    source: str
    entry: FundEntry | None
    closed: str | None = None  # why no amount can be recorded in the month (``plans.months``), None if it can

    @property
    def key(self) -> str:
        return cell_key(self.month, self.source)

    @property
    def label(self) -> str:
        return str(FundSource(self.source).label)

    @property
    def amount(self) -> Decimal | None:
        return self.entry.amount if self.entry else None

    @property
    def version(self) -> int:
        return self.entry.version if self.entry else 0


@dataclass
class GridRow:
    month: int
    cells: list[GridCell]

    @property
    def total(self) -> Decimal:
        return sum((c.amount or ZERO for c in self.cells), ZERO)


@dataclass
class FundsGrid:
    """One unit's own entries for a year: months 1–12 × sources, with totals."""

    year: int
    sources: list[tuple[str, str]]  # (value, label)
    rows: list[GridRow]

    @property
    def source_totals(self) -> list[Decimal]:
        return [sum((r.cells[i].amount or ZERO for r in self.rows), ZERO) for i in range(len(self.sources))]

    @property
    def total(self) -> Decimal:
        return sum(self.source_totals, ZERO)

    @property
    def closed_reasons(self) -> list[str]:
        """Why some months are closed (``plans.months``), each reason once, in month order."""
        return list(dict.fromkeys(r.cells[0].closed for r in self.rows if r.cells[0].closed))

    @property
    def any_open(self) -> bool:
        """Some month takes amounts."""
        return any(not r.cells[0].closed for r in self.rows)

    def cell(self, key: str) -> GridCell | None:
        month, _sep, source = key.partition("-")
        if not month.isdigit() or not 1 <= int(month) <= 12:
            return None
        return next((c for c in self.rows[int(month) - 1].cells if c.source == source), None)


def funds_grid(*, unit: AdministrativeUnit, year: int, today: datetime.date | None = None) -> FundsGrid:
    """The unit's own funds entries for ``year`` (not those of units below): one query.

    Each month says whether it is closed, and why: the rule ``funds_record`` refuses by
    (``plans.months.closed_month``: not begun by ``today``, or the unit did not exist in it).
    """
    today = today or timezone.localdate()
    entries = {
        (e.month, e.source): e for e in FundEntry.objects.filter(unit=unit, year=year).select_related("entered_by")
    }
    rows = []
    for m in range(1, 13):
        closed = closed_month(unit, year, m, today=today)
        rows.append(GridRow(month=m, cells=[GridCell(m, s, entries.get((m, s)), closed) for s in FundSource.values]))
    return FundsGrid(year=year, sources=list(FundSource.choices), rows=rows)


class SourceAmount(NamedTuple):
    source: str
    label: str
    in_month: Decimal  # in the month ``upto`` (the whole of ``to_date`` when the summary is for a year)
    to_date: Decimal  # from January to ``upto``


class UnitFunds(NamedTuple):
    """One unit one level down (or the unit's own entries, ``own=True``) with its roll-up."""

    code: str
    name: str
    level: str
    own: bool
    amounts: list[Decimal]  # per source, in FundSource order, January to ``upto``
    total: Decimal

    @property
    def label(self) -> str:
        """The unit's name; its own entries' line says so."""
        return _("%(name)s (own level)") % {"name": self.name} if self.own else self.name


@dataclass(frozen=True)
class FundsSummary:
    unit_code: str | None
    year: int
    upto: int  # the last month counted (12: the whole year)
    by_source: list[SourceAmount]
    by_unit: list[UnitFunds]

    @property
    def total_in_month(self) -> Decimal:
        return sum((s.in_month for s in self.by_source), ZERO)

    @property
    def total_to_date(self) -> Decimal:
        return sum((s.to_date for s in self.by_source), ZERO)

    @property
    def has_data(self) -> bool:
        return any(s.to_date for s in self.by_source)

    def shares(self) -> list[tuple[SourceAmount, Decimal | None]]:
        total = self.total_to_date
        return [(s, share(s.to_date, total)) for s in self.by_source]


def default_month(year: int) -> int:
    """Up to which month a year's funds are shown by default: this month for this year."""
    today = timezone.localdate()
    return today.month if year == today.year else 12


class _UnitIds(Subquery):
    """For ``unit_id__in``: the ids of a queryset of units. On PostgreSQL written as
    ``(SELECT unnest(ARRAY(…)))``, so the planner reads those units first and their entries by
    index, instead of every entry of the year joined to its unit and filtered on the path
    (a province's 1,080 entries of the bench's 45,840: 16–27 ms -> 4 ms)."""

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = self.as_sql(compiler, connection, **extra_context)
        return f"(SELECT unnest(ARRAY{sql}))", params


def _under(unit: AdministrativeUnit | None) -> Q:
    """Entries of ``unit`` and every unit below it (None: the country's, every entry)."""
    if unit is None:
        return Q()
    return Q(unit_id__in=_UnitIds(AdministrativeUnit.objects.subtree(unit).order_by().values("pk")))


def _child_path(unit: AdministrativeUnit | None):
    """SQL: the path of the unit one level below ``unit`` that holds an entry's unit.

    The next path segment after ``unit.path``; for the unit's own entries, ``unit.path``
    itself. Works on both databases (``instr`` / ``strpos``), and whatever the levels in
    between: a commune under a district or directly under its province.
    """
    base = unit.path if unit is not None else "/"
    rest = Substr("unit__path", len(base) + 1)
    return Substr("unit__path", 1, Value(len(base), output_field=IntegerField()) + StrIndex(rest, Value("/")))


def _amounts_as_of(unit: AdministrativeUnit | None, year: int, upto: int, asof: datetime.datetime):
    """The funds cells as they stood at ``asof``: each cell's last change up to then (its
    ``new_amount``; None where the entry had been cleared)."""
    later = FundChange.objects.filter(
        unit=OuterRef("unit"),
        year=OuterRef("year"),
        month=OuterRef("month"),
        source=OuterRef("source"),
        at__lte=asof,
    ).filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")))
    return FundChange.objects.filter(subtree_q(unit, "unit__"), year=year, month__lte=upto, at__lte=asof).exclude(
        Exists(later)
    )


class FundsRows(NamedTuple):
    """What ``funds_summary`` reads, as plain values: the summary is built from these alone,
    so they can be kept (``encode``, ``decode``: JSON) and built again later."""

    upto: int
    sums: list[tuple]  # (child path, source, January to ``upto``, in ``upto``), amounts Decimal or None
    children: list[tuple]  # (id, code, name, level, path, name_sort) of the units one level down and the unit, in order

    def encode(self) -> list:
        def text(amount: Decimal | None) -> str | None:
            return None if amount is None else str(amount)

        return [self.upto, [[child, source, text(n), text(m)] for child, source, n, m in self.sums], self.children]

    @classmethod
    def decode(cls, value: list) -> FundsRows:
        upto, sums, children = value

        def amount(text: str | None) -> Decimal | None:
            return None if text is None else Decimal(text)

        return cls(
            upto=upto,
            sums=[(child, source, amount(n), amount(m)) for child, source, n, m in sums],
            children=[tuple(c) for c in children],
        )


def funds_rows_read(
    unit: AdministrativeUnit | None, year: int, month: int | None = None, asof: datetime.datetime | None = None
) -> FundsRows:
    """Everything ``funds_summary`` needs: two queries, aggregated in SQL."""
    if asof is None and unit is not None and unit.level == Level.PROVINCE:
        return funds_rows_by_province([unit.path], year, month)[unit.path]
    upto = month or default_month(year)
    if asof is None:
        entries, amount = FundEntry.objects.filter(_under(unit), year=year, month__lte=upto), "amount"
    else:
        entries, amount = _amounts_as_of(unit, year, upto, asof), "new_amount"
    # One grouped query: each child's amounts by source; the unit's by source are their sums.
    sums = list(
        entries.annotate(child=_child_path(unit))
        .values_list("child", "source")
        .annotate(n=Sum(amount), in_month=Sum(amount, filter=Q(month=upto)))
        .order_by()
    )
    paths = sorted({child for child, *_rest in sums})
    children_q = Q(level=Level.PROVINCE) if unit is None else (Q(parent=unit) & existed_in_year_q(year)) | Q(pk=unit.pk)
    children = AdministrativeUnit.objects.filter(children_q | Q(path__in=paths)).in_vietnamese_order()
    return FundsRows(
        upto=upto, sums=sums, children=list(children.values_list("pk", "code", "name", "level", "path", "name_sort"))
    )


def funds_rows_by_province(
    prefixes: list[str], year: int, month: int | None = None, *, every: bool = False
) -> dict[str, FundsRows]:
    """``funds_rows_read`` of each province of ``prefixes`` (their paths; ``every``: they are
    all the provinces, read unfiltered), read together in two queries: each province's
    entries by the unit one level below it, and those units."""
    upto = month or default_month(year)
    path = "unit__path"
    length = StrIndex(Substr(path, 2), Value("/")) + 1  # of the province's path
    entries = FundEntry.objects.filter(year=year, month__lte=upto)
    if not every:
        units = AdministrativeUnit.objects.filter(under_any(prefixes)).order_by().values("pk")
        entries = entries.filter(unit_id__in=_UnitIds(units))
    sums: dict[str, list[tuple]] = defaultdict(list)
    for province, child, source, n, in_upto in (
        entries.annotate(
            province=province_of(path),
            child=Substr(path, 1, length + StrIndex(Substr(path, length + 1), Value("/"))),
        )
        .values_list("province", "child", "source")
        .annotate(n=Sum("amount"), in_month=Sum("amount", filter=Q(month=upto)))
        .order_by()
    ):
        sums[province].append((child, source, n, in_upto))
    # The units one level below each province, the provinces and the units with entries, as
    # three indexed reads in one UNION (as one filter, its OR across the parent's join read
    # every unit of the country: 34 ms instead of 1).
    provinces = AdministrativeUnit.objects.filter(Q(level=Level.PROVINCE) if every else Q(path__in=prefixes))
    fields = ("pk", "code", "name", "level", "path", "name_sort")
    units = AdministrativeUnit.objects.annotate(province=province_of()).order_by()
    paths = sorted({child for rows in sums.values() for child, *_rest in rows})
    below = units.filter(existed_in_year_q(year), parent_id__in=Subquery(provinces.order_by().values("pk")))
    read = (
        below.values_list(*fields, "province")
        .union(units.filter(pk__in=Subquery(provinces.order_by().values("pk"))).values_list(*fields, "province"))
        .union(units.filter(path__in=paths).values_list(*fields, "province"))
        .order_by("name_sort", "code")
    )
    children: dict[str, list[tuple]] = defaultdict(list)
    for *row, province in read:
        children[province].append(tuple(row))
    return {p: FundsRows(upto=upto, sums=sums.get(p, []), children=children.get(p, [])) for p in prefixes}


def country_funds_rows(parts: dict[str, FundsRows], upto: int) -> FundsRows:
    """The country's rows from its provinces' (``funds_rows_read`` of each province, by its
    path): the same as ``funds_rows_read(None, …)`` reads — each province one line, its
    amounts by source the sums of its own rows."""
    sums: dict[tuple[str, str], list] = {}
    children = []
    for path, part in parts.items():
        for _child, source, n, in_upto in part.sums:
            line = sums.setdefault((path, source), [None, None])
            line[0] = n if line[0] is None else line[0] + (n or ZERO)
            line[1] = in_upto if line[1] is None else line[1] + (in_upto or ZERO)
        children += [c for c in part.children if c[4] == path]  # the province's own row
    children.sort(key=lambda c: (c[5], c[1]))
    return FundsRows(upto=upto, sums=[(p, s, n, m) for (p, s), (n, m) in sums.items()], children=children)


def funds_summary_of(unit: AdministrativeUnit | None, year: int, rows: FundsRows) -> FundsSummary:
    """The summary built from what ``funds_rows_read`` read (no query)."""
    by_child: dict[str, dict[str, Decimal]] = defaultdict(dict)
    to_date: dict[str, Decimal] = defaultdict(lambda: ZERO)
    in_month: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for child, source, n, in_upto in rows.sums:
        by_child[child][source] = n
        to_date[source] += n or ZERO
        in_month[source] += in_upto or ZERO
    by_unit = []
    for pk, code, name, level, path, _name_sort in rows.children:
        own = unit is not None and pk == unit.pk
        sums = by_child.get(path, {})
        if own and not sums:
            continue  # the unit's own line only when it has entries of its own
        amounts = [sums.get(s) or ZERO for s in FundSource.values]
        by_unit.append(UnitFunds(code, name, level, own, amounts, sum(amounts, ZERO)))
    by_unit.sort(key=lambda u: not u.own)  # the unit's own level first
    return FundsSummary(
        unit_code=unit.code if unit is not None else None,
        year=year,
        upto=rows.upto,
        by_source=[
            SourceAmount(value, str(label), in_month[value], to_date[value]) for value, label in FundSource.choices
        ],
        by_unit=by_unit,
    )


def funds_summary(
    *, unit: AdministrativeUnit | None, year: int, month: int | None = None, asof: datetime.datetime | None = None
) -> FundsSummary:
    """Funds of ``unit`` and everything below it, by source and by unit one level down: two
    queries, aggregated in SQL. ``month``: count January to ``month`` (default: to this month
    for the current year, the whole year otherwise). ``asof``: the amounts as recorded at that
    moment (from the change log; a past month's bulletin), instead of now."""
    return funds_summary_of(unit, year, funds_rows_read(unit, year, month, asof))


def funds_chart(summary: FundsSummary) -> dict:
    """A chart for ``static/js/charts.js`` (the spec of ``reports/charts.py``): đồng by source."""
    return {
        "kind": "hbar",
        "labels": [s.label for s in summary.by_source],
        "series": [
            {
                "label": _("1/%(year)s–%(month)s/%(year)s") % {"month": summary.upto, "year": summary.year},
                "data": [int(s.to_date) for s in summary.by_source],
            }
        ],
        "axes": {"x": _("đồng")},
    }
