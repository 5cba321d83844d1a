"""Careers and the benefits cliff in the browser, with axe-core on every page.

A coach explores career ladders with a participant (ranked by the interests
the participant gave in the interests assessment), makes one a goal, and
opens the benefits picture, which shows the ladder's rungs as marked pays; the
participant does the same on a phone in Spanish and tries a job offer.

The curve is worked out by the benefits worker, which holds PolicyEngine (40 s
to load): no worker runs here. The `benefits_worker` fixture stands in for it:
once the page shows that it is waiting (and has polled for the curve), the
test has it fill the waiting curves with figures shaped like the worker's
(tasks.figures), with a clear cliff where TANF cash aid ends; the page must
then swap the chart in by itself, without a reload.

Spanish pages are checked by their structure and by words from the careers
data file (already Spanish), not by catalogue strings still being translated.
"""

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from stride.assessments import actions as assessments
from stride.assessments.instruments import catalogue as assessment_catalogue
from stride.assessments.scoring import answer_all
from stride.benefits import engine
from stride.benefits.actions import save_money
from stride.benefits.models import Curve, EngineState, MemberBudget
from stride.benefits.presenting import PROGRAM_NAMES, money
from stride.careers import catalogue, presenting
from stride.careers.actions import make_ladder_goal, roadmap_words
from stride.careers.catalogue import Ladder
from stride.careers.models import CareerPlan
from stride.core.audit import Actor
from stride.people.models import Household, Participant

from .conftest import (
    a_new_family,
    fits_the_screen,
    go_by_header_nav,
    switch_language,
    translated,
)
from .test_participant_journey import sign_in_as_participant

pytestmark = pytest.mark.browser

PHONE = (390, 844)
POINTS = 81  # the worker's axis: engine.pay_axis(top, 81)
TANF = 7_200.0  # a year of cash aid, which stops all at once...
TANF_ENDS = 24_000.0  # ...at this pay: the cliff the chart must show


# The benefits worker, stood in for.


def figures_at(household: engine.Household, pay: float) -> dict[str, float]:
    """Made-up but plausible yearly figures for the household at this pay, one per chart column.

    TANF ends at once at TANF_ENDS (a cliff); SNAP, the EITC and health coverage fade out.
    """
    children = sum(1 for person in household.people if person.role == "child")
    care_cost = sum(person.care_cost for person in household.people)
    eitc = max(0.0, min(0.34 * pay, 4_300.0) - max(0.0, 0.16 * (pay - 23_000)))
    ctc = min(2_000.0 * children, 0.15 * max(0.0, pay - 2_500))
    care_help = round(care_cost * 0.85, 2) if pay < 60_000 else 0.0
    return {
        "earnings": round(pay, 2),
        "tanf": TANF if pay < TANF_ENDS else 0.0,
        "snap": round(max(0.0, 5_400 - 0.24 * pay), 2),
        "child_care_help": care_help,
        "eitc": round(eitc, 2),
        "ctc": round(ctc, 2),
        "taxes": round(0.0765 * pay + 0.12 * max(0.0, pay - 30_000) - eitc - ctc, 2),
        "health": round(max(2_400.0, 9_600 - 0.12 * pay), 2),
        "child_care_paid": round(care_cost - care_help, 2),
    }


def worked_out(request: dict) -> dict:
    """A curve's data, in the shape tasks.figures stores: the curve, each marked pay, the limits."""
    household = engine.Household.from_json(request["household"])
    pays = engine.pay_axis(request["top"], POINTS)
    along = [figures_at(household, pay) for pay in pays]
    points = []
    for point in request["points"]:
        row = figures_at(household, point["earnings"])
        points.append({**point, "figures": {**row, "net_resources": engine.net_resources(row)}})
    return {
        "curve": {
            "earnings": pays,
            "columns": {name: [row[name] for row in along] for name in engine.COLUMNS},
        },
        "points": points,
        "limits": [],
    }


class StandIn:
    """What the benefits worker would do with a waiting curve, done by the test."""

    def finish_waiting_curves(self) -> int:
        """Fill every waiting curve and mark it ready, as tasks.compute_curve does; how many.

        The live server shares the test's in-memory database: a write that meets
        one of its reads is refused at once ("table is locked"), so try again.
        """
        for attempt in range(20):
            try:
                with transaction.atomic():
                    return self._finish()
            except OperationalError as error:
                if "locked" not in str(error) or attempt == 19:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def _finish(self) -> int:
        waiting = list(Curve.objects.filter(status=Curve.Status.PENDING))
        for curve in waiting:
            curve.data = worked_out(curve.request)
            curve.status, curve.computed_at, curve.seconds = (
                Curve.Status.READY,
                timezone.now(),
                1.2,
            )
            curve.save(update_fields=["status", "data", "computed_at", "seconds"])
        return len(waiting)


@pytest.fixture
def benefits_worker(site) -> StandIn:
    """A warm benefits worker, as far as the pages can tell; its curves come from the test."""
    started = timezone.now() - timedelta(minutes=5)
    EngineState.objects.create(
        status=EngineState.Status.WARM,
        engine_version=engine.engine_version(),
        pid=4242,
        started_at=started,
        warm_at=started + timedelta(seconds=40),
        seconds_to_warm=40.0,
    )
    return StandIn()


# The pages.


def curve_part(page: Page) -> Locator:
    return page.locator("main #benefits-curve")


def marked_rows(page: Page) -> Locator:
    """The table of the pays marked on the chart (stacked on a phone)."""
    return curve_part(page).locator("table.usa-table--stacked tbody tr")


def wait_then_finish(page: Page, worker: StandIn, language: str) -> None:
    """The page says it is working and polls; the worker finishes; the chart comes in by itself."""
    part = curve_part(page)
    expect(part).to_have_attribute("aria-busy", "true")
    expect(part.locator("[role=status]")).to_be_visible()
    if language == "en":
        expect(part.locator("[role=status]")).to_contain_text(
            "Working out your family's figures at each pay"
        )
    expect(part.locator("progress")).to_be_visible()
    expect(part.locator("svg")).to_have_count(0)
    # The page asks for the curve again every 2 seconds; the worker finishes between two asks.
    with page.expect_response(re.compile(r"/participants/[0-9a-f-]+/benefits/curve/")) as asked:
        pass
    assert asked.value.ok
    page.evaluate("window.strideStillHere = true")
    address = page.url
    assert worker.finish_waiting_curves() == 1
    expect(part.locator("svg polyline.stride-curve__net")).to_be_visible()
    expect(part).not_to_have_attribute("aria-busy", "true")
    assert page.evaluate("window.strideStillHere === true"), "the page reloaded"
    assert page.url == address


def check_chart(page: Page, marks: int, language: str) -> None:
    part = curve_part(page)
    svg = part.locator("svg[role=img]")
    expect(svg.locator("title")).to_have_text(
        translated(language, "The family's money in hand as pay rises")
    )
    expect(svg.locator("polyline.stride-curve__pay")).to_have_count(1)
    expect(svg.locator("rect.stride-curve__cliff")).not_to_have_count(0)
    expect(svg.locator("circle.stride-curve__point")).to_have_count(marks)
    expect(marked_rows(page)).to_have_count(marks)
    expect(part.locator("ul.usa-list > li")).not_to_have_count(0)  # the cliffs, in words

    details = part.locator("details")
    details.locator("summary").click()
    figures = details.locator("table tbody tr")
    expect(figures).to_have_count(POINTS)
    expect(details.locator("tbody tr.stride-curve__in-cliff")).not_to_have_count(0)
    expect(figures.first.locator("th")).to_have_text("$0")


def fits_the_phone(page: Page) -> None:
    """The page fits the phone (conftest's fits_the_screen), except for the figures at
    every pay: ten columns that scroll sideways by design, inside their own region,
    which a keyboard can reach and a screen reader names."""
    wide = curve_part(page).locator("details .stride-curve__wide")
    expect(wide).to_have_attribute("tabindex", "0")
    expect(wide).to_have_attribute("role", "region")
    expect(wide).to_have_attribute("aria-label", re.compile("."))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"the page is {width}px wide on a {PHONE[0]}px screen"
    overflowing = page.evaluate(
        """[...document.querySelectorAll('.stride-table-wrap:not(.stride-curve__wide)')]
            .filter((wrap) => wrap.scrollWidth > wrap.clientWidth)
            .map((wrap) => wrap.className)"""
    )
    assert overflowing == [], f"tables that scroll sideways at {PHONE[0]}px: {overflowing}"


def rung_rows(page: Page, ladder: Ladder, language: str) -> None:
    """The ladder's rungs are the last marked pays, named and paid as in the careers file."""
    rows = marked_rows(page)
    for offset, rung in enumerate(reversed(ladder.rungs), start=1):
        row = rows.nth(rows.count() - offset)
        expect(row.locator("th")).to_contain_text(rung.title.in_language(language))
        expect(row.locator("td").first).to_have_text(money(rung.wage.annual))


def a_case_with_interests() -> tuple[Participant, list[str]]:
    """A new family of coach's, with career interests from the assessment and pay on file.

    Answers lean toward working with people and helping (S), then organising (C):
    the ranking then has a clear first ladder whatever else the demo holds.
    """
    case = a_new_family("coach", "Quillfeather")
    actor = Actor(case.coach)
    instrument = assessment_catalogue().latest("career_interests")
    response = assessments.start(actor, case, instrument, "with_coach")
    answers = answer_all(instrument, lambda item, values: values[-1])
    response = assessments.save_answers(actor, response, answers, response.version)
    response = assessments.finish(actor, response, response.version)
    save_money(
        actor, case, 0, Decimal(1450),
        {case.member: {"weekly_hours": Decimal(30), "yearly_earnings": Decimal(28080)}},
    )  # fmt: skip
    interests = [code for code in response.result["top"] if code in catalogue.RIASEC]
    assert interests, "the interests assessment gives top codes"
    return case, interests


def best_ladder(interests: list[str]) -> tuple[catalogue.Industry, Ladder]:
    best = presenting.choices(catalogue.load(), interests)[0]
    return best.industry, best.ladder


def test_coach_makes_a_ladder_a_goal_and_sees_its_rungs_on_the_cliff_chart(
    site, page, log_in, assert_accessible, benefits_worker
):
    case, interests = a_case_with_interests()
    industry, ladder = best_ladder(interests)
    person = f"/participants/{case.uuid}/"
    explore = f"/careers/?participant={case.uuid}"

    log_in(page, "coach")
    go_by_header_nav(page, "/caseload/")
    search = page.get_by_role("search")
    search.locator("input[name=q]").fill(case.member.last_name)
    search.locator("button[type=submit]").click()
    page.locator("table#caseload tbody").get_by_role(
        "link", name=f"{case.member.last_name}, {case.member.first_name}"
    ).click()
    expect(page).to_have_url(re.compile(re.escape(person) + "$"))

    page.locator(f'main a.usa-button[href="{explore}"]').click()
    expect(page).to_have_url(re.compile(re.escape(explore) + "$"))
    box = page.locator("main .usa-summary-box")
    expect(box.locator("h2")).to_have_text(f"Exploring with {case.member.full_name}")
    expect(box).to_contain_text(f"Ranked by {case.member.first_name}'s interests")
    ranked = page.locator("main section[aria-labelledby=ranked-heading]")
    expect(ranked.locator("h2")).to_have_text("Career ladders, best match first")
    cards = ranked.locator("li.stride-card")
    expect(cards).to_have_count(len(catalogue.load().pairs()))
    first = cards.first.locator("h3 a")
    expect(first).to_have_text(ladder.name.in_language("en"))
    expect(cards.first.locator("ol > li")).to_have_count(3)
    assert_accessible(page, "the careers explorer, ranked by interests")

    first.click()
    ladder_path = f"/careers/{industry.key}/{ladder.key}/"
    expect(page).to_have_url(re.compile(re.escape(f"{ladder_path}?participant={case.uuid}") + "$"))
    expect(page.locator("h1")).to_have_text(ladder.name.in_language("en"))
    rungs = page.locator("main ol.stride-ladder > li")
    expect(rungs.locator("h2")).to_have_text(
        [rung.title.in_language("en") for rung in ladder.rungs]
    )
    goal_box = page.locator("main section[aria-labelledby=goal-heading]")
    expect(goal_box.locator("input[name=level][value=entry]")).to_be_checked()
    assert_accessible(page, "a career ladder, with a participant")

    goal_box.get_by_role("button", name="Make this my goal").click()
    expect(page).to_have_url(re.compile(r"/goals/[0-9a-f-]+/$"))
    destination, stops = roadmap_words(ladder, "entry", "en")
    expect(page.locator("h1")).to_have_text(destination)
    assert destination.startswith("Work as ")
    expect(page.locator("main .usa-alert--success")).to_contain_text("The roadmap is made")
    on_the_way = page.locator("main section[aria-labelledby=roadmap-heading] ol > li a")
    expect(on_the_way).to_have_count(len(stops))
    # The same goals; their order is test_the_coach_sees_the_roadmap_in_the_ladders_order's.
    assert sorted(on_the_way.all_inner_texts()) == sorted(stops)
    plan = CareerPlan.objects.select_related("goal").get(participant=case)
    assert (plan.industry_key, plan.ladder_key, plan.level) == (industry.key, ladder.key, "entry")
    assert plan.goal is not None and plan.goal.words == destination
    assert plan.goal.progress_goals.count() == len(stops)
    assert_accessible(page, "the roadmap made from a ladder")

    page.locator("main nav.usa-breadcrumb a", has_text=case.member.full_name).click()
    expect(page).to_have_url(re.compile(re.escape(person) + "$"))
    plans = page.locator("main section[aria-labelledby=careers-heading]")
    expect(plans).to_contain_text(ladder.name.in_language("en"))
    page.locator("main section[aria-labelledby=cliff-flags-heading]").get_by_role(
        "link", name="See benefits as pay rises"
    ).click()
    expect(page).to_have_url(re.compile(re.escape(f"{person}benefits/") + "$"))
    expect(page.locator("h1")).to_have_text(
        f"If {case.member.first_name} earns more: the family's resources"
    )

    wait_then_finish(page, benefits_worker, "en")
    marks = 1 + len(ladder.rungs)  # now, and each rung
    check_chart(page, marks, "en")
    rows = marked_rows(page)
    expect(rows.first.locator("th")).to_contain_text("Now")
    rung_rows(page, ladder, "en")
    for number, rung in enumerate(ladder.rungs, start=1):
        expect(rows.nth(number).locator("th")).to_have_text(
            f"Rung {number}: {rung.title.in_language('en')} (typical pay)"
        )
    expect(curve_part(page).locator("ul.usa-list")).to_contain_text(str(PROGRAM_NAMES["tanf"]))
    expect(curve_part(page)).to_contain_text(money(TANF))
    assert_accessible(page, "the benefits picture, with the chart and tables")


def test_participant_makes_a_ladder_a_goal_and_tries_an_offer_in_spanish_on_a_phone(
    site, new_page, assert_accessible, benefits_worker
):
    case = Participant.objects.select_related("household", "member").get(
        user__username="participant"
    )
    case.household.language = Household.Language.SPANISH  # the family's goals read in Spanish
    case.household.save(update_fields=["language"])
    interests = presenting.interests_of(case.user, case)
    industry, ladder = best_ladder(interests)
    budget = MemberBudget.objects.get(member=case.member)
    on_file = (budget.weekly_hours, budget.yearly_earnings)

    page = new_page(*PHONE)
    sign_in_as_participant(page, site)
    switch_language(page, "es")
    page.locator('main a[href="/me/careers/"]').click()
    expect(page).to_have_url(re.compile(r"/me/careers/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    cards = page.locator("main ul.stride-cards > li.stride-card")
    expect(cards).to_have_count(len(catalogue.load().pairs()))
    first = cards.first.locator("h3 a")
    expect(first).to_have_text(ladder.name.in_language("es"))
    expect(cards.first).to_contain_text(industry.name.in_language("es"))
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, "my careers (es, phone)")

    first.click()
    expect(page).to_have_url(
        re.compile(re.escape(f"/me/careers/{industry.key}/{ladder.key}/") + "$")
    )
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text(ladder.name.in_language("es"))
    expect(page.locator("main p.usa-intro")).to_have_text(ladder.summary.in_language("es"))
    rungs = page.locator("main ol.stride-ladder > li")
    expect(rungs.locator("h2")).to_have_text(
        [rung.title.in_language("es") for rung in ladder.rungs]
    )
    expect(rungs.first).to_contain_text(ladder.rungs[0].training.in_language("es"))
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, "a career ladder (es, phone)")

    page.locator("main section[aria-labelledby=goal-heading] form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/me/#roadmap-heading$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    destination, stops = roadmap_words(ladder, "entry", "es")
    assert ladder.top.title.in_language("es").lower() in destination.lower()
    # The demo gives the participant a roadmap already; the new one is shown beside it.
    road = page.locator("main section[aria-labelledby=roadmap-heading]")
    expect(road.locator("h3", has_text=destination)).to_have_count(1)
    new_road = road.locator(f'ol.stride-road[aria-label$="{destination}"]')
    expect(new_road.locator("> li a")).to_have_text([*stops, destination])
    expect(road).to_contain_text(ladder.rungs[0].training.in_language("es"))
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, "my page with the roadmap (es, phone)")

    page.locator('main a[href="/me/benefits/"]').click()
    expect(page).to_have_url(re.compile(r"/me/benefits/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text(translated("es", "If I earn more: my family's money"))
    wait_then_finish(page, benefits_worker, "es")
    check_chart(page, 1 + len(ladder.rungs), "es")
    rung_rows(page, ladder, "es")

    form = page.locator("main section[aria-labelledby=what-if-heading] form")
    form.locator("input[name=weekly_hours]").fill("32")
    form.locator("input[name=hourly_wage]").fill("19.50")
    form.locator("input[name=offer_a_hours]").fill("40")
    form.locator("input[name=offer_a_wage]").fill("22")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/me/benefits/\?.*offer_a_wage=22"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(form.locator("input[name=offer_a_hours]")).to_have_value("40")
    wait_then_finish(page, benefits_worker, "es")
    marks = 2 + len(ladder.rungs)  # now, offer A, each rung
    check_chart(page, marks, "es")
    rows = marked_rows(page)
    expect(rows.nth(0).locator("th")).to_contain_text("32")
    expect(rows.nth(0).locator("td").first).to_have_text(money(32 * 19.5 * 52))
    expect(rows.nth(1).locator("th")).to_contain_text(re.compile(r"\bA\b.*\b40\b.*\$22\.00"))
    expect(rows.nth(1).locator("td").first).to_have_text(money(40 * 22 * 52))
    expect(curve_part(page).locator("svg text", has_text=re.compile(r"^A$"))).to_have_count(1)
    rung_rows(page, ladder, "es")
    fits_the_phone(page)
    assert_accessible(page, "if I earn more, with an offer (es, phone)")
    # What was tried on the page left the record alone.
    budget = MemberBudget.objects.get(member=case.member)
    assert (budget.weekly_hours, budget.yearly_earnings) == on_file
    assert not Curve.objects.filter(status=Curve.Status.PENDING).exists()


def test_the_coach_sees_the_roadmap_in_the_ladders_order(site, page, log_in):
    case, interests = a_case_with_interests()
    industry, ladder = best_ladder(interests)
    assert case.coach is not None
    made = make_ladder_goal(Actor(case.coach), case, industry.key, ladder.key, "entry")
    assert made.plan.goal is not None
    _destination, stops = roadmap_words(ladder, "entry", "en")

    log_in(page, "coach")
    page.goto(f"{site}/goals/{made.plan.goal.uuid}/")
    on_the_way = page.locator("main section[aria-labelledby=roadmap-heading] ol > li a")
    expect(on_the_way).to_have_count(len(stops))
    assert on_the_way.all_inner_texts() == stops
