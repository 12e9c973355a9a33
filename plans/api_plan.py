"""REST API: plan against result — the same figures as the dashboard's plan section.

Both read ``plans.selectors.plan_summary``.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from communes.access import get_unit_for_user
from criteria.api_years import YearShownField
from criteria.models import AssessmentState, Tier
from ntm_portal.api_errors import ApiErrorsMixin, ErrorSerializer
from plans.selectors import plan_summary


class DueRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    parent_name = serializers.CharField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    target_year = serializers.IntegerField()
    basis = serializers.CharField()
    reached = serializers.BooleanField(help_text=_("Holds the title at the tier at the end of the year."))
    state = serializers.ChoiceField(choices=AssessmentState.choices, allow_null=True)
    criteria_met = serializers.IntegerField(allow_null=True)
    criteria_total = serializers.IntegerField(allow_null=True)
    assessment_id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(help_text=_("reached, in_progress or no_assessment."))
    overdue = serializers.BooleanField(help_text=_("Target year before the year, tier still not held."))


class DueCountSerializer(serializers.Serializer):
    level = serializers.CharField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    due = serializers.IntegerField()
    reached = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    no_assessment = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text=_("Target year before the year, tier still not held."))


class TargetLineSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    planned = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False)
    actual = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False, allow_null=True)
    share_reached = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False, allow_null=True)
    met = serializers.BooleanField(
        allow_null=True,
        help_text=_(
            "null: cannot be told yet — no commune of the year is under the minimum of criteria, but "
            "without_figures communes have no figures (min_criteria only)."
        ),
    )
    without_figures = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "min_criteria: the communes of the year without figures, which the target cannot be met without "
            "(0: every one has figures); null for the other targets."
        ),
    )
    verdict = serializers.CharField(
        help_text=_("Whether the target is met, in the words of the pages and the bulletin.")
    )


class ProvinceProgressSerializer(serializers.Serializer):
    period_from = serializers.IntegerField(source="target.period_from")
    period_to = serializers.IntegerField(source="target.period_to")
    basis = serializers.CharField(source="target.basis")
    lines = TargetLineSerializer(many=True)


class PlanSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit_code", allow_null=True)
    year = serializers.IntegerField()
    due = DueRowSerializer(many=True, help_text=_("Units whose registered target year is the year."))
    overdue = DueRowSerializer(
        many=True,
        help_text=_("Units whose registered target year is before the year and which still do not hold the tier."),
    )
    counts = DueCountSerializer(many=True)
    province = ProvinceProgressSerializer(many=True, help_text=_("The province's targets covering the year."))


class PlanView(ApiErrorsMixin, APIView):
    """Plan against result of a unit for a year."""

    class PlanFilterSerializer(serializers.Serializer):
        unit = serializers.CharField(max_length=30, help_text=_("Unit code."))
        year = YearShownField(required=False, help_text=_("Left out: the current year."))

    @extend_schema(
        summary=_("Plan against result"),
        description=_(
            "Registered target years due in the year, and those overdue from earlier years, and where each unit "
            "stands; for a province, its targets "
            "against what stands at the end of the year. The same figures as the dashboard's plan section."
        ),
        tags=["plans"],
        parameters=[PlanFilterSerializer],
        responses={
            200: PlanSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("Invalid year.")),
            404: OpenApiResponse(ErrorSerializer, description=_("Does not exist or is outside your area.")),
        },
        examples=[
            OpenApiExample(
                "A province in 2025",
                value={
                    "unit": "40",
                    "year": 2025,
                    "due": [],
                    "overdue": [],
                    "counts": [],
                    "province": [
                        {
                            "period_from": 2021,
                            "period_to": 2025,
                            "basis": "NQ 05-NQ/TU",
                            "lines": [
                                {
                                    "key": "communes_standard",
                                    "label": "Xã đạt chuẩn NTM",
                                    "planned": 50,
                                    "actual": 42,
                                    "share_reached": 84.0,
                                    "met": False,
                                    "without_figures": None,
                                    "verdict": "Chưa đạt",
                                },
                                {
                                    "key": "min_criteria",
                                    "label": "Số xã dưới 15 tiêu chí (chỉ tiêu: không còn xã nào)",
                                    "planned": 0,
                                    "actual": 0,
                                    "share_reached": None,
                                    "met": None,
                                    "without_figures": 59,
                                    "verdict": "Chưa đủ số liệu: 59 xã chưa có số liệu năm 2025",
                                },
                            ],
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        filters = self.PlanFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        unit = get_unit_for_user(request.user, filters.validated_data["unit"])
        year = filters.validated_data.get("year") or timezone.localdate().year
        return Response(PlanSerializer(plan_summary(unit=unit, year=year)).data)
