"""Data for report tests: sets of any size and assessments with exact stored results.

Reports read only what the services store (``criteria_met``, ``CriterionResult.met``), so these
helpers write those rows directly, keeping ``criteria_met`` equal to the results met. One test
in ``test_progress_summary.py`` goes through the real services to keep the two honest.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from communes.models import AdministrativeUnit, Level, Region, UnitType
from criteria.models import (
    Assessment,
    AssessmentLog,
    AssessmentState,
    CriteriaSet,
    CriterionResult,
)
from criteria.tests.factories import make_flat_set  # noqa: F401 (the reports tests' import)


def _met_numbers(met: int | Iterable[int]) -> set[int]:
    return set(range(1, met + 1)) if isinstance(met, int) else set(met)


def recognition(state: str, year: int) -> dict:
    if state not in (AssessmentState.RECOGNISED, AssessmentState.REVOKED):
        return {}
    decision = {"decision_number": f"{year}/QĐ-UBND", "decision_date": datetime.date(year, 12, 1)}
    if state == AssessmentState.REVOKED:
        decision |= {"revocation_number": f"{year}/QĐ-UBND-TH", "revocation_date": datetime.date(year, 12, 20)}
    return decision


def make_assessment(
    unit: AdministrativeUnit,
    criteria_set: CriteriaSet,
    year: int,
    met: int | Iterable[int],
    state: str = "draft",
    *,
    basically_met: int = 0,
) -> Assessment:
    """An assessment meeting criteria 1..met (or exactly the numbers given), with its results;
    the first ``basically_met`` criteria not met are marked basically met (cơ bản đạt)."""
    numbers = _met_numbers(met)
    criteria = list(criteria_set.criteria.order_by("number"))
    basic = {c.number for c in criteria if c.number not in numbers}
    basic = set(sorted(basic)[:basically_met])
    assessment = Assessment.objects.create(
        unit=unit,
        criteria_set=criteria_set,
        tier=criteria_set.tier,
        year=year,
        state=state,
        criteria_met=len(numbers),
        criteria_basically_met=len(basic),
        criteria_total=len(criteria),
        **recognition(state, year),
    )
    CriterionResult.objects.bulk_create(
        CriterionResult(
            assessment=assessment,
            criterion=c,
            met=c.number in numbers,
            basically_met=c.number in basic,
            basically_met_reason="Đang thi công" if c.number in basic else "",
            basically_met_by=datetime.date(year, 12, 31) if c.number in basic else None,
        )
        for c in criteria
    )
    # Its log row, as the services write one, from the start of its year (or now): a list of a
    # past period reads a dossier's state from its log (``criteria.figures.state_on``).
    AssessmentLog.objects.create(
        assessment=assessment,
        at=min(timezone.make_aware(datetime.datetime(year, 1, 1)), timezone.now()),
        state=state,
        criteria_met=assessment.criteria_met,
        criteria_total=assessment.criteria_total,
        criteria_basically_met=assessment.criteria_basically_met,
    )
    return assessment


def bulk_province(*, code: str, communes: int, criteria_set: CriteriaSet, years: Iterable[int]) -> AdministrativeUnit:
    """A province of two districts and ``communes`` communes, each assessed every year, in bulk.

    Criteria met vary with the commune's position so that every bucket has communes; one in
    four is recognised. Used by the query-count tests at 10 and 200 communes.
    """
    province = AdministrativeUnit(code=code, name=f"Tỉnh {code}", level=Level.PROVINCE, type=UnitType.TINH)
    province.region = Region.BTB
    province.save()
    districts = []
    for d in (1, 2):
        district = AdministrativeUnit(
            code=f"{code}-H{d}", name=f"Huyện {d}", level=Level.DISTRICT, type=UnitType.HUYEN, parent=province
        )
        district.save()
        districts.append(district)
    units = []
    for n in range(communes):
        unit = AdministrativeUnit(
            code=f"{code}-X{n:04d}",
            name=f"Xã Thử {n}",
            level=Level.COMMUNE,
            type=UnitType.XA,
            parent=districts[n % 2],
            region=Region.BTB,
        )
        unit.set_derived_fields()
        units.append(unit)
    AdministrativeUnit.objects.bulk_create(units)
    units = list(AdministrativeUnit.objects.subtree(province).filter(level=Level.COMMUNE))
    criteria = list(criteria_set.criteria.order_by("number"))
    total = len(criteria)
    assessments = []
    for year in years:
        for n, unit in enumerate(units):
            met = total if n % 4 == 0 else (n * 7 + year) % total
            state = AssessmentState.RECOGNISED if met == total else AssessmentState.DRAFT
            assessments.append(
                Assessment(
                    unit=unit,
                    criteria_set=criteria_set,
                    tier=criteria_set.tier,
                    year=year,
                    state=state,
                    criteria_met=met,
                    criteria_total=total,
                    **recognition(state, year),
                )
            )
    Assessment.objects.bulk_create(assessments)
    stored = Assessment.objects.within(province).values_list("pk", "criteria_met")
    CriterionResult.objects.bulk_create(
        CriterionResult(assessment_id=pk, criterion=c, met=c.number <= met) for pk, met in stored for c in criteria
    )
    return province
