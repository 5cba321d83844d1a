"""The reminders page on a participant's record, and the demo outbox (DEBUG only)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from stride.coaching.models import Step
from stride.core.models import AuditEvent
from stride.reminders import channels, tasks
from stride.reminders.models import Consent, CountySettings, Reply

from .helpers import PHONE, agree, reminder_of, step_to_remind

FRESNO = ZoneInfo("America/Los_Angeles")


def consent_url(world) -> str:
    return reverse("reminders:consent", kwargs={"uuid": world.case.uuid})


def test_the_coach_records_consent_in_the_words_shown_in_the_households_language(world, client_for):
    client = client_for(world.coach)
    page = client.get(consent_url(world)).content.decode()
    assert "Reply STOP to stop, HELP for help." in page
    answer = client.post(
        consent_url(world),
        {"channel": "sms", "address": "(559) 555-0101", "how": "phone", "agreed": "on"},
    )
    assert answer.status_code == 302
    consent = Consent.objects.get()
    assert (consent.address, consent.how, consent.recorded_by) == (PHONE, "phone", world.coach)
    assert consent.words.startswith("I agree to get text message reminders")
    assert AuditEvent.objects.filter(record_id=consent.uuid, action="create").exists()
    assert PHONE in client.get(consent_url(world)).content.decode()


def test_consent_needs_the_yes_and_a_real_number(world, client_for):
    client = client_for(world.coach)
    no_yes = client.post(
        consent_url(world), {"channel": "sms", "address": "5595550101", "how": "phone"}
    )
    assert no_yes.status_code == 200 and not Consent.objects.exists()
    bad = client.post(
        consent_url(world), {"channel": "sms", "address": "555-01", "how": "phone", "agreed": "on"}
    )
    assert "Enter a 10-digit US phone number." in bad.content.decode()
    assert not Consent.objects.exists()


def test_a_coach_without_the_case_and_a_reader_cannot_record_consent(world, client_for):
    data = {"channel": "sms", "address": "5595550101", "how": "phone", "agreed": "on"}
    assert client_for(world.coach_same_team).post(consent_url(world), data).status_code == 404
    assert client_for(world.state_admin).post(consent_url(world), data).status_code == 403
    assert client_for(world.other_county_coach).get(consent_url(world)).status_code == 404
    assert not Consent.objects.exists()


def test_the_coach_stops_reminders_when_asked(world, client_for):
    consent = agree(world)
    url = reverse("reminders:consent_withdraw", kwargs={"uuid": consent.uuid})
    assert client_for(world.other_county_coach).post(url).status_code == 404
    assert client_for(world.coach).post(url, {"how": "phone"}).status_code == 302
    consent.refresh_from_db()
    assert not consent.active and consent.revoked_how == "phone"


@pytest.fixture
def sent(world, monkeypatch):
    class Accepting:
        def send(self, outgoing):
            return f"console-{outgoing.key}"

    monkeypatch.setattr(channels, "sms_backend", Accepting)
    with time_machine.travel(datetime(2026, 3, 9, 9, 0, tzinfo=FRESNO), tick=False) as clock:
        agree(world)
        step = step_to_remind(world, date(2026, 3, 12))
        clock.move_to(datetime(2026, 3, 11, 10, 0, tzinfo=FRESNO))
        assert tasks.send_message.call(reminder_of(step).pk) == "sent"
        yield step


def test_the_demo_outbox_is_not_there_without_debug(world, client_for, sent):
    assert client_for(world.coach).get(reverse("reminders:outbox")).status_code == 404


def test_the_demo_outbox_shows_the_text_and_an_answer_goes_the_same_way_as_a_real_one(
    world, client_for, sent, settings
):
    settings.DEBUG = True
    client = client_for(world.coach)
    page = client.get(reverse("reminders:outbox")).content.decode()
    assert "Call the adult school" in page and PHONE in page
    outsider = client_for(world.other_county_coach).get(reverse("reminders:outbox"))
    assert "Call the adult school" not in outsider.content.decode()
    assert client_for(world.participant_user).get(reverse("reminders:outbox")).status_code == 403
    reply = reverse("reminders:outbox_reply")
    assert (
        client_for(world.other_county_coach).post(reply, {"phone": PHONE, "body": "1"}).status_code
        == 404
    )
    answered = client.post(reply, {"phone": PHONE, "body": "1"}, follow=True)
    assert "well done" in answered.content.decode()
    sent.refresh_from_db()
    assert sent.status == Step.Status.DONE
    assert Reply.objects.get().meaning == "done"
    assert "Texted back that a step is done." in client.get(reverse("staff:today")).content.decode()


def test_the_profile_links_to_the_reminders_page(world, client_for):
    profile = client_for(world.coach).get(world.case.get_absolute_url()).content.decode()
    assert consent_url(world) in profile


def test_a_county_administrator_sets_quiet_hours_and_the_help_contact(world, client_for, settings):
    url = reverse("reminders:county_settings")
    assert client_for(world.coach).get(url).status_code == 403
    admin = client_for(world.county_admin)
    assert admin.get(url).status_code == 200
    answer = admin.post(
        url, {"quiet_from": "20:00", "quiet_until": "09:30", "help_contact": "Fresno, 559-555-0100"}
    )
    assert answer.status_code == 302
    chosen = CountySettings.objects.get(county=world.county)
    assert (chosen.quiet_from, chosen.quiet_until) == (time(20, 0), time(9, 30))
    assert AuditEvent.objects.filter(record_id=world.county.uuid, action="change").exists()
    assert not CountySettings.objects.filter(county=world.other_county).exists()


def test_a_countys_quiet_hours_hold_a_reminder_back(world, client_for, monkeypatch):
    client_for(world.county_admin).post(
        reverse("reminders:county_settings"),
        {"quiet_from": "19:00", "quiet_until": "09:30", "help_contact": ""},
    )
    calls = []

    class Accepting:
        def send(self, outgoing):
            calls.append(outgoing)
            return "SM1"

    monkeypatch.setattr(channels, "sms_backend", Accepting)
    with time_machine.travel(datetime(2026, 3, 9, 18, 30, tzinfo=FRESNO), tick=False):
        agree(world)  # written before the county's quiet hours, due at once
        message = reminder_of(step_to_remind(world, date(2026, 3, 10)))
    with time_machine.travel(datetime(2026, 3, 9, 19, 30, tzinfo=FRESNO), tick=False):
        assert tasks.send_message.call(message.pk) == "queued"  # the worker comes late
    message.refresh_from_db()
    assert message.next_try_at == datetime(2026, 3, 10, 9, 30, tzinfo=FRESNO) and not calls
