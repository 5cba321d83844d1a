"""Every create, change, delete, view and export is an audit event, readable by supervisors."""

import pytest
from django.urls import reverse

from stride.core.models import AuditEvent

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
