"""A second demo: one real province's units (``load_units --province CODE``) and three logins,
with no figures at all — the fictional demo province keeps the made-up numbers."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from communes.country import FIRST_DAY_AFTER, UnknownProvince, read_country
from communes.loading import units_load
from communes.models import AdministrativeUnit, Level, Membership, Role, UnitType
from demo.users import DEMO_PASSWORD


class Command(BaseCommand):
    help = _(
        "Load one real province's units before and after 1 July 2025 from the vietnamadminunits package, "
        "with no figures, and create three demo logins for it (password %(password)s) so that an office "
        "can start entering its own data. Development databases only."
    ) % {"password": DEMO_PASSWORD}

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help=_("a province code from before or after 1 July 2025, e.g. 42"))

    def handle(self, *args, code: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(_("Demo logins use a published password: run this only with DEBUG=1."))
        try:
            country = read_country(code)
        except UnknownProvince as exc:
            raise CommandError(str(exc)) from None
        with transaction.atomic():
            report = units_load(country=country)
            province = next(
                AdministrativeUnit.objects.get(code=u.code)
                for u in country.units
                if u.level == Level.PROVINCE and u.valid_to is None
            )
            commune = (
                AdministrativeUnit.objects.filter(
                    parent=province, level=Level.COMMUNE, type=UnitType.XA, valid_from=FIRST_DAY_AFTER
                )
                .in_vietnamese_order()
                .first()
            )
            logins = [
                (f"tinh{province.code}", Role.PROVINCE_OFFICE, province),
                (f"lanhdao{province.code}", Role.VIEWER, province),
            ]
            if commune is not None:
                logins.append((f"xa{province.code}", Role.COMMUNE_OFFICER, commune))
            password = make_password(DEMO_PASSWORD)
            for username, role, unit in logins:
                user, _created = get_user_model().objects.get_or_create(
                    username=username, defaults={"password": password}
                )
                Membership.objects.get_or_create(user=user, unit=unit, role=role)
        self.stdout.write(
            _("%(name)s: %(created)s units created, %(updated)s updated, %(unchanged)s unchanged; no figures.")
            % {
                "name": province.name,
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": report.unchanged,
            }
        )
        for username, role, unit in logins:
            self.stdout.write(f"  {username:<14} {Role(role).label} · {unit.name}")
        self.stdout.write(_("Password for these logins: %(password)s") % {"password": DEMO_PASSWORD})
