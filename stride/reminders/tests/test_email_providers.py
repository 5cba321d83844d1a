"""Email through django-anymail: a provider as a backend chosen in settings, and its signed
delivery reports recorded on the message as Twilio's status callback is."""

import hashlib
import hmac
import json
from itertools import count

import pytest
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused, AnymailRequestsAPIError
from django.core import mail
from django.test import Client
from django.urls import reverse
from requests.exceptions import ReadTimeout

from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.reminders import channels, links, sending
from stride.reminders.models import Message

pytestmark = pytest.mark.django_db

SIGNING_KEY = "key-for-tests-only"
ADDRESS = "maria@example.org"
_ids = count(1)


class FakeProvider(AnymailTestBackend):
    """An email provider as anymail sees one: it answers with its own id for each email, or
    with the failure a test gives it (`FakeProvider.failures`)."""

    esp_name = "Fake"
    failures: list[Exception] = []

    def get_esp_message_id(self, message):
        return f"<fake-{next(_ids)}@provider.example>"

    def post_to_esp(self, payload, message):
        if FakeProvider.failures:
            message.anymail_test_params = payload.get_params()
            mail.outbox.append(message)
            raise FakeProvider.failures.pop(0)
        return super().post_to_esp(payload, message)


@pytest.fixture
def provider(settings):
    settings.EMAIL_BACKEND = "stride.reminders.tests.test_email_providers.FakeProvider"
    settings.STRIDE_EMAIL_PROVIDER = "mailgun"
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    FakeProvider.failures = []
    yield FakeProvider
    FakeProvider.failures = []


def a_link_by_email(world) -> Message:
    return links.send_link(
        Actor(world.coach),
        world.case,
        "email",
        ADDRESS,
        "http://localhost/me/welcome/abc/def/",
        3,
        password=True,
    )


def test_the_provider_is_given_the_key_and_its_id_is_kept(world, provider):
    message = a_link_by_email(world)
    assert sending.deliver(message.pk).status == "sent"
    (email,) = mail.outbox
    assert email.anymail_test_params["metadata"] == {"stride_key": str(message.idempotency_key)}
    assert email.to == [ADDRESS] and "choose a new password" in email.body
    message.refresh_from_db()
    assert message.provider_id.startswith("<fake-") and message.provider_id.endswith("example>")


def test_a_failing_provider_means_a_later_try_and_a_refused_address_a_failure(world, provider):
    provider.failures = [AnymailAPIError("503 from the provider")]
    message = a_link_by_email(world)
    later = sending.deliver(message.pk)
    assert later.status == "queued" and later.next_try_at is not None
    message.refresh_from_db()
    assert message.last_error == "email: AnymailAPIError"

    provider.failures = [AnymailRecipientsRefused()]
    assert sending.deliver(message.pk, later.next_try_at).status == "failed"
    message.refresh_from_db()
    assert message.status == "failed" and "/me/welcome/" not in message.body


def test_a_provider_that_times_out_is_tried_again_with_the_same_key(world, provider):
    timeout = AnymailRequestsAPIError("timed out")
    timeout.__cause__ = ReadTimeout()
    provider.failures = [timeout]
    message = a_link_by_email(world)
    later = sending.deliver(message.pk)
    assert later.status == "queued"
    assert sending.deliver(message.pk, later.next_try_at).status == "sent"
    keys = {email.anymail_test_params["metadata"]["stride_key"] for email in mail.outbox}
    assert keys == {str(message.idempotency_key)}


def mailgun_report(event: str, key: str, signing_key: str = SIGNING_KEY) -> str:
    timestamp, token = "1765100000", "a" * 50
    signature = hmac.new(
        signing_key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    return json.dumps(
        {
            "signature": {"timestamp": timestamp, "token": token, "signature": signature},
            "event-data": {
                "event": event,
                "timestamp": 1765100000.0,
                "recipient": ADDRESS,
                "user-variables": {"stride_key": key},
                "message": {"headers": {"message-id": "unrelated@provider.example"}},
            },
        }
    )


def report(body: str):
    return Client().post(reverse("reminders:email_status"), body, content_type="application/json")


def test_a_signed_delivery_report_marks_the_email_delivered(world, provider):
    message = a_link_by_email(world)
    sending.deliver(message.pk)
    assert report(mailgun_report("delivered", str(message.idempotency_key))).status_code == 200
    message.refresh_from_db()
    assert message.status == "delivered"
    assert AuditEvent.objects.filter(
        record_id=message.uuid, changes__status=["sent", "delivered"]
    ).exists()


def test_a_bounce_marks_it_failed(world, provider):
    message = a_link_by_email(world)
    sending.deliver(message.pk)
    report(mailgun_report("failed", str(message.idempotency_key)))
    message.refresh_from_db()
    assert message.status == "failed" and "failed" in message.last_error


def test_a_report_with_a_bad_signature_is_refused_with_403_and_changes_nothing(world, provider):
    message = a_link_by_email(world)
    sending.deliver(message.pk)
    forged = mailgun_report("delivered", str(message.idempotency_key), signing_key="guessed")
    assert report(forged).status_code == 403
    assert report("{}").status_code == 403
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_report_about_an_unknown_message_changes_nothing(world, provider):
    message = a_link_by_email(world)
    sending.deliver(message.pk)
    assert report(mailgun_report("delivered", "not-a-key")).status_code == 200
    message.refresh_from_db()
    assert message.status == "sent"


def test_without_a_provider_the_address_does_not_exist(settings):
    settings.STRIDE_EMAIL_PROVIDER = ""
    assert report("{}").status_code == 404
    assert channels.email_tracking_view() is None


def test_only_post_is_answered(provider):
    assert Client().get(reverse("reminders:email_status")).status_code == 405
