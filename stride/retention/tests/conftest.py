"""A closed case with records of every kind the measures count, and some they do not."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from stride.assessments import actions as assessments
from stride.assessments.instruments import catalogue
from stride.assessments.scoring import answer_all
from stride.assessments.summary import BRIDGE
from stride.coaching import actions as coaching
from stride.coaching.models import Step
from stride.core.audit import Actor
from stride.participation import actions as participation
from stride.participation.models import Activity, WorkActivity
from stride.people import actions as people
from stride.people.models import Participant
from stride.reminders import actions as reminders
from stride.reminders.models import Channel, Consent


@dataclass
class Closed:
    participant: Participant
    closed_on: date


def fill(world, participant: Participant, activity: Activity) -> None:
    """Records of several kinds for `participant`, made through the real actions today."""
    actor = Actor(world.coach)
    goal = coaching.set_goal(
        actor,
        participant,
        coaching.GoalDetails("Get my GED before summer", "learning", why_it_matters="My kids"),
    )
    step = coaching.add_step(actor, goal, coaching.StepDetails("Call the adult school"))
    coaching.mark_step(actor, step, step.version, Step.Status.DONE, "They called back")
    coaching.add_reflection(actor, goal, "I felt proud after the call")
    coaching.add_obstacle(actor, goal, "pothole", "No bus on Sunday", "Ask my sister")
    coaching.record_session(
        actor,
        participant,
        coaching.SessionDetails(
            timezone.now() - timedelta(hours=2), "phone", 30, notes="Talked about her landlord"
        ),
    )
    participation.add_hours(
        actor,
        participant,
        participation.Hours(activity, timezone.localdate(), Decimal("4"), note="Her sister drove"),
    )
    reminders.give_consent(actor, participant, Channel.SMS, "5595550123", Consent.How.PHONE)
    today = timezone.localdate()
    plan = participation.add_plan(
        actor,
        participant,
        participation.Plan(activity, today - timedelta(days=40), Decimal("20"), (0, 1, 2, 3, 4)),
    )
    participation.end_plan(actor, plan, today, plan.version, "completed")
    instrument = catalogue().latest(BRIDGE)
    for answer in (0, -1):  # a bridge sitting, then a higher one: the bridge measure counts it
        response = assessments.start(actor, participant, instrument, "with_coach")
        answers = answer_all(instrument, lambda item, values, pick=answer: values[pick])
        response = assessments.save_answers(actor, response, answers, response.version)
        assessments.finish(actor, response, response.version)


def close(world, participant: Participant, on: date) -> None:
    participant.refresh_from_db()
    enrollment = participant.current_enrollment
    people.record_exit(
        Actor(world.coach), enrollment, enrollment.version, exited_on=on, reason="employment"
    )


@pytest.fixture
def activity(world) -> Activity:
    return participation.add_activity(
        Actor(world.county_admin),
        world.county,
        participation.ActivityDetails("Adult school", WorkActivity.VOCATIONAL_TRAINING),
    )


@pytest.fixture
def closed(world, activity) -> Closed:
    """`world.case`, full of records, closed today."""
    fill(world, world.case, activity)
    today = timezone.localdate()
    close(world, world.case, today)
    return Closed(world.case, today)
