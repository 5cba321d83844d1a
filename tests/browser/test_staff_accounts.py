"""A new coach's account in the browser: the system administrator makes it without a
password, its owner chooses one from the emailed link, and the county administrator
confirms it before it opens any case. Then a forgotten password, from the sign-in page.
axe-core checks each page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from stride.core.models import Organisation, Role, User
from stride.people.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

CHOSEN = "my-own-secret-words-7"


def sign_in_as(page: Page, site: str, username: str, password: str) -> None:
    page.goto(site + "/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()


def the_link_in_the_last_email(site: str) -> str:
    return re.search(re.escape(site) + r"/password/\S+/", mail.outbox[-1].body).group(0)


def test_a_new_coach_chooses_a_password_and_waits_for_the_county(
    new_page, log_in, site, assert_accessible
):
    county_admin = User.objects.get(username="county-admin")
    team = Organisation.objects.filter(
        kind=Organisation.Kind.TEAM, path__startswith=county_admin.organisation.path
    ).first()

    sysadmin = new_page()
    sign_in_as(sysadmin, site, "sysadmin", DEMO_PASSWORD)
    sysadmin.goto(site + "/accounts/new/")
    assert_accessible(sysadmin, "adding a staff account")
    expect(sysadmin.locator("input[type=password]")).to_have_count(0)
    sysadmin.locator("input[name=username]").fill("lupe-garcia")
    sysadmin.locator("input[name=first_name]").fill("Lupe")
    sysadmin.locator("input[name=last_name]").fill("Garcia")
    sysadmin.locator("input[name=email]").fill("lupe@example.org")
    sysadmin.locator("select[name=role]").select_option(Role.COACH.value)
    sysadmin.locator("select[name=organisation]").select_option(str(team.pk))
    sysadmin.get_by_role("button", name="Add account").click()
    expect(sysadmin.locator("main")).to_contain_text("lupe@example.org")
    expect(sysadmin.locator("main")).not_to_contain_text("/password/")

    owner = new_page()
    owner.goto(the_link_in_the_last_email(site))
    assert_accessible(owner, "choosing a password")
    owner.locator("input[name=new_password1]").fill(CHOSEN)
    owner.locator("input[name=new_password2]").fill(CHOSEN)
    owner.get_by_role("button", name="Save my password").click()
    expect(owner.locator("main")).to_contain_text("once an administrator confirms")
    sign_in_as(owner, site, "lupe-garcia", CHOSEN)
    expect(owner).to_have_url(re.compile(r"/login/$"))

    admin = new_page()
    log_in(admin, "county-admin")
    admin.get_by_role("link", name="Accounts to confirm").click()
    assert_accessible(admin, "accounts to confirm")
    admin.get_by_role("button", name="Confirm lupe-garcia").click()
    expect(admin.locator("main")).to_contain_text("lupe-garcia is confirmed")
    expect(admin.locator("main table").last).to_contain_text("awaiting_confirmation")

    sign_in_as(owner, site, "lupe-garcia", CHOSEN)
    expect(owner).to_have_url(re.compile(r"/today/$"))


def test_a_forgotten_password_is_chosen_again_from_the_emailed_link(
    new_page, site, assert_accessible
):
    User.objects.filter(username="coach").update(email="coach@example.org")
    page = new_page()
    page.goto(site + "/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    assert_accessible(page, "forgot your password")
    page.locator("input[name=name]").fill("coach")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.locator("main h1")).to_have_text("Check your email")
    assert_accessible(page, "check your email")

    page.goto(the_link_in_the_last_email(site))
    page.locator("input[name=new_password1]").fill(CHOSEN)
    page.locator("input[name=new_password2]").fill(CHOSEN)
    page.get_by_role("button", name="Save my password").click()
    sign_in_as(page, site, "coach", CHOSEN)
    expect(page).to_have_url(re.compile(r"/today/$"))
