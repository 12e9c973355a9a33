"""Stored results: each criterion's result and each assessment's counts, recomputed in the
transaction of the change that moved them, for any number of assessments at once.

Dashboards read ``CriterionResult`` and ``Assessment.criteria_met`` instead of evaluating
thousands of indicators, so every write to a value ends here. The rule itself (a criterion
is met when every required indicator is; what counts as met) is ``criteria.evaluation``;
this module reads the outcomes, applies it and writes what changed with one statement per
table for the whole batch (``ntm_portal.bulk.update_from_values`` for the updates), so a
province's import costs what one assessment's save does.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from criteria import evaluation
from criteria.models import (
    Assessment,
    AssessmentLog,
    CriterionResult,
    CriterionResultLog,
    HistoryEntry,
    HistoryKind,
    IndicatorValue,
)
from criteria.structure import set_structure
from ntm_portal.bulk import insert_rows, prepare_date, prepare_datetime, update_from_values, update_rows

MSG_MET_NOW = _("The criterion is met now: no longer “basically met”.")

RESULT_FIELDS = [
    "met",
    "indicators_met",
    "indicators_total",
    "basically_met",
    "basically_met_reason",
    "basically_met_by",
]
COUNT_FIELDS = ["criteria_met", "criteria_basically_met", "criteria_total", "updated_at"]

# An assessment and the criteria whose result may have moved (None: all of them).
Touched = tuple[Assessment, "set[int] | None"]


class HistoryRow(NamedTuple):
    """A history entry to insert, as a plain row (a province's import writes ten thousand):
    the fields of ``HistoryEntry`` in this order, ``at`` prepared (``bulk.prepare_datetime``)."""

    assessment_id: int
    kind: str
    indicator_id: int | None
    criterion_id: int | None
    old_value: str
    new_value: str
    old_note: str
    new_note: str
    old_state: str
    new_state: str
    comment: str
    user_id: int | None
    at: object


_LOG_FIELDS = ["assessment_id", "criterion_id", "at", "met", "basically_met"]
# A stored outcome as the rule's enum: a dictionary lookup (an enum call costs ten times more,
# and a province's import looks up ten thousand).
_OUTCOMES = {outcome.value: outcome for outcome in evaluation.Outcome}


def recompute_results(
    touched: Sequence[Touched],
    *,
    at: datetime.datetime | None = None,
    user=None,
    history: Sequence[HistoryRow] = (),
) -> None:
    """Store each touched criterion's result and each assessment's counts of criteria met and
    basically met, appending changes to the logs (so figures as of a past moment can be read
    back). A criterion that becomes met is no longer "basically met": the history says so, as
    ``user``, after the caller's ``history`` entries, which are written in the same statement.
    """
    moment = at or timezone.now()
    moment_db = prepare_datetime(moment)
    pks = [assessment.pk for assessment, _criteria in touched]
    wanted = {i.pk for a, criteria in touched for i in _indicators(a, criteria)}
    outcomes: dict[tuple[int, int], str] = {
        (assessment_id, indicator_id): outcome
        for assessment_id, indicator_id, outcome in IndicatorValue.objects.filter(
            assessment__in=pks, indicator__in=wanted
        ).values_list("assessment_id", "indicator_id", "outcome")
    }
    results: dict[int, dict[int, CriterionResult]] = defaultdict(dict)
    for result in CriterionResult.objects.filter(assessment__in=pks):
        results[result.assessment_id][result.criterion_id] = result
    to_create, to_update, log, cleared = [], [], [], []
    for assessment, criteria in touched:
        assessment_id = assessment.pk
        by_criterion: dict[int, list[tuple[bool, evaluation.Outcome]]] = defaultdict(list)
        for indicator in _indicators(assessment, criteria):
            outcome = _OUTCOMES[outcomes.get((assessment_id, indicator.pk), evaluation.Outcome.MISSING)]
            by_criterion[indicator.criterion_id].append((indicator.required, outcome))
        mine = results[assessment_id]
        for criterion_id in _criteria(assessment, criteria):
            outcomes_of = by_criterion.get(criterion_id, [])
            met = evaluation.criterion_met(outcomes_of)
            counted = (met, sum(1 for _r, o in outcomes_of if o == evaluation.Outcome.MET), len(outcomes_of))
            result = mine.get(criterion_id)
            if result is None:
                result = mine[criterion_id] = CriterionResult(assessment=assessment, criterion_id=criterion_id)
                to_create.append(result)
            elif (result.met, result.indicators_met, result.indicators_total) != counted:
                to_update.append(result)
            else:
                continue
            if result.pk is None or result.met != met:
                log.append((assessment_id, criterion_id, moment_db, met, False))  # in the order of _LOG_FIELDS
            if met and result.basically_met:
                cleared.append(_basically_met_cleared(assessment, result, user=user, at=moment_db))
            result.met, result.indicators_met, result.indicators_total = counted
    CriterionResult.objects.bulk_create(to_create)
    update_rows(CriterionResult, RESULT_FIELDS, [_result_row(result) for result in to_update])
    insert_rows(CriterionResultLog, _LOG_FIELDS, log)
    insert_rows(HistoryEntry, HistoryRow._fields, [*history, *cleared])
    logged = {assessment_id for assessment_id, *_rest in log}
    store_counts_of(
        [
            (a, results[a.pk].values(), len(set_structure(a.criteria_set).criterion_ids), a.pk in logged)
            for a, _c in touched
        ],
        at=moment,
    )


def _result_row(result: CriterionResult) -> tuple:
    """``(id, *RESULT_FIELDS)`` of a result, prepared for the database."""
    counts = (result.met, result.indicators_met, result.indicators_total)
    mark = (result.basically_met, result.basically_met_reason, prepare_date(result.basically_met_by))
    return (result.pk, *counts, *mark)


def _indicators(assessment: Assessment, criteria: set[int] | None):
    indicators = set_structure(assessment.criteria_set).indicators
    return indicators if criteria is None else [i for i in indicators if i.criterion_id in criteria]


def _criteria(assessment: Assessment, criteria: set[int] | None):
    ids = set_structure(assessment.criteria_set).criterion_ids
    return ids if criteria is None else [c for c in ids if c in criteria]


def _basically_met_cleared(assessment: Assessment, result: CriterionResult, *, user, at) -> HistoryRow:
    """The criterion is met now: its "basically met" mark ends (kept in the history)."""
    entry = HistoryRow(
        assessment_id=assessment.pk,
        kind=HistoryKind.BASICALLY_MET.value,
        indicator_id=None,
        criterion_id=result.criterion_id,
        old_value=result.basically_met_by.isoformat() if result.basically_met_by else "",
        new_value="",
        old_note=result.basically_met_reason,
        new_note="",
        old_state="",
        new_state="",
        comment=str(MSG_MET_NOW),
        user_id=getattr(user, "pk", None),
        at=at,
    )
    result.basically_met, result.basically_met_reason, result.basically_met_by = False, "", None
    return entry


def store_counts_of(
    items: Iterable[tuple[Assessment, Iterable[CriterionResult], int, bool]], *, at: datetime.datetime
) -> None:
    """Store each assessment's counts from its criterion results, ``(assessment, results,
    criteria in the set, changed)``, in one statement; log those that changed (or ``changed``
    says their results did)."""
    now = timezone.now()
    assessments, logs = [], []
    for assessment, results, total, changed in items:
        results = list(results)
        before = (assessment.criteria_met, assessment.criteria_basically_met, assessment.criteria_total)
        assessment.criteria_total = total
        assessment.criteria_met = evaluation.count_criteria_met(r.met for r in results)
        assessment.criteria_basically_met = evaluation.count_criteria_met(
            r.basically_met and not r.met for r in results
        )
        assessment.updated_at = now
        assessments.append(assessment)
        if changed or before != (assessment.criteria_met, assessment.criteria_basically_met, assessment.criteria_total):
            logs.append(figures_log(assessment, at))
    update_from_values(Assessment, COUNT_FIELDS, assessments)
    AssessmentLog.objects.bulk_create(logs)


def store_counts(assessment: Assessment, results, total: int, *, at: datetime.datetime, changed: bool = False) -> None:
    """Store one assessment's counts from its criterion results; log them when they changed."""
    store_counts_of([(assessment, results, total, changed)], at=at)


def figures_log(assessment: Assessment, moment: datetime.datetime) -> AssessmentLog:
    """The log row of the assessment's figures as they stand (to be saved by the caller)."""
    return AssessmentLog(
        assessment=assessment,
        at=moment,
        state=assessment.state,
        criteria_met=assessment.criteria_met,
        criteria_total=assessment.criteria_total,
        criteria_basically_met=assessment.criteria_basically_met,
    )
