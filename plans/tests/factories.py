"""Data for plans tests: small criteria sets, assessments with stored figures, a bulk province."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from communes.models import AdministrativeUnit, Level, Region, UnitType
from criteria.models import Assessment, AssessmentLog, AssessmentState, CriteriaSet, SetStatus
from criteria.tests.factories import make_flat_set
from plans.models import FundEntry, RegisteredTarget


def make_set(*, code: str, tier: str = "standard", level: str = "commune", version: int = 1) -> CriteriaSet:
    """A draft set (its criteria are not needed: plans read the stored counts)."""
    return CriteriaSet.objects.create(
        code=code,
        version=version,
        name=f"Bộ {code}",
        short_name=code,
        decision_number=f"{code}/QĐ",
        decision_date=datetime.date(2021, 1, 1),
        level=level,
        tier=tier,
        year_from=2021,
        year_to=2030,
        status=SetStatus.DRAFT,
    )


def make_published_set(
    *, code: str, criteria: int, year_from: int, year_to: int, issuer: AdministrativeUnit | None = None
) -> CriteriaSet:
    """A published standard commune set of ``criteria`` criteria (what a province target's
    minimum of criteria is held to), the State's or, with ``issuer``, a province's own."""
    return make_flat_set(code=code, total=criteria, year_from=year_from, year_to=year_to, issuer=issuer, published=True)


def make_assessment(unit, criteria_set, year: int, met: int, state: str = "draft", total: int = 19) -> Assessment:
    decision = {}
    if state in (AssessmentState.RECOGNISED, AssessmentState.REVOKED):
        decision = {"decision_number": f"{year}/QĐ-UBND", "decision_date": datetime.date(year, 12, 1)}
    if state == AssessmentState.REVOKED:
        decision |= {"revocation_number": f"{year}/QĐ-UBND-TH", "revocation_date": datetime.date(year, 12, 20)}
    assessment = Assessment.objects.create(
        unit=unit,
        criteria_set=criteria_set,
        tier=criteria_set.tier,
        year=year,
        state=state,
        criteria_met=met,
        criteria_total=total,
        **decision,
    )
    # Its log row, as the services write one, from the start of its year (or now): a past
    # cut-off reads a dossier's state from its log (``criteria.figures.state_on``).
    AssessmentLog.objects.create(
        assessment=assessment,
        at=min(timezone.make_aware(datetime.datetime(year, 1, 1)), timezone.now()),
        state=state,
        criteria_met=met,
        criteria_total=total,
    )
    return assessment


def make_target(unit, tier: str, year: int, basis: str = "KH 1/KH-UBND") -> RegisteredTarget:
    return RegisteredTarget.objects.create(
        unit=unit, tier=tier, target_year=year, basis=basis, set_at=datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)
    )


def make_fund(unit, year: int, month: int, source: str, amount: int) -> FundEntry:
    return FundEntry.objects.create(
        unit=unit,
        year=year,
        month=month,
        source=source,
        amount=Decimal(amount),
        entered_at=datetime.datetime(year, month, 28, tzinfo=datetime.UTC),
    )


def bulk_province(*, code: str, communes: int) -> AdministrativeUnit:
    """A province with two districts (communes alternate between them, every fifth directly
    under the province), two villages per commune; each commune with a standard target for
    2025, a 2025 assessment (every third recognised), and funds from two sources in two months."""
    province = AdministrativeUnit(code=code, name=f"Tỉnh {code}", level=Level.PROVINCE, type=UnitType.TINH)
    province.region = Region.BTB
    province.save()
    districts = []
    for i in (1, 2):
        d = AdministrativeUnit(code=f"{code}D{i}", name=f"Huyện {i}", level=Level.DISTRICT, type=UnitType.HUYEN)
        d.parent, d.region = province, Region.BTB
        d.save()
        districts.append(d)
    units = []
    for n in range(communes):
        parent = province if n % 5 == 4 else districts[n % 2]
        c = AdministrativeUnit(
            code=f"{code}C{n:04d}", name=f"Xã {n}", level=Level.COMMUNE, type=UnitType.XA, parent=parent
        )
        c.region = Region.BTB
        c.set_derived_fields()
        units.append(c)
    AdministrativeUnit.objects.bulk_create(units)
    communes_saved = list(AdministrativeUnit.objects.subtree(province).filter(level=Level.COMMUNE))
    villages = []
    for c in communes_saved:
        for v in (1, 2):
            village = AdministrativeUnit(
                code=f"{c.code}V{v}", name=f"Thôn {v}", level=Level.VILLAGE, type=UnitType.THON, parent=c
            )
            village.region = Region.BTB
            village.set_derived_fields()
            villages.append(village)
    AdministrativeUnit.objects.bulk_create(villages)
    standard = make_set(code=f"{code}-STD")
    at = datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)
    RegisteredTarget.objects.bulk_create(
        RegisteredTarget(unit=c, tier="standard", target_year=2025, basis="KH", set_at=at) for c in communes_saved
    )
    Assessment.objects.bulk_create(
        Assessment(
            unit=c,
            criteria_set=standard,
            tier=standard.tier,
            year=2025,
            state="recognised" if i % 3 == 0 else "draft",
            criteria_met=19 if i % 3 == 0 else 14,
            criteria_total=19,
            **({"decision_number": "1/QĐ", "decision_date": datetime.date(2025, 12, 1)} if i % 3 == 0 else {}),
        )
        for i, c in enumerate(communes_saved)
    )
    FundEntry.objects.bulk_create(
        FundEntry(unit=c, year=2025, month=m, source=s, amount=Decimal(1_000_000), entered_at=at)
        for c in communes_saved
        for m in (3, 4)
        for s in ("central", "residents")
    )
    return province
