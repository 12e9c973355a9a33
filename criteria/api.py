"""REST API: assessments — list, read, start — and their workflow actions.

The catalog is in ``api_sets``, indicator values in ``api_values``, what offices report beside
the values in ``api_standing``. Objects come only through ``communes.access``; writes only
through ``criteria.services``.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from communes.access import check_writes_somewhere, get_object_for_user, get_unit_for_user
from communes.api import UnitRefSerializer
from communes.models import Level
from criteria import access_sets
from criteria.api_sets import CriteriaSetRefSerializer
from criteria.api_years import YearShownFilter
from criteria.figures import shown_state_q, with_title_revocation
from criteria.models import Assessment, AssessmentState, CriteriaSet, CriterionResult, Tier
from criteria.services import ACTIONS, StaleWriteError, assessment_start, assessment_transition
from criteria.services.workflow import available_actions, check_role
from ntm_portal.api_errors import ApiErrorsMixin, Conflict, error_responses
from ntm_portal.api_fields import BIGINT_MAX, IntegerFilter, WithinFilterMixin, checked_id
from ntm_portal.api_views import ScopedReadOnlyViewSet

MSG_NO_SUCH_SET = _("No published criteria set has this id.")


def input_set(user, pk: int, *, published: bool = True) -> CriteriaSet:
    """The set an input names by id, published unless ``published`` is False; a field error on
    ``criteria_set`` otherwise. A set the user may not read (another province's, a draft outside
    its office: ``access_sets.readable_sets``) gets the very refusal of an id no set has."""
    sets = access_sets.readable_sets(user)
    criteria_set = (sets.published() if published else sets).filter(pk=pk).first()
    if criteria_set is None:
        raise serializers.ValidationError({"criteria_set": [MSG_NO_SUCH_SET]})
    return criteria_set


ERRORS = error_responses(_("Invalid values, keyed by field or indicator code."))


def assessment_for_user(user, pk: int | str, *, write: bool = False) -> Assessment:
    """One assessment in the user's scope (404 outside it; 403 read-only with ``write``)."""
    return get_object_for_user(
        user, Assessment.objects.select_related("criteria_set"), unit_field="unit", write=write, pk=checked_id(pk)
    )


# --- Assessments --------------------------------------------------------------------------


class AssessmentFilter(WithinFilterMixin, django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", help_text=_("Code of the assessed unit."))
    within = django_filters.CharFilter(
        method="filter_within", help_text=_("Code of a unit: assessments of that unit and every unit below it.")
    )
    level = django_filters.ChoiceFilter(field_name="unit__level", choices=Level.choices)
    year = YearShownFilter()
    criteria_set = IntegerFilter(field_name="criteria_set_id", help_text=_("Id of the criteria set."))
    tier = django_filters.ChoiceFilter(field_name="tier", choices=Tier.choices)
    state = django_filters.MultipleChoiceFilter(
        choices=AssessmentState.choices,
        method="filter_state",
        help_text=_(
            "One or more states, as the portal's lists show them today: “recognised” leaves out an assessment whose "
            "title was taken away by a revocation (its own, or one recorded on another year's assessment of the unit "
            "at the tier: see title_revoked_on), and “revoked” lists it."
        ),
    )

    class Meta:
        model = Assessment
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet[Assessment], name: str, value: list[str]) -> QuerySet[Assessment]:
        return queryset.filter(shown_state_q(value)) if value else queryset


class AssessmentSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    criteria_set = CriteriaSetRefSerializer(read_only=True)
    criteria_basically_met = serializers.IntegerField(
        read_only=True, help_text=_("Criteria not met reported as basically met (cơ bản đạt); never counted as met.")
    )
    criteria_met_or_basically_met = serializers.IntegerField(
        read_only=True, help_text=_("“Đạt và cơ bản đạt”: criteria met plus criteria basically met.")
    )
    summary = serializers.BooleanField(
        read_only=True,
        help_text=_("A summary record: the standing of a past year from an old report, without indicator values."),
    )
    title_revoked_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The date of the revocation that took away the title this assessment's decision gave: its own, or one "
            "recorded on another year's assessment of the unit at the tier; null while the title stands."
        ),
    )
    title_revoked_by = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("The number of that revocation decision; null while the title stands."),
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "unit",
            "criteria_set",
            "year",
            "state",
            "tier",
            "criteria_met",
            "criteria_basically_met",
            "criteria_met_or_basically_met",
            "criteria_total",
            "summary",
            "source_number",
            "source_date",
            "version",
            "decision_number",
            "decision_date",
            "revocation_number",
            "revocation_date",
            "title_revoked_on",
            "title_revoked_by",
            "updated_at",
        ]


class ResultSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="criterion.number")
    name = serializers.CharField(source="criterion.name")

    class Meta:
        model = CriterionResult
        fields = [
            "number",
            "name",
            "met",
            "basically_met",
            "basically_met_reason",
            "basically_met_by",
            "indicators_met",
            "indicators_total",
        ]


class ActionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(ACTIONS))
    label = serializers.CharField()
    needs_comment = serializers.BooleanField()


class AssessmentDetailSerializer(AssessmentSerializer):
    results = ResultSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(help_text=_("What you may do with this assessment now."))

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "results", "actions"]

    @extend_schema_field(ActionSerializer(many=True))
    def get_actions(self, assessment: Assessment) -> list[dict]:
        user = self.context["request"].user
        return [
            {"name": a.name, "label": str(a.label), "needs_comment": a.needs_comment}
            for a in available_actions(user, assessment)
        ]


def assessment_detail_rows() -> QuerySet[Assessment]:
    """Assessments as the detail shows them: with their criteria results in order."""
    results = CriterionResult.objects.select_related("criterion").order_by("criterion__number")
    return (
        with_title_revocation(Assessment.objects.all())
        .select_related("unit", "criteria_set")
        .prefetch_related(Prefetch("results", queryset=results))
    )


def assessment_answer(request: Request, pk: int, *, status: int = status.HTTP_200_OK) -> Response:
    """The answer of every write on an assessment: the assessment as it stands now, with its
    criteria results and the actions the user may take next."""
    detail = get_object_for_user(request.user, assessment_detail_rows(), unit_field="unit", pk=pk)
    return Response(AssessmentDetailSerializer(detail, context={"request": request}).data, status=status)


class PrefillAnswerSerializer(serializers.Serializer):
    copied = serializers.IntegerField(help_text=_("Indicators pre-filled."))
    total = serializers.IntegerField(help_text=_("Indicators of the new assessment's set that are entered."))
    from_assessment = serializers.IntegerField(
        allow_null=True, help_text=_("Id of the earlier assessment the values came from; null: none.")
    )
    from_year = serializers.IntegerField(allow_null=True)
    message = serializers.CharField(help_text=_("What was pre-filled, or why nothing was."))


class StartAnswerSerializer(AssessmentDetailSerializer):
    """The start's answer: the assessment, and what pre-filling did when it was asked for."""

    prefill = PrefillAnswerSerializer(read_only=True, allow_null=True, required=False)

    class Meta(AssessmentDetailSerializer.Meta):
        fields = [*AssessmentDetailSerializer.Meta.fields, "prefill"]


class StartInputSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=30, help_text=_("The unit's code."))
    year = serializers.IntegerField(min_value=2010, max_value=2100)
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.STANDARD)
    prefill = serializers.BooleanField(
        default=False,
        help_text=_(
            "Copy the values of the unit's previous assessment at this tier, whatever its set, into the "
            "indicators that are the same in the new set (code, value type, unit and wording)."
        ),
    )
    criteria_set = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=BIGINT_MAX,
        help_text=_(
            "Id of another published set than the one in force (then give a reason); left out: the set in force."
        ),
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("Why another set than the one in force; kept in the history."),
    )


@extend_schema_view(
    create=extend_schema(
        summary=_("Start (or open) a unit's assessment for a year and tier"),
        description=_(
            "One assessment per unit, tier and year: when the unit already has it, it is answered (200) "
            "instead of a second one being started (201). The set in force for the unit's province is used; "
            "another published set may be asked for with a reason."
        ),
        examples=[
            OpenApiExample(
                "The set in force", value={"unit": "40101", "year": 2024, "tier": "standard"}, request_only=True
            ),
            OpenApiExample(
                "Another set, with a reason",
                value={
                    "unit": "40101",
                    "year": 2021,
                    "tier": "standard",
                    "criteria_set": 3,
                    "reason": "Đánh giá theo QĐ 1980 theo Kế hoạch 12/KH-UBND của tỉnh",
                },
                request_only=True,
            ),
        ],
        tags=["assessments"],
        request=StartInputSerializer,
        responses={200: AssessmentDetailSerializer, 201: StartAnswerSerializer, **ERRORS},
    ),
    list=extend_schema(summary=_("Assessments in your area"), tags=["assessments"]),
    retrieve=extend_schema(
        summary=_("One assessment with its criteria results and your actions"), tags=["assessments"]
    ),
)
class AssessmentViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering = ("-year", "unit__name_sort", "unit__code", "tier", "pk")

    def create(self, request: Request, *args, **kwargs) -> Response:
        check_writes_somewhere(request.user)
        data = StartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = get_unit_for_user(request.user, data.validated_data["unit"], write=True)
        set_id = data.validated_data["criteria_set"]
        criteria_set = None if set_id is None else input_set(request.user, set_id)
        started = assessment_start(
            unit=unit,
            year=data.validated_data["year"],
            tier=data.validated_data["tier"],
            user=request.user,
            prefill=data.validated_data["prefill"],
            criteria_set=criteria_set,
            reason=data.validated_data["reason"],
        )
        code = status.HTTP_201_CREATED if started.created else status.HTTP_200_OK
        answer = assessment_answer(request, started.assessment.pk, status=code)
        if (prefill := started.prefill) is not None:
            answer.data["prefill"] = PrefillAnswerSerializer(
                {
                    "copied": prefill.copied,
                    "total": prefill.total,
                    "from_assessment": prefill.source.pk if prefill.source else None,
                    "from_year": prefill.source.year if prefill.source else None,
                    "message": prefill.message,
                }
            ).data
        return answer

    def list_rows(self) -> QuerySet[Assessment]:
        return with_title_revocation(Assessment.objects.select_related("unit", "criteria_set"))

    def detail_rows(self) -> QuerySet[Assessment]:
        return assessment_detail_rows()

    def get_serializer_class(self):
        return AssessmentDetailSerializer if self.action == "retrieve" else AssessmentSerializer


# --- Workflow -----------------------------------------------------------------------------


class AssessmentActionView(ApiErrorsMixin, APIView):
    """Submit, verify, return, appraise, recognise or revoke an assessment."""

    class ActionInputSerializer(serializers.Serializer):
        comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
        decision_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
        decision_date = serializers.DateField(required=False, allow_null=True, default=None)
        version = serializers.IntegerField(
            min_value=1, max_value=BIGINT_MAX, help_text=_("The assessment's version you read.")
        )

    @extend_schema(
        summary=_("Apply a workflow action"),
        description=_(
            "“return” and “revoke” need a comment; “recognise” needs the recognition decision's number and date, "
            "“revoke” the revocation decision's. Recognition needs every criterion met and the title of the tier below "
            "held on the decision's date (the ladder of the unit's level: a commune's or district's advanced tier needs "
            "the standard title and its model tier the advanced one; a village has no advanced tier, its model tier "
            "needs the standard village title). "
            "“record_recognition” records, on a summary record of a past report, the recognition decision the "
            "report gives (its number and date; the same checks as “recognise”). "
            "Answers the assessment with its new state and the actions now available."
        ),
        tags=["assessments"],
        parameters=[OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(ACTIONS))],
        request=ActionInputSerializer,
        responses={200: AssessmentDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        assessment = assessment_for_user(request.user, pk)
        check_role(request.user, assessment, action)
        serializer = self.ActionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            assessment_transition(
                assessment=assessment,
                action=action,
                user=request.user,
                comment=data["comment"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                expected_version=data["version"],
            )
        except StaleWriteError as exc:
            current = exc.current
            raise Conflict(exc.messages[0], current={"state": current.state, "version": current.version}) from exc
        return assessment_answer(request, assessment.pk)
