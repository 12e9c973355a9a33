"""One login name, whatever its capitals: a unique index on ``LOWER(username)`` of Django's user
table ("Tinh" beside "tinh" signed in as two people).

``auth.User`` is Django's model, so the index is made here through the schema editor rather than
declared in its ``Meta``: the migration state does not know it, and ``makemigrations`` leaves it
alone. PostgreSQL lower-cases every letter ("NGUYỄN" → "nguyễn"); SQLite only ASCII, where the
admin's forms compare in Python (``communes.people.username_holder``). Accounts already clashing
stop the migration with their names: which one to rename is an administrator's choice.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import UniqueConstraint
from django.db.models.functions import Lower

NAME = "user_username_lower_uniq"


def _constraint() -> UniqueConstraint:
    return UniqueConstraint(Lower("username"), name=NAME)


def add_index(apps, schema_editor):
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    User = apps.get_model(app_label, model_name)
    seen: dict[str, str] = {}
    clashes = []
    # Sorted here: the databases' collations order capitals differently.
    for name in sorted(User.objects.values_list("username", flat=True)):
        key = name.lower()
        if key in seen:
            clashes.append(f"{seen[key]} / {name}")
        seen.setdefault(key, name)
    if clashes:
        raise RuntimeError(
            "Login names that differ only in capital letters: "
            + ", ".join(clashes)
            + ". Rename one of each pair in the admin, then migrate again."
        )
    schema_editor.add_constraint(User, _constraint())


def remove_index(apps, schema_editor):
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    schema_editor.remove_constraint(apps.get_model(app_label, model_name), _constraint())


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0003_field_labels_translated"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(add_index, remove_index)]
