"""Fewer indexes to write on the two tables every save writes most to.

* ``criteria_indicatorvalue.assessment_id`` and ``criteria_historyentry.assessment_id``: each
  is the first column of an index the table has anyway (``value_one_per_indicator``;
  ``history_value_idx`` and ``history_newest_idx``), which serves the same reads and the
  foreign key's checks.
* ``criteria_historyentry.at``: the history is read per assessment only, through those indexes.
* ``criteria_indicatorvalue.updated_by_id``: no read goes by who entered a value. Without it
  (and with room left on each page, ``fillfactor`` 90 on PostgreSQL) an update that changes
  only values, outcome, version, writer and time is a HOT update, which writes no index: an
  office's import changes the writer of every value it records.

Only the indexes are dropped (``SeparateDatabaseAndState``): ``AlterField`` would make SQLite
rebuild both tables and lose their append-only triggers (0007). The names are the ones Django
gave the indexes (the same on PostgreSQL and SQLite); the SQL is written out so that the
migration keeps meaning what it meant.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED = [
    # (index, table, column)
    ("criteria_indicatorvalue_assessment_id_96b11af3", "criteria_indicatorvalue", "assessment_id"),
    ("criteria_indicatorvalue_updated_by_id_fc69e6b3", "criteria_indicatorvalue", "updated_by_id"),
    ("criteria_historyentry_assessment_id_29e630cf", "criteria_historyentry", "assessment_id"),
    ("criteria_historyentry_at_55ad970e", "criteria_historyentry", "at"),
]


def fillfactor(value: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE criteria_indicatorvalue SET (fillfactor = {value})")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("criteria", "0017_history_newest_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"', reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")'
                )
                for index, table, column in DROPPED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="historyentry",
                    name="assessment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="history",
                        to="criteria.assessment",
                    ),
                ),
                migrations.AlterField(
                    model_name="historyentry",
                    name="at",
                    field=models.DateTimeField(verbose_name="at"),
                ),
                migrations.AlterField(
                    model_name="indicatorvalue",
                    name="assessment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="values",
                        to="criteria.assessment",
                    ),
                ),
                migrations.AlterField(
                    model_name="indicatorvalue",
                    name="updated_by",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered by",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fillfactor(90), fillfactor(100)),
    ]
