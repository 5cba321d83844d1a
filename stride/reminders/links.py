"""A one-time link to a participant's own pages, sent by text or email through the reminders' queue.

The portal makes the link (an invitation, or a new password for someone who has
signed in before) and hands it here. It goes as a `Message` like any reminder: the
same worker claims it under a lease and hands it to the provider with its
idempotency key, so it is retried, never sent twice, and shows among the
participant's messages. The words hold the person's first name and the link,
nothing more. When it may go, and what is kept of it after, is `onetime.py`.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.people.models import Participant

from . import actions, tasks, wording
from .models import Channel, Message
from .onetime import stopped_number

# A second link of the same kind to the same address within this time is not sent: a
# double press on the coach's page, or someone asking again and again for a new password.
REPEAT_WINDOW = timedelta(minutes=5)


@transaction.atomic
def send_link(
    actor: Actor,
    participant: Participant,
    channel: str,
    address: str,
    link: str,
    days: int,
    password: bool,
) -> Message:
    """Queue `link` (absolute) to `address`; the message, or the one queued moments ago."""
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise ValidationError({"channel": _("Choose a text message or an email.")})
    address = actions.checked_address(channel, address)
    if stopped_number(channel, address):
        raise ValidationError(
            {
                "address": _(
                    "This number texted STOP to Stride, so texts cannot reach it. Send the "
                    "link by email, or pass it on yourself."
                )
            }
        )
    about = Message.About.PASSWORD if password else Message.About.INVITATION
    now = timezone.now()
    recent = (
        Message.objects.select_for_update()
        .filter(
            participant=participant,
            about=about,
            channel=channel,
            address=address,
            created_at__gte=now - REPEAT_WINDOW,
        )
        .exclude(status__in=[Message.Status.FAILED, Message.Status.CANCELLED])
        .first()
    )
    if recent is not None:
        return recent
    language = wording.language_of(participant)
    message = Message.objects.create(
        participant=participant,
        channel=channel,
        address=address,
        language=language,
        body=wording.link_message(participant.member.first_name, link, days, password, language),
        about=about,
        due_at=now,
        next_try_at=now,
    )
    audit.record(
        actor,
        Action.CREATE,
        message,
        participant.uuid,
        ["about", "channel", "address", "language", "body", "due_at"],
    )
    tasks.send_at(message.pk, now)
    return message
