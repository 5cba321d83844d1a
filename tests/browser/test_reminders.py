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

from .conftest import a_new_family, translated

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
