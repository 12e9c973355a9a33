"""REST API: what offices report beside the values — "cơ bản đạt" on a criterion.

Writes go through ``criteria.services`` with the same rules as the pages.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from criteria.api import _ERRORS, AssessmentDetailSerializer, assessment_detail, assessment_for_user
from criteria.services import criterion_set_basically_met
from criteria.services.standing import REASON_MAX
from ntm_portal.api_errors import ApiErrorsMixin


class BasicallyMetInputSerializer(serializers.Serializer):
    basically_met = serializers.BooleanField(help_text=_("true: mark the criterion basically met; false: unmark it."))
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=REASON_MAX,
        help_text=_("Why (the works under way); required when marking."),
    )
    expected_by = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The date by which the criterion is expected to be met; required when marking."),
    )


class BasicallyMetView(ApiErrorsMixin, APIView):
    """Mark a criterion not met as basically met (cơ bản đạt), or take the mark away."""

    @extend_schema(
        summary=_("Mark a criterion basically met"),
        description=_(
            "A criterion not met whose works are under way may be reported as basically met, with why and by "
            "when it should be met. It is shown beside the criteria met (“đạt x/N, đạt và cơ bản đạt y/N”) "
            "and never counts as met: recognition, buckets and headlines ignore it. Same rules as the sheet: "
            "your unit, an editable assessment; the history keeps every change. Answers the assessment."
        ),
        tags=["assessments"],
        request=BasicallyMetInputSerializer,
        responses={200: AssessmentDetailSerializer, **_ERRORS},
        examples=[
            OpenApiExample(
                "Mark",
                value={
                    "basically_met": True,
                    "reason": "Kênh N2 đang thi công, dự kiến hoàn thành tháng 11",
                    "expected_by": "2023-11-30",
                },
                request_only=True,
            ),
            OpenApiExample("Unmark", value={"basically_met": False}, request_only=True),
        ],
    )
    def post(self, request: Request, pk: int, number: int) -> Response:
        assessment = assessment_for_user(request.user, pk, write=True)
        serializer = BasicallyMetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        criterion_set_basically_met(
            assessment=assessment,
            number=number,
            basically_met=data["basically_met"],
            reason=data["reason"],
            expected_by=data["expected_by"],
            user=request.user,
        )
        detail = assessment_detail(request.user, assessment.pk)
        return Response(AssessmentDetailSerializer(detail, context={"request": request}).data)
