"""REST API: OCOP products — list, read, enter, change, remove — and their figures.

Objects come only through ``communes.access`` (a list is the user's area; one product outside
it is 404, one the user may read but not change is 403); writes only through
``ocop.services``, under the same rules as the pages. A change carries the version it was
based on; a stale one answers 409 with what is stored now. ``summary/`` is
``ocop.selectors.ocop_counts``, the dashboard's and the bulletin's own figures.

Routes (``register(router)`` adds them under ``/api/v1/``): ``ocop-products/`` and
``ocop-products/summary/``.
"""

from __future__ import annotations

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from communes.access import check_writes_somewhere, get_unit_for_user, scope_queryset
from communes.api import UnitRefSerializer
from ntm_portal.api_errors import Conflict, error_responses, validation_body
from ntm_portal.api_fields import INT_MAX, checked_id, enum_output, unit_or_none, username_or_none
from ntm_portal.api_views import ScopedReadOnlyViewSet
from ntm_portal.errors import StaleWriteError
from ocop import selectors
from ocop.models import Category, OcopProduct, RatingLevel, Stage, Stars, Status
from ocop.services import ProductInput, duplicates_of, product_create, product_delete, product_update

MSG_PERIOD_ORDER = _("The period must end on or after its first day.")

_ERRORS = error_responses(_("Invalid values, keyed by field."))


def _today() -> datetime.date:
    return timezone.localdate()


def _entered_twice(exc: ValidationError) -> Response:
    """A product entered already: 400 with the errors at their fields, as any refusal, and
    ``existing``, each refused field's link to the product that holds it (the API's and the page's)."""
    existing = {
        name: {"id": pk, "url": reverse("api:ocop-product-detail", args=[pk]), "page": reverse("ocop:edit", args=[pk])}
        for name, pk in duplicates_of(exc).items()
    }
    return Response(validation_body(exc.message_dict) | {"existing": existing}, status=status.HTTP_400_BAD_REQUEST)


class ProductFilter(django_filters.FilterSet):
    commune = django_filters.CharFilter(field_name="commune__code", help_text=_("Code of the commune."))
    within = django_filters.CharFilter(
        method="filter_within", help_text=_("Code of a unit: products of the communes below it.")
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, method="filter_status", help_text=_("Status today (expired: certificate run out).")
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    stars = django_filters.TypedChoiceFilter(choices=Stars.choices, coerce=int)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    rating_level = django_filters.ChoiceFilter(choices=RatingLevel.choices)
    certified_from = django_filters.DateFilter(field_name="certificate_date", lookup_expr="gte")
    certified_to = django_filters.DateFilter(field_name="certificate_date", lookup_expr="lte")
    q = django_filters.CharFilter(
        method="filter_q", max_length=100, help_text=_("Name, producer or certificate number, without diacritics.")
    )

    class Meta:
        model = OcopProduct
        fields: list[str] = []

    def filter_within(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        unit = unit_or_none(value)
        return queryset.within(unit) if unit else queryset.none()

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.of_status(value, _today())

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value)


class ProductSerializer(serializers.ModelSerializer):
    commune = UnitRefSerializer(read_only=True)
    # Today: the stage, or expired once the certificate ran out.
    status = enum_output(Status, "OcopStatus")
    valid_until = serializers.DateField(read_only=True, allow_null=True, help_text=_("36 months from the certificate."))
    entered_by = serializers.SerializerMethodField()

    class Meta:
        model = OcopProduct
        fields = [
            "id",
            "commune",
            "name",
            "producer",
            "category",
            "stage",
            "status",
            "stars",
            "points",
            "rating_level",
            "certificate_number",
            "certificate_date",
            "valid_until",
            "version",
            "entered_by",
            "entered_at",
            "changed_at",
        ]

    def get_entered_by(self, product: OcopProduct) -> str | None:
        return username_or_none(product.entered_by)


class ProductInputSerializer(serializers.Serializer):
    commune = serializers.CharField(max_length=30, help_text=_("Code of the commune."))
    name = serializers.CharField(max_length=200)
    producer = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    stage = serializers.ChoiceField(choices=Stage.choices, default=Stage.IDEA)
    stars = serializers.ChoiceField(choices=Stars.choices, required=False, allow_null=True, default=None)
    points = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=INT_MAX,
        help_text=_("The council's score, where known: 50–69 points give 3 stars, 70–89 four, 90–100 five."),
    )
    rating_level = serializers.ChoiceField(choices=RatingLevel.choices, required=False, allow_blank=True, default="")
    certificate_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    certificate_date = serializers.DateField(required=False, allow_null=True, default=None)


class ProductChangeSerializer(ProductInputSerializer):
    version = serializers.IntegerField(min_value=1, max_value=INT_MAX, help_text=_("The version you read."))


class DeleteQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=INT_MAX,
        required=False,
        help_text=_("The version you read: a product changed since is not removed (409, with what is stored now)."),
    )


class StarLineSerializer(serializers.Serializer):
    stars = serializers.IntegerField()
    certified = serializers.IntegerField(help_text=_("Holding a valid certificate on the period's last day."))
    new = serializers.IntegerField(help_text=_("Certificate dated in the period."))


class OcopCountsSerializer(serializers.Serializer):
    unit = serializers.CharField()
    first = serializers.DateField()
    last = serializers.DateField()
    certified = serializers.IntegerField(help_text=_("3 stars and more, valid on the last day."))
    new = serializers.IntegerField(help_text=_("Certified in the period."))
    expired = serializers.IntegerField(help_text=_("Certificates that ran out by the last day."))
    ideas = serializers.IntegerField(
        help_text=_("Ideas entered by the last day in a commune that existed on it, at their stage on stages_on.")
    )
    rating = serializers.IntegerField(
        help_text=_(
            "Products being rated entered by the last day in a commune that existed on it, at their stage on stages_on."
        )
    )
    stages_on = serializers.DateField(
        help_text=_(
            "The day ideas and products being rated are read at (today): a product's stage has no history, so for "
            "a period that ended before, they are not the period's own."
        )
    )
    by_stars = StarLineSerializer(many=True)


class SummaryQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=30, help_text=_("Code of the unit."))
    first = serializers.DateField(required=False, help_text=_("First day of the period (default: 1 January)."))
    last = serializers.DateField(required=False, help_text=_("Last day of the period (default: today)."))

    def validate(self, attrs: dict) -> dict:
        today = _today()
        attrs.setdefault("last", today)
        attrs.setdefault("first", datetime.date(attrs["last"].year, 1, 1))
        if attrs["first"] > attrs["last"]:
            raise serializers.ValidationError({"last": [MSG_PERIOD_ORDER]})
        return attrs


@extend_schema_view(
    list=extend_schema(summary=_("OCOP products in your area"), tags=["ocop"]),
    retrieve=extend_schema(summary=_("One OCOP product"), tags=["ocop"]),
    destroy=extend_schema(
        summary=_("Remove an OCOP product"),
        tags=["ocop"],
        parameters=[DeleteQuerySerializer],
        responses={204: None, **_ERRORS},
    ),
)
class OcopProductViewSet(mixins.DestroyModelMixin, ScopedReadOnlyViewSet):
    """OCOP products ("Mỗi xã một sản phẩm") of the communes, from idea to certificate."""

    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    unit_field = "commune"

    def get_queryset(self) -> QuerySet[OcopProduct]:
        # The selector orders the list (and adds what the list shows).
        products = scope_queryset(self.request.user, OcopProduct.objects.all(), unit_field="commune")
        return selectors.products_listed(products, day=_today())

    def detail_rows(self) -> QuerySet[OcopProduct]:
        return OcopProduct.objects.with_status(_today()).select_related("entered_by")

    def get_object(self) -> OcopProduct:
        return self.one(checked_id(self.kwargs["pk"]), write=self.action == "destroy")

    def _input(self, data: dict) -> ProductInput:
        commune = get_unit_for_user(self.request.user, data["commune"], write=True)
        fields = ("name", "producer", "category", "stage", "stars", "points", "rating_level", "certificate_number")
        return ProductInput(
            commune=commune, certificate_date=data["certificate_date"], **{name: data[name] for name in fields}
        )

    @extend_schema(
        summary=_("Enter an OCOP product"),
        tags=["ocop"],
        request=ProductInputSerializer,
        responses={201: ProductSerializer, **_ERRORS},
    )
    def create(self, request: Request) -> Response:
        check_writes_somewhere(request.user)
        serializer = ProductInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            product = product_create(data=self._input(serializer.validated_data), user=request.user)
        except ValidationError as exc:
            if not duplicates_of(exc):
                raise
            return _entered_twice(exc)
        return Response(ProductSerializer(self.one(product.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change an OCOP product"),
        description=_("Send every value again, with the version you read."),
        tags=["ocop"],
        request=ProductChangeSerializer,
        responses={200: ProductSerializer, **_ERRORS},
    )
    def update(self, request: Request, pk: str) -> Response:
        product = self.one(checked_id(pk), write=True)
        serializer = ProductChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            product_update(product=product, data=self._input(data), user=request.user, expected_version=data["version"])
        except StaleWriteError as exc:
            current = ProductSerializer(self.one(exc.current.pk)).data
            raise Conflict(exc.messages[0], current=current) from exc
        except ValidationError as exc:
            if not duplicates_of(exc):
                raise
            return _entered_twice(exc)
        return Response(ProductSerializer(self.one(product.pk)).data)

    def perform_destroy(self, instance: OcopProduct) -> None:
        query = DeleteQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        try:
            product_delete(
                product=instance, user=self.request.user, expected_version=query.validated_data.get("version")
            )
        except StaleWriteError as exc:
            current = ProductSerializer(self.one(exc.current.pk)).data
            raise Conflict(exc.messages[0], current=current) from exc

    @extend_schema(
        summary=_("OCOP figures of a unit for a period"),
        description=_(
            "Certified products by stars valid on the period's last day and those certified in the period, "
            "for the unit and every commune below it: the dashboard's and the bulletin's figures."
        ),
        tags=["ocop"],
        parameters=[SummaryQuerySerializer],
        responses={200: OcopCountsSerializer, **_ERRORS},
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def summary(self, request: Request) -> Response:
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = get_unit_for_user(request.user, query.validated_data["unit"])
        counts = selectors.ocop_counts(unit, (query.validated_data["first"], query.validated_data["last"]))
        body = OcopCountsSerializer({"unit": unit.code, **counts.__dict__}).data
        return Response(body)


def register(router) -> None:
    """Add the OCOP routes to the project's router (``ntm_portal/api.py``)."""
    router.register("ocop-products", OcopProductViewSet, basename="ocop-product")
