"""Assessments in the browser: check-ins on a participant's phone, and a triage with a coach.

A participant starts the quality of life index on their own and sees the line
over time; in Spanish, they fill in the bridge over two visits and see its five
pillars. A coach does a triage with a participant: the private safety question
stays off the result page and shows only on the private answers page.

axe-core runs on every kind of page; on the phone, no page (or table) may scroll
sideways. The Spanish run checks the instrument texts (from the instruments' YAML
`es:` values) and the page language, not the interface strings, whose catalogue is
still moving. Set STRIDE_SCREENSHOTS=/some/folder to keep full-page pictures
(quality-fill.png, quality-result.png, bridge-fill-es.png, bridge-result-es.png,
triage-result.png, private-answers.png).
"""

import re

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from stride.assessments.instruments import catalogue
from stride.assessments.models import Response
from stride.people.models import Participant

from .conftest import a_case_of, fits_the_screen, switch_language
from .test_coach_journey import screenshot
from .test_coaching_cycle import choose
from .test_participant_journey import PHONE, sign_in_as_participant

pytestmark = pytest.mark.browser

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CHECK_INS = "/me/check-ins/"

# Quality of life: two items at 2 (to grow), four at 4 or 5 (strong); the mean is 3.5.
QUALITY = {
    "overall": 5,
    "home": 2,
    "family": 3,
    "health": 5,
    "money": 2,
    "work_or_school": 3,
    "friends": 4,
    "future": 4,
}
# The bridge: every domain of a pillar on the same level, so each pillar stands at that level.
BRIDGE = {
    "family_stability": 4,
    "well_being": 3,
    "education_training": 2,
    "financial_management": 3,
    "employment_career": 5,
}

# Triage: all fine, except that they do not feel safe with the people they live with.
FIRST_TRIAGE_ANSWERS = {
    "steady_place": "yes",
    "safe_at_home": "no",
    "child_care_ready": "yes",
    "stress": "no",
    "alcohol_drugs": "no",
    "health_limits": "no",
    "legal_worry": "no",
}


def no_sideways_scroll(page: Page, where: str) -> None:
    """Nothing scrolls sideways: not the page, nor (as on the other phone tests) a table in it."""
    scroll_width, inner_width = page.evaluate(
        "[document.scrollingElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width + 1, (
        f"{where} scrolls sideways: {scroll_width}px wide in a {inner_width}px window"
    )
    fits_the_screen(page, PHONE[0])


def open_check_ins(page: Page) -> None:
    page.locator(f'main a[href="{CHECK_INS}"]').first.click()
    expect(page).to_have_url(re.compile(rf"{CHECK_INS}$"))


def start_on_my_own(page: Page, slug: str) -> str:
    """Press "Start" on an instrument under "Start one on your own"; return the fill page's path."""
    form = page.locator("section[aria-labelledby=start-heading] form").filter(
        has=page.locator(f"input[name=instrument][value={slug}]")
    )
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{UUID}/fill/$"))
    return re.search(rf"/assessments/{UUID}/fill/$", page.url).group(0)


def press(page: Page, go: str) -> None:
    """A fill page's button by its value: next, back, later or finish."""
    page.locator(f"main form button[type=submit][name=go][value={go}]").click()


def questions(page: Page) -> Locator:
    """The questions on a fill page, one fieldset each."""
    return page.locator("main form.stride-assessment fieldset")


def finished_at_result(page: Page, fill_path: str) -> str:
    result_path = fill_path.removesuffix("fill/")
    expect(page).to_have_url(re.compile(rf"{result_path}$"))
    expect(page.locator("main .usa-alert--success")).to_be_visible()
    return result_path


def test_participant_does_the_quality_of_life_index_on_a_phone(site, new_page, assert_accessible):
    case = Participant.objects.get(user__username="participant")
    quality = catalogue().latest("quality_of_life")
    page = new_page(*PHONE)
    sign_in_as_participant(page, site)

    open_check_ins(page)
    expect(page.locator("h1")).to_have_text("My check-ins")
    no_sideways_scroll(page, "my check-ins")
    assert_accessible(page, "my check-ins")
    fill_path = start_on_my_own(page, "quality_of_life")

    expect(page.locator("h1")).to_have_text("Quality of life")
    expect(questions(page)).to_have_count(len(QUALITY))
    for item in quality.items.values():
        expect(questions(page).locator("legend").filter(has_text=str(item.text))).to_have_count(1)
    expect(page.locator("main button[name=go][value=finish]")).to_have_text("Finish")
    no_sideways_scroll(page, "quality of life, to fill in")
    assert_accessible(page, "quality of life, to fill in")
    screenshot(page, "quality-fill")
    for key, value in QUALITY.items():
        choose(page, key, str(value))
    press(page, "finish")
    result_path = finished_at_result(page, fill_path)

    response = Response.objects.get(uuid=result_path.split("/")[2])
    assert response.is_finished
    assert response.answers == QUALITY
    sittings = Response.objects.filter(
        participant=case, instrument="quality_of_life", completed_at__isnull=False
    ).count()

    expect(page.locator("h1")).to_have_text("Quality of life")
    line = page.locator("main svg.stride-line")
    expect(line).to_be_visible()
    expect(line.locator("circle.stride-line__point")).to_have_count(sittings)
    expect(line.locator("polyline.stride-line__path")).to_have_count(1 if sittings > 1 else 0)
    rows = page.locator("main figure.stride-figure + .stride-table-wrap table tbody tr")
    expect(rows).to_have_count(sittings)
    expect(rows.last.locator("td").first).to_have_text("3.5")

    texts = {key: str(item.text) for key, item in quality.items.items()}
    strong = page.locator("section[aria-labelledby=strong-heading]")
    expect(strong.locator("h2")).to_have_text("Where you are strong")
    expect(strong.locator("li")).to_have_text(
        [texts[key] for key, value in QUALITY.items() if value >= 4]
    )
    grow = page.locator("section[aria-labelledby=grow-heading]")
    expect(grow.locator("h2")).to_have_text("Where you want to grow")
    expect(grow.locator("li")).to_have_text(
        [texts[key] for key, value in QUALITY.items() if value <= 2]
    )
    # Goal-storming starts in the parts of life the low answers point to.
    ideas = page.locator("section[aria-labelledby=next-heading] a.usa-button")
    expect(ideas).to_have_count(2)
    for area in ("home", "money"):
        expect(page.locator(f'main a[href="/me/ideas/new/?area={area}"]')).to_be_visible()
    no_sideways_scroll(page, "quality of life result")
    assert_accessible(page, "quality of life result")
    screenshot(page, "quality-result")


def test_participant_fills_in_the_bridge_over_two_visits_in_spanish(
    site, new_page, assert_accessible
):
    bridge = catalogue().latest("bridge")
    with translation.override("es"):
        title = str(bridge.title)
        sections = [
            (section.key, str(section.title), [item.key for item in section.items])
            for section in bridge.sections
        ]
        texts = {key: str(item.text) for key, item in bridge.items.items()}
    assert [key for key, _title, _items in sections] == list(BRIDGE)

    page = new_page(*PHONE)
    sign_in_as_participant(page, site)
    switch_language(page, "es")
    open_check_ins(page)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    no_sideways_scroll(page, "my check-ins (es)")
    assert_accessible(page, "my check-ins (es)")
    fill_path = start_on_my_own(page, "bridge")

    def on_section(number: int) -> None:
        key, section_title, items = sections[number]
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator("main .usa-step-indicator__heading-text")).to_have_text(section_title)
        expect(page.locator("main form input[name=section]")).to_have_value(key)
        expect(questions(page)).to_have_count(len(items))
        for item in items:
            expect(questions(page).locator("legend").filter(has_text=texts[item])).to_have_count(1)
        no_sideways_scroll(page, f"bridge, {section_title} (es)")

    def answer(number: int) -> None:
        key, _title, items = sections[number]
        for item in items:
            choose(page, item, str(BRIDGE[key]))

    # First visit: the first pillar, then "save and finish later".
    on_section(0)
    assert_accessible(page, "bridge, first section (es)")
    screenshot(page, "bridge-fill-es")
    answer(0)
    press(page, "later")
    expect(page).to_have_url(re.compile(rf"{CHECK_INS}$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    waiting = page.locator("section[aria-labelledby=waiting-heading] li.stride-card").filter(
        has_text=title
    )
    expect(waiting).to_have_count(1)
    no_sideways_scroll(page, "my check-ins with a bridge waiting (es)")
    assert_accessible(page, "my check-ins with a bridge waiting (es)")

    # Second visit: it picks up at the first pillar still to answer; going back shows the
    # answers given last time; then on to the end.
    waiting.locator(f'a[href="{fill_path}"]').click()
    expect(page).to_have_url(re.compile(rf"{fill_path}$"))
    on_section(1)
    press(page, "back")
    expect(page).to_have_url(re.compile(rf"{fill_path}\?section={sections[0][0]}$"))
    on_section(0)
    family_key, _title, family_items = sections[0]
    for item in family_items:
        expect(
            page.locator(f'main input[name="{item}"][value="{BRIDGE[family_key]}"]')
        ).to_be_checked()
    press(page, "next")
    for number in range(1, len(sections)):
        expect(page).to_have_url(re.compile(rf"{fill_path}\?section={sections[number][0]}$"))
        on_section(number)
        if number == 1:
            assert_accessible(page, "bridge, a middle section (es)")
        answer(number)
        if number < len(sections) - 1:
            expect(page.locator("main button[name=go][value=finish]")).to_have_count(0)
            press(page, "next")
        else:
            assert_accessible(page, "bridge, last section (es)")
            press(page, "finish")
    finished_at_result(page, fill_path)

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text(title)
    picture = page.locator("main svg.stride-bridge")
    expect(picture).to_be_visible()
    pillars = picture.locator("rect.stride-bridge__pillar")
    expect(pillars).to_have_count(5)
    # Each pillar is as tall as its level: the full height between ground and deck is level 5.
    heights = [float(pillar.get_attribute("height")) for pillar in pillars.all()]
    tallest = heights[list(BRIDGE.values()).index(5)]
    assert [round(5 * height / tallest, 1) for height in heights] == list(BRIDGE.values())

    rows = page.locator("main figure.stride-figure + .stride-table-wrap table tbody tr")
    expect(rows).to_have_count(5)
    for row, (key, section_title, _items) in zip(rows.all(), sections, strict=True):
        expect(row.locator("th")).to_have_text(section_title)
        with translation.override("es"):
            level = floatformat(BRIDGE[key], 1)
        expect(row.locator("td").first).to_have_text(level)

    strong = page.locator("section[aria-labelledby=strong-heading] li")
    expect(strong).to_have_text(
        [texts[item] for key, _t, items in sections if BRIDGE[key] >= 4 for item in items]
    )
    grow = page.locator("section[aria-labelledby=grow-heading] li")
    expect(grow).to_have_text(
        [texts[item] for key, _t, items in sections if BRIDGE[key] <= 2 for item in items]
    )
    no_sideways_scroll(page, "bridge result (es)")
    assert_accessible(page, "bridge result (es)")
    screenshot(page, "bridge-result-es")


def test_coach_does_a_triage_and_the_private_answers_stay_private(
    site, page, log_in, assert_accessible
):
    case = a_case_of("coach")
    person = f"/participants/{case.uuid}"
    triage = catalogue().latest("triage")
    private = {key: str(triage.items[key].text) for key in ("safe_at_home", "talk_privately")}
    advocate = "Safety and domestic violence advocate"

    log_in(page, "coach")
    page.goto(f"{site}{person}/")
    page.locator(f'main a[href="{person}/assessments/"]').click()
    expect(page).to_have_url(re.compile(rf"{person}/assessments/$"))
    assert_accessible(page, "a participant's assessments")

    page.locator("main select[name=instrument]").select_option("triage")
    choose(page, "where", Response.Where.WITH_COACH)
    page.locator("section[aria-labelledby=start-heading] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{UUID}/fill/$"))
    fill_path = re.search(rf"/assessments/{UUID}/fill/$", page.url).group(0)
    expect(page.locator("h1")).to_have_text(str(triage.title))
    expect(questions(page)).to_have_count(len(FIRST_TRIAGE_ANSWERS))
    expect(questions(page).filter(has_text=private["safe_at_home"])).to_have_count(1)
    assert_accessible(page, "triage, first section")
    for key, answer in FIRST_TRIAGE_ANSWERS.items():
        choose(page, key, answer)
    # The only page showing so far, so its button finishes; the "no" opens a follow-up,
    # which shows instead.
    press(page, "finish")

    # Only the follow-up to "no" shows: steady housing and child care need none.
    expect(page).to_have_url(re.compile(rf"{fill_path}\?section=follow_up$"))
    expect(questions(page)).to_have_count(1)
    expect(questions(page).locator("legend")).to_contain_text(private["talk_privately"])
    assert_accessible(page, "triage, follow-up")
    choose(page, "talk_privately", "yes")
    press(page, "finish")
    result_path = finished_at_result(page, fill_path)

    response = Response.objects.get(uuid=result_path.split("/")[2])
    assert response.private_answers == {"safe_at_home": "no", "talk_privately": "yes"}
    assert not set(private) & set(response.answers)

    expect(page.locator("h1")).to_have_text(str(triage.title))
    html = page.content()
    for key, text in private.items():
        assert text not in html, f"the private question {key} shows on the result page"
    assert advocate not in html, "the result page gives away the private answer's suggestion"
    link = page.locator(f'main a[href="{result_path}private/"]')
    expect(link).to_be_visible()
    expect(link).to_contain_text("Private answers")
    assert_accessible(page, "triage result")
    screenshot(page, "triage-result")

    link.click()
    expect(page).to_have_url(re.compile(rf"{result_path}private/$"))
    expect(page.locator("h1")).to_have_text("Private answers")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=private["safe_at_home"]).locator("td")).to_have_text("No")
    expect(rows.filter(has_text=private["talk_privately"]).locator("td")).to_have_text("Yes")
    expect(page.locator("main")).to_contain_text(advocate)
    assert_accessible(page, "private answers")
    screenshot(page, "private-answers")
