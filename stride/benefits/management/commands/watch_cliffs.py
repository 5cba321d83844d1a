"""Nightly (cron): hand the benefits worker every household whose snapshot changed."""

from django.core.management.base import BaseCommand

from stride.benefits import watch
from stride.benefits.tasks import watch_households


class Command(BaseCommand):
    help = "Queue the cliff watch for every household whose money facts or ages changed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--here",
            action="store_true",
            help="Work the batches out in this process (loads PolicyEngine) instead of queueing.",
        )

    def handle(self, *args, here: bool = False, **options) -> None:
        batches = list(watch.stale_batches())
        total = sum(len(batch) for batch in batches)
        done = flagged = 0
        for batch in batches:
            if here:
                flagged += watch.check(batch)
                done += len(batch)
                self.stdout.write(f"  {done:,} of {total:,} households checked")
            else:
                watch_households.enqueue(batch)
        if here:
            self.stdout.write(f"{flagged:,} families flagged.")
        else:
            self.stdout.write(f"{total:,} households queued in {len(batches):,} batches.")
