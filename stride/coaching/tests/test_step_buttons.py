"""On a goal, Done reads as a step forward (never the red of deleting) and a done step is not asked again."""

import re

import pytest
from django.urls import reverse

from stride.coaching import actions
from stride.coaching.actions import GoalDetails, StepDetails
from stride.coaching.models import Step
from stride.core.audit import Actor

pytestmark = pytest.mark.django_db


def a_plan(world):
    coach = Actor(world.coach)
    goal = actions.set_goal(coach, world.case, GoalDetails("Finish my GED", "learning"))
    done = actions.add_step(coach, goal, StepDetails("Call the adult school"))
    actions.mark_step(coach, done, done.version, Step.Status.DONE, "Called on Monday")
    to_do = actions.add_step(coach, goal, StepDetails("Sign up for the class"))
    return goal, done, to_do


def step_item(world, client_for, goal, step):
    """The HTML of one step's list item on the goal page."""
    page = client_for(world.coach).get(reverse("coaching:goal", args=[goal.uuid])).content.decode()
    return page.split(f'id="step-{step.uuid}"')[1].split("</li>")[0]


def status_buttons(html: str) -> dict[str, str]:
    """Each status button's value and its classes."""
    return dict(
        (value, classes)
        for classes, value in re.findall(
            r'<button class="([^"]*)" type="submit" name="status" value="(\w+)"', html
        )
    )


def test_the_done_button_is_not_red(world, client_for):
    goal, _, to_do = a_plan(world)
    buttons = status_buttons(step_item(world, client_for, goal, to_do))
    assert buttons["done"] == "usa-button"  # the primary style, not usa-button--secondary


def test_a_done_step_offers_only_a_quiet_way_to_reopen_it(world, client_for):
    goal, done, _ = a_plan(world)
    buttons = status_buttons(step_item(world, client_for, goal, done))
    assert buttons == {"planned": "usa-button usa-button--unstyled"}


def test_reopening_a_done_step_puts_it_back_to_do_and_keeps_its_note(world, client_for):
    goal, done, _ = a_plan(world)
    item = step_item(world, client_for, goal, done)
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', item))
    client_for(world.coach).post(
        reverse("coaching:step_mark", args=[done.uuid]), data | {"status": "planned"}
    )
    done.refresh_from_db()
    assert done.status == Step.Status.PLANNED and done.outcome_note == "Called on Monday"


def test_an_outsider_cannot_reopen_a_step(world, client_for):
    goal, done, _ = a_plan(world)
    response = client_for(world.other_county_coach).post(
        reverse("coaching:step_mark", args=[done.uuid]),
        {"version": done.version + 1, "status": "planned", "note": ""},
    )
    done.refresh_from_db()
    assert response.status_code == 404 and done.status == Step.Status.DONE
