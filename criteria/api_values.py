"""REST API: an assessment's indicator values — read them all, write one or many, all or nothing.

Objects come only through ``communes.access``; writes only through ``criteria.services``.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from criteria.api import ERRORS, AssessmentSerializer, assessment_for_user
from criteria.figures import with_title_revocation
from criteria.forms import NOTE_MAX_LENGTH
from criteria.models import Assessment, Comparison, Indicator, IndicatorValue, Outcome, ValueType
from criteria.services import StaleWriteError, ValueEntry, assessment_record_values
from ntm_portal.api_errors import ApiErrorsMixin, Conflict
from ntm_portal.api_fields import BIGINT_MAX, IntegerFilter, RawValueField, json_number

MSG_DUPLICATE_CODE = _("This indicator appears more than once in the request.")


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "boolean"}], "nullable": True})
class StoredValueField(serializers.Field):
    def to_representation(self, value):
        return json_number(value)


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
            "with what is stored now, unless it holds what is stored now (saved as it stands)."
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
        assessment = with_title_revocation(Assessment.objects.select_related("unit", "criteria_set")).get(
            pk=assessment.pk
        )
        indicators = (
            Indicator.objects.filter(criteria_set_id=assessment.criteria_set_id, code__in=[e.code for e in entries])
            .select_related("criterion")
            .order_by("criterion__number", "position", "pk")
        )
        body = {"assessment": assessment, "values": value_rows(assessment, indicators)}
        return Response(self.ValuesWrittenSerializer(body, context=self.get_serializer_context()).data)
