"""A participant who forgot their password asks for a link by the phone or email on record.

The page answers the same whether the number is enrolled or not, sends a person one
link however often they ask within minutes, and pauses an address that asks too often.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from stride.core.models import AuditEvent, User
from stride.people.models import Household
from stride.reminders import channels, inbound, sending
from stride.reminders.models import Message
from stride.reminders.tests.helpers import PHONE, agree

pytestmark = pytest.mark.django_db

FRESNO = ZoneInfo("America/Los_Angeles")
NEW_PASSWORD = "a brand new long phrase"


@pytest.fixture
def texts(monkeypatch):
    sent: list[channels.Outgoing] = []

    class Phone:
        def send(self, outgoing: channels.Outgoing) -> str:
            sent.append(outgoing)
            return f"SM{len(sent)}"

    monkeypatch.setattr(channels, "sms_backend", Phone)
    return sent


@pytest.fixture
def on_record(world):
    """Maria (who has an account and a password) lives in a household with this phone."""
    Household.objects.filter(pk=world.case.household_id).update(phone="(559) 555-0101")
    return world.case


def anonymous() -> Client:
    return Client(HTTP_HOST="localhost", REMOTE_ADDR="203.0.113.9")


def ask(typed: str, client: Client | None = None):
    return (client or anonymous()).post(reverse("portal:forgot"), {"address": typed})


def page_text(response) -> str:
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


def send_waiting() -> None:
    for message in Message.objects.filter(status="queued"):
        sending.deliver(message.pk)


def test_the_link_goes_to_the_phone_on_record_and_sets_a_new_password(on_record, texts):
    answer = ask("559.555.0101")
    assert answer.status_code == 200 and "Check your phone or email" in answer.content.decode()
    send_waiting()
    (text,) = texts
    assert text.to == PHONE and text.body.startswith("Stride: hi Maria, choose a new password")
    link = re.search(r"http://localhost(/me/welcome/\S+/)", text.body).group(1)
    client = anonymous()
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert User.objects.get(pk=on_record.user_id).check_password(NEW_PASSWORD)
    made = AuditEvent.objects.get(record_type="Message", action="create")
    assert made.actor is None and made.ip_address == "203.0.113.9"


def test_the_answer_is_the_same_for_a_number_on_record_and_one_that_is_not(on_record, texts):
    enrolled = ask("(559) 555-0101")
    stranger = ask("(559) 555-0199")
    not_a_number = ask("hello")
    no_account = ask("ana@example.org")
    assert page_text(enrolled) == page_text(stranger) == page_text(not_a_number)
    assert page_text(no_account) == page_text(enrolled)
    send_waiting()
    assert [text.to for text in texts] == [PHONE]


def test_an_email_given_for_reminders_is_on_record(world, texts):
    agree(world, channel="email", address="Maria@Example.org")
    ask("maria@example.org")
    send_waiting()
    (email,) = mail.outbox
    assert email.to == ["maria@example.org"] and "/me/welcome/" in email.body


def test_someone_without_an_account_gets_nothing(world, texts):
    Household.objects.filter(pk=world.other_case.household_id).update(phone="5595550177")
    ask("559 555 0177")
    assert (
        not Message.objects.exists()
        and not world.other_case.__class__.objects.get(pk=world.other_case.pk).user
    )


def test_asking_again_within_minutes_sends_one_link(on_record, texts):
    with time_machine.travel(datetime(2026, 3, 9, 10, 0, tzinfo=FRESNO), tick=False) as clock:
        ask("5595550101")
        ask("5595550101", Client(HTTP_HOST="localhost", REMOTE_ADDR="198.51.100.7"))
        assert Message.objects.count() == 1
        clock.shift(60 * 6)
        ask("5595550101")
        assert Message.objects.count() == 2


def test_a_number_that_texted_stop_gets_nothing_and_is_told_nothing(world, on_record, texts):
    agree(world)
    inbound.handle(PHONE, "STOP")
    stopped = ask("5595550101")
    assert page_text(stopped) == page_text(ask("5595550199"))
    assert not Message.objects.filter(about="password").exists()


def test_an_address_that_asks_too_often_is_paused(on_record, texts):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert ask("(559) 555-0199").status_code == 200
    for _ in range(2):
        assert ask("(559) 555-0101").status_code == 429
    assert not Message.objects.exists()
    # Another address is not paused.
    assert (
        ask("5595550101", Client(HTTP_HOST="localhost", REMOTE_ADDR="198.51.100.7")).status_code
        == 200
    )


def test_the_page_asks_for_something_to_send_to(world):
    answer = ask("   ")
    assert answer.status_code == 200 and answer.context["form"].errors["address"]
