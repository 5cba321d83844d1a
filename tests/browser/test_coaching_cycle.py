"""The coaching cycle in the browser, in English and Spanish, with axe-core on every page.

A coach opens a participant's goals, goal-storms an idea, turns it into a goal,
plans three steps and the potholes on the way, records a session, marks a step
done, reviews the goal and revises it. Then the same goal page on a phone.

Fields, links and buttons are found by name, href and value rather than by
their words, so the Spanish run works wherever the catalogue is incomplete;
where words are checked, the expected text comes from the same catalogue the
live server uses (see `translated`).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from stride.coaching import actions as coaching
from stride.coaching.models import Goal, Review, Step
from stride.core.audit import Actor

from .conftest import a_case_of, a_new_family, fits_the_screen, switch_language, translated

pytestmark = pytest.mark.browser

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

WORDS = {
    "en": {
        "idea": "Drive myself to work",
        "goal": "Get my driver's license so I can drive myself to work",
        "revised": "Get my learner's permit first, then my driver's license",
        "measure": "The license in my hand",
        "steps": [
            "Download the driver's handbook",
            "Read one chapter a night",
            "Book the written test",
        ],
        "internal": ("I put things off when I'm tired", "Read at lunch instead of at night"),
        "external": ("No car to practise in", "Ask my cousin for Sunday lessons"),
        "topic": "Getting to work without the bus",
        "step_note": "Found it on the DMV site",
        "how_it_went": "The test needs a permit first",
        "went_well": "Reading every night",
    },
    "es": {
        "idea": "Manejar yo misma al trabajo",
        "goal": "Sacar la licencia de manejar para ir en carro al trabajo",
        "revised": "Sacar primero el permiso de aprendiz y luego la licencia",
        "measure": "La licencia en la mano",
        "steps": [
            "Descargar el manual del conductor",
            "Leer un capítulo cada noche",
            "Reservar el examen escrito",
        ],
        "internal": ("Lo dejo para después cuando estoy cansada", "Leer en el almuerzo"),
        "external": ("No tengo carro para practicar", "Pedirle clases a mi primo el domingo"),
        "topic": "Llegar al trabajo sin el autobús",
        "step_note": "Lo encontré en la página del DMV",
        "how_it_went": "Para el examen primero hace falta un permiso",
        "went_well": "Leer cada noche",
    },
}


def submit(page: Page) -> None:
    """The main form's plain submit button (not "Save and add another")."""
    page.locator("main form.usa-form button[type=submit]:not([name])").click()


def choose(page: Page, name: str, value: str) -> None:
    """Tick a USWDS radio or checkbox by clicking its label (the native input is hidden)."""
    field = page.locator(f'main input[name="{name}"][value="{value}"]')
    page.locator(f'label[for="{field.get_attribute("id")}"]').click()
    expect(field).to_be_checked()


def saved(page: Page) -> None:
    """The success message shown after a form was saved."""
    expect(page.locator("main .usa-alert--success")).to_be_visible()


def steps_done_text(language: str, done: int, total: int) -> str:
    with translation.override(language):
        return translation.ngettext(
            "%(done)s of %(total)s step done", "%(done)s of %(total)s steps done", total
        ) % {"done": done, "total": total}


def label_of(language: str, choice) -> str:
    with translation.override(language):
        return str(choice.label)


def check_progress(page: Page, language: str, done: int, total: int) -> None:
    plan = page.locator("section[aria-labelledby=plan-heading]")
    expect(plan).to_contain_text(steps_done_text(language, done, total))
    progress = plan.locator("progress")
    expect(progress).to_have_attribute("max", str(total))
    expect(progress).to_have_attribute("value", str(done))


@pytest.mark.parametrize("language", ["en", "es"])
def test_coach_goes_round_the_coaching_cycle(site, page, log_in, assert_accessible, language):
    words = WORDS[language]
    case = a_case_of("coach")
    person = f"/participants/{case.uuid}"

    page.goto(site + "/login/")
    if language != "en":
        switch_language(page, language)
    log_in(page, "coach")
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(translated(language, "Today"))
    assert_accessible(page, f"today ({language})")

    # The participant's profile, then their goals and sessions.
    page.goto(site + person + "/")
    expect(page.locator("h1")).to_have_text(case.member.full_name)
    assert_accessible(page, f"participant profile ({language})")
    page.locator(f'main a[href="{person}/goals/"]').click()
    expect(page).to_have_url(re.compile(rf"{person}/goals/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page, f"goals and sessions ({language})")

    # Goal-storming: an idea in the participant's words, under a life area.
    page.locator(f'main a[href="{person}/goal-storming/"]').first.click()
    expect(page).to_have_url(re.compile(rf"{person}/goal-storming/$"))
    assert_accessible(page, f"goal-storming ({language})")
    page.locator("main select[name=life_area]").select_option("work")
    page.locator("main input[name=words]").fill(words["idea"])
    submit(page)
    expect(page).to_have_url(re.compile(rf"{person}/goal-storming/\?area=work$"))
    saved(page)
    idea = page.locator("section[aria-labelledby=area-work] li").filter(has_text=words["idea"])
    expect(idea).to_have_count(1)
    assert_accessible(page, f"goal-storming with a new idea ({language})")

    # "Work on" the idea: it becomes a goal, made specific.
    idea.locator(f'a[href^="{person}/goals/new/?idea="]').click()
    expect(page).to_have_url(re.compile(rf"{person}/goals/new/\?idea={UUID}$"))
    expect(page.locator("main textarea[name=words]")).to_have_value(words["idea"])
    expect(page.locator("main select[name=life_area]")).to_have_value("work")
    assert_accessible(page, f"set a goal from an idea ({language})")
    page.locator("main textarea[name=words]").fill(words["goal"])
    target = timezone.localdate() + timedelta(days=90)
    page.locator("main input[name=target_date]").fill(target.isoformat())
    page.locator("main input[name=measure]").fill(words["measure"])
    choose(page, "term", Goal.Term.SHORT)
    choose(page, "proposed_by", Goal.ProposedBy.TOGETHER)
    submit(page)
    expect(page).to_have_url(re.compile(rf"/goals/{UUID}/$"))
    goal_path = re.search(rf"/goals/{UUID}/$", page.url).group(0)
    goal = Goal.objects.get(uuid=goal_path.split("/")[2])
    saved(page)
    expect(page.locator("h1")).to_have_text(words["goal"])
    assert_accessible(page, f"new goal ({language})")

    # Three small steps, the first two with "Save and add another".
    page.locator(f'main a[href="{goal_path}steps/new/"]').click()
    for number, what in enumerate(words["steps"], start=1):
        expect(page).to_have_url(re.compile(rf"{goal_path}steps/new/$"))
        if number > 1:
            saved(page)
        assert_accessible(page, f"add a step, {number} of 3 ({language})")
        page.locator("main input[name=what]").fill(what)
        page.locator("main input[name=due_on]").fill(
            (timezone.localdate() + timedelta(days=7 * number)).isoformat()
        )
        if number < len(words["steps"]):
            page.locator("main form.usa-form button[type=submit][name=another]").click()
        else:
            submit(page)
    expect(page).to_have_url(re.compile(rf"{goal_path}$"))
    saved(page)
    steps = page.locator("ol.stride-steps > li")
    expect(steps).to_have_count(3)
    for step, what in zip(steps.all(), words["steps"], strict=True):
        expect(step).to_contain_text(what)
    check_progress(page, language, 0, 3)
    assert_accessible(page, f"goal with three steps ({language})")

    # Potholes and detours: the first time, one from inside is required.
    page.locator(f'main a[href="{goal_path}obstacles/new/"]').click()
    expect(page).to_have_url(re.compile(rf"{goal_path}obstacles/new/$"))
    assert_accessible(page, f"potholes and detours ({language})")
    external_pothole, external_detour = words["external"]
    page.locator("main input[name=external_pothole]").fill(external_pothole)
    page.locator("main input[name=external_detour]").fill(external_detour)
    submit(page)
    expect(page).to_have_url(re.compile(rf"{goal_path}obstacles/new/$"))
    expect(page.locator("#id_internal_pothole-error")).to_be_visible()
    expect(page.locator("main input[name=external_pothole]")).to_have_value(external_pothole)
    assert_accessible(page, f"potholes and detours, missing the inside one ({language})")
    internal_pothole, internal_detour = words["internal"]
    page.locator("main input[name=internal_pothole]").fill(internal_pothole)
    page.locator("main input[name=internal_detour]").fill(internal_detour)
    page.locator("main select[name=step]").select_option(index=2)
    submit(page)
    expect(page).to_have_url(re.compile(rf"{goal_path}$"))
    saved(page)
    obstacles = page.locator("section[aria-labelledby=obstacles-heading] table tbody tr")
    expect(obstacles).to_have_count(2)
    expect(obstacles.filter(has_text=internal_pothole)).to_contain_text(internal_detour)
    expect(obstacles.filter(has_text=internal_pothole)).to_contain_text(words["steps"][1])
    expect(obstacles.filter(has_text=external_pothole)).to_contain_text(external_detour)
    assert_accessible(page, f"goal with potholes and detours ({language})")

    # A session, from the goals and sessions page.
    page.locator(f'main .usa-breadcrumb a[href="{person}/goals/"]').click()
    expect(page).to_have_url(re.compile(rf"{person}/goals/$"))
    expect(
        page.locator(f'section[aria-labelledby=open-heading] a[href="{goal_path}"]')
    ).to_have_text(words["goal"])
    assert_accessible(page, f"goals and sessions with the new goal ({language})")
    page.locator(f'main a[href="{person}/sessions/new/"]').click()
    expect(page).to_have_url(re.compile(rf"{person}/sessions/new/$"))
    assert_accessible(page, f"record a session ({language})")
    held_at = timezone.localtime() - timedelta(hours=1)
    page.locator("main input[name=held_at]").fill(held_at.strftime("%Y-%m-%dT%H:%M"))
    choose(page, "mode", "phone")
    page.locator("main input[name=minutes]").fill("45")
    page.locator("main input[name=topic]").fill(words["topic"])
    choose(page, "stages", "goal")
    choose(page, "stages", "plan")
    page.locator("main textarea[name=notes]").fill("Bus pass sorted.\nCall the clinic Monday.")
    submit(page)
    expect(page).to_have_url(re.compile(rf"{person}/goals/$"))
    saved(page)
    session = page.locator("section[aria-labelledby=sessions-heading] ol.stride-sessions > li")
    session = session.filter(has_text=words["topic"])
    expect(session).to_have_count(1)
    expect(session).to_contain_text("45")
    # The notes written in the meeting are there to read at the next one, line by line.
    expect(session).to_contain_text("Bus pass sorted.")
    expect(session.locator("br")).to_have_count(1)
    assert_accessible(page, f"goals and sessions with the new session ({language})")

    # Back on the goal: the first step is done.
    page.locator(f'section[aria-labelledby=open-heading] a[href="{goal_path}"]').click()
    expect(page).to_have_url(re.compile(rf"{goal_path}$"))
    assert_accessible(page, f"goal before a step is done ({language})")
    first = steps.filter(has_text=words["steps"][0])
    first.locator("input[name=note]").fill(words["step_note"])
    first.locator("button[name=status][value=done]").click()
    expect(page).to_have_url(re.compile(rf"{goal_path}$"))
    saved(page)
    expect(first).to_have_class(re.compile(r"\bstride-step--done\b"))
    expect(first).to_contain_text(words["step_note"])
    check_progress(page, language, 1, 3)
    assert_accessible(page, f"goal with a step done ({language})")

    # Review: the goal needs changing, so the review leads to the goal's form.
    page.locator(f'main a[href="{goal_path}review/"]').click()
    expect(page).to_have_url(re.compile(rf"{goal_path}review/$"))
    assert_accessible(page, f"review ({language})")
    page.locator("main textarea[name=how_it_went]").fill(words["how_it_went"])
    page.locator("main textarea[name=went_well]").fill(words["went_well"])
    choose(page, "decision", Review.Decision.CHANGE_GOAL)
    submit(page)
    expect(page).to_have_url(re.compile(rf"{goal_path}edit/$"))
    saved(page)
    expect(page.locator("main textarea[name=words]")).to_have_value(words["goal"])
    # Checked at the end, so a lost date doesn't hide what the rest of the cycle shows.
    date_on_the_form = page.locator("main input[name=target_date]").input_value()
    assert_accessible(page, f"edit the goal after a review ({language})")
    page.locator("main textarea[name=words]").fill(words["revised"])
    submit(page)
    expect(page).to_have_url(re.compile(rf"{goal_path}$"))
    saved(page)

    # The revised goal: its words, status, progress, history and review.
    revised = label_of(language, Goal.Status.REVISED)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(words["revised"])
    expect(page.locator("main h1 + p")).to_contain_text(revised)
    check_progress(page, language, 1, 3)
    history = page.locator("section[aria-labelledby=history-heading] li")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text(label_of(language, Goal.Status.ACTIVE))
    expect(history.last).to_contain_text(revised)
    reviews = page.locator("section[aria-labelledby=reviews-heading] .usa-summary-box")
    expect(reviews).to_have_count(1)
    expect(reviews.locator("h3")).to_contain_text(label_of(language, Review.Decision.CHANGE_GOAL))
    expect(reviews).to_contain_text(words["how_it_went"])
    expect(reviews).to_contain_text(words["went_well"])
    assert_accessible(page, f"revised goal ({language})")

    goal.refresh_from_db()
    assert (goal.words, goal.status) == (words["revised"], Goal.Status.REVISED)
    assert [step.status for step in goal.steps.all()] == [
        Step.Status.DONE,
        Step.Status.PLANNED,
        Step.Status.PLANNED,
    ]
    assert goal.obstacles.count() == 2
    assert case.coaching_sessions.filter(topic=words["topic"], minutes=45).count() == 1
    assert date_on_the_form == target.isoformat(), (
        f"the goal's edit form ({language}) shows the target date {target} as "
        f"{date_on_the_form!r}; a date input only takes YYYY-MM-DD, so saving the form "
        f"clears the date (now {goal.target_date})"
    )
    assert goal.target_date == target


def a_goal_with_a_planned_step(username: str) -> Goal:
    """An open goal of a new family on this coach's caseload: one step done, two to do."""
    case = a_new_family(username, "Thistlewood")
    actor = Actor(case.coach)
    today = timezone.localdate()
    goal = coaching.set_goal(
        actor, case, coaching.GoalDetails("Get my forklift certificate", "learning")
    )
    for offset, what in enumerate(
        ["Call the training center", "Book the class", "Take the test"], start=-1
    ):
        step = coaching.add_step(
            actor, goal, coaching.StepDetails(what, due_on=today + timedelta(days=7 * offset))
        )
        if offset < 0:
            coaching.mark_step(actor, step, step.version, Step.Status.DONE)
    return goal


def test_marking_a_step_done_on_a_phone(site, new_page, log_in, assert_accessible):
    goal = a_goal_with_a_planned_step("coach")
    steps = list(goal.steps.all())
    done = sum(step.status == Step.Status.DONE for step in steps)
    planned = next(step for step in steps if step.status == Step.Status.PLANNED)

    page = new_page(375, 667)
    log_in(page, "coach")
    page.goto(f"{site}/goals/{goal.uuid}/")
    expect(page.locator("h1")).to_have_text(goal.words)
    check_progress(page, "en", done, len(steps))
    fits_the_screen(page, 375)
    assert_accessible(page, "goal (375x667)")

    step = page.locator(f"#step-{planned.uuid}")
    step.locator("input[name=note]").fill("Done on the bus")
    step.locator("button[name=status][value=done]").click()
    expect(page).to_have_url(re.compile(rf"/goals/{goal.uuid}/$"))
    saved(page)
    expect(step).to_have_class(re.compile(r"\bstride-step--done\b"))
    expect(step).to_contain_text("Done on the bus")
    check_progress(page, "en", done + 1, len(steps))
    fits_the_screen(page, 375)
    assert_accessible(page, "goal with a step done (375x667)")
