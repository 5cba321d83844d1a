"""The benefits worker: loads PolicyEngine once, then serves the "benefits" queue.

Loading takes about half a minute and over a gigabyte, so it happens here,
before the first task, and the page tells a waiting coach while it does.
"""

import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from stride.benefits import engine
from stride.benefits.models import EngineState
from stride.benefits.tasks import QUEUE


class Command(BaseCommand):
    help = "Load PolicyEngine-US, then run the task worker for the benefits queue."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then stop.")

    def handle(self, *args, batch: bool = False, **options) -> None:
        self._say(EngineState.Status.STARTING, started_at=timezone.now(), warm_at=None)
        started = time.perf_counter()
        self.stdout.write("Loading PolicyEngine-US (about a minute the first time)...")
        engine.warm(timezone.localdate().year)
        seconds = round(time.perf_counter() - started, 1)
        self._say(EngineState.Status.WARM, warm_at=timezone.now(), seconds_to_warm=seconds)
        self.stdout.write(f"PolicyEngine-US {engine.engine_version()} ready in {seconds} s.")
        try:
            # Leased: a task this process abandons (killed mid-curve) is noticed and retried
            # or failed by the other workers and the pages (stride/workers/leases.py).
            call_command("task_worker", queue_name=QUEUE, batch=batch, verbosity=0)
        finally:
            self._say(EngineState.Status.STOPPED)

    def _say(self, status: str, **fields) -> None:
        EngineState.objects.update_or_create(
            name=QUEUE,
            defaults={
                "status": status,
                "engine_version": engine.engine_version(),
                "pid": os.getpid(),
                **fields,
            },
            create_defaults={
                "status": status,
                "engine_version": engine.engine_version(),
                "pid": os.getpid(),
                "started_at": timezone.now(),
                **fields,
            },
        )
