"""One reading of a unit for the target rule (criteria.targets.subject_for), whoever asks."""

from bench.tree import Unit
from communes.models import AdministrativeUnit
from criteria.evaluation import TargetSubject
from criteria.models import CriteriaSet
from criteria.targets import subject_for


def test_a_unit_brings_its_region_group_and_the_sets_disadvantaged_region():
    commune = AdministrativeUnit(region="DBSCL", commune_group=3, especially_disadvantaged=True)
    subject = subject_for(commune, year=2027, criteria_set=CriteriaSet(disadvantaged_region="TDMNPB"))
    assert subject == TargetSubject(
        region="DBSCL", group=3, year=2027, especially_disadvantaged=True, disadvantaged_region="TDMNPB"
    )


def test_blank_region_and_blank_set_region_mean_none():
    subject = subject_for(AdministrativeUnit(region=""), year=2020, criteria_set=CriteriaSet(disadvantaged_region=""))
    assert (subject.region, subject.group, subject.disadvantaged_region) == (None, None, None)


def test_the_bench_reads_its_units_as_the_portal_does():
    bench_unit = Unit(1, "X", "commune", "BTB", "/X/", especially_disadvantaged=True)
    model_unit = AdministrativeUnit(region="BTB", especially_disadvantaged=True)
    criteria_set = CriteriaSet(disadvantaged_region="TDMNPB")
    assert subject_for(bench_unit, year=2024, criteria_set=criteria_set) == subject_for(
        model_unit, year=2024, criteria_set=criteria_set
    )
