"""An email provider's delivery reports, recorded on the message as Twilio's status callback is.

django-anymail reads each provider's webhook (`views.email_status`, the provider
chosen by STRIDE_EMAIL_PROVIDER), checks its signature or password, and sends its
`tracking` signal with the event in one shape for every provider. The message is
found by the key Stride gave it (anymail metadata, which providers echo), else by the
provider's own id; a report about a message Stride does not know changes nothing.
"""

import uuid
from typing import Any

from anymail.signals import AnymailTrackingEvent, tracking
from django.dispatch import receiver

from . import channels, sending
from .models import Message

# Anymail's event types that settle a message; opens, clicks and the like change nothing.
SETTLES = {
    "delivered": "delivered",
    "bounced": "failed",
    "rejected": "failed",
    "failed": "failed",
}


def _provider_id(event: AnymailTrackingEvent) -> str:
    key = (event.metadata or {}).get(channels.KEY_METADATA, "")
    try:
        idempotency_key = uuid.UUID(str(key))
    except ValueError:
        return str(event.message_id or "")
    found = (
        Message.objects.filter(idempotency_key=idempotency_key, channel="email")
        .values_list("provider_id", flat=True)
        .first()
    )
    return found or ""


@receiver(tracking, dispatch_uid="reminders.email_status")
def provider_reported(
    sender: Any, event: AnymailTrackingEvent, esp_name: str = "", **kwargs: Any
) -> None:
    status = SETTLES.get(str(event.event_type))
    if status is not None:
        sending.provider_said(_provider_id(event), status)
