"""The SMS backends: what reaches Twilio's client, and what a refusal becomes."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from twilio.base.exceptions import TwilioRestException

from stride.reminders import channels
from stride.reminders.channels import Outgoing

KEY = "0b6c1e0e-2f2a-4bd8-9d4e-1f0b1d2c3a4b"


class Messages:
    """Twilio's messages resource as the backend uses it: create and list."""

    def __init__(self, refuse: TwilioRestException | None = None, earlier=()):
        self.refuse, self.earlier = refuse, list(earlier)
        self.created: list[dict] = []
        self.asked: list[dict] = []

    def create(self, **fields):
        if self.refuse is not None:
            raise self.refuse
        self.created.append(fields)
        return SimpleNamespace(sid="SM0001")

    def list(self, **filters):
        self.asked.append(filters)
        return self.earlier


def backend(messages: Messages) -> channels.TwilioSms:
    return channels.TwilioSms(client=SimpleNamespace(messages=messages))


def test_a_text_goes_from_the_configured_number_with_a_status_callback_carrying_its_key(settings):
    settings.STRIDE_TWILIO_FROM = "+15595550000"
    settings.STRIDE_PUBLIC_URL = "https://stride.example.org/"
    messages = Messages()
    assert backend(messages).send(Outgoing("+15595550101", "Hello", KEY)) == "SM0001"
    [sent] = messages.created
    assert sent == {
        "to": "+15595550101",
        "body": "Hello",
        "from_": "+15595550000",
        "status_callback": f"https://stride.example.org/reminders/sms/status/?key={KEY}",
    }


def test_a_messaging_service_is_named_as_one(settings):
    settings.STRIDE_TWILIO_FROM = "MG0123456789abcdef0123456789abcdef"
    settings.STRIDE_PUBLIC_URL = ""
    messages = Messages()
    backend(messages).send(Outgoing("+15595550101", "Hello", KEY))
    assert messages.created[0]["messaging_service_sid"] == settings.STRIDE_TWILIO_FROM


def test_a_second_try_finds_the_text_twilio_already_took_and_sends_nothing(settings):
    settings.STRIDE_TWILIO_FROM = "+15595550000"
    took = SimpleNamespace(sid="SM0042", body="Hello", direction="outbound-api")
    messages = Messages(earlier=[took])
    first_try = datetime(2026, 3, 11, 17, 0, tzinfo=UTC)
    sent = backend(messages).send(Outgoing("+15595550101", "Hello", KEY, first_try=first_try))
    assert sent == "SM0042" and messages.created == []
    assert messages.asked[0]["date_sent_after"] == first_try


@pytest.mark.parametrize(
    ("code", "status", "becomes"),
    [
        (21610, 400, channels.Undeliverable),  # the person texted STOP to Twilio
        (21614, 400, channels.Undeliverable),  # not a mobile number
        (20429, 429, channels.ProviderError),  # too many requests: later
        (None, 500, channels.ProviderError),
    ],
)
def test_twilios_refusals_become_a_failure_or_a_later_try(settings, code, status, becomes):
    settings.STRIDE_TWILIO_FROM = "+15595550000"
    refusal = TwilioRestException(status, "https://api.twilio.com", "refused", code=code)
    with pytest.raises(becomes):
        backend(Messages(refuse=refusal)).send(Outgoing("+15595550101", "Hello", KEY))


def test_the_file_backend_writes_a_key_once(tmp_path):
    outbox = channels.FileSms(str(tmp_path / "sms.jsonl"))
    first = outbox.send(Outgoing("+15595550101", "Hello", KEY))
    again = outbox.send(Outgoing("+15595550101", "Hello", KEY))
    assert first == again and len((tmp_path / "sms.jsonl").read_text().splitlines()) == 1
