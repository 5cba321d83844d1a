"""A supervisor's team view in the browser: a coach's families due a contact are one click
away, and both pages pass axe-core in English and Spanish."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from .conftest import a_new_family, fits_the_screen, go_by_header_nav, switch_language

pytestmark = pytest.mark.browser


def test_a_supervisor_opens_a_coachs_overdue_families(new_page, log_in, site, assert_accessible):
    family = a_new_family("coach", "Valdivia")  # never contacted: due a contact
    coach = get_user_model().objects.get(username="coach")
    page = new_page()
    log_in(page, "supervisor")
    page.goto(site + "/")
    page.get_by_role("link", name="My team").click()
    expect(page.locator("main h1")).to_have_text("My team")
    assert_accessible(page, "a supervisor's team")
    row = page.locator(
        "main tbody tr", has=page.get_by_role("rowheader", name=coach.get_full_name())
    )
    row.locator(f'a[href$="/team/{coach.uuid}/overdue/"]').click()
    expect(page.locator("main h1")).to_contain_text("Families due a contact")
    expect(page.locator("main")).to_contain_text(family.member.full_name)
    assert_accessible(page, "a coach's families due a contact")


def test_the_team_view_in_spanish_on_a_tablet(new_page, log_in, site, assert_accessible):
    a_new_family("coach", "Ibarra")
    page = new_page(width=768, height=1024)
    log_in(page, "supervisor")
    switch_language(page, "es")
    go_by_header_nav(page, "/team/")
    expect(page.locator("main h1")).to_have_text("Mi equipo")
    expect(page.locator("main")).to_contain_text("Los últimos doce meses del equipo")
    fits_the_screen(page, 768)
    assert_accessible(page, "the team view in Spanish at 768 px")


def test_a_county_administrator_reads_a_measure_by_team(new_page, log_in, site, assert_accessible):
    page = new_page()
    log_in(page, "county-admin")
    page.goto(site + "/measures/")
    expect(page.locator("main h1")).to_have_text("Measures")
    assert_accessible(page, "every measure")
    page.get_by_role("link", name="Program engagement").click()
    expect(page.locator("main h1")).to_have_text("Program engagement")
    page.get_by_label("By", exact=True).select_option("county")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"by=county"))
    expect(page.locator("main table").last).to_be_visible()
    assert_accessible(page, "one measure by county")
