"""The recognition workflow: who may move an assessment from which state to which.

    draft ──submit──▶ submitted ──verify──▶ verified ──appraise──▶ appraised ──recognise──▶ recognised
      ▲                  │                     │                       │                      │
      └────return────────┴─────return──────────┴────────return─────────┘         revoke (keeps history)

    summary record (draft) ──record_recognition──▶ recognised

A summary record (a past report's standing, ``services.summary``) is not submitted; the
recognition decision its report gives is recorded on it directly by the province office, with
the same checks as a recognition (every criterion met in the stored results, the decision's
date, the tier's prerequisites).

Commune officers submit; the district committee verifies (thẩm tra) or returns; the province
office appraises (thẩm định), returns, recognises and revokes. A unit with no district above it
that still exists (communes after 1 July 2025, and the dossiers of before it still open) is
verified by the province office; a unit that has ended takes no step of its own
(``communes.permissions.may_take_workflow_action``). A district's own assessment
(against a district set) is submitted by its committee and goes to the province office.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes import access, permissions
from communes.models import AdministrativeUnit, Level, Role
from communes.people import full_name
from criteria import evaluation
from criteria.figures import (
    DECIDED,
    decisions_after,
    decisions_held_on,
    holds_title,
    holds_title_q,
    revocations_since,
    title_lost_after,
    title_revocation,
)
from criteria.models import (
    Assessment,
    AssessmentState,
    Criterion,
    CriterionResult,
    HistoryEntry,
    HistoryKind,
    Indicator,
    IndicatorValue,
    Tier,
)
from criteria.services.assessments import assessment_set_state
from criteria.services.derived import assessment_refresh_derived, refresh_dependants
from ntm_portal.errors import StaleWriteError

S = AssessmentState

MSG_WRONG_STATE = _("This action is not possible while the assessment is “%(state)s”.")
MSG_NOT_YOUR_ROLE = _("Your role does not allow this action on this assessment.")
MSG_MISSING_VALUES = _("Enter a value for every required indicator before submitting; missing: %(codes)s.")
MSG_COMMENT_REQUIRED = _("Say why, in a comment.")
MSG_DECISION_REQUIRED = _("Enter the recognition decision's number and date.")
MSG_DECISION_DATE_FUTURE = _("The decision date cannot be in the future.")
MSG_DECISION_BEFORE_YEAR = _("A recognition of the %(year)s assessment cannot be dated before %(year)s.")
MSG_DECISION_AFTER_UNIT = _(
    "%(unit)s ceased to exist on %(date)s: a decision dated after that can neither recognise nor revoke it."
)
MSG_DECISION_BEFORE_UNIT = _(
    "%(unit)s was formed on %(date)s: a decision dated before that cannot recognise or revoke it (the title of a "
    "unit it was formed from stays with that unit's assessment)."
)
MSG_REVOCATION_REQUIRED = _("Enter the revocation decision's number and date.")
MSG_REVOKED_BEFORE = _("The revocation cannot be dated before the recognition decision (%(date)s).")
MSG_TITLE_ALREADY_REVOKED = _(
    "The title decision %(number)s gave was already revoked by decision %(revocation)s of %(date)s, recorded on "
    "the %(year)s assessment: a title is revoked once."
)
MSG_REVOCATION_IS_RECOGNITION = _(
    "%(number)s is the recognition decision; a revocation is a decision of its own: enter its number."
)
MSG_HIGHER_TITLE_HELD = _(
    "%(unit)s holds the %(tier)s title by decision %(number)s of %(decided)s, which requires this one: revoke "
    "that title first, and do not date this revocation before that one."
)
MSG_LOWER_TITLE_REVOKED_LATER = _(
    "The %(lower)s title %(unit)s holds on %(date)s is revoked by decision %(number)s of %(revoked)s: a %(tier)s "
    "title recognised before then would stand without it. Record the revocation of the %(tier)s title by then "
    "too, or do not backdate this decision."
)
MSG_DISTRICT_RESTS_ON_COMMUNE = _(
    "%(district)s was recognised as an NTM district by decision %(number)s of %(decided)s, which counted %(unit)s "
    "holding the %(tier)s title on that date: a revocation dated on or before %(decided)s would leave that "
    "recognition without it, even if the district's title was revoked later. Correct this revocation's date (one "
    "dated after %(decided)s is allowed)."
)
MSG_NUMBER_OTHER_DATE = _(
    "Decision %(number)s is already recorded for %(unit)s dated %(date)s: one decision has one date (it may "
    "recognise several units, on that date). Check the number and the date."
)
MSG_STALE = _("Someone changed this assessment's state in the meantime (now “%(state)s”). Reload the page.")
MSG_STALE_RECOGNISED = _(
    "%(user)s recognised this dossier (decision %(number)s of %(date)s) while you were working on it. Reload the page."
)
MSG_STALE_REVOKED = _(
    "%(user)s revoked this dossier's recognition (decision %(number)s of %(date)s) while you were working on it. "
    "Reload the page."
)
MSG_STALE_MOVED = _("%(user)s moved this dossier to “%(state)s” while you were working on it. Reload the page.")
MSG_SET_NOT_IN_FORCE = _(
    "The criteria set %(set)s is in force from %(date)s: a recognition against it cannot be dated before."
)
# A summary record has no values, and they are refused until it is converted (services.summary):
# it could never pass submitting's check that every required indicator has one.
MSG_SUMMARY_CONVERT_FIRST = _(
    "This is a summary record of a past report: convert it into a full assessment before entering values or "
    "submitting it."
)
MSG_FULL_ASSESSMENT_APPRAISED_FIRST = _(
    "Only a summary record of a past report takes its recognition decision directly; a full assessment is "
    "recognised after the district's verification and the province's appraisal."
)
MSG_CRITERIA_UNMET = _(
    "Only an assessment that meets every criterion of its set can be recognised; not met: %(criteria)s."
)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    needs_comment: bool = False
    needs_decision: bool = False  # recognise: the recognition decision; revoke: the revocation decision
    recognises: bool = False  # gives the title by a recognition decision (its checks and its dependants)
    summary_only: bool = False  # only on a summary record


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
        Action(
            "recognise",
            _("Recognise"),
            (S.APPRAISED,),
            S.RECOGNISED,
            (Role.PROVINCE_OFFICE,),
            needs_decision=True,
            recognises=True,
        ),
        Action(
            "record_recognition",
            _("Record the report's recognition decision"),
            (S.DRAFT,),
            S.RECOGNISED,
            (Role.PROVINCE_OFFICE,),
            needs_decision=True,
            recognises=True,
            summary_only=True,
        ),
        Action(
            "revoke",
            _("Revoke recognition"),
            (S.RECOGNISED,),
            S.REVOKED,
            (Role.PROVINCE_OFFICE,),
            needs_comment=True,
            needs_decision=True,
        ),
    ]
}


def _roles_for(user, assessment: Assessment, action: Action) -> bool:
    return permissions.may_take_workflow_action(
        user,
        assessment.unit,
        action.name,
        assessment.state,
        action_roles=action.roles,
    )


def check_role(user, assessment: Assessment, action: str) -> Action:
    """The action, if the user's role allows it on this assessment; else PermissionDenied.

    Callers check this before validating input, so a refusal never depends on the form.
    """
    spec = ACTIONS.get(action)
    if spec is not None and access.reads_as_history(user, assessment.unit):
        # A unit theirs was formed from: its history is read, whatever the role.
        raise PermissionDenied(access.MSG_READ_ONLY)
    if spec is None or not _roles_for(user, assessment, spec):
        raise PermissionDenied(MSG_NOT_YOUR_ROLE)
    return spec


def _summary_holds_back(assessment: Assessment, action: str) -> bool:
    """A summary record (a past report's standing, without values) is not submitted: it is
    converted into a full assessment first (criteria/README.md, "Summary records"); only a
    summary record takes its report's recognition decision directly."""
    if assessment.summary:
        return action == "submit"
    return ACTIONS[action].summary_only


def _offered(assessment: Assessment, action: Action) -> bool:
    """A summary record's report's decision is offered once the report has every criterion met
    (asked anyway, the recognition's own check refuses it, naming those not met)."""
    if action.summary_only and action.recognises:
        return 0 < assessment.criteria_total == assessment.criteria_met
    if action.name == "revoke":  # a title already revoked on another year's dossier is revoked once
        return _title_revoked_elsewhere(assessment) is None
    return True


def _title_revoked_elsewhere(assessment: Assessment) -> Assessment | None:
    """The assessment of another year recording the revocation of the title this one's decision
    gave (a title carried by several years' dossiers is revoked on one of them), or None."""
    revocation = title_revocation(assessment)
    return revocation if revocation is not None and revocation.pk != assessment.pk else None


def available_actions(user, assessment: Assessment) -> list[Action]:
    """The actions this user may take on the assessment now (for the buttons on the page)."""
    return [
        a
        for a in ACTIONS.values()
        if assessment.state in a.sources
        and not _summary_holds_back(assessment, a.name)
        and _offered(assessment, a)
        and _roles_for(user, assessment, a)
    ]


def missing_required(assessment: Assessment) -> list[Indicator]:
    """Required indicators with no value yet, in catalog order. A conditional one marked "không
    áp dụng" (with its reason) is answered: it does not apply where the object does not exist."""
    filled = IndicatorValue.objects.filter(assessment=assessment).filter(
        Q(value_decimal__isnull=False) | Q(value_bool__isnull=False) | Q(not_applicable=True)
    )
    return list(
        Indicator.objects.filter(criteria_set_id=assessment.criteria_set_id, required=True)
        .exclude(pk__in=filled.values("indicator_id"))
        .order_by("criterion__number", "position", "pk")
    )


def _unmet_criteria(assessment: Assessment) -> list[str]:
    """The criteria of the set not met, from the stored results ("17. Môi trường…")."""
    met = set(CriterionResult.objects.filter(assessment=assessment, met=True).values_list("criterion_id", flat=True))
    return [
        f"{c.number}. {c.name}"
        for c in Criterion.objects.filter(criteria_set_id=assessment.criteria_set_id).order_by("number")
        if c.pk not in met
    ]


def _decision_problems(assessment: Assessment, number: str, day: datetime.date | None, *, revoking: bool):
    """The decision's number and date are given and plausible for this assessment: None, or
    the ValidationError to raise (a date's problem at the date field)."""
    if not number or day is None:
        return ValidationError(MSG_REVOCATION_REQUIRED if revoking else MSG_DECISION_REQUIRED, code="decision")
    problems = []
    if day > timezone.localdate():
        problems.append(MSG_DECISION_DATE_FUTURE)
    unit = assessment.unit
    side = unit.lifetime_side(day, day)
    if side == "before":
        problems.append(MSG_DECISION_BEFORE_UNIT % {"unit": unit.name, "date": f"{unit.valid_from:%d/%m/%Y}"})
    elif side == "after":
        problems.append(MSG_DECISION_AFTER_UNIT % {"unit": unit.name, "date": f"{unit.valid_to:%d/%m/%Y}"})
    if revoking:
        if (earlier := _title_revoked_elsewhere(assessment)) is not None:
            return ValidationError(
                MSG_TITLE_ALREADY_REVOKED,
                code="already_revoked",
                params={
                    "number": assessment.decision_number,
                    "revocation": earlier.revocation_number,
                    "date": f"{earlier.revocation_date:%d/%m/%Y}",
                    "year": earlier.year,
                },
            )
        if assessment.decision_date and day < assessment.decision_date:
            problems.append(MSG_REVOKED_BEFORE % {"date": f"{assessment.decision_date:%d/%m/%Y}"})
        if _same_decision(number, assessment.decision_number):
            return ValidationError(
                {"decision_number": [MSG_REVOCATION_IS_RECOGNITION % {"number": assessment.decision_number}]},
                code="decision",
            )
        if higher := _higher_title_held(assessment, day):
            problems.append(higher)
        if district := _district_title_resting_on(assessment, day):
            problems.append(district)
        if elsewhere := _number_with_other_date(assessment, number, day):
            return ValidationError({"decision_number": [elsewhere], "decision_date": problems}, code="decision")
    else:
        if day < datetime.date(assessment.year, 1, 1):
            problems.append(MSG_DECISION_BEFORE_YEAR % {"year": assessment.year})
        in_force = assessment.criteria_set.effective_date
        if in_force is not None and day < in_force:
            problems.append(
                MSG_SET_NOT_IN_FORCE % {"set": assessment.criteria_set.code, "date": f"{in_force:%d/%m/%Y}"}
            )
        if not problems:  # a plausible date: what the unit holds on it
            problems += _prerequisites_unmet(assessment, day)
        if not problems and (lower := _lower_title_revoked_later(assessment, day)):
            problems.append(lower)
        if elsewhere := _number_with_other_date(assessment, number, day):
            return ValidationError({"decision_number": [elsewhere], "decision_date": problems}, code="decision")
    return ValidationError({"decision_date": problems}, code="decision") if problems else None


def decision_refusal(assessment: Assessment, action: str, number: str, day: datetime.date | None):
    """The refusal the decision given for ``action`` would meet (its number and date), or None.
    Asked before a confirmation too, so a decision the service would refuse (the recognition's
    number for a revocation, a date in the future, a recognition on a date the unit does not hold
    the tier below) is not confirmed first."""
    if not ACTIONS[action].needs_decision:
        return None
    return _decision_problems(assessment, (number or "").strip(), day, revoking=action == "revoke")


def _same_decision(number: str, other: str) -> bool:
    """Two decision numbers written alike ("15/QĐ-UBND", "15/qđ-ubnd ")."""
    return bool(other) and "".join(number.split()).casefold() == "".join(other.split()).casefold()


def _number_with_other_date(assessment: Assessment, number: str, day: datetime.date) -> str | None:
    """A decision number is one decision, with one date: the same number (``_same_decision``)
    recorded for another unit of the same level with another date of the same year — a
    recognition or a revocation — is a typing mistake (one decision may recognise several communes: same number,
    same date)."""
    digits = re.match(r"\d+", "".join(number.split()))
    # Decisions of one issuer: a unit of the same level (communes by the province, villages by the
    # committee above their commune — their numbers are compared within it).
    unit = assessment.unit
    issued_alike = Q(unit__level=unit.level)
    if unit.level in (Level.COMMUNE, Level.VILLAGE):
        # A province's own decisions: "121/QĐ-UBND" of another province is another decision.
        issued_alike &= Q(unit__path__startswith="/" + unit.path.strip("/").split("/")[0] + "/")
    if unit.level == Level.VILLAGE:
        issued_alike &= Q(unit__parent__parent=unit.parent.parent_id if unit.parent_id else None)
    same_year = (
        Assessment.objects.exclude(unit=unit.pk)
        .filter(issued_alike)
        .filter(
            Q(decision_date__year=day.year) & ~Q(decision_date=day)
            | Q(revocation_date__year=day.year) & ~Q(revocation_date=day)
        )
    )
    if digits:  # only rows whose number could be written alike
        same_year = same_year.filter(
            Q(decision_number__contains=digits.group()) | Q(revocation_number__contains=digits.group())
        )
    for other in same_year.select_related("unit").order_by("pk"):
        for other_number, other_day in (
            (other.decision_number, other.decision_date),
            (other.revocation_number, other.revocation_date),
        ):
            if other_day and other_day.year == day.year and other_day != day and _same_decision(number, other_number):
                params = {"number": other_number, "unit": other.unit.name, "date": f"{other_day:%d/%m/%Y}"}
                return MSG_NUMBER_OTHER_DATE % params
    return None


def _higher_title_held(assessment: Assessment, day: datetime.date) -> str | None:
    """The level's tier ladder (``evaluation.tier_ladder``) taken down from the top: a revocation dated
    ``day`` of a title another title of the unit requires is refused while that one stands on
    ``day`` (``decisions_held_on``), or if that one was recognised after ``day`` with no title of
    this tier given after ``day`` to rest on (it would have stood without it)."""
    unit = assessment.unit
    for higher in evaluation.tiers_above(assessment.tier, unit.level):
        standing = decisions_held_on(higher, day).filter(unit=unit).order_by("decision_date", "pk").first()
        if standing is None:
            standing = next(
                (
                    later
                    for later in decisions_after(unit, higher, day)
                    if not decisions_held_on(assessment.tier, later.decision_date)
                    .filter(unit=unit, decision_date__gt=day)
                    .exists()
                ),
                None,
            )
        if standing is not None:
            params = {
                "unit": unit.name,
                "tier": Tier(higher).label,
                "number": standing.decision_number,
                "decided": f"{standing.decision_date:%d/%m/%Y}",
            }
            return MSG_HIGHER_TITLE_HELD % params
    return None


def _district_title_resting_on(assessment: Assessment, day: datetime.date) -> str | None:
    """The district's conditions taken down (DOMAIN.md: a district is NTM only when all its
    communes hold the title): a commune's revocation dated ``day`` is refused when a recognition
    of the district above it (the commune among its rural communes on that decision's date),
    dated on or after ``day``, counted this commune's title — held on its date by decisions dated
    by ``day`` only, which this revocation takes away — so that without it the district's
    conditions on that date (``_district_unmet``) come out worse. Whether that district title was
    revoked later does not matter: the district held it from its decision until then, resting on
    the commune's (QA: a revocation of the district's title let the commune's be backdated, and
    the bulletin listed the district recognised in a month its table showed 8 of 9 communes
    holding the title). So revoking the district's title first never helps: only the date.
    A revocation dated after the district's decision is the periodic re-check: allowed."""
    unit = assessment.unit
    if not unit.is_ntm_commune or assessment.tier not in (Tier.STANDARD, Tier.ADVANCED):
        return None
    districts = [u for u in unit.ancestors() if u.level == Level.DISTRICT]
    if not districts:
        return None
    # Revoked since or not: a revoked assessment keeps its decision (``DECIDED``).
    counted_on = (
        Assessment.objects.filter(unit__in=districts, tier=Tier.STANDARD, state__in=DECIDED, decision_date__gte=day)
        .select_related("unit", "criteria_set")
        .order_by("decision_date", "pk")
    )
    for district_decision in counted_on:
        decided = district_decision.decision_date
        if not unit.is_valid_on(decided):
            continue
        held_by = (
            decisions_held_on(assessment.tier, decided)
            .filter(unit=unit)
            .order_by("-decision_date")
            .values_list("decision_date", flat=True)
            .first()
        )
        if held_by is None or held_by > day:  # not counted, or held by a later decision this one leaves
            continue
        unmet = _district_unmet(district_decision, decided, losing=(unit, assessment.tier))
        if unmet and unmet != _district_unmet(district_decision, decided):
            params = {
                "district": district_decision.unit.name,
                "number": district_decision.decision_number,
                "decided": f"{decided:%d/%m/%Y}",
                "unit": unit.name,
                "tier": Tier(assessment.tier).label,
            }
            return MSG_DISTRICT_RESTS_ON_COMMUNE % params
    return None


def _lower_title_revoked_later(assessment: Assessment, day: datetime.date) -> str | None:
    """The level's tier ladder taken up: a recognition dated ``day`` is refused when the title of
    the tier below (``evaluation.tier_below``), held on ``day``, is revoked after it
    (``title_lost_after``) — the new title would stand without it from then on — unless a
    revocation of this tier by then takes the new one away too."""
    lower = evaluation.tier_below(assessment.tier, assessment.unit.level)
    if lower is None:
        return None
    lost = title_lost_after(assessment.unit, lower, day)
    if lost is None:
        return None
    if (
        revocations_since(assessment.unit, assessment.tier, day)
        .filter(revocation_date__lte=lost.revocation_date)
        .exists()
    ):
        return None
    params = {
        "lower": Tier(lower).label,
        "unit": assessment.unit.name,
        "date": f"{day:%d/%m/%Y}",
        "number": lost.revocation_number,
        "revoked": f"{lost.revocation_date:%d/%m/%Y}",
        "tier": Tier(assessment.tier).label,
    }
    return MSG_LOWER_TITLE_REVOKED_LATER % params


def recognition_problems(assessment: Assessment) -> dict[str, list[str]]:
    """Why the assessment's results may not be recognised, keyed by where each reason belongs;
    empty if none: every criterion of the set met, from the stored results (the form as a whole).
    What the decision's date decides (the tier's prerequisites) is ``decision_refusal``'s."""
    unmet = _unmet_criteria(assessment)
    if unmet or assessment.criteria_total == 0:
        return {NON_FIELD_ERRORS: [str(MSG_CRITERIA_UNMET % {"criteria": "; ".join(unmet) or "—"})]}
    return {}


def _prerequisites_unmet(assessment: Assessment, day: datetime.date) -> list[str]:
    """The tier's prerequisites not held on the decision's date — derived from the recognition
    decisions, never typed: the level's ladder (``evaluation.tier_ladder``: a commune's model
    needs advanced, a village's model needs standard) and, for a district, its communes' titles.
    Not touched by the assessment's own values, so they can be asked before a confirmation as
    well as at the write."""
    unit = assessment.unit
    below = evaluation.tier_below(assessment.tier, unit.level)
    held = [below] if below is not None and holds_title(unit, below, day) else []
    problems = [str(message) for message in evaluation.tier_prerequisites_unmet(assessment.tier, unit.level, held=held)]
    if assessment.unit.level == Level.DISTRICT and assessment.tier == Tier.STANDARD:
        problems += _district_unmet(assessment, day)
    return problems


def _district_unmet(
    assessment: Assessment, day: datetime.date, *, losing: tuple[AdministrativeUnit, str] | None = None
) -> list[str]:
    """Why the district's standard assessment could not be recognised on ``day`` for its
    communes' titles (``evaluation.district_conditions_unmet``); ``losing``: as if that commune
    did not hold that tier's title then (a revocation being asked)."""
    return [
        str(message)
        for message in evaluation.district_conditions_unmet(
            _district_communes(assessment.unit, day, losing=losing),
            needs_advanced_share=assessment.criteria_set.year_from >= 2021,
        )
    ]


def _district_communes(
    district: AdministrativeUnit, day: datetime.date, *, losing: tuple[AdministrativeUnit, str] | None = None
) -> evaluation.DistrictCommunes:
    communes = AdministrativeUnit.objects.subtree(district).ntm_communes().valid_on(day)
    held = {tier: holds_title_q(tier, day) for tier in (Tier.STANDARD, Tier.ADVANCED)}
    if losing is not None:
        commune, tier = losing
        held[tier] &= ~Q(pk=commune.pk)
    return evaluation.DistrictCommunes(
        **communes.aggregate(
            total=Count("pk"),
            standard=Count("pk", filter=held[Tier.STANDARD]),
            advanced=Count("pk", filter=held[Tier.ADVANCED]),
        )
    )


def _stale(assessment: Assessment) -> StaleWriteError:
    """The refusal of an action based on an old version, naming who did what meanwhile (the
    history's last state change) and holding what is stored now."""
    last = (
        HistoryEntry.objects.filter(assessment=assessment, kind=HistoryKind.STATE)
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )
    if last is None or last.user is None:
        return StaleWriteError(MSG_STALE, params={"state": assessment.get_state_display()}, current=assessment)
    params = {"user": full_name(last.user), "state": AssessmentState(last.new_state).label}
    message = MSG_STALE_MOVED
    if last.new_state in (S.RECOGNISED, S.REVOKED) and last.new_value:
        message = MSG_STALE_RECOGNISED if last.new_state == S.RECOGNISED else MSG_STALE_REVOKED
        decided = datetime.date.fromisoformat(last.new_value)
        params |= {"number": last.new_note, "date": f"{decided:%d/%m/%Y}"}
    return StaleWriteError(message, params=params, current=assessment)


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
    # A version overtaken first: whoever acted meanwhile moved the state too (409, not "wrong state").
    if expected_version is not None and expected_version != assessment.version:
        raise _stale(assessment)
    if assessment.state not in spec.sources:
        raise ValidationError(MSG_WRONG_STATE, code="state", params={"state": assessment.get_state_display()})
    comment = comment.strip()
    if spec.needs_comment and not comment:
        raise ValidationError({"comment": MSG_COMMENT_REQUIRED})
    if _summary_holds_back(assessment, action):
        message = MSG_SUMMARY_CONVERT_FIRST if assessment.summary else MSG_FULL_ASSESSMENT_APPRAISED_FIRST
        raise ValidationError(message, code="summary")
    if action == "submit":
        missing = missing_required(assessment)
        if missing:
            raise ValidationError(
                MSG_MISSING_VALUES, code="missing", params={"codes": ", ".join(i.code for i in missing)}
            )
    if spec.needs_decision:
        decision_number = decision_number.strip()
        problem = decision_refusal(assessment, action, decision_number, decision_date)
        if problem is not None:
            raise problem
    if spec.recognises:
        if not assessment.summary:  # a summary record has no values: its results are the report's
            # The derived conditions (QĐ 319) are worked out again as of the decision's date.
            assessment_refresh_derived(assessment=assessment, on=decision_date, user=user)
            assessment.refresh_from_db()
        problems = recognition_problems(assessment)
        if problems:
            raise ValidationError(problems, code="recognition")
    if action == "submit":
        assessment_refresh_derived(assessment=assessment, user=user)
    result = assessment_set_state(
        assessment=assessment,
        state=spec.target,
        user=user,
        comment=comment,
        decision_number=decision_number,
        decision_date=decision_date,
    )
    if (spec.recognises or action == "revoke") and assessment.tier != Tier.MODEL:
        refresh_dependants(unit=assessment.unit)
    return result
