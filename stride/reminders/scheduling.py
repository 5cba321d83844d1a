"""A step's reminder follows its step: written, moved or stopped in the step's own transaction.

Coaching does not know reminders exist: its action functions save the step, and
the post_save signal connected here writes the message row (and the worker's
task) inside the same transaction, so a step saved is a reminder queued, and a
step rolled back leaves none behind. A step that is done, has no date, no longer
wants a reminder, or whose participant has not agreed to reminders has no
waiting message.
"""

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from stride.coaching.models import Step
from stride.core import audit
from stride.core.audit import Action

from . import quiet, tasks, wording
from .models import Consent, Message
from .sending import SYSTEM, cancel

SEND_AT = time(10, 0)  # the morning of the day before the step, in the household's clock


def due_time(step: Step, zone: Any, now: datetime) -> datetime:
    assert step.due_on is not None
    wanted = datetime.combine(step.due_on - timedelta(days=1), SEND_AT, tzinfo=zone)
    return max(wanted, now)


@receiver(post_save, sender=Step, dispatch_uid="reminders.step_saved")
def step_saved(sender: type[Step], instance: Step, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        plan_for_step(instance)


def plan_for_step(step: Step) -> Message | None:
    """The waiting reminder for this step, written or moved; None when it should have none."""
    participant = step.goal.participant
    waiting = list(
        Message.objects.select_related("participant").filter(
            about=Message.About.STEP, about_id=step.uuid, status=Message.Status.QUEUED
        )
    )
    consent = None
    if participant is not None:
        consent = (
            Consent.objects.filter(participant=participant, revoked_at__isnull=True)
            .order_by("channel")  # "email" < "sms": a text when they agreed to both
            .last()
        )
    if (
        participant is None
        or consent is None
        or not step.wants_reminder
        or step.due_on is None
        or step.status != Step.Status.PLANNED
    ):
        for message in waiting:
            cancel(SYSTEM, message, "the step no longer needs a reminder")
        return None
    now = timezone.now()
    language = wording.language_of(participant)
    due_at = due_time(step, quiet.zone_for_zip(participant.household.zip_code), now)
    body = wording.step_reminder(step.what, step.due_on, language)
    if step.due_on < timezone.localdate(now):
        for message in waiting:
            cancel(SYSTEM, message, "the step's date has passed")
        return None
    fields = {
        "channel": consent.channel,
        "address": consent.address,
        "language": language,
        "body": body,
        "due_at": due_at,
        "next_try_at": due_at,
    }
    if waiting:
        message, *extra = waiting
        for other in extra:
            cancel(SYSTEM, other, "replaced")
        changed = [name for name, value in fields.items() if getattr(message, name) != value]
        if not changed:
            return message
        was_channel = message.channel
        Message.objects.filter(pk=message.pk).update(**fields)
        for name, value in fields.items():
            setattr(message, name, value)
        audit.record(
            SYSTEM,
            Action.CHANGE,
            message,
            participant.uuid,
            changed,
            changes={"channel": (was_channel, message.channel)},
        )
    else:
        message = Message.objects.create(
            participant=participant, about=Message.About.STEP, about_id=step.uuid, **fields
        )
        audit.record(SYSTEM, Action.CREATE, message, participant.uuid, ["about", *fields])
    tasks.send_at(message.pk, due_at)
    return message
