"""Reads over assessments that several pages, exports and the API share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Max, QuerySet, Subquery, Sum

from communes.filters import search_q, search_rank
from communes.models import AdministrativeUnit, Level
from criteria import display, evaluation
from criteria.figures import logged_by, shown_state_q, with_title_revocation
from criteria.models import (
    Assessment,
    Criterion,
    CriterionGroup,
    CriterionResult,
    CriterionResultLog,
    Evidence,
    HistoryEntry,
    HistoryKind,
    Indicator,
    IndicatorValue,
    Outcome,
    Target,
)
from criteria.structure import set_structure
from criteria.targets import target_row_for


def values_as_of(assessment: Assessment, moment: datetime.datetime) -> dict[str, str]:
    """Each indicator's value as it stood at ``moment``, rebuilt from the append-only history.

    Values are the history's display strings (``"85"``, ``"Yes"``); an indicator with no
    value yet at that moment is absent.
    """
    state: dict[str, str] = {}
    entries = (
        HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.VALUE, at__lte=moment)
        .select_related("indicator")
        .order_by("at", "pk")
    )
    for entry in entries:
        if entry.new_value == "":
            state.pop(entry.indicator.code, None)
        else:
            state[entry.indicator.code] = entry.new_value
    return state


# --- The assessment page ------------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    target: Target | None
    reason: evaluation.TargetReason
    value: IndicatorValue | None
    urls: display.SheetUrls | None = None  # the sheet's, for rows that post
    evidence: list[Evidence] = field(default_factory=list)
    province_set: bool = False  # the set is a province's own: its default target is the province's

    @cached_property
    def text(self) -> display.RowText:
        """Every string the row shows, prepared once (criteria.display)."""
        return display.row_text(self, self.urls)

    @property
    def outcome(self) -> str:
        return self.value.outcome if self.value else Outcome.MISSING

    @property
    def version(self) -> int:
        return self.value.version if self.value else 0


@dataclass
class CriterionBlock:
    criterion: Criterion
    result: CriterionResult | None
    rows: list[IndicatorRow] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return bool(self.result and self.result.met)

    @property
    def basically_met(self) -> bool:
        return bool(self.result and self.result.basically_met and not self.result.met)


@dataclass
class GroupBlock:
    group: CriterionGroup
    criteria: list[CriterionBlock] = field(default_factory=list)


def assessment_sheet(assessment: Assessment, *, only_code: str | None = None) -> list[GroupBlock]:
    """Groups → criteria → indicator rows with target, reason, value and evidence.

    A fixed number of queries whatever the number of indicators (asserted in tests); the
    indicators and targets of a published set come from ``set_structure``, read once. Every
    criterion of the set has its block, also one without indicators (a set published before
    ``check_publishable`` refused it): it shows as not met rather than not at all.
    """
    structure = set_structure(assessment.criteria_set)
    indicators, criteria = structure.indicators, structure.criteria
    if only_code is not None:
        indicators = [i for i in indicators if i.code == only_code]
        criteria = [i.criterion for i in indicators]
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            assessment=assessment, indicator__in=[i.pk for i in indicators]
        ).select_related("updated_by")
    }
    evidence = _evidence_by_value([v.pk for v in values.values()])
    results = {
        r.criterion_id: r
        for r in CriterionResult.objects.filter(assessment=assessment, criterion__in=[c.pk for c in criteria])
    }
    urls = display.SheetUrls.of(assessment.pk)
    province_set = assessment.criteria_set.issuer_id is not None
    groups: dict[int, GroupBlock] = {}
    blocks: dict[int, CriterionBlock] = {}
    for criterion in criteria:
        group = groups.setdefault(criterion.group_id, GroupBlock(criterion.group))
        blocks[criterion.pk] = CriterionBlock(criterion, results.get(criterion.pk))
        group.criteria.append(blocks[criterion.pk])
    for indicator in indicators:
        block = blocks[indicator.criterion_id]
        target, reason = target_row_for(
            indicator, unit=assessment.unit, year=assessment.year, criteria_set=assessment.criteria_set
        )
        value = values.get(indicator.pk)
        files = evidence.get(value.pk, []) if value else []
        block.rows.append(IndicatorRow(indicator, target, reason, value, urls, files, province_set))
    return list(groups.values())


def _evidence_by_value(value_ids: list[int]) -> dict[int, list[Evidence]]:
    """One query, grouped here: prefetch_related("evidence") cost more in Python than the
    rest of the sheet's reads (a filtered QuerySet set up per value)."""
    grouped: dict[int, list[Evidence]] = {}
    if value_ids:
        for ev in Evidence.objects.filter(value_id__in=value_ids).order_by("uploaded_at", "pk"):
            grouped.setdefault(ev.value_id, []).append(ev)
    return grouped


def indicator_row(assessment: Assessment, code: str) -> tuple[CriterionBlock, IndicatorRow]:
    """The criterion block and row of one indicator (for the partial swapped in after a save)."""
    (group,) = assessment_sheet(assessment, only_code=code)
    (block,) = group.criteria
    return block, block.rows[0]


SHEET_HISTORY = 20  # entries on the sheet itself; the history page has them all, by pages


@dataclass
class SheetHistory:
    """The sheet's history panel: the newest entries, whether there are older ones, and the
    latest state change and comment however old (for the top of the sheet)."""

    entries: list[HistoryEntry]
    more: bool
    last_state: HistoryEntry | None
    last_comment: HistoryEntry | None


def assessment_history(assessment: Assessment) -> QuerySet[HistoryEntry]:
    """Newest first: who, when, old → new, comment."""
    return (
        HistoryEntry.objects.filter(assessment=assessment)
        .select_related("user", "indicator", "criterion")
        .order_by("-at", "-pk")
    )


def sheet_history(assessment: Assessment) -> SheetHistory:
    """Three queries whatever the length of the history."""
    entries = list(assessment_history(assessment)[: SHEET_HISTORY + 1])
    newest = HistoryEntry.objects.filter(assessment=assessment).select_related("user").order_by("-at", "-pk")
    return SheetHistory(
        entries=entries[:SHEET_HISTORY],
        more=len(entries) > SHEET_HISTORY,
        last_state=newest.filter(kind=HistoryKind.STATE).first(),
        last_comment=newest.exclude(comment="").first(),
    )


# --- Workspaces and queues ----------------------------------------------------------------


def assessments_of_units(units: list[AdministrativeUnit], year: int) -> QuerySet[Assessment]:
    """Assessments of exactly these units for a year, for the commune workspace; with the
    revocation that took a recognised one's title away (``figures.with_title_revocation``)."""
    return (
        with_title_revocation(Assessment.objects.filter(unit__in=units, year=year))
        .select_related("unit", "criteria_set")
        .order_by("unit__path", "tier")
    )


def assessments_within(
    unit: AdministrativeUnit,
    *,
    year: int,
    levels: tuple[str, ...] = (Level.COMMUNE,),
    tier: str | None = None,
    states: list[str] | None = None,
    search: str = "",
) -> QuerySet[Assessment]:
    """Assessments of units of ``levels`` within ``unit``, for district and province tables;
    with the revocation that took a recognised one's title away (``figures.with_title_revocation``).
    ``states``: as the rows' badges show them (``figures.shown_state_q``), so "revoked" also lists
    a recognised dossier whose title was revoked on another year's assessment, and "recognised"
    leaves it out."""
    qs = with_title_revocation(Assessment.objects.within(unit).filter(year=year, unit__level__in=levels))
    if tier:
        qs = qs.filter(tier=tier)
    if states:
        qs = qs.filter(shown_state_q(states))
    ordering = ["unit__name_sort", "unit__code", "tier"]
    if search.strip():
        # As ``UnitQuerySet.search`` finds and ranks units: a commune's own code first.
        qs = qs.filter(search_q(search, prefix="unit__")).alias(search_rank=search_rank(search, prefix="unit__"))
        ordering.insert(0, "search_rank")
    return qs.select_related("unit", "criteria_set").order_by(*ordering)


def earlier_assessment(unit: AdministrativeUnit, *, tier: str, year: int) -> Assessment | None:
    """The unit's latest assessment at ``tier`` before ``year`` (last year's, else the latest
    before it), whatever its set: what starting a year's assessment pre-fills from."""
    return (
        Assessment.objects.filter(unit=unit, tier=tier, year__lt=year)
        .select_related("unit", "criteria_set")
        .order_by("-year")
        .first()
    )


# --- Figures as they stood at a past moment -------------------------------------------------


def with_figures_as_of(assessments: QuerySet[Assessment], moment: datetime.datetime) -> QuerySet[Assessment]:
    """Annotate ``asof_state``, ``asof_met`` and ``asof_total`` from the log as at ``moment``.

    Assessments that did not exist yet at that moment are left out.
    """
    latest = logged_by(moment)
    return assessments.annotate(
        asof_state=Subquery(latest.values("state")[:1]),
        asof_met=Subquery(latest.values("criteria_met")[:1]),
        asof_total=Subquery(latest.values("criteria_total")[:1]),
    ).filter(asof_state__isnull=False)


def results_as_of(assessment_ids: list[int], moment: datetime.datetime) -> dict[tuple[int, int], bool]:
    """(assessment id, criterion id) → met, as at ``moment`` (one query over the change log)."""
    state: dict[tuple[int, int], bool] = {}
    rows = (
        CriterionResultLog.objects.filter(assessment_id__in=assessment_ids, at__lte=moment)
        .order_by("at", "pk")
        .values_list("assessment_id", "criterion_id", "met")
    )
    for assessment_id, criterion_id, met in rows.iterator(chunk_size=5000):
        state[(assessment_id, criterion_id)] = met
    return state


def values_stamp(assessment: Assessment) -> str:
    """A short mark of the assessment's values as they stand: it changes with every value saved
    (each write adds a value or a version). A confirmation carries the mark of the values it
    showed, so that one confirmed after someone saved a value is shown again (one query)."""
    mark = IndicatorValue.objects.filter(assessment=assessment).aggregate(
        count=Count("pk"), versions=Sum("version"), at=Max("updated_at")
    )
    at = mark["at"].timestamp() if mark["at"] else 0
    return f"{mark['count']}-{mark['versions'] or 0}-{at:.6f}"


def last_value_change(assessment: Assessment) -> IndicatorValue | None:
    """The value saved last, with who saved it."""
    values = IndicatorValue.objects.filter(assessment=assessment).select_related("updated_by", "indicator")
    return values.order_by("-updated_at", "-pk").first()
