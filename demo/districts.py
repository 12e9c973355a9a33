"""The demo's district assessments: each district's own standing against the district set in
force (x/9), in the last full year before districts ended on 1 July 2025. The first district's
is with the province (submitted and verified), the second's still a draft of its committee;
both stay readable after the districts ended."""

from __future__ import annotations

from criteria.models import AssessmentState, SetLevel, Tier

DISTRICT_YEAR = 2024
# Criteria met of the district set, and the workflow steps taken, for the districts in order.
DISTRICT_PLAN = [(7, (AssessmentState.SUBMITTED, AssessmentState.VERIFIED)), (5, ())]


def seed_district_assessments(seeder) -> None:
    """Called by the demo's seeder (demo/seeder.py) after the communes' years."""
    options = seeder.options
    if not options.year_from <= DISTRICT_YEAR <= options.year_to:
        return
    set_plan = seeder.set_for(DISTRICT_YEAR, SetLevel.DISTRICT, Tier.STANDARD)
    if set_plan is None:
        return
    for index, (district, (met, steps)) in enumerate(zip(seeder.tree.districts, DISTRICT_PLAN, strict=False)):
        assessment = seeder.assess(district, set_plan, DISTRICT_YEAR, min(met, set_plan.total), index)
        seeder.workflow.flow(assessment, steps)
