"""What the dashboards include, and the plain rows of the bulletin."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from communes.models import AdministrativeUnit, Level
from communes.text import unit_matches
from criteria.models import AssessmentState, Tier
from plans.models import FundSource
from plans.selectors.common import PLAN_COUNTS, PLAN_DUE, PLAN_OVERDUE, PLAN_TARGETS, ZERO, Table
from plans.selectors.funds import (
    FundsRows,
    FundsSummary,
    country_funds_rows,
    funds_chart,
    funds_rows_by_province,
    funds_rows_read,
    funds_summary,
    funds_summary_of,
)
from plans.selectors.plan_rows import PlanRows, country_plan_rows, plan_rows_by_province, plan_rows_read
from plans.selectors.progress import DueRow, PlanSummary, plan_summary, plan_summary_of

# --- Dashboards --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardPlans:
    """What ``templates/plans/partials/dashboard_sections.html`` shows (as ``plans``)."""

    unit: AdministrativeUnit | None
    year: int
    plan: PlanSummary
    funds: FundsSummary
    funds_chart: dict

    @property
    def chart_id(self) -> str:
        return f"chart-funds-{self.unit.code if self.unit is not None else 'national'}"

    def due_words(self) -> dict:
        """The words of the units due (``DueRow.tier_label`` and ``status_label``), looked up
        once for the whole list: the country's has thousands of rows."""
        return {
            "tiers": {value: str(label) for value, label in Tier.choices},
            "states": {value: str(label) for value, label in AssessmentState.choices},
            "reached": _("Reached"),
            "none": _("No assessment this year"),
            "overdue": _("Overdue"),
        }


# The units due, listed a page at a time on the dashboards (the country's has thousands); the
# query parameters are their own, so as not to meet the page's (the plans page's ``q``, ``page``).
DUE_PER_PAGE = 50
DUE_SEARCH, DUE_PAGE = "due_q", "due_page"
_SEARCH_MAX = 100


class DueListing(NamedTuple):
    """A page of the units due and overdue, after the search (``due_listing``)."""

    page: Page
    q: str
    query: str  # the page's query without the listing's page: for its links
    kept: list[tuple[str, str]]  # the page's other parameters: for its search form
    unsearched: str  # the page's query without the listing's search and page
    belongs_to: dict[str, str]  # each listed unit's ``belongs_to``, by code

    @property
    def searchable(self) -> bool:
        return self.page.paginator.count > DUE_PER_PAGE or bool(self.q)


def due_listing(plans: DashboardPlans, params: QueryDict) -> DueListing:
    """The page of ``plans``' units due, then those overdue, that ``params`` asks for (``due_q``:
    a unit's name or code, as ``UnitQuerySet.search`` finds units; ``due_page``), in memory: no
    query, but two for the country's, whose rows say which province each unit is in
    (``belongs_to``)."""
    q = params.get(DUE_SEARCH, "").strip()[:_SEARCH_MAX]
    listed = [*plans.plan.due, *plans.plan.overdue]
    rows = [r for r in listed if unit_matches(q, name=r.name, code=r.code)] if q else listed
    page = Paginator(rows, DUE_PER_PAGE).get_page(params.get(DUE_PAGE) or 1)
    others = params.copy()
    others.pop(DUE_PAGE, None)
    query = others.urlencode()
    others.pop(DUE_SEARCH, None)
    kept = [(key, value) for key, values in others.lists() for value in values]
    return DueListing(
        page=page,
        q=q,
        query=query,
        kept=kept,
        unsearched=others.urlencode(),
        belongs_to=belongs_to(page.object_list, national=plans.unit is None),
    )


def belongs_to(rows: list[DueRow], *, national: bool) -> dict[str, str]:
    """What each unit due belongs to, by code, as the dashboards and the bulletin say it: its
    district (or province); on the country's, its province too (two queries)."""
    if not national or not rows:
        return {r.code: r.parent_name for r in rows}
    provinces = AdministrativeUnit.objects.province_names(r.code for r in rows)
    return {r.code: ", ".join(filter(None, (r.parent_name, provinces.get(r.code)))) for r in rows}


class SectionRows(NamedTuple):
    """What the sections read, as plain values (``encode``, ``decode``: JSON): a province's
    are kept with its figures (``reports.selectors.sections``)."""

    plan: PlanRows
    funds: FundsRows

    # The shape ``encode`` writes: part of a kept entry's key, so that after a change of shape
    # rows kept by the code before are never decoded (bump it with any change of the rows;
    # 3: the year's assessments of the units overdue too; 4: the villages of the year counted
    # as the dashboards count them; 5: "under N criteria" on each commune's own scale, a
    # commune meeting every criterion of a smaller set is not under N; 6: the communes of the
    # year counted, so "none under N" knows how many have no figures; 7: the communes of the year
    # read on the cut-off, as the dashboards read them; 8: not a commune, nor its villages, that
    # became by the cut-off units listed apart only).
    FORMAT = 8

    def encode(self) -> list:
        return [self.plan.encode(), self.funds.encode()]

    @classmethod
    def decode(cls, value: list) -> SectionRows:
        plan, funds = value
        return cls(plan=PlanRows.decode(plan), funds=FundsRows.decode(funds))


def country_section_rows(parts: dict[str, SectionRows], upto: int) -> SectionRows:
    """The country's rows from its provinces' (``section_rows_read`` of each, by its path):
    the same as ``section_rows_read(unit=None, …)`` reads (``upto``: the last month counted)."""
    return SectionRows(
        plan=country_plan_rows([part.plan for part in parts.values()]),
        funds=country_funds_rows({path: part.funds for path, part in parts.items()}, upto),
    )


def section_rows_by_province(prefixes: list[str], year: int, *, every: bool = False) -> dict[str, SectionRows]:
    """``section_rows_read`` of each province of ``prefixes`` (their paths; ``every``: they
    are all the provinces), read together: seven queries at most, however many provinces."""
    plans = plan_rows_by_province(prefixes, year, every=every)
    funds = funds_rows_by_province(prefixes, year, every=every)
    return {p: SectionRows(plan=plans[p], funds=funds[p]) for p in prefixes}


def section_rows_read(*, unit: AdministrativeUnit | None, year: int, month: int | None = None) -> SectionRows:
    """Everything the sections need: five queries, six when units are due in ``year`` (see
    ``plan_summary`` for a province)."""
    return SectionRows(plan=plan_rows_read(unit, year), funds=funds_rows_read(unit, year, month))


def dashboard_sections_of(unit: AdministrativeUnit | None, year: int, rows: SectionRows) -> DashboardPlans:
    """The sections built from what ``section_rows_read`` read (no query)."""
    funds = funds_summary_of(unit, year, rows.funds)
    plan = plan_summary_of(unit.code if unit is not None else None, year, rows.plan)
    return DashboardPlans(unit=unit, year=year, plan=plan, funds=funds, funds_chart=funds_chart(funds))


def dashboard_sections(*, unit: AdministrativeUnit | None, year: int, month: int | None = None) -> DashboardPlans:
    """Plan against result and funds for a dashboard: five queries, six when units are due in
    ``year`` (see ``plan_summary`` for a province)."""
    return dashboard_sections_of(unit, year, section_rows_read(unit=unit, year=year, month=month))


# --- The bulletin: plain rows ------------------------------------------------------------------


def _level_label(level: str) -> str:
    return str(Level(level).label)


def plan_rows(
    unit: AdministrativeUnit | None,
    year: int,
    cut: datetime.date | None = None,
    recorded: datetime.datetime | None = None,
) -> list[Table]:
    """Plan against result for the bulletin: province targets (a province only), counts per
    level and tier, every unit due in ``year`` and every unit overdue from earlier years, titles
    read on ``cut`` (the month's cut-off: a title decided later is not yet reached); as recorded
    at ``recorded`` (the bulletin's "as recorded" reading; None: as stored now)."""
    summary = plan_summary(unit=unit, year=year, cut=cut, recorded=recorded)
    belongs = belongs_to([*summary.due, *summary.overdue], national=unit is None)
    tables = []
    for progress in summary.province:
        t = progress.target
        tables.append(
            Table(
                title=_("%(targets)s (%(basis)s) at the end of %(year)s")
                % {"targets": t.title, "basis": t.basis, "year": year},
                headers=(
                    pgettext("province target", "Target"),
                    _("Planned"),
                    _("Actual"),
                    _("Share reached (%)"),
                    _("Met"),
                ),
                rows=[
                    (
                        line.label,
                        line.planned,
                        line.actual,
                        line.share_reached,
                        line.verdict,
                    )
                    for line in progress.lines
                ],
                kind=PLAN_TARGETS,
            )
        )
    tables.append(
        Table(
            title=_("Targets due in %(year)s") % {"year": year},
            headers=(
                _("Level"),
                _("Tier"),
                _("Due"),
                _("Reached"),
                _("In progress"),
                _("No assessment"),
                _("Overdue from earlier years"),
            ),
            rows=[
                (
                    _level_label(c.level),
                    str(Tier(c.tier).label),
                    c.due,
                    c.reached,
                    c.in_progress,
                    c.no_assessment,
                    c.overdue,
                )
                for c in summary.counts
            ],
            kind=PLAN_COUNTS,
        )
    )
    headers = (
        _("Code"),
        _("Unit"),
        _("Level"),
        _("Belongs to"),
        _("Tier"),
        _("Target year"),
        _("Decision or plan"),
        _("Where it stands"),
        _("Criteria met"),
        _("Criteria in the set"),
    )
    for title, listed, kind in (
        (_("Units due in %(year)s") % {"year": year}, summary.due, PLAN_DUE),
        (_("Units overdue from earlier years, at the end of %(year)s") % {"year": year}, summary.overdue, PLAN_OVERDUE),
    ):
        rows = [
            (
                r.code,
                r.name,
                _level_label(r.level),
                belongs[r.code],
                str(Tier(r.tier).label),
                r.target_year,
                r.basis,
                r.status_label,
                r.criteria_met,
                r.criteria_total,
            )
            for r in listed
        ]
        tables.append(Table(title=title, headers=headers, rows=rows, kind=kind))
    return tables


def funds_rows(
    unit: AdministrativeUnit | None, year: int, month: int, asof: datetime.datetime | None = None
) -> list[Table]:
    """The funds sheet of the bulletin for ``month``/``year``: by source (the month, January to
    the month, share of the total) and by unit one level down (January to the month), each
    with a total row; amounts in đồng, as recorded at ``asof`` (None: now)."""
    summary = funds_summary(unit=unit, year=year, month=month, asof=asof)
    period = _("1/%(year)s–%(month)s/%(year)s") % {"month": month, "year": year}
    in_month = _("In %(month)s/%(year)s") % {"month": month, "year": year}
    by_source = [(s.label, s.in_month, s.to_date, pct) for s, pct in summary.shares()]
    by_source.append(
        (_("Total"), summary.total_in_month, summary.total_to_date, Decimal(100) if summary.has_data else None)
    )
    labels = tuple(str(label) for _value, label in FundSource.choices)
    by_unit = [(u.code, u.label, *u.amounts, u.total) for u in summary.by_unit]
    totals = [sum((u.amounts[i] for u in summary.by_unit), ZERO) for i in range(len(labels))]
    by_unit.append(("", _("Total"), *totals, sum(totals, ZERO)))
    return [
        Table(
            title=_("Funds mobilised by source (đồng)"),
            headers=(_("Source"), in_month, period, _("Share of the total (%)")),
            rows=by_source,
        ),
        Table(
            title=_("Funds mobilised by unit, %(period)s (đồng)") % {"period": period},
            headers=(_("Code"), _("Unit"), *labels, _("Total")),
            rows=by_unit,
        ),
    ]
