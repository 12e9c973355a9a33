"""The workflow of the demo's assessments: who takes each step, on which day of the year, and
the recognition decisions (numbers and dates) that the province issues or confirms."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

from communes.models import AdministrativeUnit, Level
from criteria.models import Assessment, AssessmentState
from criteria.services import assessment_set_state
from demo.base import LAST_PRE_MERGER_YEAR, PROVINCE_CODE, draw, ends_in, moment


@dataclass
class Actors:
    admin: object
    province: object
    by_unit: dict[str, object]  # unit code -> the demo user working there

    def officer(self, unit: AdministrativeUnit):
        code = unit.code if unit.level != Level.VILLAGE else unit.ancestor_codes()[-1]
        return self.by_unit.get(code, self.admin)

    def district(self, unit: AdministrativeUnit, year: int):
        if year > LAST_PRE_MERGER_YEAR:  # no districts any more: the province verifies
            return self.province
        for code in reversed(unit.ancestor_codes()):
            if code.startswith(f"{PROVINCE_CODE}-H"):
                return self.by_unit.get(code, self.admin)
        return self.province


@dataclass
class Recognition:
    number: str
    date: datetime.date


@dataclass
class Workflow:
    """Moves assessments through the workflow as the demo users, on deterministic dates."""

    actors: Actors
    seed: int
    decisions: Counter = field(default_factory=Counter)  # decisions issued, by year

    def decision(self, year: int, rng: random.Random, unit: AdministrativeUnit) -> Recognition:
        self.decisions[year] += 1
        # Decisions of November–December; for a unit that ends in the year, of May–June.
        first = datetime.date(year, 5, 15) if ends_in(unit, year) else datetime.date(year, 11, 15)
        day = first + datetime.timedelta(days=rng.randint(0, 40))
        return Recognition(f"{100 + self.decisions[year] * 7}/QĐ-UBND", day)

    def flow(self, assessment: Assessment, steps, *, recognition: Recognition | None = None, comment=""):
        """Move an assessment through ``steps`` on deterministic dates in its year."""
        unit, year = assessment.unit, assessment.year
        # Months of submission, verification, return, appraisal and revocation: the 2026–2030 set
        # starts mid-February; a unit ending on 30/06 goes through the workflow before then.
        if ends_in(unit, year):
            months = (3, 4, 4, 5, 6)
        elif year > LAST_PRE_MERGER_YEAR:
            months = (5, 6, 6, 7, 12)
        else:
            months = (9, 10, 10, 11, 12)
        submitted, verified, returned, appraised, revoked = months
        dates = {
            AssessmentState.SUBMITTED: (datetime.date(year, submitted, 15), self.actors.officer(unit)),
            AssessmentState.VERIFIED: (datetime.date(year, verified, 10), self.actors.district(unit, year)),
            AssessmentState.RETURNED: (datetime.date(year, returned, 12), self.actors.district(unit, year)),
            AssessmentState.APPRAISED: (datetime.date(year, appraised, 5), self.actors.province),
            AssessmentState.REVOKED: (datetime.date(year, revoked, 20), self.actors.province),
        }
        for state in steps:
            if state == AssessmentState.RECOGNISED:
                # A kept recognition is confirmed each year; a new one on its decision date.
                kept_on = datetime.date(year, 6, 10) if ends_in(unit, year) else datetime.date(year, 11, 10)
                day = recognition.date if recognition.date.year == year else kept_on
                user = self.actors.province
            else:
                day, user = dates[state]
            commented = (AssessmentState.RETURNED, AssessmentState.REVOKED, AssessmentState.RECOGNISED)
            note = comment if state in commented else ""
            decision = recognition
            if state == AssessmentState.REVOKED:  # the revocation has its own decision, on its day
                decision = Recognition(f"{recognition.number.split('/')[0]}-TH/QĐ-UBND", day)
            assessment = assessment_set_state(
                assessment=assessment,
                state=state,
                user=user,
                comment=note,
                decision_number=decision.number if decision else "",
                decision_date=decision.date if decision else None,
                at=moment(day, 15),
            )
        return assessment

    def open_flow(self, assessment: Assessment, latest: bool, *, choices=None) -> None:
        """An unfinished assessment: draft in earlier years, a mix of states in the latest."""
        if not latest:
            return
        rng = draw(self.seed, "state", assessment.unit.code, assessment.criteria_set.code, assessment.year)
        choices = choices or (("draft", 3), ("submitted", 3), ("verified", 2), ("returned", 2))
        state = rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]
        steps = {
            "draft": [],
            "submitted": [AssessmentState.SUBMITTED],
            "verified": [AssessmentState.SUBMITTED, AssessmentState.VERIFIED],
            "returned": [AssessmentState.SUBMITTED, AssessmentState.RETURNED],
        }[state]
        self.flow(
            assessment,
            steps,
            comment="Đề nghị bổ sung minh chứng cho các chỉ tiêu chưa đạt, kèm biên bản họp BCĐ xã.",
        )

    FULL = (AssessmentState.SUBMITTED, AssessmentState.VERIFIED, AssessmentState.APPRAISED, AssessmentState.RECOGNISED)

    def recognise_or_keep(self, assessment: Assessment, store: dict[str, Recognition], what: str) -> None:
        code, year = assessment.unit.code, assessment.year
        rng = draw(self.seed, "decision", code, assessment.criteria_set.code, year)
        if code in store:
            # A kept recognition needs no new dossier: the province confirms it for the year.
            rec = store[code]
            comment = f"Duy trì danh hiệu {what} (Quyết định {rec.number} ngày {rec.date:%d/%m/%Y})."
            self.flow(assessment, (AssessmentState.RECOGNISED,), recognition=rec, comment=comment)
        else:
            rec = store[code] = self.decision(year, rng, assessment.unit)
            self.flow(assessment, self.FULL, recognition=rec, comment=f"Công nhận {what}.")
