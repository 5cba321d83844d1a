"""A coach's and a supervisor's day in the browser: Today's lists, the full lists, the
sessions with their notes, and the goal's step buttons, with axe-core on each page."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from stride.coaching import actions
from stride.coaching.actions import GoalDetails, SessionDetails, StepDetails
from stride.core.audit import Actor

from .conftest import a_new_family

pytestmark = pytest.mark.browser


def a_family_with_a_late_step_and_a_session(last_name: str):
    family = a_new_family("coach", last_name)
    coach = Actor(get_user_model().objects.get(username="coach"))
    goal = actions.set_goal(coach, family, GoalDetails("Get my forklift licence", "work"))
    late = actions.add_step(
        coach, goal, StepDetails("Book the test", due_on=timezone.localdate() - timedelta(days=2))
    )
    held = timezone.now() - timedelta(days=20)
    notes = "Found a class on Saturdays.\nWants to bring her sister."
    actions.record_session(coach, family, SessionDetails(held, "phone", 25, notes=notes))
    return family, goal, late


def test_a_supervisor_sees_the_teams_day(new_page, log_in, site, assert_accessible):
    family, _, late = a_family_with_a_late_step_and_a_session("Quintero")
    page = new_page()
    log_in(page, "supervisor")
    page.goto(site + "/today/")
    row = page.locator("#steps-heading ~ div tr", has=page.locator(f'a[href$="#step-{late.uuid}"]'))
    expect(row).to_contain_text("Overdue")
    expect(row).to_contain_text(family.member.full_name)
    expect(page.locator("main")).not_to_contain_text("Everyone has been in touch recently.")
    assert_accessible(page, "a supervisor's Today")
    page.goto(site + "/today/steps/")
    expect(page.locator("main h1")).to_contain_text("Steps due")
    assert_accessible(page, "all steps due")


def test_a_coach_reads_and_edits_a_sessions_notes(new_page, log_in, site, assert_accessible):
    family, goal, _ = a_family_with_a_late_step_and_a_session("Ferreira")
    page = new_page()
    log_in(page, "coach")
    page.goto(f"{site}/participants/{family.uuid}/goals/")
    expect(page.locator("#sessions-heading ~ ol")).to_contain_text("Found a class on Saturdays.")
    page.get_by_role("link", name="All sessions").click()
    assert_accessible(page, "the sessions page")
    page.locator("main a", has_text="Edit the notes").first.click()
    assert_accessible(page, "the notes form")
    page.locator("textarea[name=notes]").fill("Enrolled in the Saturday class.")
    page.get_by_role("button", name="Save the notes").click()
    expect(page.locator("main")).to_contain_text("Enrolled in the Saturday class.")
    expect(page.locator(".usa-alert--success")).to_contain_text("Notes saved.")


def test_a_done_step_is_reopened_with_a_quiet_link(new_page, log_in, site, assert_accessible):
    _, goal, late = a_family_with_a_late_step_and_a_session("Lindqvist")
    page = new_page()
    log_in(page, "coach")
    page.goto(f"{site}/goals/{goal.uuid}/")
    step = page.locator(f"#step-{late.uuid}")
    step.locator("button[value=done]").click()
    step = page.locator(f"#step-{late.uuid}")
    expect(step.locator("button[value=done]")).to_have_count(0)
    expect(step.locator("button[value=not_done]")).to_have_count(0)
    assert_accessible(page, "a goal with a done step")
    step.locator("button[value=planned]").click()
    expect(page.locator(f"#step-{late.uuid} button[value=done]")).to_be_visible()
