"""The ways out: SMS backends chosen by STRIDE_SMS_BACKEND, email through Django's backend.

Each backend gets the message's idempotency key with the words: a provider that
is handed the same key twice sends once and answers with the same id. The
console backend (the default) prints what would be sent; the file backend
appends it to STRIDE_SMS_FILE and answers a key it already wrote with the id it
gave it; the Twilio backend asks Twilio whether a message it may already have
accepted went out before it sends again (Twilio's Messages API takes no key).

Email goes through EMAIL_BACKEND: Django's console or file backend by default, an
email provider through django-anymail in production (its settings from the
environment, ANYMAIL_*). The key travels as the Message-ID and as anymail metadata,
which providers echo in their delivery reports (`email_status`).
"""

import json
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from anymail.exceptions import AnymailError, AnymailRecipientsRefused
from anymail.message import AnymailMessage
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.http import HttpResponse
from django.utils.module_loading import import_string
from requests.exceptions import Timeout


@dataclass(frozen=True)
class Outgoing:
    to: str
    body: str
    key: str  # the message's idempotency key
    first_try: datetime | None = None  # set when an earlier try may have reached the provider
    subject: str = ""


class ProviderError(Exception):
    """The provider refused or failed for now: the message is tried again later."""


class ProviderTimeout(ProviderError):
    """No answer in time: the provider may have accepted it, so the next try reuses the key."""


class Undeliverable(Exception):  # noqa: N818 (a state of the address, not a fault of ours)
    """The provider will never deliver to this address (not a mobile number, say)."""


class SmsBackend(Protocol):
    def send(self, outgoing: Outgoing) -> str:
        """Send, or find the message sent earlier with this key; the provider's id."""
        ...


class ConsoleSms:
    """Prints what would be sent (the default, as Django's console email backend)."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, outgoing: Outgoing) -> str:
        self.stream.write(f"SMS to {outgoing.to} [{outgoing.key}]\n{outgoing.body}\n\n")
        self.stream.flush()
        return f"console-{outgoing.key}"


class FileSms:
    """Appends each message as a JSON line to STRIDE_SMS_FILE, once per key."""

    def __init__(self, path: str | None = None) -> None:
        self.path = Path(path or settings.STRIDE_SMS_FILE)

    def send(self, outgoing: Outgoing) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        provider_id = f"file-{outgoing.key}"
        if self.path.exists():
            with self.path.open(encoding="utf-8") as lines:
                for line in lines:
                    if json.loads(line).get("key") == outgoing.key:
                        return provider_id
        with self.path.open("a", encoding="utf-8") as out:
            row = {"id": provider_id, "to": outgoing.to, "key": outgoing.key, "body": outgoing.body}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return provider_id


class TwilioSms:
    """Twilio's Messages API, from STRIDE_TWILIO_FROM (a number or a messaging service)."""

    def __init__(self, client: Any = None) -> None:
        if client is None:
            from twilio.rest import Client

            client = Client(settings.STRIDE_TWILIO_ACCOUNT_SID, settings.STRIDE_TWILIO_AUTH_TOKEN)
        self.client = client

    def send(self, outgoing: Outgoing) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        try:
            if outgoing.first_try is not None:
                earlier = self._sent_earlier(outgoing)
                if earlier:
                    return earlier
            sender = settings.STRIDE_TWILIO_FROM
            origin = (
                {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
            )
            callback = settings.STRIDE_PUBLIC_URL.rstrip("/")
            extra = (
                {"status_callback": f"{callback}/reminders/sms/status/?key={outgoing.key}"}
                if callback
                else {}
            )
            sent = self.client.messages.create(
                to=outgoing.to, body=outgoing.body, **origin, **extra
            )
        except TwilioRestException as error:
            # 21211 invalid number, 21610 the person texted STOP, 21614 not a mobile number
            if error.code in (21211, 21610, 21614):
                raise Undeliverable(f"Twilio {error.code}") from error
            raise ProviderError(f"Twilio {error.status} {error.code}") from error
        except TwilioException as error:
            raise ProviderError(f"Twilio: {type(error).__name__}") from error
        except (TimeoutError, OSError) as error:
            raise ProviderTimeout(f"Twilio: {type(error).__name__}") from error
        return str(sent.sid)

    def _sent_earlier(self, outgoing: Outgoing) -> str:
        """The id of this message if an earlier try reached Twilio: same number, same words."""
        for found in self.client.messages.list(
            to=outgoing.to, date_sent_after=outgoing.first_try, limit=50
        ):
            if found.body == outgoing.body and found.direction != "inbound":
                return str(found.sid)
        return ""


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.STRIDE_SMS_BACKEND)()
    return backend


def send_email(outgoing: Outgoing) -> str:
    """Through Django's email backend; the key is the Message-ID, which mail systems dedupe on."""
    message_id = f"<{outgoing.key}@{settings.STRIDE_EMAIL_DOMAIN}>"
    email: EmailMessage = AnymailMessage(
        subject=outgoing.subject,
        body=outgoing.body,
        to=[outgoing.to],
        headers={"Message-ID": message_id, "X-Stride-Key": outgoing.key},
        metadata={KEY_METADATA: outgoing.key},
    )
    try:
        email.send()
    except AnymailRecipientsRefused as error:
        raise Undeliverable("the provider refused the address") from error
    except AnymailError as error:
        if isinstance(error.__cause__, Timeout):
            raise ProviderTimeout(f"email: {type(error.__cause__).__name__}") from error
        raise ProviderError(f"email: {type(error).__name__}") from error
    except TimeoutError as error:
        raise ProviderTimeout(f"email: {type(error).__name__}") from error
    except OSError as error:
        raise ProviderError(f"email: {type(error).__name__}") from error
    status = getattr(email, "anymail_status", None)
    # A provider's own id, which its delivery reports name; else the Message-ID we set.
    provider_id = getattr(status, "message_id", None)
    return message_id if provider_id is None else str(provider_id)


KEY_METADATA = "stride_key"
# The delivery-report view of each provider anymail speaks to, by STRIDE_EMAIL_PROVIDER.
EMAIL_TRACKING = {
    "amazon_ses": "anymail.webhooks.amazon_ses.AmazonSESTrackingWebhookView",
    "brevo": "anymail.webhooks.brevo.BrevoTrackingWebhookView",
    "mailersend": "anymail.webhooks.mailersend.MailerSendTrackingWebhookView",
    "mailgun": "anymail.webhooks.mailgun.MailgunTrackingWebhookView",
    "mailjet": "anymail.webhooks.mailjet.MailjetTrackingWebhookView",
    "postal": "anymail.webhooks.postal.PostalTrackingWebhookView",
    "postmark": "anymail.webhooks.postmark.PostmarkTrackingWebhookView",
    "resend": "anymail.webhooks.resend.ResendTrackingWebhookView",
    "sendgrid": "anymail.webhooks.sendgrid.SendGridTrackingWebhookView",
    "sparkpost": "anymail.webhooks.sparkpost.SparkPostTrackingWebhookView",
    "unisender_go": "anymail.webhooks.unisender_go.UnisenderGoTrackingWebhookView",
}


def new_key() -> str:
    return str(uuid.uuid4())


def email_tracking_view() -> Callable[..., HttpResponse] | None:
    """The chosen provider's delivery-report view, or None when no provider is chosen."""
    provider = settings.STRIDE_EMAIL_PROVIDER
    if not provider:
        return None
    if provider not in EMAIL_TRACKING:
        choices = ", ".join(sorted(EMAIL_TRACKING))
        raise ImproperlyConfigured(f"STRIDE_EMAIL_PROVIDER={provider!r} is not one of {choices}.")
    view: Callable[..., HttpResponse] = import_string(EMAIL_TRACKING[provider]).as_view()
    return view
