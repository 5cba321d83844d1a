"""Page layout at a laptop's 1280 px: the header fits every role, and two-column pages show
their two columns (checked by where the boxes fall, not by class names)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from stride.assessments import actions as assessments
from stride.assessments.instruments import catalogue
from stride.assessments.scoring import answer_all
from stride.core.audit import Actor

from .conftest import a_new_family, switch_language

pytestmark = pytest.mark.browser

LAPTOP = 1280


def box(page: Page, selector: str) -> dict:
    locator = page.locator(selector).first
    expect(locator).to_be_visible()
    found = locator.bounding_box()
    assert found is not None, selector
    return found


def overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def one_line(page: Page, selector: str) -> None:
    """The element's text takes one line: its height is under two of its lines."""
    height, line = page.locator(selector).evaluate(
        "el => [el.getBoundingClientRect().height, parseFloat(getComputedStyle(el).lineHeight)"
        " || parseFloat(getComputedStyle(el).fontSize) * 1.2]"
    )
    assert height < 2 * line, f"{selector} wraps: {height}px high for {line}px lines"


def header_fits(page: Page) -> None:
    logo, nav = box(page, "header .usa-logo"), box(page, "header .usa-nav__primary")
    assert not overlap(logo, nav), (logo, nav)
    tops = page.locator("header .usa-nav__primary > .usa-nav__primary-item").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, f"the menu wraps onto {len(set(tops))} rows: {tops}"
    one_line(page, "header .stride-sign-out")
    sign_out = box(page, "header .stride-sign-out")
    assert not overlap(sign_out, logo) and not overlap(sign_out, nav)


@pytest.mark.parametrize("username", ["county-admin", "supervisor", "coach"])
def test_the_header_fits_beside_the_logo_for_every_role(
    new_page, log_in, username, assert_accessible
):
    page = new_page(LAPTOP, 900)
    log_in(page, username)
    header_fits(page)
    for item in page.locator(
        "header .usa-nav__primary a.usa-nav-link, header .usa-nav__primary button"
    ).all():
        height = item.evaluate("el => el.getBoundingClientRect().height")
        assert height < 80, f"{item.inner_text()} wraps ({height}px)"
    assert_accessible(page, f"{username}'s header")


def test_the_county_administrators_header_fits_in_spanish_too(new_page, log_in):
    page = new_page(LAPTOP, 900)
    log_in(page, "county-admin")
    switch_language(page, "es")
    header_fits(page)


def test_the_reports_menu_opens_and_leads_to_the_report(new_page, log_in, site):
    page = new_page(LAPTOP, 900)
    log_in(page, "county-admin")
    button = page.locator("header .usa-nav__primary button.usa-accordion__button")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    page.locator('header .usa-nav__submenu a[href="/participation/report/"]').click()
    expect(page).to_have_url(site + "/participation/report/")
    expect(page.locator("header .usa-nav__primary button.usa-current")).to_be_visible()


def test_the_benefits_picture_sits_beside_what_the_calculator_knows(new_page, log_in, site):
    family = a_new_family("coach", "Okafor")
    page = new_page(LAPTOP, 900)
    log_in(page, "coach")
    page.goto(f"{site}/participants/{family.uuid}/benefits/")
    facts, curve = box(page, "#facts-heading"), box(page, "#curve-heading")
    assert curve["x"] > facts["x"] + facts["width"], (facts, curve)
    assert abs(curve["y"] - facts["y"]) < 50, (facts, curve)


def test_an_assessment_result_shows_its_picture_beside_its_table(new_page, log_in, site):
    family = a_new_family("coach", "Villanueva")
    coach = Actor(get_user_model().objects.get(username="coach"))
    instrument = catalogue().latest("bridge")
    response = assessments.start(coach, family, instrument, "with_coach")
    answers = answer_all(instrument, lambda item, values: values[-1])
    response = assessments.save_answers(coach, response, answers, response.version)
    response = assessments.finish(coach, response, response.version)
    page = new_page(LAPTOP, 900)
    log_in(page, "coach")
    page.goto(f"{site}/assessments/{response.uuid}/")
    figure, table = box(page, "main figure.stride-figure"), box(page, "main .stride-table-wrap")
    assert table["x"] >= figure["x"] + figure["width"], (figure, table)
    assert table["y"] < figure["y"] + figure["height"], (figure, table)


def test_on_a_phone_the_menu_opens_with_every_place_and_sign_out(new_page, log_in):
    page = new_page(390, 844)
    log_in(page, "county-admin")
    page.locator("header button.usa-menu-btn").click()
    nav = page.locator("header nav.usa-nav")
    expect(nav).to_be_visible()
    expect(nav.locator('a[href="/caseload/"]')).to_be_visible()
    expect(nav.locator('a[href="/county/settings/"]')).to_be_visible()
    expect(nav.locator(".stride-sign-out")).to_be_visible()
    nav.locator("button.usa-accordion__button").click()
    expect(nav.locator('a[href="/participation/report/"]')).to_be_visible()
