"""The worker's side of webhooks: one attempt at a delivery, and the next after a backoff."""

from datetime import datetime

from django_tasks import task

from stride.workers import leases

from . import delivering

QUEUE = "default"


@task(queue_name=QUEUE)
def send_delivery(delivery_id: int) -> str:
    """Send the delivery if it is due and free; queue the next attempt if it must retry."""
    outcome = delivering.attempt(delivery_id)
    if outcome.next_try_at is not None:
        send_at(delivery_id, outcome.next_try_at)
    return outcome.status


def send_at(delivery_id: int, when: datetime | None = None) -> None:
    """Queue the task (for `when`, or now) in the caller's transaction (the database backend)."""
    queued = send_delivery if when is None else send_delivery.using(run_after=when)
    queued.enqueue(delivery_id)


@leases.when_lost(send_delivery)
def delivery_lost(delivery_id: int) -> None:
    """Its workers died while sending: it counts as a failed attempt and waits its backoff."""
    again = delivering.abandoned(delivery_id)
    if again is not None:
        send_at(delivery_id, again)
