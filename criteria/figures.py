"""The portal's vocabulary of figures (DOMAIN.md, "Counting and the vocabulary of figures").

Each term is defined once, here, as an ORM filter; every page, API field, export, plan line
and bulletin cell that uses the term goes through it. The dashboards' SQL statements
(``reports/selectors/sql.py``) write the same terms in SQL for speed, and
``reports/tests/selectors/test_vocabulary.py`` holds both to the same units.

* **The map of a year read on a cut-off** (valid time: what was true then). The cut-off is 31
  December, today while the year runs, a bulletin's month end — and, for a unit's own figures
  of the year it ended in, its last day (``cutoff_for``).
* **Communes of a year** (which units count): rural communes (xã) — ``NTM_COMMUNE_TYPES`` —
  that existed by the cut-off and were assessed in the year, or exist on the cut-off unless one
  of their predecessors was assessed in the year; and, where a commune is left out so, every
  predecessor of it that existed in the year (``communes_of_year_q``). So January 2025 counts
  the communes of January 2025; the end of 2025 the communes that existed before the 1 July
  2025 merger where they were assessed that year (with the communes merged with them) and the
  merged ones elsewhere; 2026 the merged ones — each place once, never a unit before it existed.
  A commune assessed in the year that had ended by the cut-off into wards, townships or special
  zones only (every successor of it on the cut-off listed apart, none a xã: ``became_apart_q``)
  is not counted: on the cut-off the place is a ward, listed apart. Read before it ended (a
  bulletin of June 2025, its own or its district's 2025 read on their last day) it counts.
* **Districts of a year**: those existing on the cut-off, and those above a commune of the year
  (``districts_of_year_q``); their titles are the districts' titles counted.
* **Listed apart**: wards, townships and special zones are never counted; they are listed
  (``apart_of_year_q``) when they exist on the cut-off, or ended in the year by then into a xã
  left out in it (some predecessor of which was assessed in the year: the communes read through
  their predecessors) — an old township where its new commune is read through the old units.
* **Villages of a year**: the same rule for villages (``villages_of_year_q``): villages of rural
  communes (a ward's tổ dân phố never counts), assessed in the year unless their commune became
  units listed apart by the cut-off (the village is then a ward's tổ dân phố), or existing on
  the cut-off unless one they were formed from was assessed in it.
* **Holds the title** at a tier on a day: recognised at that tier by a decision dated on or
  before the day, with no revocation at that tier dated from that decision up to the day. A
  revocation takes the title away whichever recognition gave it, and a later recognition gives
  it back. Any year's assessment carries the decision: a commune recognised in 2019 still
  holds the title in 2022.
* **Newly recognised in a period**: the recognition decision is dated in the period, and the
  unit existed on its date (a unit formed later that carries the decision holds the title by
  it, but the decision counts once, for the unit it was made for).
* **The assessment that speaks for a unit** in a year at a tier: the only one — a database
  constraint allows one per unit, tier and year (``Assessment.objects`` leaves out merged
  duplicates).
* **Valid time**: decisions count by their dates and assessments by their year, whenever they
  were entered. "As recorded at a moment" reads the append-only logs instead: an assessment
  stands as its log's last row by then had it (``logged_by``; ``criteria.selectors.with_figures_as_of``),
  so a decision counts once that row is recognised or revoked, and a revocation once it is revoked
  (``reports.selectors.sql`` writes the same in its ``rec`` part); an assessment not yet logged
  did not exist. A list's state of an assessment on a period's cut-off (``state_on``) reads
  both: its decisions by their dates, its workflow state as its log had it at the end of that day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.filters import ntm_villages_q
from communes.models import (
    COMMUNE_TYPES_APART,
    AdministrativeUnit,
    Level,
    UnitSuccession,
    ntm_communes_q,
    valid_on_q,
)
from criteria.models import Assessment, AssessmentLog, AssessmentState

# The states of an assessment that carry a recognition decision (revoked keeps its decision).
DECIDED = (AssessmentState.RECOGNISED, AssessmentState.REVOKED)


def logged_by(moment: datetime.datetime, assessment_ref: str = "pk") -> QuerySet[AssessmentLog]:
    """The log rows of the assessment at ``assessment_ref`` up to ``moment``, the latest first:
    the first is the assessment as recorded at that moment (none: it did not exist yet)."""
    return AssessmentLog.objects.filter(assessment=OuterRef(assessment_ref), at__lte=moment).order_by("-at", "-pk")


def _known(assessments: QuerySet[Assessment], recorded: datetime.datetime | None) -> QuerySet[Assessment]:
    """``assessments``, as recorded at ``recorded`` only those entered by then (None: all)."""
    return assessments if recorded is None else assessments.filter(Exists(logged_by(recorded)))


def _predecessor_assessed(
    year: int, recorded: datetime.datetime | None, successor_ref: str = "pk"
) -> QuerySet[UnitSuccession]:
    """The successions into the unit at ``successor_ref`` whose predecessor was assessed in
    ``year`` (as recorded at ``recorded``): asked from the unit's successions, each predecessor's
    assessments by its key. Asked the other way (the year's assessments joined to successions),
    SQLite without statistics (no ``sqlite_stat1``: nothing runs ANALYZE) read every assessment
    of the year for each unit not assessed — the country's list of communes took a minute."""
    assessed = _known(Assessment.objects.filter(year=year, unit=OuterRef("predecessor")), recorded)
    return UnitSuccession.objects.filter(Exists(assessed), successor=OuterRef(successor_ref))


def _into_left_out_q(year: int, cut: datetime.date, recorded: datetime.datetime | None) -> Q:
    """Filter on AdministrativeUnit: units that ended in ``year`` by ``cut`` into a commune left
    out in it — a xã existing on the cut-off, not assessed in the year, some predecessor of which
    was (the communes read through their predecessors). The communes counted and the units
    listed apart both follow these successors, so each place is read once."""
    successor_assessed = _known(Assessment.objects.filter(year=year, unit=OuterRef("successor")), recorded)
    sibling_assessed = _predecessor_assessed(year, recorded, "successor")
    left_out = UnitSuccession.objects.filter(
        ntm_communes_q("successor__"),
        valid_on_q(cut, "successor__"),
        ~Q(Exists(successor_assessed)),
        Exists(sibling_assessed),
        predecessor=OuterRef("pk"),
    )
    return Q(valid_to__gte=datetime.date(year, 1, 1), valid_to__lt=cut) & Q(Exists(left_out))


def became_apart_q(cut: datetime.date) -> Q:
    """Filter on AdministrativeUnit: the unit ended before ``cut`` and on the cut-off its place is
    listed apart — a successor of it existing on the cut-off is a ward, township or special zone
    (``COMMUNE_TYPES_APART``), and none is a rural commune. So a xã that became a phường on 1 July
    2025 is, read on 31 December 2025, that ward (listed apart), never a commune beside it; one
    that ended into a xã too is still partly a commune."""

    def into(kind: Q) -> Exists:
        # A successor of the kind existing on the cut-off, asked by its key: joined, SQLite without
        # statistics read every commune (the level's index) for each unit asked.
        successor = AdministrativeUnit.objects.filter(kind, valid_on_q(cut), pk=OuterRef("successor_id"))
        return Exists(UnitSuccession.objects.filter(Exists(successor), predecessor=OuterRef("pk")))

    apart = Q(level=Level.COMMUNE, type__in=COMMUNE_TYPES_APART)
    return Q(valid_to__lt=cut) & Q(into(apart)) & ~Q(into(ntm_communes_q()))


def communes_of_year_q(year: int, cut: datetime.date, recorded: datetime.datetime | None = None) -> Q:
    """Filter on AdministrativeUnit: the communes that count in ``year`` read on ``cut`` (as
    recorded at ``recorded``: by the assessments entered by then) — rural communes that existed
    by the cut-off and were assessed in the year unless by then they became units listed apart
    (``became_apart_q``), or exist on the cut-off unless a predecessor was assessed in it, or
    existed in the year and went, by the cut-off, into such a successor left out (all the
    predecessors of a commune left out count, not only the assessed ones)."""
    assessed = _known(Assessment.objects.filter(unit=OuterRef("pk"), year=year), recorded)
    predecessor_assessed = _predecessor_assessed(year, recorded)
    by_cut = Q(valid_from__isnull=True) | Q(valid_from__lte=cut)
    return (
        ntm_communes_q()
        & by_cut
        & (
            (Q(Exists(assessed)) & ~became_apart_q(cut))
            | (valid_on_q(cut) & ~Q(Exists(predecessor_assessed)))
            | _into_left_out_q(year, cut, recorded)
        )
    )


def villages_of_year_q(
    year: int, cut: datetime.date, recorded: datetime.datetime | None = None, *, within: Q | None = None
) -> Q:
    """Filter on AdministrativeUnit: the villages that count in ``year`` (read on ``cut``) — those
    of rural communes (``ntm_villages_q``: never a ward's tổ dân phố), by the communes' rule:
    assessed in the year unless their commune became, by the cut-off, units listed apart
    (``became_apart_q``: the village is then a ward's tổ dân phố), or existing on the cut-off
    unless a village they were formed from was assessed in it. So a district's 2025 villages,
    which ended on 30 June 2025, still count in its 2025 figures, and the villages they became
    count from 2026. As recorded at ``recorded``: by the assessments entered by then.
    ``within``: the filter on units the villages are read under (a subtree), which their
    communes satisfy too (``ntm_villages_q``'s ``parents``: fewer rows read, the same villages)."""
    assessed = _known(Assessment.objects.filter(unit=OuterRef("pk"), year=year), recorded)
    predecessor_assessed = _predecessor_assessed(year, recorded)
    # The parent asked by its key, not joined, among ``within`` (as ``ntm_villages_q`` does).
    commune_apart = AdministrativeUnit.objects.filter(became_apart_q(cut), within or Q(), pk=OuterRef("parent_id"))
    return ntm_villages_q(parents=within) & (
        (Q(Exists(assessed)) & ~Q(Exists(commune_apart))) | (valid_on_q(cut) & ~Q(Exists(predecessor_assessed)))
    )


def districts_of_year_q(year: int, cut: datetime.date) -> Q:
    """Filter on AdministrativeUnit: the districts of ``year`` read on ``cut`` — those existing
    on the cut-off, and those above a commune of the year (an abolished district whose
    communes count in the year it ended)."""
    parents = AdministrativeUnit.objects.filter(communes_of_year_q(year, cut)).values("parent_id")
    return Q(level=Level.DISTRICT) & (valid_on_q(cut) | Q(pk__in=parents))


def apart_of_year_q(year: int, cut: datetime.date, recorded: datetime.datetime | None = None) -> Q:
    """Filter on AdministrativeUnit: the wards, townships and special zones listed apart in
    ``year`` read on ``cut`` (as recorded at ``recorded``) — those existing on the cut-off, and
    those that ended in the year by then into a xã left out in it (a xã some predecessor of which
    was assessed in the year: the communes read through their predecessors). So an old township
    is listed only where its new commune is read through the old units, a unit existing on the
    cut-off always, and a unit is never listed beside its successor counted."""
    return Q(level=Level.COMMUNE, type__in=COMMUNE_TYPES_APART) & (
        valid_on_q(cut) | _into_left_out_q(year, cut, recorded)
    )


def communes_of_year(
    year: int, *, within: AdministrativeUnit | None = None, cut: datetime.date | None = None
) -> QuerySet[AdministrativeUnit]:
    """The communes that count in ``year`` under ``within`` (None: the country), read on ``cut``
    (default: ``cutoff_for`` the year and ``within``)."""
    cut = cut or cutoff_for(year, within)
    return AdministrativeUnit.objects.ntm_communes().subtree(within).filter(communes_of_year_q(year, cut))


def communes_apart(
    year: int, *, within: AdministrativeUnit | None = None, cut: datetime.date | None = None
) -> QuerySet[AdministrativeUnit]:
    """Wards, townships and special zones of ``year`` read on ``cut`` (``apart_of_year_q``;
    default cut: ``cutoff_for``): listed, never counted."""
    cut = cut or cutoff_for(year, within)
    return AdministrativeUnit.objects.subtree(within).filter(apart_of_year_q(year, cut))


def districts_of_year(
    year: int, *, within: AdministrativeUnit | None = None, cut: datetime.date | None = None
) -> QuerySet[AdministrativeUnit]:
    """The districts of ``year`` under ``within`` read on ``cut`` (``districts_of_year_q``)."""
    cut = cut or cutoff_for(year, within)
    return AdministrativeUnit.objects.subtree(within).filter(districts_of_year_q(year, cut))


def revocations_since(unit, tier, decision_date) -> QuerySet[Assessment]:
    """The revocations that take away the title a decision of ``decision_date`` gave ``unit`` at
    ``tier`` (values, or ``OuterRef``s to an assessment): of the unit at the tier, dated from the
    decision on — whichever of the unit's assessments records them (a title carried by the later
    years' assessments is revoked on one of them)."""
    return Assessment.objects.filter(unit=unit, tier=tier, revocation_date__gte=decision_date).order_by(
        "revocation_date", "pk"
    )


def _revocations_of_outer() -> QuerySet[Assessment]:
    return revocations_since(OuterRef("unit"), OuterRef("tier"), OuterRef("decision_date"))


def _as_recorded(assessments: QuerySet[Assessment], recorded: datetime.datetime, states) -> QuerySet[Assessment]:
    """Those the log had in one of ``states`` at ``recorded``."""
    # criteria.selectors lists assessments with the figures' annotations: it imports this module.
    from criteria.selectors import with_figures_as_of

    return with_figures_as_of(assessments, recorded).filter(asof_state__in=states)


def decisions_held_on(tier, day: datetime.date, *, recorded: datetime.datetime | None = None) -> QuerySet[Assessment]:
    """Assessments whose recognition at ``tier`` stands on ``day``: dated by then, and no
    revocation of the unit at the tier dated from it up to ``day``. ``recorded``: the decisions
    and revocations as the log had them at that moment (an issued bulletin; the ``rec`` part of
    ``reports.selectors.sql`` as recorded)."""
    revoked_since = _revocations_of_outer().filter(revocation_date__lte=day)
    decided = Assessment.objects.filter(tier=tier, decision_date__lte=day)
    if recorded is None:
        decided = decided.filter(state__in=DECIDED)
    else:
        decided = _as_recorded(decided, recorded, DECIDED)
        revoked_since = _as_recorded(revoked_since, recorded, (AssessmentState.REVOKED,))
    return decided.exclude(Exists(revoked_since)).order_by()


def with_title_revocation(assessments: QuerySet[Assessment], *, recorded=None) -> QuerySet[Assessment]:
    """Annotate ``title_revoked_on`` and ``title_revoked_by``: the first revocation that took
    away the title the assessment's decision gave (``revocations_since``; None while it stands,
    or without a decision) — what ``state_on`` and the pages read, so that a title carried by a
    later year's assessment shows revoked once a revocation is recorded on any of them.
    ``recorded``: only revocations the log had recorded by that moment (an issued bulletin)."""
    first = _revocations_of_outer()
    if recorded is not None:
        first = _as_recorded(first, recorded, (AssessmentState.REVOKED,))
    return assessments.annotate(
        title_revoked_on=Subquery(first.values("revocation_date")[:1]),
        title_revoked_by=Subquery(first.values("revocation_number")[:1]),
    )


def title_revocation(assessment: Assessment) -> Assessment | None:
    """The assessment recording the first revocation that took away the title ``assessment``'s
    decision gave (its own, or another year's of the unit at the tier), or None."""
    if assessment.state not in DECIDED or assessment.decision_date is None:
        return None
    return revocations_since(assessment.unit_id, assessment.tier, assessment.decision_date).first()


def title_lost_after(unit, tier, day: datetime.date) -> Assessment | None:
    """The assessment recording the revocation that takes away the title ``unit`` holds at
    ``tier`` on ``day`` (``decisions_held_on``; ``revocations_since`` its latest decision), dated
    after ``day`` — or None: no title held on ``day``, or it still stands."""
    held = decisions_held_on(tier, day).filter(unit=unit).order_by("-decision_date", "-pk").first()
    return None if held is None else revocations_since(unit, tier, held.decision_date).first()


def decisions_after(unit, tier, day: datetime.date) -> QuerySet[Assessment]:
    """The recognition decisions of ``unit`` at ``tier`` dated after ``day`` (revoked since or
    not), the earliest first."""
    return Assessment.objects.filter(unit=unit, tier=tier, state__in=DECIDED, decision_date__gt=day).order_by(
        "decision_date", "pk"
    )


def with_title_held(units: QuerySet[AdministrativeUnit], tier: str, day: datetime.date) -> QuerySet:
    """Annotate ``title_number`` and ``title_date`` on units: the latest decision by which each
    holds the title at ``tier`` on ``day`` (``decisions_held_on``, the rule ``holds_title_q``
    counts with), None where it holds none."""
    held = decisions_held_on(tier, day).filter(unit=OuterRef("pk")).order_by("-decision_date", "-pk")
    return units.annotate(
        title_number=Subquery(held.values("decision_number")[:1]),
        title_date=Subquery(held.values("decision_date")[:1]),
    )


def holds_title_q(
    tier: str, day: datetime.date, *, unit_ref: str = "pk", recorded: datetime.datetime | None = None
) -> Q:
    """Filter on AdministrativeUnit (or, with ``unit_ref``, on a model pointing at one): the
    unit holds the title at ``tier`` on ``day`` (as recorded at ``recorded``: by the decisions
    entered by then)."""
    return Q(Exists(decisions_held_on(tier, day, recorded=recorded).filter(unit=OuterRef(unit_ref))))


def holds_title(unit: AdministrativeUnit, tier: str, day: datetime.date) -> bool:
    return decisions_held_on(tier, day).filter(unit=unit).exists()


def title_holders(unit_ids: Iterable[int], tier: str, day: datetime.date) -> set[int]:
    """``holds_title`` for many units at once (ids): those holding the title, in one query."""
    return set(decisions_held_on(tier, day).filter(unit__in=unit_ids).values_list("unit_id", flat=True))


# The unit existed on its decision's date (``rec_existed`` of ``reports.selectors.sql`` in the
# dashboards' statements).
EXISTED_ON_DECISION = (Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=F("decision_date"))) & (
    Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=F("decision_date"))
)


# ``state_on`` of an assessment not yet created on the day: no dossier then.
NO_DOSSIER = "no_dossier"


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last instant of ``day`` in the portal's time zone (Vietnam time)."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=timezone.get_default_timezone())


def with_state_on(
    assessments: QuerySet[Assessment], day: datetime.date, *, recorded: datetime.datetime | None = None
) -> QuerySet[Assessment]:
    """Annotate what ``state_on`` reads besides the assessment's fields: ``title_revoked_on``
    (``with_title_revocation``) and ``logged_state``, the state its log had at the end of ``day``
    (``logged_by``; as recorded at ``recorded``, at that moment if earlier) — None where it was
    not yet created. One subquery; none while ``day`` runs, whose log's last row is the state now."""
    assessments = with_title_revocation(assessments, recorded=recorded)
    moment = end_of_day(day) if recorded is None else min(end_of_day(day), recorded)
    if moment >= timezone.now():
        return assessments.annotate(logged_state=F("state"))
    return assessments.annotate(logged_state=Subquery(logged_by(moment).values("state")[:1]))


# The fields ``state_on_row`` reads from a row of ``with_state_on(...).values(...)``.
STATE_ON_FIELDS = ("state", "decision_date", "title_revoked_on", "logged_state", "summary")


def state_on_row(row: dict, day: datetime.date) -> str:
    """``state_on`` for a row of ``with_state_on(...).values(*STATE_ON_FIELDS, …)``."""
    return state_on(
        row["state"],
        row["decision_date"],
        row["title_revoked_on"],
        day,
        logged=row["logged_state"],
        summary=row["summary"],
    )


def state_on(
    state: str,
    decision_date: datetime.date | None,
    revocation_date: datetime.date | None,
    day,
    *,
    logged: str | None,
    summary: bool = False,
) -> str:
    """The state an assessment stood in on ``day`` (valid time), for a period's list beside its
    "holds the title" counts. The decisions by their dates: a recognition dated by ``day`` counts
    from its date (even if recorded later), a revocation dated by ``day`` has taken the title
    away. Otherwise the workflow state its log had at the end of ``day`` — ``logged``, the
    ``logged_state`` of ``with_state_on`` —, a dossier recorded recognised before its decision's
    date waiting for it (appraised), and one not yet created ``NO_DOSSIER``. A summary record
    stands for a past report rather than a dossier worked through the portal (its log begins when
    it was entered): without its decision by then it was a draft, else its state as known.

    ``revocation_date`` is the revocation that took the decision's title away: the assessment's
    own, or — ``with_title_revocation``'s ``title_revoked_on`` — one recorded on another of the
    unit's assessments at the tier (a later year's carrying the same decision), so a title
    revoked by then shows revoked on every assessment that carries it, as ``holds_title`` counts."""
    if state in DECIDED:
        if revocation_date is not None and revocation_date <= day:
            return AssessmentState.REVOKED
        if decision_date is not None and decision_date <= day:
            return AssessmentState.RECOGNISED
    if summary:
        return AssessmentState.DRAFT if state in DECIDED else state
    if logged is None:
        return NO_DOSSIER
    return AssessmentState.APPRAISED if logged in DECIDED else logged


def state_label(state: str | None) -> str:
    """A state of ``state_on`` in words ("" for none)."""
    if not state:
        return ""
    return str(_("No dossier yet")) if state == NO_DOSSIER else str(AssessmentState(state).label)


def shown_state_q(states: Iterable[str], day: datetime.date | None = None) -> Q:
    """Filter on assessments annotated by ``with_title_revocation``: those whose state as the
    pages show it on ``day`` (today) is one of ``states`` — ``state_on`` as the lists' badge reads
    it (``{% if a|title_revoked %}``): the stored state, except that a recognised dossier whose
    title a revocation dated by ``day`` took away (its own or one recorded on another year's
    assessment of the unit at the tier) is "revoked", not "recognised". So a list filtered by
    state lists each row under the badge it shows."""
    day = day or timezone.localdate()
    states = set(states)
    title_revoked = Q(state=AssessmentState.RECOGNISED, title_revoked_on__lte=day)
    title_stands = ~Q(state=AssessmentState.RECOGNISED) | Q(title_revoked_on__isnull=True) | Q(title_revoked_on__gt=day)
    shown = Q(state__in=states) & title_stands
    if AssessmentState.REVOKED in states:
        shown |= title_revoked
    return shown


def recognised_during(first: datetime.date, last: datetime.date) -> QuerySet[Assessment]:
    """Recognitions whose decision is dated from ``first`` to ``last`` (newly recognised), of a
    unit that existed on that date: a unit formed later that carries the decision (a village
    renamed in the merger, its title acknowledged) holds the title by it, but was not newly
    recognised by it — the decision counts once, for the unit it was made for. A title kept is
    confirmed by the later years' assessments carrying the same decision: the decision is given
    once, by the first assessment year that carries it. Villages only of rural communes
    (``ntm_villages_q``), as the village figures count them."""
    carried_before = Assessment.objects.filter(
        unit=OuterRef("unit"),
        tier=OuterRef("tier"),
        decision_number=OuterRef("decision_number"),
        decision_date=OuterRef("decision_date"),
        year__lt=OuterRef("year"),
    )
    return (
        Assessment.objects.filter(
            EXISTED_ON_DECISION, state__in=DECIDED, decision_date__gte=first, decision_date__lte=last
        )
        .filter(~Q(unit__level="village") | ntm_villages_q("unit__"))
        .exclude(Exists(carried_before))
    )


def revoked_during(first: datetime.date, last: datetime.date) -> QuerySet[Assessment]:
    """Titles taken away by a revocation decision dated from ``first`` to ``last``: decisions a
    bulletin reports beside the recognitions of its month."""
    return Assessment.objects.filter(
        state=AssessmentState.REVOKED, revocation_date__gte=first, revocation_date__lte=last
    )


def year_cutoff(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day a year's titles are read on: 31 December, or today while the year runs."""
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


def cutoff_for(year: int, unit: AdministrativeUnit | None, cutoff: datetime.date | None = None) -> datetime.date:
    """The day ``unit``'s figures of ``year`` are read on: ``cutoff`` (default ``year_cutoff``),
    or the unit's last day when it ended in the year before then — an abolished district's 2025
    is what stood on 30 June 2025, not its empty map of 31 December. The one rule for every
    page, list and statement of a unit (``reports.selectors.window_of``)."""
    day = cutoff or year_cutoff(year)
    end = unit.valid_to if unit is not None else None
    if end is not None and datetime.date(year, 1, 1) <= end < day:
        return end
    return day
