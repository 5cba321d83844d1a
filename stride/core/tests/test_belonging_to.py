"""access.belonging_to: the records of participants already read through the access module."""

import pytest

from stride.coaching import actions
from stride.coaching.actions import GoalDetails, StepDetails
from stride.coaching.models import Step
from stride.core import access
from stride.core.audit import Actor
from stride.core.models import Organisation
from stride.people.models import Household, Member, Participant


def test_the_path_follows_access_via_to_the_participant():
    assert access.path_to_participant(Participant) == ""
    assert access.path_to_participant(Step) == "goal__participant"
    assert access.path_to_participant(Member) == "household__participants"
    with pytest.raises(TypeError):
        access.path_to_participant(Organisation)


def test_records_of_one_participant_a_caseload_or_a_list(world):
    mine = actions.set_goal(Actor(world.coach), world.case, GoalDetails("Mine", "work"))
    theirs = actions.set_goal(
        Actor(world.other_county_coach), world.other_case, GoalDetails("Theirs", "work")
    )
    step = actions.add_step(Actor(world.coach), mine, StepDetails("Call"))
    actions.add_step(Actor(world.other_county_coach), theirs, StepDetails("Write"))
    caseload = access.working_caseload(Participant.objects.all(), world.coach)
    assert list(access.belonging_to(Step.objects.all(), world.case)) == [step]
    assert list(access.belonging_to(Step.objects.all(), caseload)) == [step]
    assert list(access.belonging_to(Step.objects.all(), [world.case])) == [step]
    assert list(access.belonging_to(Participant.objects.all(), caseload)) == [world.case]
    assert list(access.belonging_to(Household.objects.all(), world.case)) == [world.case.household]
