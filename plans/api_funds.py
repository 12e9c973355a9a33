"""REST API: funds by month and source — read and write (``funds/`` and ``funds/summary/``,
registered by ``plans.api.register``). The same rules as ``plans.api``: objects through
``communes.access``, writes through ``plans.services``, a stale write answers 409.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from communes import permissions
from communes.access import check_writes_somewhere, get_unit_for_user
from criteria.api_years import YearShownField, YearShownFilter
from ntm_portal.api_errors import Conflict, error_responses
from ntm_portal.api_fields import (
    INT_MAX,
    IntegerFilter,
    RawValueField,
    WithinFilterMixin,
    username_or_none,
)
from ntm_portal.api_views import ScopedReadOnlyViewSet
from plans import selectors
from plans.models import FundEntry, FundSource
from plans.services import (
    FundCell,
    StaleWriteError,
    funds_record,
)

_ERRORS = error_responses(_("Invalid values, keyed by field (funds: by “month-source”)."))


class FundFilter(WithinFilterMixin, django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", help_text=_("Code of the unit (its own entries)."))
    within = django_filters.CharFilter(
        method="filter_within", help_text=_("Code of a unit: entries of that unit and every unit below it.")
    )
    year = YearShownFilter()
    month = IntegerFilter(max_value=12)
    source = django_filters.ChoiceFilter(choices=FundSource.choices)

    class Meta:
        model = FundEntry
        fields: list[str] = []


class FundEntrySerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    amount = serializers.IntegerField(read_only=True, help_text=_("đồng"))
    entered_by = serializers.SerializerMethodField()

    class Meta:
        model = FundEntry
        fields = ["id", "unit", "year", "month", "source", "amount", "note", "version", "entered_by", "entered_at"]

    def get_entered_by(self, entry: FundEntry) -> str | None:
        return username_or_none(entry.entered_by)


class FundsInputSerializer(serializers.Serializer):
    class CellSerializer(serializers.Serializer):
        month = serializers.IntegerField(min_value=-INT_MAX, max_value=INT_MAX)
        source = serializers.CharField(
            max_length=20, help_text=_("One of: %(sources)s.") % {"sources": ", ".join(FundSource.values)}
        )
        amount = RawValueField(
            allow_null=True,
            help_text=_("đồng: a whole number, or text as typed (“31.003.700.000”); null or empty clears the cell."),
        )
        version = serializers.IntegerField(
            min_value=0, max_value=INT_MAX, help_text=_("The version you read (0 when the cell was empty).")
        )
        note = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=500)

    unit = serializers.CharField(max_length=30, help_text=_("Code of the unit."))
    year = YearShownField(help_text=_("Funds are recorded for months that have begun."))
    entries = CellSerializer(many=True, allow_empty=False, max_length=12 * len(FundSource.values))


class FundsWrittenSerializer(serializers.Serializer):
    unit = serializers.CharField()
    year = serializers.IntegerField()
    entries = FundEntrySerializer(many=True, help_text=_("The cells written that hold an amount now."))


class SourceAmountSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=FundSource.choices)
    label = serializers.CharField()
    in_month = serializers.IntegerField(help_text=_("đồng, in the last month counted"))
    to_date = serializers.IntegerField(help_text=_("đồng, January to the last month counted"))


class UnitFundsSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    own = serializers.BooleanField(help_text=_("The unit's own entries (not a unit below it)."))
    amounts = serializers.DictField(child=serializers.IntegerField(), help_text=_("đồng by source"))
    total = serializers.IntegerField()


class FundsSummarySerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit_code")
    year = serializers.IntegerField()
    upto = serializers.IntegerField(help_text=_("The last month counted."))
    total_in_month = serializers.IntegerField()
    total_to_date = serializers.IntegerField()
    by_source = SourceAmountSerializer(many=True)
    by_unit = serializers.SerializerMethodField(help_text=_("Each unit one level down, and the unit's own entries."))

    @extend_schema_field(UnitFundsSerializer(many=True))
    def get_by_unit(self, summary) -> list[dict]:
        return [
            {
                "code": u.code,
                "name": u.name,
                "own": u.own,
                "amounts": {s: int(a) for s, a in zip(FundSource.values, u.amounts, strict=True)},
                "total": int(u.total),
            }
            for u in summary.by_unit
        ]


class FundsSummaryQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=30, help_text=_("Code of the unit."))
    year = YearShownField()
    month = serializers.IntegerField(
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("Count January to this month (default: the whole year, or to this month for this year)."),
    )


@extend_schema_view(
    list=extend_schema(summary=_("Funds entries in your area"), tags=["plans"]),
    retrieve=extend_schema(summary=_("One funds entry"), tags=["plans"]),
)
class FundViewSet(ScopedReadOnlyViewSet):
    """Money mobilised per unit, month and source (đồng); totals roll up the tree."""

    serializer_class = FundEntrySerializer
    filterset_class = FundFilter
    ordering = ("unit__name_sort", "unit__code", "year", "month", "source", "pk")

    def list_rows(self) -> QuerySet[FundEntry]:
        return FundEntry.objects.select_related("unit", "entered_by")

    def detail_rows(self) -> QuerySet[FundEntry]:
        return FundEntry.objects.select_related("entered_by")

    @extend_schema(
        summary=_("Record funds"),
        description=_(
            "All or nothing, for one unit and year. Each cell carries the version it was based on; a stale one "
            "answers 409 with what is stored now in every stale cell, unless it holds what is stored now (saved as "
            "it stands)."
        ),
        tags=["plans"],
        request=FundsInputSerializer,
        responses={200: FundsWrittenSerializer, **_ERRORS},
    )
    def create(self, request: Request) -> Response:
        check_writes_somewhere(request.user, permissions.FUNDS_ROLES)
        serializer = FundsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = get_unit_for_user(request.user, data["unit"])
        cells = [
            FundCell(
                month=e["month"], source=e["source"], raw=e["amount"], expected_version=e["version"], note=e.get("note")
            )
            for e in data["entries"]
        ]
        try:
            written = funds_record(unit=unit, year=data["year"], cells=cells, user=request.user)
        except StaleWriteError as exc:
            current = {
                key: {"amount": int(e.amount), "version": e.version} if e else {"amount": None, "version": 0}
                for key, e in exc.current.items()
            }
            raise Conflict(exc.messages[0], current=current) from exc
        entries = FundEntry.objects.filter(pk__in=[e.pk for e in written.values() if e]).select_related(
            "unit", "entered_by"
        )
        body = {"unit": unit.code, "year": data["year"], "entries": entries.order_by("month", "source")}
        return Response(FundsWrittenSerializer(body).data)

    @extend_schema(
        summary=_("Funds of a unit and everything below it"),
        description=_(
            "Totals by source and by unit one level down; a commune counts once in its district and province."
        ),
        tags=["plans"],
        parameters=[FundsSummaryQuerySerializer],
        responses={200: FundsSummarySerializer, **_ERRORS},
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def summary(self, request: Request) -> Response:
        query = FundsSummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = get_unit_for_user(request.user, query.validated_data["unit"])
        year = query.validated_data["year"]
        summary = selectors.funds_summary(unit=unit, year=year, month=query.validated_data.get("month"))
        return Response(FundsSummarySerializer(summary).data)
