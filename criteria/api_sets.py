"""REST API: the criteria catalog — published sets with their criteria, indicators and targets.

Public to any signed-in user (a province's own sets inside it; drafts only to the catalog's staff).
"""

from __future__ import annotations

import django_filters
from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from communes.models import CommuneGroup, Region
from criteria import access_sets
from criteria.models import CriteriaSet, Criterion, CriterionGroup, Indicator, SetLevel, SetStatus, Target, Tier
from ntm_portal.api_errors import ApiErrorsMixin
from ntm_portal.api_fields import ID_PATTERN, IntegerFilter, NumberOutField, enum_output


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
    lookup_value_regex = ID_PATTERN

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
