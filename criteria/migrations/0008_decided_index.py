"""An index for "holds the title": a unit's recognition decisions (criteria.figures, reports.selectors.sql)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0002_unit_coordinates_succession_main_part'),
        ('criteria', '0007_append_only_triggers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='assessment',
            index=models.Index(condition=models.Q(('merged_into__isnull', True), ('state__in', ['recognised', 'revoked'])), fields=['unit'], include=('tier', 'decision_date', 'revocation_date'), name='assessment_decided_idx'),
        ),
    ]
