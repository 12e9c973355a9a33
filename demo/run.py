"""The demo's entry points: ``seed_demo``, ``reset_demo`` and ``summarise`` (what the command prints).

"Tỉnh Minh Họa" ("illustration province", code ``DEMO``) does not exist. ``seed_demo`` builds
its tree (districts and communes until 30/06/2025, merged communes directly under the province
from 01/07/2025), the province's own criteria sets, demo users and several years of
assessments with plausible progress, all through the ordinary services so that stored
results, history and workflow states look exactly like real data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from communes.models import AdministrativeUnit, Level, Role
from criteria import evaluation
from criteria.models import Assessment, Tier
from demo.base import (
    FIRST_YEAR,
    LAST_PRE_MERGER_YEAR,
    LAST_YEAR,
    MAX_COMMUNES,
    MIN_COMMUNES,
    MSG_ALREADY_SEEDED,
    PROVINCE_CODE,
    DemoError,
    DemoOptions,
    demo_province,
)
from demo.catalog import load_demo_catalog
from demo.groups import assign_commune_groups
from demo.reset import reset_demo
from demo.seeder import Seeder
from demo.tree import build_tree
from demo.users import DEMO_PASSWORD, DEMO_USERS, DemoUser, create_users
from demo.workflow import Actors
from ocop.demo import seed_ocop_demo

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_COMMUNES",
    "MIN_COMMUNES",
    "MSG_ALREADY_SEEDED",
    "PROVINCE_CODE",
    "DemoError",
    "DemoOptions",
    "DemoSummary",
    "demo_province",
    "reset_demo",
    "seed_demo",
    "summarise",
]


@transaction.atomic
def seed_demo(options: DemoOptions) -> AdministrativeUnit:
    """Build the whole demo province; refuses when it already exists."""
    if demo_province() is not None:
        raise DemoError(MSG_ALREADY_SEEDED % {"code": PROVINCE_CODE})
    tree = build_tree(options)
    users = create_users()
    assign_commune_groups(tree, users["tinh"], options.seed)
    sets = load_demo_catalog(tree.province)
    by_unit = {d.unit_code: users[d.username] for d in DEMO_USERS if d.role not in (None, Role.VIEWER)}
    actors = Actors(admin=users["admin"], province=users["tinh"], by_unit=by_unit)
    Seeder(options=options, tree=tree, sets=sets, actors=actors).run()
    seed_ocop_demo(tree.province, users["tinh"])
    return tree.province


@dataclass
class DemoSummary:
    units: list[tuple[str, int]]
    assessments: list[tuple[str, int, str, int]]  # set code, year, state, count
    buckets: list[tuple[str, int]]
    bucket_year: int | None
    users: tuple[DemoUser, ...] = DEMO_USERS


def summarise(province: AdministrativeUnit) -> DemoSummary:
    units = AdministrativeUnit.objects.subtree(province)
    levels = dict(units.order_by().values("level").annotate(n=Count("pk")).values_list("level", "n"))
    assessments = Assessment.objects.within(province)
    rows = (
        assessments.values_list("criteria_set__code", "year", "state")
        .annotate(n=Count("pk"))
        .order_by("criteria_set__code", "year", "state")
    )
    standard = assessments.filter(
        unit__level=Level.COMMUNE, criteria_set__tier=Tier.STANDARD, year__lte=LAST_PRE_MERGER_YEAR
    )
    bucket_year = standard.order_by("-year").values_list("year", flat=True).first()
    counts: Counter = Counter()
    labels: list[str] = []
    if bucket_year is not None:
        for met, total in standard.filter(year=bucket_year).values_list("criteria_met", "criteria_total"):
            counts[evaluation.bucket_for(met, total).label] += 1
        labels = [b.label for b in evaluation.bucket_bounds(19)]
    return DemoSummary(
        units=[(level.label, levels.get(level.value, 0)) for level in Level],
        assessments=[(code, year, state, n) for code, year, state, n in rows],
        buckets=[(label, counts[label]) for label in labels],
        bucket_year=bucket_year,
    )
