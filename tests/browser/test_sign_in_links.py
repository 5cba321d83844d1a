"""A coach texts a family the invitation to their own page; later the participant, who forgot
their password, asks for a new link themselves. axe-core runs on each page.

The texts go to a phone that keeps them (a fake provider), as the worker's own task sends them.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from stride.people.models import Household
from stride.reminders import channels, tasks
from stride.reminders.models import Message

from .conftest import a_new_family
from .test_participant_journey import PHONE

pytestmark = pytest.mark.browser

NUMBER = "(559) 555-0166"
PASSWORD = "our family park on sundays"


class Phone:
    """Keeps each text once per key, as a provider promises."""

    def __init__(self) -> None:
        self.texts: dict[str, channels.Outgoing] = {}

    def send(self, outgoing: channels.Outgoing) -> str:
        self.texts.setdefault(outgoing.key, outgoing)
        return f"SM{outgoing.key[:8]}"


def tick(page: Page, selector: str) -> None:
    field = page.locator(f"main {selector}")
    page.locator(f'label[for="{field.get_attribute("id")}"]').click()
    expect(field).to_be_checked()


def the_link(text: str) -> str:
    found = re.search(r"https?://\S+/me/welcome/[^\s)]+/", text)
    assert found, text
    return found.group(0)


def test_a_texted_invitation_and_a_new_password_asked_for_by_phone(
    site, page: Page, new_page, log_in, assert_accessible, monkeypatch
):
    phone = Phone()
    monkeypatch.setattr(channels, "sms_backend", lambda: phone)
    family = a_new_family("coach", "Enlace", "Lucia")
    Household.objects.filter(pk=family.household_id).update(phone=NUMBER, language="es")

    log_in(page, "coach")
    page.goto(f"{site}/participants/{family.uuid}/invite/")
    assert_accessible(page, "the invite page")
    tick(page, "input[name=send][value=sms]")
    expect(page.locator("main input[name=phone]")).to_have_value(NUMBER)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .usa-alert")).to_contain_text("Stride is sending it by text message")
    on_screen = page.locator("#invitation-link").input_value()
    assert_accessible(page, "the invite page with its link")

    invitation = Message.objects.get(participant=family, about="invitation")
    assert tasks.send_message.call(invitation.pk) == "sent"  # what the worker runs
    (text,) = phone.texts.values()
    assert text.body.startswith("Stride: hola Lucia,") and the_link(text.body) == on_screen

    participant = new_page(*PHONE)
    participant.goto(the_link(text.body))
    participant.locator("input[name=new_password1]").fill(PASSWORD)
    participant.locator("input[name=new_password2]").fill(PASSWORD)
    participant.locator("main form button[type=submit]").click()
    expect(participant).to_have_url(re.compile(r"/me/$"))

    # A day later, signed out and the password forgotten: from the sign-in page to a new link
    # (within minutes of the invitation, a second link would not be sent).
    Message.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - timedelta(days=1))
    asking = new_page(*PHONE)
    asking.goto(f"{site}/login/")
    asking.get_by_role("link", name="Forgot your password?").click()
    asking.get_by_role("link", name=re.compile("get a new link to your page")).click()
    assert_accessible(asking, "the forgotten-password page")
    asking.locator("input[name=address]").fill("559-555-0166")
    asking.locator("main form button[type=submit]").click()
    expect(asking.locator("h1")).to_have_text("Check your phone or email")
    assert_accessible(asking, "the page that says a link is on its way")

    renewal = Message.objects.get(participant=family, about="password")
    assert tasks.send_message.call(renewal.pk) == "sent"
    texts = list(phone.texts.values())
    assert len(texts) == 2 and "elija una contraseña nueva" in texts[1].body
    asking.goto(the_link(texts[1].body))
    expect(asking.locator("h1")).to_contain_text("Welcome back, Lucia!")
