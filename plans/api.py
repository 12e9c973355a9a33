"""REST API: registered targets and province targets — read and write (funds: ``api_funds``).

Objects come only through ``communes.access`` (a list is the user's scope; one object outside
it is 404); writes only through ``plans.services``, with the same permissions as the pages. A
write carries the version it was based on; a stale one answers 409 with what is stored now.

Routes (``register(router)`` adds them to the project's router under ``/api/v1/``):
``registered-targets/``, ``province-targets/``, ``funds/`` and ``funds/summary/``.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from communes import permissions
from communes.access import check_writes_somewhere, get_unit_for_user
from communes.api import UnitRefSerializer
from communes.models import Level
from criteria.models import Tier
from ntm_portal.api_errors import Conflict, error_responses
from ntm_portal.api_fields import (
    INT_MAX,
    IntegerFilter,
    RawValueField,
    WithinFilterMixin,
    username_or_none,
)
from ntm_portal.api_views import ScopedReadOnlyViewSet
from plans.api_funds import FundViewSet
from plans.models import ProvinceTarget, ProvinceTargetChange, RegisteredTarget, RegisteredTargetChange
from plans.services import (
    PeriodTakenError,
    ProvinceTargetInput,
    StaleWriteError,
    province_target_save,
    registered_target_set,
    registered_target_withdraw,
)

_ERRORS = error_responses(_("Invalid values, keyed by field (funds: by “month-source”)."))


# --- Registered targets -----------------------------------------------------------------------


class RegisteredTargetFilter(WithinFilterMixin, django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", help_text=_("Code of the unit."))
    within = django_filters.CharFilter(
        method="filter_within", help_text=_("Code of a unit: targets of that unit and every unit below it.")
    )
    level = django_filters.ChoiceFilter(field_name="unit__level", choices=Level.choices)
    tier = django_filters.ChoiceFilter(choices=Tier.choices)
    target_year = IntegerFilter(max_value=9999)

    class Meta:
        model = RegisteredTarget
        fields: list[str] = []


class TargetChangeSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()

    class Meta:
        model = RegisteredTargetChange
        fields = ["old_year", "new_year", "basis", "user", "at"]

    def get_user(self, change: RegisteredTargetChange) -> str | None:
        return username_or_none(change.user)


class RegisteredTargetSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    set_by = serializers.SerializerMethodField()

    class Meta:
        model = RegisteredTarget
        fields = ["id", "unit", "tier", "target_year", "basis", "version", "set_by", "set_at", "withdrawn_at"]
        extra_kwargs = {
            "withdrawn_at": {
                "help_text": _("When the target was withdrawn (null: in force); it is then neither due nor overdue.")
            }
        }

    def get_set_by(self, target: RegisteredTarget) -> str | None:
        return username_or_none(target.set_by)


class RegisteredTargetDetailSerializer(RegisteredTargetSerializer):
    changes = TargetChangeSerializer(many=True, read_only=True, help_text=_("Every change, oldest first."))

    class Meta(RegisteredTargetSerializer.Meta):
        fields = [*RegisteredTargetSerializer.Meta.fields, "changes"]


def _target_current(target: RegisteredTarget | None) -> dict:
    if target is None:
        return {"target_year": None, "basis": "", "version": 0, "withdrawn_at": None}
    return {
        "target_year": target.target_year,
        "basis": target.basis,
        "version": target.version,
        "withdrawn_at": target.withdrawn_at,
    }


@extend_schema_view(
    list=extend_schema(summary=_("Registered targets in your area"), tags=["plans"]),
    retrieve=extend_schema(summary=_("One registered target with its history"), tags=["plans"]),
)
class RegisteredTargetViewSet(ScopedReadOnlyViewSet):
    """The year each district, commune or village plans to reach each tier."""

    class TargetInputSerializer(serializers.Serializer):
        unit = serializers.CharField(max_length=30, help_text=_("Code of the unit."))
        tier = serializers.ChoiceField(choices=Tier.choices)
        target_year = serializers.IntegerField(min_value=0, max_value=9999)
        basis = serializers.CharField(max_length=300, help_text=_("The decision or plan that sets the target."))
        version = serializers.IntegerField(
            min_value=0, max_value=INT_MAX, help_text=_("The version you read (0 when there was no target yet).")
        )

    class TargetChangeInputSerializer(serializers.Serializer):
        target_year = serializers.IntegerField(min_value=0, max_value=9999, required=False)
        basis = serializers.CharField(max_length=300, required=False)
        withdrawn = serializers.BooleanField(
            required=False, help_text=_("true: withdraw the target (with a reason); it stays in the history.")
        )
        reason = serializers.CharField(
            max_length=300, required=False, allow_blank=True, help_text=_("Why the target is withdrawn.")
        )
        version = serializers.IntegerField(min_value=1, max_value=INT_MAX, help_text=_("The version you read."))

    serializer_class = RegisteredTargetSerializer
    filterset_class = RegisteredTargetFilter
    ordering = ("unit__name_sort", "unit__code", "tier")

    def list_rows(self) -> QuerySet[RegisteredTarget]:
        return RegisteredTarget.objects.select_related("unit", "set_by")

    def detail_rows(self) -> QuerySet[RegisteredTarget]:
        return RegisteredTarget.objects.select_related("set_by").prefetch_related(
            Prefetch("changes", queryset=RegisteredTargetChange.objects.select_related("user").order_by("at", "pk"))
        )

    def get_serializer_class(self):
        return RegisteredTargetDetailSerializer if self.action == "retrieve" else RegisteredTargetSerializer

    def _save(self, *, unit, tier, target_year, basis, version) -> RegisteredTarget:
        try:
            target = registered_target_set(
                unit=unit,
                tier=tier,
                target_year=target_year,
                basis=basis,
                user=self.request.user,
                expected_version=version,
            )
        except StaleWriteError as exc:
            raise Conflict(exc.messages[0], current=_target_current(exc.current)) from exc
        return self.one(target.pk)

    @extend_schema(
        summary=_("Register or change a target"),
        description=_("Sets the year a unit plans to reach a tier; answers 201 for a new target, 200 for a change."),
        tags=["plans"],
        request=TargetInputSerializer,
        responses={200: RegisteredTargetDetailSerializer, 201: RegisteredTargetDetailSerializer, **_ERRORS},
    )
    def create(self, request: Request) -> Response:
        check_writes_somewhere(request.user, permissions.REGISTERED_TARGET_ROLES)
        serializer = self.TargetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = get_unit_for_user(request.user, data["unit"])
        target = self._save(
            unit=unit, tier=data["tier"], target_year=data["target_year"], basis=data["basis"], version=data["version"]
        )
        code = status.HTTP_201_CREATED if data["version"] == 0 else status.HTTP_200_OK
        return Response(RegisteredTargetDetailSerializer(target).data, status=code)

    @extend_schema(
        summary=_("Change a target's year or basis"),
        description=_(
            "With withdrawn true and a reason, withdraws the target; a year or basis on a withdrawn target "
            "registers it again."
        ),
        tags=["plans"],
        request=TargetChangeInputSerializer,
        responses={200: RegisteredTargetDetailSerializer, **_ERRORS},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        target = self.get_object()
        serializer = self.TargetChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("withdrawn"):
            try:
                registered_target_withdraw(
                    unit=target.unit,
                    tier=target.tier,
                    reason=data.get("reason", ""),
                    user=request.user,
                    expected_version=data["version"],
                )
            except StaleWriteError as exc:
                raise Conflict(exc.messages[0], current=_target_current(exc.current)) from exc
            return Response(RegisteredTargetDetailSerializer(self.one(target.pk)).data)
        saved = self._save(
            unit=target.unit,
            tier=target.tier,
            target_year=data.get("target_year", target.target_year),
            basis=data.get("basis", target.basis),
            version=data["version"],
        )
        return Response(RegisteredTargetDetailSerializer(saved).data)


# --- Province targets -------------------------------------------------------------------------


class ProvinceTargetFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(field_name="province__code", help_text=_("Code of the province."))
    year = IntegerFilter(method="filter_year", max_value=9999, help_text=_("Targets whose period covers this year."))

    class Meta:
        model = ProvinceTarget
        fields: list[str] = []

    def filter_year(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(period_from__lte=value, period_to__gte=value)


class ProvinceTargetSerializer(serializers.ModelSerializer):
    province = UnitRefSerializer(read_only=True)
    villages_recognised_share = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True, read_only=True
    )
    entered_by = serializers.SerializerMethodField()

    class Meta:
        model = ProvinceTarget
        fields = [
            "id",
            "province",
            "period_from",
            "period_to",
            "communes_standard",
            "communes_advanced",
            "communes_model",
            "min_criteria",
            "villages_recognised_share",
            "basis",
            "version",
            "entered_by",
            "entered_at",
        ]

    def get_entered_by(self, target: ProvinceTarget) -> str | None:
        return username_or_none(target.entered_by)


class ProvinceTargetChangeSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()
    changes = serializers.JSONField(
        help_text=_("The figures changed, each as [old, new] (old null on the first entry; the share as text).")
    )

    class Meta:
        model = ProvinceTargetChange
        fields = ["changes", "user", "at"]

    def get_user(self, change: ProvinceTargetChange) -> str | None:
        return username_or_none(change.user)


class ProvinceTargetDetailSerializer(ProvinceTargetSerializer):
    changes = ProvinceTargetChangeSerializer(many=True, read_only=True, help_text=_("Every change, oldest first."))

    class Meta(ProvinceTargetSerializer.Meta):
        fields = [*ProvinceTargetSerializer.Meta.fields, "changes"]


_COUNT = {"min_value": 0, "max_value": 10**6}
_YEAR = {"min_value": 0, "max_value": 9999}


class ProvinceTargetInputSerializer(serializers.Serializer):
    period_from = serializers.IntegerField(**_YEAR)
    period_to = serializers.IntegerField(**_YEAR)
    communes_standard = serializers.IntegerField(default=0, **_COUNT)
    communes_advanced = serializers.IntegerField(default=0, **_COUNT)
    communes_model = serializers.IntegerField(default=0, **_COUNT)
    min_criteria = serializers.IntegerField(required=False, allow_null=True, default=None, **_COUNT)
    villages_recognised_share = RawValueField(
        required=False, allow_null=True, default=None, help_text=_("Percent: a number or text such as “62,5”.")
    )
    basis = serializers.CharField(max_length=300)


class ProvinceTargetCreateSerializer(ProvinceTargetInputSerializer):
    province = serializers.CharField(max_length=30, help_text=_("Code of the province."))


class ProvinceTargetUpdateSerializer(ProvinceTargetInputSerializer):
    version = serializers.IntegerField(min_value=1, max_value=INT_MAX, help_text=_("The version you read."))


@extend_schema_view(
    list=extend_schema(summary=_("Province targets in your area"), tags=["plans"]),
    retrieve=extend_schema(summary=_("One province's targets for a period"), tags=["plans"]),
)
class ProvinceTargetViewSet(ScopedReadOnlyViewSet):
    """A province's targets for a period, entered by its coordination office."""

    serializer_class = ProvinceTargetSerializer
    filterset_class = ProvinceTargetFilter
    unit_field = "province"
    ordering = ("province__code", "-period_to", "-period_from", "pk")

    def list_rows(self) -> QuerySet[ProvinceTarget]:
        return ProvinceTarget.objects.select_related("province", "entered_by")

    def detail_rows(self) -> QuerySet[ProvinceTarget]:
        return ProvinceTarget.objects.select_related("entered_by").prefetch_related(
            Prefetch("changes", queryset=ProvinceTargetChange.objects.select_related("user").order_by("at", "pk"))
        )

    def get_serializer_class(self):
        return ProvinceTargetDetailSerializer if self.action == "retrieve" else ProvinceTargetSerializer

    @staticmethod
    def _input(data: dict) -> ProvinceTargetInput:
        return ProvinceTargetInput(**{k: data[k] for k in ProvinceTargetInputSerializer().fields})

    @extend_schema(
        summary=_("Enter a province's targets for a period"),
        tags=["plans"],
        request=ProvinceTargetCreateSerializer,
        responses={201: ProvinceTargetSerializer, **_ERRORS},
    )
    def create(self, request: Request) -> Response:
        check_writes_somewhere(request.user, permissions.PROVINCE_TARGET_ROLES)
        serializer = ProvinceTargetCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        province = get_unit_for_user(request.user, serializer.validated_data["province"])
        try:
            target = province_target_save(
                province=province, data=self._input(serializer.validated_data), user=request.user
            )
        except PeriodTakenError as exc:
            current = ProvinceTargetSerializer(exc.current).data
            raise Conflict(exc.messages[0], current=current) from exc
        target = ProvinceTarget.objects.select_related("province", "entered_by").get(pk=target.pk)
        return Response(ProvinceTargetSerializer(target).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change a province's targets"),
        description=_("Send every value again, with the version you read."),
        tags=["plans"],
        request=ProvinceTargetUpdateSerializer,
        responses={200: ProvinceTargetSerializer, **_ERRORS},
    )
    def update(self, request: Request, pk: str) -> Response:
        target = self.get_object()
        serializer = ProvinceTargetUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            province_target_save(
                province=target.province,
                target=target,
                expected_version=serializer.validated_data["version"],
                data=self._input(serializer.validated_data),
                user=request.user,
            )
        except StaleWriteError as exc:
            current = ProvinceTargetSerializer(exc.current).data
            raise Conflict(exc.messages[0], current=current) from exc
        target = ProvinceTarget.objects.select_related("province", "entered_by").get(pk=target.pk)
        return Response(ProvinceTargetSerializer(target).data)


def register(router) -> None:
    """Add the plans routes to the project's router (``ntm_portal/api.py``)."""
    router.register("registered-targets", RegisteredTargetViewSet, basename="registered-target")
    router.register("province-targets", ProvinceTargetViewSet, basename="province-target")
    router.register("funds", FundViewSet, basename="fund")
