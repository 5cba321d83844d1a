"""The worker's side of reminders: send one message when it is due, and again after a backoff."""

from datetime import datetime

from django_tasks import task

from stride.workers import leases

from . import sending

QUEUE = "default"


@task(queue_name=QUEUE)
def send_message(message_id: int) -> str:
    """Send the message if it is due and free; queue the next try if it must wait."""
    outcome = sending.deliver(message_id)
    if outcome is None:
        return "not due, or held by another worker"
    if outcome.next_try_at is not None:
        send_at(message_id, outcome.next_try_at)
    return outcome.status


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
