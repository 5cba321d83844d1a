"""A reminder to do a check-in on one's own page: asked for by the participant (or their coach
with them), every one, two or four weeks, counted from the last check-in, so doing one puts
the next reminder off."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from stride.assessments.models import Response
from stride.core.audit import Actor
from stride.reminders import actions, channels, sending
from stride.reminders.models import Message, Preference

from .helpers import agree, live_in
from .test_sending import Provider

pytestmark = pytest.mark.django_db

FRESNO = ZoneInfo("America/Los_Angeles")
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=FRESNO)


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def waiting(case) -> list[Message]:
    return list(
        Message.objects.filter(
            participant=case, about=Message.About.CHECK_IN, status=Message.Status.QUEUED
        )
    )


def every(world, days: int, lead: str = "day_before", hour: int = 10) -> Preference:
    current = Preference.objects.filter(participant=world.case).first()
    return actions.set_preference(
        Actor(world.participant_user),
        world.case,
        lead,
        time(hour),
        current.version if current else 0,
        days,
    )


def check_in(case, finished: datetime) -> Response:
    with at(finished):
        return Response.objects.create(
            participant=case,
            instrument="check-in",
            instrument_version=1,
            where=Response.Where.OWN_PAGES,
            completed_at=finished,
        )


def test_the_participant_asks_for_a_weekly_check_in_reminder_on_their_own_page(world, client_for):
    with at(MONDAY):
        agree(world)
        answer = client_for(world.participant_user).post(
            reverse("portal:reminders"),
            {"lead": "day_before", "at": "18:00", "check_in_every": "7", "version": "0"},
        )
    assert answer.status_code == 302
    assert Preference.objects.get(participant=world.case).check_in_every == 7
    [reminder] = waiting(world.case)
    # A week after the choice, on the morning of that day at the time they chose (a check-in
    # has no day before).
    assert reminder.due_at == datetime(2026, 3, 16, 18, 0, tzinfo=FRESNO)
    assert "time for your check-in" in reminder.body


def test_finishing_a_check_in_puts_the_next_reminder_off(world):
    with at(MONDAY):
        agree(world)
        every(world, 14)
    check_in(world.case, datetime(2026, 3, 12, 15, 30, tzinfo=FRESNO))
    [reminder] = waiting(world.case)
    assert reminder.due_at == datetime(2026, 3, 26, 10, 0, tzinfo=FRESNO)


def test_a_sent_check_in_reminder_is_followed_by_the_next_one(world, monkeypatch):
    monkeypatch.setattr(channels, "sms_backend", lambda: Provider())
    with at(MONDAY):
        agree(world)
        every(world, 7)
    [first] = waiting(world.case)
    with at(first.due_at):
        assert sending.deliver(first.pk).status == Message.Status.SENT
    [second] = waiting(world.case)
    assert second.pk != first.pk
    assert second.due_at == datetime(2026, 3, 23, 10, 0, tzinfo=FRESNO)


def test_no_reminder_without_consent_or_when_the_participant_stops_asking(world):
    with at(MONDAY):
        every(world, 7)
        assert waiting(world.case) == []
        agree(world)
        every(world, 7, hour=9)
        assert len(waiting(world.case)) == 1
        every(world, 0)
    assert waiting(world.case) == []
    cancelled = Message.objects.get(participant=world.case, about=Message.About.CHECK_IN)
    assert cancelled.status == Message.Status.CANCELLED


def test_the_reminder_speaks_the_households_language(world):
    with at(MONDAY):
        live_in(world.case, "93721", language="es")
        agree(world)
        every(world, 28)
    [reminder] = waiting(world.case)
    assert reminder.language == "es"
    assert reminder.due_at.date() == date(2026, 4, 6)
    assert "Stride: es hora de su seguimiento." in reminder.body


def test_a_form_without_the_choice_keeps_it(world, client_for):
    with at(MONDAY):
        agree(world)
        every(world, 14)
        answer = client_for(world.participant_user).post(
            reverse("portal:reminders"), {"lead": "same_morning", "at": "09:00", "version": "1"}
        )
    assert answer.status_code == 302
    chosen = Preference.objects.get(participant=world.case)
    assert (chosen.lead, chosen.check_in_every) == ("same_morning", 14)


def test_the_coach_sets_it_with_the_participant(world, client_for):
    with at(MONDAY):
        agree(world)
        answer = client_for(world.coach).post(
            reverse("reminders:times", args=[world.case.uuid]),
            {"lead": "day_before", "at": "10:00", "check_in_every": "14", "version": "0"},
        )
    assert answer.status_code == 302
    assert Preference.objects.get(participant=world.case).check_in_every == 14
    assert len(waiting(world.case)) == 1
