"""Postcard reminders: chosen at the household's address, printed by the office once a week."""

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from conftest import data_queries, open_case
from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails, SessionDetails
from stride.coaching.models import Step
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions as people
from stride.reminders import postcards, sending
from stride.reminders.models import Channel, Consent, Message

from .helpers import agree, step_to_remind

pytestmark = pytest.mark.django_db

FRESNO = ZoneInfo("America/Los_Angeles")
NOW = datetime(2027, 3, 3, 9, 0, tzinfo=FRESNO)  # a Wednesday
NEXT_MONDAY = date(2027, 3, 8)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def with_address(case, language="en", line="1450 Tulare St Apt 3"):
    household = case.household
    people.update_household(
        Actor(None),
        household,
        household.version,
        address_line=line,
        city="Fresno",
        zip_code="93721",
        language=language,
    )
    case.household.refresh_from_db()


def choose(world, case=None, actor=None):
    return postcards.choose(Actor(actor or world.coach), case or world.case, Consent.How.IN_PERSON)


def pdf_pages(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def print_week(client, office, monday=NEXT_MONDAY, again=False):
    data = {"week": monday.isoformat(), "office": str(office.uuid)}
    if again:
        data["again"] = "1"
    return client.post(reverse("reminders:postcards_print"), data)


def test_a_step_reminder_of_a_household_that_chose_postcards_waits_for_the_printer(world):
    with_address(world.case)
    consent = choose(world)
    assert (consent.channel, consent.address) == (
        Channel.POSTCARD,
        "1450 Tulare St Apt 3, Fresno 93721",
    )
    assert consent.words.startswith("I would like reminders about my plan from Stride on postcards")
    step = step_to_remind(world, date(2027, 3, 10))
    message = Message.objects.get(about=Message.About.STEP, about_id=step.uuid)
    assert message.channel == Channel.POSTCARD
    # No worker sends it, even once it is due: the office prints it.
    assert sending.deliver(message.pk, now=NOW + timedelta(days=10)) is None
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED


def test_choosing_postcards_twice_keeps_one_choice(world):
    with_address(world.case)
    first = choose(world)
    assert choose(world) == first
    assert Consent.objects.filter(channel=Channel.POSTCARD, revoked_at__isnull=True).count() == 1


def test_postcards_need_a_street_address(world, client_for):
    url = reverse("reminders:participant_postcards", kwargs={"uuid": world.case.uuid})
    page = reverse("reminders:calendar", kwargs={"uuid": world.case.uuid})
    assert "add it to their household first" in client_for(world.coach).get(page).content.decode()
    response = client_for(world.coach).post(
        url, {"postcards": "start", "how": "in_person"}, follow=True
    )
    assert "Add the family&#x27;s street address first." in response.content.decode()
    assert not Consent.objects.filter(channel=Channel.POSTCARD).exists()


def test_the_participant_turns_postcards_on_and_off_on_their_own_page(world, client_for):
    with_address(world.case, "es")
    client = client_for(world.participant_user)
    page = client.get(reverse("reminders:my_calendar")).content.decode()
    assert "1450 Tulare St Apt 3, Fresno 93721" in page
    client.post(reverse("reminders:my_postcards"), {"postcards": "start"})
    consent = Consent.objects.get(channel=Channel.POSTCARD)
    assert consent.how == Consent.How.PORTAL and consent.active
    assert consent.words.startswith("Me gustaría recibir recordatorios")
    client.post(reverse("reminders:my_postcards"), {"postcards": "stop"})
    consent.refresh_from_db()
    assert not consent.active and consent.revoked_how == Consent.How.PORTAL


def test_the_coach_records_postcards_only_with_how_they_were_asked(world, client_for):
    with_address(world.case)
    url = reverse("reminders:participant_postcards", kwargs={"uuid": world.case.uuid})
    client_for(world.coach).post(url, {"postcards": "start"})
    assert not Consent.objects.filter(channel=Channel.POSTCARD).exists()
    client_for(world.coach).post(url, {"postcards": "start", "how": "phone"})
    assert Consent.objects.get(channel=Channel.POSTCARD).how == Consent.How.PHONE
    assert client_for(world.other_county_coach).post(url, {"postcards": "stop"}).status_code == 404
    assert client_for(world.state_admin).post(url, {"postcards": "stop"}).status_code == 403
    assert Consent.objects.get(channel=Channel.POSTCARD).active


def a_spanish_family_with_a_postcard(world):
    """A second family, on coach's caseload, in Spanish, whose appointment is next week."""
    family = open_case(
        world.coach,
        "FR0000002",
        world.case.county,
        world.case.enrollments.first().program,
        world.coach,
        first_name="Rosa",
        last_name="Medina",
    )
    with_address(family, "es", "88 Olive Ave")
    choose(world, family)
    coaching.record_session(
        Actor(world.coach),
        family,
        SessionDetails(
            NOW - timedelta(hours=2),
            "in_person",
            30,
            next_appointment=datetime(2027, 3, 11, 15, 30, tzinfo=FRESNO),
        ),
    )
    return family


def test_the_weeks_batch_prints_each_card_in_its_households_language_then_marks_it(
    world, client_for
):
    with_address(world.case)
    choose(world)
    step = step_to_remind(world, date(2027, 3, 10), "Call the adult school about the GED class")
    later = step_to_remind(world, date(2027, 3, 20), "Visit the job center")  # the week after
    family = a_spanish_family_with_a_postcard(world)
    client = client_for(world.coach)
    page = client.get(reverse("reminders:postcards")).content.decode()
    assert "Fresno County" in page and "2 postcards to print." in page
    response = print_week(client, world.case.county)
    assert response["Content-Disposition"] == 'attachment; filename="postcards-2027-03-08.pdf"'
    pages = pdf_pages(response)
    assert len(pages) == 4  # two cards, each a front and a back
    text = " ".join(pages)
    assert "Call the adult school about the GED class" in text
    assert "Maria Lopez" in text and "1450 Tulare St Apt 3" in text and "Fresno 93721" in text
    assert "SU PRÓXIMA REUNIÓN CON SU COACH" in text  # the kicker is in capitals
    assert "Jueves, 11 de marzo de 2027 a las 15:30" in text and "Hola, Rosa:" in text
    assert "Rosa Medina" in text and "88 Olive Ave" in text
    assert "Visit the job center" not in text
    reader = PdfReader(BytesIO(response.content))
    width, height = (float(v) / 72 for v in reader.pages[0].mediabox[2:])
    assert (round(width, 2), round(height, 2)) == (6.0, 4.0)
    waiting = Message.objects.filter(channel=Channel.POSTCARD, status=Message.Status.QUEUED)
    assert list(waiting.values_list("about_id", flat=True)) == [later.uuid]
    printed = Message.objects.get(about_id=step.uuid)
    assert (printed.status, printed.sent_at) == (Message.Status.SENT, NOW)
    assert AuditEvent.objects.filter(
        record_id=printed.uuid,
        action="change",
        actor=world.coach,
        changes__status=["queued", "sent"],
    ).exists()
    assert AuditEvent.objects.filter(action="export", participant=family.uuid).exists()
    assert Step.objects.get(pk=step.pk).status == Step.Status.PLANNED


def test_a_printed_card_is_not_printed_twice_unless_asked_again(world, client_for):
    with_address(world.case)
    choose(world)
    step_to_remind(world, date(2027, 3, 10))
    client = client_for(world.coach)
    assert len(pdf_pages(print_week(client, world.case.county))) == 2
    second = print_week(client, world.case.county)
    assert second.status_code == 302  # nothing new: back to the page, which says so
    page = client.get(second["Location"]).content.decode()
    assert "There are no postcards left to print for that week." in page
    assert "1 printed already." in page
    again = print_week(client, world.case.county, again=True)
    assert len(pdf_pages(again)) == 2
    assert Message.objects.get(channel=Channel.POSTCARD).status == Message.Status.SENT


def test_a_family_without_a_street_address_is_named_instead_of_printed(world, client_for):
    with_address(world.case)
    choose(world)
    step_to_remind(world, date(2027, 3, 10))
    with_address(world.case, line="")  # they moved and the address is not known yet
    page = client_for(world.coach).get(reverse("reminders:postcards")).content.decode()
    assert "No street address, so no postcard for:" in page and "Maria Lopez" in page
    assert print_week(client_for(world.coach), world.case.county).status_code == 302


def test_text_messages_are_not_in_the_postcard_batch(world, client_for):
    agree(world)  # texts
    step_to_remind(world, date(2027, 3, 10))
    page = client_for(world.coach).get(reverse("reminders:postcards")).content.decode()
    assert "No postcard reminders are due that week." in page


def test_outsiders_see_and_print_none_of_the_familys_postcards(world, client_for):
    with_address(world.case)
    choose(world)
    step_to_remind(world, date(2027, 3, 10))
    for outsider in (world.coach_same_team, world.other_county_coach):
        client = client_for(outsider)
        page = client.get(reverse("reminders:postcards")).content.decode()
        assert "Maria" not in page and "postcards to print" not in page
        assert print_week(client, world.case.county).status_code == 302
    assert client_for(world.participant_user).get(reverse("reminders:postcards")).status_code == 403
    assert Message.objects.get(channel=Channel.POSTCARD).status == Message.Status.QUEUED


def test_the_consent_form_for_texts_and_email_does_not_offer_postcards(world, client_for):
    page = client_for(world.coach).get(
        reverse("reminders:consent", kwargs={"uuid": world.case.uuid})
    )
    assert 'value="postcard"' not in page.content.decode()


def test_a_goal_review_date_is_a_card_too(world):
    with_address(world.case)
    choose(world)
    goal = coaching.set_goal(
        Actor(world.coach),
        world.case,
        GoalDetails("Find a job I like", "employment", target_date=date(2027, 3, 12)),
    )
    assert Message.objects.get(about=Message.About.REVIEW, about_id=goal.uuid).channel == "postcard"
    (card,) = postcards.cards(postcards.for_week(Message.objects.all(), NEXT_MONDAY, False))
    assert (card.kind, card.what, card.on) == ("review", "Find a job I like", date(2027, 3, 12))


def batch_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reminders:postcards"))
    assert response.status_code == 200
    return len(data_queries(queries))


# Session, user, the week's postcards (with their families, teams and offices), and the
# session save.
BATCH_PAGE_QUERIES = 4


def test_the_batch_page_makes_the_same_queries_for_one_card_or_many(world, client_for):
    with_address(world.case)
    choose(world)
    client = client_for(world.coach)
    step_to_remind(world, date(2027, 3, 10))
    assert batch_page_queries(client) == BATCH_PAGE_QUERIES
    for day in (9, 11, 12, 13):
        step_to_remind(world, date(2027, 3, day), f"Step for the {day}th")
    a_spanish_family_with_a_postcard(world)
    assert "6 postcards to print." in client.get(reverse("reminders:postcards")).content.decode()
    assert batch_page_queries(client) == BATCH_PAGE_QUERIES
