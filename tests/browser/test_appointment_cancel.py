"""A coach calls off a family's next appointment from their goals page: the reminder waiting
for it is not sent, and the page no longer offers to call it off."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from stride.coaching import actions as coaching
from stride.coaching.models import CoachingSession
from stride.core.audit import Actor
from stride.core.models import User
from stride.reminders import actions as reminders
from stride.reminders.models import Channel, Consent, Message

from .conftest import a_new_family

pytestmark = pytest.mark.browser


def test_a_coach_calls_off_an_appointment_and_its_reminder_stops(
    site, page: Page, log_in, assert_accessible
):
    family = a_new_family("coach", "Cancelada", "Alma")
    coach = User.objects.get(username="coach")
    reminders.give_consent(
        Actor(coach), family, Channel.SMS, "(559) 555-0188", Consent.How.IN_PERSON
    )
    now = timezone.now()
    coaching.record_session(
        Actor(coach),
        family,
        coaching.SessionDetails(
            now - timedelta(hours=1),
            CoachingSession.Mode.PHONE,
            20,
            next_appointment=now + timedelta(days=3),
        ),
    )
    reminder = Message.objects.get(
        participant=family, about=Message.About.APPOINTMENT, status=Message.Status.QUEUED
    )

    log_in(page, "coach")
    page.goto(site + reverse("coaching:participant_goals", args=[family.uuid]))
    page.get_by_role("link", name="Call off this appointment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call off the appointment")
    expect(page.get_by_text("Calling it off also stops the reminder")).to_be_visible()
    assert_accessible(page, "the page that calls off an appointment")
    page.get_by_role("button", name="Call off the appointment").click()

    expect(
        page.get_by_text("The appointment is called off. No reminder will be sent.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Call off this appointment")).to_have_count(0)
    assert_accessible(page, "the goals page after the appointment is called off")
    reminder.refresh_from_db()
    assert reminder.status == Message.Status.CANCELLED
