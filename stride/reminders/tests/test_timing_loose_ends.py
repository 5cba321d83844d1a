"""Loose ends of the reminders' timing: an appointment called off, a household that moves,
a county's new quiet hours, and which channel a reminder goes by."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from stride.coaching import actions as coaching
from stride.coaching.actions import SessionDetails
from stride.core.audit import Actor
from stride.core.edits import StaleEdit
from stride.core.models import AuditEvent
from stride.people import actions as people
from stride.reminders import actions
from stride.reminders.models import Channel, Message, Preference

from .helpers import agree, live_in, reminder_of, step_to_remind

Lead = Preference.Lead

FRESNO = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=FRESNO)
THURSDAY_2PM = datetime(2026, 3, 12, 14, 0, tzinfo=FRESNO)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def meet(world, next_appointment, held_at=None):
    return coaching.record_session(
        Actor(world.coach),
        world.case,
        SessionDetails(
            held_at or MONDAY - timedelta(hours=1), "phone", 30, next_appointment=next_appointment
        ),
    )


def waiting(participant=None) -> list[Message]:
    found = Message.objects.filter(about=Message.About.APPOINTMENT, status=Message.Status.QUEUED)
    return list(found.filter(participant=participant) if participant else found)


# Calling off an appointment


def test_calling_off_the_next_appointment_cancels_its_waiting_reminder(world, clock):
    agree(world)
    session = meet(world, THURSDAY_2PM)
    [message] = waiting()
    cancelled = coaching.cancel_appointment(Actor(world.coach), session, session.version)
    assert cancelled.next_appointment is None and cancelled.version == 2
    message.refresh_from_db()
    assert message.status == Message.Status.CANCELLED
    event = AuditEvent.objects.get(record_id=session.uuid, action="change")
    assert event.fields == ["next_appointment"] and event.actor == world.coach


def test_an_older_time_a_newer_session_replaced_does_not_come_back(world, clock):
    agree(world)
    meet(world, datetime(2026, 3, 19, 9, 0, tzinfo=FRESNO), held_at=MONDAY - timedelta(days=3))
    newer = meet(world, THURSDAY_2PM)
    coaching.cancel_appointment(Actor(world.coach), newer, newer.version)
    assert waiting() == []
    assert not world.case.coaching_sessions.filter(next_appointment__isnull=False).exists()


def test_an_appointment_changed_meanwhile_or_already_replaced_is_refused(world, clock):
    agree(world)
    older = meet(
        world, datetime(2026, 3, 19, 9, 0, tzinfo=FRESNO), held_at=MONDAY - timedelta(days=3)
    )
    newer = meet(world, THURSDAY_2PM)
    with pytest.raises(ValidationError):
        coaching.cancel_appointment(Actor(world.coach), older, older.version)
    with pytest.raises(StaleEdit):
        coaching.cancel_appointment(Actor(world.coach), newer, newer.version + 1)
    assert len(waiting()) == 1


def test_a_coach_calls_off_the_appointment_from_the_participants_page(world, clock, client_for):
    agree(world)
    session = meet(world, THURSDAY_2PM)
    client = client_for(world.coach)
    page = client.get(reverse("coaching:participant_goals", kwargs={"uuid": world.case.uuid}))
    url = reverse("coaching:appointment_cancel", kwargs={"uuid": session.uuid})
    assert url in page.content.decode()
    assert "Call off this appointment" in page.content.decode()
    listed = client.get(reverse("coaching:sessions", kwargs={"uuid": world.case.uuid}))
    assert url in listed.content.decode()
    form = client.get(url)
    assert form.status_code == 200 and "stops the reminder" in form.content.decode()
    answer = client.post(url, {"version": session.version})
    assert answer.status_code == 302
    assert waiting() == []
    again = client.get(reverse("coaching:participant_goals", kwargs={"uuid": world.case.uuid}))
    assert url not in again.content.decode()
    refused = client.post(url, {"version": session.version + 1})
    assert refused.status_code == 200 and "already passed" in refused.content.decode()


def test_a_past_appointment_has_no_call_off_link(world, client_for):
    with time_machine.travel(MONDAY - timedelta(days=10), tick=False):
        session = meet(world, MONDAY - timedelta(days=8), held_at=MONDAY - timedelta(days=11))
    with time_machine.travel(MONDAY, tick=False):
        page = client_for(world.coach).get(
            reverse("coaching:participant_goals", kwargs={"uuid": world.case.uuid})
        )
    assert reverse("coaching:appointment_cancel", kwargs={"uuid": session.uuid}) not in (
        page.content.decode()
    )


# Re-timing when the household's clock or the county's quiet hours change


def test_a_household_that_moves_to_another_time_zone_gets_its_reminders_at_its_new_clock(
    world, clock
):
    agree(world)
    step = step_to_remind(world, date(2026, 3, 12))
    meet(world, THURSDAY_2PM)
    assert reminder_of(step).due_at == datetime(2026, 3, 11, 10, 0, tzinfo=FRESNO)
    household = world.case.household
    people.update_household(Actor(world.coach), household, household.version, zip_code="10001")
    assert reminder_of(step).due_at == datetime(2026, 3, 11, 10, 0, tzinfo=NEW_YORK)
    [appointment] = waiting()
    assert appointment.due_at == datetime(2026, 3, 11, 10, 0, tzinfo=NEW_YORK)


def test_a_move_rolled_back_leaves_the_reminders_where_they_were(world, clock):
    agree(world)
    step = step_to_remind(world, date(2026, 3, 12))
    household = world.case.household
    with pytest.raises(RuntimeError), transaction.atomic():
        people.update_household(Actor(world.coach), household, household.version, zip_code="10001")
        assert reminder_of(step).due_at == datetime(2026, 3, 11, 10, 0, tzinfo=NEW_YORK)
        raise RuntimeError("the request failed after the household was saved")
    assert reminder_of(step).due_at == datetime(2026, 3, 11, 10, 0, tzinfo=FRESNO)


def test_a_countys_new_quiet_hours_move_its_waiting_reminders_and_no_others(world, clock):
    agree(world)
    other = agree(world, case=world.other_case).participant
    live_in(world.other_case, "93721")
    actions.set_preference(Actor(world.coach), world.case, Lead.DAY_BEFORE, time(8, 15), 0)
    actions.set_preference(Actor(world.coach), other, Lead.DAY_BEFORE, time(8, 15), 0)
    step = step_to_remind(world, date(2026, 3, 12))
    elsewhere = step_to_remind(world, date(2026, 3, 12), case=other)
    assert reminder_of(step).due_at == datetime(2026, 3, 11, 8, 15, tzinfo=FRESNO)
    actions.set_county_settings(Actor(world.county_admin), world.county, time(20), time(9), "")
    assert reminder_of(step).due_at == datetime(2026, 3, 11, 9, 0, tzinfo=FRESNO)
    assert reminder_of(elsewhere).due_at == datetime(2026, 3, 11, 8, 15, tzinfo=FRESNO)


# Which channel


def postcard(world) -> None:
    agree(world, Channel.POSTCARD, "12 Olive Ave, Fresno CA 93721")


@pytest.mark.parametrize(
    ("agreed", "goes_by"),
    [
        ((Channel.POSTCARD, Channel.EMAIL, Channel.SMS), Channel.SMS),
        ((Channel.POSTCARD, Channel.EMAIL), Channel.EMAIL),
        ((Channel.EMAIL, Channel.POSTCARD), Channel.EMAIL),
        ((Channel.POSTCARD,), Channel.POSTCARD),
    ],
)
def test_a_text_first_then_email_and_a_postcard_only_when_it_is_the_only_one(
    world, clock, agreed, goes_by
):
    addresses = {
        Channel.SMS: "(559) 555-0101",
        Channel.EMAIL: "maria@example.org",
        Channel.POSTCARD: "12 Olive Ave, Fresno CA 93721",
    }
    for channel in agreed:
        agree(world, channel, addresses[channel])
    step = step_to_remind(world, date(2026, 3, 12))
    assert reminder_of(step).channel == goes_by
    assert Message.objects.filter(status=Message.Status.QUEUED).count() == 1  # one, never each


def test_texts_stopped_with_email_and_a_postcard_agreed_move_to_email(world, clock):
    postcard(world)
    agree(world, Channel.EMAIL, "maria@example.org")
    texts = agree(world)
    step = step_to_remind(world, date(2026, 3, 12))
    actions.withdraw_consent(Actor(world.coach), texts, texts.How.IN_PERSON)
    [moved] = Message.objects.filter(about_id=step.uuid, status=Message.Status.QUEUED)
    assert moved.channel == Channel.EMAIL


def test_a_past_appointments_page_offers_nothing_to_call_off(world, client_for):
    with time_machine.travel(MONDAY - timedelta(days=10), tick=False):
        session = meet(world, MONDAY - timedelta(days=8), held_at=MONDAY - timedelta(days=11))
    with time_machine.travel(MONDAY, tick=False):
        url = reverse("coaching:appointment_cancel", kwargs={"uuid": session.uuid})
        page = client_for(world.coach).get(url).content.decode()
    assert "no appointment ahead" in page and "stops the reminder" not in page
