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

from communes.access import check_writes_somewhere, get_unit_for_user
from criteria.api import (
    ERRORS,
    AssessmentDetailSerializer,
    assessment_answer,
    assessment_for_user,
    input_set,
)
from criteria.services import criterion_set_basically_met
from criteria.services.in_force import set_in_force_choose, sets_in_force_of
from criteria.services.standing import REASON_MAX
from criteria.services.summary import assessment_convert_summary, assessment_record_summary
from criteria.services.summary_correction import (
    BASICALLY_MET,
    COMMENT_MAX,
    MET,
    reported_marks,
    summary_record_correct,
)
from ntm_portal.api_errors import ApiErrorsMixin, Conflict
from ntm_portal.api_fields import BIGINT_MAX
from ntm_portal.errors import StaleWriteError


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
        responses={200: AssessmentDetailSerializer, **ERRORS},
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
        return assessment_answer(request, assessment.pk)


# --- The set in force -----------------------------------------------------------------------


class SetInForceSerializer(serializers.Serializer):
    province = serializers.CharField(source="province.code", read_only=True)
    level = serializers.CharField(read_only=True)
    tier = serializers.CharField(read_only=True)
    year = serializers.IntegerField()
    criteria_set = serializers.IntegerField(source="criteria_set_id", help_text=_("Id of a published set."))
    criteria_set_name = serializers.CharField(source="criteria_set.__str__", read_only=True)
    basis = serializers.CharField(max_length=300, help_text=_("The province's decision or plan (number, date)."))


class SetsInForceView(ApiErrorsMixin, APIView):
    """The criteria sets a province's units are assessed against, per level, tier and year."""

    @extend_schema(
        summary=_("A province's sets in force"),
        tags=["criteria"],
        responses={200: SetInForceSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, code: str) -> Response:
        province = get_unit_for_user(request.user, code)
        return Response(SetInForceSerializer(sets_in_force_of(province), many=True).data)

    @extend_schema(
        summary=_("Put a set in force for a year"),
        description=_(
            "The province office chooses which published set (the State's or the province's own) its units "
            "are assessed against at the set's level and tier in a year, also outside the set's years "
            "(e.g. the 2016–2020 set for 2021). Starting an assessment then uses it; another set needs a reason."
        ),
        tags=["criteria"],
        request=SetInForceSerializer,
        responses={200: SetInForceSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "QĐ 1980 for 2021",
                value={"year": 2021, "criteria_set": 1, "basis": "Kế hoạch 12/KH-UBND ngày 15/01/2021"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, code: str) -> Response:
        province = get_unit_for_user(request.user, code)
        serializer = SetInForceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        criteria_set = input_set(request.user, data["criteria_set_id"], published=False)  # a draft: said so
        choice = set_in_force_choose(
            province=province, year=data["year"], criteria_set=criteria_set, basis=data["basis"], user=request.user
        )
        return Response(SetInForceSerializer(choice).data)


# --- Summary records of the past ------------------------------------------------------------


class SummaryInputSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=30, help_text=_("The unit's code."))
    criteria_set = serializers.IntegerField(min_value=1, help_text=_("Id of the published set the report used."))
    year = serializers.IntegerField(min_value=2010, max_value=2100)
    met = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=100), max_length=100, help_text=_("Criteria met.")
    )
    basically_met = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=100),
        max_length=100,
        required=False,
        default=list,
        help_text=_("Criteria reported basically met (cơ bản đạt)."),
    )
    count = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, help_text=_("The report's count, checked.")
    )
    source_number = serializers.CharField(max_length=60, help_text=_("Number of the report or plan."))
    source_date = serializers.DateField(help_text=_("Date of the report or plan."))
    source_file = serializers.FileField(
        required=False, allow_null=True, default=None, help_text=_("The report itself (PDF, image, office document).")
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=REASON_MAX,
        help_text=_("Why another set than the one in force for the unit, year and tier; kept in the history."),
    )


class SummaryRecordView(ApiErrorsMixin, APIView):
    """Record a unit's standing of a past year from an old report, without indicator values."""

    @extend_schema(
        summary=_("Record a summary record of the past"),
        description=_(
            "Which criteria were met (or basically met), the count and the source document (number, date, "
            "optionally the file, as multipart). It is the unit's assessment of that tier and year, flagged "
            "`summary: true`, counted in every figure like a full one, and convertible later "
            "(POST /api/v1/assessments/{id}/convert/)."
        ),
        tags=["assessments"],
        request=SummaryInputSerializer,
        responses={201: AssessmentDetailSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "16/19 in 2021, from a 2022 plan",
                value={
                    "unit": "40101",
                    "criteria_set": 1,
                    "year": 2021,
                    "met": [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 18, 19],
                    "basically_met": [10],
                    "count": 16,
                    "source_number": "45/KH-UBND",
                    "source_date": "2022-02-10",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        check_writes_somewhere(request.user)
        serializer = SummaryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = get_unit_for_user(request.user, data["unit"], write=True)
        criteria_set = input_set(request.user, data["criteria_set"])
        assessment = assessment_record_summary(
            unit=unit,
            criteria_set=criteria_set,
            year=data["year"],
            met=set(data["met"]),
            basically_met=set(data["basically_met"]),
            count=data["count"],
            source_number=data["source_number"],
            source_date=data["source_date"],
            source_file=data["source_file"],
            reason=data["reason"],
            user=request.user,
        )
        return assessment_answer(request, assessment.pk, status=201)


class SummaryCorrectionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, help_text=_("The summary record's version you read.")
    )
    met = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=100),
        max_length=100,
        required=False,
        help_text=_("Criteria met; left out: as stored."),
    )
    basically_met = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=100),
        max_length=100,
        required=False,
        help_text=_("Criteria basically met; left out: as stored, less the criteria now met."),
    )
    count = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, help_text=_("The report's count, checked.")
    )
    source_number = serializers.CharField(max_length=60, required=False, help_text=_("Left out: as stored."))
    source_date = serializers.DateField(required=False, help_text=_("Left out: as stored."))
    source_file = serializers.FileField(
        required=False, allow_null=True, default=None, help_text=_("A new file replaces the stored one.")
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=COMMENT_MAX, help_text=_("Why; kept in the history.")
    )
    # The record's own, when given: a correction changes none of them (another set is another record).
    criteria_set = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)
    year = serializers.IntegerField(required=False, min_value=2010, max_value=2100)
    tier = serializers.CharField(required=False, max_length=20)


class SummaryRecordCorrectView(ApiErrorsMixin, APIView):
    """Correct a summary record's report (marks, count, document) while it is editable."""

    @extend_schema(
        summary=_("Correct a summary record"),
        description=_(
            "The criteria met and basically met, the count (checked) and the source document of a summary "
            "record still editable (draft or returned), with the same checks as recording one; the results and "
            "counts are stored again and the history keeps one entry per field changed (old → new, with the "
            "comment). Fields left out stay as stored. The set, the year and the tier cannot be corrected. "
            "A correction based on another version than the record's answers 409 with what is stored now."
        ),
        tags=["assessments"],
        request=SummaryCorrectionSerializer,
        responses={200: AssessmentDetailSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "The report's number typed wrong, criterion 7 not met",
                value={
                    "version": 1,
                    "source_number": "25/BC-UBND",
                    "met": [1, 2, 3, 4, 5, 6, 8, 9, 11, 12, 14, 15, 16, 18, 19],
                    "comment": "Nhập nhầm số báo cáo và tiêu chí 7",
                },
                request_only=True,
            )
        ],
    )
    def patch(self, request: Request, pk: int) -> Response:
        assessment = assessment_for_user(request.user, pk, write=True)
        serializer = SummaryCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        marks = reported_marks(assessment)
        met = set(data["met"]) if "met" in data else {n for n, m in marks.items() if m == MET}
        if "basically_met" in data:
            basic = set(data["basically_met"])
        else:  # a criterion now met is no longer basically met
            basic = {n for n, m in marks.items() if m == BASICALLY_MET} - met
        try:
            summary_record_correct(
                assessment=assessment,
                met=met,
                basically_met=basic,
                count=data["count"],
                source_number=data.get("source_number", assessment.source_number),
                source_date=data.get("source_date", assessment.source_date),
                source_file=data["source_file"],
                expected_version=data["version"],
                comment=data["comment"],
                criteria_set_id=data.get("criteria_set"),
                year=data.get("year"),
                tier=data.get("tier"),
                user=request.user,
            )
        except StaleWriteError as exc:
            raise Conflict(exc.messages[0], current=exc.current.as_json()) from exc
        return assessment_answer(request, assessment.pk)


class ConvertSummaryView(ApiErrorsMixin, APIView):
    """Make a summary record a full assessment (values may then be entered)."""

    @extend_schema(
        summary=_("Convert a summary record into a full assessment"),
        tags=["assessments"],
        request=None,
        responses={200: AssessmentDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = assessment_for_user(request.user, pk, write=True)
        assessment_convert_summary(assessment=assessment, user=request.user)
        return assessment_answer(request, assessment.pk)
