"""A coach's day in the browser, in English and Spanish, with axe-core on every page.

Coaches land on Today after signing in and reach their caseload through the
header navigation.

Set STRIDE_SCREENSHOTS=/some/folder to keep full-page pictures of the caseload
and the profile (caseload.png, profile.png, and -es versions).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from stride.people.models import Participant

from .conftest import a_case_of, fits_the_screen, go_by_header_nav, switch_language, translated

pytestmark = pytest.mark.browser


def screenshot(page: Page, name: str) -> None:
    """Save a full-page picture for a person to look at, when STRIDE_SCREENSHOTS names a folder."""
    folder = os.environ.get("STRIDE_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def search_caseload(page: Page, text: str) -> None:
    search = page.get_by_role("search")
    search.locator("input[name=q]").fill(text)
    search.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/caseload/\?.*q="))


def caseload_rows(page: Page) -> Locator:
    """Rows of the caseload table (a supervisor also sees a table of their coaches above it)."""
    return page.locator("table#caseload tbody tr")


def check_today(page: Page, language: str) -> None:
    """A coach's home page after signing in."""
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(translated(language, "Today"))
    expect(page.locator('header nav.usa-nav a[href="/today/"]')).to_have_attribute(
        "aria-current", "page"
    )


def open_profile(page: Page, case: Participant) -> None:
    name = f"{case.member.last_name}, {case.member.first_name}"
    rows = caseload_rows(page)
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name=name).click()
    expect(page).to_have_url(re.compile(rf"/participants/{case.uuid}/$"))
    expect(page.locator("h1")).to_have_text(case.member.full_name)


def check_profile(page: Page, case: Participant) -> None:
    household = page.locator("section[aria-labelledby=household-heading]")
    expect(household.locator("h2")).to_be_visible()
    expect(household.locator("table tbody tr")).to_have_count(case.household.member_count)
    expect(household.locator("table tbody")).to_contain_text(case.member.full_name)
    history = page.locator("section[aria-labelledby=history-heading]")
    expect(history.locator("h2")).to_be_visible()
    expect(history.locator("table tbody tr").first).to_be_visible()
    expect(history.locator("table tbody")).to_contain_text(case.coach.get_full_name())


@pytest.mark.parametrize("language", ["en", "es"])
def test_coach_finds_and_opens_a_participant(site, page, log_in, assert_accessible, language):
    case = a_case_of("coach")

    page.goto(site + "/login/")
    if language != "en":
        switch_language(page, language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page, f"login ({language})")

    log_in(page, "coach")
    check_today(page, language)
    assert_accessible(page, f"today ({language})")

    go_by_header_nav(page, "/caseload/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(caseload_rows(page).first).to_be_visible()
    assert_accessible(page, f"caseload ({language})")
    screenshot(page, "caseload" if language == "en" else f"caseload-{language}")

    search_caseload(page, case.member.last_name)
    assert_accessible(page, f"caseload search results ({language})")

    open_profile(page, case)
    expect(page.locator("html")).to_have_attribute("lang", language)
    check_profile(page, case)
    assert_accessible(page, f"participant profile ({language})")
    screenshot(page, "profile" if language == "en" else f"profile-{language}")


def test_caseload_and_profile_on_a_phone(site, new_page, log_in, assert_accessible):
    case = a_case_of("coach")
    page = new_page(375, 667)
    log_in(page, "coach")
    check_today(page, "en")
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    fits_the_screen(page, 375)
    assert_accessible(page, "today (375x667)")

    go_by_header_nav(page, "/caseload/")
    expect(caseload_rows(page).first).to_be_visible()
    fits_the_screen(page, 375)
    assert_accessible(page, "caseload (375x667)")

    search_caseload(page, case.member.last_name)
    open_profile(page, case)
    check_profile(page, case)
    fits_the_screen(page, 375)
    assert_accessible(page, "participant profile (375x667)")


def test_supervisor_sees_who_viewed_a_record(site, page, log_in, assert_accessible):
    case = a_case_of("coach")
    log_in(page, "supervisor")
    search_caseload(page, case.member.last_name)
    open_profile(page, case)

    page.get_by_role("link", name="Who has seen this record").click()
    expect(page).to_have_url(re.compile(rf"/participants/{case.uuid}/audit/$"))
    expect(page.locator("h1")).to_have_text("Who has seen this record")
    views = (
        page.locator("main table tbody tr").filter(has_text="supervisor").filter(has_text="Viewed")
    )
    # The profile, and this page itself: reading who saw the record is a view of it too.
    expect(views).to_have_count(2)
    expect(views.first).to_contain_text("Participant")
    assert_accessible(page, "participant audit")
