"""REST API: administrative units in the user's scope, addressed by their official code."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from communes.access import get_unit_for_user, units_for
from communes.models import AdministrativeUnit, CommuneGroup, Level, Region
from ntm_portal.api_errors import ApiErrorsMixin
from ntm_portal.api_fields import enum_output, unit_or_none


class UnitFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, help_text=_("Level of the unit."))
    parent = django_filters.CharFilter(field_name="parent__code", help_text=_("Code of the parent unit."))
    region = django_filters.ChoiceFilter(choices=Region.choices, help_text=_("Socio-economic region."))
    group = django_filters.TypedChoiceFilter(
        field_name="commune_group",
        choices=CommuneGroup.choices,
        coerce=int,
        help_text=_("Commune group of the 2026–2030 set (1–3)."),
    )
    subtree = django_filters.CharFilter(
        method="filter_subtree", help_text=_("Code of a unit: that unit and every unit below it.")
    )
    valid_on = django_filters.DateFilter(
        method="filter_valid_on", help_text=_("Only units that existed on this day (YYYY-MM-DD).")
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text=_("Name or code; ignores case and diacritics (“cam thach”).")
    )

    class Meta:
        model = AdministrativeUnit
        fields: list[str] = []

    def filter_subtree(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        unit = unit_or_none(value)
        return queryset.subtree(unit) if unit else queryset.none()

    def filter_valid_on(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.valid_on(value)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value)


class UnitRefSerializer(serializers.ModelSerializer):
    """A unit as others refer to it (in an assessment, in the breadcrumbs of a unit)."""

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "level"]

    level = enum_output(Level, "UnitLevel")


# The fields of a unit, in the list and (with its ancestors) in the detail.
UNIT_FIELDS = [
    "code",
    "name",
    "level",
    "type",
    "parent",
    "region",
    "commune_group",
    "especially_disadvantaged",
    "valid_from",
    "valid_to",
]


@extend_schema_view(
    list=extend_schema(summary=_("Units in your area"), tags=["units"]),
    retrieve=extend_schema(summary=_("One unit"), tags=["units"]),
)
class UnitViewSet(ApiErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Provinces, districts, communes and villages the user may read, in Vietnamese order."""

    class UnitSerializer(serializers.ModelSerializer):
        level = enum_output(Level, "UnitLevel")
        region = enum_output(Region, "Region", blank=True)
        commune_group = enum_output(CommuneGroup, "CommuneGroup", blank=True)
        parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # a province: none

        class Meta:
            model = AdministrativeUnit
            fields = UNIT_FIELDS

    class UnitDetailSerializer(UnitSerializer):
        ancestors = serializers.SerializerMethodField(help_text=_("Units above this one, from the province down."))

        class Meta:
            model = AdministrativeUnit
            fields = [*UNIT_FIELDS, "ancestors"]

        @extend_schema_field(UnitRefSerializer(many=True))
        def get_ancestors(self, unit: AdministrativeUnit) -> list[dict]:
            return UnitRefSerializer(unit.ancestors(), many=True).data

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9][A-Za-z0-9._-]{0,29}"

    def get_queryset(self) -> QuerySet[AdministrativeUnit]:
        # Codes are unique, so name then code is a total order: pages never overlap.
        return units_for(self.request.user).select_related("parent").order_by("name_sort", "code")

    def get_serializer_class(self):
        return self.UnitDetailSerializer if self.action == "retrieve" else self.UnitSerializer

    def get_object(self) -> AdministrativeUnit:
        return get_unit_for_user(self.request.user, self.kwargs["code"])
