"""Migration 0006 merges duplicate assessments (one unit, tier and year) without losing history."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("criteria", "0005_assessment_year_unit_idx")]
AFTER = [("criteria", "0006_one_assessment_per_tier")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def duplicates():
    """Before 0006: commune X assessed twice at the standard tier in 2022 (the import started a
    second assessment against another set), once at the advanced tier; one revocation with no
    revocation date; QĐ 319's first indicator typed."""
    apps = _migrate(BEFORE)
    unit_model = apps.get_model("communes", "AdministrativeUnit")
    CriteriaSet = apps.get_model("criteria", "CriteriaSet")
    Group = apps.get_model("criteria", "CriterionGroup")
    Criterion = apps.get_model("criteria", "Criterion")
    Assessment = apps.get_model("criteria", "Assessment")
    History = apps.get_model("criteria", "HistoryEntry")
    province = unit_model.objects.create(code="77", name="Tỉnh", level="province", type="tinh", path="/77/")
    commune = unit_model.objects.create(
        code="77001", name="Xã X", level="commune", type="xa", parent=province, path="/77/77001/"
    )
    sets = {}
    for code, tier in (("A-STD", "standard"), ("B-STD", "standard"), ("C-ADV", "advanced"), ("QD319-TEST", "model")):
        sets[code] = CriteriaSet.objects.create(
            code=code,
            name=code,
            short_name=code,
            decision_number="1",
            decision_date=datetime.date(2021, 1, 1),
            level="commune",
            tier=tier,
            year_from=2021,
            year_to=2025,
            status="draft",
        )
        # bulk_create: the historical models keep the catalog's save() guard but not its helpers.
        (group,) = Group.objects.bulk_create([Group(criteria_set=sets[code], code="A", name="A")])
        group = Group.objects.get(criteria_set=sets[code])
        Criterion.objects.bulk_create([Criterion(criteria_set=sets[code], group=group, number=1, name="1")])
    first = Assessment.objects.create(
        unit=commune, criteria_set=sets["A-STD"], year=2022, state="submitted", criteria_met=14, criteria_total=19
    )
    second = Assessment.objects.create(
        unit=commune, criteria_set=sets["B-STD"], year=2022, state="draft", criteria_met=16, criteria_total=19
    )
    advanced = Assessment.objects.create(
        unit=commune,
        criteria_set=sets["C-ADV"],
        year=2022,
        state="revoked",
        criteria_met=19,
        criteria_total=19,
        decision_number="5/QĐ",
        decision_date=datetime.date(2022, 3, 1),
    )
    moment = timezone.make_aware(datetime.datetime(2023, 4, 5, 10, 0))
    History.objects.bulk_create(
        [
            History(assessment=advanced, kind="state", old_state="recognised", new_state="revoked", at=moment),
            *(History(assessment=a, kind="created", new_state="draft", at=moment) for a in (first, second)),
        ]
    )
    yield {"first": first.pk, "second": second.pk, "advanced": advanced.pk}
    _migrate([("criteria", "0006_one_assessment_per_tier"), *_latest()])


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_duplicates_are_merged_into_the_one_furthest_along_keeping_every_history(duplicates):
    apps = _migrate(AFTER)
    Assessment = apps.get_model("criteria", "Assessment")
    History = apps.get_model("criteria", "HistoryEntry")
    first = Assessment.objects.get(pk=duplicates["first"])
    second = Assessment.objects.get(pk=duplicates["second"])
    # Submitted is further along than a draft with more criteria met: it speaks for the commune.
    assert (first.merged_into_id, second.merged_into_id) == (None, first.pk)
    assert (first.tier, second.tier) == ("standard", "standard")
    assert History.objects.filter(assessment_id=second.pk, kind="created").exists()  # nothing deleted
    for pk in (first.pk, second.pk):
        (note,) = History.objects.filter(assessment_id=pk, kind="merged").values_list("comment", flat=True)
        assert f"#{second.pk}" in note and f"#{first.pk} được giữ" in note


def test_a_revocation_recorded_before_decisions_is_dated_the_day_it_was_recorded(duplicates):
    apps = _migrate(AFTER)
    advanced = apps.get_model("criteria", "Assessment").objects.get(pk=duplicates["advanced"])
    assert (advanced.tier, advanced.revocation_date) == ("advanced", datetime.date(2023, 4, 5))
