"""Building what reminder tests need through the real action functions."""

from datetime import date

from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails, StepDetails
from stride.coaching.models import Step
from stride.core.audit import Actor
from stride.people.models import Household, Participant
from stride.reminders import actions
from stride.reminders.models import Channel, Consent, Message

PHONE = "+15595550101"


def agree(world, channel: str = Channel.SMS, address: str = "(559) 555-0101", case=None) -> Consent:
    return actions.give_consent(
        Actor(world.coach), case or world.case, channel, address, Consent.How.IN_PERSON
    )


def live_in(case: Participant, zip_code: str, language: str = "en") -> None:
    Household.objects.filter(pk=case.household_id).update(zip_code=zip_code, language=language)
    case.household.refresh_from_db()


def step_to_remind(world, due_on: date, what: str = "Call the adult school", case=None) -> Step:
    goal = coaching.set_goal(
        Actor(world.coach), case or world.case, GoalDetails("Finish my GED", "learning")
    )
    return coaching.add_step(
        Actor(world.coach), goal, StepDetails(what, due_on=due_on, wants_reminder=True)
    )


def reminder_of(step: Step) -> Message:
    return Message.objects.get(about=Message.About.STEP, about_id=step.uuid)
