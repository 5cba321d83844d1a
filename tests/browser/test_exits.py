"""Exits in the browser: a coach records a family's exit from its profile, and the county
administrator makes the quarter's federal exiters file and finds it ready to download; each
page passes axe-core."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from stride.core.audit import Actor
from stride.people import actions as people
from stride.people import exiters
from stride.people.models import Enrollment

from .conftest import a_new_family

pytestmark = pytest.mark.browser


def run_queued() -> None:
    """What a task worker would do with the files waiting to be made."""
    for queued in DBTaskResult.objects.filter(status="READY"):
        queued.status = "SUCCESSFUL"
        queued.save(update_fields=["status"])
        exiters.make_exiters_file.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])


def test_an_exit_recorded_by_the_coach_goes_into_the_countys_exiters_file(
    new_page, log_in, site, assert_accessible
):
    family = a_new_family("coach", "Quintanilla")
    coach = get_user_model().objects.get(username="coach")
    quarter = exiters.ended_quarters(timezone.localdate())[0]
    enrollment = Enrollment.objects.get(pk=family.current_enrollment_id)
    people.update_enrollment(
        Actor(coach), enrollment, enrollment.version, aid_start=quarter.first_day
    )
    member = family.member
    details = people.PersonDetails(
        member.first_name, member.last_name, member.birth_date, member.relationship, "457-55-1234"
    )
    people.update_member(Actor(coach), member, member.version, details)
    left_on = quarter.last_day - timedelta(days=3)

    page = new_page()
    log_in(page, "coach")
    page.goto(site + family.get_absolute_url())
    page.get_by_role("link", name="Record an exit from CalWORKs Welfare-to-Work").click()
    expect(page.locator("main h1")).to_contain_text("Record an exit for Jordan Quintanilla")
    page.get_by_label("Exit date").fill(left_on.isoformat())
    page.get_by_role("button", name="Record the exit").click()  # no reason chosen yet
    expect(page.locator("main")).to_contain_text("This field is required.")
    assert_accessible(page, "the exit form with a refusal")
    page.locator("main label.usa-radio__label", has_text="Went to work or earns more").click()
    page.get_by_role("button", name="Record the exit").click()
    expect(page.locator("main")).to_contain_text("The exit is recorded.")
    expect(page.locator("main")).to_contain_text("Went to work or earns more")
    assert_accessible(page, "the profile with an exit")

    admin = new_page()
    log_in(admin, "county-admin")
    admin.goto(site + "/reports/exiters/")
    expect(admin.locator("main h1")).to_contain_text("Federal exiters file for")
    assert_accessible(admin, "the exiters file's quarter")
    admin.get_by_role("button", name="Make the file").click()
    expect(admin.locator("main")).to_contain_text("Making the file.")
    run_queued()
    expect(admin.locator("main")).to_contain_text("in the file.", timeout=15_000)  # polled
    expect(
        admin.get_by_role("link", name="Download the file for the TANF Data Portal")
    ).to_be_visible()
    assert_accessible(admin, "a made exiters file")
