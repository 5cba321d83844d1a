"""Reminders through the API: the reminders set on a plan, every message and where it is, and
consent on the participant's record, each scoped like the reminders page."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from stride.core.models import AuditEvent
from stride.reminders import channels, sending
from stride.reminders.models import Consent, Message
from stride.reminders.tests.helpers import agree, reminder_of, step_to_remind

pytestmark = pytest.mark.django_db

FRESNO = ZoneInfo("America/Los_Angeles")
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=FRESNO)
THURSDAY = date(2026, 3, 12)
REMIND_AT = datetime(2026, 3, 11, 10, 0, tzinfo=FRESNO)  # the day before the step, at ten


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class Provider:
    def send(self, outgoing: channels.Outgoing) -> str:
        return f"SM{outgoing.key[:8]}"


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def reminded(world, clock):
    """The case agreed to texts and has a step due Thursday, reminded Wednesday at ten."""
    agree(world)
    return step_to_remind(world, THURSDAY, "Call the adult school")


def test_a_coach_reads_the_reminders_on_their_participants_steps(world, reminded):
    [row] = api_as(world.coach).get(reverse("api:reminder-list")).json()["results"]
    assert row["what"] == "Call the adult school"
    assert (row["about"], row["about_id"]) == ("step", str(reminded.uuid))
    assert datetime.fromisoformat(row["when"]) == REMIND_AT
    assert (row["channel"], row["status"], row["participant"]) == (
        "sms",
        "queued",
        str(world.case.uuid),
    )
    assert "body" not in row


def test_coach2_sees_nothing_of_coachs_caseload_and_a_participant_only_their_own(world, reminded):
    other = step_to_remind(world, THURSDAY, "Visit the job center", case=world.other_case)
    assert not Message.objects.filter(about_id=other.uuid).exists()  # Ana never agreed
    agree(world, address="(661) 555-0102", case=world.other_case)
    assert Message.objects.filter(about_id=other.uuid).exists()
    for route in ("api:reminder-list", "api:message-list"):
        assert api_as(world.coach_same_team).get(reverse(route)).json()["results"] == []
        mine = api_as(world.participant_user).get(reverse(route)).json()["results"]
        assert {row["participant"] for row in mine} == {str(world.case.uuid)}
        theirs = api_as(world.other_county_coach).get(reverse(route)).json()["results"]
        assert {row["participant"] for row in theirs} == {str(world.other_case.uuid)}
    message = reminder_of(reminded)
    for route in ("api:reminder-detail", "api:message-detail"):
        url = reverse(route, args=[message.uuid])
        assert api_as(world.coach_same_team).get(url).status_code == 404
        assert api_as(world.other_county_coach).get(url).status_code == 404
        assert api_as(world.participant_user).get(url).status_code == 200


def test_a_message_shows_its_tries_and_when_it_was_sent_and_delivered(
    world, reminded, clock, monkeypatch
):
    monkeypatch.setattr(channels, "sms_backend", Provider)
    message = reminder_of(reminded)
    clock.move_to(REMIND_AT)
    assert sending.deliver(message.pk).status == "sent"
    sent = Message.objects.get(pk=message.pk)
    assert sending.provider_said(sent.provider_id, "delivered")

    url = reverse("api:message-detail", args=[message.uuid])
    row = api_as(world.coach).get(url).json()
    assert (row["status"], row["attempts"]) == ("delivered", 1)
    assert datetime.fromisoformat(row["sent_at"]) == REMIND_AT
    assert datetime.fromisoformat(row["delivered_at"]) == REMIND_AT
    assert row["body"] == sent.body and "Call the adult school" in row["body"]
    assert api_as(world.participant_user).get(url).json()["body"] == sent.body


def test_words_of_a_kind_that_may_not_be_read_are_never_shown(world, reminded, monkeypatch):
    # Only reminders and answers to a text repeat what their record says; a new kind of message
    # (a sign-in link sent to a phone) shows no words until someone decides it may.
    assert {*Message.REMINDERS, Message.About.REPLY} == Message.READABLE_WORDS
    monkeypatch.setattr(Message, "READABLE_WORDS", frozenset({Message.About.REPLY}))
    url = reverse("api:message-detail", args=[reminder_of(reminded).uuid])
    for person in (world.coach, world.supervisor, world.state_admin, world.participant_user):
        row = api_as(person).get(url).json()
        assert (row["status"], row["body"]) == ("queued", None), person.username


def test_reading_a_reminder_is_a_view_of_its_participant(world, reminded):
    url = reverse("api:reminder-detail", args=[reminder_of(reminded).uuid])
    assert api_as(world.supervisor).get(url).status_code == 200
    event = AuditEvent.objects.get(action="view")
    assert (event.participant, event.channel, event.actor) == (
        world.case.uuid,
        "api",
        world.supervisor,
    )


def test_reminders_filter_by_participant_kind_channel_and_status(world, reminded):
    client = api_as(world.state_admin)
    url = reverse("api:reminder-list")
    assert client.get(url, {"participant": str(world.case.uuid)}).json()["count"] == 1
    assert client.get(url, {"participant": str(world.other_case.uuid)}).json()["count"] == 0
    assert client.get(url, {"about": "appointment"}).json()["count"] == 0
    assert client.get(url, {"channel": "sms", "status": "queued"}).json()["count"] == 1
    assert client.get(url, {"about": "reply"}).status_code == 400  # not a reminder's kind


def consents_url(world) -> str:
    return reverse("api:participant-reminder-consents", args=[world.case.uuid])


def test_consent_is_read_on_the_participants_record(world, clock):
    agree(world)
    [consent] = api_as(world.coach).get(consents_url(world)).json()
    assert (consent["channel"], consent["address"], consent["how"]) == (
        "sms",
        "+15595550101",
        "in_person",
    )
    assert consent["active"] is True and consent["recorded_by"] == "coach"
    assert consent["words"] == Consent.objects.get().words
    assert AuditEvent.objects.filter(action="view", participant=world.case.uuid).count() == 1
    assert api_as(world.participant_user).get(consents_url(world)).status_code == 200
    for outsider in (world.coach_same_team, world.other_county_admin, world.sysadmin):
        assert api_as(outsider).get(consents_url(world)).status_code == 404


def test_a_coach_records_consent_through_the_api_as_the_page_does(world, clock):
    asked = {"channel": "sms", "address": "559-555-0101", "how": "phone", "agreed": True}
    response = api_as(world.coach).post(consents_url(world), asked, format="json")
    assert response.status_code == 201, response.content
    consent = Consent.objects.get()
    assert response.json()["uuid"] == str(consent.uuid)
    assert (consent.address, consent.how, consent.recorded_by) == (
        "+15595550101",
        "phone",
        world.coach,
    )
    assert "STOP" in consent.words  # the words the page reads them, in their language
    event = AuditEvent.objects.get(action="create", record_type="Consent")
    assert (event.participant, event.channel, event.actor) == (world.case.uuid, "api", world.coach)

    # A new yes on the channel ends the earlier one, as on the page.
    again = {**asked, "address": "(559) 555-0199", "how": "in_person"}
    assert api_as(world.supervisor).post(consents_url(world), again).status_code == 201
    assert list(Consent.objects.order_by("pk").values_list("revoked_how", flat=True)) == [
        "in_person",
        "",
    ]


def test_a_consent_sent_again_with_its_idempotency_key_is_recorded_once(world, clock):
    asked = {"channel": "sms", "address": "559-555-0101", "how": "phone", "agreed": True}
    client = api_as(world.coach)
    key = {"HTTP_IDEMPOTENCY_KEY": "consent-7f3a"}
    first = client.post(consents_url(world), asked, format="json", **key)
    again = client.post(consents_url(world), asked, format="json", **key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert Consent.objects.count() == 1
    assert AuditEvent.objects.filter(record_type="Consent").count() == 1
    other = {**asked, "address": "559-555-0199"}
    assert client.post(consents_url(world), other, format="json", **key).status_code == 422
    assert Consent.objects.count() == 1


def test_consent_is_recorded_only_by_staff_who_keep_the_case(world, clock):
    asked = {"channel": "email", "address": "rosa@example.org", "how": "phone", "agreed": True}
    for person, status in (
        (world.state_admin, 403),
        (world.participant_user, 403),
        (world.sysadmin, 403),
        (world.coach_same_team, 404),
        (world.other_county_admin, 404),
    ):
        response = api_as(person).post(consents_url(world), asked, format="json")
        assert response.status_code == status, person.username
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(record_type="Consent").exists()


def test_consent_without_a_yes_or_a_real_address_is_refused(world, clock):
    client = api_as(world.coach)
    base = {"channel": "sms", "address": "559-555-0101", "how": "in_person"}
    no_yes = client.post(consents_url(world), {**base, "agreed": False}, format="json")
    assert no_yes.status_code == 400 and "agreed" in no_yes.json()
    bad = client.post(consents_url(world), {**base, "address": "12", "agreed": True})
    assert bad.json() == {"address": ["Enter a 10-digit US phone number."]}
    assert not Consent.objects.exists()


def test_the_schema_lists_reminders_messages_and_consent():
    schema = (
        APIClient()
        .get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    paths = schema["paths"]
    assert {"/api/v1/reminders/", "/api/v1/messages/{uuid}/"} <= set(paths)
    consent = paths["/api/v1/participants/{uuid}/reminder-consents/"]
    assert {"get", "post"} <= set(consent)
    assert schema["components"]["schemas"]["Message"]["properties"]["body"]["nullable"] is True
