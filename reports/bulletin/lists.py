"""The lists only a document has, from the database: the communes grouped one level down,
the commune × criterion matrix (with each commune's higher tiers), the decisions of the month
and the criteria sets used. Read valid-time, or as recorded at ``recorded``."""

from __future__ import annotations

import datetime

from django.db.models import Count

from communes.models import AdministrativeUnit, Level, province_code_of, subtree_q
from criteria.figures import (
    DECIDED,
    decisions_held_on,
    recognised_during,
    revoked_during,
    state_on,
    with_state_on,
)
from criteria.models import Assessment, AssessmentState, CriteriaSet, CriterionResult, Tier
from criteria.selectors import results_as_of, with_figures_as_of
from reports.bulletin.month import Month
from reports.bulletin.names import TIER_NAMES, level_names, state_names, summary_mark
from reports.bulletin.shapes import MatrixLine, NewLine, SetLine
from reports.selectors import communes_counted, matrix_columns

STANDARD = Tier.STANDARD
DIRECT_GROUP = "Xã trực thuộc tỉnh"


def _provinces() -> dict[str, tuple[str, str]]:
    """The provinces' names (and sort keys) by code: the country's groups."""
    provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("code", "name", "name_sort")
    return {code: (name, sort) for code, name, sort in provinces}


def communes_grouped(unit: AdministrativeUnit | None, year: int, cut: datetime.date | None = None) -> list[tuple]:
    """The communes of the year read on ``cut`` (the month's cut-off, the headline's), grouped one level down (district, or province for the country):
    ``((sort, code, name, level), name_sort, code, pk, name)``; the communes directly under a
    province go last, in a group of no level."""
    by_province = unit is None
    provinces = _provinces() if by_province else {}
    communes = []
    for pk, code, name, name_sort, path, parent_name, parent_level, parent_code, parent_sort in (
        communes_counted(unit=unit, year=year, cut=cut)
        .values_list(
            "pk",
            "code",
            "name",
            "name_sort",
            "path",
            "parent__name",
            "parent__level",
            "parent__code",
            "parent__name_sort",
        )
        .order_by()  # sorted below, by group
        .iterator(chunk_size=2000)
    ):
        if by_province:
            province_code = province_code_of(path)
            group_name, group_sort = provinces.get(province_code, (province_code, province_code))
            group = (group_sort, province_code, group_name, Level.PROVINCE)
        elif parent_level == Level.DISTRICT:
            group = (parent_sort, parent_code, parent_name, Level.DISTRICT)
        else:
            group = ("\uffff", "", DIRECT_GROUP, "")  # communes directly under the province, last
        communes.append((group, name_sort, code, pk, name))
    communes.sort()
    return communes


def matrix_lines(unit, year: int, communes: list[tuple], cut: datetime.date, recorded: datetime.datetime | None):
    """Each commune's standard assessment of the year (its state on the cut-off by its decisions'
    dates, ``criteria.figures.state_on`` — a title revoked on another year's assessment too;
    criteria met), its criteria, and the decision by which it holds the standard title on the
    cut-off (``criteria.figures.decisions_held_on``, the rule the headline counts with): a
    commune holds it by an earlier year's decision whatever its assessment of the year says."""
    columns = [(c.number, c.name) for c in matrix_columns(unit=unit, year=year, tier=STANDARD)]
    states, mark = state_names(), summary_mark()
    column_of = {number: index for index, (number, _name) in enumerate(columns)}
    unit_ids = [c[3] for c in communes]
    standard = with_state_on(
        Assessment.objects.filter(unit__in=unit_ids, year=year, tier=STANDARD), cut, recorded=recorded
    )
    if recorded is not None:
        standard = with_figures_as_of(standard, recorded)
        fields = ("asof_state", "asof_met", "asof_total", "summary")
    else:
        fields = ("state", "criteria_met", "criteria_total", "summary")
    by_unit = {
        unit_id: (pk, state_on(state, decided, revoked, cut, logged=logged, summary=summary), met, total, summary)
        for pk, unit_id, state, met, total, summary, decided, revoked, logged in standard.values_list(
            "pk", "unit_id", *fields, "decision_date", "title_revoked_on", "logged_state"
        )
        .order_by()
        .iterator()
    }
    ids = [row[0] for row in by_unit.values()]
    cells: dict[int, list] = {pk: [None] * len(columns) for pk in ids}
    if recorded is None:
        results = CriterionResult.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "criterion__number", "met"
        )
    else:
        numbers = dict(
            CriterionResult.objects.filter(assessment_id__in=ids).values_list("criterion_id", "criterion__number")
        )
        results = ((a, numbers.get(c), met) for (a, c), met in results_as_of(ids, recorded).items())
    for assessment_id, number, met in results:
        if number in column_of:
            cells[assessment_id][column_of[number]] = met
    higher = _higher_tiers(unit_ids, year, recorded)
    held = _titles_held(unit_ids, cut, recorded)
    matrix = []
    for group, _sort, code, pk, name in communes:
        found = by_unit.get(pk)
        others = higher.get(pk, ("", ""))
        if found is None:
            line = MatrixLine(group[2], name, code, "", None, None, (None,) * len(columns), others, held.get(pk, ""))
            matrix.append(line)
            continue
        apk, state, met, total, summary = found
        state_name = states.get(state, state) + (mark if summary else "")
        matrix.append(
            MatrixLine(group[2], name, code, state_name, met, total, tuple(cells[apk]), others, held.get(pk, ""))
        )
    return columns, matrix


def _titles_held(unit_ids: list[int], cut: datetime.date, recorded: datetime.datetime | None) -> dict[int, str]:
    """The decision by which each commune holds the standard title on ``cut`` (the latest, if
    several stand), "15/QĐ-UBND, 16/11/2022"; communes holding none are left out (one query)."""
    held: dict[int, str] = {}
    decisions = (
        decisions_held_on(STANDARD, cut, recorded=recorded)
        .filter(unit__in=unit_ids)
        .order_by("unit_id", "-decision_date", "-pk")
        .values_list("unit_id", "decision_number", "decision_date")
    )
    for unit_id, number, day in decisions.iterator():
        held.setdefault(unit_id, f"{number}, {day:%d/%m/%Y}")
    return held


def _higher_tiers(unit_ids: list[int], year: int, recorded: datetime.datetime | None) -> dict[int, tuple[str, str]]:
    """Each commune's advanced and model assessments of the year as "met/total" (one query): a
    commune working on a higher tier is not "without data"."""
    higher = Assessment.objects.filter(unit__in=unit_ids, year=year, tier__in=(Tier.ADVANCED, Tier.MODEL))
    fields = ("criteria_met", "criteria_total")
    if recorded is not None:
        higher = with_figures_as_of(higher, recorded)
        fields = ("asof_met", "asof_total")
    found: dict[int, list[str]] = {}
    for unit_id, tier, met, total in higher.values_list("unit_id", "tier", *fields).order_by().iterator():
        found.setdefault(unit_id, ["", ""])[0 if tier == Tier.ADVANCED else 1] = f"{met}/{total}"
    return {unit_id: tuple(pair) for unit_id, pair in found.items()}


def newly_recognised(unit, month: Month, cut: datetime.date, recorded: datetime.datetime | None) -> list[NewLine]:
    """Recognitions whose decision is dated in the month (any level, any assessment year):
    ``criteria.figures.recognised_during``, the rule of every "new" figure."""
    decided = recognised_during(month.first_day, cut).filter(subtree_q(unit, "unit__"))
    if recorded is not None:
        decided = with_figures_as_of(decided, recorded).filter(asof_state__in=DECIDED)
    return _decision_lines(decided, "decision")


def revoked_in_month(unit, month: Month, cut: datetime.date, recorded: datetime.datetime | None) -> list[NewLine]:
    """Revocations dated in the month (``criteria.figures.revoked_during``), each with its
    decision: the month's decisions include those that take a title away."""
    revoked = revoked_during(month.first_day, cut).filter(subtree_q(unit, "unit__"))
    if recorded is not None:
        revoked = with_figures_as_of(revoked, recorded).filter(asof_state=AssessmentState.REVOKED)
    return _decision_lines(revoked, "revocation")


def _decision_lines(assessments, decision: str) -> list[NewLine]:
    """One line per assessment with its ``decision`` (``"decision"`` or ``"revocation"``): the
    number and date of that decision, by date then unit (``recognised_during`` gives a decision
    once, by the first assessment year that carries it)."""
    levels = level_names()
    rows = assessments.values_list(
        "unit__name",
        "unit__level",
        "unit__parent__name",
        "criteria_set__short_name",
        "tier",
        "year",
        f"{decision}_number",
        f"{decision}_date",
        "decision_number",  # a revocation names the recognition it revokes
        "decision_date",
    ).order_by(f"{decision}_date", "unit__name_sort", "tier")
    revoking = decision == "revocation"
    return [
        NewLine(
            name,
            levels.get(level, level),
            parent or "",
            set_name,
            TIER_NAMES[tier],
            year,
            number,
            date,
            revoked_number=recognised_number if revoking else "",
            revoked_date=recognised_date if revoking else None,
        )
        for name, level, parent, set_name, tier, year, number, date, recognised_number, recognised_date in rows
    ]


def sets_used(unit, year: int) -> list[SetLine]:
    """The criteria sets behind the year's figures, with their number of assessments."""
    levels = level_names()
    counts = dict(
        Assessment.objects.filter(subtree_q(unit, "unit__"), year=year)
        .values("criteria_set_id")
        .annotate(n=Count("pk"))
        .values_list("criteria_set_id", "n")
        .order_by()
    )
    return [
        SetLine(
            s.code,
            s.name,
            s.decision_number,
            s.decision_date,
            levels.get(s.level, s.level),
            TIER_NAMES[s.tier],
            counts[s.pk],
        )
        for s in CriteriaSet.objects.filter(pk__in=list(counts)).order_by("level", "tier", "code", "version")
    ]
