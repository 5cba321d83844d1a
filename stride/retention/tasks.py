"""Work for a task worker: a county's retention run, dry or not (queueing.py queues it)."""

from django_tasks import task

from stride.core.audit import Actor
from stride.workers import leases

from . import sweep
from .models import Run

QUEUE = "default"


@task(queue_name=QUEUE)
def run_retention(run_id: int, ip_address: str | None) -> str:
    run = Run.objects.select_related("county", "requested_by").get(pk=run_id)
    if run.status in (Run.Status.DONE, Run.Status.FAILED):
        return str(run.status)  # finished already (a task run again after its worker died)
    # Taken up again after a worker died, a purge goes on from the cases not done yet.
    sweep.execute(run, Actor(run.requested_by, ip_address, "task"))
    return str(run.status)


@leases.when_lost(run_retention)
def run_lost(run_id: int, ip_address: str | None) -> None:
    """The worker died as many times as it may: the cases done stay done (each was its own
    transaction and left its audit events); the run says it stopped."""
    Run.objects.filter(pk=run_id, status__in=(Run.Status.QUEUED, Run.Status.RUNNING)).update(
        status=Run.Status.FAILED, error=leases.LOST
    )
