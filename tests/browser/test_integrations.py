"""A county administrator connects the state's eligibility system: adds an integration account,
makes it a token shown once, sees it open the API for the county, and revokes it. axe-core
checks each page."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def api_status(page: Page, site: str, token: str) -> int:
    answer = page.request.get(
        site + "/api/v1/participants/", headers={"Authorization": f"Token {token}"}
    )
    return answer.status


def test_a_county_administrator_connects_a_system_and_disconnects_it(
    page, log_in, site, assert_accessible
):
    log_in(page, "county-admin")
    page.locator("header").get_by_role("link", name="Integration accounts").click()
    assert_accessible(page, "integration accounts")
    page.get_by_role("link", name="Add an integration account").click()
    assert_accessible(page, "adding an integration account")
    page.get_by_label("Name").fill("State eligibility feed")
    page.get_by_label("Who looks after it (email)").fill("it@example.gov")
    page.get_by_role("button", name="Add the account").click()

    expect(page.locator("main h1")).to_have_text("State eligibility feed")
    expect(page.locator("main")).to_contain_text("Make it a token")
    page.get_by_label("Lasts").select_option("30")
    page.get_by_role("button", name="Make a token").click()
    token = page.get_by_test_id("new-token").inner_text()
    assert_accessible(page, "an integration account with its new token")
    assert api_status(page, site, token) == 200

    page.reload()
    expect(page.get_by_test_id("new-token")).to_have_count(0)  # shown once
    page.get_by_role("button", name="Revoke the token starting").click()
    expect(page.locator("main")).to_contain_text("no longer opens the API")
    assert api_status(page, site, token) == 401
