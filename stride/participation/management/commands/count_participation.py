from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from stride.participation.actions import record_month_on_aid
from stride.participation.recount import count_everyone
from stride.people.models import Participant


class Command(BaseCommand):
    help = (
        "Close a month: add each active enrollment's month on aid to the ledger, then count "
        "everyone's hours for the month (run it nightly, or once the month's hours are in)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: this month)")

    def handle(self, *args: object, month: str | None, **options: object) -> None:
        this_month = timezone.localdate().replace(day=1)
        try:
            chosen = date.fromisoformat(f"{month}-01") if month else this_month
        except ValueError:
            raise CommandError("Give the month as YYYY-MM, e.g. 2026-10.") from None
        if chosen > this_month:
            raise CommandError("That month has not started yet.")
        added = record_month_on_aid(chosen)
        self.stdout.write(f"{added} months on aid added to the ledger")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"counted {done} of {total} adults")

        counted = count_everyone(chosen, Participant.objects.all(), progress)
        self.stdout.write(self.style.SUCCESS(f"{chosen:%Y-%m}: {counted} adults counted"))
