"""Every create, change, delete, view and export is an audit event, readable by supervisors."""

from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.models import AuditEvent
from stride.reminders.models import Message

pytestmark = pytest.mark.django_db


def test_opening_a_profile_is_a_view_event_with_who_role_and_where(world, client_for):
    client_for(world.coach).get(
        reverse("staff:participant", args=[world.case.uuid]), REMOTE_ADDR="10.1.2.3"
    )
    event = AuditEvent.objects.filter(action="view").get()
    assert (event.actor, event.actor_role, event.record_type) == (
        world.coach,
        "coach",
        "Participant",
    )
    assert (event.participant, event.record_id, event.ip_address) == (
        world.case.uuid,
        world.case.uuid,
        "10.1.2.3",
    )


def test_events_never_hold_ssn_or_values(world, client_for):
    client_for(world.coach).post(
        reverse("people:member_new", args=[world.case.household.uuid]),
        {
            "first_name": "Leo",
            "last_name": "Lopez",
            "birth_date": "2019-09-09",
            "relationship": "child",
            "ssn": "321-54-9876",
        },
    )
    for event in AuditEvent.objects.all():
        # Identifiers (UUIDs) are random hex and may hold any digits; the rest must hold no values.
        text = " ".join(map(str, [event.fields, event.actor_name, event.channel]))
        assert "9876" not in text and "321" not in text and "Leo" not in text


def test_a_supervisor_reads_who_has_seen_the_record(world, client_for):
    client_for(world.coach).get(reverse("staff:participant", args=[world.case.uuid]))
    page = client_for(world.supervisor).get(
        reverse("people:participant_audit", args=[world.case.uuid])
    )
    events = list(page.context["page"])
    # Newest first: the supervisor's own reading (the page shows the record, so it is a
    # view like any other), then the coach's.
    assert [(e.action, e.actor_name) for e in events][:2] == [
        ("view", "supervisor"),
        ("view", "coach"),
    ]
    assert any(e.action == "create" for e in events)
    only_views = client_for(world.supervisor).get(
        reverse("people:participant_audit", args=[world.case.uuid]), {"action": "view"}
    )
    assert {e.action for e in only_views.context["page"]} == {"view"}


def test_the_audit_page_does_not_leak_other_participants(world, client_for):
    client_for(world.other_county_coach).get(
        reverse("staff:participant", args=[world.other_case.uuid])
    )
    page = client_for(world.supervisor).get(
        reverse("people:participant_audit", args=[world.case.uuid])
    )
    assert all(e.participant == world.case.uuid for e in page.context["page"])


def test_sign_in_and_failed_sign_in_are_recorded(world):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.post(reverse("core:login"), {"username": "coach", "password": "wrong"})
    client.post(reverse("core:login"), {"username": "coach", "password": "a-long-test-password"})
    actions = list(AuditEvent.objects.filter(record_type="User").values_list("action", flat=True))
    assert "login_failed" in actions and "login" in actions


@pytest.mark.parametrize("count", [3, audit.COPY_FROM + 5])
def test_many_events_at_once_are_written_alike_on_every_database(world, count):
    # More than COPY_FROM go through PostgreSQL's COPY; the events must be the same.
    messages = [Message(uuid=uuid4(), status="queued", channel="sms") for _ in range(count)]
    actor = Actor(world.coach, "10.1.2.3", "api")
    AuditEvent.objects.all().delete()  # the world's own

    with CaptureQueriesContext(connection) as queries:
        audit.record_many(
            actor, Action.CREATE, iter(messages), lambda m: world.case.uuid, ["status", "when"]
        )

    events = AuditEvent.objects.order_by("id")
    assert events.count() == count
    if count < audit.COPY_FROM:
        assert len(queries) == 1  # one INSERT, on every database
    elif connection.vendor == "postgresql":
        assert [query["sql"][:4] for query in queries] == ["COPY"]
    first = events.first()
    expected = (world.coach, "coach", "create", "Message", world.case.uuid, "10.1.2.3", "api")
    assert (
        first.actor, first.actor_role, first.action, first.record_type, first.participant,
        first.ip_address, first.channel,
    ) == expected  # fmt: skip
    assert (first.fields, first.changes) == (
        ["channel", "status", "when"],
        {"status": [None, "queued"], "channel": [None, "sms"]},
    )
    assert [event.record_id for event in events] == [message.uuid for message in messages]
    assert len({event.uuid for event in events}) == count
