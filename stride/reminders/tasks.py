"""The worker's side of reminders: send the due messages in batches, and again after a backoff.

Every message has its own task, queued for its due time. The task claims its message
and up to `sending.BATCH - 1` others already due (the longest waiting first), so a
worker that falls behind catches up in batches; a task whose message another worker
holds comes back when that worker's lease runs out, so a message held by a worker that
died is taken up again."""

from datetime import datetime

from django_tasks import task

from stride.workers import leases

from . import sending

QUEUE = "default"
HELD = "not due, or held by another worker"


@task(queue_name=QUEUE)
def send_message(message_id: int) -> str:
    """Send the message and others due with it; queue the next try of each that must wait."""
    outcomes = sending.send_due(message_id)
    for pk, outcome in outcomes.items():
        if outcome is not None and outcome.next_try_at is not None:
            send_at(pk, outcome.next_try_at)
    unsettled = [pk for pk, outcome in outcomes.items() if outcome is None]
    if message_id not in outcomes:
        unsettled.append(message_id)
    for pk in unsettled:
        # Not claimed, or its lease lost mid-batch: if another worker holds it, look again
        # when that worker's lease ends (it may die holding it).
        lease_ends = sending.held_until(pk)
        if lease_ends is not None:
            send_at(pk, lease_ends)
    outcome = outcomes.get(message_id)
    return HELD if outcome is None else outcome.status


def send_at(message_id: int, when: datetime) -> None:
    """Queue the sending task for `when`, in the caller's transaction (the database backend)."""
    send_message.using(run_after=when).enqueue(message_id)


@leases.when_lost(send_message)
def message_lost(message_id: int) -> None:
    """Its workers died holding it as often as a task may run: a new task takes it up once
    its message lease runs out (the provider, given the same key, will not send it twice),
    or, after STRIDE_REMINDER_ATTEMPTS tries, it is failed."""
    again = sending.abandoned(message_id)
    if again is not None:
        send_at(message_id, again)
