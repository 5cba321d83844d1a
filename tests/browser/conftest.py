"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, a live
server with the demo data in it, and an axe-core check that fails on serious or
critical accessibility problems.

Playwright's sync API runs an event loop in the test thread, so while the
browser is up Django's async-unsafe guard is told that the ORM calls made by
the tests (and the demo build) are fine: see the chromium fixture.
"""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone, translation
from playwright.sync_api import Browser, Page, expect, sync_playwright

from stride.core.audit import Actor
from stride.core.models import User
from stride.people import actions as people
from stride.people.demo import DEMO_PASSWORD, build_demo
from stride.people.filters import search_participants
from stride.people.models import Household, Member, Participant, Program

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def chromium() -> Browser:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    # The sync API keeps an event loop in this thread, which trips Django's
    # async-unsafe guard on every ORM call made by the tests while it is alive.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def demo(transactional_db):
    """The demo agency with 40 households, built fresh for each test."""
    return build_demo(40, progress=lambda line: None)


@pytest.fixture
def site(live_server, demo) -> str:
    """The live server's address, once the demo data is in its database."""
    return live_server.url


@pytest.fixture
def new_page(chromium: Browser):
    """Open a fresh browser context (no cookies) with a page of the given size."""
    contexts = []

    def make(width: int = 1280, height: int = 900) -> Page:
        context = chromium.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    target: {node['target']}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.fixture
def assert_accessible(axe: Axe):
    """Run axe-core on the page; fail on any serious or critical violation."""

    def check(page: Page, where: str) -> None:
        result = axe.run(page)
        blocking = [
            violation
            for violation in result.response["violations"]
            if violation.get("impact") in BLOCKING_IMPACTS
        ]
        if blocking:
            report = format_violations(blocking)
            print(f"\naxe found serious or critical problems on {where} ({page.url}):\n{report}")
            pytest.fail(f"axe: {len(blocking)} serious/critical rule(s) fail on {where}:\n{report}")

    return check


@pytest.fixture
def log_in(site: str):
    """Sign in through the real login form (axes and all) and land on the home page.

    Coaches land on Today (/today/); supervisors and administrators on the caseloads.
    """

    def sign_in(page: Page, username: str) -> None:
        if not page.url.startswith(site + "/login/"):
            page.goto(site + "/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/(today|caseload)/$"))

    return sign_in


# Helpers shared by the browser tests.


def translated(language: str, message: str) -> str:
    """The message as the live server shows it in this language (same process, same catalogue)."""
    with translation.override(language):
        return translation.gettext(message)


def a_case_of(username: str) -> Participant:
    """A participant on this coach's caseload whom a search for their last name finds alone.

    The search matches names by substring across every caseload a supervisor
    sees, so the name is checked against all participants, not only this coach's.
    """
    everyone = Participant.objects.all()
    cases = (
        Participant.objects.filter(coach__username=username)
        .select_related("member", "household", "coach")
        .order_by("member__last_name", "pk")
    )
    return next(
        case for case in cases if search_participants(everyone, case.member.last_name).count() == 1
    )


def a_new_family(username: str, last_name: str, first_name: str = "Jordan") -> Participant:
    """A family opened today on this coach's caseload, named so that a search finds it alone.

    Tests that need a family in a particular state make it, instead of hoping
    that the demo built on today's date holds one.
    """
    coach = User.objects.select_related("organisation").get(username=username)
    assert coach.organisation is not None
    county = coach.organisation.county()
    assert county is not None
    today = timezone.localdate()
    number = Household.objects.count() + 1
    return people.open_case(
        Actor(coach),
        case_number=f"TEST{number:06d}",
        county=county,
        person=people.PersonDetails(
            first_name, last_name, today.replace(year=today.year - 31, day=1),
            Member.Relationship.HEAD,
        ),
        program=Program.objects.get(code="calworks-wtw"),
        aid_start=today.replace(day=1),
        coach=coach,
        city="Fresno",
    )  # fmt: skip


def switch_language(page: Page, code: str) -> None:
    page.locator(f".stride-langbar button[name=language][value={code}]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def go_by_header_nav(page: Page, href: str) -> None:
    """Follow the header navigation's link to `href`, opening the menu first on a small screen."""
    link = page.locator(f'header nav.usa-nav a[href="{href}"]')
    menu = page.locator("header button.usa-menu-btn")
    if menu.is_visible():
        menu.click()
        expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.locator(f'header nav.usa-nav a[href="{href}"]')).to_have_attribute(
        "aria-current", "page"
    )


def fits_the_screen(page: Page, width: int) -> None:
    """Nothing pushes the page (or a table in it) wider than the screen."""
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, f"the page is {page_width}px wide on a {width}px screen"
    overflowing = page.evaluate(
        """[...document.querySelectorAll('.stride-table-wrap')]
            .filter((wrap) => wrap.scrollWidth > wrap.clientWidth)
            .map((wrap) => wrap.parentElement.getAttribute('aria-labelledby') || wrap.className)"""
    )
    assert overflowing == [], f"tables that scroll sideways at {width}px: {overflowing}"
