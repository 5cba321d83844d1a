"""Numbers and dates in the browser, in English and Spanish, with axe-core on every page.

A date the picker cannot read (the 31st of February) stops the form with words next to
the field, and nothing is saved; "1,5" hours typed on a Spanish page are an hour and a
half; the cliff chart on a 360 px phone draws its text at 12 px or more, with health
coverage as a band of its own under the pay axis.
"""

import re
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from stride.benefits import curves, engine
from stride.benefits.actions import save_money
from stride.benefits.models import Curve, HouseholdBudget
from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails
from stride.coaching.models import Goal, Step
from stride.core.audit import Actor
from stride.core.vocabulary import LifeArea
from stride.participation import actions as participation
from stride.participation.actions import ActivityDetails
from stride.participation.models import HoursEntry, WorkActivity
from stride.people.models import Participant

from .conftest import a_new_family, fits_the_screen, switch_language, translated
from .test_participant_journey import sign_in_as_participant

pytestmark = pytest.mark.browser

PHONE = (360, 740)


def a_goal_for(case: Participant) -> Goal:
    return coaching.set_goal(
        Actor(case.coach),
        case,
        GoalDetails(words="Finish the forklift course", life_area=LifeArea.choices[0][0]),
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_date_the_picker_cannot_read_stops_the_step_with_words(
    site, page, log_in, assert_accessible, language
):
    case = a_new_family("coach", "Fechaluna")
    goal = a_goal_for(case)
    log_in(page, "coach")
    if language != "en":
        switch_language(page, language)
    page.goto(f"{site}/goals/{goal.uuid}/steps/new/")
    page.locator("#id_what").fill("Call the training centre")
    when = page.locator("#id_due_on")
    when.click()
    when.press_sequentially("02312026")  # the 31st of February, as the picker is typed in
    assert page.evaluate("document.querySelector('#id_due_on').validity.badInput")
    page.locator("main form button[type=submit]").first.click()

    words = translated(language, "Enter a real date, like 03/15/2026.")
    message = page.locator("#id_due_on-bad-date")
    expect(message).to_have_text(words)
    expect(message).to_have_attribute("role", "alert")
    expect(when).to_have_attribute("aria-invalid", "true")
    expect(when).to_be_focused()
    assert "id_due_on-bad-date" in (when.get_attribute("aria-describedby") or "")
    expect(page).to_have_url(re.compile(r"/steps/new/$"))
    assert not Step.objects.filter(goal=goal).exists()
    assert_accessible(page, f"a step with a date the picker cannot read ({language})")

    # A real date clears the words and the step is saved with it.
    when.fill("2026-03-15")
    expect(message).to_have_count(0)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/goals/{goal.uuid}/"))
    assert Step.objects.get(goal=goal).due_on == date(2026, 3, 15)


def test_an_hour_and_a_half_typed_in_spanish_is_saved_as_one_and_a_half(
    site, new_page, assert_accessible
):
    me = Participant.objects.select_related("coach__organisation").get(user__username="participant")
    county = me.coach.organisation.county()
    participation.add_activity(
        Actor(me.coach),
        county,
        ActivityDetails("Clase de inglés", WorkActivity.JOB_SKILLS_TRAINING),
    )
    page = new_page(*PHONE)
    sign_in_as_participant(page, site)
    switch_language(page, "es")
    page.goto(f"{site}/me/hours/")
    hours = page.locator("#id_hours")
    expect(hours).to_have_attribute("type", "text")
    expect(hours).to_have_attribute("inputmode", "decimal")
    expect(page.locator("#id_hours-hint")).to_contain_text("2,25 o 2,5")
    english = page.locator("#id_activity option", has_text="Clase de inglés")
    page.locator("#id_activity").select_option(english.get_attribute("value"))
    before = HoursEntry.objects.filter(participant=me).count()
    hours.fill("1,5")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".usa-alert--success, [role=status]").first).to_be_visible()
    assert HoursEntry.objects.filter(participant=me).count() == before + 1
    assert HoursEntry.objects.filter(participant=me).latest("pk").hours == Decimal("1.5")
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, "my hours in Spanish")


# The cliff chart on a phone.


def figures_at(pay: float) -> dict[str, float]:
    """A parent of one: Medicaid for both up to $30,000, for the child up to $50,000."""
    medicaid = 26_000.0 if pay <= 30_000 else 13_000.0 if pay <= 50_000 else 0.0
    return {
        "earnings": pay,
        "tanf": 5_000.0 if pay <= 22_000 else 0.0,
        "snap": max(0.0, round(3_600 - 0.3 * pay, 2)),
        "child_care_help": 0.0,
        "eitc": 0.0,
        "ctc": 0.0,
        "taxes": round(0.1 * max(0.0, pay - 30_000), 2),
        "health": medicaid,
        "child_care_paid": 0.0,
        "medicaid": medicaid,
        "chip": 0.0,
        "coverage_cost": 0.0 if pay <= 30_000 else round(1_000 + 0.05 * (pay - 30_000), 2),
    }


def finish_waiting_curves() -> int:
    """The benefits worker's part, done by the test; the live server may hold the table."""
    for attempt in range(20):
        try:
            with transaction.atomic():
                waiting = list(Curve.objects.filter(status=Curve.Status.PENDING))
                for curve in waiting:
                    request = curves.Request.from_json(curve.request)
                    pays = engine.pay_axis(request.top)
                    rows = [figures_at(pay) for pay in pays]
                    names = [*engine.COLUMNS, *engine.COVERAGE]
                    curve.data = {
                        "curve": {
                            "earnings": pays,
                            "columns": {n: [row[n] for row in rows] for n in names},
                        },
                        "points": [
                            {**point, "figures": figures_at(point["earnings"])}
                            for point in curve.request["points"]
                        ],
                        "limits": [],
                    }
                    curve.status, curve.computed_at = Curve.Status.READY, timezone.now()
                    curve.save(update_fields=["status", "data", "computed_at"])
                return len(waiting)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 19:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


def rendered_text_sizes(page: Page) -> list[tuple[str, float]]:
    """Each visible text of the chart and its font size in CSS pixels as drawn on the screen."""
    return page.evaluate(
        """[...document.querySelectorAll('svg.stride-curve-chart text')]
            .filter((text) => getComputedStyle(text).display !== 'none')
            .map((text) => [text.textContent,
                parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a])"""
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_cliff_chart_reads_on_a_360_px_phone_with_health_as_its_own_band(
    site, new_page, assert_accessible, language
):
    me = Participant.objects.select_related("member", "coach").get(user__username="participant")
    budget = HouseholdBudget.objects.filter(household=me.household).first()
    save_money(
        Actor(me.coach),
        me,
        budget.version if budget else 0,
        Decimal("1100"),
        {me.member: {"yearly_earnings": Decimal("24000"), "weekly_hours": Decimal("30")}},
    )
    page = new_page(*PHONE)
    sign_in_as_participant(page, site)
    if language != "en":
        switch_language(page, language)
    page.goto(f"{site}/me/benefits/")
    expect(page.locator("main #benefits-curve")).to_be_visible()
    assert finish_waiting_curves() >= 1
    page.reload()
    chart = page.locator("main svg.stride-curve-chart")
    expect(chart.locator("polyline.stride-curve__net")).to_be_visible()
    expect(chart.locator("title")).to_have_text(
        translated(language, "The family's money in hand as pay rises")
    )

    sizes = rendered_text_sizes(page)
    assert len(sizes) >= 8, sizes  # the pay and money ticks, the axis, the mark
    small = [(text, round(size, 1)) for text, size in sizes if size < 12]
    assert not small, f"chart text under 12 px on a 360 px phone: {small}"
    # The line's points are plain numbers the browser can draw, whatever the language.
    points = chart.locator("polyline.stride-curve__net").get_attribute("points") or ""
    assert all(re.fullmatch(r"-?\d+(\.\d+)?,-?\d+(\.\d+)?", pair) for pair in points.split())
    box = chart.locator("polyline.stride-curve__net").bounding_box()
    assert box and box["width"] > 200  # drawn across the chart, not collapsed at the origin

    band = chart.locator("rect.stride-curve__health")
    expect(band).to_have_count(3)
    key = page.locator("main ul.stride-curve__key li")
    expect(key).to_have_count(3)
    expect(key.first).to_contain_text(translated(language, "Covered by Medicaid or CHIP") + ", ")
    # The page fits the phone; the figures at every pay scroll sideways in their own region.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    assert_accessible(page, f"my benefits chart on a phone ({language})")
