"""A double click on "Save" while the answer is slow sends the form once and makes one step.

The server is made slow (adding a step waits 1.5 s in the live server's thread). While
a page is navigating, Playwright cannot read it, so the page reports on itself: a
listener added for the test logs, just after each submit, whether the form's buttons
are disabled. "Save and add another" must still send its name, and a page the browser
shows again from its memory (Back) has working buttons. The server's own refusal of a
repeated form is tested in core/tests/test_double_submit.py. The people and the goal
come from the test world, not the demo.
"""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import Page, Request, expect

from conftest import World
from stride.coaching import actions as coaching
from stride.coaching.models import Goal, Step
from stride.core.audit import Actor

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"  # conftest.make_user
FORM = "main form.usa-form"
SAVE = f"{FORM} button[type=submit]:not([name])"
ANOTHER = f"{FORM} button[type=submit][name=another]"
REPORT_BUTTONS = """() => document.addEventListener("submit", (event) => {
  const buttons = [...event.target.querySelectorAll("button[type=submit]")];
  setTimeout(() => console.log("buttons disabled: " + buttons.map((b) => b.disabled)), 100);
})"""


@pytest.fixture
def goal(transactional_db, world: World) -> Goal:
    return coaching.set_goal(
        Actor(world.coach), world.case, coaching.GoalDetails("Finish my GED", "learning")
    )


@pytest.fixture
def slow_steps(monkeypatch):
    """Adding a step takes 1.5 s, as on a slow connection."""
    add_step = coaching.add_step

    def slowly(*args, **kwargs):
        time.sleep(1.5)
        return add_step(*args, **kwargs)

    monkeypatch.setattr(coaching, "add_step", slowly)


def sign_in(page: Page, site: str, username: str) -> None:
    page.goto(site + reverse("core:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/today/$"))


def watch(page: Page) -> tuple[list[Request], list[str]]:
    """The POSTs the page sends, and what it logs (its own reports and any CSP refusal)."""
    posts: list[Request] = []
    logged: list[str] = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.on("console", lambda message: logged.append(message.text))
    return posts, logged


def press(page: Page, selector: str, *, twice: bool = False) -> None:
    """Click with the mouse: a locator's click would wait for the slow page to arrive."""
    button = page.locator(selector)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    if twice:
        page.mouse.dblclick(x, y)
    else:
        page.mouse.click(x, y)


def open_step_form(page: Page, site: str, goal: Goal, what: str) -> str:
    url = site + reverse("coaching:step_new", args=[goal.uuid])
    page.goto(url)
    page.locator("[name=what]").fill(what)
    page.evaluate(REPORT_BUTTONS)
    return url


def test_a_double_click_on_a_slow_save_sends_once_and_makes_one_step(
    live_server, world, goal, page, slow_steps
):
    posts, logged = watch(page)
    sign_in(page, live_server.url, "coach")
    open_step_form(page, live_server.url, goal, "Call the adult school")
    posts.clear()

    press(page, SAVE, twice=True)
    expect(page).to_have_url(re.compile(re.escape(reverse("coaching:goal", args=[goal.uuid]))))

    assert len(posts) == 1
    reports = [line for line in logged if line.startswith("buttons disabled")]
    assert reports and all(line == "buttons disabled: true,true" for line in reports)
    assert list(Step.objects.filter(goal=goal).values_list("what", flat=True)) == [
        "Call the adult school"
    ]
    assert not [line for line in logged if "Content Security Policy" in line]


def test_save_and_add_another_still_sends_which_button_was_pressed(
    live_server, world, goal, page, slow_steps
):
    posts, logged = watch(page)
    sign_in(page, live_server.url, "coach")
    url = open_step_form(page, live_server.url, goal, "Ask about evening classes")
    posts.clear()

    press(page, ANOTHER, twice=True)
    expect(page.locator(".usa-alert")).to_contain_text("Step added to the plan.")

    assert len(posts) == 1 and "another=" in (posts[0].post_data or "")
    assert "buttons disabled: true,true" in logged
    expect(page).to_have_url(url)  # a fresh form for the next step
    expect(page.locator(SAVE)).to_be_enabled()
    assert Step.objects.filter(goal=goal).count() == 1


def test_a_page_shown_again_from_the_browsers_memory_has_working_buttons(
    live_server, world, goal, page
):
    sign_in(page, live_server.url, "coach")
    open_step_form(page, live_server.url, goal, "Visit the school")
    # Sent, but kept from leaving the page: the buttons wait as while sending.
    page.evaluate("() => document.addEventListener('submit', (event) => event.preventDefault())")
    press(page, SAVE)
    expect(page.locator(SAVE)).to_be_disabled()
    expect(page.locator(ANOTHER)).to_be_disabled()

    # What the browser fires when Back shows the page from its memory.
    page.evaluate(
        "() => window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"
    )
    expect(page.locator(SAVE)).to_be_enabled()
    expect(page.locator(ANOTHER)).to_be_enabled()

    # And for real: saved, then Back.
    page.reload()
    page.locator("[name=what]").fill("Visit the school")
    page.locator(SAVE).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("coaching:goal", args=[goal.uuid]))))
    page.go_back()
    expect(page.locator(SAVE)).to_be_enabled()
    assert Step.objects.filter(goal=goal).count() == 1
