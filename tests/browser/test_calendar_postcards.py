"""Calendar and postcards in the browser, with axe-core on each page.

A coach records that a family would like postcards and makes their private calendar link;
a phone's calendar reads the link without signing in; the office prints the week's
postcards. Then the participant, on a phone, finds their calendar page and makes a new
link, and the old one stops at once.
"""

import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails, StepDetails
from stride.core.audit import Actor
from stride.core.models import User
from stride.people.models import Household, Participant
from stride.reminders.models import Channel, Message

from .conftest import a_new_family, fits_the_screen
from .test_participant_journey import PHONE, sign_in_as_participant
from .test_reminders import tick

pytestmark = pytest.mark.browser


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url) as answer:  # noqa: S310  (the live test server)
            assert answer.headers["Content-Type"].startswith("text/calendar")
            assert answer.read().startswith(b"BEGIN:VCALENDAR\r\n")
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return refused.code


def test_a_coach_sets_up_postcards_and_a_calendar_link_and_prints_the_week(
    site, page: Page, log_in, assert_accessible
):
    family = a_new_family("coach", "Calendario", "Rosa")
    Household.objects.filter(pk=family.household_id).update(
        language="es", zip_code="93721", address_line="88 Olive Ave"
    )
    log_in(page, "coach")
    page.goto(f"{site}/participants/{family.uuid}/calendar/")
    assert_accessible(page, "the coach's calendar and postcards page")
    tick(page, "input[name=how][value=phone]")
    page.get_by_role("button", name="They would like postcards").click()
    expect(page.locator("main")).to_contain_text("88 Olive Ave, Fresno 93721")

    page.get_by_role("button", name="Make a calendar link").click()
    link = page.locator("#feed-url").input_value()
    assert_accessible(page, "the new calendar link")
    assert status_of(link) == 200  # no sign-in: the secret opens it

    coach = User.objects.get(username="coach")
    goal = coaching.set_goal(Actor(coach), family, GoalDetails("Terminar el GED", "learning"))
    coaching.add_step(
        Actor(coach),
        goal,
        StepDetails(
            "Llamar a la escuela de adultos",
            due_on=timezone.localdate() + timedelta(days=8),
            wants_reminder=True,
        ),
    )
    card = Message.objects.get(participant=family, channel=Channel.POSTCARD)
    week = timezone.localtime(card.due_at).date()
    page.goto(f"{site}/reminders/postcards/?week={week.isoformat()}")
    assert_accessible(page, "the postcards to print")
    office = page.locator("main section", has_text=family.county.name)
    with page.expect_download() as download:
        office.get_by_role("button", name="Print and mark them printed").click()
    assert download.value.suggested_filename.startswith("postcards-")
    card.refresh_from_db()
    assert card.status == Message.Status.SENT


def test_a_participant_makes_a_new_calendar_link_on_their_phone(site, new_page, assert_accessible):
    page = new_page(*PHONE)
    sign_in_as_participant(page, site)
    page.get_by_role("link", name="My calendar and postcards").click()
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, "my calendar and postcards")
    page.locator("main form button[type=submit]").first.click()
    first = page.locator("#feed-url").input_value()
    page.get_by_role("button", name="Make a new link (the old one stops working)").click()
    second = page.locator("#feed-url").input_value()
    assert first != second
    assert (status_of(first), status_of(second)) == (404, 200)
    me = Participant.objects.get(user__username="participant")
    assert me.calendar_feed.made_by.username == "participant"
