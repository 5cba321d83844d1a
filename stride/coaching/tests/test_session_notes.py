"""Session notes are shown where the case is read, and kept by the coach who wrote them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from stride.coaching import actions
from stride.coaching.actions import SessionDetails
from stride.coaching.models import CoachingSession
from stride.core.audit import Actor
from stride.core.edits import StaleEdit
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NOTES = "Maria found a GED class near her bus line.\nShe wants <b>evening</b> hours."


def a_session(world, notes=NOTES, days_ago=3) -> CoachingSession:
    held = timezone.now() - timedelta(days=days_ago)
    return actions.record_session(
        Actor(world.coach), world.case, SessionDetails(held, "phone", 20, notes=notes)
    )


def test_the_goals_page_shows_the_notes_escaped_with_their_line_breaks(world, client_for):
    session = a_session(world)
    page = (
        client_for(world.coach)
        .get(reverse("coaching:participant_goals", args=[world.case.uuid]))
        .content.decode()
    )
    assert "bus line.<br>She wants &lt;b&gt;evening&lt;/b&gt; hours." in page
    assert reverse("coaching:session_notes", args=[session.uuid]) in page
    assert reverse("coaching:sessions", args=[world.case.uuid]) in page


def test_the_sessions_page_lists_every_session_a_page_at_a_time(world, client_for, monkeypatch):
    monkeypatch.setattr("stride.coaching.views.SESSIONS_PAGE", 2)
    made = [a_session(world, notes=f"Talked about week {n}", days_ago=n) for n in (1, 2, 3)]
    url = reverse("coaching:sessions", args=[world.case.uuid])
    first = client_for(world.supervisor).get(url)
    second = client_for(world.supervisor).get(url, {"page": 2})
    assert [s.uuid for s in first.context["page"]] == [made[0].uuid, made[1].uuid]
    assert "Talked about week 3" in second.content.decode()
    assert "Talked about week 3" not in first.content.decode()


def test_the_coach_who_wrote_a_session_edits_its_notes(world, client_for):
    session = a_session(world)
    url = reverse("coaching:session_notes", args=[session.uuid])
    client = client_for(world.coach)
    assert NOTES.split("\n")[0] in client.get(url).content.decode()
    response = client.post(url, {"version": session.version, "notes": "  She enrolled!  "})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#session-{session.uuid}")
    session.refresh_from_db()
    assert session.notes == "She enrolled!" and session.version == 2
    event = AuditEvent.objects.get(record_id=session.uuid, action="change")
    assert event.fields == ["notes"] and "enrolled" not in str(event.__dict__)


def test_an_edit_from_an_older_version_is_refused(world, client_for):
    session = a_session(world)
    actions.edit_session_notes(Actor(world.supervisor), session, 1, "Supervisor's addition")
    response = client_for(world.coach).post(
        reverse("coaching:session_notes", args=[session.uuid]), {"version": 1, "notes": "Mine"}
    )
    assert response.status_code == 200 and "Someone else saved changes" in response.content.decode()
    session.refresh_from_db()
    assert session.notes == "Supervisor's addition"
    with pytest.raises(StaleEdit):
        actions.edit_session_notes(Actor(world.coach), session, 1, "Mine")


def test_only_the_writer_and_supervisors_keep_the_notes(world, client_for):
    session = a_session(world)
    with pytest.raises(PermissionDenied):
        actions.edit_session_notes(Actor(world.county_admin), session, 1, "Not theirs")
    # The county administrator reads the notes but is offered no edit.
    page = (
        client_for(world.county_admin)
        .get(reverse("coaching:participant_goals", args=[world.case.uuid]))
        .content.decode()
    )
    assert "bus line." in page
    assert reverse("coaching:session_notes", args=[session.uuid]) not in page
    url = reverse("coaching:session_notes", args=[session.uuid])
    assert client_for(world.county_admin).post(url, {"version": 1, "notes": "x"}).status_code == 403
    session.refresh_from_db()
    assert session.notes == NOTES


def test_outsiders_neither_read_nor_edit_the_notes(world, client_for):
    session = a_session(world)
    for outsider in (world.coach_same_team, world.other_county_supervisor):
        client = client_for(outsider)
        assert client.get(reverse("coaching:sessions", args=[world.case.uuid])).status_code == 404
        response = client.post(
            reverse("coaching:session_notes", args=[session.uuid]), {"version": 1, "notes": "x"}
        )
        assert response.status_code == 404
    participant = client_for(world.participant_user)
    assert participant.get(reverse("coaching:sessions", args=[world.case.uuid])).status_code == 403
    session.refresh_from_db()
    assert session.notes == NOTES
