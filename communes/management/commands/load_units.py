from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from communes.country import UnknownProvince, package_version, read_country
from communes.loading import units_load


class Command(BaseCommand):
    help = (
        "Load or update Vietnam's administrative units before and after 1 July 2025 (provinces, districts, "
        "communes, their successions and coordinates) from the vietnamadminunits package. See communes/README.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            metavar="CODE",
            help="Only this province: a code from before or after 1 July 2025 names the new province "
            "and every province it was formed from.",
        )

    def handle(self, *args, province: str | None = None, **options) -> None:
        try:
            country = read_country(province)
        except UnknownProvince as exc:
            raise CommandError(str(exc)) from None
        report = units_load(country=country)
        self.stdout.write(
            _(
                "Units from vietnamadminunits %(version)s: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged; successions: %(s_created)s created, %(s_updated)s updated, "
                "%(s_unchanged)s unchanged."
            )
            % {
                "version": package_version(),
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": report.unchanged,
                "s_created": report.successions_created,
                "s_updated": report.successions_updated,
                "s_unchanged": report.successions_unchanged,
            }
        )
