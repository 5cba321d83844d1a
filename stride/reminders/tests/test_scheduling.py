"""Appointments and review dates get reminders the way steps do, at the participant's times."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails, ReviewDetails, SessionDetails
from stride.coaching.models import Review
from stride.core.audit import Actor
from stride.core.edits import StaleEdit
from stride.core.models import AuditEvent
from stride.reminders import actions, scheduling
from stride.reminders.models import Channel, Consent, CountySettings, Message, Preference

from .helpers import agree, live_in, reminder_of, step_to_remind

FRESNO = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=FRESNO)
THURSDAY = date(2026, 3, 12)
Lead = Preference.Lead


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def meet(world, next_appointment: datetime | None, held_at: datetime | None = None):
    held = held_at or MONDAY - timedelta(hours=1)
    return coaching.record_session(
        Actor(world.coach),
        world.case,
        SessionDetails(held, "in_person", 45, next_appointment=next_appointment),
    )


def waiting(about: str) -> list[Message]:
    return list(Message.objects.filter(about=about, status=Message.Status.QUEUED))


def goal_to_review(world, target_date: date | None, words: str = "Find a job I like"):
    return coaching.set_goal(
        Actor(world.coach), world.case, GoalDetails(words, "work", target_date=target_date)
    )


# Appointments


def test_a_sessions_next_appointment_queues_its_reminder_the_morning_before(world, clock):
    agree(world)
    session = meet(world, datetime(2026, 3, 12, 14, 0, tzinfo=FRESNO))
    [message] = waiting(Message.About.APPOINTMENT)
    assert message.about_id == session.uuid
    assert message.due_at == datetime(2026, 3, 11, 10, 0, tzinfo=FRESNO)
    assert "appointment" in message.body and "Thursday, March 12" in message.body
    assert "2 p.m." in message.body


def test_the_appointment_reminder_is_in_the_households_language_and_clock(world, clock):
    live_in(world.case, "10001", "es")  # New York, in Spanish
    agree(world)
    meet(world, datetime(2026, 3, 12, 14, 0, tzinfo=FRESNO))  # 5 pm in New York
    [message] = waiting(Message.About.APPOINTMENT)
    assert "cita" in message.body and "17:00" in message.body and "jueves" in message.body.lower()
    assert message.due_at == datetime(2026, 3, 11, 10, 0, tzinfo=NEW_YORK)


def test_a_new_appointment_moves_the_reminder_and_never_two_wait(world, clock):
    agree(world)
    meet(world, datetime(2026, 3, 12, 14, 0, tzinfo=FRESNO))
    [first] = waiting(Message.About.APPOINTMENT)
    later = meet(world, datetime(2026, 3, 19, 9, 0, tzinfo=FRESNO), held_at=MONDAY)
    [moved] = waiting(Message.About.APPOINTMENT)
    assert moved.pk == first.pk and moved.about_id == later.uuid
    assert moved.due_at == datetime(2026, 3, 18, 10, 0, tzinfo=FRESNO)
    assert AuditEvent.objects.filter(record_id=moved.uuid, action="change").exists()


def test_a_phone_call_without_a_new_appointment_keeps_the_one_ahead(world, clock):
    agree(world)
    meet(world, datetime(2026, 3, 12, 14, 0, tzinfo=FRESNO))
    meet(world, None, held_at=MONDAY)
    [message] = waiting(Message.About.APPOINTMENT)
    assert message.due_at == datetime(2026, 3, 11, 10, 0, tzinfo=FRESNO)


def test_an_appointment_taken_away_cancels_its_reminder(world, clock):
    agree(world)
    session = meet(world, datetime(2026, 3, 12, 14, 0, tzinfo=FRESNO))
    [message] = waiting(Message.About.APPOINTMENT)
    session.delete()
    message.refresh_from_db()
    assert message.status == Message.Status.CANCELLED


def test_an_appointment_reminder_is_rolled_back_with_its_session(world, clock):
    agree(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        meet(world, datetime(2026, 3, 12, 14, 0, tzinfo=FRESNO))
        raise RuntimeError("the request failed after the session was saved")
    assert not Message.objects.filter(about=Message.About.APPOINTMENT).exists()


def test_without_consent_an_appointment_queues_nothing_until_they_agree(world, clock):
    meet(world, datetime(2026, 3, 12, 14, 0, tzinfo=FRESNO))
    assert not Message.objects.exists()
    agree(world)
    assert len(waiting(Message.About.APPOINTMENT)) == 1


# A goal's review date


def test_a_goals_review_date_queues_a_reminder_and_a_new_date_moves_it(world, clock):
    agree(world)
    goal = goal_to_review(world, THURSDAY)
    [message] = waiting(Message.About.REVIEW)
    assert message.about_id == goal.uuid
    assert message.due_at == datetime(2026, 3, 11, 10, 0, tzinfo=FRESNO)
    assert "Find a job I like" in message.body and "Thursday, March 12" in message.body
    details = GoalDetails("Find a job I like", "work", target_date=date(2026, 4, 2))
    coaching.update_goal(Actor(world.coach), goal, goal.version, details)
    [moved] = waiting(Message.About.REVIEW)
    assert moved.pk == message.pk
    assert moved.due_at == datetime(2026, 4, 1, 10, 0, tzinfo=FRESNO)


def test_a_goal_reached_or_without_a_date_has_no_review_reminder(world, clock):
    agree(world)
    goal_to_review(world, None, "Get my license")
    assert not waiting(Message.About.REVIEW)
    goal = goal_to_review(world, THURSDAY)
    coaching.record_review(
        Actor(world.coach), goal, ReviewDetails("It went well", Review.Decision.ACHIEVED)
    )
    message = Message.objects.get(about=Message.About.REVIEW)
    assert message.status == Message.Status.CANCELLED


def test_a_long_goal_is_shortened_in_its_text(world, clock):
    agree(world)
    goal_to_review(world, THURSDAY, "Save enough " + "money " * 30 + "for a car")
    [message] = waiting(Message.About.REVIEW)
    assert "…" in message.body and "for a car" not in message.body


# The participant's times


def test_the_same_morning_at_their_time(world, clock):
    agree(world)
    actions.set_preference(Actor(world.participant_user), world.case, Lead.SAME_MORNING, time(7), 0)
    step = step_to_remind(world, THURSDAY)
    assert reminder_of(step).due_at == datetime(2026, 3, 12, 8, 0, tzinfo=FRESNO)  # quiet until 8
    actions.set_preference(Actor(world.participant_user), world.case, Lead.SAME_MORNING, time(9), 1)
    assert reminder_of(step).due_at == datetime(2026, 3, 12, 9, 0, tzinfo=FRESNO)


def test_two_hours_before_an_appointment_and_that_morning_for_a_step(world, clock):
    agree(world)
    actions.set_preference(Actor(world.coach), world.case, Lead.TWO_HOURS, time(9), 0)
    meet(world, datetime(2026, 3, 12, 14, 0, tzinfo=FRESNO))
    step = step_to_remind(world, THURSDAY)
    [message] = waiting(Message.About.APPOINTMENT)
    assert message.due_at == datetime(2026, 3, 12, 12, 0, tzinfo=FRESNO)
    assert reminder_of(step).due_at == datetime(2026, 3, 12, 9, 0, tzinfo=FRESNO)


def test_an_early_appointment_whose_reminder_falls_in_quiet_hours_gets_it_the_evening_before(
    world, clock
):
    agree(world)
    actions.set_preference(Actor(world.coach), world.case, Lead.TWO_HOURS, time(9), 0)
    meet(world, datetime(2026, 3, 12, 8, 0, tzinfo=FRESNO))  # two hours before is 6 am
    [message] = waiting(Message.About.APPOINTMENT)
    assert message.due_at == datetime(2026, 3, 11, 20, 30, tzinfo=FRESNO)
    meet(world, datetime(2026, 3, 12, 9, 0, tzinfo=FRESNO), held_at=MONDAY)
    [message] = waiting(Message.About.APPOINTMENT)
    assert message.due_at == datetime(2026, 3, 12, 8, 0, tzinfo=FRESNO)  # when quiet hours end


def test_a_countys_own_quiet_hours_win_over_the_chosen_time(world, clock):
    CountySettings.objects.create(county=world.county, quiet_from=time(20), quiet_until=time(9))
    agree(world)
    actions.set_preference(Actor(world.coach), world.case, Lead.DAY_BEFORE, time(8), 0)
    step = step_to_remind(world, THURSDAY)
    assert reminder_of(step).due_at == datetime(2026, 3, 11, 9, 0, tzinfo=FRESNO)


def test_new_times_move_every_waiting_reminder_in_one_go(world, clock):
    agree(world)
    step = step_to_remind(world, THURSDAY)
    goal_to_review(world, date(2026, 3, 13))
    meet(world, datetime(2026, 3, 16, 15, 0, tzinfo=FRESNO))
    preference = actions.set_preference(
        Actor(world.participant_user), world.case, Lead.DAY_BEFORE, time(18), 0
    )
    assert reminder_of(step).due_at == datetime(2026, 3, 11, 18, 0, tzinfo=FRESNO)
    [review] = waiting(Message.About.REVIEW)
    assert review.due_at == datetime(2026, 3, 12, 18, 0, tzinfo=FRESNO)
    [appointment] = waiting(Message.About.APPOINTMENT)
    assert appointment.due_at == datetime(2026, 3, 15, 18, 0, tzinfo=FRESNO)
    event = AuditEvent.objects.get(record_id=preference.uuid)
    assert event.changes == {"lead": [None, "day_before"], "check_in_every": [None, 0]}


def test_times_changed_by_someone_else_meanwhile_are_not_overwritten(world, clock):
    actions.set_preference(Actor(world.coach), world.case, Lead.TWO_HOURS, time(9), 0)
    with pytest.raises(StaleEdit):
        actions.set_preference(
            Actor(world.participant_user), world.case, Lead.SAME_MORNING, time(9), 0
        )
    assert Preference.objects.get().lead == Lead.TWO_HOURS


def test_the_day_before_keeps_the_households_wall_clock_across_the_change_to_summer_time(world):
    with time_machine.travel(datetime(2026, 3, 6, 12, 0, tzinfo=FRESNO), tick=False):  # PST
        agree(world)
        meet(
            world,
            datetime(2026, 3, 9, 9, 0, tzinfo=FRESNO),
            held_at=datetime(2026, 3, 6, 11, 0, tzinfo=FRESNO),
        )
        [message] = waiting(Message.About.APPOINTMENT)
    # Sunday March 8 is the first day of summer time: ten in the morning is 17:00 UTC.
    assert message.due_at == datetime(2026, 3, 8, 17, 0, tzinfo=ZoneInfo("UTC"))


def test_two_hours_before_counts_real_hours_on_the_night_the_clocks_go_back():
    fall_back = datetime(2026, 11, 1, 9, 0, tzinfo=FRESNO)  # PST, the clocks went back at 2
    due = scheduling.due_time(
        fall_back.date(),
        fall_back,
        scheduling.Timing(Lead.TWO_HOURS, time(10)),
        FRESNO,
        datetime(2026, 10, 30, tzinfo=FRESNO),
        time(0, 0),
        time(0, 0),
    )
    assert due == fall_back - timedelta(hours=2)
    assert due.astimezone(FRESNO).hour == 7


def test_the_same_morning_never_comes_after_an_appointment_starts():
    appointment = datetime(2026, 3, 12, 9, 30, tzinfo=FRESNO)
    due = scheduling.due_time(
        appointment.date(),
        appointment,
        scheduling.Timing(Lead.SAME_MORNING, time(11)),
        FRESNO,
        MONDAY,
    )
    assert due == datetime(2026, 3, 12, 8, 0, tzinfo=FRESNO)  # 7:30 is quiet; 8 is still before


def test_a_reminder_written_in_quiet_hours_is_placed_at_their_end(world):
    live_in(world.case, "10001")
    with time_machine.travel(datetime(2026, 3, 9, 22, 15, tzinfo=NEW_YORK), tick=False):
        agree(world)
        step = step_to_remind(world, date(2026, 3, 10))
    assert reminder_of(step).due_at == datetime(2026, 3, 10, 8, 0, tzinfo=NEW_YORK)


def test_stopping_texts_moves_waiting_reminders_to_email_when_they_agreed_to_it(world, clock):
    agree(world, Channel.EMAIL, "maria@example.org")
    texts = agree(world)
    step = step_to_remind(world, THURSDAY)
    assert reminder_of(step).channel == Channel.SMS
    actions.withdraw_consent(Actor(world.coach), texts, Consent.How.IN_PERSON)
    [by_email] = waiting(Message.About.STEP)
    assert (by_email.channel, by_email.address) == (Channel.EMAIL, "maria@example.org")
    assert Message.objects.filter(channel=Channel.SMS, status=Message.Status.CANCELLED).exists()


def test_a_stop_texted_back_keeps_email_reminders_going(world, clock):
    agree(world, Channel.EMAIL, "maria@example.org")
    agree(world)
    goal_to_review(world, THURSDAY)
    actions.stop_texts(Actor(None, None, "text"), "+15595550101")
    [by_email] = waiting(Message.About.REVIEW)
    assert by_email.channel == Channel.EMAIL
