"""Goals and steps for the participant's pages, made through the coaching actions."""

import pytest

from stride.coaching import actions
from stride.coaching.actions import GoalDetails, StepDetails
from stride.coaching.models import Goal
from stride.core.audit import Actor


def a_goal_with_steps(world, words: str, steps: int = 3, **details) -> Goal:
    coach = Actor(world.coach)
    goal = actions.set_goal(coach, world.case, GoalDetails(words, "learning", **details))
    for number in range(1, steps + 1):
        actions.add_step(coach, goal, StepDetails(f"{words}: step {number}"))
    return goal


@pytest.fixture
def me(world, client_for):
    """The participant, signed in."""
    return client_for(world.participant_user)
