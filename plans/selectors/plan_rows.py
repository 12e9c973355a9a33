"""What the plan against result reads, as plain values (``PlanRows``): the registered targets
due in a year and those overdue, the year's assessments of their units, and a province's
targets covering the year with what stands at its end against them. ``plans.selectors.progress``
builds the summary from these alone.

Read as recorded at a moment (``recorded``, a bulletin's "as recorded" reading): the targets
and province targets as their histories had them then, and the assessments and decisions the
portal knew by then (``criteria.figures``' as-recorded rule, the one the dashboards' figures
read with)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Value

from communes.models import AdministrativeUnit, Level, existed_in_year_q, subtree_q
from criteria.figures import (
    communes_of_year_q,
    holds_title_q,
    state_on,
    villages_of_year_q,
    with_state_on,
    year_cutoff,
)
from criteria.models import Assessment, Tier
from criteria.selectors import with_figures_as_of
from ntm_portal import statements
from plans.models import PROVINCE_TARGET_FIELDS, ProvinceTarget, ProvinceTargetChange, RegisteredTarget
from plans.periods import province_targets_title
from plans.selectors.common import province_of, under_any


class TargetPeriod(NamedTuple):
    """A province target as the summary reads it (``ProvinceTarget``'s figures)."""

    pk: int
    period_from: int
    period_to: int
    communes_standard: int
    communes_advanced: int
    communes_model: int
    min_criteria: int | None
    villages_recognised_share: Decimal | None
    basis: str

    @property
    def title(self) -> str:
        return province_targets_title(self.period_from, self.period_to)


_PERIOD_FIELDS = ("pk", *TargetPeriod._fields[1:])


class _Target(NamedTuple):
    unit_id: int
    code: str
    name: str
    level: str
    parent_name: str | None
    tier: str
    target_year: int
    basis: str
    holds: bool
    name_sort: str  # the order the page lists units in, with the code and the tier

    @property
    def order(self) -> tuple[str, str, str]:
        return (self.name_sort, self.code, self.tier)


class PlanRows(NamedTuple):
    """What ``plan_summary`` reads, as plain values: the summary is built from these alone, so
    they can be kept (``encode``, ``decode``: JSON) and built again later."""

    targets: list[_Target]  # due in the year, and overdue (``_targets``)
    assessed: list[tuple]  # (unit id, tier, state, criteria met, criteria total, assessment id) of their units
    periods: list[TargetPeriod]  # the province targets covering the year (a province only)
    actuals: dict[str, int]  # what stands at the end of the year, against them (``_provinces_actuals``)

    def encode(self) -> list:
        periods = [
            [*p[:-2], None if p.villages_recognised_share is None else str(p.villages_recognised_share), p.basis]
            for p in self.periods
        ]
        return [[list(t) for t in self.targets], [list(a) for a in self.assessed], periods, self.actuals]

    @classmethod
    def decode(cls, value: list) -> PlanRows:
        targets, assessed, periods, actuals = value
        return cls(
            targets=[_Target._make(t) for t in targets],
            assessed=[tuple(a) for a in assessed],
            periods=[TargetPeriod._make([*p[:-2], None if p[-2] is None else Decimal(p[-2]), p[-1]]) for p in periods],
            actuals=actuals,
        )


def _year_assessments(
    unit_ids: set[int], year: int, cut: datetime.date | None = None, recorded: datetime.datetime | None = None
) -> list[tuple]:
    """The assessments of ``year`` of ``unit_ids`` (one per unit and tier: the latest set
    version's) as (unit id, tier, state, criteria met, criteria total, id), the state on ``cut``
    by its decisions' dates (``criteria.figures.state_on``, as the titles — a title revoked on
    another year's assessment too —: default the year's cut-off; a recognition dated later is
    not yet made); as recorded at ``recorded``, those entered by then with their state, figures
    and revocations then: one query, none without units."""
    if not unit_ids:
        return []
    day = cut or year_cutoff(year)
    assessments = with_state_on(Assessment.objects.filter(unit__in=unit_ids, year=year), day, recorded=recorded)
    if recorded is None:
        figures = ("state", "criteria_met", "criteria_total")
    else:
        assessments = with_figures_as_of(assessments, recorded)
        figures = ("asof_state", "asof_met", "asof_total")
    rows = assessments.order_by("unit_id", "tier").values_list(
        "unit_id",
        "tier",
        *figures,
        "pk",
        "decision_date",
        "title_revoked_on",  # its own revocation, or one of the title it carries
        "summary",
        "logged_state",  # its workflow state at the end of the day
    )
    return [
        (unit_id, tier, state_on(state, decided, revoked, day, logged=logged, summary=summary), met, total, pk)
        for unit_id, tier, state, met, total, pk, decided, revoked, summary, logged in rows
    ]


_TARGET_FIELDS = (
    "unit_id",
    "unit__code",
    "unit__name",
    "unit__level",
    "unit__parent__name",
    "tier",
    "year_then",
    "basis_then",
    "holds",
    "unit__name_sort",
)


def _targets_query(where: Q, year: int, cut: datetime.date | None = None, recorded: datetime.datetime | None = None):
    """The targets in force of ``year`` and those of earlier years whose tier is still not held by a
    unit that still exists in ``year`` (one that ended is not overdue: its place is another
    unit's now), in the order the page lists units. Titles are read on ``cut`` (default: the
    year's cut-off; a month's bulletin passes its own); targets and titles as recorded at
    ``recorded`` (None: as stored now)."""
    day = cut or year_cutoff(year)
    return (
        RegisteredTarget.objects.in_force_at(recorded)
        .filter(where, year_then__lte=year)
        .annotate(holds=holds_title_q(OuterRef("tier"), day, unit_ref="unit", recorded=recorded))
        .filter(Q(year_then=year) | (Q(holds=False) & existed_in_year_q(year, "unit__")))
        .order_by("unit__name_sort", "unit__code", "tier")
    )


def _targets(
    unit: AdministrativeUnit | None,
    year: int,
    cut: datetime.date | None = None,
    recorded: datetime.datetime | None = None,
) -> list[_Target]:
    """``_targets_query`` under ``unit``: one query for both the rows due and the overdue counts."""
    where = subtree_q(unit, "unit__")
    return [_Target._make(row) for row in _targets_query(where, year, cut, recorded).values_list(*_TARGET_FIELDS)]


def _by_province(key: tuple, queryset: Callable[[], QuerySet], path: str, provinces: list[str], every: bool, counts):
    """``counts()`` over ``queryset()`` for each province (by its path): one statement grouped by
    province, or for one province a plain aggregate (grouped, PostgreSQL expects thousands of
    groups and reads every assessment of the country for the subqueries: 37 ms instead of 11).
    Built and compiled once per ``key`` (``ntm_portal.statements``: the rules' thirty subqueries
    cost more to compile than to run)."""

    def build() -> QuerySet:
        if len(provinces) == 1 and not every:  # a constant column: no GROUP BY
            grouped = queryset().annotate(province=Value(provinces[0], output_field=CharField()))
        else:
            grouped = queryset().annotate(province=province_of(path))
        return grouped.order_by().values("province").annotate(**counts())

    return {row.pop("province"): row for row in statements.rows(key, build)}


def _province_targets(
    prefixes: list[str], year: int, every: bool, recorded: datetime.datetime | None
) -> dict[str, list[TargetPeriod]]:
    """The province targets covering ``year`` of the provinces of ``prefixes`` (``every``: all),
    the latest period first, by province path; as recorded at ``recorded``, the figures their
    history (``ProvinceTargetChange``) had then, replayed change by change. One query."""
    periods: dict[str, list[TargetPeriod]] = defaultdict(list)
    where = Q() if every else Q(province__path__in=prefixes)
    if recorded is None:
        for *row, path in (
            ProvinceTarget.objects.filter(where, period_from__lte=year, period_to__gte=year)
            .order_by("-period_to", "-period_from")
            .values_list(*_PERIOD_FIELDS, "province__path")
        ):
            periods[path].append(TargetPeriod._make(row))
        return dict(periods)
    then: dict[int, tuple[str, dict]] = {}
    for pk, changes, path in (
        ProvinceTargetChange.objects.filter(Q() if every else Q(target__province__path__in=prefixes), at__lte=recorded)
        .order_by("at", "pk")
        .values_list("target_id", "changes", "target__province__path")
    ):
        values = then.setdefault(pk, (path, dict.fromkeys(PROVINCE_TARGET_FIELDS)))[1]
        values.update({name: new for name, (_old, new) in changes.items() if name in values})
    for pk, (path, v) in then.items():
        if v["period_from"] is None or not v["period_from"] <= year <= v["period_to"]:
            continue
        share = v["villages_recognised_share"]
        v = {**v, "pk": pk, "villages_recognised_share": None if share is None else Decimal(share)}
        periods[path].append(TargetPeriod(**v))
    for targets in periods.values():
        targets.sort(key=lambda p: (-p.period_to, -p.period_from))
    return dict(periods)


def _provinces_actuals(
    prefixes: list[str],
    year: int,
    every: bool,
    cut: datetime.date | None = None,
    recorded: datetime.datetime | None = None,
) -> tuple[dict[str, list], dict[str, dict]]:
    """For the provinces of ``prefixes`` (``every``: all of them, unfiltered): the province
    targets covering ``year``, and what stands at its end against them, by province path
    (as recorded at ``recorded``: None, as stored now): three queries, one when no target
    covers the year."""
    periods = _province_targets(prefixes, year, every, recorded)
    if not periods:
        return {}, {}
    planned = sorted(periods)
    within = Q() if every else under_any(planned)
    day = cut or year_cutoff(year)
    key = (tuple(planned), every, year, day, recorded)
    is_commune, is_village = Q(level=Level.COMMUNE), Q(level=Level.VILLAGE)

    def units() -> QuerySet:
        # The units are the communes and villages of the year, each rule written once in the
        # statement's filter; the aggregates only ask who holds which title. (The subqueries sit
        # in filters, not in annotations: an annotation with an outer reference would be grouped
        # on, or lose the reference.) Each rule repeated in every aggregate's filter cost a third
        # of a province's sections after a save, to build in Python and to run.
        village = villages_of_year_q(year, day, recorded, within=within)  # the dashboards' villages of the year
        return AdministrativeUnit.objects.filter(within).filter(communes_of_year_q(year, day, recorded) | village)

    def unit_counts() -> dict:
        return {
            **{
                f"communes_{tier}": Count("pk", filter=is_commune & holds_title_q(tier, day, recorded=recorded))
                for tier in Tier.values
            },
            "communes": Count(
                "pk", filter=is_commune
            ),  # the communes of the year: each has figures, or is short of them
            "villages_total": Count("pk", filter=is_village),
            "villages_held": Count("pk", filter=is_village & holds_title_q(Tier.STANDARD, day, recorded=recorded)),
        }

    counts = _by_province(("plans.actuals.units", *key), units, "path", planned, every, unit_counts)
    tiers = [f"communes_{tier}" for tier in Tier.values]
    thresholds = sorted({p.min_criteria for targets in periods.values() for p in targets if p.min_criteria})
    met, total = ("criteria_met", "criteria_total") if recorded is None else ("asof_met", "asof_total")

    def standing() -> QuerySet:
        communes = AdministrativeUnit.objects.filter(within).filter(communes_of_year_q(year, day, recorded))
        assessments = Assessment.objects.filter(unit__in=communes, year=year, tier=Tier.STANDARD)
        return assessments if recorded is None else with_figures_as_of(assessments, recorded)

    def standing_counts() -> dict:
        # "Under N" on each commune's own scale: met < least(N, its set's criteria), so a commune
        # meeting every criterion of a set smaller than N (the 10 of 2026) is never under N.
        return {
            "assessed": Count("unit", distinct=True),
            **{
                f"under_{n}": Count(
                    "unit", distinct=True, filter=Q(**{f"{met}__lt": n}) & Q(**{f"{met}__lt": F(total)})
                )
                for n in thresholds
            },
        }

    under = _by_province(
        ("plans.actuals.under", *key, tuple(thresholds)), standing, "unit__path", planned, every, standing_counts
    )
    actuals = {}
    for path in planned:
        counted, standing_of = counts.get(path, {}), under.get(path, {})
        own = sorted({p.min_criteria for p in periods[path] if p.min_criteria})
        actuals[path] = {
            **{name: counted.get(name, 0) for name in [*tiers, "communes", "villages_total", "villages_held"]},
            "assessed": standing_of.get("assessed", 0),
            **{f"under_{n}": standing_of.get(f"under_{n}", 0) for n in own},
        }
    return dict(periods), actuals


def _holding_counts(year: int, cut: datetime.date | None = None) -> dict[str, Count]:
    """Aggregates over units: the communes of ``year`` holding each tier on ``cut`` (default: at
    its end; ``communes_standard``, …), what a province target's counts are compared with."""
    day = cut or year_cutoff(year)
    counted = communes_of_year_q(year, day)
    return {f"communes_{tier}": Count("pk", filter=counted & holds_title_q(tier, day)) for tier in Tier.values}


def communes_holding(province: AdministrativeUnit, year: int) -> dict[str, int]:
    """The province's communes of ``year`` holding each tier at its end (today while it runs),
    by ``communes_<tier>``: the figures its targets are compared with. One query."""
    return AdministrativeUnit.objects.filter(under_any([province.path]), level=Level.COMMUNE).aggregate(
        **_holding_counts(year)
    )


def plan_rows_by_province(
    prefixes: list[str],
    year: int,
    *,
    every: bool = False,
    cut: datetime.date | None = None,
    recorded: datetime.datetime | None = None,
) -> dict[str, PlanRows]:
    """``plan_rows_read`` of each province of ``prefixes`` (their paths; ``every``: they are
    all the provinces, read unfiltered), read together: the country's provinces at once in as
    many queries as one province (five, at most). Titles read on ``cut`` (default: the year's
    cut-off); everything as recorded at ``recorded`` (None: as stored now)."""
    targets: dict[str, list[_Target]] = defaultdict(list)
    within = Q() if every else under_any(prefixes, "unit__path")
    for *row, path in _targets_query(within, year, cut, recorded).values_list(*_TARGET_FIELDS, "unit__path"):
        targets["/" + path.split("/")[1] + "/"].append(_Target._make(row))
    province_of_unit = {t.unit_id: p for p, rows in targets.items() for t in rows}
    assessed: dict[str, list[tuple]] = defaultdict(list)
    for row in _year_assessments(set(province_of_unit), year, cut, recorded):
        assessed[province_of_unit[row[0]]].append(row)
    periods, actuals = _provinces_actuals(prefixes, year, every, cut, recorded)
    return {
        p: PlanRows(
            targets=targets.get(p, []),
            assessed=assessed.get(p, []),
            periods=periods.get(p, []),
            actuals=actuals.get(p, {}),
        )
        for p in prefixes
    }


def plan_rows_read(
    unit: AdministrativeUnit | None,
    year: int,
    cut: datetime.date | None = None,
    recorded: datetime.datetime | None = None,
) -> PlanRows:
    """Everything ``plan_summary`` needs for ``unit`` and ``year``, titles read on ``cut``
    (default: the year's cut-off), as recorded at ``recorded`` (None: as stored now). One
    query, one more when units are due in ``year`` or overdue; for a province one more, three
    when province targets cover the year."""
    if unit is not None and unit.level == Level.PROVINCE:
        return plan_rows_by_province([unit.path], year, cut=cut, recorded=recorded)[unit.path]
    targets = _targets(unit, year, cut, recorded)
    assessed = _year_assessments({t.unit_id for t in targets}, year, cut, recorded)
    return PlanRows(targets=targets, assessed=assessed, periods=[], actuals={})


def country_plan_rows(parts: list[PlanRows]) -> PlanRows:
    """The country's rows from its provinces' (``plan_rows_read`` of each province): the same
    as ``plan_rows_read(None, …)`` reads, without province targets."""
    targets = sorted((t for part in parts for t in part.targets), key=lambda t: t.order)
    return PlanRows(targets=targets, assessed=[a for part in parts for a in part.assessed], periods=[], actuals={})
