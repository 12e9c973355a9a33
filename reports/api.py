"""REST API: a unit's (or the country's) progress, the same figures as its dashboard.

Both this endpoint and the dashboard call ``reports.selectors.progress_summary``.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from communes.permissions import get_unit_or_country
from criteria.api_years import YearShownField
from criteria.models import Tier
from ntm_portal.api_errors import ApiErrorsMixin, ErrorSerializer
from ntm_portal.api_fields import RoundedDecimalField
from reports.selectors import MAP_ENTERED, latest_year, map_reading, progress_summary


def _per_tier(child: serializers.Field) -> serializers.DictField:
    return serializers.DictField(child=child, help_text=_("By tier: standard, advanced, model."))


class HeadlineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    cutoff = serializers.DateField(
        help_text=_("The day titles are read on: 31 December of the year, or today while the year runs.")
    )
    communes_total = serializers.IntegerField(
        help_text=_("Rural communes (xã) of the unit in that year; wards, townships and special zones are not counted.")
    )
    communes_with_data = serializers.IntegerField(help_text=_("Communes with an assessment at the tier."))
    communes_without_data = serializers.IntegerField()
    recognised = _per_tier(
        serializers.IntegerField(
            help_text=_("Communes holding the title on the cut-off: recognised by then and not revoked by then.")
        )
    )
    recognised_share = _per_tier(
        serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True)
    )
    new = _per_tier(serializers.IntegerField(help_text=_("Communes recognised by a decision dated in the year.")))
    average_criteria_met = RoundedDecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text=_("Average criteria met per commune with data, 2 places, rounded half up from the exact average."),
    )
    criteria_basically_met = serializers.IntegerField(
        help_text=_(
            "Criteria not met that the assessments at the tier report as basically met (cơ bản đạt); "
            "never counted as met."
        )
    )
    communes_basically_met = serializers.IntegerField(
        help_text=_("Communes whose assessment at the tier reports at least one criterion basically met.")
    )
    average_met_or_basically_met = RoundedDecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text=_("Average criteria met and basically met (đạt và cơ bản đạt) per commune with data."),
    )
    villages_recognised = serializers.IntegerField(help_text=_("Villages holding the title at the tier."))
    villages_new = serializers.IntegerField()
    districts_total = serializers.IntegerField(allow_null=True)
    districts_recognised = serializers.IntegerField(allow_null=True)
    districts_new = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Districts recognised at the tier by a decision dated in the year (up to the cut-off); null where "
            "districts_total is."
        ),
    )
    apart = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("Wards (phuong), townships (thi_tran) and special zones (dac_khu): listed apart, never counted."),
    )


class PreviousYearSerializer(HeadlineSerializer):
    """The year before's headline, to compare with: what was held and the standing. Its "new"
    counts are not worked out (they would need the year before's decisions read again), so they
    are left out rather than answered as 0."""

    new = None
    villages_new = None
    districts_new = None


class BucketSerializer(serializers.Serializer):
    label = serializers.CharField()
    low = serializers.IntegerField()
    high = serializers.IntegerField()
    count = serializers.IntegerField()
    total = serializers.IntegerField(help_text=_("The number of criteria of the set the bucket counts on."))


class LaggingSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    not_met = serializers.IntegerField(help_text=_("Assessments at the tier that have not met the criterion."))
    basically_met = serializers.IntegerField(help_text=_("Of those, the assessments reporting it basically met."))
    assessed = serializers.IntegerField(
        help_text=_("Assessments at the tier on a criteria set that has the criterion: the base of its share.")
    )


class ProgressSerializer(HeadlineSerializer):
    unit = serializers.CharField(source="unit_code", allow_null=True, help_text=_("Null for the whole country."))
    buckets = BucketSerializer(many=True)
    buckets_with_basically_met = BucketSerializer(
        many=True,
        help_text=_("The same communes bucketed by criteria met and basically met; shown beside, never instead."),
    )
    lagging = LaggingSerializer(many=True, help_text=_("Criteria by communes not meeting them, most first."))
    previous_year = PreviousYearSerializer(allow_null=True)


class ProgressView(ApiErrorsMixin, APIView):
    """Headline counts, buckets of criteria met, the average and the lagging criteria."""

    class ProgressFilterSerializer(serializers.Serializer):
        unit = serializers.CharField(
            required=False, max_length=30, help_text=_("Unit code; left out: the whole country (administrators).")
        )
        # The dashboards' rule (criteria.years): a year that has not begun has no figures yet.
        year = YearShownField(required=False, help_text=_("Left out: the last year with data."))
        tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.STANDARD)
        map = serializers.ChoiceField(
            choices=[("now", "now"), (MAP_ENTERED, MAP_ENTERED)],
            default="now",
            help_text=_(
                "A unit formed from units that ended, as its dashboard reads it: “now” (default) counts, for the "
                "years before the merger, the units it was formed from and their villages; “entered” only its own."
            ),
        )

    @extend_schema(
        summary=_("Progress of a unit"),
        tags=["progress"],
        parameters=[ProgressFilterSerializer],
        responses={
            200: ProgressSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("Invalid year or tier.")),
            403: OpenApiResponse(ErrorSerializer, description=_("The whole country is for administrators.")),
            404: OpenApiResponse(ErrorSerializer, description=_("Does not exist or is outside your area.")),
        },
    )
    def get(self, request: Request) -> Response:
        filters = self.ProgressFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        code = filters.validated_data.get("unit")
        unit = get_unit_or_country(request.user, code)
        year = filters.validated_data.get("year") or latest_year(unit=unit) or timezone.localdate().year
        _dates, as_now = map_reading(unit=unit, choice=filters.validated_data["map"])
        summary = progress_summary(unit=unit, year=year, tier=filters.validated_data["tier"], as_now=as_now)
        return Response(ProgressSerializer(summary).data)
