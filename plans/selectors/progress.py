"""Plan against result: registered targets due, where each unit stands, province targets;
built from the plain rows ``plans.selectors.plan_rows`` reads."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communes.models import AdministrativeUnit, Level
from criteria.figures import state_label
from criteria.models import Tier
from ntm_portal.numbers import vn_number
from plans.selectors.common import share
from plans.selectors.plan_rows import PlanRows, TargetPeriod, plan_rows_read

# --- Plan against result ---------------------------------------------------------------------


class DueRow(NamedTuple):
    """A unit whose registered target year is the year shown (or an earlier year, the tier
    still not held: overdue), and where it stands."""

    code: str
    name: str
    level: str
    parent_name: str
    tier: str
    target_year: int
    basis: str
    reached: bool  # holds the title at the tier at the end of the year (today while it runs)
    state: str | None  # state of the year's assessment at the tier; None: no assessment
    criteria_met: int | None
    criteria_total: int | None
    assessment_id: int | None
    overdue: bool  # target year before the year shown

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label)

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def status(self) -> str:
        if self.reached:
            return "reached"
        return "in_progress" if self.state else "no_assessment"

    @property
    def status_label(self) -> str:
        """Where it stands, in words: reached, the assessment's state, or no assessment."""
        if self.reached:
            return _("Reached")
        return self.state_label if self.state else _("No assessment this year")


class DueCount(NamedTuple):
    level: str
    tier: str
    due: int
    reached: int
    in_progress: int
    no_assessment: int
    overdue: int  # target year before the year shown, tier still not held

    @property
    def reached_share(self) -> Decimal | None:
        return share(self.reached, self.due)

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label)

    @property
    def units_label(self) -> str:
        return {Level.DISTRICT: _("Districts"), Level.VILLAGE: _("Villages")}.get(self.level, _("Communes"))


class TargetLine(NamedTuple):
    """One line of a province target against what stands at the end of the year."""

    key: str  # communes_standard | communes_advanced | communes_model | min_criteria | villages_share
    label: str
    planned: int | Decimal
    actual: int | Decimal | None
    share_reached: Decimal | None  # actual as a percentage of planned (None where it means nothing)
    met: bool | None  # None: cannot be told yet, some communes of the year have no figures
    without_figures: int | None = None  # "none under N": the communes of the year without figures
    year: int | None = None

    @property
    def verdict(self) -> str:
        """Whether the target is met, in the one wording of the dashboard, the API, the Excel
        annex and the Word bulletin (QA: the dashboard said "Not yet", the two files "No"). A
        target "none under N" with communes of the year without figures is not met by them:
        none under N among those assessed cannot be told from it (QA: 1 commune of 60 assessed
        read "Met"), and one under N is "Not yet" whatever the others hold."""
        if self.without_figures:
            n = {"n": vn_number(self.without_figures), "year": self.year}
            if self.met is None:
                return (
                    ngettext(
                        "Not enough data: %(n)s commune without figures for %(year)s",
                        "Not enough data: %(n)s communes without figures for %(year)s",
                        self.without_figures,
                    )
                    % n
                )
            if not self.met:
                return (
                    ngettext(
                        "Not yet (%(n)s commune without figures for %(year)s)",
                        "Not yet (%(n)s communes without figures for %(year)s)",
                        self.without_figures,
                    )
                    % n
                )
        if self.actual is None:
            return _("No data")
        return _("Met") if self.met else _("Not yet")


@dataclass(frozen=True)
class ProvinceProgress:
    target: TargetPeriod
    year: int
    lines: list[TargetLine]


@dataclass(frozen=True)
class PlanSummary:
    unit_code: str | None
    year: int
    due: list[DueRow]
    overdue: list[DueRow]  # target year before the year, tier still not held, unit still there
    counts: list[DueCount]
    province: list[ProvinceProgress]  # province targets covering the year (a province only)


_LEVEL_ORDER = {Level.DISTRICT: 0, Level.COMMUNE: 1, Level.VILLAGE: 2}


def _due_rows(rows: PlanRows, year: int) -> tuple[list[DueRow], list[DueRow]]:
    """The targets of ``year`` and those overdue from earlier years, and where each unit stands
    in ``year``."""
    assessed = {(unit_id, tier): (state, met, total, pk) for unit_id, tier, state, met, total, pk in rows.assessed}
    tiers = Tier.values
    due, overdue = [], []
    for t in rows.targets:
        state, met, total, pk = assessed.get((t.unit_id, t.tier), (None, None, None, None))
        (due if t.target_year == year else overdue).append(
            DueRow(
                code=t.code,
                name=t.name,
                level=t.level,
                parent_name=t.parent_name or "",
                tier=t.tier,
                target_year=t.target_year,
                basis=t.basis,
                reached=t.holds,
                state=state,
                criteria_met=met,
                criteria_total=total,
                assessment_id=pk,
                overdue=t.target_year < year,
            )
        )
    for listed in (due, overdue):
        listed.sort(key=lambda r: (_LEVEL_ORDER.get(r.level, 9), tiers.index(r.tier)))  # stable: names stay in order
    return due, overdue


def _due_counts(due: list[DueRow], overdue_rows: list[DueRow]) -> list[DueCount]:
    """Per level and tier: due this year, and overdue from earlier years (the targets before
    the year that ``_targets`` kept: their tier is not held)."""
    overdue: dict[tuple[str, str], int] = defaultdict(int)
    for r in overdue_rows:
        overdue[(r.level, r.tier)] += 1
    keys = {(r.level, r.tier) for r in due} | set(overdue)
    counts = []
    for level, tier in sorted(keys, key=lambda k: (_LEVEL_ORDER.get(k[0], 9), Tier.values.index(k[1]))):
        rows = [r for r in due if (r.level, r.tier) == (level, tier)]
        counts.append(
            DueCount(
                level=level,
                tier=tier,
                due=len(rows),
                reached=sum(1 for r in rows if r.status == "reached"),
                in_progress=sum(1 for r in rows if r.status == "in_progress"),
                no_assessment=sum(1 for r in rows if r.status == "no_assessment"),
                overdue=overdue.get((level, tier), 0),
            )
        )
    return counts


def _province_progress(rows: PlanRows, year: int) -> list[ProvinceProgress]:
    """Each province target covering ``year`` against what stands at its end."""
    actuals = rows.actuals
    villages_share = share(actuals.get("villages_held"), actuals.get("villages_total"))
    result = []
    for target in rows.periods:
        lines = []
        for tier, label in Tier.choices:
            planned = getattr(target, f"communes_{tier}")
            if not planned:
                continue  # 0: no target for the tier (as an empty minimum of criteria)
            actual = actuals[f"communes_{tier}"]
            lines.append(
                TargetLine(
                    key=f"communes_{tier}",
                    label=_("Communes recognised: %(tier)s") % {"tier": label},
                    planned=planned,
                    actual=actual,
                    share_reached=share(actual, planned),
                    met=actual >= planned,
                )
            )
        if target.min_criteria:
            lines.append(_min_criteria_line(target.min_criteria, actuals, year))
        if target.villages_recognised_share is not None:
            planned_share = target.villages_recognised_share
            lines.append(
                TargetLine(
                    key="villages_share",
                    label=_("Share of villages recognised (%)"),
                    planned=planned_share,
                    actual=villages_share,
                    share_reached=share(villages_share, planned_share),
                    met=villages_share is not None and villages_share >= planned_share,
                )
            )
        if lines:
            result.append(ProvinceProgress(target=target, year=year, lines=lines))
    return result


def _min_criteria_line(n: int, actuals: dict[str, int], year: int) -> TargetLine:
    """ "No commune under ``n`` criteria": met only when every commune of the year has figures
    and none is under ``n``; one under ``n`` is not met whatever the others hold; none under
    ``n`` while some have no figures cannot be told (``met`` None, ``without_figures`` how many)."""
    count, assessed = actuals[f"under_{n}"], actuals["assessed"]
    without = actuals["communes"] - assessed
    return TargetLine(
        key="min_criteria",
        label=_("Communes under %(n)s criteria (target: none)") % {"n": n},
        planned=0,
        actual=count if assessed else None,
        share_reached=None,
        met=False if count else (None if without or not assessed else True),
        without_figures=without,
        year=year,
    )


def plan_summary_of(unit_code: str | None, year: int, rows: PlanRows) -> PlanSummary:
    """The summary built from what ``plan_rows_read`` read (no query)."""
    due, overdue = _due_rows(rows, year)
    return PlanSummary(
        unit_code=unit_code,
        year=year,
        due=due,
        overdue=overdue,
        counts=_due_counts(due, overdue),
        province=_province_progress(rows, year),
    )


def plan_summary(
    *,
    unit: AdministrativeUnit | None,
    year: int,
    cut: datetime.date | None = None,
    recorded: datetime.datetime | None = None,
) -> PlanSummary:
    """Plan against result for ``year``: units due and overdue (and where they stand), counts
    per level and tier, and — for a province — its targets against actual, titles read on
    ``cut`` (default: the year's cut-off; a month's bulletin passes its own); targets, province
    targets, assessments and decisions as recorded at ``recorded`` (None: as stored now). One
    query, one more when units are due in ``year`` or overdue; for a province one more, three
    when province targets cover the year."""
    rows = plan_rows_read(unit, year, cut, recorded)
    return plan_summary_of(unit.code if unit is not None else None, year, rows)
