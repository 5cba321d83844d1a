"""Texts back from participants: STOP at once, START again, HELP, 1 and 2, and words for the coach."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from twilio.request_validator import RequestValidator

from stride.coaching.models import Step
from stride.core.models import AuditEvent
from stride.reminders import channels, tasks
from stride.reminders.models import Consent, CountySettings, Message, Reply

from .helpers import PHONE, agree, live_in, reminder_of, step_to_remind

FRESNO = ZoneInfo("America/Los_Angeles")
TOKEN = "a-test-auth-token"
INBOUND = "http://localhost/reminders/sms/inbound/"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.STRIDE_TWILIO_AUTH_TOKEN = TOKEN
    settings.STRIDE_PUBLIC_URL = ""


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 3, 9, 9, 0, tzinfo=FRESNO), tick=False) as traveller:
        yield traveller


def text(body: str, phone: str = PHONE, url: str = INBOUND, signature: str | None = None):
    params = {"From": phone, "Body": body, "MessageSid": "SM123", "To": "+15595550000"}
    signed = RequestValidator(TOKEN).compute_signature(url, params)
    return Client(HTTP_HOST="localhost").post(
        url, params, HTTP_X_TWILIO_SIGNATURE=signature if signature is not None else signed
    )


def a_sent_reminder(world, clock, monkeypatch) -> Step:
    class Accepting:
        def send(self, outgoing):
            return "SMabc"

    monkeypatch.setattr(channels, "sms_backend", Accepting)
    step = step_to_remind(world, date(2026, 3, 12))
    clock.move_to(datetime(2026, 3, 11, 10, 0, tzinfo=FRESNO))
    assert tasks.send_message.call(reminder_of(step).pk) == "sent"
    return step


def test_a_text_with_a_bad_signature_is_refused_and_changes_nothing(world):
    agree(world)
    answer = text("STOP", signature="not-twilios")
    assert answer.status_code == 403
    assert Consent.objects.get().active
    assert text("STOP", signature="").status_code == 403


def test_the_webhook_takes_only_posts(world):
    assert Client().get(reverse("reminders:sms_inbound")).status_code == 405


def test_a_text_from_a_number_stride_does_not_know_gets_200_and_nothing_happens(world):
    agree(world)
    before = AuditEvent.objects.count()
    answer = text("STOP", phone="+15595559999")
    assert answer.status_code == 200
    assert "<Message>" not in answer.content.decode()
    assert AuditEvent.objects.count() == before and not Reply.objects.exists()
    assert Consent.objects.get().active


@pytest.mark.parametrize(
    "word",
    ["STOP", " stop ", "Quit", "end", "CANCEL", "unsubscribe", "Revoke", "opt out", "OPT-OUT",
     "ALTO", "parar", "Cancelar", "baja", "No más"],
)  # fmt: skip
def test_stop_words_in_english_or_spanish_end_consent_at_once(world, clock, word):
    agree(world)
    waiting = reminder_of(step_to_remind(world, date(2026, 3, 12)))
    answer = text(word)
    assert answer.status_code == 200 and "no more text reminders" in answer.content.decode()
    consent = Consent.objects.get()
    assert not consent.active and consent.revoked_how == Consent.How.TEXT
    waiting.refresh_from_db()
    assert waiting.status == Message.Status.CANCELLED
    event = AuditEvent.objects.filter(record_id=consent.uuid).latest("pk")
    assert event.channel == "sms" and event.changes == {"revoked_how": [None, "text"]}


def test_start_after_stop_agrees_again_in_the_words_it_is_answered_with(world, clock):
    live_in(world.case, "93721", "es")
    agree(world)
    text("ALTO")
    answer = text("start")
    assert "activos otra vez" in answer.content.decode()
    again = Consent.objects.filter(revoked_at__isnull=True).get()
    assert again.how == Consent.How.TEXT and again.address == PHONE
    assert again.words.startswith("Stride: los recordatorios")


def test_help_answers_with_the_countys_contact(world):
    CountySettings.objects.create(county=world.county, help_contact="Fresno County, 559-555-0100")
    agree(world)
    assert "559-555-0100" in text(" help ").content.decode()


def test_one_marks_the_step_of_the_last_reminder_done_through_coachings_actions(
    world, clock, monkeypatch, client_for
):
    agree(world)
    step = a_sent_reminder(world, clock, monkeypatch)
    answer = text("1")
    assert "well done" in answer.content.decode()
    step.refresh_from_db()
    assert step.status == Step.Status.DONE
    event = AuditEvent.objects.filter(record_id=step.uuid).latest("pk")
    assert event.changes == {"status": ["planned", "done"]} and event.channel == "sms"
    assert event.actor == world.participant_user
    reply = Reply.objects.get()
    assert reply.meaning == Reply.Meaning.DONE and reply.message == reminder_of(step)
    today = client_for(world.coach).get(reverse("staff:today")).content.decode()
    assert "Texted back that a step is done." in today


def test_two_says_not_yet(world, clock, monkeypatch):
    agree(world)
    step = a_sent_reminder(world, clock, monkeypatch)
    text(" 2 ")
    step.refresh_from_db()
    assert step.status == Step.Status.NOT_DONE


def test_anything_else_is_kept_for_the_coach_and_shown_on_today(world, clock, client_for):
    agree(world)
    answer = text("Can we meet on Friday instead?")
    assert "your coach will read" in answer.content.decode()
    assert Reply.objects.get().meaning == Reply.Meaning.NOTE
    today = client_for(world.coach).get(reverse("staff:today")).content.decode()
    assert "Can we meet on Friday instead?" in today
    outsider = client_for(world.other_county_coach).get(reverse("staff:today")).content.decode()
    assert "Can we meet on Friday instead?" not in outsider


def test_after_stop_a_one_changes_nothing(world, clock, monkeypatch):
    agree(world)
    step = a_sent_reminder(world, clock, monkeypatch)
    text("STOP")
    text("1")
    step.refresh_from_db()
    assert step.status == Step.Status.PLANNED and not Reply.objects.exists()


def test_the_providers_delivery_report_is_recorded_and_a_failure_shows_on_today(
    world, clock, monkeypatch, client_for
):
    agree(world)
    step = a_sent_reminder(world, clock, monkeypatch)
    url = "http://localhost/reminders/sms/status/"
    params = {"MessageSid": "SMabc", "MessageStatus": "undelivered"}
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    client = Client(HTTP_HOST="localhost")
    assert client.post(url, params, HTTP_X_TWILIO_SIGNATURE="bad").status_code == 403
    assert client.post(url, params, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 204
    message = reminder_of(step)
    assert message.status == Message.Status.FAILED
    today = client_for(world.coach).get(reverse("staff:today")).content.decode()
    assert "could not be sent" in today
