"""The demo's assessments, year by year, entered through the ordinary services: values drawn so
that exactly the planned criteria are met, criteria basically met and indicators not
applicable as offices report them, summary records for 2016–2020, and the workflow up to
recognition (and one revocation)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from criteria.models import Assessment, AssessmentState, CriteriaSet, HistoryEntry, SetLevel, Tier
from criteria.services import ValueEntry, trusted
from criteria.services.in_force import chosen_set, set_in_force_choose
from demo.base import (
    ANCHOR_YEAR,
    LAST_PRE_MERGER_YEAR,
    MSG_PLAN_MISMATCH,
    DemoError,
    DemoOptions,
    draw,
    ends_in,
    moment,
)
from demo.catalog import QD1980_CODE, TRANSITIONAL_BASIS, TRANSITIONAL_YEAR, DemoSets
from demo.districts import seed_district_assessments
from demo.trajectories import Trajectory, advanced_trajectory, commune_trajectories, village_trajectory
from demo.tree import DemoTree
from demo.values import SetPlan, choose_met, plan_of, value_entries
from demo.workflow import Actors, Recognition, Workflow

# What district reports give for a criterion "cơ bản đạt" (basically met): works under way.
BASICALLY_MET_REASONS = (
    "Các tuyến đường trục thôn đang thi công, dự kiến hoàn thành trong năm.",
    "Đã phê duyệt dự án, đang triển khai; khối lượng đạt trên 80%.",
    "Đang hoàn thiện hồ sơ minh chứng, chờ thẩm định của phòng chuyên môn.",
)


@dataclass
class Seeder:
    """Seeds the assessments of the demo tree, year by year; ``run`` does it all."""

    options: DemoOptions
    tree: DemoTree
    sets: DemoSets
    actors: Actors
    set_plans: dict[int, SetPlan] = field(default_factory=dict)
    planned: dict[int, tuple[str, str, int, int]] = field(default_factory=dict)  # pk -> unit, set, year, met
    standard: dict[str, Recognition] = field(default_factory=dict)  # commune code -> first recognition
    advanced: dict[str, Recognition] = field(default_factory=dict)
    villages: dict[str, Recognition] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    workflow: Workflow = field(init=False)

    def __post_init__(self) -> None:
        self.workflow = Workflow(actors=self.actors, seed=self.options.seed)

    @property
    def seed(self) -> int:
        return self.options.seed

    def set_for(self, year: int, level: str, tier: str) -> SetPlan | None:
        """The set in force: the province's choice for the year, else the latest covering it."""
        found = chosen_set(province=self.tree.province, level=level, tier=tier, year=year)
        if found is None:
            found = CriteriaSet.objects.in_force(year=year, level=level, tier=tier, province=self.tree.province).first()
        return plan_of(found, self.set_plans) if found else None

    def transitional_year(self) -> None:
        """QĐ 318 was signed on 08/03/2022: the province keeps its communes on QĐ 1980 for 2021,
        as its plan says (the set in force for a year outside the set's own range)."""
        qd1980 = CriteriaSet.objects.published().filter(code=QD1980_CODE, issuer__isnull=True).order_by("-version")
        if self.options.year_from <= TRANSITIONAL_YEAR <= self.options.year_to and qd1980.exists():
            set_in_force_choose(
                province=self.tree.province,
                year=TRANSITIONAL_YEAR,
                criteria_set=qd1980.first(),
                basis=TRANSITIONAL_BASIS,
                user=self.actors.province,
            )

    # -- one assessment

    def assess(self, unit, set_plan: SetPlan, year: int, count: int, index: int, lose: bool = False) -> Assessment:
        """Create the assessment and record values so that exactly the planned criteria are met."""
        cs = set_plan.criteria_set
        rng = draw(self.seed, "values", unit.code, cs.code, year)
        met, order = choose_met(set_plan, unit, year, count, self.seed)
        lost = None
        if lose:  # phúc tra: the hardest criterion met is no longer met
            lost = max(met, key=order.index)
            met.discard(lost)
        officer = self.actors.officer(unit)
        start = datetime.date(year, 2 if year > LAST_PRE_MERGER_YEAR else 1, 5 + index % 20)
        assessment = trusted.create_assessment(unit=unit, criteria_set=cs, year=year, user=officer, at=moment(start, 8))
        entries = value_entries(set_plan, unit, year, met, rng)
        # A unit that ends in the year (30/06/2025) has its values entered before it ends.
        when = datetime.date(year, (2 + index % 4) if ends_in(unit, year) else (3 + index % 5), 1 + index % 27)
        trusted.record_values(assessment=assessment, entries=entries, user=officer, at=moment(when, 10, index % 60))
        self.planned[assessment.pk] = (unit.code, cs.code, year, len(met))
        if unit.level == SetLevel.COMMUNE and index % 5 == 2:
            self.not_applicable(assessment, set_plan, met, officer, moment(when, 10, 30))
        if unit.level == SetLevel.COMMUNE and len(met) < set_plan.total:
            self.basically_met(assessment, set_plan, met, order, rng, moment(when, 11, index % 60))
        assessment.criteria_met = len(met)
        assessment.demo_lost = next((c for c in set_plan.criteria if c.number == lost), None)
        return assessment

    def not_applicable(self, assessment, set_plan: SetPlan, met: set[int], officer, at) -> None:
        """A commune without a traditional craft village: its "(nếu có)" indicator does not apply.
        Only in criteria already met, so the planned count stays what it is."""
        entries = [
            ValueEntry(p.indicator.code, "không áp dụng", note="Xã không có làng nghề truyền thống.")
            for c in set_plan.criteria
            if c.number in met
            for p in c.indicators
            if p.indicator.conditional
        ]
        if entries:
            trusted.record_values(assessment=assessment, entries=entries, user=officer, at=at)

    def basically_met(self, assessment, set_plan: SetPlan, met: set[int], order, rng, at) -> None:
        """About one commune in three reports its nearest criteria not met as "cơ bản đạt"."""
        if rng.random() >= 0.35:
            return
        not_met = [c for c in order if c not in met][:2]  # the easiest not yet met
        for number in not_met[: rng.randint(1, 2)]:
            trusted.set_basically_met(
                assessment=assessment,
                number=number,
                basically_met=True,
                reason=rng.choice(BASICALLY_MET_REASONS),
                expected_by=datetime.date(assessment.year, 12, 31),
                user=self.actors.officer(assessment.unit),
                at=at,
            )

    # -- series

    def standard_year(self, year: int, trajectories: dict[str, Trajectory], latest: bool, revoke: str | None):
        set_plan = self.set_for(year, SetLevel.COMMUNE, Tier.STANDARD)
        if set_plan is None:
            return
        for index, commune in enumerate(self.tree.communes):
            if commune.code in self.revoked:
                continue
            count = trajectories[commune.code].count(year, set_plan.total)
            losing = commune.code == revoke and latest
            assessment = self.assess(commune, set_plan, year, count, index, lose=losing)
            if losing:
                rec = self.standard[commune.code]
                criterion = assessment.demo_lost
                # The recognition is kept into the year, then the re-check (phúc tra) finds the
                # criterion lost and the province revokes it: recognised → revoked.
                self.workflow.recognise_or_keep(assessment, self.standard, "xã đạt chuẩn nông thôn mới")
                self.workflow.flow(
                    assessment,
                    [AssessmentState.REVOKED],
                    recognition=rec,
                    comment=(
                        f"Phúc tra năm {year}: xã không còn đạt tiêu chí {criterion.number} ({criterion.name}); "
                        f"thu hồi Quyết định công nhận {rec.number} ngày {rec.date:%d/%m/%Y}."
                    ),
                )
                self.revoked.add(commune.code)
            elif assessment.criteria_met == set_plan.total:
                self.workflow.recognise_or_keep(assessment, self.standard, "xã đạt chuẩn nông thôn mới")
            else:
                self.workflow.open_flow(assessment, latest)

    def advanced_year(self, year: int, latest: bool):
        set_plan = self.set_for(year, SetLevel.COMMUNE, Tier.ADVANCED)
        if set_plan is None:
            return
        for index, commune in enumerate(self.tree.communes):
            rec = self.standard.get(commune.code)
            if rec is None or rec.date.year >= year or commune.code in self.revoked:
                continue
            trajectory = advanced_trajectory(commune, rec.date.year, self.seed)
            assessment = self.assess(commune, set_plan, year, trajectory.count(year, set_plan.total), index)
            if assessment.criteria_met == set_plan.total:
                self.workflow.recognise_or_keep(assessment, self.advanced, "xã nông thôn mới nâng cao")
            else:
                self.workflow.open_flow(assessment, latest, choices=(("draft", 2), ("submitted", 1)))

    def village_year(self, year: int, latest: bool):
        set_plan = self.set_for(year, SetLevel.VILLAGE, Tier.STANDARD)
        if set_plan is None:
            return
        communes = self.tree.communes if year <= LAST_PRE_MERGER_YEAR else self.tree.merged
        for index, village in enumerate(self.tree.all_villages([c.code for c in communes])):
            source = self.tree.village_sources.get(village.code, village)
            trajectory = village_trajectory(source, self.seed)
            count = trajectory.count(min(year, LAST_PRE_MERGER_YEAR), set_plan.total)
            assessment = self.assess(village, set_plan, year, count, index)
            if assessment.criteria_met == set_plan.total:
                if source.code in self.villages and village.code not in self.villages:
                    # A renamed village after the merger: the province acknowledges (thừa nhận)
                    # the recognition of the village it continues.
                    self.villages[village.code] = self.villages[source.code]
                self.workflow.recognise_or_keep(assessment, self.villages, "thôn nông thôn mới")
            else:
                self.workflow.open_flow(assessment, latest, choices=(("draft", 3), ("submitted", 2), ("verified", 1)))

    def merged_year(self, year: int, trajectories: dict[str, Trajectory], latest: bool):
        set_plan = self.set_for(year, SetLevel.COMMUNE, Tier.STANDARD)
        if set_plan is None:
            return
        for index, commune in enumerate(self.tree.merged):
            rng = draw(self.seed, "merged", commune.code)
            olds = self.tree.predecessors[commune.code]
            share = sum(trajectories[o.code].count(ANCHOR_YEAR) for o in olds) / (19 * len(olds))
            base = round(set_plan.total * share * rng.uniform(0.45, 0.85))
            count = min(set_plan.total, base + (year - LAST_PRE_MERGER_YEAR - 1) * rng.randint(1, 2))
            assessment = self.assess(commune, set_plan, year, count, index)
            if assessment.criteria_met == set_plan.total:
                self.workflow.recognise_or_keep(assessment, self.standard, "xã đạt chuẩn nông thôn mới")
            else:
                self.workflow.open_flow(assessment, latest, choices=(("draft", 3), ("submitted", 2)))

    def summary_years(self, trajectories: dict[str, Trajectory]) -> None:
        """2016–2020 (the years before the demo's first): each commune's standing as its yearly
        report gave it — summary records against QĐ 1980, without indicator values."""
        for year in range(2016, min(self.options.year_from, 2021)):
            set_plan = self.set_for(year, SetLevel.COMMUNE, Tier.STANDARD)
            if set_plan is None:
                continue
            for index, commune in enumerate(self.tree.communes):
                count = min(trajectories[commune.code].count(year, set_plan.total), set_plan.total - 1)
                met, order = choose_met(set_plan, commune, year, count, self.seed)
                rng = draw(self.seed, "summary", commune.code, year)
                basic = {n for n in order if n not in met}
                basic = set(sorted(basic, key=order.index)[: rng.choice((0, 0, 1, 2))])
                assessment = trusted.record_summary(
                    unit=commune,
                    criteria_set=set_plan.criteria_set,
                    year=year,
                    met=met,
                    basically_met=basic,
                    count=len(met),
                    source_number=f"{200 + index}/BC-UBND",
                    source_date=datetime.date(year, 12, 15),
                    user=self.actors.officer(commune),
                    at=moment(datetime.date(year, 12, 15), 16),
                )
                self.planned[assessment.pk] = (commune.code, set_plan.criteria_set.code, year, len(met))

    def run(self) -> None:
        trajectories = commune_trajectories(self.tree.communes, self.seed)
        self.transitional_year()
        self.summary_years(trajectories)
        years = self.options.years()
        last_old = min(self.options.year_to, LAST_PRE_MERGER_YEAR)
        revoke = self._commune_to_revoke(trajectories, last_old)
        for year in years:
            if year <= LAST_PRE_MERGER_YEAR:
                self.standard_year(year, trajectories, year == last_old, revoke)
                self.advanced_year(year, year == last_old)
            else:
                self.merged_year(year, trajectories, year == self.options.year_to)
            self.village_year(year, year in (last_old, self.options.year_to))
        seed_district_assessments(self)
        self.check_planned()
        self.date_last_changes()

    def date_last_changes(self) -> None:
        """An assessment's "last change" (auto_now, so the moment of seeding) becomes the moment
        of its last history entry, as if the years had been entered as they passed: the inbox's
        "waiting since" and the tables' "last change" read true."""
        last = HistoryEntry.objects.filter(assessment=OuterRef("pk")).order_by("-at").values("at")[:1]
        Assessment.objects.within(self.tree.province).update(updated_at=Coalesce(Subquery(last), F("updated_at")))

    def _commune_to_revoke(self, trajectories: dict[str, Trajectory], last_old: int) -> str | None:
        """One commune recognised before the last pre-merger year loses a criterion in it."""
        if last_old < self.options.year_from + 1:
            return None
        eligible = sorted(
            code for code, t in trajectories.items() if t.final == 19 and t.reach < last_old and t.reach < 2025
        )
        return draw(self.seed, "revoke").choice(eligible) if eligible else None

    def check_planned(self) -> None:
        """The stored count of criteria met must be what the generator planned."""
        stored = Assessment.objects.within(self.tree.province).values_list("pk", "criteria_met")
        for pk, met in stored:
            unit, set_code, year, planned = self.planned[pk]
            if met != planned:
                raise DemoError(
                    MSG_PLAN_MISMATCH % {"unit": unit, "set": set_code, "year": year, "stored": met, "planned": planned}
                )
