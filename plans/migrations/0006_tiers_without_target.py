"""A province target's tier at 0 has no target: each count is held to the nearest tier below
it that has one (a model-tier target of 3 with no advanced target was refused).

On SQLite, changing a check constraint rebuilds the table, which drops its triggers: the
figures-version triggers of ``reports`` 0007 on ``plans_provincetarget`` are taken off before
and put back after, as that migration's docstring asks (on PostgreSQL they are re-created
unchanged)."""

import importlib

from django.db import migrations, models

figures_follow_plans = importlib.import_module("reports.migrations.0007_figures_follow_plans")


def triggers_off(apps, schema_editor):
    figures_follow_plans.uninstall(apps, schema_editor)


def triggers_on(apps, schema_editor):
    figures_follow_plans.install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0005_registered_target_withdrawal"),
        ("reports", "0007_figures_follow_plans"),
    ]

    operations = [
        migrations.RunPython(triggers_off, triggers_on),
        migrations.RemoveConstraint(
            model_name="provincetarget",
            name="provincetarget_tiers_nested",
        ),
        migrations.AddConstraint(
            model_name="provincetarget",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("communes_standard", 0),
                        ("communes_advanced__lte", models.F("communes_standard")),
                        _connector="OR",
                    ),
                    models.Q(
                        ("communes_model__lte", models.F("communes_advanced")),
                        models.Q(("communes_advanced", 0), ("communes_standard", 0)),
                        models.Q(("communes_advanced", 0), ("communes_model__lte", models.F("communes_standard"))),
                        _connector="OR",
                    ),
                ),
                name="provincetarget_tiers_nested",
            ),
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
