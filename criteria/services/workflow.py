"""The recognition workflow: who may move an assessment from which state to which.

    draft ──submit──▶ submitted ──verify──▶ verified ──appraise──▶ appraised ──recognise──▶ recognised
      ▲                  │                     │                       │                      │
      └────return────────┴─────return──────────┴────────return─────────┘         revoke (keeps history)

Commune officers submit; the district committee verifies (thẩm tra) or returns; the province
office appraises (thẩm định), returns, recognises and revokes. A unit with no district above it
(communes after 1 July 2025) is verified by the province office.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import Level, Role
from criteria import evaluation
from criteria.models import Assessment, AssessmentState, Indicator, IndicatorValue, Tier
from criteria.services.assessments import assessment_set_state

S = AssessmentState

MSG_WRONG_STATE = _("This action is not possible while the assessment is “%(state)s”.")
MSG_NOT_YOUR_ROLE = _("Your role does not allow this action on this assessment.")
MSG_MISSING_VALUES = _("Enter a value for every required indicator before submitting; missing: %(codes)s.")
MSG_COMMENT_REQUIRED = _("Say why, in a comment.")
MSG_DECISION_REQUIRED = _("Enter the recognition decision's number and date.")
MSG_DECISION_DATE_FUTURE = _("The decision date cannot be in the future.")


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    needs_comment: bool = False


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("submit", _("Submit"), (S.DRAFT, S.RETURNED), S.SUBMITTED, (Role.COMMUNE_OFFICER,)),
        Action("verify", _("Verify"), (S.SUBMITTED,), S.VERIFIED, (Role.DISTRICT_COMMITTEE,)),
        Action(
            "return",
            _("Return for correction"),
            (S.SUBMITTED, S.VERIFIED, S.APPRAISED),
            S.RETURNED,
            (Role.DISTRICT_COMMITTEE, Role.PROVINCE_OFFICE),
            needs_comment=True,
        ),
        Action("appraise", _("Appraise"), (S.VERIFIED,), S.APPRAISED, (Role.PROVINCE_OFFICE,)),
        Action("recognise", _("Recognise"), (S.APPRAISED,), S.RECOGNISED, (Role.PROVINCE_OFFICE,)),
        Action(
            "revoke", _("Revoke recognition"), (S.RECOGNISED,), S.REVOKED, (Role.PROVINCE_OFFICE,), needs_comment=True
        ),
    ]
}


def _has_district_above(assessment: Assessment) -> bool:
    return any(u.level == Level.DISTRICT for u in assessment.unit.ancestors())


def _roles_for(user, assessment: Assessment, action: Action) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    roles = access.roles_over(user, assessment.unit)
    if action.name == "verify" and not _has_district_above(assessment):
        return Role.PROVINCE_OFFICE in roles
    if action.name == "return" and assessment.state == S.SUBMITTED and _has_district_above(assessment):
        return Role.DISTRICT_COMMITTEE in roles
    if action.name == "return" and assessment.state in (S.VERIFIED, S.APPRAISED):
        return Role.PROVINCE_OFFICE in roles
    return bool(roles & set(action.roles))


def check_role(user, assessment: Assessment, action: str) -> Action:
    """The action, if the user's role allows it on this assessment; else PermissionDenied.

    Callers check this before validating input, so a refusal never depends on the form.
    """
    spec = ACTIONS.get(action)
    if spec is None or not _roles_for(user, assessment, spec):
        raise PermissionDenied(MSG_NOT_YOUR_ROLE)
    return spec


def available_actions(user, assessment: Assessment) -> list[Action]:
    """The actions this user may take on the assessment now (for the buttons on the page)."""
    return [a for a in ACTIONS.values() if assessment.state in a.sources and _roles_for(user, assessment, a)]


def missing_required(assessment: Assessment) -> list[Indicator]:
    """Required indicators with no value yet, in catalog order."""
    filled = IndicatorValue.objects.filter(assessment=assessment).filter(
        value_decimal__isnull=False
    ) | IndicatorValue.objects.filter(assessment=assessment, value_bool__isnull=False)
    return list(
        Indicator.objects.filter(criteria_set_id=assessment.criteria_set_id, required=True)
        .exclude(pk__in=filled.values("indicator_id"))
        .order_by("criterion__number", "position", "pk")
    )


# In the 19-criteria commune sets, indicator 10.1 is the income per person (criterion 10 "Thu nhập").
INCOME_INDICATOR_CODE = "10.1"


def _advanced_income(assessment: Assessment, advanced: Assessment | None):
    """Income entered in the unit's recognised advanced assessment and the advanced threshold for it."""
    if advanced is None:
        return None, None
    indicator = (
        Indicator.objects.filter(criteria_set_id=advanced.criteria_set_id, code=INCOME_INDICATOR_CODE)
        .prefetch_related("targets")
        .first()
    )
    if indicator is None:
        return None, None
    stored = IndicatorValue.objects.filter(assessment=advanced, indicator=indicator).first()
    rules = [t.as_rule() for t in sorted(indicator.targets.all(), key=lambda t: t.pk)]
    target = evaluation.select_target(
        rules,
        region=advanced.unit.region or None,
        group=advanced.unit.commune_group,
        year=advanced.year,
        especially_disadvantaged=advanced.unit.especially_disadvantaged,
        disadvantaged_region=advanced.criteria_set.disadvantaged_region or None,
    )
    income = stored.value_decimal if stored else None
    return income, (target.value if target else None)


def _tier_problems(assessment: Assessment) -> list[str]:
    """Advanced needs standard recognised; model needs advanced recognised and 110% of its income threshold."""
    tier = assessment.criteria_set.tier
    if tier == Tier.STANDARD:
        return []
    recognised = (
        Assessment.objects.filter(unit=assessment.unit, state=S.RECOGNISED, year__lte=assessment.year)
        .exclude(pk=assessment.pk)
        .select_related("unit", "criteria_set")
        .order_by("-year")
    )
    tiers = {a.criteria_set.tier for a in recognised}
    income = threshold = None
    if tier == Tier.MODEL:
        advanced = next((a for a in recognised if a.criteria_set.tier == Tier.ADVANCED), None)
        income, threshold = _advanced_income(assessment, advanced)
    return [
        str(message)
        for message in evaluation.tier_prerequisites_unmet(
            evaluation.Tier(tier),
            standard_recognised=Tier.STANDARD in tiers,
            advanced_recognised=Tier.ADVANCED in tiers,
            income=income,
            advanced_income_threshold=threshold,
        )
    ]


@transaction.atomic
def assessment_transition(
    *,
    assessment: Assessment,
    action: str,
    user,
    comment: str = "",
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """Apply a workflow action, checking scope, role, state and the action's own conditions."""
    assessment = Assessment.objects.select_for_update().select_related("unit", "criteria_set").get(pk=assessment.pk)
    if not access.can_read_unit(user, assessment.unit):
        raise PermissionDenied(access.MSG_NOT_FOUND)
    spec = check_role(user, assessment, action)
    if assessment.state not in spec.sources:
        raise ValidationError(MSG_WRONG_STATE, code="state", params={"state": assessment.get_state_display()})
    if expected_version is not None and expected_version != assessment.version:
        raise ValidationError(
            _("Someone changed this assessment's state in the meantime (now “%(state)s”). Reload the page."),
            code="stale",
            params={"state": assessment.get_state_display()},
        )
    comment = comment.strip()
    if spec.needs_comment and not comment:
        raise ValidationError({"comment": MSG_COMMENT_REQUIRED})
    if action == "submit":
        missing = missing_required(assessment)
        if missing:
            raise ValidationError(
                MSG_MISSING_VALUES, code="missing", params={"codes": ", ".join(i.code for i in missing)}
            )
    if action == "recognise":
        decision_number = decision_number.strip()
        if not decision_number or decision_date is None:
            raise ValidationError(MSG_DECISION_REQUIRED, code="decision")
        if decision_date > datetime.date.today():
            raise ValidationError({"decision_date": MSG_DECISION_DATE_FUTURE})
        problems = _tier_problems(assessment)
        if problems:
            raise ValidationError(problems, code="tier")
    return assessment_set_state(
        assessment=assessment,
        state=spec.target,
        user=user,
        comment=comment,
        decision_number=decision_number,
        decision_date=decision_date,
    )
