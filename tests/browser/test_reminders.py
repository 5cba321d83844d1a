"""A reminder's whole loop in the browser, with axe-core on each page.

A coach records a family's consent to texts, plans a step with a reminder, the
worker's task sends it, the demo outbox shows it in the family's Spanish, the
participant answers 1 there, and the coach's Today shows the step done. The
county's quiet hours are set to none so the loop runs at any hour; the send is
the worker's own task, run here.
"""

from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails
from stride.coaching.models import Step
from stride.core.audit import Actor
from stride.core.models import User
from stride.people.models import Household
from stride.reminders import tasks
from stride.reminders.models import CountySettings, Message

from .conftest import a_new_family, fits_the_screen, switch_language, translated
from .test_participant_journey import PHONE, sign_in_as_participant

pytestmark = pytest.mark.browser


def tick(page: Page, selector: str) -> None:
    """Tick a USWDS radio or checkbox by clicking its label (the native input is hidden)."""
    field = page.locator(f"main {selector}")
    page.locator(f'label[for="{field.get_attribute("id")}"]').click()
    expect(field).to_be_checked()


def test_a_text_reminder_goes_out_in_spanish_and_a_1_marks_the_step_done(
    site, page: Page, log_in, assert_accessible, settings
):
    settings.DEBUG = True  # the demo outbox is there only with DEBUG on
    family = a_new_family("coach", "Recordatorio", "Rosa")
    Household.objects.filter(pk=family.household_id).update(language="es", zip_code="93721")
    CountySettings.objects.update_or_create(
        county=family.county, defaults={"quiet_from": time(0, 0), "quiet_until": time(0, 0)}
    )
    coach = User.objects.get(username="coach")
    goal = coaching.set_goal(Actor(coach), family, GoalDetails("Terminar el GED", "learning"))

    log_in(page, "coach")
    page.goto(f"{site}/participants/{family.uuid}/reminders/")
    assert_accessible(page, "the reminders page")
    tick(page, "input[name=channel][value=sms]")
    page.locator("input[name=address]").fill("(559) 555-0177")
    tick(page, "input[name=how][value=in_person]")
    tick(page, "input[name=agreed]")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("+15595550177")

    page.goto(f"{site}/goals/{goal.uuid}/steps/new/")
    page.locator("input[name=what]").fill("Llamar a la escuela de adultos")
    page.locator("input[name=due_on]").fill(timezone.localdate().isoformat())
    tick(page, "input[name=wants_reminder]")
    page.locator("main form button[type=submit]").first.click()
    step = Step.objects.get(goal=goal)
    message = Message.objects.get(about_id=step.uuid)
    assert tasks.send_message.call(message.pk) == "sent"  # what the worker runs

    page.goto(f"{site}/reminders/demo/outbox/")
    thread = page.locator("main section", has_text="+15595550177")
    expect(thread).to_contain_text("Responda 1 cuando esté hecho")
    expect(thread).to_contain_text("Llamar a la escuela de adultos")
    assert_accessible(page, "the demo outbox")
    thread.locator("input[name=body]").fill("1")
    thread.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(
        translated("es", "Stride: well done! Your coach will see that this step is done.")
    )

    page.goto(f"{site}/today/")
    expect(page.locator("#reminders-today-heading")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        translated("en", "Texted back that a step is done.")
    )
    assert_accessible(page, "Today with an answer to a reminder")
    step.refresh_from_db()
    assert step.status == Step.Status.DONE


def test_a_participant_chooses_their_reminder_times_and_says_yes_to_email_on_a_phone(
    site, new_page, assert_accessible
):
    page = new_page(*PHONE)
    sign_in_as_participant(page, site)
    page.goto(f"{site}/me/reminders/")
    fits_the_screen(page, PHONE[0])
    assert_accessible(page, "my reminders")
    tick(page, "input[name=lead][value=two_hours]")
    page.locator("select[name=at]").select_option("09:00")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".usa-alert").first).to_contain_text("Your reminder times are saved.")
    expect(page.locator("input[name=lead][value=two_hours]")).to_be_checked()

    switch_language(page, "es")
    expect(page.locator("h1")).to_have_text("Mis recordatorios")
    tick(page, "input[name=channel][value=email]")
    page.locator("input[name=address]").fill("participante@example.org")
    tick(page, "input[name=agreed]")
    page.locator("form[action$='/me/reminders/agree/'] button[type=submit]").click()
    expect(page.locator(".usa-alert").first).to_contain_text("Sus recordatorios están activados")
    expect(page.locator("main")).to_contain_text("mi página de recordatorios")
    assert_accessible(page, "my reminders in Spanish")
    page.locator("li", has_text="participante@example.org").locator("button").click()
    expect(page.locator("main")).not_to_contain_text("participante@example.org")
