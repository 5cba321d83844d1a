"""County planning in the browser: the county administrator opens a self-assessment round,
rates, settles with a priority area and reads the rounds compared, then writes what success
means and sets a county goal; every page passes axe-core, and the comparison fits a tablet
in Spanish."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .conftest import fits_the_screen, switch_language

pytestmark = pytest.mark.browser


def rate_every_part(page: Page, label: str) -> None:
    for choice in page.locator("main label.usa-radio__label", has_text=label).all():
        choice.click()


def test_a_county_administrator_completes_a_round(new_page, log_in, site, assert_accessible):
    page = new_page()
    log_in(page, "county-admin")
    expect(page.locator('header nav a[href="/county/self-assessment/"]')).to_have_count(1)
    page.goto(site + "/county/self-assessment/")
    assert_accessible(page, "the county's self-assessment rounds")
    page.get_by_role("link", name="Start a round").click()
    page.get_by_label("Name of the round").fill("Winter 2026")
    assert_accessible(page, "a new round")
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator("main h1")).to_have_text("Self-assessment: Winter 2026")
    page.get_by_role("link", name="Rate the program").click()
    rate_every_part(page, "Room to grow: Partway there")
    assert_accessible(page, "the ratings form")
    page.get_by_role("button", name="Send my ratings").click()
    expect(page.locator("main")).to_contain_text("Ratings side by side")
    assert_accessible(page, "the ratings side by side")
    page.get_by_role("link", name="Settle the county's answer").click()
    page.locator("main label", has_text="Administration and staffing").last.click()
    assert_accessible(page, "the settle form")
    page.get_by_role("button", name="Settle the round").click()
    expect(page.locator("main")).to_contain_text(
        "Areas to work on first: Administration and staffing"
    )
    page.goto(site + "/county/self-assessment/")
    expect(page.locator("main svg.stride-bars rect")).to_have_count(5)
    assert_accessible(page, "the rounds compared")
    page.screenshot(path="/tmp/h18b/shots/en1280.png", full_page=True)


def test_the_rounds_compared_in_spanish_on_a_tablet(new_page, log_in, site, assert_accessible):
    page = new_page(width=768, height=1024)
    log_in(page, "county-admin")
    switch_language(page, "es")
    page.goto(site + "/county/self-assessment/")
    expect(page.locator("main h1")).to_contain_text("Autoevaluación")
    fits_the_screen(page, 768)
    assert_accessible(page, "the rounds in Spanish at 768 px")


def test_a_county_administrator_sets_a_county_goal(new_page, log_in, site, assert_accessible):
    page = new_page()
    log_in(page, "county-admin")
    page.goto(site + "/county/goals/")
    assert_accessible(page, "the county's goals")
    page.locator("main a", has_text="Write it").click()
    page.get_by_label("What success looks like for the families you serve").fill(
        "Families in steady work they chose, with a home they can count on"
    )
    assert_accessible(page, "what success means")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Version 1")
    page.get_by_role("link", name="Set a county goal").click()
    page.get_by_label("Measure").select_option("engagement")
    page.get_by_label("Where it stands now (%)").fill("30")
    page.get_by_text("Reach a level").click()
    page.get_by_label("Target (%)").fill("40")
    page.get_by_label("Deadline").fill((timezone.localdate() + timedelta(days=400)).isoformat())
    page.get_by_text("Every three months").click()
    assert_accessible(page, "a new county goal")
    page.get_by_role("button", name="Set the goal").click()
    expect(page.locator("main h1")).to_have_text("County goal: Program engagement")
    expect(page.locator("main")).to_contain_text("From 30.0% to 40.0% by")
    # The live measure month by month: a bar for each month begun, and the same figures in
    # a table; the goal was set this month, so it is too early to tell.
    expect(page.locator("main")).to_contain_text("Too early to tell")
    expect(page.locator("main svg.stride-bars polyline")).to_have_count(1)
    expect(page.locator("main table", has_text="Families counted")).to_have_count(1)
    assert_accessible(page, "a county goal")
    page.get_by_role("link", name="County goals").click()
    page.get_by_role("link", name="Set a goal for a program activity").click()
    page.get_by_text("Job search and job readiness").click()
    page.get_by_label("Measure").select_option("work-rate")
    page.get_by_label("Where it stands now (%)").fill("20")
    page.get_by_text("Improve on the baseline by a percentage").click()
    page.get_by_label("Target (%)").fill("25")
    page.get_by_label("Deadline").fill((timezone.localdate() + timedelta(days=400)).isoformat())
    page.get_by_text("Every six months").click()
    assert_accessible(page, "a goal for a program activity")
    page.get_by_role("button", name="Set the goal").click()
    expect(page.locator("main")).to_contain_text("Job search and job readiness")
    page.get_by_role("link", name="County goals").click()
    expect(page.locator("main")).to_contain_text("4. When the team reviews them")
    page.get_by_role("link", name="Choose the measures").click()
    page.get_by_text("Steps completed").click()
    assert_accessible(page, "the measures of families' progress")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Saved: these are the measures")
    assert_accessible(page, "the county's goals, all five steps")
    page.get_by_role("link", name="The logic model").click()
    page.get_by_role("textbox", name="Initiative").fill("Coaching in every office")
    page.get_by_role("button", name="Add the initiative").click()
    page.get_by_role("textbox", name="Activity").fill("Weekly job club")
    page.get_by_role("textbox", name="Outputs").fill("Four sessions a month")
    page.locator("main label", has_text="Program engagement").click()
    assert_accessible(page, "an initiative")
    page.get_by_role("button", name="Add the activity").click()
    page.get_by_role("link", name="Logic model").click()
    expect(page.locator('main a[href="/measures/engagement/"]')).to_have_count(1)
    assert_accessible(page, "the logic model")
