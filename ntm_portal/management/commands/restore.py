from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ntm_portal.backup import RestoreError, restore


class Command(BaseCommand):
    help = "Restore a backup made by manage.py backup into an empty, migrated database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options) -> None:
        try:
            counts = restore(archive)
        except RestoreError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {archive}: {counts['rows']} rows, {counts['files']} files."))
