"""Reviews of practice in the browser: a supervisor finds them in the menu, records a skills
review of a coach with one skill to grow, starts the coach's professional goal from it, and
the coach reads the review and the goal; every page passes axe-core, in English and Spanish."""

from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from stride.county.models import PracticeReview
from stride.county.reviews import HISTORY_LENGTH

from .conftest import fits_the_screen, go_by_header_nav, switch_language

pytestmark = pytest.mark.browser


def rate_every_item(page: Page, label: str) -> None:
    for choice in page.locator("main label.usa-radio__label", has_text=label).all():
        choice.click()


def test_a_supervisor_reviews_a_coach_who_then_reads_it(new_page, log_in, site, assert_accessible):
    coach = get_user_model().objects.get(username="coach")
    page = new_page()
    log_in(page, "supervisor")
    expect(page.locator('header nav a[href="/county/reviews/"]')).to_have_count(1)  # Reports
    page.goto(site + "/county/reviews/")
    expect(page.locator("main h1")).to_have_text("Reviews of practice")
    assert_accessible(page, "the reviews of practice")
    page.get_by_role("link", name=coach.get_full_name()).click()
    assert_accessible(page, "a coach's reviews")
    page.get_by_role("link", name="New Skills and attributes review").click()
    rate_every_item(page, "A strength")
    page.locator("main label.usa-radio__label", has_text="An area to grow").nth(3).click()
    page.get_by_label("What stood out").fill("Warm, steady meetings; families lead.")
    assert_accessible(page, "the skills review form")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator("main")).to_contain_text("The review is saved.")
    assert_accessible(page, "a skills review")
    review_path = urlparse(page.url).path  # the demo may hold earlier reviews of this coach
    page.get_by_role("link", name="Start a professional goal from this").click()
    expect(page.get_by_label("Your goal")).to_have_value("Asks open, reflective questions")
    assert_accessible(page, "a professional goal from a review")
    page.get_by_role("button", name="Save the goal").click()
    expect(page.locator("main")).to_contain_text("Goals started from this review")

    mine = new_page()
    log_in(mine, "coach")
    go_by_header_nav(mine, "/county/reviews/")
    expect(mine.locator("main h1")).to_have_text("My reviews")
    assert_accessible(mine, "a coach's own reviews")
    mine.locator(f'main a[href="{review_path}"]').click()
    expect(mine.locator("main")).to_contain_text("Asks open, reflective questions")
    expect(mine.get_by_role("link", name="Asks open, reflective questions")).to_have_count(1)
    assert_accessible(mine, "the coach's review")


def test_a_coachs_reviews_in_spanish_on_a_tablet(new_page, log_in, site, assert_accessible):
    coach = get_user_model().objects.get(username="coach")
    page = new_page(width=768, height=1024)
    log_in(page, "supervisor")
    switch_language(page, "es")
    page.goto(site + f"/county/reviews/coach/{coach.uuid}/new/fidelity/")
    rate_every_item(page, "Media")
    page.locator("main form.usa-form button[type=submit]").click()
    expect(page.locator("main h1")).to_contain_text("Revisión de fidelidad")
    page.goto(site + f"/county/reviews/coach/{coach.uuid}/")
    # One bar a fidelity review, however many the demo gave this coach before this one.
    fidelity = PracticeReview.objects.filter(worker=coach, kind=PracticeReview.Kind.FIDELITY)
    bars = page.locator("main svg.stride-bars").first.locator("rect")
    expect(bars).to_have_count(min(fidelity.count(), HISTORY_LENGTH))
    expect(page.locator("main h2").first).to_have_text("Revisión de fidelidad")
    fits_the_screen(page, 768)
    assert_accessible(page, "a coach's reviews in Spanish at 768 px")
