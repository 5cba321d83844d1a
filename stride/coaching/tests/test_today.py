from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import data_queries, open_case
from stride.coaching import actions
from stride.coaching.actions import GoalDetails, ReviewDetails, SessionDetails, StepDetails
from stride.coaching.models import Review, Step
from stride.coaching.today import today_for
from stride.core.audit import Actor

pytestmark = pytest.mark.django_db


def a_step(world, due_in_days: int, case=None, coach=None):
    coach = Actor(coach or world.coach)
    goal = actions.set_goal(coach, case or world.case, GoalDetails("Finish my GED", "learning"))
    due = timezone.localdate() + timedelta(days=due_in_days)
    return actions.add_step(coach, goal, StepDetails("Call the adult school", due_on=due))


def test_a_coach_lands_on_today(world, client_for):
    response = client_for(world.coach).get(reverse("core:home"))
    assert response["Location"] == reverse("coaching:today")


def test_todays_appointments_are_listed_and_tomorrows_are_not(world):
    held = timezone.now() - timedelta(days=7)
    later_today = timezone.localtime().replace(hour=23, minute=30)
    actions.record_session(Actor(world.coach), world.case,
                           SessionDetails(held, "phone", 20, next_appointment=later_today))  # fmt: skip
    assert [s.participant for s in today_for(world.coach, timezone.now()).appointments] == [
        world.case
    ]
    tomorrow = timezone.now() + timedelta(days=1)
    assert today_for(world.coach, tomorrow).appointments == []


def test_steps_due_soon_on_open_goals_are_listed(world):
    due = a_step(world, 1)
    a_step(world, 10)  # not yet
    done = a_step(world, -1)
    actions.mark_step(Actor(world.coach), done, 1, Step.Status.DONE)
    reached = a_step(world, 0)
    actions.record_review(
        Actor(world.coach), reached.goal, ReviewDetails("Did it", Review.Decision.ACHIEVED)
    )
    theirs = a_step(world, 0, case=world.other_case, coach=world.other_county_coach)

    today = today_for(world.coach, timezone.now())
    assert today.due_steps == [due] and today.due_steps_total == 1
    assert today_for(world.other_county_coach, timezone.now()).due_steps == [theirs]


def test_a_check_in_is_due_after_the_countys_interval(world):
    assert today_for(world.coach, timezone.now()).quiet == [world.case]  # no contact yet
    ten_days_ago = timezone.now() - timedelta(days=10)
    actions.record_session(
        Actor(world.coach), world.case, SessionDetails(ten_days_ago, "phone", 20)
    )
    assert today_for(world.coach, timezone.now()).quiet == []
    world.county.contact_gap_days = 7
    world.county.save()
    assert today_for(world.coach, timezone.now()).quiet == [world.case]


def test_what_a_participant_changed_shows_until_the_next_contact(world):
    step = a_step(world, 3)
    actions.mark_step(Actor(world.participant_user), step, 1, Step.Status.DONE, "Called!")
    changes = today_for(world.coach, timezone.now()).changes
    assert [(c.participant, c.event.record_type) for c in changes] == [(world.case, "Step")]
    actions.record_session(
        Actor(world.coach), world.case, SessionDetails(timezone.now(), "phone", 15)
    )
    assert today_for(world.coach, timezone.now()).changes == []
    # Another coach never sees it.
    assert today_for(world.coach_same_team, timezone.now()).changes == []


def test_today_makes_the_same_number_of_queries_for_a_bigger_caseload(world, client_for):
    client = client_for(world.coach)
    made = []

    def grow(count: int) -> int:
        for number in range(len(made), len(made) + count):
            made.append(number)
            case = open_case(world.coach, f"FR10{number:05d}", world.county, world.program,
                             world.coach, first_name=f"Ana{number}", last_name="Ruiz")  # fmt: skip
            step = a_step(world, 0, case=case)
            actions.mark_step(Actor(world.participant_user), step, 1, Step.Status.NOT_DONE)
            held = timezone.now() - timedelta(days=40)
            soon = timezone.localtime().replace(hour=23, minute=50)
            actions.record_session(Actor(world.coach), case,
                                   SessionDetails(held, "video", 30, next_appointment=soon))  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("coaching:today")).status_code == 200
        return len(data_queries(captured))

    counts = (grow(1), grow(6))
    assert counts[0] == counts[1], counts
    # session, user, session save; appointments; steps due and their count; the
    # counties' intervals, overdue check-ins and their count; participants'
    # changes and who made them; participation: the caseload, its months on aid, and hours
    # waiting to be checked; the cliff watch's flags (one query, whatever their number).
    assert counts[0] == 15
