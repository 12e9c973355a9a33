import re
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit
from demo import run as demo

YEARS = re.compile(r"^\s*(\d{4})\s*-\s*(\d{4})\s*$")


def _years(text: str) -> tuple[int, int]:
    match = YEARS.match(text)
    first, last = (int(match[1]), int(match[2])) if match else (0, 0)
    if not match or not demo.FIRST_YEAR <= first <= last <= demo.LAST_YEAR:
        raise CommandError(
            _(
                "--years must look like 2021-2026: two years between %(first)s and %(last)s, the first not after the last."
            )
            % {"first": demo.FIRST_YEAR, "last": demo.LAST_YEAR}
        )
    return first, last


class Command(BaseCommand):
    help = _(
        "Seed a deterministic demo province, “Tỉnh Minh Họa” (code DEMO). The province is fictional: "
        "“minh họa” means “illustration”. It gets districts and communes until 30/06/2025, merged "
        "communes from 01/07/2025, its own illustrative criteria sets, demo users (password "
        "%(password)s) and several years of assessments. The same arguments give the same data."
    ) % {"password": demo.DEMO_PASSWORD}

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = demo.DemoOptions()
        parser.add_argument(
            "--communes",
            type=int,
            default=defaults.communes,
            help=_("number of communes before the 2025 merger (default %(n)s)") % {"n": defaults.communes},
        )
        parser.add_argument(
            "--years",
            default=f"{defaults.year_from}-{defaults.year_to}",
            help=_("assessment years as FIRST-LAST (default %(years)s)")
            % {"years": f"{defaults.year_from}-{defaults.year_to}"},
        )
        parser.add_argument(
            "--seed", type=int, default=defaults.seed, help=_("random seed (default %(n)s)") % {"n": defaults.seed}
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--reset", action="store_true", help=_("delete the demo province, its data and demo users first")
        )
        group.add_argument(
            "--if-missing",
            action="store_true",
            help=_("do nothing but print the demo logins when the demo province already exists (make run)"),
        )

    def handle(self, *args, communes: int, years: str, seed: int, reset: bool, if_missing: bool, **options) -> None:
        first, last = _years(years)
        if if_missing and demo.demo_province() is not None:
            self.stdout.write(_("The demo province is already there; nothing to seed."))
            self._print_users()
            return
        if not demo.MIN_COMMUNES <= communes <= demo.MAX_COMMUNES:
            raise CommandError(
                _("--communes must be between %(low)s and %(high)s.")
                % {"low": demo.MIN_COMMUNES, "high": demo.MAX_COMMUNES}
            )
        opts = demo.DemoOptions(communes=communes, year_from=first, year_to=last, seed=seed)
        started = time.monotonic()
        try:
            with transaction.atomic():
                if reset:
                    demo.reset_demo()
                elif demo.demo_province() is not None:
                    raise demo.DemoError(demo.MSG_ALREADY_SEEDED % {"code": demo.PROVINCE_CODE})
                province = demo.seed_demo(opts)
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from None
        self._print_summary(demo.summarise(province), time.monotonic() - started)

    def _print_summary(self, summary: demo.DemoSummary, seconds: float) -> None:
        out = self.stdout
        out.write(_("Units:"))
        for label, count in summary.units:
            out.write(f"  {label}: {count}")
        out.write(_("Assessments (set, year, state: count):"))
        for code, year, state, count in summary.assessments:
            out.write(f"  {code} {year} {state}: {count}")
        if summary.bucket_year is not None:
            out.write(_("Communes by criteria met, standard set, %(year)s:") % {"year": summary.bucket_year})
            out.write("  " + " · ".join(f"{label}: {count}" for label, count in summary.buckets))
        self._print_users()
        out.write(self.style.SUCCESS(_("Demo province seeded in %(seconds).1f s.") % {"seconds": seconds}))

    def _print_users(self) -> None:
        self.stdout.write(_("Demo users (password %(password)s):") % {"password": demo.DEMO_PASSWORD})
        # The logins of a district or commune that ended on 30/06/2025 read its history only.
        ended = dict(
            AdministrativeUnit.objects.filter(
                code__in=[u.unit_code for u in demo.DEMO_USERS], valid_to__lt=timezone.localdate()
            ).values_list("code", "valid_to")
        )
        for user in demo.DEMO_USERS:
            line = f"  {user.username:8} {user.role_label} {user.unit_code}".rstrip()
            if user.unit_code in ended:
                day = date_format(ended[user.unit_code], "SHORT_DATE_FORMAT")
                line += " " + _("(ended %(date)s: reads its history only)") % {"date": day}
            self.stdout.write(line)
