"""Check generated data against the project's own rules.

``verify_sample`` re-evaluates random assessments through
``criteria.services.assessment_recompute`` inside a transaction that is rolled back, and
reports every value outcome, criterion result, count or log row the service would change.
``verify_totals`` checks in SQL that every stored count agrees with the stored results.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import connection, transaction

from criteria.models import Assessment, AssessmentLog, CriterionResult, CriterionResultLog, IndicatorValue
from criteria.services import assessment_recompute


@dataclass(frozen=True)
class Snapshot:
    outcomes: dict[int, str]
    results: dict[int, tuple[bool, int, int]]
    figures: tuple[int, int]
    logs: tuple[int, int]


def snapshot(pk: int) -> Snapshot:
    assessment = Assessment.objects.only("criteria_met", "criteria_total").get(pk=pk)
    return Snapshot(
        outcomes=dict(IndicatorValue.objects.filter(assessment_id=pk).values_list("indicator_id", "outcome")),
        results={
            r[0]: tuple(r[1:])
            for r in CriterionResult.objects.filter(assessment_id=pk).values_list(
                "criterion_id", "met", "indicators_met", "indicators_total"
            )
        },
        figures=(assessment.criteria_met, assessment.criteria_total),
        logs=(
            AssessmentLog.objects.filter(assessment_id=pk).count(),
            CriterionResultLog.objects.filter(assessment_id=pk).count(),
        ),
    )


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    found = []
    for field in ("outcomes", "results", "figures", "logs"):
        old, new = getattr(before, field), getattr(after, field)
        if old != new:
            found.append(f"{field}: stored {old!r} but recomputed {new!r}")
    return found


def verify_sample(count: int, *, seed: int = 1) -> list[tuple[int, list[str]]]:
    """Recompute ``count`` random assessments through the service; nothing is kept."""
    ids = list(Assessment.objects.order_by("pk").values_list("pk", flat=True))
    return verify_assessments(random.Random(seed).sample(ids, min(count, len(ids))))


def verify_assessments(ids: list[int]) -> list[tuple[int, list[str]]]:
    """Recompute these assessments through the service, in a transaction rolled back."""
    problems = []
    for pk in ids:
        before = snapshot(pk)
        with transaction.atomic():
            assessment = Assessment.objects.select_related("unit", "criteria_set").get(pk=pk)
            assessment_recompute(assessment=assessment)
            after = snapshot(pk)
            transaction.set_rollback(True)
        found = differences(before, after)
        if found:
            problems.append((pk, found))
    return problems


TOTALS_SQL = """
SELECT
  (SELECT count(*) FROM criteria_assessment a
     WHERE a.criteria_met <> (SELECT count(*) FROM criteria_criterionresult r
                              WHERE r.assessment_id = a.id AND r.met)) AS wrong_count,
  (SELECT count(*) FROM criteria_assessment a
     WHERE a.criteria_total <> (SELECT count(*) FROM criteria_criterionresult r
                                WHERE r.assessment_id = a.id)) AS wrong_total,
  (SELECT count(*) FROM criteria_assessment a
     WHERE NOT EXISTS (SELECT 1 FROM criteria_assessmentlog l WHERE l.assessment_id = a.id)) AS without_log,
  (SELECT count(*) FROM criteria_criterionresult r
     WHERE NOT EXISTS (SELECT 1 FROM criteria_criterionresultlog l
                       WHERE l.assessment_id = r.assessment_id AND l.criterion_id = r.criterion_id)) AS result_without_log
"""


def verify_totals() -> dict[str, int]:
    """Whole-database checks in one query: stored counts against stored results and logs."""
    with connection.cursor() as cursor:
        cursor.execute(TOTALS_SQL)
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))
