"""REST API: a commune's 2026–2030 group with its legal basis and history.

``GET/PUT /api/v1/units/<code>/commune-group/``; writes go through
``criteria.services.commune_groups.commune_group_set`` with the same rules as the page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from communes import access
from communes.models import CommuneGroup, Level
from criteria.api import ERRORS
from criteria.models import GroupCondition
from criteria.services.commune_groups import (
    DECISION_MAX,
    MSG_NOT_PROVINCE_OFFICE,
    can_set_commune_group,
    commune_group_history,
    commune_group_of,
    commune_group_set,
)
from ntm_portal.api_errors import ApiErrorsMixin, Conflict
from ntm_portal.api_fields import enum_output
from ntm_portal.errors import StaleWriteError

MSG_NOT_A_COMMUNE = _("Only a commune has a commune group.")


class CommuneGroupChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField(source="user.username", default=None, allow_null=True)
    old_group = enum_output(CommuneGroup, "CommuneGroup", blank=True)
    new_group = enum_output(CommuneGroup, "CommuneGroup")
    old_condition = enum_output(GroupCondition, "CommuneGroupCondition", blank=True)
    new_condition = enum_output(GroupCondition, "CommuneGroupCondition")
    decision_number = serializers.CharField()
    decision_date = serializers.DateField()
    note = serializers.CharField()


class CommuneGroupOutputSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text=_("The commune's code."))
    group = enum_output(CommuneGroup, "CommuneGroup", blank=True)
    group_label = serializers.CharField(allow_null=True)
    condition = enum_output(GroupCondition, "CommuneGroupCondition", blank=True)
    condition_label = serializers.CharField(allow_null=True)
    decision_number = serializers.CharField(allow_null=True)
    decision_date = serializers.DateField(allow_null=True)
    version = serializers.IntegerField(help_text=_("Send it back with a change; 0 while no group has been set."))
    set_by = serializers.CharField(allow_null=True)
    set_at = serializers.DateTimeField(allow_null=True)
    can_set = serializers.BooleanField(help_text=_("Whether you may set this commune's group."))
    history = CommuneGroupChangeSerializer(many=True, help_text=_("Every setting, newest first."))


class CommuneGroupInputSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=CommuneGroup.choices)
    condition = serializers.ChoiceField(
        choices=GroupCondition.choices, help_text=_("The condition of QĐ 51/2025/QĐ-TTg the commune meets.")
    )
    decision_number = serializers.CharField(max_length=DECISION_MAX, help_text=_("The deciding document's number."))
    decision_date = serializers.DateField(help_text=_("The deciding document's date."))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    version = serializers.IntegerField(
        min_value=0, required=False, default=None, help_text=_("The version the change is based on (0: none yet).")
    )


def _body(user, unit) -> dict:
    assignment = commune_group_of(unit)
    return {
        "unit": unit.code,
        "group": assignment.group if assignment else unit.commune_group,
        "group_label": str(CommuneGroup(unit.commune_group).label) if unit.commune_group else None,
        "condition": assignment.condition if assignment else "",  # an absent choice is "", as everywhere
        "condition_label": assignment.get_condition_display() if assignment else None,
        "decision_number": assignment.decision_number if assignment else None,
        "decision_date": assignment.decision_date if assignment else None,
        "version": assignment.version if assignment else 0,
        "set_by": assignment.set_by.username if assignment and assignment.set_by else None,
        "set_at": assignment.set_at if assignment else None,
        "can_set": can_set_commune_group(user, unit),
        "history": commune_group_history(unit),
    }


def _commune(user, code: str):
    unit = access.get_unit_for_user(user, code)
    if unit.level != Level.COMMUNE:
        raise Http404(MSG_NOT_A_COMMUNE)
    return unit


class CommuneGroupView(ApiErrorsMixin, APIView):
    """A commune's group of the 2026–2030 set, with the condition met and the deciding document."""

    @extend_schema(
        summary=_("A commune's group (2026–2030)"),
        description=_(
            "The group QĐ 51/2025/QĐ-TTg's targets depend on, with its legal basis — the condition the commune "
            "meets and the province's deciding document — and the history of every setting."
        ),
        tags=["units"],
        responses={200: CommuneGroupOutputSerializer, **ERRORS},
    )
    def get(self, request: Request, code: str) -> Response:
        unit = _commune(request.user, code)
        return Response(CommuneGroupOutputSerializer(_body(request.user, unit)).data)

    @extend_schema(
        summary=_("Set a commune's group (2026–2030)"),
        description=_(
            "The province office sets the commune's group with the condition it meets (one the decision states, "
            "of that group) and the deciding document. Targets of the 2026–2030 set then resolve by this group. "
            "A change based on an old version answers 409 with what is stored."
        ),
        tags=["units"],
        request=CommuneGroupInputSerializer,
        responses={200: CommuneGroupOutputSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Group 3, zone III",
                value={
                    "group": 3,
                    "condition": GroupCondition.MINORITY_MOUNTAIN_III.value,
                    "decision_number": "120/QĐ-UBND",
                    "decision_date": "2026-01-20",
                    "version": 0,
                },
                request_only=True,
            )
        ],
    )
    def put(self, request: Request, code: str) -> Response:
        unit = _commune(request.user, code)
        if not access.sets_commune_group(request.user, unit):  # before the body: a reader gets 403, not field errors
            raise PermissionDenied(MSG_NOT_PROVINCE_OFFICE)
        serializer = CommuneGroupInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            commune_group_set(
                unit=unit,
                group=int(data["group"]),
                condition=data["condition"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                note=data["note"],
                user=request.user,
                expected_version=data["version"],
            )
        except StaleWriteError as exc:
            current = exc.current
            raise Conflict(
                exc.messages[0],
                current={"group": current.group, "condition": current.condition, "version": current.version}
                if current
                else None,
            ) from exc
        return Response(CommuneGroupOutputSerializer(_body(request.user, unit)).data)
