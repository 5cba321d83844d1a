"""django-tasks-db's db_worker, with a lease: work it abandons is noticed and not left RUNNING."""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from stride.workers.leases import LeasedWorker


class Command(DatabaseWorkerCommand):
    help = (
        "Run a database task worker that renews a lease while it lives, and puts back in line "
        "(or fails) tasks whose worker died."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        worker = LeasedWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=[name for name in options["exclude_queues"].split(",") if name],
        )
        worker.configure_signals()
        worker.run()
