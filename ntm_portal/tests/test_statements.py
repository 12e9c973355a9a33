"""Statements built and compiled once per key, run each time (ntm_portal.statements)."""

import pytest
from django.db.models import Count

from communes.models import AdministrativeUnit, Level
from communes.tests.factories import CommuneFactory
from ntm_portal import statements

pytestmark = pytest.mark.django_db


def test_a_kept_statement_is_built_once_and_reads_the_rows_of_each_run(tree):
    statements.forget()
    built = []

    def communes_by_parent():
        built.append(1)
        return AdministrativeUnit.objects.filter(level=Level.COMMUNE).values("parent_id").annotate(n=Count("pk"))

    def read():
        return {row["parent_id"]: row["n"] for row in statements.rows(("test", "communes"), communes_by_parent)}

    before = read()
    CommuneFactory(code="40199", name="Xã Mới Thêm", parent=tree.d1)
    after = read()
    assert built == [1]  # compiled once
    assert after[tree.d1.pk] == before[tree.d1.pk] + 1  # the data read at each run
    assert statements.rows(("test", "other key"), communes_by_parent) and built == [1, 1]
