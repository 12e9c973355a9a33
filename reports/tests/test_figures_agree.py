"""One figures engine: the dashboard, ``/api/v1/progress/``, the bulletin workbook and Word
document, the plan section and the dashboard export give the same figures, equal to a plain-Python recomputation
from the rows, on random provinces.

A province is drawn with communes of every type (xã, phường, thị trấn, đặc khu), a 1 July 2025
merger into new communes directly under the province (one of them perhaps a ward), villages, standard and advanced
assessments of 2024–2026 against sets of two sizes, recognitions and revocations dated in any
year (all entered now, after the fact), attempted duplicates, criteria reported "basically met"
(shown beside, never counted as met) and summary records of old reports (counted like full
assessments). The recomputation below is
written from DOMAIN.md's definitions, not from the selectors.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from docx import Document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from communes.models import AdministrativeUnit, Level, UnitSuccession, UnitType
from communes.tests.factories import UserFactory
from criteria.evaluation import bucket_bounds
from criteria.models import Assessment, AssessmentState, CriterionResult, Tier
from criteria.services import assessment_set_state, trusted
from criteria.services.assessments import DuplicateAssessment
from plans.models import ProvinceTarget
from plans.selectors import plan_summary
from reports import bulletin
from reports.bulletin import Month
from reports.exports import dashboard_export
from reports.forms import Filters
from reports.selectors import progress_summary
from reports.tests.excel.conftest import open_book, rows_of
from reports.tests.factories import make_assessment, make_flat_set

pytestmark = pytest.mark.django_db(transaction=False)

YEARS = (2024, 2025, 2026)
MERGER = datetime.date(2025, 7, 1)
COMMUNE_TYPES = [UnitType.XA] * 5 + [UnitType.PHUONG, UnitType.THI_TRAN, UnitType.DAC_KHU]
TIERS = (Tier.STANDARD, Tier.ADVANCED)


def _day(year: int, n: int) -> datetime.date:
    """A day from the start of ``year`` on (up to the next year), never later than yesterday."""
    day = datetime.date(year, 1, 1) + datetime.timedelta(days=n)
    return min(day, timezone.localdate() - datetime.timedelta(days=1))


assessment_plan = st.fixed_dictionaries(
    {
        "met": st.integers(0, 5),
        "basic": st.integers(0, 3),  # criteria not met reported basically met (never counted as met)
        "summary": st.booleans(),  # a summary record from an old report: counted like a full assessment
        "large": st.booleans(),  # against the larger (7-criteria) set of the tier
        "event": st.sampled_from(["none", "none", "recognise", "recognise", "revoke"]),
        "decision_day": st.integers(0, 500),
        "revocation_days": st.integers(1, 400),
        "duplicate": st.booleans(),
    }
)
commune_plan = st.fixed_dictionaries(
    {
        "type": st.sampled_from(COMMUNE_TYPES),
        "district": st.integers(0, 1),
        "merged_into": st.one_of(st.none(), st.integers(0, 1)),  # which new commune, if merged
        "assessments": st.dictionaries(
            st.tuples(st.sampled_from((2024, 2025)), st.sampled_from(TIERS)), assessment_plan, max_size=3
        ),
        "village": st.one_of(st.none(), assessment_plan),
    }
)
new_commune_plan = st.dictionaries(st.sampled_from(TIERS), assessment_plan, max_size=2)
province_plan = st.fixed_dictionaries(
    {
        "communes": st.lists(commune_plan, min_size=1, max_size=6),
        "new_communes": st.lists(new_commune_plan, min_size=2, max_size=2),
        "ward": st.one_of(st.none(), st.integers(0, 1)),  # which new unit, if any, is a ward (phường)
    }
)


@dataclass
class World:
    province: AdministrativeUnit
    sets: dict
    decisions: list[tuple[int, str, datetime.date, datetime.date | None]] = field(default_factory=list)


def _assess(world: World, unit, year: int, tier: str, plan: dict, level: str = Level.COMMUNE):
    size = 7 if plan["large"] and level == Level.COMMUNE else 5
    criteria_set = world.sets[level, tier, size]
    event = plan["event"]
    met = size if event != "none" else min(plan["met"], size)
    state = {"none": AssessmentState.DRAFT, "recognise": AssessmentState.APPRAISED}.get(
        event, AssessmentState.APPRAISED
    )
    assessment = make_assessment(unit, criteria_set, year, met, state, basically_met=plan.get("basic", 0))
    if plan.get("summary"):
        Assessment.objects.filter(pk=assessment.pk).update(
            summary=True, source_number="12/BC-UBND", source_date=datetime.date(year + 1, 1, 15)
        )
    if plan["duplicate"]:
        other = world.sets[level, tier, 5 if size == 7 else 7] if level == Level.COMMUNE else criteria_set
        with pytest.raises(DuplicateAssessment):
            trusted.create_assessment(unit=unit, criteria_set=other, year=year, user=None)
    if event == "none":
        return
    decided = _day(year, plan["decision_day"])
    assessment_set_state(
        assessment=assessment,
        state=AssessmentState.RECOGNISED,
        user=None,
        decision_number="1/QĐ",
        decision_date=decided,
    )
    revoked = None
    if event == "revoke":
        revoked = min(decided + datetime.timedelta(days=plan["revocation_days"]), _day(2026, 10_000))
        if revoked > decided:
            assessment_set_state(
                assessment=assessment,
                state=AssessmentState.REVOKED,
                user=None,
                decision_number="2/QĐ",
                decision_date=revoked,
            )
        else:
            revoked = None
    world.decisions.append((unit.pk, tier, decided, revoked))


def _build(plan: dict) -> World:
    province = AdministrativeUnit(code="90", name="Tỉnh Ngẫu Nhiên", level=Level.PROVINCE, type=UnitType.TINH)
    province.save()
    districts = []
    for n in range(2):
        district = AdministrativeUnit(
            code=f"90{n}",
            name=f"Huyện {n}",
            level=Level.DISTRICT,
            type=UnitType.HUYEN,
            parent=province,
            valid_to=MERGER - datetime.timedelta(days=1),
        )
        district.save()
        districts.append(district)
    sets = {}
    for level, tier, size in [
        *[(Level.COMMUNE, t, s) for t in TIERS for s in (5, 7)],
        (Level.VILLAGE, Tier.STANDARD, 5),
    ]:
        sets[level, tier, size] = make_flat_set(
            code=f"{level}-{tier}-{size}", total=size, tier=tier, level=level, year_to=2030
        )
    world = World(province, sets)
    new_communes = []
    for n, new_plan in enumerate(plan["new_communes"]):
        ward = plan.get("ward") == n
        new = AdministrativeUnit(
            code=f"90N{n}",
            name=f"Phường Mới {n}" if ward else f"Xã Mới {n}",
            level=Level.COMMUNE,
            type=UnitType.PHUONG if ward else UnitType.XA,
            parent=province,
            valid_from=MERGER,
        )
        new.save()
        new_communes.append(new)
        for tier, a_plan in ({} if ward else new_plan).items():  # a ward is not assessed
            _assess(world, new, 2026, tier, a_plan)
    for n, c_plan in enumerate(plan["communes"]):
        merged = c_plan["merged_into"] is not None
        unit = AdministrativeUnit(
            code=f"90C{n}",
            name=f"Xã Cũ {n}",
            level=Level.COMMUNE,
            type=c_plan["type"],
            parent=districts[c_plan["district"]] if merged else province,
            valid_to=MERGER - datetime.timedelta(days=1) if merged else None,
        )
        unit.save()
        if merged:
            UnitSuccession.objects.create(predecessor=unit, successor=new_communes[c_plan["merged_into"]], date=MERGER)
        if unit.type == UnitType.XA:
            for (year, tier), a_plan in c_plan["assessments"].items():
                _assess(world, unit, year, tier, a_plan)
        if c_plan["village"] is not None:
            village = AdministrativeUnit(
                code=f"90C{n}-T", name=f"Thôn {n}", level=Level.VILLAGE, type=UnitType.THON, parent=unit
            )
            village.save()
            if unit.type == UnitType.XA:  # a ward's tổ dân phố is not assessed against a village set
                _assess(world, village, 2025, Tier.STANDARD, c_plan["village"], level=Level.VILLAGE)
    return world


# --- The recomputation, from the rows -----------------------------------------------------------


def _exists_on(unit, day: datetime.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to >= day)


def _held(decisions, unit_id: int, tier: str, cut: datetime.date) -> bool:
    mine = [(d, r) for u, t, d, r in decisions if u == unit_id and t == tier]
    recognised = [d for d, _r in mine if d <= cut]
    revoked = [r for _d, r in mine if r is not None and r <= cut]
    return bool(recognised) and (not revoked or max(revoked) < max(recognised))


def expected(world: World, year: int, tier: str) -> dict:
    cut = min(datetime.date(year, 12, 31), timezone.localdate())
    units = list(AdministrativeUnit.objects.subtree(world.province))
    assessments = list(Assessment.objects.within(world.province))
    assessed = {(a.unit_id, a.year) for a in assessments}
    succession = {(s.successor_id, s.predecessor_id) for s in UnitSuccession.objects.all()}
    first = datetime.date(year, 1, 1)

    def predecessor_assessed(pk) -> bool:
        return any((p, year) in assessed for s, p in succession if s == pk)

    def ended_in_year(u) -> bool:
        return u.valid_to is not None and first <= u.valid_to < cut

    by_pk = {u.pk: u for u in units}

    def became_apart(pk) -> bool:
        """Ended by the cut-off, every successor of it then a ward, township or special zone (one
        at least): on the cut-off the place is listed apart."""
        u = by_pk.get(pk)
        if u is None or u.valid_to is None or u.valid_to >= cut:
            return False
        kinds = {by_pk[s].type for s, p in succession if p == pk and _exists_on(by_pk[s], cut)}
        return bool(kinds) and UnitType.XA not in kinds

    # The communes of the year on the cut-off: existing by then, and assessed in the year (unless
    # it became a ward by then), or on the cut-off unless a predecessor was assessed; and every
    # predecessor (ended in the year) of a commune so left out.
    left_out = {
        u.pk
        for u in units
        if u.level == Level.COMMUNE
        and u.type == UnitType.XA
        and _exists_on(u, cut)
        and (u.pk, year) not in assessed
        and predecessor_assessed(u.pk)
    }
    counted = []
    for u in units:
        if u.level != Level.COMMUNE or u.type != UnitType.XA or (u.valid_from is not None and u.valid_from > cut):
            continue
        if (
            ((u.pk, year) in assessed and not became_apart(u.pk))
            or (_exists_on(u, cut) and not predecessor_assessed(u.pk))
            or (ended_in_year(u) and any(s in left_out for s, p in succession if p == u.pk))
        ):
            counted.append(u.pk)
    # Listed apart: on the cut-off, or ended in the year by then into a commune left out.
    apart = [
        u.pk
        for u in units
        if u.level == Level.COMMUNE
        and u.type != UnitType.XA
        and (_exists_on(u, cut) or (ended_in_year(u) and any(s in left_out for s, p in succession if p == u.pk)))
    ]
    at_tier = [a for a in assessments if a.year == year and a.tier == tier and a.unit_id in counted]
    recognised = {t: sum(_held(world.decisions, pk, t, cut) for pk in counted) for t in Tier.values}
    # Villages of the year: of a rural commune (a ward's tổ dân phố never counts), by the communes'
    # rule: assessed in it (unless its commune became a ward by then), or on the cut-off unless
    # formed from one that was.
    types = {u.pk: u.type for u in units}
    villages = [
        u.pk
        for u in units
        if u.level == Level.VILLAGE
        and types.get(u.parent_id) == UnitType.XA
        and (
            ((u.pk, year) in assessed and not became_apart(u.parent_id))
            or (_exists_on(u, cut) and not any((p, year) in assessed for s, p in succession if s == u.pk))
        )
    ]
    met_sum = sum(a.criteria_met for a in at_tier)
    buckets = {}
    for total in {a.criteria_total for a in at_tier}:
        for b in bucket_bounds(total):
            buckets[total, b.low, b.high] = sum(
                1 for a in at_tier if a.criteria_total == total and b.low <= a.criteria_met <= b.high
            )
    not_met: dict[tuple[int, str], int] = {}
    basic: dict[tuple[int, str], int] = {}
    for r in CriterionResult.objects.filter(assessment__in=at_tier).select_related("criterion"):
        key = (r.criterion.number, r.criterion.name)
        not_met[key] = not_met.get(key, 0) + (not r.met)
        basic[key] = basic.get(key, 0) + (r.basically_met and not r.met)
    # "Cơ bản đạt" beside the standing, from the results: never in the met figures above.
    basic_counts = [sum(1 for r in a.results.all() if r.basically_met and not r.met) for a in at_tier]
    with_basic = [a.criteria_met + n for a, n in zip(at_tier, basic_counts, strict=True)]
    buckets_basic = {}
    for total in {a.criteria_total for a in at_tier}:
        for b in bucket_bounds(total):
            buckets_basic[total, b.low, b.high] = sum(
                1
                for a, m in zip(at_tier, with_basic, strict=True)
                if a.criteria_total == total and b.low <= m <= b.high
            )
    return {
        "communes_total": len(counted),
        "communes_with_data": len(at_tier),
        "recognised": recognised,
        # exact: each place rounds it once, to what it shows (``_at_places``)
        "average": Decimal(met_sum) / len(at_tier) if at_tier else None,
        "buckets": {k: v for k, v in buckets.items()},
        "lagging": not_met,
        "lagging_basic": basic,
        "basically_met": sum(basic_counts),
        "average_basic": Decimal(sum(with_basic)) / len(at_tier) if at_tier else None,
        "buckets_basic": buckets_basic,
        "villages": sum(_held(world.decisions, pk, tier, cut) for pk in villages),
        "apart": len(apart),
    }


# --- What each place shows ------------------------------------------------------------------------


def _summary_figures(s) -> dict:
    return {
        "communes_total": s.communes_total,
        "communes_with_data": s.communes_with_data,
        "recognised": s.recognised,
        "average": s.average_criteria_met,
        "buckets": {(b.total, b.low, b.high): b.count for b in s.buckets},
        "lagging": {(c.number, c.name): c.not_met for c in s.lagging},
        "lagging_basic": {(c.number, c.name): c.basically_met for c in s.lagging},
        "basically_met": s.criteria_basically_met,
        "average_basic": s.average_met_or_basically_met,
        "buckets_basic": {(b.total, b.low, b.high): b.count for b in s.buckets_with_basically_met},
        "villages": s.villages_recognised,
        "apart": sum(s.apart.values()),
    }


def _selector(world, year, tier) -> dict:
    return _summary_figures(progress_summary(unit=world.province, year=year, tier=tier))


def _api(client, world, year, tier) -> dict:
    body = client.get("/api/v1/progress/", {"unit": world.province.code, "year": year, "tier": tier}).json()
    return {
        "communes_total": body["communes_total"],
        "communes_with_data": body["communes_with_data"],
        "recognised": body["recognised"],
        "average": None if body["average_criteria_met"] is None else Decimal(str(body["average_criteria_met"])),
        "buckets": {(b["total"], b["low"], b["high"]): b["count"] for b in body["buckets"]},
        "lagging": {(c["number"], c["name"]): c["not_met"] for c in body["lagging"]},
        "lagging_basic": {(c["number"], c["name"]): c["basically_met"] for c in body["lagging"]},
        "basically_met": body["criteria_basically_met"],
        "average_basic": (
            None if body["average_met_or_basically_met"] is None else Decimal(str(body["average_met_or_basically_met"]))
        ),
        "buckets_basic": {(b["total"], b["low"], b["high"]): b["count"] for b in body["buckets_with_basically_met"]},
        "villages": body["villages_recognised"],
        "apart": sum(body["apart"].values()),
    }


def _dashboard(client, world, year, tier) -> dict:
    """The dashboard's summary, and its trend point of the year (the same statement)."""
    context = client.get(f"/reports/{world.province.code}/", {"year": year, "tier": tier}).context
    point = next((p for p in context["trend"] if p.year == year), None)
    if point is not None:
        trend = {"recognised": point.recognised, "communes_with_data": point.communes_with_data}
        assert trend == {
            "recognised": context["summary"].recognised,
            "communes_with_data": context["summary"].communes_with_data,
        }
        assert point.average_criteria_met == context["summary"].average_criteria_met
    return _summary_figures(context["summary"])


def _bulletin(world, year) -> dict:
    month = min(Month(year, 12), Month.of(timezone.now()))
    content, _cutoff = bulletin.bulletin_build(unit=world.province, month=month, user=None)
    rows = rows_of(open_book(content)["Tổng hợp"], 5)
    figures = {row[0]: row[1] for row in rows if isinstance(row[0], str)}
    return {
        "communes_total": figures["Tổng số xã (không tính phường, thị trấn, đặc khu)"],
        "recognised": {
            Tier.STANDARD: figures["Xã đạt chuẩn NTM (giữ danh hiệu đến thời điểm báo cáo)"],
            Tier.ADVANCED: figures["Xã đạt chuẩn NTM nâng cao"],
            Tier.MODEL: figures["Xã đạt chuẩn NTM kiểu mẫu"],
        },
        "villages": figures["Thôn, bản đạt chuẩn"],
        "average_basic": _decimal(figures["Bình quân số tiêu chí đạt và cơ bản đạt (cơ bản đạt không tính là đạt)"]),
    }


def _word(world, year) -> dict:
    """The Word bulletin: the communes in its first sentence, the titles of its table of tiers."""
    month = min(Month(year, 12), Month.of(timezone.now()))
    content, _data = bulletin.bulletin_docx(unit=world.province, month=month, user=None)
    document = Document(io.BytesIO(content))
    sentence = next(p.text for p in document.paragraphs if p.text.startswith("Tính đến ngày"))
    # "toàn tỉnh có 17 xã", or for none the offices' words "toàn tỉnh chưa có xã nào"
    counted = re.search(r"toàn tỉnh (?:có (\d[\d.]*) xã|chưa có xã nào)", sentence)
    total = int(counted[1].replace(".", "")) if counted[1] else 0
    tiers = {row.cells[0].text: row.cells[1].text for row in document.tables[1].rows[1:]}
    names = {
        Tier.STANDARD: "nông thôn mới",
        Tier.ADVANCED: "nông thôn mới nâng cao",
        Tier.MODEL: "nông thôn mới kiểu mẫu",
    }
    return {
        "communes_total": total,
        "recognised": {tier: int(tiers[f"Xã {name}"].replace(".", "")) for tier, name in names.items()},
    }


def _decimal(value) -> Decimal | None:
    """A number cell as its #,##0.0 format shows it."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _export(world, year, tier) -> dict:
    book = open_book(dashboard_export(unit=world.province, filters=Filters(year=year, tier=tier)))
    figures = {row[0]: row[1] for row in rows_of(book["Tổng hợp"], 4) if isinstance(row[0], str)}
    return {
        "communes_total": figures["Tổng số xã"],
        "recognised": {
            Tier.STANDARD: figures["Xã đạt chuẩn NTM"],
            Tier.ADVANCED: figures["Xã đạt chuẩn NTM nâng cao"],
            Tier.MODEL: figures["Xã đạt chuẩn NTM kiểu mẫu"],
        },
    }


def _plan(world, year) -> dict:
    (progress,) = plan_summary(unit=world.province, year=year).province
    lines = {line.key: line.actual for line in progress.lines}
    return {"recognised": {t: lines[f"communes_{t}"] for t in Tier.values}}


def _pick(figures: dict, keys) -> dict:
    return {k: figures[k] for k in keys}


def _at_places(figures: dict, places: int) -> dict:
    """``figures`` with their averages as a place showing ``places`` gives them: rounded half up,
    once, from the exact value (the API's 2 places; the bulletin's 1)."""
    step = Decimal(1).scaleb(-places)
    averages = {k: None if figures[k] is None else figures[k].quantize(step, ROUND_HALF_UP) for k in AVERAGES}
    return figures | averages


AVERAGES = ("average", "average_basic")


def _a(
    met=3, large=False, event="none", decision_day=0, revocation_days=30, duplicate=False, basic=0, summary=False
) -> dict:
    return {
        "met": met,
        "basic": basic,
        "summary": summary,
        "large": large,
        "event": event,
        "decision_day": decision_day,
        "revocation_days": revocation_days,
        "duplicate": duplicate,
    }


# A province as offices have them: a ward and a township beside the communes, a recognition of
# 2024 decided in 2025, a revocation, a merger, villages, both set sizes, attempted duplicates.
RICH = {
    "communes": [
        {"type": "xa", "district": 0, "merged_into": 0, "village": _a(event="recognise", decision_day=200),
         "assessments": {(2024, "standard"): _a(event="recognise", decision_day=400, duplicate=True),
                         (2025, "standard"): _a(met=4, large=True, basic=2),
                         (2025, "advanced"): _a(event="recognise", decision_day=300)}},
        {"type": "xa", "district": 1, "merged_into": 0, "village": None,
         "assessments": {(2024, "standard"): _a(event="revoke", decision_day=30, revocation_days=200),
                         (2025, "standard"): _a(met=2, basic=3, summary=True)}},
        {"type": "phuong", "district": 0, "merged_into": None, "village": None, "assessments": {}},
        {"type": "thi_tran", "district": 1, "merged_into": 1, "village": _a(), "assessments": {}},
        {"type": "xa", "district": 0, "merged_into": None, "village": None,
         "assessments": {(2025, "standard"): _a(met=5, large=True, duplicate=True)}},
    ],
    "new_communes": [{"standard": _a(event="recognise", decision_day=100)}, {"advanced": _a(met=1)}],
    "ward": None,
}  # fmt: skip
# The same where the second new unit is a ward (phường) and the second old commune, assessed in
# 2025, went into it: read on 31/12/2025 it is that ward, listed apart, not a commune beside it.
INTO_A_WARD = {
    **RICH,
    "communes": [RICH["communes"][0], {**RICH["communes"][1], "merged_into": 1}, *RICH["communes"][2:]],
    "ward": 1,
}


@example(plan=RICH)
@example(plan=INTO_A_WARD)
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(plan=province_plan)
def test_every_place_gives_the_same_figures_as_the_rows(plan):
    with transaction.atomic():
        world = _build(plan)
        ProvinceTarget.objects.create(
            province=world.province,
            period_from=2021,
            period_to=2030,
            # A target for every tier: a tier at 0 has no line to compare (no target).
            communes_standard=3,
            communes_advanced=2,
            communes_model=1,
            basis="NQ",
            entered_at=timezone.now(),
        )
        admin = UserFactory(username="admin-prop", is_superuser=True, is_staff=True)
        client = Client()
        client.force_login(admin)
        for year in YEARS:
            for tier in TIERS:
                want = expected(world, year, tier)
                assert _selector(world, year, tier) == want, (year, tier)
                assert _api(client, world, year, tier) == _at_places(want, 2), (year, tier)
                assert _dashboard(client, world, year, tier) == want, (year, tier)
                assert _export(world, year, tier) == _pick(want, ("communes_total", "recognised"))
            standard = expected(world, year, Tier.STANDARD)
            assert _bulletin(world, year) == _pick(
                _at_places(standard, 1), ("communes_total", "recognised", "villages", "average_basic")
            )
            assert _word(world, year) == _pick(standard, ("communes_total", "recognised"))
            assert _plan(world, year) == _pick(standard, ("recognised",))
        transaction.set_rollback(True)
