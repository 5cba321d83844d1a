"""Coaching sessions written through the API: recorded as the new-session page records them,
their notes kept by whoever the notes page lets keep them, stale changes refused (ETag /
If-Match), a session recorded once per Idempotency-Key."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import World, data_queries
from stride.coaching import actions
from stride.coaching.actions import SessionDetails
from stride.coaching.forms import SessionForm
from stride.coaching.models import CoachingSession
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people.models import Participant

pytestmark = pytest.mark.django_db


def token_for(user) -> APIClient:
    client = APIClient()
    _instance, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def an_hour_ago() -> str:
    return (timezone.now() - timedelta(hours=1)).replace(microsecond=0).isoformat()


def a_session(world: World, by=None) -> CoachingSession:
    held_at = timezone.now() - timedelta(days=2)
    details = SessionDetails(held_at, "phone", 30, notes="Talked about the GED")
    return actions.record_session(Actor(by or world.coach), world.case, details)


def new_url(world: World) -> str:
    return reverse("api:participant-coaching-sessions", args=[world.case.uuid])


def detail_url(session: CoachingSession) -> str:
    return reverse("api:coaching-session-detail", args=[session.uuid])


# Who may record one: who keeps the case, its team or its county; anyone else in the county or
# beyond finds nobody (404); a role that never writes (the state, a participant) is refused.
RECORDERS = {
    "coach": 201,
    "supervisor": 201,
    "county_admin": 201,
    "coach_same_team": 404,
    "coach_same_county": 404,
    "other_county_coach": 404,
    "other_county_supervisor": 404,
    "other_county_admin": 404,
    "state_admin": 403,
    "sysadmin": 403,
    "participant_user": 403,
}


@pytest.mark.parametrize("person", RECORDERS)
def test_a_session_is_recorded_by_the_people_who_keep_the_case(world, person):
    user = getattr(world, person)
    events = AuditEvent.objects.count()

    response = token_for(user).post(
        new_url(world), {"held_at": an_hour_ago(), "mode": "phone", "minutes": 20}, format="json"
    )

    assert response.status_code == RECORDERS[person], response.content
    if response.status_code == 201:
        session = CoachingSession.objects.get(uuid=response.json()["uuid"])
        assert session.coach == user
        event = AuditEvent.objects.get(record_type="CoachingSession", record_id=session.uuid)
        assert (event.action, event.channel, event.actor) == ("create", "api", user)
    else:
        assert not CoachingSession.objects.exists()
        assert AuditEvent.objects.count() == events


# Who may change its notes: the coach who held it and supervisors (the notes page's rule);
# a county administrator reaches the session but may not keep another's notes (403).
NOTE_KEEPERS = {
    "coach": 200,
    "supervisor": 200,
    "county_admin": 403,
    "coach_same_team": 404,
    "coach_same_county": 404,
    "other_county_coach": 404,
    "other_county_supervisor": 404,
    "other_county_admin": 404,
    "state_admin": 403,
    "sysadmin": 403,
    "participant_user": 403,
}


@pytest.mark.parametrize("person", NOTE_KEEPERS)
def test_a_sessions_notes_are_kept_by_whom_the_notes_page_allows(world, person):
    session = a_session(world)

    response = token_for(getattr(world, person)).patch(
        detail_url(session), {"notes": "Called the school"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == NOTE_KEEPERS[person], response.content
    session.refresh_from_db()
    if response.status_code == 200:
        assert (session.notes, session.version, response["ETag"]) == ("Called the school", 2, '"2"')
        event = AuditEvent.objects.get(record_type="CoachingSession", action="change")
        assert (event.fields, event.channel) == (["notes"], "api")
    else:
        assert (session.notes, session.version) == ("Talked about the GED", 1)
        assert not AuditEvent.objects.filter(action="change").exists()


def test_a_county_admin_keeps_the_notes_of_a_session_they_held(world):
    session = a_session(world, by=world.county_admin)
    response = token_for(world.county_admin).patch(
        detail_url(session), {"notes": "Met at the office"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content


def test_without_a_token_nothing_is_written(world):
    session = a_session(world)
    client = APIClient()
    made = client.post(new_url(world), {"held_at": an_hour_ago()}, format="json")
    changed = client.patch(detail_url(session), {"notes": "x"}, format="json", HTTP_IF_MATCH='"1"')
    assert (made.status_code, changed.status_code) == (401, 401)


def test_a_session_for_nobody_or_of_nobody_is_a_404(world):
    client = token_for(world.coach)
    missing = reverse("api:participant-coaching-sessions", args=[uuid4()])
    body = {"held_at": an_hour_ago(), "mode": "phone", "minutes": 20}
    assert client.post(missing, body, format="json").status_code == 404
    gone = reverse("api:coaching-session-detail", args=[uuid4()])
    assert client.patch(gone, {"notes": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code == 404


def test_a_recorded_session_is_the_pages_session_with_its_audit_event_and_etag(world):
    held_at = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    next_time = held_at + timedelta(days=7)
    body = {
        "held_at": held_at.isoformat(),
        "mode": "in_person",
        "minutes": 45,
        "topic": "  Child care  ",
        "stages": ["plan", "goal"],
        "notes": " Found two centres ",
        "next_appointment": next_time.isoformat(),
    }
    response = token_for(world.coach).post(new_url(world), body, format="json")

    assert response.status_code == 201, response.content
    assert response["ETag"] == '"1"'
    session = CoachingSession.objects.get(uuid=response.json()["uuid"])
    assert (session.held_at, session.mode, session.minutes, session.topic) == (
        held_at,
        "in_person",
        45,
        "Child care",
    )
    assert (session.stages, session.notes, session.next_appointment) == (
        ["plan", "goal"],
        "Found two centres",
        next_time,
    )
    assert response.json()["participant"] == str(world.case.uuid)
    assert response.json()["coach"] == world.coach.username
    event = AuditEvent.objects.get(record_type="CoachingSession")
    assert (event.action, event.participant, event.changes) == (
        "create",
        world.case.uuid,
        {"mode": [None, "in_person"]},
    )
    assert Participant.objects.get(pk=world.case.pk).last_contact_at == held_at


def test_a_session_read_carries_its_etag(world):
    session = a_session(world)
    response = token_for(world.coach).get(detail_url(session))
    assert (response["ETag"], response.json()["version"]) == ('"1"', 1)


def test_a_refused_session_says_what_the_page_says_next_to_each_field(world):
    body = {"mode": "carrier pigeon", "minutes": 600, "stages": ["dance"], "topic": "x" * 201}
    response = token_for(world.coach).post(new_url(world), body, format="json")

    assert response.status_code == 400
    form = SessionForm(body)
    assert not form.is_valid()
    assert response.json() == {name: list(errors) for name, errors in form.errors.items()}
    assert set(response.json()) == {"held_at", "mode", "minutes", "stages", "topic"}


def test_a_session_ahead_or_an_appointment_before_it_is_refused_as_the_page_refuses_it(world):
    client = token_for(world.coach)
    later = (timezone.now() + timedelta(days=1)).isoformat()
    ahead = client.post(
        new_url(world), {"held_at": later, "mode": "phone", "minutes": 20}, format="json"
    )
    before = client.post(
        new_url(world),
        {
            "held_at": an_hour_ago(),
            "mode": "phone",
            "minutes": 20,
            "next_appointment": (timezone.now() - timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert ahead.json() == {
        "held_at": ["A session can't be in the future. Plan it as the next appointment instead."]
    }
    assert before.json() == {"next_appointment": ["The next appointment comes after this session."]}
    assert not CoachingSession.objects.exists()


def test_a_refusal_is_in_the_language_asked_for(world):
    response = token_for(world.coach).post(
        new_url(world), {"mode": "phone", "minutes": 20}, format="json", HTTP_ACCEPT_LANGUAGE="es"
    )
    with translation.override("es"):
        form = SessionForm({"mode": "phone", "minutes": 20})
        form.is_valid()
        expected = list(form.errors["held_at"])
    assert response.json() == {"held_at": expected}
    assert expected != ["This field is required."]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"held_at": 1765000000, "mode": "phone", "minutes": 20}, "held_at"),
        ({"held_at": "0001-01-01T00:00:00-01:00", "mode": "phone", "minutes": 20}, "held_at"),
        ({"held_at": "1899-12-31T10:00:00", "mode": "phone", "minutes": 20}, "held_at"),
        ({"held_at": "9999-12-31T23:59:00-08:00", "mode": "phone", "minutes": 20}, "held_at"),
        ({"mode": "phone", "minutes": "20", "held_at": "2020-01-01T10:00:00Z"}, "minutes"),
        ({"mode": "phone", "minutes": 20, "held_at": "2020-01-01T10:00:00Z", "stages": "do"}, "stages"),
        ({"mode": "phone", "minutes": 20, "held_at": "2020-01-01T10:00:00Z", "notes": 4}, "notes"),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_or_out_of_reach_is_refused(world, body, field):
    response = token_for(world.coach).post(new_url(world), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_notes_need_if_match_and_a_stale_one_is_refused(world):
    session = a_session(world)
    client = token_for(world.coach)
    url = detail_url(session)

    missing = client.patch(url, {"notes": "x"}, format="json")
    stale = client.patch(url, {"notes": "x"}, format="json", HTTP_IF_MATCH='"4"')
    nothing = client.patch(url, {}, format="json", HTTP_IF_MATCH='"1"')
    too_long = client.patch(url, {"notes": "x" * 4001}, format="json", HTTP_IF_MATCH='"1"')

    assert (missing.status_code, stale.status_code, stale["ETag"]) == (428, 412, '"1"')
    assert (nothing.status_code, nothing["ETag"], nothing.json()["notes"]) == (
        200,
        '"1"',
        "Talked about the GED",
    )
    assert too_long.json() == {
        "notes": ["Ensure this value has at most 4000 characters (it has 4001)."]
    }
    assert not AuditEvent.objects.filter(action="change").exists()


def test_two_note_changes_with_the_same_etag_save_only_the_first(world):
    session = a_session(world)
    url = detail_url(session)
    first = token_for(world.coach).patch(url, {"notes": "A"}, format="json", HTTP_IF_MATCH='"1"')
    second = token_for(world.supervisor).patch(
        url, {"notes": "B"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert (first.status_code, second.status_code) == (200, 412)
    session.refresh_from_db()
    assert (session.notes, session.version) == ("A", 2)


def test_the_same_session_sent_twice_with_one_key_is_recorded_once(world):
    client = token_for(world.coach)
    body = {"held_at": an_hour_ago(), "mode": "video", "minutes": 15}

    first = client.post(new_url(world), body, format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    events = AuditEvent.objects.count()
    again = client.post(new_url(world), body, format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    other = client.post(
        new_url(world), {**body, "minutes": 16}, format="json", HTTP_IDEMPOTENCY_KEY="s-1"
    )

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert again.content == first.content and again["ETag"] == '"1"'
    assert CoachingSession.objects.count() == 1
    assert AuditEvent.objects.count() == events


# The record read through the access module (and locked, for notes), then the action's
# statements: the session, the participant's last contact, the audit event, and the four of
# the reminder the session's next appointment sets (the reminders app listens to the save).
# A key adds three: looked up, old ones pruned, stored.
@pytest.mark.parametrize(
    "write, expected",
    [("record", 8), ("record with a key", 11), ("notes", 8)],
)
def test_each_session_write_runs_a_fixed_number_of_queries(world, write, expected):
    for _n in range(3):  # more sessions around it change nothing
        session = a_session(world)
    client = APIClient()
    client.force_authenticate(world.coach)
    with CaptureQueriesContext(connection) as captured:
        if write == "notes":
            response = client.patch(
                detail_url(session), {"notes": "x"}, format="json", HTTP_IF_MATCH='"1"'
            )
        else:
            headers = {"HTTP_IDEMPOTENCY_KEY": "q"} if write == "record with a key" else {}
            next_time = (timezone.now() + timedelta(days=3)).isoformat()
            body = {
                "held_at": an_hour_ago(),
                "mode": "phone",
                "minutes": 20,
                "next_appointment": next_time,
            }
            response = client.post(new_url(world), body, format="json", **headers)
    assert response.status_code in (200, 201), response.content
    assert len(data_queries(captured)) == expected, "\n".join(
        q[:150] for q in data_queries(captured)
    )
