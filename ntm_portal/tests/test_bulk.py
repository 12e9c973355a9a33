"""``ntm_portal.bulk``: the set-based writes give what saving each row would (SQLite: VALUES
lists in chunks; PostgreSQL: one array per column)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from criteria.models import HistoryEntry, HistoryKind, IndicatorValue
from ntm_portal.bulk import insert_rows, prepare_datetime, update_from_values, update_rows

MOMENT = datetime.datetime(2025, 6, 1, 8, 30, tzinfo=datetime.UTC)
# Text that array literals and quoting must carry through unchanged.
AWKWARD = 'it\'s “quoted”, "double", back\\slash {braced} NULL'


@pytest.fixture
def values(assessment, criteria_set, personas):
    """Commune A's value of 1.1 (yes) and one more, of a number indicator, empty."""
    number = criteria_set.indicators.exclude(value_type="yes_no").first()
    other = IndicatorValue.objects.create(assessment=assessment, indicator=number, version=1)
    return [IndicatorValue.objects.get(assessment=assessment, indicator__code="1.1"), other]


def test_update_from_values_writes_each_row_its_own_values(values, personas):
    yes_no, number = values
    yes_no.value_bool, yes_no.note, yes_no.updated_by = None, AWKWARD, personas.officer_b
    number.value_decimal, number.updated_at, number.version = Decimal("12.5"), MOMENT, 7

    assert (
        update_from_values(
            IndicatorValue, ["value_bool", "value_decimal", "note", "updated_by", "updated_at", "version"], values
        )
        == 2
    )

    yes_no.refresh_from_db()
    number.refresh_from_db()
    assert (yes_no.value_bool, yes_no.note, yes_no.updated_by) == (None, AWKWARD, personas.officer_b)
    assert (number.value_decimal, number.updated_at, number.version) == (Decimal("12.5"), MOMENT, 7)


def test_update_rows_takes_values_prepared_by_the_caller(values, personas):
    yes_no, number = values
    rows = [
        (yes_no.pk, False, None, prepare_datetime(MOMENT)),
        (number.pk, None, Decimal("3"), prepare_datetime(MOMENT)),
    ]

    assert update_rows(IndicatorValue, ["value_bool", "value_decimal", "updated_at"], rows) == 2

    assert list(
        IndicatorValue.objects.filter(pk__in=[yes_no.pk, number.pk])
        .order_by("pk")
        .values_list("value_bool", "value_decimal", "updated_at")
    ) == [(False, None, MOMENT), (None, Decimal("3"), MOMENT)]


def test_insert_rows_writes_every_row_in_order_also_past_the_parameter_limit(assessment, personas, monkeypatch):
    monkeypatch.setattr(connection.features, "max_query_params", 26)  # two rows of 13 a statement
    fields = ["assessment", "kind", "indicator", "criterion", "old_value", "new_value", "old_note", "new_note",
              "old_state", "new_state", "comment", "user", "at"]  # fmt: skip
    indicator = assessment.criteria_set.indicators.get(code="1.1")
    rows = [
        (
            assessment.pk,
            HistoryKind.VALUE,  # a choice as its text
            indicator.pk,
            None,
            str(i),
            str(i + 1),
            "",
            AWKWARD,
            "",
            "",
            "bulk",
            personas.officer_a.pk,
            prepare_datetime(MOMENT),
        )
        for i in range(5)
    ]
    before = HistoryEntry.objects.filter(assessment=assessment).count()

    insert_rows(HistoryEntry, fields, rows)

    written = HistoryEntry.objects.filter(assessment=assessment, comment="bulk").order_by("pk")
    assert HistoryEntry.objects.filter(assessment=assessment).count() == before + 5
    assert [(h.kind, h.old_value, h.new_value, h.new_note, h.at, h.user) for h in written] == [
        ("value", str(i), str(i + 1), AWKWARD, MOMENT, personas.officer_a) for i in range(5)
    ]
