"""Back up the whole portal (database rows and uploaded files) into one archive, and restore it.

The archive is a ``.tar.gz`` holding ``data.xml`` (every table, through Django's serializers,
so the same archive restores into SQLite or PostgreSQL; XML rather than JSON because Django's
JSON encoder cuts timestamps to milliseconds, and history must come back exactly) and ``media/`` (evidence files and
issued bulletins). Restoring refuses a database that already holds portal data, so a backup is
never merged into live data by mistake. For very large PostgreSQL databases, ``pg_dump`` /
``pg_restore`` are faster (see the README); this format is the portable one.

Every table is read in one transaction, so officers saving values during a backup cannot
leave a value in the archive without its history, or a count that disagrees with its
results: on PostgreSQL a ``REPEATABLE READ, READ ONLY`` transaction (one snapshot for every
statement; writers are not blocked), on SQLite one transaction (the portal's SQLite
transactions take the write lock when they begin, so writers wait for the backup). Files are copied after the rows: a file uploaded meanwhile may
be in the archive without its row, never the other way round unless it was deleted meanwhile.
"""

from __future__ import annotations

import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

# Rows rebuilt by migrations, or not worth keeping (sessions, sign-in attempts); the dashboards'
# figures versions and kept figures are bookkeeping the database's triggers and the pages
# rebuild (``reports.selectors.cache``): a restore starts them afresh.
DERIVED = ["reports.figuresversion", "reports.figurescacheentry"]
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes", *DERIVED]
DATA_NAME = "data.xml"
MEDIA_PREFIX = "media/"


class RestoreError(Exception):
    pass


def portal_has_data() -> bool:
    """Whether any table of ours (the derived ones aside), or a user, already has rows."""
    models = [apps.get_model("auth", "User")]
    for label in ("communes", "criteria", "reports", "plans"):
        if apps.is_installed(label):
            models.extend(apps.get_app_config(label).get_models())
    derived = {apps.get_model(label) for label in DERIVED}
    return any(model.objects.exists() for model in models if model not in derived)


def _dump_snapshot(data: Path) -> None:
    """``dumpdata`` inside one snapshot of the database."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # must be the transaction's first statement
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            natural_primary=True,
            format="xml",
            output=str(data),
            verbosity=0,
        )


def backup(path: Path) -> dict[str, int]:
    """Write the archive; returns counts of rows and files."""
    if connection.in_atomic_block:
        raise RuntimeError("backup() takes its own snapshot: call it outside a transaction.")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / DATA_NAME
        _dump_snapshot(data)
        rows = _count_rows(data.read_bytes())
        files = 0
        with tarfile.open(path, "w:gz") as archive:
            archive.add(data, arcname=DATA_NAME)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                for file in sorted(p for p in media.rglob("*") if p.is_file()):
                    archive.add(file, arcname=MEDIA_PREFIX + file.relative_to(media).as_posix())
                    files += 1
    return {"rows": rows, "files": files}


def restore(path: Path) -> dict[str, int]:
    """Load the archive into an empty, migrated database, all or nothing; then its files."""
    if portal_has_data():
        raise RestoreError("The database already holds portal data; restore only into an empty, migrated database.")
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the with-block below
    except (OSError, tarfile.TarError) as exc:
        raise RestoreError(f"{path} is not a portal backup: {exc}") from None
    with archive, tempfile.TemporaryDirectory() as tmp:
        members = {m.name: m for m in archive.getmembers()}
        if DATA_NAME not in members:
            raise RestoreError(f"{path} has no {DATA_NAME}.")
        files = {}
        for name, member in members.items():
            if name.startswith(MEDIA_PREFIX) and member.isfile():
                relative = Path(name[len(MEDIA_PREFIX) :])
                if relative.is_absolute() or ".." in relative.parts:
                    raise RestoreError(f"Unsafe path in the archive: {name}")
                files[relative] = member
        raw = archive.extractfile(members[DATA_NAME]).read()
        data = Path(tmp) / DATA_NAME
        data.write_bytes(raw)
        # The rows all or nothing; the files only once the rows are in.
        with transaction.atomic():
            call_command("loaddata", str(data), verbosity=0)
        media = Path(settings.MEDIA_ROOT)
        for relative, member in files.items():
            target = media / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.extractfile(member).read())
    return {"rows": _count_rows(raw), "files": len(files)}


def _count_rows(xml: bytes) -> int:
    return xml.count(b"<object ")
