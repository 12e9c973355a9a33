"""Migration 0004 (one login name whatever its capitals) stops on accounts already clashing."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("communes", "0003_field_labels_translated")]
AFTER = [("communes", "0004_username_unique_ignoring_case")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before():
    apps = _migrate(BEFORE)
    yield apps.get_model("auth", "User")
    apps.get_model("auth", "User").objects.all().delete()
    _migrate(_latest())


def test_accounts_differing_only_in_capitals_stop_the_migration_with_their_names(before):
    before.objects.create(username="tinh")
    before.objects.create(username="Tinh")
    before.objects.create(username="huyen1")
    with pytest.raises(RuntimeError, match="Tinh / tinh"):
        _migrate(AFTER)
    before.objects.filter(username="Tinh").update(username="tinh.qa")
    _migrate(AFTER)  # once renamed
