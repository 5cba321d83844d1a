"""The coaching cycle's writes: what they save, what they refuse, what they audit."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from stride.coaching import actions
from stride.coaching.actions import GoalDetails, ReviewDetails, SessionDetails, StepDetails
from stride.coaching.models import Goal, GoalStatusChange, Review, Step
from stride.core.audit import Actor
from stride.core.edits import StaleEdit
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach(world) -> Actor:
    return Actor(world.coach, "127.0.0.1")


@pytest.fixture
def goal(world, coach) -> Goal:
    return actions.set_goal(coach, world.case, GoalDetails("Finish my GED this spring", "learning"))


def test_setting_a_goal_starts_its_status_history_and_audits_field_names_only(world, goal):
    assert goal.status == Goal.Status.ACTIVE
    assert list(goal.status_changes.values_list("status", flat=True)) == ["active"]
    event = AuditEvent.objects.get(record_id=goal.uuid)
    assert event.action == "create" and event.participant == world.case.uuid
    assert "words" in event.fields
    assert "GED" not in str(event.fields)


def test_steps_are_numbered_in_the_order_they_are_added(coach, goal):
    first = actions.add_step(coach, goal, StepDetails("Call the adult school"))
    second = actions.add_step(coach, goal, StepDetails("Ask about the evening class"))
    assert (first.position, second.position) == (0, 1)


def test_moving_a_step_up_swaps_it_with_the_one_above(coach, goal):
    first = actions.add_step(coach, goal, StepDetails("One"))
    second = actions.add_step(coach, goal, StepDetails("Two"))
    actions.move_step(coach, second, -1)
    assert list(goal.steps.values_list("what", flat=True)) == ["Two", "One"]
    actions.move_step(coach, Step.objects.get(pk=first.pk), 1)  # already last: nothing moves
    assert list(goal.steps.values_list("what", flat=True)) == ["Two", "One"]


def test_marking_a_step_that_someone_else_just_marked_is_refused(world, coach, goal):
    step = actions.add_step(coach, goal, StepDetails("Call the adult school"))
    participant = Actor(world.participant_user, "10.0.0.9")
    actions.mark_step(participant, step, step.version, Step.Status.DONE, "They called me back")
    with pytest.raises(StaleEdit) as refused:
        actions.mark_step(coach, step, step.version, Step.Status.NOT_DONE)
    assert refused.value.current_version == 2
    step.refresh_from_db()
    assert (step.status, step.outcome_note) == (Step.Status.DONE, "They called me back")
    assert step.status_on == timezone.localdate()


def test_a_review_that_reaches_the_goal_records_it_as_achieved(coach, goal):
    actions.record_review(
        coach, goal, ReviewDetails("I passed two tests", Review.Decision.ACHIEVED)
    )
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED and goal.version == 2
    statuses = GoalStatusChange.objects.filter(goal=goal).values_list("status", flat=True)
    assert list(statuses) == ["active", "achieved"]


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        (Review.Decision.KEEP_GOING, Goal.Status.ACTIVE),
        (Review.Decision.REVISE_PLAN, Goal.Status.ACTIVE),
        (Review.Decision.CHANGE_GOAL, Goal.Status.REVISED),
        (Review.Decision.NEW_GOAL, Goal.Status.REPLACED),
        (Review.Decision.SET_ASIDE, Goal.Status.SET_ASIDE),
    ],
)
def test_each_review_decision_leaves_the_goal_in_its_status(coach, goal, decision, status):
    actions.record_review(coach, goal, ReviewDetails("We talked it through", decision))
    goal.refresh_from_db()
    assert goal.status == status
    assert goal.status_changes.count() == (1 if status == Goal.Status.ACTIVE else 2)


def test_a_progress_goal_must_lead_to_a_long_term_goal_of_the_same_participant(world, coach, goal):
    with pytest.raises(ValidationError) as refused:
        actions.set_goal(
            coach, world.case, GoalDetails("Sign up for the class", "learning", parent=goal)
        )
    assert "parent" in refused.value.error_dict
    other = actions.set_goal(
        Actor(world.other_county_coach),
        world.other_case,
        GoalDetails("Become a nurse", "work", term=Goal.Term.LONG),
    )
    with pytest.raises(ValidationError):
        actions.set_goal(coach, world.case, GoalDetails("Take the test", "work", parent=other))
    assert Goal.objects.filter(participant=world.case).count() == 1


def test_a_session_moves_last_contact_forward_never_back(world, coach):
    now = timezone.now()
    actions.record_session(coach, world.case, SessionDetails(now - timedelta(days=1), "phone", 20))
    actions.record_session(coach, world.case, SessionDetails(now - timedelta(days=9), "video", 45))
    world.case.refresh_from_db()
    assert world.case.last_contact_at == now - timedelta(days=1)
    assert world.case.coaching_sessions.count() == 2


def test_a_session_cannot_be_in_the_future_or_end_after_its_next_appointment(world, coach):
    later = timezone.now() + timedelta(hours=2)
    with pytest.raises(ValidationError) as refused:
        actions.record_session(coach, world.case, SessionDetails(later, "phone", 20))
    assert "held_at" in refused.value.error_dict
    held = timezone.now() - timedelta(hours=1)
    with pytest.raises(ValidationError) as refused:
        actions.record_session(
            coach, world.case, SessionDetails(held, "phone", 20, next_appointment=held)
        )
    assert "next_appointment" in refused.value.error_dict
    world.case.refresh_from_db()
    assert world.case.last_contact_at is None


def test_an_obstacle_for_a_step_of_another_goal_is_refused(world, coach, goal):
    other_goal = actions.set_goal(coach, world.case, GoalDetails("Save $200 by March", "money"))
    step = actions.add_step(coach, other_goal, StepDetails("Open a savings account"))
    with pytest.raises(ValidationError):
        actions.add_obstacle(coach, goal, "internal", "I forget", "Phone alarm", step=step)
    assert not goal.obstacles.exists()


def test_dates_in_details_are_saved_as_given(world, coach):
    target = date.today() + timedelta(days=60)
    goal = actions.set_goal(
        coach, world.case, GoalDetails("Pass the CNA exam", "work", target_date=target)
    )
    goal.refresh_from_db()
    assert goal.target_date == target


def test_picking_an_idea_makes_it_a_goal_once(world, coach):
    idea = actions.add_idea(coach, world.case, "work", "Work with animals")
    goal = actions.set_goal_from_idea(
        coach, idea, GoalDetails("Apply at the animal shelter by May", "work")
    )
    idea.refresh_from_db()
    assert idea.goal == goal
    with pytest.raises(ValidationError):
        actions.set_goal_from_idea(coach, idea, GoalDetails("Again", "work"))
    assert Goal.objects.filter(participant=world.case).count() == 1


def test_a_reflection_is_audited_without_its_words(world, goal):
    reflection = actions.add_reflection(
        Actor(world.participant_user), goal, "Calling was easier than I thought"
    )
    event = AuditEvent.objects.get(record_id=reflection.uuid)
    assert event.actor == world.participant_user and event.fields == ["words"]


def test_a_session_names_its_stages_in_the_cycles_order(world, coach):
    held = timezone.now() - timedelta(hours=1)
    session = actions.record_session(
        coach, world.case, SessionDetails(held, "phone", 20, stages=["review", "goal"])
    )
    assert session.stage_names() == ["Goal", "Review and revise"]
