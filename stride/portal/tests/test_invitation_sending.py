"""The coach has Stride send the invitation (or new-password) link by text or email.

It goes as a reminders message through the same worker: in the household's
language, with the first name and the link only, retried, sent once, never to a
number that texted STOP, never once the link has expired, and the link is not kept
after it has gone.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from stride.core.audit import Actor
from stride.core.models import AuditEvent, User
from stride.portal import invitations
from stride.reminders import channels, inbound, sending
from stride.reminders.models import Message
from stride.reminders.tests.helpers import PHONE, agree, live_in

pytestmark = pytest.mark.django_db

FRESNO = ZoneInfo("America/Los_Angeles")
NEW_PASSWORD = "a brand new long phrase"


class Provider:
    """Keeps one text per idempotency key, as a real provider promises; can time out once."""

    def __init__(self) -> None:
        self.kept: dict[str, channels.Outgoing] = {}
        self.time_outs = 0

    def send(self, outgoing: channels.Outgoing) -> str:
        self.kept.setdefault(outgoing.key, outgoing)
        if self.time_outs:
            self.time_outs -= 1
            raise channels.ProviderTimeout("read timed out after accepting")
        return f"SM{outgoing.key.replace('-', '')[:30]}"


@pytest.fixture
def provider(monkeypatch):
    made = Provider()
    monkeypatch.setattr(channels, "sms_backend", lambda: made)
    return made


def invite_url(case) -> str:
    return reverse("portal:invite", args=[case.uuid])


def send_by_text(client, case, phone="(559) 555-0101"):
    return client.post(invite_url(case), {"send": "sms", "phone": phone, "email": ""})


def the_link(text: str) -> str:
    found = re.search(r"https?://\S+/me/welcome/[^\s)]+/", text)
    assert found, text
    return found.group(0)


def test_the_coach_sends_the_invitation_by_text_in_the_households_language(
    world, client_for, provider
):
    live_in(world.other_case, "93721", language="es")
    response = send_by_text(client_for(world.other_county_coach), world.other_case)

    assert response.status_code == 200
    page = response.content.decode()
    link = response.context["link"]
    assert link in page  # still shown once on screen
    assert f"Stride is sending it by text message to {PHONE}" in page
    message = Message.objects.get()
    assert (message.about, message.channel, message.address, message.language) == (
        "invitation",
        "sms",
        PHONE,
        "es",
    )
    # The first name and the link, in Spanish, and nothing else about the person.
    assert message.body.startswith("Stride: hola Ana,") and link in message.body
    for private in ("Reyes", "KE0000001", "Kern"):
        assert private not in message.body
    created = AuditEvent.objects.get(record_id=message.uuid, action="create")
    assert created.actor == world.other_county_coach and "body" in created.fields
    assert link not in str(created.fields)


def test_the_worker_sends_it_once_though_the_provider_timed_out_and_keeps_no_link(
    world, client_for, provider
):
    send_by_text(client_for(world.other_county_coach), world.other_case)
    message = Message.objects.get()
    link = the_link(message.body)
    provider.time_outs = 1

    first = sending.deliver(message.pk)
    assert first is not None and first.status == "queued"
    again = sending.deliver(message.pk, first.next_try_at)
    assert again is not None and again.status == "sent"

    assert len(provider.kept) == 1  # one text, however many tries
    (sent,) = provider.kept.values()
    assert sent.to == PHONE and the_link(sent.body) == link
    message.refresh_from_db()
    assert message.status == "sent" and link not in message.body and "[…]" in message.body


def test_the_link_that_was_sent_opens_the_welcome_page(world, client_for, client, provider):
    send_by_text(client_for(world.other_county_coach), world.other_case)
    sending.deliver(Message.objects.get().pk)
    (sent,) = provider.kept.values()
    path = the_link(sent.body).removeprefix("http://localhost")
    assert "Ana" in client.get(path).content.decode()
    chosen = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert chosen.status_code == 302


def test_someone_who_signed_in_before_gets_a_new_password_link(world, client_for, client):
    assert world.participant_user.has_usable_password()
    response = client_for(world.coach).post(
        invite_url(world.case), {"send": "email", "phone": "", "email": "Maria@Example.org"}
    )
    assert "Stride is sending it by email to maria@example.org" in response.content.decode()
    message = Message.objects.get()
    assert message.about == "password" and "choose a new password" in message.body

    assert sending.deliver(message.pk).status == "sent"
    (email,) = mail.outbox
    assert email.to == ["maria@example.org"]
    assert email.subject == "Choose a new password for your Stride page"
    path = the_link(email.body).removeprefix("http://localhost")
    page = client.get(path).content.decode()
    assert "Welcome back, Participant!" in page and "Choose a new password for your page." in page
    client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert User.objects.get(pk=world.participant_user.pk).check_password(NEW_PASSWORD)


def test_sending_needs_an_address_and_a_bad_one_makes_nothing(world, client_for):
    client = client_for(world.other_county_coach)
    empty = send_by_text(client, world.other_case, phone="")
    assert "Enter the phone number to send it to." in empty.content.decode()
    wrong = send_by_text(client, world.other_case, phone="555-01")
    assert "Enter a 10-digit US phone number." in wrong.content.decode()
    assert wrong.context["link"] is None
    world.other_case.refresh_from_db()
    assert world.other_case.user is None and not Message.objects.exists()


def test_no_reminder_consent_is_needed_but_a_number_that_texted_stop_gets_nothing(
    world, client_for, provider
):
    client = client_for(world.coach)
    send_by_text(client, world.case)  # no consent recorded: it goes
    assert sending.deliver(Message.objects.get().pk).status == "sent"

    agree(world)
    inbound.handle(PHONE, " Stop ")
    refused = send_by_text(client, world.case)
    assert "This number texted STOP to Stride" in refused.content.decode()
    assert Message.objects.count() == 1 and len(provider.kept) == 1


def test_a_stop_cancels_a_link_waiting_for_that_number(world, provider):
    agree(world)
    made = invitations.send(
        Actor(world.coach), world.case, lambda path: f"http://localhost{path}", "sms", PHONE
    )
    inbound.handle(PHONE, "STOP")
    made.sent.refresh_from_db()
    assert made.sent.status == "cancelled" and "/me/welcome/" not in made.sent.body
    assert sending.deliver(made.sent.pk) is None and not provider.kept


def test_a_link_for_someone_else_at_a_number_that_texted_stop_is_not_sent(world, provider):
    # Ana gave no consent at this number; Maria did, and texted STOP from it since.
    agree(world)
    made = invitations.send(
        Actor(world.other_county_coach),
        world.other_case,
        lambda path: f"http://localhost{path}",
        "sms",
        PHONE,
    )
    inbound.handle(PHONE, "STOP")
    assert sending.deliver(made.sent.pk).status == "cancelled"
    made.sent.refresh_from_db()
    assert made.sent.last_error == "the number texted STOP" and "/me/welcome/" not in made.sent.body
    assert not provider.kept


def test_a_link_that_expired_before_it_could_go_is_not_sent(world, provider, settings):
    with time_machine.travel(datetime(2026, 3, 9, 10, 0, tzinfo=FRESNO), tick=False) as clock:
        made = invitations.send(
            Actor(world.coach), world.case, lambda path: f"http://localhost{path}", "sms", PHONE
        )
        clock.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))
        assert sending.deliver(made.sent.pk).status == "cancelled"
    made.sent.refresh_from_db()
    assert made.sent.last_error == "the link had expired" and not provider.kept


def test_it_goes_at_once_even_in_the_households_quiet_hours(world, provider):
    with time_machine.travel(datetime(2026, 3, 9, 23, 30, tzinfo=FRESNO), tick=False):
        made = invitations.send(
            Actor(world.coach), world.case, lambda path: f"http://localhost{path}", "sms", PHONE
        )
        assert sending.deliver(made.sent.pk).status == "sent"


def test_a_second_press_shows_a_new_link_but_sends_nothing_more(world, client_for, provider):
    client = client_for(world.other_county_coach)
    first = send_by_text(client, world.other_case)
    second = send_by_text(client, world.other_case)
    assert first.context["link"] and second.context["link"]
    assert Message.objects.count() == 1
    assert second.context["sent"] == Message.objects.get()


def test_the_reminders_page_names_a_link_message_without_showing_the_link(world, client_for):
    made = invitations.send(
        Actor(world.coach), world.case, lambda path: f"http://localhost{path}", "sms", PHONE
    )
    page = client_for(world.supervisor).get(
        reverse("reminders:consent", kwargs={"uuid": world.case.uuid})
    )
    text = page.content.decode()
    assert "A link to choose a new password" in text and made.link not in text


def test_people_who_cannot_edit_the_case_cannot_send_the_link(world, client_for):
    url = invite_url(world.other_case)
    data = {"send": "sms", "phone": "(559) 555-0101", "email": ""}
    assert client_for(world.coach).post(url, data).status_code == 404
    assert client_for(world.state_admin).post(url, data).status_code == 403
    assert not Message.objects.exists()
