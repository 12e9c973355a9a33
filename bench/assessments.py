"""Five years of assessments with their values, results, history and append-only logs.

Progress is planned per commune ("criteria met in 2025", reached step by step), then every
value is drawn to meet or miss its target, and what is stored is what the rules say: each
outcome comes from ``evaluation.indicator_outcome``, each criterion's met from
``evaluation.criterion_met``, and ``criteria_met`` is the count of met results. Rows are
exactly those the services would have written (see ``criteria/services/assessments.py``):
a result per criterion, a history entry per value and state change, a log row at creation,
whenever the count changes and at each state change.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bench.catalog import SetInfo, history_text
from bench.sink import Sink, Table
from bench.trajectories import LAST_YEAR, criteria_order, higher_tiers, standard_trajectories
from bench.tree import Province, Tree, Unit
from criteria import evaluation
from criteria.models import (
    Assessment,
    AssessmentLog,
    AssessmentState,
    CriterionResult,
    CriterionResultLog,
    HistoryEntry,
    HistoryKind,
    IndicatorValue,
    Tier,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# The latest year's assessments that are not fully met are somewhere in the workflow.
OPEN_STATES = (("draft", 35), ("submitted", 25), ("verified", 20), ("returned", 10), ("appraised", 10))
PATHS: dict[str, tuple[str, ...]] = {
    "draft": (),
    "submitted": (AssessmentState.SUBMITTED,),
    "returned": (AssessmentState.SUBMITTED, AssessmentState.RETURNED),
    "verified": (AssessmentState.SUBMITTED, AssessmentState.VERIFIED),
    "appraised": (AssessmentState.SUBMITTED, AssessmentState.VERIFIED, AssessmentState.APPRAISED),
    "recognised": (
        AssessmentState.SUBMITTED,
        AssessmentState.VERIFIED,
        AssessmentState.APPRAISED,
        AssessmentState.RECOGNISED,
    ),
    "kept": (AssessmentState.RECOGNISED,),  # a recognition confirmed again the next year
}
# (month, first day, last day) of each step in the assessment's year.
STEP_DAYS = {
    AssessmentState.SUBMITTED: (9, 15, 30),
    AssessmentState.VERIFIED: (10, 1, 20),
    AssessmentState.RETURNED: (10, 1, 20),
    AssessmentState.APPRAISED: (11, 1, 9),
    AssessmentState.RECOGNISED: (11, 10, 30),
}
ENTRY_MONTHS = ((3, 4), (5, 6), (7, 8))  # values come in three rounds of data entry

ASSESSMENT_COLUMNS = (
    "id", "unit_id", "criteria_set_id", "year", "tier", "state", "criteria_met", "criteria_total", "version",
    "decision_number", "decision_date", "revocation_number", "created_by_id", "created_at", "updated_at",
)  # fmt: skip
VALUE_COLUMNS = (
    "id", "assessment_id", "indicator_id", "value_decimal", "value_bool", "outcome", "note", "version",
    "updated_by_id", "updated_at",
)  # fmt: skip
RESULT_COLUMNS = ("id", "assessment_id", "criterion_id", "met", "indicators_met", "indicators_total")
HISTORY_COLUMNS = (
    "id", "assessment_id", "kind", "indicator_id", "old_value", "new_value", "old_note", "new_note",
    "old_state", "new_state", "comment", "user_id", "at",
)  # fmt: skip
ALOG_COLUMNS = ("id", "assessment_id", "at", "state", "criteria_met", "criteria_total")
RLOG_COLUMNS = ("id", "assessment_id", "criterion_id", "at", "met")

# Loaded last and biggest: on PostgreSQL their secondary indexes are rebuilt after COPY.
BIG_MODELS = (Assessment, IndicatorValue, CriterionResult, HistoryEntry, AssessmentLog, CriterionResultLog)


def tables() -> dict[str, Table]:
    return {
        "assessment": Table(Assessment, ASSESSMENT_COLUMNS),
        "value": Table(IndicatorValue, VALUE_COLUMNS),
        "result": Table(CriterionResult, RESULT_COLUMNS),
        "history": Table(HistoryEntry, HISTORY_COLUMNS),
        "alog": Table(AssessmentLog, ALOG_COLUMNS),
        "rlog": Table(CriterionResultLog, RLOG_COLUMNS),
    }


# --- Writing one assessment ------------------------------------------------------------------


def _moment(rng: random.Random, year: int, month: int, first: int, last: int) -> datetime.datetime:
    day = rng.randint(first, last)
    return datetime.datetime(year, month, day, rng.randint(8, 16), rng.randint(0, 59), tzinfo=TZ)


@dataclass
class Actors:
    officer: int | None
    district: int | None
    province: int | None


@dataclass
class Recognition:
    number: str
    date: datetime.date


class AssessmentWriter:
    """Writes assessments of one province and counts what it wrote."""

    def __init__(self, sink: Sink, sets: dict[str, SetInfo], rng: random.Random, *, history: bool) -> None:
        self.sink = sink
        self.sets = sets
        self.rng = rng
        self.history = history
        self.decisions: Counter[tuple[str, int]] = Counter()
        self.states: Counter[tuple[str, int, str]] = Counter()
        self.buckets: Counter[tuple[int, str]] = Counter()

    def _id(self, table: str) -> int:
        return self.sink.tables[table].take_id()

    def decision(self, province: Province, year: int) -> Recognition:
        self.decisions[province.code, year] += 1
        number = f"{100 + self.decisions[province.code, year]}/QĐ-UBND"
        return Recognition(number, _moment(self.rng, year, *STEP_DAYS[AssessmentState.RECOGNISED]).date())

    def write(
        self,
        *,
        unit: Unit,
        info: SetInfo,
        year: int,
        planned: int,
        order: list[int],
        final_state: str,
        actors: Actors,
        recognition: Recognition | None,
        completeness: float,
    ) -> int:
        """One assessment with all its rows; returns the criteria met as stored."""
        rng = self.rng
        aid = self._id("assessment")
        created = _moment(rng, year, rng.choice((1, 2)), 5, 28)
        planned_met = set(order[:planned])
        targets = info.targets(unit, year)
        rounds = [_moment(rng, year, rng.choice(months), 1, 28) for months in ENTRY_MONTHS]

        met_at: list[datetime.datetime | None] = []
        for index, criterion in enumerate(info.criteria):
            met_at.append(
                self._criterion(aid, info, criterion, targets, index in planned_met, rounds, actors, completeness)
            )
        criteria_met = sum(1 for m in met_at if m is not None)
        if criteria_met != info.total and final_state in ("recognised", "kept"):
            final_state = "appraised"  # never recognise what the rules do not meet

        self._logs(aid, info, created, met_at)
        path = PATHS[final_state]
        state, version, updated = self._flow(aid, info, year, criteria_met, path, actors, recognition, rounds)
        decision = recognition if state == AssessmentState.RECOGNISED else None
        if self.history:
            self._history(aid, None, HistoryKind.CREATED, created, actors.officer, new_state=AssessmentState.DRAFT)
        self.sink.add(
            "assessment",
            (
                aid, unit.pk, info.pk, year, info.tier, state, criteria_met, info.total, version,
                decision.number if decision else "", decision.date if decision else None, "",
                actors.officer, created, updated,
            ),
        )  # fmt: skip
        self.states[info.tier, year, state] += 1
        return criteria_met

    def _criterion(self, aid, info, criterion, targets, want_met, rounds, actors, completeness):
        """Values and the stored result of one criterion; returns when it became met (or None)."""
        rng = self.rng
        required = [i for i in criterion.indicators if i.required]
        misses: set[int] = set()
        if not want_met and required:
            misses = {rng.choice(required).pk} | {i.pk for i in required if rng.random() < 0.25}
        outcomes: list[tuple[bool, evaluation.Outcome]] = []
        last_entry: datetime.datetime | None = None
        for indicator in criterion.indicators:
            missing = not want_met and rng.random() > completeness
            pool = () if missing else info.values(indicator, targets[indicator.pk], indicator.pk not in misses)
            if not pool:
                outcomes.append((indicator.required, evaluation.Outcome.MISSING))
                continue
            value = rng.choice(pool)
            target = targets[indicator.pk]
            outcome = evaluation.indicator_outcome(
                value, value_type=indicator.value_type, comparison=indicator.comparison, target=target
            )
            outcomes.append((indicator.required, outcome))
            at = rng.choice(rounds)
            if indicator.required:
                last_entry = at if last_entry is None else max(last_entry, at)
            is_bool = isinstance(value, bool)
            self.sink.add(
                "value",
                (
                    self._id("value"), aid, indicator.pk, None if is_bool else value, value if is_bool else None,
                    outcome.value, "", 1, actors.officer, at,
                ),
            )  # fmt: skip
            if self.history:
                self._history(aid, indicator.pk, HistoryKind.VALUE, at, actors.officer, new_value=history_text(value))
        met = evaluation.criterion_met(outcomes)
        indicators_met = sum(1 for _required, o in outcomes if o == evaluation.Outcome.MET)
        self.sink.add("result", (self._id("result"), aid, criterion.pk, met, indicators_met, len(outcomes)))
        return last_entry if met else None

    def _logs(self, aid: int, info: SetInfo, created, met_at) -> None:
        """Creation rows (nothing met), then a row per criterion as it became met, and the
        assessment's count after each round of entry that changed it."""
        self.sink.add("alog", (self._id("alog"), aid, created, AssessmentState.DRAFT.value, 0, info.total))
        for criterion in info.criteria:
            self.sink.add("rlog", (self._id("rlog"), aid, criterion.pk, created, False))
        count = 0
        for at in sorted({m for m in met_at if m is not None}):
            for criterion, moment in zip(info.criteria, met_at, strict=True):
                if moment == at:
                    self.sink.add("rlog", (self._id("rlog"), aid, criterion.pk, at, True))
                    count += 1
            self.sink.add("alog", (self._id("alog"), aid, at, AssessmentState.DRAFT.value, count, info.total))

    def _flow(self, aid, info, year, criteria_met, path, actors, recognition, rounds):
        """State changes after data entry: log rows and history; returns (state, version, last change)."""
        state, version = AssessmentState.DRAFT.value, 1
        updated = max(rounds)
        for step in path:
            if step == AssessmentState.RECOGNISED and recognition is not None and recognition.date.year == year:
                day = recognition.date
                at = datetime.datetime(day.year, day.month, day.day, 15, 0, tzinfo=TZ)
            else:
                at = _moment(self.rng, year, *STEP_DAYS[step])
            user = {
                AssessmentState.SUBMITTED: actors.officer,
                AssessmentState.VERIFIED: actors.district,
                AssessmentState.RETURNED: actors.district,
            }.get(step, actors.province)
            self.sink.add("alog", (self._id("alog"), aid, at, step.value, criteria_met, info.total))
            if self.history:
                self._history(aid, None, HistoryKind.STATE, at, user, old_state=state, new_state=step.value)
            state, version, updated = step.value, version + 1, at
        return state, version, updated

    def _history(self, aid, indicator_id, kind, at, user, *, new_value="", old_state="", new_state="") -> None:
        self.sink.add(
            "history",
            (
                self._id("history"), aid, kind.value, indicator_id, "", new_value, "", "", old_state, new_state,
                "", user, at,
            ),
        )  # fmt: skip


# --- A province, year by year ----------------------------------------------------------------


def write_province(writer: AssessmentWriter, province: Province, rng: random.Random) -> None:
    writer.rng = rng  # one seeded stream per province: a province's data never shifts another's
    standard = standard_trajectories(province.communes, rng)
    advanced, model = higher_tiers(province.communes, standard, rng)
    plans = ((Tier.STANDARD, standard), (Tier.ADVANCED, advanced), (Tier.MODEL, model))
    recognitions: dict[tuple[str, str], Recognition] = {}
    for commune in province.communes:
        district = province.district_of[commune.code]
        actors = Actors(commune.user_id, district.user_id, province.user_id)
        for tier, trajectories in plans:
            trajectory = trajectories.get(commune.code)
            if trajectory is None:
                continue
            info = writer.sets[tier]
            order = criteria_order(info, rng)
            for year in range(trajectory.first_year, LAST_YEAR + 1):
                _write_year(writer, province, commune, info, year, trajectory, order, actors, recognitions)


def _write_year(writer, province, commune, info, year, trajectory, order, actors, recognitions) -> None:
    rng = writer.rng
    planned = trajectory.count(year, info.total)
    key = (commune.code, info.tier)
    latest = year == LAST_YEAR
    recognition = recognitions.get(key)
    if planned == info.total and not _prerequisite_met(commune, info.tier, year, recognitions):
        state = "appraised"  # all met, but the tier below is not recognised yet
    elif planned == info.total:
        if recognition is not None:
            state = "kept"
        elif latest and rng.random() < 0.2:
            state = rng.choice(("verified", "appraised"))  # met, dossier still on its way
        else:
            state = "recognised"
            recognition = recognitions[key] = writer.decision(province, year)
    elif latest:
        names, weights = zip(*OPEN_STATES, strict=True)
        state = rng.choices(names, weights=weights)[0]
    else:
        state = rng.choice(("draft", "verified"))
    # Drafts of the current year are still being filled in; earlier years are complete.
    completeness = rng.uniform(0.5, 0.95) if latest and state in ("draft", "returned") else 1.0
    met = writer.write(
        unit=commune,
        info=info,
        year=year,
        planned=planned,
        order=order,
        final_state=state,
        actors=actors,
        recognition=recognition,
        completeness=completeness,
    )
    if state == "recognised" and met != info.total:
        del recognitions[key]  # planned but not met by the rules: no decision was taken
    writer.buckets[year, _bucket(met, info.total) if info.tier == Tier.STANDARD else info.tier] += 1


PREREQUISITE = {Tier.ADVANCED: Tier.STANDARD, Tier.MODEL: Tier.ADVANCED}


def _prerequisite_met(commune: Unit, tier: str, year: int, recognitions: dict) -> bool:
    """Advanced needs standard recognised, model needs advanced (``tier_prerequisites_unmet``)."""
    below = PREREQUISITE.get(tier)
    if below is None:
        return True
    recognition = recognitions.get((commune.code, below))
    return recognition is not None and recognition.date.year <= year


def _bucket(met: int, total: int) -> int:
    """The bucket's lower bound (labels are translated, bounds are not)."""
    return evaluation.bucket_for(met, total).low


def write_all(writer: AssessmentWriter, tree: Tree, seed: int, progress) -> None:
    for province in tree.provinces:
        write_province(writer, province, random.Random(f"{seed}:{province.code}"))
        progress(province)
