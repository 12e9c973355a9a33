"""The plans a real province office has entered: registered targets, province targets, funds.

Written after the assessments, from them, so that the plan sections of the dashboards show
what an office's report would: every rural commune registered a standard target year (the
year it was recognised, or for the others 2024 — now overdue —, 2025 or 2026), a quarter of
them an advanced one; each province a 2021–2025 plan (communes per tier, none under 15
criteria, a share of villages); each district and the province's own budget funds for every
month of 2025 from five sources. Amounts are whole millions of đồng, so the roll-ups are exact
and readable.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

FUND_SOURCES = ("central", "province", "district", "commune", "residents")
FUND_YEAR = 2025
MILLION = 1_000_000


def write_plans(seed: int, now: datetime.datetime) -> dict[str, int]:
    """Insert the plans rows (bulk_create: tens of thousands of rows); return the row counts."""
    from communes.models import AdministrativeUnit, Level, ntm_communes_q
    from criteria.figures import DECIDED
    from criteria.models import Assessment, Tier
    from plans.models import FundEntry, ProvinceTarget, RegisteredTarget

    rng = random.Random(f"{seed}:plans")
    recognised: dict[tuple[int, str], int] = {}
    for unit_id, tier, decided in (
        Assessment.objects.filter(state__in=DECIDED, decision_date__isnull=False)
        .values_list("unit_id", "tier", "decision_date")
        .order_by()
    ):
        key = (unit_id, tier)
        recognised[key] = min(recognised.get(key, decided.year), decided.year)

    communes = list(
        AdministrativeUnit.objects.filter(ntm_communes_q(), level=Level.COMMUNE)
        .values_list("pk", "path")
        .order_by("pk")
    )
    targets = []
    per_province: dict[str, int] = defaultdict(int)
    for pk, path in communes:
        per_province[path.split("/")[1]] += 1
        tiers = [Tier.STANDARD] + ([Tier.ADVANCED] if rng.random() < 0.25 else [])
        for tier in tiers:
            year = recognised.get((pk, tier)) or rng.choice((2024, 2025, 2025, 2026))
            basis = f"KH {rng.randint(1, 300)}/KH-UBND"
            targets.append(RegisteredTarget(unit_id=pk, tier=tier, target_year=year, basis=basis, set_at=now))
    RegisteredTarget.objects.bulk_create(targets, batch_size=2000)

    provinces = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("pk", "path"))
    ProvinceTarget.objects.bulk_create(
        ProvinceTarget(
            province_id=pk,
            period_from=2021,
            period_to=2025,
            communes_standard=round(per_province[path.split("/")[1]] * 0.8),
            communes_advanced=round(per_province[path.split("/")[1]] * 0.25),
            communes_model=round(per_province[path.split("/")[1]] * 0.08),
            min_criteria=15,
            villages_recognised_share=Decimal("60.0"),
            basis=f"NQ {rng.randint(1, 20):02d}/NQ-TU",
            entered_at=now,
        )
        for pk, path in provinces
    )

    spenders = list(
        AdministrativeUnit.objects.filter(level__in=[Level.PROVINCE, Level.DISTRICT]).values_list("pk", flat=True)
    )
    funds = [
        FundEntry(
            unit_id=pk,
            year=FUND_YEAR,
            month=month,
            source=source,
            amount=Decimal(rng.randint(50, 2_000) * MILLION),
            entered_at=now,
        )
        for pk in spenders
        for month in range(1, 13)
        for source in FUND_SOURCES
    ]
    FundEntry.objects.bulk_create(funds, batch_size=5000)
    return {
        "plans_registeredtarget": len(targets),
        "plans_provincetarget": len(provinces),
        "plans_fundentry": len(funds),
    }
