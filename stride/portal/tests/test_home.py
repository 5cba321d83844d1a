"""The participant's own page: goals, next steps, appointment, roadmap and drafts, in a fixed
number of queries, and only for the participant."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import data_queries
from stride.coaching import actions
from stride.coaching.actions import GoalDetails, ReviewDetails, SessionDetails, StepDetails
from stride.coaching.models import Goal, GoalIdea
from stride.core.audit import Actor
from stride.core.models import AuditEvent

from .conftest import a_goal_with_steps

pytestmark = pytest.mark.django_db


def test_the_page_shows_open_goals_with_progress_and_the_next_step(world, me):
    goal = a_goal_with_steps(world, "Finish my GED")
    first = goal.steps.get(position=0)
    actions.mark_step(Actor(world.coach), first, first.version, "done")
    response = me.get(reverse("portal:home"))
    [summary] = response.context["goals"]
    assert (summary.done, summary.total, summary.next_step.what) == (1, 3, "Finish my GED: step 2")
    page = response.content.decode()
    assert "1 of 3 steps done" in page and "Next step: Finish my GED: step 2" in page
    assert [step.what for step in response.context["next_steps"]] == [
        "Finish my GED: step 2",
        "Finish my GED: step 3",
    ]


def test_next_steps_come_soonest_first_across_goals(world, me):
    coach = Actor(world.coach)
    today = timezone.localdate()
    ged = actions.set_goal(coach, world.case, GoalDetails("GED", "learning"))
    job = actions.set_goal(coach, world.case, GoalDetails("Job", "work"))
    actions.add_step(coach, ged, StepDetails("Later", due_on=today + timedelta(days=9)))
    actions.add_step(coach, job, StepDetails("Sooner", due_on=today + timedelta(days=2)))
    actions.add_step(coach, job, StepDetails("Some day"))
    steps = me.get(reverse("portal:home")).context["next_steps"]
    assert [step.what for step in steps] == ["Sooner", "Later", "Some day"]


def test_the_next_appointment_comes_from_the_latest_session(world, me):
    coming = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    actions.record_session(
        Actor(world.coach),
        world.case,
        SessionDetails(timezone.now() - timedelta(hours=1), "phone", 20, next_appointment=coming),
    )
    assert me.get(reverse("portal:home")).context["appointment"] == coming


def test_a_past_appointment_is_not_shown(world, me):
    actions.record_session(
        Actor(world.coach),
        world.case,
        SessionDetails(
            timezone.now() - timedelta(days=3), "phone", 20,
            next_appointment=timezone.now() - timedelta(days=1),
        ),
    )  # fmt: skip
    response = me.get(reverse("portal:home"))
    assert response.context["appointment"] is None
    assert "No appointment planned yet" in response.content.decode()


def test_the_roadmap_draws_stops_in_order_and_reads_as_a_list(world, me):
    coach = Actor(world.coach)
    big = actions.set_goal(
        coach, world.case, GoalDetails("Become a nurse", "work", term=Goal.Term.LONG)
    )
    ged = actions.set_goal(coach, world.case, GoalDetails("Finish my GED", "learning", parent=big))
    actions.set_goal(coach, world.case, GoalDetails("Take the CNA class", "learning", parent=big))
    actions.record_review(coach, ged, ReviewDetails("Passed!", "achieved"))
    response = me.get(reverse("portal:home"))
    [road] = response.context["roadmaps"]
    assert road.destination == big
    assert [(stop.goal.words, stop.state) for stop in road.stops] == [
        ("Finish my GED", "reached"),
        ("Take the CNA class", "current"),
    ]
    page = response.content.decode()
    assert '<ol class="stride-road" aria-label="Stops on the way to: Become a nurse">' in page
    assert "1 of 2 stops reached on the way" in page
    assert "You have reached 1 goal so far" in page


def test_the_participants_drafts_are_listed(world, me):
    actions.add_idea(
        Actor(world.participant_user), world.case, "money", "Save $50 a month",
        source=GoalIdea.Source.PARTICIPANT,
    )  # fmt: skip
    actions.add_idea(Actor(world.coach), world.case, "home", "A storming idea")
    page = me.get(reverse("portal:home")).content.decode()
    assert "Save $50 a month" in page and "A storming idea" not in page


def test_each_visit_is_an_audit_event(world, me):
    me.get(reverse("portal:home"))
    event = AuditEvent.objects.get(action="view", participant=world.case.uuid)
    assert event.actor == world.participant_user


@pytest.mark.parametrize("name", ["coach", "supervisor", "state_admin", "sysadmin"])
def test_staff_get_a_404(world, client_for, name):
    response = client_for(getattr(world, name)).get(reverse("portal:home"))
    assert response.status_code == 404


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return len(data_queries(queries))


# Session, user, the participant (with household, coach and program), the audit
# event, goals, steps, the next appointment, drafts, family, check-ins waiting, and the
# session save.
EXPECTED_QUERIES = 11


def test_the_page_makes_the_same_number_of_queries_for_1_or_5_goals(world, me):
    coach = Actor(world.coach)
    big = actions.set_goal(coach, world.case, GoalDetails("Big", "work", term=Goal.Term.LONG))
    actions.record_session(
        coach,
        world.case,
        SessionDetails(
            timezone.now() - timedelta(hours=1), "phone", 20,
            next_appointment=timezone.now() + timedelta(days=3),
        ),
    )  # fmt: skip
    actions.add_idea(
        Actor(world.participant_user), world.case, "money", "Save",
        source=GoalIdea.Source.PARTICIPANT,
    )  # fmt: skip
    a_goal_with_steps(world, "Goal 1", parent=big)
    one = home_queries(me)
    for number in range(2, 6):
        a_goal_with_steps(world, f"Goal {number}", steps=4, parent=big)
    five = home_queries(me)
    assert len(me.get(reverse("portal:home")).context["next_steps"]) == 19
    assert one == five == EXPECTED_QUERIES, (one, five)
