"""The rules for a message that carries a one-time link (`links.send_link` queues them).

Such a message needs an address, not reminder consent, and goes at once, quiet
hours or not: the person is waiting for it. A number whose last word to Stride
was STOP gets nothing; a link older than PASSWORD_RESET_TIMEOUT is not sent (it
would no longer open); and once the message has gone, or is given up, the link is
taken out of the stored words, so the database keeps no working link.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings

from .models import LINK_MESSAGES, Channel, Consent, Message

REMOVED = "[…]"
_LINK = re.compile(r"https?://[^\s)]+")


def is_link(message: Message) -> bool:
    return message.about in LINK_MESSAGES


def stopped_number(channel: str, address: str) -> bool:
    """Whether this number's last word to Stride was STOP (a START since undoes it)."""
    if channel != Channel.SMS:
        return False
    latest = (
        Consent.objects.filter(channel=Channel.SMS, address=address)
        .order_by("-given_at", "-pk")
        .first()
    )
    return latest is not None and latest.revoked_how == Consent.How.TEXT


def expired(message: Message, now: datetime) -> bool:
    lifetime = timedelta(seconds=int(settings.PASSWORD_RESET_TIMEOUT))
    return now >= message.created_at + lifetime


def refused(message: Message, now: datetime) -> str:
    """Why a link message must not go now ("" when it may)."""
    if stopped_number(message.channel, message.address):
        return "the number texted STOP"
    if expired(message, now):
        return "the link had expired"
    return ""


def without_link(body: str) -> str:
    return _LINK.sub(REMOVED, body)
