"""Status changes in the coaching cycle keep their old and new value in the audit trail."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from stride.coaching import actions
from stride.coaching.actions import GoalDetails, ReviewDetails, SessionDetails, StepDetails
from stride.coaching.models import Goal, Review, Step
from stride.core.audit import Actor
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)


@pytest.fixture
def coach(world) -> Actor:
    return Actor(world.coach, "127.0.0.1")


@pytest.fixture
def goal(world, coach) -> Goal:
    return actions.set_goal(coach, world.case, GoalDetails("Finish my GED this spring", "learning"))


def changes_of(record, action="change"):
    return AuditEvent.objects.get(record_id=record.uuid, action=action).changes


def test_marking_a_step_done_keeps_planned_and_done_but_not_the_note(coach, goal):
    step = actions.add_step(coach, goal, StepDetails("Call the adult school"))
    actions.mark_step(coach, step, step.version, Step.Status.DONE, note="Talked to Ms Ruiz")
    event = AuditEvent.objects.get(record_id=step.uuid, action="change")
    assert event.changes == {"status": ["planned", "done"]}
    assert "Ruiz" not in str(event.changes) and "outcome_note" in event.fields


def test_a_review_keeps_its_decision_and_the_goal_its_old_and_new_status(coach, goal):
    review = actions.record_review(
        coach, goal, ReviewDetails("Passed all four tests", Review.Decision.ACHIEVED)
    )
    assert changes_of(review, "create") == {"decision": [None, "achieved"]}
    assert changes_of(goal) == {"status": ["active", "achieved"]}
    assert "Passed" not in str(AuditEvent.objects.values_list("changes", flat=True))


def test_a_new_goal_and_step_keep_the_status_they_start_with(coach, goal):
    step = actions.add_step(coach, goal, StepDetails("Call the adult school"))
    assert changes_of(goal, "create") == {"status": [None, "active"]}
    assert changes_of(step, "create") == {"status": [None, "planned"]}


def test_deciding_an_incentive_keeps_pending_and_the_decision_never_the_amount(world, coach):
    achievement = actions.recognise(
        coach, world.case, "First week of class", incentive_amount=Decimal("25.00")
    )
    actions.decide_incentive(Actor(world.supervisor), achievement, approve=False)
    assert changes_of(achievement, "create") == {"incentive": [None, "pending"]}
    assert changes_of(achievement) == {"incentive": ["pending", "declined"]}
    assert "25" not in str(AuditEvent.objects.values_list("changes", flat=True))


def test_a_session_keeps_how_it_was_held_not_its_notes(world, coach):
    with time_machine.travel(NOON, tick=False):
        session = actions.record_session(
            coach,
            world.case,
            SessionDetails(held_at=NOON, mode="phone", minutes=20, notes="Spoke about rent"),
        )
    assert changes_of(session, "create") == {"mode": [None, "phone"]}
    assert "rent" not in str(AuditEvent.objects.values_list("changes", flat=True))
