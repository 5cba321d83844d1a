"""A county's desk reference in the browser: the county administrator writes a short guide for
the planning stage and publishes it, and a coach finds it on a goal's page, where the work
is. axe-core checks each page."""

import pytest
from playwright.sync_api import expect

from stride.coaching import actions as coaching
from stride.core.audit import Actor

from .conftest import a_new_family

pytestmark = pytest.mark.browser

TITLE = "When childcare falls through"


def test_a_guide_written_for_planning_is_found_on_a_goal_page(
    new_page, log_in, site, assert_accessible
):
    family = a_new_family("coach", "Quintero")
    goal = coaching.set_goal(
        Actor(family.coach), family, coaching.GoalDetails("Finish my CNA course", "learning")
    )

    admin = new_page()
    log_in(admin, "county-admin")
    admin.locator("header").get_by_role("link", name="Guides").click()
    admin.get_by_role("link", name="Write a guide").click()
    assert_accessible(admin, "writing a guide")
    admin.get_by_label("Title in English").fill(TITLE)
    admin.get_by_label("Guide in English").fill(
        "Ask who could step in for a day.\n\n- A neighbour\n- **The backup** the family wrote"
    )
    for box in ("input[name=stages][value=plan]", "input[name=published]"):
        # USWDS draws the box on the label, which takes the click.
        admin.locator(f'label[for="{admin.locator(box).get_attribute("id")}"]').click()
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator("main h1")).to_have_text(TITLE)
    expect(admin.locator("main strong")).to_have_text("The backup")
    assert_accessible(admin, "a guide")

    coach = new_page()
    log_in(coach, "coach")
    coach.goto(f"{site}/goals/{goal.uuid}/")
    panel = coach.locator("aside.stride-guides")
    expect(panel).to_contain_text("Guides for this")
    panel.get_by_role("link", name=TITLE).click()
    expect(coach.locator("main")).to_contain_text("Ask who could step in for a day.")
    assert_accessible(coach, "a guide, as a coach reads it")
