"""One assessment per unit, tier and year; revocation decisions; indicators the portal derives.

The data step copies each assessment's tier from its set, dates the revocations recorded before
revocations carried a decision (the day they were recorded), marks QĐ 319's two derived
indicators, and merges duplicates: of several assessments of one unit, tier and year, the one
furthest along the workflow (then with most criteria met, then the oldest) keeps speaking for
the unit; each other one is kept read-only, linked to it (``merged_into``), and both histories
say so. Nothing is deleted.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# Furthest along the workflow first: the assessment that speaks for the unit.
STATE_RANK = {
    "recognised": 0,
    "revoked": 1,
    "appraised": 2,
    "verified": 3,
    "submitted": 4,
    "returned": 5,
    "draft": 6,
}
MERGE_NOTE = "Hồ sơ #%(dup)s (%(set)s) trùng đơn vị, mức và năm với hồ sơ #%(keep)s; gộp: hồ sơ #%(keep)s được giữ."


def forwards(apps, schema_editor):
    from django.db.models import Count, F
    from django.utils import timezone

    Assessment = apps.get_model("criteria", "Assessment")
    HistoryEntry = apps.get_model("criteria", "HistoryEntry")
    Indicator = apps.get_model("criteria", "Indicator")

    for tier in ("standard", "advanced", "model"):
        Assessment.objects.filter(criteria_set__tier=tier).update(tier=tier)

    revoked = Assessment.objects.filter(state="revoked", revocation_date__isnull=True)
    for assessment in revoked:
        entry = (
            HistoryEntry.objects.filter(assessment=assessment, kind="state", new_state="revoked")
            .order_by("-at", "-pk")
            .first()
        )
        day = timezone.localdate(entry.at) if entry else assessment.updated_at.date()
        if assessment.decision_date and day < assessment.decision_date:
            day = assessment.decision_date
        Assessment.objects.filter(pk=assessment.pk).update(revocation_date=day)

    Indicator.objects.filter(criteria_set__code__startswith="QD319-", code="1.1").update(derived="holds_advanced")
    Indicator.objects.filter(criteria_set__code__startswith="QD319-", code="2.1").update(derived="income_vs_advanced")

    now = timezone.now()
    groups = (
        Assessment.objects.values("unit_id", "tier", "year").annotate(n=Count("pk")).filter(n__gt=1).order_by()
    )
    for group in groups:
        rows = list(
            Assessment.objects.filter(unit_id=group["unit_id"], tier=group["tier"], year=group["year"])
            .select_related("criteria_set")
            .order_by("pk")
        )
        rows.sort(key=lambda a: (STATE_RANK.get(a.state, 9), -a.criteria_met, a.created_at, a.pk))
        keeper, duplicates = rows[0], rows[1:]
        for duplicate in duplicates:
            note = MERGE_NOTE % {"dup": duplicate.pk, "set": duplicate.criteria_set.short_name, "keep": keeper.pk}
            Assessment.objects.filter(pk=duplicate.pk).update(merged_into=keeper, version=F("version") + 1)
            for target in (keeper, duplicate):
                HistoryEntry.objects.create(assessment=target, kind="merged", comment=note, at=now)

    if schema_editor.connection.vendor == "postgresql":
        # Fire the deferred foreign-key checks of the rows written above now: PostgreSQL will not
        # build the new unique index while trigger events are pending in the transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0001_initial'),
        ('criteria', '0005_assessment_year_unit_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='assessment',
            name='merged_into',
            field=models.ForeignKey(blank=True, editable=False, help_text='A duplicate of the same unit, tier and year, kept read-only for its history.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged', to='criteria.assessment', verbose_name='merged into'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='revocation_date',
            field=models.DateField(blank=True, null=True, verbose_name='revocation decision date'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='revocation_number',
            field=models.CharField(blank=True, max_length=60, verbose_name='revocation decision number'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='tier',
            field=models.CharField(choices=[('standard', 'Standard'), ('advanced', 'Advanced'), ('model', 'Model')], default='standard', editable=False, max_length=10, verbose_name='tier'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='indicator',
            name='derived',
            field=models.CharField(blank=True, choices=[('holds_advanced', 'Holds the advanced title (from the recognition decisions)'), ('income_vs_advanced', 'Income as a share of the advanced-commune threshold')], help_text='The portal computes this value from recognition decisions and other assessments.', max_length=24, verbose_name='worked out by the portal'),
        ),
        migrations.AlterField(
            model_name='historyentry',
            name='kind',
            field=models.CharField(choices=[('value', 'Value changed'), ('state', 'State changed'), ('created', 'Assessment started'), ('evidence', 'Evidence attached'), ('merged', 'Duplicate merged')], max_length=8, verbose_name='kind'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.UniqueConstraint(condition=models.Q(('merged_into__isnull', True)), fields=('unit', 'tier', 'year'), name='assessment_one_per_unit_tier_year'),
        ),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=models.Q(('tier__in', ['standard', 'advanced', 'model'])), name='assessment_tier_known'),
        ),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'revoked'), _negated=True), models.Q(('decision_date__isnull', False), ('revocation_date__isnull', False)), _connector='OR'), name='assessment_revoked_has_dates'),
        ),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=models.Q(('revocation_date__isnull', True), ('revocation_date__gte', models.F('decision_date')), _connector='OR'), name='assessment_revoked_after_recognised'),
        ),
    ]
