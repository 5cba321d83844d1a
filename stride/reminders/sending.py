"""A message's way out: claimed under a lease, checked, handed to its channel once.

`deliver` is what the worker's task runs for one message:

1. claim it: a compare-and-set from waiting (or from sending whose lease ran
   out: its worker died) to sending, with a new lease token. A message someone
   else holds, or not due yet, is left alone;
2. ask again whether it may go: the participant's consent for that channel and
   address still stands, the step is still to do, and it is not quiet hours in
   the household (then it waits for the morning);
3. hand it to the channel with its idempotency key; a worker whose lease ran out
   meanwhile finds another holder and writes nothing, and the provider, handed
   the same key, sent it once;
4. record the outcome under the same lease: sent, or back in line after a
   backoff, or failed after STRIDE_REMINDER_ATTEMPTS tries.

Every change of status is audited with its old and new value.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from stride.coaching.models import CoachingSession, Goal, Step
from stride.core import audit
from stride.core.audit import Action, Actor
from stride.workers import leases

from . import channels, onetime, quiet, wording
from .models import Channel, Consent, CountySettings, Message

logger = logging.getLogger(__name__)

BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
]
SYSTEM = Actor(None, None, "system")
# A message in one of these has left the queue for good (a delivery report may follow).
GONE = (Message.Status.SENT, Message.Status.FAILED, Message.Status.CANCELLED)


@dataclass(frozen=True)
class Outcome:
    status: str
    next_try_at: datetime | None = None  # when the task should run again, if it should


def _move(message: Message, to: str, token: uuid.UUID | None, **fields: object) -> bool:
    """Change the status if this holder (token) still holds it; audit the change."""
    if to in GONE and onetime.is_link(message):
        fields = {**fields, "body": onetime.without_link(message.body)}
    held = Message.objects.filter(pk=message.pk, status=message.status, lease_token=token)
    if not held.update(status=to, **fields):
        return False
    was = message.status
    message.status = to
    for name, value in fields.items():
        setattr(message, name, value)
    audit.record(
        SYSTEM,
        Action.CHANGE,
        message,
        message.participant.uuid,
        ["status", *fields],
        changes={"status": (was, to)},
    )
    return True


def claim(message_id: int, now: datetime) -> Message | None:
    """The message, now held by this caller, or None when it is not due or someone holds it."""
    message = (
        Message.objects.select_related("participant")
        .filter(pk=message_id)
        .exclude(channel=Channel.POSTCARD)  # printed in the office's weekly batch instead
        .filter(
            Q(status=Message.Status.QUEUED, next_try_at__lte=now)
            | Q(status=Message.Status.SENDING, lease_until__lt=now)
        )
        .first()
    )
    if message is None:
        return None
    token = uuid.uuid4()
    with transaction.atomic():
        if not _move(
            message,
            Message.Status.SENDING,
            message.lease_token,
            lease_token=token,
            lease_until=now + leases.lease(),
            attempts=message.attempts + 1,
        ):
            return None
    return message


def still_held(message: Message, now: datetime) -> bool:
    return Message.objects.filter(
        pk=message.pk, lease_token=message.lease_token, lease_until__gt=now
    ).exists()


def consent_for(message: Message) -> Consent | None:
    return Consent.objects.filter(
        participant_id=message.participant_id,
        channel=message.channel,
        address=message.address,
        revoked_at__isnull=True,
    ).first()


def quiet_until(message: Message, now: datetime) -> datetime | None:
    """The morning this message must wait for, or None when it may go now."""
    household = message.participant.household
    chosen = CountySettings.objects.filter(county_id=household.county_id).first()
    hours = (
        (chosen.quiet_from, chosen.quiet_until)
        if chosen
        else (quiet.DEFAULT_FROM, quiet.DEFAULT_UNTIL)
    )
    allowed = quiet.next_allowed(now, quiet.zone_for_zip(household.zip_code), *hours)
    return allowed if allowed > now else None


@transaction.atomic
def cancel(actor: Actor, message: Message, why: str) -> None:
    """A waiting message that is no longer wanted (its step changed, consent was withdrawn)."""
    current = Message.objects.select_related("participant").get(pk=message.pk)
    if current.status != Message.Status.QUEUED:
        return
    scrubbed = {"body": onetime.without_link(current.body)} if onetime.is_link(current) else {}
    if Message.objects.filter(pk=current.pk, status=Message.Status.QUEUED).update(
        status=Message.Status.CANCELLED, last_error=why[:500], **scrubbed
    ):
        audit.record(
            actor,
            Action.CHANGE,
            current,
            current.participant.uuid,
            ["status", "last_error"],
            changes={"status": (Message.Status.QUEUED, Message.Status.CANCELLED)},
        )


def deliver(message_id: int, now: datetime | None = None) -> Outcome | None:
    """Send one message if it is due and nobody else holds it; what became of it."""
    now = now or timezone.now()
    message = claim(message_id, now)
    if message is None:
        return None
    token = message.lease_token
    link = onetime.is_link(message)
    if link and (why := onetime.refused(message, now)):
        with transaction.atomic():
            _move(message, Message.Status.CANCELLED, token, last_error=why)
        return Outcome(Message.Status.CANCELLED)
    if not link and consent_for(message) is None:
        with transaction.atomic():
            _move(message, Message.Status.CANCELLED, token, last_error="no consent when sending")
        return Outcome(Message.Status.CANCELLED)
    if not _still_wanted(message):
        with transaction.atomic():
            _move(message, Message.Status.CANCELLED, token, last_error="what it was about changed")
        return Outcome(Message.Status.CANCELLED)
    morning = None if link else quiet_until(message, now)
    if morning is not None:
        with transaction.atomic():
            _move(
                message,
                Message.Status.QUEUED,
                token,
                attempts=message.attempts - 1,
                next_try_at=morning,
                lease_until=None,
            )
        return Outcome(Message.Status.QUEUED, morning)
    if not still_held(message, timezone.now()):
        return None
    outgoing = channels.Outgoing(
        to=message.address,
        body=message.body,
        key=str(message.idempotency_key),
        first_try=message.created_at if message.attempts > 1 else None,
        subject=_subject(message),
    )
    try:
        if message.channel == Channel.SMS:
            provider_id = channels.sms_backend().send(outgoing)
        else:
            provider_id = channels.send_email(outgoing)
    except channels.Undeliverable as error:
        with transaction.atomic():
            _move(message, Message.Status.FAILED, token, last_error=str(error)[:500])
        return Outcome(Message.Status.FAILED)
    except channels.ProviderError as error:
        return _try_later(message, token, str(error), timezone.now())
    with transaction.atomic():
        if not _move(
            message,
            Message.Status.SENT,
            token,
            provider_id=provider_id[:64],
            sent_at=timezone.now(),
            lease_until=None,
            last_error="",
        ):
            logger.warning("Message %s was sent by a worker that had lost its lease", message.pk)
            return None
    return Outcome(Message.Status.SENT)


def _try_later(message: Message, token: uuid.UUID | None, error: str, now: datetime) -> Outcome:
    with transaction.atomic():
        if message.attempts >= settings.STRIDE_REMINDER_ATTEMPTS:
            _move(message, Message.Status.FAILED, token, last_error=error[:500])
            return Outcome(Message.Status.FAILED)
        later = now + BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
        _move(
            message,
            Message.Status.QUEUED,
            token,
            next_try_at=later,
            lease_until=None,
            last_error=error[:500],
        )
        return Outcome(Message.Status.QUEUED, later)


def _still_wanted(message: Message) -> bool:
    if message.about_id is None:
        return True
    if message.about == Message.About.STEP:
        return Step.objects.filter(
            uuid=message.about_id, status=Step.Status.PLANNED, wants_reminder=True
        ).exists()
    if message.about == Message.About.APPOINTMENT:
        return CoachingSession.objects.filter(
            uuid=message.about_id, next_appointment__gt=timezone.now()
        ).exists()
    if message.about == Message.About.REVIEW:
        return Goal.objects.filter(
            uuid=message.about_id, status__in=Goal.OPEN_STATUSES, target_date__isnull=False
        ).exists()
    return True


def _subject(message: Message) -> str:
    if onetime.is_link(message):
        return wording.link_subject(message.about == Message.About.PASSWORD, message.language)
    return wording.step_subject(message.language)


PROVIDER_STATUS = {
    "delivered": Message.Status.DELIVERED,
    "undelivered": Message.Status.FAILED,
    "failed": Message.Status.FAILED,
}


def provider_said(provider_id: str, status: str) -> bool:
    """The provider's delivery report for a message it accepted; whether it changed anything."""
    becomes = PROVIDER_STATUS.get(status)
    message = (
        Message.objects.select_related("participant")
        .filter(provider_id=provider_id, status=Message.Status.SENT)
        .first()
        if provider_id and becomes
        else None
    )
    if message is None or becomes is None:
        return False
    with transaction.atomic():
        fields: dict[str, object] = (
            {"last_error": f"the provider reported it {status}"}
            if becomes == Message.Status.FAILED
            else {"delivered_at": timezone.now()}
        )
        return _move(message, becomes, message.lease_token, **fields)


def abandoned(message_id: int) -> datetime | None:
    """The workers holding this message kept dying: when a new task should take it up, or
    None when it has had its tries (it is then failed, and shows on the coach's Today)."""
    message = Message.objects.select_related("participant").filter(pk=message_id).first()
    if message is None or message.status not in (Message.Status.QUEUED, Message.Status.SENDING):
        return None
    if message.attempts < settings.STRIDE_REMINDER_ATTEMPTS:
        return max(filter(None, [message.lease_until, message.next_try_at, timezone.now()]))
    with transaction.atomic():
        _move(
            message,
            Message.Status.FAILED,
            message.lease_token,
            last_error="the workers sending it stopped, every time it was tried",
        )
    return None
