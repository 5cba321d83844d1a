"""A run asked for from a page: recorded and queued in one transaction."""

from django.db import transaction

from stride.core.audit import Actor
from stride.core.models import Organisation

from . import sweep, tasks
from .models import Run


@transaction.atomic
def request_run(actor: Actor, county: Organisation, dry: bool) -> Run:
    """Queue a run, unless one of the county's is waiting or running: that one is answered."""
    waiting = (
        Run.objects.select_for_update()
        .filter(county=county, status__in=(Run.Status.QUEUED, Run.Status.RUNNING))
        .first()
    )
    if waiting is not None:
        return waiting
    run = sweep.start(actor, county, dry)
    tasks.run_retention.enqueue(run.pk, actor.ip_address)
    return run
