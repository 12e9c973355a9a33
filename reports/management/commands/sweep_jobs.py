import datetime

from django.core.management.base import BaseCommand, CommandParser

from reports.sweep import jobs_sweep


class Command(BaseCommand):
    help = (
        "Re-queue background jobs stuck RUNNING (their worker died) or fail them after one retry; "
        "delete finished jobs and task results older than the retention. Run it every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stuck-minutes", type=int, default=30, help="RUNNING this long means stuck (30)")
        parser.add_argument("--keep-days", type=int, default=30, help="keep finished jobs this long (30)")

    def handle(self, *args, stuck_minutes: int, keep_days: int, **options) -> None:
        result = jobs_sweep(
            stuck_after=datetime.timedelta(minutes=stuck_minutes), keep_for=datetime.timedelta(days=keep_days)
        )
        self.stdout.write(
            f"requeued {result.requeued}, failed {result.failed}, "
            f"pruned {result.pruned_jobs} jobs, {result.pruned_results} task results"
            f" and {result.pruned_figures} kept figures"
        )
