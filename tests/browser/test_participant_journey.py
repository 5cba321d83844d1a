"""A participant on a phone: invited by their coach, they set a password, then use their page.

Every page is checked with axe-core and for sideways scrolling at 375px, in English
and Spanish. Set STRIDE_SCREENSHOTS=/some/folder to keep full-page pictures
(me-en.png, me-goal-en.png, invite.png, welcome.png; -es versions of the first two).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from stride.coaching import actions
from stride.coaching.actions import GoalDetails, SessionDetails, StepDetails
from stride.coaching.models import Goal
from stride.core.audit import Actor
from stride.people.demo import DEMO_PASSWORD
from stride.people.models import Participant

from .test_coach_journey import fits_the_screen, screenshot, switch_language

pytestmark = pytest.mark.browser

PHONE = (375, 667)


def give_a_roadmap(case: Participant) -> None:
    """A long-term goal with a goal on the way, steps, and an appointment next week."""
    coach = Actor(case.coach)
    big = actions.set_goal(
        coach,
        case,
        GoalDetails("Become a licensed vocational nurse, with a steady job", "work", term="long"),
    )
    on_the_way = actions.set_goal(
        coach, case, GoalDetails("Finish the CNA course this spring", "learning", parent=big)
    )
    for what in ("Call the adult school about the evening class", "Ask my mom about Tuesdays"):
        actions.add_step(
            coach, on_the_way, StepDetails(what, due_on=timezone.localdate() + timedelta(days=3))
        )
    actions.record_session(
        coach,
        case,
        SessionDetails(
            timezone.now() - timedelta(hours=2), "in_person", 45,
            next_appointment=timezone.now() + timedelta(days=7),
        ),
    )  # fmt: skip


def sign_in_as_participant(page: Page, site: str) -> None:
    page.goto(site + "/login/")
    page.locator("input[name=username]").fill("participant")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/me/$"))


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_participant_uses_their_page_on_a_phone(site, new_page, assert_accessible, language):
    case = Participant.objects.select_related("coach").get(user__username="participant")
    give_a_roadmap(case)
    page = new_page(*PHONE)
    sign_in_as_participant(page, site)
    if language != "en":
        switch_language(page, language)
    expect(page.locator(".stride-road li")).not_to_have_count(0)
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, f"participant page ({language})")
    screenshot(page, f"me-{language}")

    step = "Call the adult school about the evening class"
    done = page.locator("button[name=status][value=done]").filter(has_text=step)
    card = page.locator("li.stride-card").filter(has=done)
    card.locator("input[name=note]").fill("They have room in March")
    done.click()
    expect(page.locator(".usa-alert").first).to_contain_text(step)
    fits_the_screen(page, PHONE[0])

    goal = Goal.objects.get(participant=case, words="Finish the CNA course this spring")
    page.goto(f"{site}/me/goals/{goal.uuid}/")
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, f"participant goal ({language})")
    screenshot(page, f"me-goal-{language}")
    page.locator("textarea[name=words]").fill("Calling was easier than I thought.")
    page.locator("main form.usa-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Calling was easier than I thought.")

    page.goto(site + "/me/ideas/new/")
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, f"draft a goal ({language})")
    page.locator("input[name=life_area][value=money] + label").click()
    page.locator("textarea[name=words]").fill("Save $20 every payday")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator("section[aria-labelledby=ideas-heading]")).to_contain_text(
        "Save $20 every payday"
    )


def test_a_coach_invites_a_participant_who_sets_a_password(
    site, page, new_page, log_in, assert_accessible
):
    case = (
        Participant.objects.filter(coach__username="coach", user__isnull=True)
        .select_related("member")
        .order_by("pk")
        .first()
    )
    log_in(page, "coach")
    page.goto(f"{site}/participants/{case.uuid}/invite/")
    assert_accessible(page, "invite page")
    page.get_by_role("button", name="Make an invitation link").click()
    link = page.locator("#invitation-link").input_value().strip()
    assert link.startswith(site + "/me/welcome/")
    screenshot(page, "invite")

    phone = new_page(*PHONE)
    phone.goto(link)
    expect(phone.locator("h1")).to_contain_text(case.member.first_name)
    fits_the_screen(phone, PHONE[0])
    assert_accessible(phone, "welcome page")
    screenshot(phone, "welcome")
    phone.locator("input[name=new_password1]").fill("my kids love the park")
    phone.locator("input[name=new_password2]").fill("my kids love the park")
    phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/me/$"))
    expect(phone.locator("h1")).to_contain_text(case.member.first_name)

    phone.goto(link)
    expect(phone.locator("h1")).to_have_text("This link does not work anymore")
    assert_accessible(phone, "used welcome link")
