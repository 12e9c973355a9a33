from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from criteria.services.catalog import CATALOG_DIR, CatalogError, catalog_load_dir


class Command(BaseCommand):
    help = "Load the criteria catalog (TOML files) as published sets; running it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir", type=Path, default=CATALOG_DIR, help="catalog directory (default: criteria/catalog)"
        )

    def handle(self, *args, dir: Path, **options) -> None:
        try:
            results = catalog_load_dir(dir)
        except CatalogError as exc:
            raise CommandError(str(exc)) from None
        for result in results:
            state = "loaded" if result.created else "unchanged"
            s = result.criteria_set
            self.stdout.write(
                f"{state:9} {s.code} v{s.version}: {s.criteria.count()} criteria, {s.indicators.count()} indicators"
            )
        created = sum(r.created for r in results)
        self.stdout.write(self.style.SUCCESS(f"Catalog: {created} set(s) loaded, {len(results) - created} unchanged."))
