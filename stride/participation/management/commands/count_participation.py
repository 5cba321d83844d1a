from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from stride.participation.actions import record_month_on_aid, record_months_on_aid
from stride.participation.countable import Refused
from stride.participation.recount import count_everyone
from stride.people.models import Participant


class Command(BaseCommand):
    help = (
        "Close a month: add each active enrollment's month on aid to the ledger, then count "
        "everyone's hours for the month (run it nightly, or once the month's hours are in)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: this month)")
        parser.add_argument(
            "--backfill",
            action="store_true",
            help="first fill every participant's months on aid from their enrollments' aid start "
            "(once, when Stride takes over cases from another system)",
        )

    def handle(self, *args: object, month: str | None, backfill: bool, **options: object) -> None:
        this_month = timezone.localdate().replace(day=1)
        try:
            chosen = date.fromisoformat(f"{month}-01") if month else this_month
        except ValueError:
            raise CommandError("Give the month as YYYY-MM, e.g. 2026-10.") from None
        if chosen > this_month:
            raise CommandError("That month has not started yet.")
        if backfill:
            filled = sum(
                record_months_on_aid(person, chosen) for person in Participant.objects.iterator()
            )
            self.stdout.write(f"{filled} earlier months on aid filled in from the enrollments")
        added = record_month_on_aid(chosen)
        self.stdout.write(f"{added} months on aid added to the ledger")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"counted {done} of {total} adults")

        def refused(participant_id: int, error: Refused) -> None:
            # Ids and codes only: the log holds no case data.
            self.stderr.write(
                f"participant {participant_id}: {error.code} on {error.day}; family not counted"
            )

        counted = count_everyone(chosen, Participant.objects.all(), progress, on_refused=refused)
        self.stdout.write(self.style.SUCCESS(f"{chosen:%Y-%m}: {counted} adults counted"))
