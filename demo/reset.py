"""Removing the demo province: everything ``seed_demo`` created, and nothing else."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q

from communes.models import AdministrativeUnit, Level, Membership, UnitSuccession
from criteria.models import (
    Assessment,
    AssessmentLog,
    CommuneGroupAssignment,
    CommuneGroupChange,
    CriteriaSet,
    CriteriaSetChange,
    CriterionResult,
    CriterionResultLog,
    Evidence,
    HistoryEntry,
    IndicatorValue,
    SetInForce,
)
from demo.base import demo_province
from demo.users import DEMO_EMAIL_DOMAIN, DEMO_USERS
from ntm_portal.append_only import allow_history_rewrite
from ocop.demo import reset_ocop_demo


def _delete_history(model: type[models.Model], **lookups) -> None:
    """History and logs refuse deletion through their own managers (``AppendOnlyQuerySet``);
    a plain ``QuerySet`` over the same rows deletes them once ``allow_history_rewrite()`` has
    lifted the PostgreSQL triggers for the transaction."""
    models.QuerySet(model).filter(**lookups).delete()


@transaction.atomic
def reset_demo() -> None:
    """Delete everything the demo created: assessments and their history, the demo sets,
    memberships, the demo users and the DEMO units. The national catalog stays."""
    province = demo_province()
    if province is not None:
        units = AdministrativeUnit.objects.subtree(province)
        sets = CriteriaSet.objects.filter(issuer=province)
        assessments = Assessment.objects.filter(Q(unit__in=units) | Q(criteria_set__in=sets))
        # History is append-only so that no record of a real assessment is ever rewritten.
        # Reset wipes the whole fictional province at once, not a record of it, so it may
        # go around the guard, in this transaction only.
        allow_history_rewrite()
        reset_ocop_demo(province)
        for log in (HistoryEntry, AssessmentLog, CriterionResultLog):
            _delete_history(log, assessment__in=assessments)
        _delete_history(CommuneGroupChange, unit__in=units)
        CommuneGroupAssignment.objects.filter(unit__in=units).delete()
        _delete_history(CriteriaSetChange, criteria_set__in=sets)
        Evidence.objects.filter(value__assessment__in=assessments).delete()
        IndicatorValue.objects.filter(assessment__in=assessments).delete()
        CriterionResult.objects.filter(assessment__in=assessments).delete()
        assessments.delete()
        UnitSuccession.objects.filter(Q(predecessor__in=units) | Q(successor__in=units)).delete()
        Membership.objects.filter(unit__in=units).delete()
        SetInForce.objects.filter(Q(province__in=units) | Q(criteria_set__in=sets)).delete()
        for criteria_set in sets.order_by("-pk"):  # a later version may supersede an earlier one
            criteria_set.criteria.all().delete()
            criteria_set.groups.all().delete()
            criteria_set.delete()
        for level in (Level.VILLAGE, Level.COMMUNE, Level.DISTRICT, Level.PROVINCE):
            units.filter(level=level).delete()
    get_user_model().objects.filter(
        username__in=[u.username for u in DEMO_USERS], email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
    ).delete()
