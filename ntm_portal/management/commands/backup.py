from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from ntm_portal.backup import backup


class Command(BaseCommand):
    help = "Back up every table and uploaded file into one .tar.gz (restore with manage.py restore)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="where to write, e.g. ntm-2026-11-22.tar.gz")

    def handle(self, *args, archive: Path, **options) -> None:
        counts = backup(archive)
        self.stdout.write(self.style.SUCCESS(f"Wrote {archive}: {counts['rows']} rows, {counts['files']} files."))
