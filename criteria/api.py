"""REST API: the criteria catalog, assessments, their indicator values and workflow actions.

Objects come only through ``communes.access``; writes only through ``criteria.services``.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from communes.access import get_object_for_user, get_unit_for_user, scope_queryset
from communes.api import UnitRefSerializer
from communes.models import CommuneGroup, Level, Region
from criteria import access_sets
from criteria.forms import NOTE_MAX_LENGTH
from criteria.models import (
    Assessment,
    AssessmentState,
    Comparison,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    CriterionResult,
    Indicator,
    IndicatorValue,
    Outcome,
    SetLevel,
    SetStatus,
    Target,
    Tier,
    ValueType,
)
from criteria.services import (
    ACTIONS,
    StaleWriteError,
    ValueEntry,
    assessment_record_values,
    assessment_start,
    assessment_transition,
)
from criteria.services.workflow import available_actions, check_role
from ntm_portal.api_errors import ApiErrorsMixin, Conflict, error_responses
from ntm_portal.api_fields import BIGINT_MAX, IntegerFilter, RawValueField, WithinFilterMixin, checked_id, enum_output

MSG_DUPLICATE_CODE = _("This indicator appears more than once in the request.")
MSG_NO_SUCH_SET = _("No published criteria set has this id.")

ERRORS = error_responses(_("Invalid values, keyed by field or indicator code."))


def json_number(value: Decimal | bool | None) -> int | float | bool | None:
    """A stored value as JSON: a boolean for yes/no, a number otherwise (85 rather than 85.0000)."""
    if value is None or isinstance(value, bool):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


@extend_schema_field({"type": "number", "nullable": True})
class NumberOutField(serializers.Field):
    def to_representation(self, value):
        return json_number(value)


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "boolean"}], "nullable": True})
class StoredValueField(serializers.Field):
    def to_representation(self, value):
        return json_number(value)


def assessment_for_user(user, pk: int | str, *, write: bool = False) -> Assessment:
    """One assessment in the user's scope (404 outside it; 403 read-only with ``write``)."""
    return get_object_for_user(
        user, Assessment.objects.select_related("criteria_set"), unit_field="unit", write=write, pk=checked_id(pk)
    )


# --- Criteria sets ------------------------------------------------------------------------


class CriteriaSetFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=SetLevel.choices)
    tier = django_filters.ChoiceFilter(choices=Tier.choices)
    status = django_filters.ChoiceFilter(choices=SetStatus.choices)
    code = django_filters.CharFilter()
    year = IntegerFilter(method="filter_year", help_text=_("Sets that apply to this year."))
    issuer = django_filters.CharFilter(
        field_name="issuer__code", help_text=_("Code of the issuing province (national sets have none).")
    )

    class Meta:
        model = CriteriaSet
        fields: list[str] = []

    def filter_year(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.covering(value)


class TargetSerializer(serializers.ModelSerializer):
    region = enum_output(Region, "Region", blank=True)
    commune_group = enum_output(CommuneGroup, "CommuneGroup", blank=True)
    value = NumberOutField(help_text=_("For a yes/no indicator compared with “=”: 1 for yes, 0 for no."))

    class Meta:
        model = Target
        fields = ["value", "region", "commune_group", "year", "to_verify"]


class IndicatorSerializer(serializers.ModelSerializer):
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "value_type",
            "unit",
            "comparison",
            "required",
            "conditional",
            "target_by_province",
            "targets",
        ]


class CriterionSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["number", "name", "group", "indicators"]


class CriteriaSetRefSerializer(serializers.ModelSerializer):
    level = enum_output(SetLevel, "SetLevel")

    class Meta:
        model = CriteriaSet
        fields = ["id", "code", "version", "short_name", "level", "tier"]


# The fields of a set, in the list and (with its content) in the detail.
SET_FIELDS = [
    "id",
    "code",
    "version",
    "name",
    "short_name",
    "issuer",
    "decision_number",
    "decision_date",
    "effective_date",
    "level",
    "tier",
    "year_from",
    "year_to",
    "status",
    "target_basis",
    "disadvantaged_region",
    "supersedes",
]


@extend_schema_view(
    list=extend_schema(summary=_("Criteria sets"), tags=["criteria sets"]),
    retrieve=extend_schema(
        summary=_("One criteria set with its criteria, indicators and targets"), tags=["criteria sets"]
    ),
)
class CriteriaSetViewSet(ApiErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """The catalog: public to any signed-in user; drafts only to staff."""

    class CriteriaSetSerializer(serializers.ModelSerializer):
        level = enum_output(SetLevel, "SetLevel")
        disadvantaged_region = enum_output(Region, "Region", blank=True)
        issuer = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # national: null

        class Meta:
            model = CriteriaSet
            fields = SET_FIELDS

    class CriteriaSetDetailSerializer(CriteriaSetSerializer):
        groups = serializers.SerializerMethodField()
        criteria = CriterionSerializer(many=True, read_only=True)

        class Meta:
            model = CriteriaSet
            fields = [*SET_FIELDS, "groups", "criteria"]

        @extend_schema_field(
            {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
                    "required": ["code", "name"],
                },
            }
        )
        def get_groups(self, criteria_set: CriteriaSet) -> list[dict]:
            return [{"code": g.code, "name": g.name} for g in criteria_set.groups.all()]

    serializer_class = CriteriaSetSerializer
    filterset_class = CriteriaSetFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[CriteriaSet]:
        # National sets for everyone (drafts for the catalog's staff); a province's only inside it.
        qs = CriteriaSet.objects.select_related("issuer").filter(access_sets.readable_q(self.request.user))
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("groups", queryset=CriterionGroup.objects.order_by("position", "pk")),
                Prefetch("criteria", queryset=Criterion.objects.select_related("group").order_by("number")),
                Prefetch("criteria__indicators", queryset=Indicator.objects.order_by("position", "pk")),
                Prefetch(
                    "criteria__indicators__targets",
                    # The general target first, then by scope; NULLs first on both databases.
                    queryset=Target.objects.order_by(
                        "region", F("commune_group").asc(nulls_first=True), F("year").asc(nulls_first=True), "pk"
                    ),
                ),
            )
        # (code, version) is unique: a total order.
        return qs.order_by("-year_from", "level", "tier", "code", "-version")

    def get_serializer_class(self):
        return self.CriteriaSetDetailSerializer if self.action == "retrieve" else self.CriteriaSetSerializer


# --- Assessments --------------------------------------------------------------------------


class AssessmentFilter(WithinFilterMixin, django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", help_text=_("Code of the assessed unit."))
    within = django_filters.CharFilter(
        method="filter_within", help_text=_("Code of a unit: assessments of that unit and every unit below it.")
    )
    level = django_filters.ChoiceFilter(field_name="unit__level", choices=Level.choices)
    year = IntegerFilter()
    criteria_set = IntegerFilter(field_name="criteria_set_id", help_text=_("Id of the criteria set."))
    tier = django_filters.ChoiceFilter(field_name="tier", choices=Tier.choices)
    state = django_filters.MultipleChoiceFilter(choices=AssessmentState.choices, help_text=_("One or more states."))

    class Meta:
        model = Assessment
        fields: list[str] = []


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


def assessment_detail(user, pk: int) -> Assessment:
    results = CriterionResult.objects.select_related("criterion").order_by("criterion__number")
    qs = Assessment.objects.select_related("unit", "criteria_set").prefetch_related(
        Prefetch("results", queryset=results)
    )
    return get_object_for_user(user, qs, unit_field="unit", pk=pk)


class StartInputSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=30, help_text=_("The unit's code."))
    year = serializers.IntegerField(min_value=2010, max_value=2100)
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.STANDARD)
    prefill = serializers.BooleanField(default=False, help_text=_("Copy last year's values (same set)."))
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
        responses={200: AssessmentDetailSerializer, 201: AssessmentDetailSerializer, **ERRORS},
    ),
    list=extend_schema(summary=_("Assessments in your area"), tags=["assessments"]),
    retrieve=extend_schema(
        summary=_("One assessment with its criteria results and your actions"), tags=["assessments"]
    ),
)
class AssessmentViewSet(ApiErrorsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = StartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = get_unit_for_user(request.user, data.validated_data["unit"], write=True)
        criteria_set = None
        if data.validated_data["criteria_set"] is not None:
            criteria_set = CriteriaSet.objects.published().filter(pk=data.validated_data["criteria_set"]).first()
            if criteria_set is None:
                raise serializers.ValidationError({"criteria_set": [MSG_NO_SUCH_SET]})
        started = assessment_start(
            unit=unit,
            year=data.validated_data["year"],
            tier=data.validated_data["tier"],
            user=request.user,
            prefill=data.validated_data["prefill"],
            criteria_set=criteria_set,
            reason=data.validated_data["reason"],
        )
        detail = assessment_detail(request.user, started.assessment.pk)
        body = AssessmentDetailSerializer(detail, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if started.created else status.HTTP_200_OK)

    def get_queryset(self) -> QuerySet[Assessment]:
        qs = Assessment.objects.select_related("unit", "criteria_set")
        return scope_queryset(self.request.user, qs, unit_field="unit").order_by(
            "-year", "unit__name_sort", "unit__code", "tier", "pk"
        )

    def get_serializer_class(self):
        return AssessmentDetailSerializer if self.action == "retrieve" else AssessmentSerializer

    def get_object(self) -> Assessment:
        return assessment_detail(self.request.user, checked_id(self.kwargs["pk"]))


# --- Indicator values ---------------------------------------------------------------------


class ValueFilter(django_filters.FilterSet):
    criterion = IntegerFilter(field_name="criterion__number", help_text=_("Criterion number."))
    code = django_filters.CharFilter(help_text=_("Indicator code."))
    required = django_filters.BooleanFilter()

    class Meta:
        model = Indicator
        fields: list[str] = []


class ValueRowSerializer(serializers.Serializer):
    """One indicator of the assessment's set with what is stored for it (version 0: nothing yet)."""

    code = serializers.CharField()
    name = serializers.CharField()
    criterion = serializers.IntegerField(source="criterion.number")
    value_type = serializers.ChoiceField(choices=ValueType.choices)
    unit = serializers.CharField()
    comparison = serializers.ChoiceField(choices=Comparison.choices)
    required = serializers.BooleanField()
    conditional = serializers.BooleanField(
        help_text=_("Applies only where the object exists (“nếu có”): may be set not applicable.")
    )
    value = StoredValueField(source="stored.value", default=None)
    not_applicable = serializers.BooleanField(
        source="stored.not_applicable",
        default=False,
        help_text=_(
            "Set “không áp dụng” (the note says why); the criterion is met when its applicable indicators are."
        ),
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices, source="stored.outcome", default=Outcome.MISSING)
    note = serializers.CharField(source="stored.note", default="")
    version = serializers.IntegerField(source="stored.version", default=0)
    updated_by = serializers.CharField(source="stored.updated_by.username", default=None, allow_null=True)
    updated_at = serializers.DateTimeField(source="stored.updated_at", default=None, allow_null=True)


def current_of(stored: IndicatorValue | None) -> dict:
    """What is stored now, as the 409 answer shows it."""
    if stored is None:
        return {"value": None, "version": 0, "updated_by": None, "updated_at": None}
    return {
        "value": json_number(stored.value),
        "version": stored.version,
        "updated_by": stored.updated_by.username if stored.updated_by else None,
        "updated_at": serializers.DateTimeField().to_representation(stored.updated_at),
    }


def value_rows(assessment: Assessment, indicators) -> list[Indicator]:
    """Attach to each indicator what is stored for it in this assessment (one query)."""
    indicators = list(indicators)
    stored = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            assessment=assessment, indicator__in=[i.pk for i in indicators]
        ).select_related("updated_by")
    }
    for indicator in indicators:
        indicator.stored = stored.get(indicator.pk)
    return indicators


class AssessmentValuesView(ApiErrorsMixin, generics.ListAPIView):
    """Read every indicator's value of an assessment; write one or many, all or nothing."""

    class ValuesInputSerializer(serializers.Serializer):
        class ValueEntrySerializer(serializers.Serializer):
            code = serializers.CharField(max_length=12)
            value = RawValueField(allow_null=True)
            note = serializers.CharField(
                required=False,
                allow_blank=True,
                allow_null=True,
                max_length=NOTE_MAX_LENGTH,
                help_text=_("Left out or null: keep the stored note."),
            )
            version = serializers.IntegerField(
                min_value=0,
                max_value=BIGINT_MAX,
                help_text=_("The version you read (0 when there was no value yet)."),
            )

        values = ValueEntrySerializer(many=True, allow_empty=False, max_length=1000)
        comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

        def validate(self, data: dict) -> dict:
            seen: set[str] = set()
            duplicates = {e["code"] for e in data["values"] if e["code"] in seen or seen.add(e["code"])}
            if duplicates:
                raise serializers.ValidationError({code: [MSG_DUPLICATE_CODE] for code in sorted(duplicates)})
            return data

    class ValuesWrittenSerializer(serializers.Serializer):
        assessment = AssessmentSerializer()
        values = ValueRowSerializer(many=True)

    serializer_class = ValueRowSerializer
    filterset_class = ValueFilter

    def get_queryset(self) -> QuerySet[Indicator]:
        if getattr(self, "swagger_fake_view", False):
            return Indicator.objects.none()
        return (
            Indicator.objects.filter(criteria_set_id=self.assessment.criteria_set_id)
            .select_related("criterion")
            .order_by("criterion__number", "position", "pk")
        )

    @extend_schema(summary=_("An assessment's indicator values"), tags=["assessments"])
    def get(self, request: Request, pk: int) -> Response:
        self.assessment = assessment_for_user(request.user, pk)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = value_rows(self.assessment, page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        summary=_("Record values"),
        description=_(
            "All or nothing. Each entry carries the version it was based on; a stale one answers 409 "
            "with what is stored now."
        ),
        tags=["assessments"],
        request=ValuesInputSerializer,
        responses={200: ValuesWrittenSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = assessment_for_user(request.user, pk, write=True)
        serializer = self.ValuesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entries = [
            ValueEntry(code=e["code"], raw=e["value"], note=e.get("note"), expected_version=e["version"])
            for e in data["values"]
        ]
        try:
            assessment_record_values(assessment=assessment, entries=entries, user=request.user, comment=data["comment"])
        except StaleWriteError as exc:
            raise Conflict(exc.messages[0], code=exc.params["indicator"], current=current_of(exc.current)) from exc
        assessment = Assessment.objects.select_related("unit", "criteria_set").get(pk=assessment.pk)
        indicators = (
            Indicator.objects.filter(criteria_set_id=assessment.criteria_set_id, code__in=[e.code for e in entries])
            .select_related("criterion")
            .order_by("criterion__number", "position", "pk")
        )
        body = {"assessment": assessment, "values": value_rows(assessment, indicators)}
        return Response(self.ValuesWrittenSerializer(body, context=self.get_serializer_context()).data)


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
            "“revoke” the revocation decision's. Recognition needs every criterion met and the tier below held. "
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
        detail = assessment_detail(request.user, assessment.pk)
        return Response(AssessmentDetailSerializer(detail, context={"request": request}).data)
