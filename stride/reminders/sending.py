"""A message's way out: claimed in a batch under a lease, checked, handed to its channel once.

`send_due` is what the worker's task runs (`deliver` is the same for one message):

1. claim: the task's own message if it is due, then up to BATCH - 1 more that are due,
   the longest waiting first, each moved from waiting (or from sending whose lease ran
   out: its worker died) to sending under one new lease token. The rows are picked
   `FOR UPDATE SKIP LOCKED` (PostgreSQL) and taken by a conditional UPDATE, so two workers
   never hold the same message; the claim of each is audited;
2. for each in turn, ask again whether it may go: the step is still to do, it is not quiet
   hours in the household (then it waits for the morning), and, at the moment of sending,
   in one query, the participant's consent for that channel and address still stands and
   this worker still holds the lease (renewed once half of it is gone);
3. hand it to the channel with its idempotency key; a worker whose lease ran out
   meanwhile finds another holder and writes nothing, and the provider, handed the same
   key, sent it once;
4. record the outcome under the same lease: sent, or back in line after a backoff, or
   failed after STRIDE_REMINDER_ATTEMPTS tries.

A worker killed mid-batch leaves its messages `sending`; once the lease runs out the next
claim takes them up (each message's own task comes back for it then, see tasks.py).
Every change of status is audited with its old and new value.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.dispatch import Signal
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
# How many due messages one task claims and sends at once (its own, then the longest waiting).
BATCH = 50
# A message in one of these has left the queue for good (a delivery report may follow).
GONE = (Message.Status.SENT, Message.Status.FAILED, Message.Status.CANCELLED)

# Sent (with `message`) in the transaction that records a message as sent: scheduling queues
# what follows it (the next check-in reminder).
message_sent = Signal()


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


def claim_due(now: datetime, first_id: int | None = None, others: int = 0) -> list[Message]:
    """Due messages now held by this caller under one new lease: `first_id`'s if it is due and
    free, then up to `others` more, the longest waiting first (none when `first_id`'s is not
    free: a task whose message is gone finishes at once). Nobody else holds any of them.

    The rows are locked as they are picked (`SELECT ... FOR UPDATE SKIP LOCKED` on
    PostgreSQL, so two workers pick different ones), then moved to sending by a conditional
    UPDATE that takes only a row still waiting, or still held by a lease that ran out (on
    SQLite, which locks the whole database for a write, that condition alone decides)."""
    due = Q(status=Message.Status.QUEUED, next_try_at__lte=now) | Q(
        status=Message.Status.SENDING, lease_until__lt=now
    )
    free = Message.objects.filter(due).exclude(channel=Channel.POSTCARD)  # postcards: printed
    token = uuid.uuid4()
    if first_id is not None and not free.filter(pk=first_id).exists():
        return []  # most tasks, once a batch sent their message: no transaction to open
    with transaction.atomic():
        picked: dict[int, str] = {}
        if first_id is not None:
            picked.update(
                free.filter(pk=first_id)
                .select_for_update(skip_locked=True)
                .values_list("pk", "status")
            )
        if first_id is not None and not picked:
            return []  # its own is gone, held or not due: its own task is the one for those
        if others:
            picked.update(
                free.exclude(pk__in=list(picked))
                .order_by("next_try_at", "pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", "status")[:others]
            )
        for was in {*picked.values()}:
            Message.objects.filter(
                pk__in=[pk for pk, status in picked.items() if status == was]
            ).filter(due, status=was).update(
                status=Message.Status.SENDING,
                lease_token=token,
                lease_until=now + leases.lease(),
                attempts=F("attempts") + 1,
            )
        held = sorted(
            Message.objects.select_related("participant__household").filter(
                pk__in=list(picked), lease_token=token
            ),
            key=lambda message: (message.pk != first_id, message.next_try_at, message.pk),
        )
        for message in held:
            audit.record(
                SYSTEM,
                Action.CHANGE,
                message,
                message.participant.uuid,
                ["status", "lease_token", "lease_until", "attempts"],
                changes={"status": (picked[message.pk], Message.Status.SENDING)},
            )
    return held


def claim(message_id: int, now: datetime) -> Message | None:
    """The message, now held by this caller, or None when it is not due or someone holds it."""
    held = claim_due(now, message_id)
    return held[0] if held else None


def may_go(message: Message) -> bool | None:
    """At the moment of sending: None when this holder lost its lease (another worker has the
    message), else whether the participant's consent for this channel and address stands
    (a link message needs none). One query."""
    held = Message.objects.filter(
        pk=message.pk, lease_token=message.lease_token, lease_until__gt=timezone.now()
    )
    if onetime.is_link(message):
        return True if held.exists() else None
    consented = Exists(
        Consent.objects.filter(
            participant_id=OuterRef("participant_id"),
            channel=OuterRef("channel"),
            address=OuterRef("address"),
            revoked_at__isnull=True,
        )
    )
    return held.annotate(consented=consented).values_list("consented", flat=True).first()


def consent_for(message: Message) -> Consent | None:
    return Consent.objects.filter(
        participant_id=message.participant_id,
        channel=message.channel,
        address=message.address,
        revoked_at__isnull=True,
    ).first()


def quiet_until(message: Message, now: datetime) -> datetime | None:
    """The morning this message must wait for, or None when it may go now."""
    county = message.participant.household.county_id
    return _morning(message, now, CountySettings.objects.filter(county_id=county).first())


def _morning(message: Message, now: datetime, chosen: CountySettings | None) -> datetime | None:
    """`quiet_until` with the household's county's settings (None: the default hours)."""
    hours = (
        (chosen.quiet_from, chosen.quiet_until)
        if chosen
        else (quiet.DEFAULT_FROM, quiet.DEFAULT_UNTIL)
    )
    zone = quiet.zone_for_zip(message.participant.household.zip_code)
    allowed = quiet.next_allowed(now, zone, *hours)
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
    return send_due(message_id, now, others=0).get(message_id)


def send_due(
    first_id: int | None, now: datetime | None = None, others: int | None = None
) -> dict[int, Outcome | None]:
    """Claim `first_id`'s message and up to `others` more that are due, send each, and say
    what became of each one this caller held (None: it lost the lease, another worker has
    it). The lease is renewed while the batch goes; a worker killed mid-batch leaves its
    messages `sending` until the lease runs out, when the next claim takes them up again
    and hands each to the provider with the same idempotency key."""
    now = now or timezone.now()
    held = claim_due(now, first_id, BATCH - 1 if others is None else others)
    if not held:
        return {}
    counties = {
        chosen.county_id: chosen
        for chosen in CountySettings.objects.filter(
            county_id__in={message.participant.household.county_id for message in held}
        )
    }
    wanted = _still_wanted(held)
    outcomes: dict[int, Outcome | None] = {}
    for n, message in enumerate(held):
        _keep(held[n:])
        county = counties.get(message.participant.household.county_id)
        outcomes[message.pk] = _send_held(message, now, message.pk in wanted, county)
    return outcomes


def _keep(messages: list[Message]) -> None:
    """Once half the lease is gone, hold these messages (the rest of a batch) one lease longer:
    those this caller still holds (its token), whether or not the lease has run out since, as
    nobody else claimed them then."""
    ends = messages[0].lease_until if messages else None
    if ends is None or timezone.now() < ends - leases.lease() / 2:
        return
    until = timezone.now() + leases.lease()
    Message.objects.filter(
        pk__in=[message.pk for message in messages],
        lease_token=messages[0].lease_token,
        status=Message.Status.SENDING,
    ).update(lease_until=until)
    for message in messages:
        message.lease_until = until


def _send_held(
    message: Message, now: datetime, wanted: bool, county: CountySettings | None
) -> Outcome | None:
    """Check, send and record one message this caller holds."""
    token = message.lease_token
    link = onetime.is_link(message)
    if link and (why := onetime.refused(message, now)):
        with transaction.atomic():
            _move(message, Message.Status.CANCELLED, token, last_error=why)
        return Outcome(Message.Status.CANCELLED)
    if not wanted:
        with transaction.atomic():
            _move(message, Message.Status.CANCELLED, token, last_error="what it was about changed")
        return Outcome(Message.Status.CANCELLED)
    morning = None if link else _morning(message, now, county)
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
    _keep([message])  # in case the checks above were slow (the first ZIP code's time zone)
    go = may_go(message)  # consent and the lease, asked again at the moment of sending
    if go is None:
        return None
    if not go:
        with transaction.atomic():
            _move(message, Message.Status.CANCELLED, token, last_error="no consent when sending")
        return Outcome(Message.Status.CANCELLED)
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
        message_sent.send(sender=Message, message=message)
    return Outcome(Message.Status.SENT)


def held_until(message_id: int, now: datetime | None = None) -> datetime | None:
    """When to look at a message this caller could not claim again: when the lease of the
    worker holding it runs out, or one lease from now when it is due and waiting (another
    worker was claiming it at that moment). None when it needs no look: it is gone, not
    due yet (its own task is queued for then) or a postcard."""
    now = now or timezone.now()
    row = (
        Message.objects.filter(pk=message_id)
        .exclude(channel=Channel.POSTCARD)
        .values_list("status", "lease_until", "next_try_at")
        .first()
    )
    if row is None:
        return None
    status, lease_until, next_try_at = row
    if status == Message.Status.SENDING:
        return max(lease_until, now) if lease_until else now
    if status == Message.Status.QUEUED and next_try_at <= now:
        return now + leases.lease()
    return None


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


def _still_wanted(messages: list[Message]) -> set[int]:
    """Those of these messages whose step is still to do with its reminder on, whose
    appointment is still ahead, whose goal is still open with a review date, or that are
    about nothing that can change (a check-in, a link). One query for each kind present."""
    about: dict[str, set[uuid.UUID]] = {}
    for message in messages:
        if message.about_id is not None:
            about.setdefault(message.about, set()).add(message.about_id)
    standing: set[uuid.UUID] = set()
    if about.get(Message.About.STEP):
        standing.update(
            Step.objects.filter(
                uuid__in=about[Message.About.STEP], status=Step.Status.PLANNED, wants_reminder=True
            ).values_list("uuid", flat=True)
        )
    if about.get(Message.About.APPOINTMENT):
        standing.update(
            CoachingSession.objects.filter(
                uuid__in=about[Message.About.APPOINTMENT], next_appointment__gt=timezone.now()
            ).values_list("uuid", flat=True)
        )
    if about.get(Message.About.REVIEW):
        standing.update(
            Goal.objects.filter(
                uuid__in=about[Message.About.REVIEW],
                status__in=Goal.OPEN_STATUSES,
                target_date__isnull=False,
            ).values_list("uuid", flat=True)
        )
    checked = (Message.About.STEP, Message.About.APPOINTMENT, Message.About.REVIEW)
    return {
        message.pk
        for message in messages
        if message.about_id is None or message.about not in checked or message.about_id in standing
    }


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
