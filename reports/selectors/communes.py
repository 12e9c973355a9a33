"""Lists of communes behind the dashboards: a bucket's communes, the commune × criterion matrix,
and one commune with its villages.

A page of communes is always the same few queries: the count, the page of units (with the id
and count of their assessment at the tier as subqueries), the page's assessments, and for the
matrix their criterion results and the matrix's columns.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import Exists, F, FilteredRelation, Min, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit, CommuneGroup, Level, Region
from criteria.figures import (
    STATE_ON_FIELDS,
    communes_of_year_q,
    holds_title_q,
    state_label,
    state_on_row,
    villages_of_year_q,
    with_state_on,
    with_title_held,
)
from criteria.models import Assessment, CriterionResult
from ntm_portal import statements
from reports.selectors import cache, sql
from reports.selectors.progress import communes_counted, criteria_assessed, window_of
from reports.selectors.trend import mapped_into

PER_PAGE = 50
SORTS = ("name", "met", "-met")

MET, NOT_MET, NO_DATA = "met", "not_met", "none"
BASICALLY_MET = "basically_met"  # a cell not met that the commune reports basically met (cơ bản đạt)


class BucketFilter(NamedTuple):
    """Communes whose assessment met between ``low`` and ``high`` criteria (of ``total``)."""

    low: int
    high: int
    total: int | None = None


# Communes without an assessment at the tier: the "no data" row of the distribution.
NO_DATA_BUCKET = BucketFilter(-1, -1)


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    parent_name: str
    region: str
    commune_group: int | None
    assessment_id: int | None = None
    state: str | None = None
    criteria_met: int | None = None
    criteria_total: int | None = None
    cells: tuple[str, ...] = ()  # per matrix column: MET, BASICALLY_MET, NOT_MET or NO_DATA
    criteria_basically_met: int | None = None  # "cơ bản đạt", beside; never counted as met
    summary: bool = False  # a summary record of a past report
    # The decision by which the commune holds the title at the tier on the year's cut-off (the
    # headline's "holds the title"), whichever year's assessment carries it; None: it holds none.
    title_number: str | None = None
    title_date: datetime.date | None = None
    title_revoked_on: datetime.date | None = None  # the revocation that took its assessment's title

    @property
    def holds_title(self) -> bool:
        return self.title_date is not None

    @property
    def has_data(self) -> bool:
        return self.assessment_id is not None

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def region_label(self) -> str:
        """The commune group where it has one (2026–2030 sets), else its region."""
        if self.commune_group:
            return _("Group %(number)d") % {"number": self.commune_group}
        return Region(self.region).label if self.region in Region.values else ""

    @property
    def region_title(self) -> str:
        return CommuneGroup(self.commune_group).label if self.commune_group else self.region_label


class Column(NamedTuple):
    number: int
    name: str


@dataclass(frozen=True)
class CommunePage:
    rows: list[CommuneRow]
    number: int
    num_pages: int
    count: int
    columns: list[Column]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def _ordering(sort: str) -> list:
    if sort == "met":
        return [F("a_met").asc(nulls_last=True), "name_sort", "code"]
    if sort == "-met":
        return [F("a_met").desc(nulls_last=True), "name_sort", "code"]
    return ["name_sort", "code"]


def _communes_queryset(
    *,
    unit: AdministrativeUnit | None,
    year: int,
    tier: str,
    bucket: BucketFilter | None,
    q: str,
    sort: str,
    held: bool = False,
):
    # The one assessment of the commune at the tier in the year (one per unit, tier and year).
    at_tier = Assessment.objects.filter(unit=OuterRef("pk"), year=year, tier=tier)
    cut = window_of(year, unit=unit).cut  # the headline's day
    qs = with_title_held(communes_counted(unit=unit, year=year, cut=cut), tier, cut)
    if held:
        qs = qs.filter(holds_title_q(tier, cut))
    if bucket == NO_DATA_BUCKET:
        qs = qs.filter(~Exists(at_tier))
    elif bucket is not None:
        in_bucket = at_tier.filter(criteria_met__gte=bucket.low, criteria_met__lte=bucket.high)
        if bucket.total is not None:
            in_bucket = in_bucket.filter(criteria_total=bucket.total)
        qs = qs.filter(Exists(in_bucket))
    first = at_tier.order_by()
    qs = qs.annotate(
        a_id=Subquery(first.values("pk")[:1]),
        a_met=Subquery(first.values("criteria_met")[:1]),
        a_total=Subquery(first.values("criteria_total")[:1]),
    ).order_by(*_ordering(sort))
    # A search ranks its matches (a commune's own code first), each rank in the chosen order.
    return qs.search(q, then=_ordering(sort)) if q else qs


def communes_page(
    *,
    unit: AdministrativeUnit | None,
    year: int,
    tier: str,
    bucket: BucketFilter | None = None,
    q: str = "",
    sort: str = "name",
    page: int | str = 1,
    per_page: int = PER_PAGE,
    with_matrix: bool = False,
    held: bool = False,
) -> CommunePage:
    """One page of the communes of ``year`` under ``unit`` with their assessment at ``tier``
    and whether each holds the title at ``tier`` on the year's cut-off, by which decision — the
    rule the headline counts with (``criteria.figures``), so the list's holders are its count.

    ``bucket`` narrows to a bucket of criteria met (or NO_DATA_BUCKET); ``held`` to the title
    holders; ``q`` searches names without diacritics; ``sort`` is "name", "met" or "-met" (no
    data last). ``with_matrix`` adds each commune's criterion results and the matrix columns
    (two more queries). An assessment's state is its state on the cut-off
    (``criteria.figures.state_on``): a title revoked by then shows revoked, whichever of the
    commune's assessments records the revocation.
    """
    cut = window_of(year, unit=unit).cut
    paginator = Paginator(
        _communes_queryset(unit=unit, year=year, tier=tier, bucket=bucket, q=q.strip(), sort=sort, held=held).values(
            "pk", "code", "name", "parent__name", "region", "commune_group", "a_id", "title_number", "title_date"
        ),
        per_page,
    )
    current = paginator.get_page(page)
    units = list(current.object_list)
    ids = [u["a_id"] for u in units if u["a_id"] is not None]
    assessments = {
        a["pk"]: {
            **a,
            "state": state_on_row(a, cut),
        }
        for a in with_state_on(Assessment.objects.filter(pk__in=ids), cut).values(
            "pk", "criteria_met", "criteria_total", "criteria_basically_met", *STATE_ON_FIELDS
        )
    }
    columns: list[Column] = []
    results: dict[int, dict[int, str]] = defaultdict(dict)
    if with_matrix:
        columns = matrix_columns(unit=unit, year=year, tier=tier)
        for assessment_id, number, met, basic in CriterionResult.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "criterion__number", "met", "basically_met"
        ):
            results[assessment_id][number] = MET if met else (BASICALLY_MET if basic else NOT_MET)

    rows = []
    for u in units:
        a = assessments.get(u["a_id"], {})
        found = results.get(u["a_id"], {})
        cells = tuple(found.get(c.number, NO_DATA) for c in columns)
        rows.append(
            CommuneRow(
                code=u["code"],
                name=u["name"],
                parent_name=u["parent__name"] or "",
                region=u["region"],
                commune_group=u["commune_group"],
                assessment_id=a.get("pk"),
                state=a.get("state"),
                criteria_met=a.get("criteria_met"),
                criteria_total=a.get("criteria_total"),
                cells=cells,
                criteria_basically_met=a.get("criteria_basically_met"),
                summary=bool(a.get("summary")),
                title_number=u["title_number"],
                title_date=u["title_date"],
                title_revoked_on=a.get("title_revoked_on"),
            )
        )
    return CommunePage(
        rows=rows, number=current.number, num_pages=paginator.num_pages, count=paginator.count, columns=columns
    )


class MapRow(NamedTuple):
    code: str
    name: str
    has_data: bool
    criteria_met: int | None
    criteria_total: int | None
    latitude: object  # Decimal, or None where the commune has no coordinates
    longitude: object


def map_rows(*, unit: AdministrativeUnit | None, year: int, tier: str) -> list[MapRow]:
    """Every commune of ``communes_page`` (the same communes, the same assessment speaking for
    each — the one per unit, tier and year that is not merged —, in the same order) with its
    coordinates: the dashboard map's points. The assessment is joined (there is at most one)
    rather than read by subqueries: the country's 8,000 communes in one pass. The country's and
    a province's rows are kept per province (``reports.selectors.cache``) and put back in the
    list's order (``name_sort`` is a key of digits, so Python orders it as the database does)."""

    def compute(provinces: list[str] | None) -> dict[str, list]:
        grouped = defaultdict(list)
        for province, *row in _map_query(unit, year, tier, provinces):
            grouped[province].append(row)
        return grouped

    kept = cache.per_province("map", unit, (year, tier), compute)
    rows = sorted((row for province in kept.values() for row in province), key=lambda row: row[:2])
    return [
        MapRow(code, name, has_data, met, total, _decimal(lat), _decimal(lon))
        for _sort, code, name, has_data, met, total, lat, lon in rows
    ]


def _map_query(unit: AdministrativeUnit | None, year: int, tier: str, provinces: list[str] | None):
    """(province, name key, code, name, has data, met, total, latitude, longitude) of the map's
    communes, coordinates as text (kept as JSON), in the list's order."""
    cut = window_of(year, None, unit).cut
    only = tuple(provinces) if unit is None and provinces is not None else None

    def build():
        at_tier = FilteredRelation(
            "assessments",
            condition=Q(assessments__year=year, assessments__tier=tier, assessments__merged_into__isnull=True),
        )
        communes = communes_counted(unit=unit, year=year, cut=cut).annotate(
            at_tier=at_tier, province=sql.province_of("path")
        )
        if only is not None:
            communes = communes.filter(province__in=only)
        return communes.order_by(*_ordering("name")).values_list(
            "province",
            "name_sort",
            "code",
            "name",
            "at_tier__id",
            "at_tier__criteria_met",
            "at_tier__criteria_total",
            "latitude",
            "longitude",
        )

    # The figures' rule is compiled once per unit, year, tier and day (ntm_portal.statements):
    # a district's map after each save cost more to compile than to run.
    key = ("reports.map", unit.path if unit is not None else None, year, tier, cut, only)
    return [
        (province, sort, code, name, a_id is not None, met, total, _text(lat), _text(lon))
        for province, sort, code, name, a_id, met, total, lat, lon in statements.tuples(key, build)
    ]


def _text(number: Decimal | None) -> str | None:
    return None if number is None else str(number)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def matrix_columns(*, unit: AdministrativeUnit | None, year: int, tier: str) -> list[Column]:
    """The criteria of the sets assessed at ``tier`` in ``year`` under ``unit``, by number."""
    rows = criteria_assessed(unit=unit, year=year, tier=tier).values("number").annotate(name=Min("name"))
    return [Column(r["number"], r["name"]) for r in rows.order_by("number")]


# --- One commune and its villages ------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentBrief:
    pk: int
    tier: str
    set_name: str
    state: str
    criteria_met: int
    criteria_total: int
    criteria_basically_met: int = 0  # "cơ bản đạt", beside; never counted as met
    summary: bool = False  # a summary record of a past report, counted like a full assessment

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def criteria_met_or_basically_met(self) -> int:
        return self.criteria_met + self.criteria_basically_met


class CriterionStatus(NamedTuple):
    number: int
    name: str
    met: bool
    basically_met: bool = False


@dataclass(frozen=True)
class VillageRow:
    code: str
    name: str
    assessment: AssessmentBrief | None
    commune: str = ""  # as now, for a year before the commune: the commune it was formed from


@dataclass(frozen=True)
class CommuneOverview:
    assessments: list[AssessmentBrief]  # every tier, for the year
    criteria: list[CriterionStatus]  # of the assessment at the selected tier
    villages: list[VillageRow]

    def at_tier(self, tier: str) -> AssessmentBrief | None:
        return next((a for a in self.assessments if a.tier == tier), None)


def _briefs(queryset, cut: datetime.date) -> list[tuple[int, AssessmentBrief]]:
    """(unit id, brief) pairs, by tier; each state the state on ``cut`` (``figures.state_on``:
    the trend's titles, a title revoked on another year's assessment too)."""
    rows = (
        with_state_on(queryset, cut)
        .values(
            "pk",
            "unit_id",
            "tier",
            "criteria_set__short_name",
            "criteria_met",
            "criteria_total",
            "criteria_basically_met",
            *STATE_ON_FIELDS,
        )
        .order_by("tier", "pk")
    )
    return [
        (
            r["unit_id"],
            AssessmentBrief(
                pk=r["pk"],
                tier=r["tier"],
                set_name=r["criteria_set__short_name"],
                state=state_on_row(r, cut),
                criteria_met=r["criteria_met"],
                criteria_total=r["criteria_total"],
                criteria_basically_met=r["criteria_basically_met"],
                summary=r["summary"],
            ),
        )
        for r in rows
    ]


def commune_overview(*, commune: AdministrativeUnit, year: int, tier: str, as_now: bool = False) -> CommuneOverview:
    """The commune's assessments in ``year``, its criteria at ``tier``, its villages; 4 queries.
    Read on the year's cut-off, or the commune's last day if it ended in the year.

    ``as_now``, for a year the commune was formed from others (``formed_from``): the villages of
    those communes, each under its commune, as the figures count them (``progress_summary``'s
    ``as_now``: a village goes where its commune's main part went); one query more."""
    cut = window_of(year, unit=commune).cut
    assessments = [brief for _unit, brief in _briefs(Assessment.objects.filter(unit=commune, year=year), cut)]
    main = next((a for a in assessments if a.tier == tier), None)
    criteria = []
    if main is not None:
        criteria = [
            CriterionStatus(number, name, met, basic and not met)
            for number, name, met, basic in CriterionResult.objects.filter(assessment_id=main.pk)
            .order_by("criterion__number")
            .values_list("criterion__number", "criterion__name", "met", "basically_met")
        ]
    predecessors = _formed_from_communes(commune, year) if as_now else None

    def of_communes(prefix: str = "") -> Q:
        if predecessors is None:
            return Q(**{f"{prefix}parent": commune, f"{prefix}level": Level.VILLAGE})
        return Q(**{f"{prefix}parent__in": predecessors, f"{prefix}level": Level.VILLAGE})

    village_assessments = {}
    for unit_id, brief in _briefs(Assessment.objects.filter(of_communes("unit__"), year=year, tier=tier), cut):
        village_assessments.setdefault(unit_id, brief)
    villages = (
        AdministrativeUnit.objects.filter(of_communes())
        .filter(villages_of_year_q(year, cut))  # the figures' villages of the year
        .order_by(*(() if predecessors is None else ("parent__name_sort",)), "name_sort", "code")
        .values_list("pk", "code", "name", "parent__name")
    )
    return CommuneOverview(
        assessments=assessments,
        criteria=criteria,
        villages=[
            VillageRow(code, name, village_assessments.get(pk), "" if predecessors is None else parent)
            for pk, code, name, parent in villages
        ],
    )


def _formed_from_communes(commune: AdministrativeUnit, year: int):
    """The communes whose main part went into ``commune``, when they, not it, speak for its place
    in ``year`` (it did not exist, or was formed that year from communes assessed in it: the
    communes of the year, as the figures count them); None when it speaks for itself."""
    if commune.existed_in_year(year) and (
        not commune.is_ntm_commune
        or AdministrativeUnit.objects.filter(pk=commune.pk)
        .filter(communes_of_year_q(year, window_of(year, unit=commune).cut))
        .exists()
    ):
        return None
    return AdministrativeUnit.objects.filter(mapped_into(commune), level=Level.COMMUNE)


def formed_from(
    commune: AdministrativeUnit, year: int, tier: str
) -> list[tuple[AdministrativeUnit, AssessmentBrief | None]]:
    """As now, for a year the commune does not speak for its place in (``_formed_from_communes``):
    each commune whose main part went into it, with its assessment at ``tier`` that year (None
    without one). Their villages are the commune's overview's, as now."""
    units = _formed_from_communes(commune, year)
    if units is None:
        return []
    units = units.order_by("name_sort")
    return [(u, commune_overview(commune=u, year=year, tier=tier).at_tier(tier)) for u in units]
