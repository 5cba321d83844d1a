"""The participant chooses their reminder times and gives or stops consent on their own page;
their coach sees and sets the same times on the participant's record."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries
from stride.core.audit import Actor
from stride.reminders import actions
from stride.reminders.models import Channel, Consent, Message, Preference

from .helpers import agree, live_in, reminder_of, step_to_remind

pytestmark = pytest.mark.django_db

FRESNO = ZoneInfo("America/Los_Angeles")
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=FRESNO)
THURSDAY = date(2026, 3, 12)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_the_participant_sees_their_times_quiet_hours_and_what_is_coming(world, client_for, clock):
    agree(world)
    step_to_remind(world, THURSDAY)
    page = client_for(world.participant_user).get(reverse("portal:reminders"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "My reminders" in text and "between 9 p.m. and 8 a.m." in text
    assert "+15595550101" in text and "Stop reminders by Text message" in text
    assert "A step: on March 11, 2026, 10 a.m." in text


def test_the_participant_chooses_their_times_and_the_waiting_reminder_moves(
    world, client_for, clock
):
    agree(world)
    step = step_to_remind(world, THURSDAY)
    client = client_for(world.participant_user)
    answer = client.post(
        reverse("portal:reminders"), {"lead": "same_morning", "at": "09:00", "version": "0"}
    )
    assert answer.status_code == 302
    chosen = Preference.objects.get(participant=world.case)
    assert (chosen.lead, chosen.at, chosen.changed_by) == (
        "same_morning",
        time(9),
        world.participant_user,
    )
    assert reminder_of(step).due_at == datetime(2026, 3, 12, 9, 0, tzinfo=FRESNO)
    stale = client.post(
        reverse("portal:reminders"), {"lead": "two_hours", "at": "09:00", "version": "0"}
    )
    assert stale.status_code == 200 and "Someone else saved changes" in stale.content.decode()
    assert Preference.objects.get().lead == "same_morning"


def test_a_time_that_is_not_offered_is_refused(world, client_for, clock):
    answer = client_for(world.participant_user).post(
        reverse("portal:reminders"), {"lead": "day_before", "at": "03:00", "version": "0"}
    )
    assert answer.status_code == 200 and not Preference.objects.exists()


def test_the_participant_says_yes_themselves_in_the_words_of_their_page(world, client_for, clock):
    live_in(world.case, "93721", "es")  # the household reads Spanish; this page is in English
    step = step_to_remind(world, THURSDAY)
    answer = client_for(world.participant_user).post(
        reverse("portal:reminder_consent"),
        {"channel": "email", "address": "Maria@Example.org", "agreed": "on"},
    )
    assert answer.status_code == 302
    consent = Consent.objects.get()
    assert (consent.how, consent.channel, consent.address) == (
        "portal",
        "email",
        "maria@example.org",
    )
    assert consent.words.startswith("I agree to get reminders about my plan from Stride by email.")
    assert "on my reminders page" in consent.words
    assert consent.recorded_by == world.participant_user
    assert (
        reminder_of(step).channel == Channel.EMAIL
    )  # the step waiting for a yes gets its reminder


def test_a_yes_needs_the_tick_and_a_real_number(world, client_for, clock):
    client = client_for(world.participant_user)
    unticked = client.post(
        reverse("portal:reminder_consent"), {"channel": "sms", "address": "(559) 555-0101"}
    )
    wrong = client.post(
        reverse("portal:reminder_consent"), {"channel": "sms", "address": "555", "agreed": "on"}
    )
    assert unticked.status_code == wrong.status_code == 200
    assert "Enter a 10-digit US phone number." in wrong.content.decode()
    assert not Consent.objects.exists()


def test_the_participant_stops_reminders_themselves(world, client_for, clock):
    consent = agree(world)
    step = step_to_remind(world, THURSDAY)
    answer = client_for(world.participant_user).post(
        reverse("portal:reminder_stop", kwargs={"uuid": consent.uuid})
    )
    assert answer.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_how == Consent.How.PORTAL and consent.revoked_at is not None
    assert reminder_of(step).status == Message.Status.CANCELLED


def test_nobody_else_uses_the_participants_reminder_page(world, client_for, clock):
    other = actions.give_consent(
        Actor(world.coach), world.other_case, "sms", "(559) 555-0199", Consent.How.IN_PERSON
    )
    participant = client_for(world.participant_user)
    stop = participant.post(reverse("portal:reminder_stop", kwargs={"uuid": other.uuid}))
    assert stop.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
    for user in (world.coach, world.supervisor):
        assert client_for(user).get(reverse("portal:reminders")).status_code == 404


def test_the_coach_sees_and_sets_the_participants_times(world, client_for, clock):
    agree(world)
    step = step_to_remind(world, THURSDAY)
    coach = client_for(world.coach)
    page = coach.get(reverse("reminders:consent", kwargs={"uuid": world.case.uuid}))
    assert "Nobody has chosen yet" in page.content.decode()
    answer = coach.post(
        reverse("reminders:times", kwargs={"uuid": world.case.uuid}),
        {"lead": "day_before", "at": "17:00", "version": "0"},
    )
    assert answer.status_code == 302
    assert reminder_of(step).due_at == datetime(2026, 3, 11, 17, 0, tzinfo=FRESNO)
    page = coach.get(reverse("reminders:consent", kwargs={"uuid": world.case.uuid}))
    assert "Now: The day before, at 5 p.m." in page.content.decode()


def test_a_coach_without_the_case_or_who_only_reads_cannot_set_the_times(world, client_for, clock):
    url = reverse("reminders:times", kwargs={"uuid": world.case.uuid})
    data = {"lead": "two_hours", "at": "10:00", "version": "0"}
    assert client_for(world.coach_same_team).post(url, data).status_code == 404
    assert client_for(world.state_admin).post(url, data).status_code == 403
    assert not Preference.objects.exists()


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:reminders"))
    assert response.status_code == 200
    return len(data_queries(queries))


# Session, user, the participant (with household), the audit event, the times, the
# consents, what is coming, the county's quiet hours, and the session save.
EXPECTED_QUERIES = 9


def test_the_page_makes_the_same_number_of_queries_for_1_or_5_reminders(world, client_for, clock):
    agree(world)
    step_to_remind(world, THURSDAY)
    client = client_for(world.participant_user)
    assert page_queries(client) == EXPECTED_QUERIES
    for day in range(13, 17):
        step_to_remind(world, date(2026, 3, day))
    actions.give_consent(
        Actor(world.coach), world.case, "email", "maria@example.org", Consent.How.IN_PERSON
    )
    assert page_queries(client) == EXPECTED_QUERIES
