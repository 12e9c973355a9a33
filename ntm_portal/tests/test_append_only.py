"""History and logs cannot be changed or deleted: not through the ORM's managers, not with a
plain QuerySet, not with raw SQL (PostgreSQL triggers)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from criteria.models import (
    AssessmentLog,
    CommuneGroupChange,
    CriteriaSetChange,
    CriterionResultLog,
    GroupCondition,
    HistoryEntry,
)
from criteria.services.commune_groups import commune_group_set
from criteria.services.set_workspace import criteria_set_clone_for
from ntm_portal.append_only import allow_history_rewrite
from plans.models import FundChange, ProvinceTargetChange, RegisteredTargetChange
from plans.services import (
    FundCell,
    ProvinceTargetInput,
    funds_record,
    province_target_save,
    registered_target_set,
)

pytestmark = pytest.mark.django_db

LOGS = [
    HistoryEntry,
    AssessmentLog,
    CriterionResultLog,
    RegisteredTargetChange,
    ProvinceTargetChange,
    FundChange,
    CommuneGroupChange,
    CriteriaSetChange,
]
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no per-transaction setting for the triggers: ORM guard only"
)


@pytest.fixture
def logged(assessment, tree, personas):
    """A row in every history and log table."""
    registered_target_set(
        unit=tree.a, tier="standard", target_year=2026, basis="NQ 01", user=personas.district_d1, expected_version=0
    )
    province_target_save(
        province=tree.province,
        data=ProvinceTargetInput(period_from=2021, period_to=2025, communes_standard=3, basis="NQ 05"),
        user=personas.province_office,
    )
    funds_record(
        unit=tree.a, year=2025, cells=[FundCell(month=1, source="central", raw="1000")], user=personas.officer_a
    )
    commune_group_set(
        unit=tree.a,
        group=2,
        condition=GroupCondition.OTHER,
        decision_number="120/QĐ-UBND",
        decision_date=datetime.date(2026, 1, 20),
        user=personas.province_office,
    )
    criteria_set_clone_for(criteria_set=assessment.criteria_set, province=tree.province, user=personas.province_office)
    for model in LOGS:
        assert model.objects.exists(), model
    return assessment


@pytest.mark.parametrize("model", LOGS, ids=lambda m: m.__name__)
def test_the_base_manager_refuses_updates_and_deletes(logged, model):
    with pytest.raises(ValidationError):
        model._base_manager.all().update(at=None)
    with pytest.raises(ValidationError):
        model._base_manager.all().delete()


@postgresql_only
@pytest.mark.parametrize("model", LOGS, ids=lambda m: m.__name__)
def test_a_plain_queryset_cannot_update_or_delete(logged, model):
    plain = models.QuerySet(model)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        plain.update(at=plain.first().at)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        plain._raw_delete(connection.alias)


@postgresql_only
@pytest.mark.parametrize("model", LOGS, ids=lambda m: m.__name__)
def test_raw_sql_cannot_update_or_delete(logged, model):
    table = model._meta.db_table
    count = model.objects.count()
    for statement in (f'UPDATE "{table}" SET at = at', f'DELETE FROM "{table}"'):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert model.objects.count() == count


@postgresql_only
def test_raw_sql_may_still_add_rows(logged):
    table = FundChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" (unit_id, year, month, source, new_amount, at) '
            f'SELECT unit_id, year, 2, source, 5, at FROM "{table}" LIMIT 1'
        )
    assert FundChange.objects.count() == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_demo_reset_exception_holds_for_its_own_transaction_only(logged):
    table = HistoryEntry._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        allow_history_rewrite()
        cursor.execute(f'DELETE FROM "{table}" WHERE id = %s', [HistoryEntry.objects.first().pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{table}"')
