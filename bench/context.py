"""Who and what the scenarios act on, chosen from the generated data.

The province is the one with the most communes (the worst case a province office sees);
the assessment is a 2025 standard draft in it, opened and edited by its commune officer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.test import Client

from communes.models import AdministrativeUnit, Level, Membership, Role
from criteria.models import Assessment, AssessmentState, Indicator, IndicatorValue

YEAR = 2025


@dataclass
class RecordTarget:
    assessment_id: int
    code: str
    version: int
    flip: bool


class NoData(Exception):
    """The database has no generated data: run the generator first."""


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _member(unit: AdministrativeUnit, role: str):
    membership = Membership.objects.select_related("user").filter(unit=unit, role=role).first()
    if membership is None:
        raise NoData(f"no {role} member at {unit.code}")
    return membership.user


class Context:
    def __init__(self) -> None:
        province = (
            AdministrativeUnit.objects.filter(level=Level.PROVINCE)
            .annotate(n=Count("children__children", filter=Q(children__children__level=Level.COMMUNE)))
            .order_by("-n", "code")
            .first()
        )
        if province is None:
            raise NoData("no province in this database: run `python -m bench.generate` first")
        self.province = province
        self.district = AdministrativeUnit.objects.filter(parent=province, level=Level.DISTRICT).order_by("code")[0]
        assessment = (
            Assessment.objects.within(province)
            .filter(year=YEAR, tier="standard", state=AssessmentState.DRAFT)
            .order_by("unit__code")
            .select_related("unit")
            .first()
        )
        if assessment is None:
            raise NoData(f"no 2025 draft standard assessment in province {province.code}")
        self.assessment_id = assessment.pk
        self.commune = assessment.unit
        self.admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        self.admin_client = _client_for(self.admin)
        self.province_client = _client_for(_member(province, Role.PROVINCE_OFFICE))
        self.district_client = _client_for(_member(self.district, Role.DISTRICT_COMMITTEE))
        self.officer_client = _client_for(_member(self.commune, Role.COMMUNE_OFFICER))
        self.cells: dict[str, list] = {}
        self.workbook = b""
        self.import_set: int | None = None
        self.record_state: RecordTarget | None = None
        self.gathered: dict[str, int] = {}  # the bulletin reference's criteria met per commune

    def recording_target(self) -> RecordTarget:
        """A yes/no indicator of the assessment, with the version its next save is based on."""
        assessment = Assessment.objects.get(pk=self.assessment_id)
        indicator = (
            Indicator.objects.filter(criteria_set_id=assessment.criteria_set_id, comparison="met")
            .order_by("criterion__number", "position")
            .first()
        )
        stored = IndicatorValue.objects.filter(assessment=assessment, indicator=indicator).first()
        return RecordTarget(
            assessment.pk,
            indicator.code,
            stored.version if stored else 0,
            bool(stored and stored.value_bool),
        )
