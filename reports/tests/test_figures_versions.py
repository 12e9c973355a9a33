"""The figures versions move with every write that changes a province's figures, and only then.

Province P (``/40/``, the shared ``tree``) and province Q (``/60/``: district 601, commune
60101). The triggers run on both databases: on PostgreSQL once per statement, so a bulk
statement bumps a province by exactly one; on SQLite once per row, so there a bulk statement
bumps by at least one.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from communes.country import Country, UnitRecord
from communes.loading import units_load
from communes.models import AdministrativeUnit, Level, Region, UnitSuccession, UnitType
from communes.tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory
from criteria.models import Assessment, AssessmentState, CriteriaSet, Criterion, CriterionResult
from plans.models import FundEntry, ProvinceTarget, RegisteredTarget
from plans.tests.factories import make_fund, make_target
from reports.models import FiguresVersion
from reports.selectors.cache import GLOBAL
from reports.tests.factories import make_assessment, make_flat_set

P, Q = "/40/", "/60/"

TRIGGERED_TABLES = (
    "criteria_assessment",
    "criteria_criterionresult",
    "communes_administrativeunit",
    "communes_unitsuccession",
    "criteria_criterion",
    "criteria_criteriaset",
    "plans_registeredtarget",
    "plans_provincetarget",
    "plans_fundentry",
)


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def figures_versions() -> dict[str, tuple[str, int]]:
    """Every row as ``{prefix: (token, version)}``."""
    return {
        p: (token, version) for p, token, version in FiguresVersion.objects.values_list("prefix", "token", "version")
    }


def versions() -> dict[str, int]:
    return {prefix: version for prefix, (_, version) in figures_versions().items()}


@contextmanager
def bumps() -> Iterator[dict[str, int]]:
    """Yields a dict filled, on leaving the block, with how much each row went up (a new row: from 0)."""
    before = versions()
    bumped: dict[str, int] = {}
    yield bumped
    after = versions()
    bumped.update({prefix: v - before.get(prefix, 0) for prefix, v in after.items() if v != before.get(prefix, 0)})


@pytest.fixture
def two(tree):
    q_commune = CommuneFactory(code="60101", parent=DistrictFactory(code="601", parent=ProvinceFactory(code="60")))
    criteria_set = make_flat_set(code="V-3", total=3)
    return SimpleNamespace(tree=tree, q_commune=q_commune, set=criteria_set)


def new_assessment(unit: AdministrativeUnit, criteria_set: CriteriaSet, year: int = 2023) -> Assessment:
    return Assessment.objects.create(unit=unit, criteria_set=criteria_set, tier=criteria_set.tier, year=year)


# Assessments


@pytest.mark.django_db
def test_an_assessment_created_changed_and_deleted_bumps_its_province_each_time(two):
    with bumps() as bumped:
        assessment = new_assessment(two.tree.a, two.set)
    assert bumped == {P: 1}

    with bumps() as bumped:
        assessment.state = AssessmentState.SUBMITTED
        assessment.save()
    assert bumped == {P: 1}

    with bumps() as bumped:
        assessment.delete()
    assert bumped == {P: 1}


@pytest.mark.django_db
def test_an_assessment_moved_to_another_provinces_unit_bumps_both(two):
    assessment = new_assessment(two.tree.a, two.set)
    with bumps() as bumped:
        Assessment.objects.filter(pk=assessment.pk).update(unit=two.q_commune)
    assert bumped == {P: 1, Q: 1}


@pytest.mark.django_db
def test_an_assessment_of_a_predecessor_bumps_its_successors_province(two):
    UnitSuccession.objects.create(predecessor=two.tree.c, successor=two.q_commune, date=datetime.date(2025, 7, 1))
    with bumps() as bumped:
        new_assessment(two.tree.c, two.set)
    assert bumped == {P: 1, Q: 1}


@pytest.mark.django_db
def test_a_bulk_update_of_many_assessments_bumps_their_provinces_once_per_statement(two):
    for unit in (two.tree.a, two.tree.b, two.tree.c, two.q_commune):
        new_assessment(unit, two.set)
    with bumps() as bumped:
        changed = Assessment.objects.filter(year=2023).update(state=AssessmentState.SUBMITTED)
    assert changed == 4
    assert set(bumped) == {P, Q}
    if on_postgresql():
        assert bumped == {P: 1, Q: 1}
    else:
        assert bumped == {P: 3, Q: 1}


@pytest.mark.django_db
def test_a_statement_that_changes_no_row_bumps_nothing(two):
    with bumps() as bumped:
        Assessment.objects.filter(year=1999).update(state=AssessmentState.SUBMITTED)
        Criterion.objects.filter(number=999).update(name="Không có")
        CriteriaSet.objects.filter(code="không có").delete()
    assert bumped == {}


# Criterion results


@pytest.mark.django_db
def test_a_criterion_result_created_changed_and_deleted_bumps_its_assessments_province(two):
    assessment = new_assessment(two.tree.b, two.set)
    criterion = two.set.criteria.get(number=1)
    with bumps() as bumped:
        result = CriterionResult.objects.create(assessment=assessment, criterion=criterion, indicators_total=1)
    assert bumped == {P: 1}

    with bumps() as bumped:
        result.met = True
        result.indicators_met = 1
        result.save()
    assert bumped == {P: 1}

    with bumps() as bumped:
        result.delete()
    assert bumped == {P: 1}


@pytest.mark.django_db
def test_results_written_in_bulk_bump_their_province_once_per_statement(two):
    with bumps() as bumped:
        assessment = make_assessment(two.q_commune, two.set, 2023, 2)
    # One INSERT of the assessment, one bulk INSERT of its three results.
    assert bumped == ({Q: 2} if on_postgresql() else {Q: 4})

    with bumps() as bumped:
        assert assessment.results.update(met=True) == 3
    assert bumped == ({Q: 1} if on_postgresql() else {Q: 3})


# Units


@pytest.mark.django_db
def test_a_unit_created_renamed_and_deleted_bumps_its_province(two):
    with bumps() as bumped:
        commune = CommuneFactory(code="40103", parent=two.tree.d1)
    assert bumped == {P: 1}

    with bumps() as bumped:
        commune.name = "Xã Đổi Tên"
        commune.save()
    assert bumped == {P: 1}

    with bumps() as bumped:
        commune.delete()
    assert bumped == {P: 1}


@pytest.mark.django_db
def test_a_district_moved_to_another_province_bumps_the_old_and_the_new(two):
    district = two.tree.d2
    district.parent = AdministrativeUnit.objects.get(code="60")
    with bumps() as bumped:
        district.save()  # its own row, then its subtree's paths in one UPDATE
    assert AdministrativeUnit.objects.get(code="40201").path == "/60/402/40201/"
    assert set(bumped) == {P, Q}
    if on_postgresql():
        assert bumped == {P: 2, Q: 2}


@pytest.mark.django_db
def test_a_new_province_gets_its_row_with_a_fresh_token():
    ProvinceFactory(code="70")
    ProvinceFactory(code="71")
    rows = figures_versions()
    assert rows["/70/"][1] == rows["/71/"][1] == 1
    assert re.fullmatch(r"[0-9a-f]{32}", rows["/70/"][0])
    assert rows["/70/"][0] != rows["/71/"][0]


@pytest.mark.django_db
def test_a_bump_keeps_the_token(two):
    token = figures_versions()[P][0]
    new_assessment(two.tree.a, two.set)
    assert figures_versions()[P][0] == token


# Plans: registered targets, province targets, funds (0007)


@pytest.mark.django_db
def test_a_registered_target_set_changed_and_deleted_bumps_its_units_province(two):
    with bumps() as bumped:
        target = make_target(two.tree.a, "standard", 2025)
    assert bumped == {P: 1}

    with bumps() as bumped:
        RegisteredTarget.objects.filter(pk=target.pk).update(target_year=2026)
    assert bumped == {P: 1}

    with bumps() as bumped:
        target.delete()
    assert bumped == {P: 1}


@pytest.mark.django_db
def test_a_province_target_entered_changed_and_deleted_bumps_that_province(two):
    with bumps() as bumped:
        target = ProvinceTarget.objects.create(
            province=two.q_commune.parent.parent,
            period_from=2021,
            period_to=2025,
            communes_standard=10,
            basis="NQ 1",
            entered_at=datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC),
        )
    assert bumped == {Q: 1}

    with bumps() as bumped:
        target.communes_standard = 12
        target.save()
    assert bumped == {Q: 1}

    with bumps() as bumped:
        target.delete()
    assert bumped == {Q: 1}


@pytest.mark.django_db
def test_funds_entered_changed_and_cleared_bump_their_units_province(two):
    with bumps() as bumped:
        entry = make_fund(two.q_commune, 2025, 3, "central", 1_000_000)
    assert bumped == {Q: 1}

    with bumps() as bumped:
        FundEntry.objects.filter(pk=entry.pk).update(amount=2_000_000)
    assert bumped == {Q: 1}

    with bumps() as bumped:
        entry.delete()
    assert bumped == {Q: 1}


@pytest.mark.django_db
def test_funds_of_two_provinces_in_one_statement_bump_each_once_per_statement(two):
    make_fund(two.q_commune, 2025, 3, "central", 1_000_000)
    make_fund(two.tree.a, 2025, 3, "central", 1_000_000)
    make_fund(two.tree.b, 2025, 3, "central", 1_000_000)
    with bumps() as bumped:
        assert FundEntry.objects.update(amount=5) == 3
    assert bumped == ({P: 1, Q: 1} if on_postgresql() else {P: 2, Q: 1})


# Successions


@pytest.mark.django_db
def test_a_succession_created_changed_and_deleted_bumps_both_units_provinces(two):
    with bumps() as bumped:
        link = UnitSuccession.objects.create(
            predecessor=two.tree.c, successor=two.q_commune, date=datetime.date(2025, 7, 1)
        )
    assert bumped == {P: 1, Q: 1}

    with bumps() as bumped:
        link.main_part = False
        link.save()
    assert bumped == {P: 1, Q: 1}

    with bumps() as bumped:
        link.delete()
    assert bumped == {P: 1, Q: 1}


@pytest.mark.django_db
def test_a_succession_within_one_province_bumps_only_that_province(two):
    with bumps() as bumped:
        UnitSuccession.objects.create(predecessor=two.tree.b, successor=two.tree.a, date=datetime.date(2025, 7, 1))
    assert bumped == {P: 1}


# The catalogue


@pytest.mark.django_db
def test_a_criteria_set_created_changed_and_deleted_bumps_the_catalogue_only(tree):
    with bumps() as bumped:
        criteria_set = CriteriaSet.objects.create(
            code="G-1",
            name="Bộ G-1",
            short_name="G-1",
            decision_number="1/QĐ",
            decision_date=datetime.date(2021, 1, 1),
            level=Level.COMMUNE,
            tier="standard",
            year_from=2021,
            year_to=2025,
        )
    assert bumped == {GLOBAL: 1}

    with bumps() as bumped:
        criteria_set.name = "Bộ G-1 (sửa)"
        criteria_set.save()
    assert bumped == {GLOBAL: 1}

    with bumps() as bumped:
        criteria_set.delete()
    assert bumped == {GLOBAL: 1}


@pytest.mark.django_db
def test_a_criterion_created_changed_and_deleted_bumps_the_catalogue_only(two):
    group = two.set.groups.get()
    with bumps() as bumped:
        criterion = Criterion.objects.create(criteria_set=two.set, group=group, number=4, name="Tiêu chí 4")
    assert bumped == {GLOBAL: 1}

    with bumps() as bumped:
        criterion.name = "Tiêu chí bốn"
        criterion.save()
    assert bumped == {GLOBAL: 1}

    with bumps() as bumped:
        criterion.delete()
    assert bumped == {GLOBAL: 1}


@pytest.mark.django_db
def test_criteria_renamed_in_bulk_bump_the_catalogue_once_per_statement(two):
    with bumps() as bumped:
        assert two.set.criteria.update(name="Tiêu chí") == 3
    assert set(bumped) == {GLOBAL}
    if on_postgresql():
        assert bumped == {GLOBAL: 1}


# Transactions


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_every_version_as_it_was(tree):
    criteria_set = make_flat_set(code="V-R", total=2)
    before = figures_versions()

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        make_assessment(tree.a, criteria_set, 2023, 1)
        ProvinceFactory(code="80")
        Criterion.objects.filter(criteria_set=criteria_set).update(name="Đổi")
        assert figures_versions() != before  # seen inside the transaction
        raise Refused

    assert figures_versions() == before


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_shows_at_once_outside_the_transaction(tree):
    criteria_set = make_flat_set(code="V-C", total=2)
    before = versions()
    with transaction.atomic():
        make_assessment(tree.a, criteria_set, 2023, 1)
    assert versions()[P] > before[P]


# The invariant: every unit's province has a row


def unit_prefixes() -> set[str]:
    return {"/" + path.split("/")[1] + "/" for path in AdministrativeUnit.objects.values_list("path", flat=True)}


def record(code: str, level: str, unit_type: str, parent_code: str | None) -> UnitRecord:
    return UnitRecord(
        code=code,
        name=f"Đơn vị {code}",
        level=level,
        type=unit_type,
        parent_code=parent_code,
        region=Region.TN,
        valid_from=None,
        valid_to=None,
        latitude=None,
        longitude=None,
    )


@pytest.mark.django_db
def test_every_units_province_has_a_row_whether_saved_one_by_one_or_loaded_in_bulk(two):
    country = Country(
        units=[
            record("91", Level.PROVINCE, UnitType.TINH, None),
            record("911", Level.DISTRICT, UnitType.HUYEN, "91"),
            record("91101", Level.COMMUNE, UnitType.XA, "911"),
            record("92", Level.PROVINCE, UnitType.TINH, None),
            record("92001", Level.COMMUNE, UnitType.XA, "92"),
        ]
    )
    units_load(country=country)  # bulk_create, level by level
    province = AdministrativeUnit(code="93", name="Tỉnh 93", level=Level.PROVINCE, type=UnitType.TINH)
    province.set_derived_fields()
    AdministrativeUnit.objects.bulk_create([province])
    assert {"/91/", "/92/", "/93/", P, Q} <= unit_prefixes()
    assert unit_prefixes() <= set(figures_versions())


# The read API and the triggers themselves


@pytest.mark.django_db
def test_the_versions_are_read_in_one_query(two, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = figures_versions()
    assert {P, Q} <= set(rows)


@pytest.mark.django_db
def test_every_figures_trigger_is_installed():
    """SQLite drops a table's triggers when a migration rebuilds the table: this would notice."""
    expected = {f"{table}_figures_{event}" for table in TRIGGERED_TABLES for event in ("insert", "update", "delete")}
    with connection.cursor() as cursor:
        if on_postgresql():
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", ["%\\_figures\\_%"])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", ["%_figures_%"])
        installed = {name for (name,) in cursor.fetchall()}
    assert installed == expected
