"""A meeting's summary sent to the participant's own pages: the coach sends it once after
the session is saved, the participant reads it on their page in their language until they
say they have read it, and keeps it in their meetings list; only their own, audited, in a
fixed number of queries."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import data_queries, make_user
from stride.coaching import actions, meeting
from stride.coaching.actions import GoalDetails, ReviewDetails, SessionDetails, StepDetails
from stride.coaching.models import CoachingSession, MeetingSummary, Review, Step
from stride.core import submissions
from stride.core.audit import Actor
from stride.core.models import AuditEvent, Role
from stride.people.models import Participant

from .test_home import EXPECTED_QUERIES, home_queries

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = datetime.fromisoformat("2026-03-10T10:00-08:00")
SENT = "Notes from our meeting on"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def a_meeting(world, case: Participant | None = None, coach=None) -> CoachingSession:
    """A meeting held an hour ago: a step done, a goal reviewed, a step to do, the next
    appointment set, all through the coaching actions."""
    case = case or world.case
    actor = Actor(coach or world.coach)
    school = actions.set_goal(actor, case, GoalDetails("Finish my GED", "learning"))
    called = actions.add_step(actor, school, StepDetails("Call the adult school"))
    actions.add_step(
        actor, school, StepDetails("Buy a notebook", due_on=timezone.localdate() + timedelta(2))
    )
    actions.mark_step(actor, called, called.version, Step.Status.DONE, "They call back Friday")
    license_goal = actions.set_goal(actor, case, GoalDetails("Get my license", "work"))
    actions.record_review(
        actor,
        license_goal,
        ReviewDetails(
            "The class is full", Review.Decision.REVISE_PLAN, "Asked early", "Sign up sooner"
        ),
    )
    return actions.record_session(
        actor,
        case,
        SessionDetails(
            timezone.now() - timedelta(hours=1),
            "in_person",
            45,
            topic="Getting to class",
            notes="Private notes of the coach",
            next_appointment=timezone.now() + timedelta(days=7),
        ),
    )


def send_url(case: Participant) -> str:
    return reverse("coaching:meeting_summary_send", args=[case.uuid])


def sent_form(user, session: CoachingSession) -> dict[str, str]:
    return {"session": str(session.uuid), submissions.FIELD: submissions.new_key(user)}


def meeting_url(case: Participant) -> str:
    return reverse("coaching:meeting", args=[case.uuid])


def a_summary(world, session: CoachingSession, coach=None) -> MeetingSummary:
    person = session.participant
    user = coach or world.coach
    contents = meeting.shareable(meeting.summary(person, user, timezone.now(), session))
    return actions.send_summary(Actor(user), session, contents)


# The coach sends it.


def test_the_meeting_offers_to_send_the_summary_once_the_session_is_saved(world, client_for):
    client = client_for(world.coach)
    assert send_url(world.case) not in client.get(meeting_url(world.case)).content.decode()
    a_meeting(world)
    page = client.get(meeting_url(world.case)).content.decode()
    assert send_url(world.case) in page and "Send to their page" in page


def test_the_summary_is_sent_once_however_often_it_is_pressed(world, client_for):
    session = a_meeting(world)
    client = client_for(world.coach)
    form = sent_form(world.coach, session)
    first = client.post(send_url(world.case), form, **HTMX)
    again = client.post(send_url(world.case), form, **HTMX)
    assert first.status_code == 200 and first["Stride-Saved"] == "true"
    answer = first.content.decode()
    assert "The summary is on" in answer and "Not read yet." in answer
    assert "Send to their page" not in answer
    assert "That was already saved." in again.content.decode()
    summary = MeetingSummary.objects.get()
    assert (summary.participant, summary.session, summary.sent_by) == (
        world.case,
        session,
        world.coach,
    )
    event = AuditEvent.objects.get(record_type="MeetingSummary", action=AuditEvent.Action.CREATE)
    assert (event.participant, event.actor, event.fields) == (
        world.case.uuid,
        world.coach,
        ["contents"],
    )


def test_sent_without_javascript_it_goes_back_to_the_summary_and_says_it_was_sent(
    world, client_for
):
    session = a_meeting(world)
    client = client_for(world.coach)
    response = client.post(send_url(world.case), sent_form(world.coach, session))
    assert response.status_code == 302
    assert response["Location"] == meeting_url(world.case) + "#takeaway"
    page = client.get(meeting_url(world.case)).content.decode()
    assert "own page on" in page
    assert "Not read yet." in page and "Send to their page" not in page


def test_a_second_send_of_the_same_meeting_is_refused(world, client_for):
    session = a_meeting(world)
    client = client_for(world.coach)
    client.post(send_url(world.case), sent_form(world.coach, session))
    again = client.post(send_url(world.case), sent_form(world.coach, session), **HTMX)
    assert "already on their page" in again.content.decode()
    assert MeetingSummary.objects.count() == 1


def test_a_family_without_their_own_pages_is_not_offered_the_send(world, client_for):
    Participant.objects.filter(pk=world.case.pk).update(user=None)
    session = a_meeting(world)
    client = client_for(world.coach)
    page = client.get(meeting_url(world.case)).content.decode()
    assert "Send to their page" not in page and "has no own pages yet" in page
    refused = client.post(send_url(world.case), sent_form(world.coach, session), **HTMX)
    assert "has no own pages yet" in refused.content.decode()
    assert not MeetingSummary.objects.exists()


def test_what_is_sent_is_the_meeting_as_it_was_without_the_coachs_notes(world):
    summary = a_summary(world, a_meeting(world))
    contents = summary.contents
    assert contents["topic"] == "Getting to class"
    assert contents["done"] == [{"what": "Call the adult school", "note": "They call back Friday"}]
    assert contents["reviews"][0]["decision"] == "revise_plan"
    assert [step["what"] for step in contents["next_steps"]] == ["Buy a notebook"]
    assert "Private notes of the coach" not in str(contents)


@pytest.mark.parametrize("name", ["coach_same_team", "other_county_coach"])
def test_another_caseloads_coach_gets_404(world, client_for, name):
    session = a_meeting(world)
    outsider = getattr(world, name)
    response = client_for(outsider).post(send_url(world.case), sent_form(outsider, session))
    assert response.status_code == 404
    assert not MeetingSummary.objects.exists()


def test_the_supervisor_sends_it_and_readers_who_change_nothing_cannot(world, client_for):
    session = a_meeting(world)
    for reader in (world.state_admin, world.participant_user):
        refused = client_for(reader).post(send_url(world.case), sent_form(reader, session))
        assert refused.status_code in (403, 404)
    assert not MeetingSummary.objects.exists()
    sent = client_for(world.supervisor).post(
        send_url(world.case), sent_form(world.supervisor, session)
    )
    assert sent.status_code == 302 and MeetingSummary.objects.count() == 1


def test_a_session_of_another_family_cannot_be_sent_as_this_ones(world, client_for):
    theirs = a_meeting(world, world.other_case, world.other_county_coach)
    response = client_for(world.coach).post(send_url(world.case), sent_form(world.coach, theirs))
    assert response.status_code == 404
    assert not MeetingSummary.objects.exists()


# The participant reads it.


def test_the_participant_sees_it_on_their_page_until_they_have_read_it(world, client_for):
    summary = a_summary(world, a_meeting(world))
    me = client_for(world.participant_user)
    page = me.get(reverse("portal:home")).content.decode()
    assert SENT in page
    for words in ("Getting to class", "Call the adult school", "They call back Friday"):
        assert words in page
    assert "Change the plan" in page and "Sign up sooner" in page and "Buy a notebook" in page
    assert "Private notes of the coach" not in page

    read_url = reverse("portal:meeting_read", args=[summary.uuid])
    response = me.post(read_url, {"next": reverse("portal:home")})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert SENT not in me.get(reverse("portal:home")).content.decode()
    summary.refresh_from_db()
    assert summary.read_at == timezone.now()
    me.post(read_url)  # read again: nothing changes, nothing more is recorded
    read = AuditEvent.objects.filter(record_type="MeetingSummary", action=AuditEvent.Action.CHANGE)
    assert [(event.actor, event.fields) for event in read] == [
        (world.participant_user, ["read_at"])
    ]
    # And the coach sees that it was read.
    coach_page = client_for(world.coach).get(meeting_url(world.case)).content.decode()
    assert "Read on" in coach_page


def test_the_meetings_list_keeps_every_summary_the_newest_first(world, client_for):
    first = a_summary(world, a_meeting(world))
    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        later = actions.record_session(
            Actor(world.coach),
            world.case,
            SessionDetails(timezone.now() - timedelta(hours=1), "phone", 20, topic="Childcare"),
        )
        second = a_summary(world, later)
    me = client_for(world.participant_user)
    me.post(reverse("portal:meeting_read", args=[first.uuid]))
    response = me.get(reverse("portal:meetings"))
    assert [shown.uuid for shown in response.context["summaries"]] == [
        str(second.uuid),
        str(first.uuid),
    ]
    page = response.content.decode()
    assert "Childcare" in page and "Getting to class" in page
    # Only the unread one still asks to be marked read.
    assert reverse("portal:meeting_read", args=[second.uuid]) in page
    assert reverse("portal:meeting_read", args=[first.uuid]) not in page


def test_the_participant_reads_it_in_the_language_of_their_pages(world, client_for):
    a_summary(world, a_meeting(world))
    me = client_for(world.participant_user)
    me.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = me.get(reverse("portal:home")).content.decode()
    assert "Notas de nuestra reunión del" in page
    assert "Lo que hizo" in page and "Cambiar el plan" in page
    assert "Call the adult school" in page  # what was written stays as written
    listed = me.get(reverse("portal:meetings")).content.decode()
    assert "Mis reuniones" in listed and "Nuestra próxima reunión" in listed


def test_a_participant_sees_and_marks_only_their_own(world, client_for):
    someone = make_user("ana", Role.PARTICIPANT, None)
    Participant.objects.filter(pk=world.other_case.pk).update(user=someone)
    world.other_case.refresh_from_db()
    theirs = a_summary(
        world,
        a_meeting(world, world.other_case, world.other_county_coach),
        world.other_county_coach,
    )
    me = client_for(world.participant_user)
    assert SENT not in me.get(reverse("portal:home")).content.decode()
    assert me.get(reverse("portal:meetings")).context["summaries"] == []
    assert me.post(reverse("portal:meeting_read", args=[theirs.uuid])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert SENT in client_for(someone).get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize("name", ["coach", "supervisor", "state_admin"])
def test_staff_get_404_on_the_participants_meetings(world, client_for, name):
    summary = a_summary(world, a_meeting(world))
    client = client_for(getattr(world, name))
    assert client.get(reverse("portal:meetings")).status_code == 404
    assert client.post(reverse("portal:meeting_read", args=[summary.uuid])).status_code == 404


# Queries: the pages cost the same with or without summaries.


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(data_queries(captured))


def test_the_participants_page_shows_an_unread_summary_without_one_more_query(world, client_for):
    me = client_for(world.participant_user)
    none = home_queries(me)
    a_summary(world, a_meeting(world))
    one = home_queries(me)
    for days in (1, 2):
        with time_machine.travel(NOW + timedelta(days=days), tick=False):
            held = actions.record_session(
                Actor(world.coach),
                world.case,
                SessionDetails(timezone.now() - timedelta(hours=1), "phone", 20),
            )
            a_summary(world, held)
    page = me.get(reverse("portal:home"))
    assert page.context["more_unread"] == 2
    assert "There are 2 more meeting summaries for you." in page.content.decode()
    assert none == one == home_queries(me) == EXPECTED_QUERIES


def test_the_meeting_page_costs_the_same_before_and_after_the_summary_is_sent(world, client_for):
    client = client_for(world.coach)
    session = a_meeting(world)
    held = queries(client, meeting_url(world.case))
    a_summary(world, session)
    sent = queries(client, meeting_url(world.case))
    # The figure coaching/tests/test_meeting.py asserts: whether the summary was sent comes
    # with the last session, in the same query.
    assert held == sent == 13


def test_the_meetings_list_makes_the_same_number_of_queries_for_1_or_4(world, client_for):
    me = client_for(world.participant_user)
    a_summary(world, a_meeting(world))
    one = queries(me, reverse("portal:meetings"))
    for days in (1, 2, 3):
        with time_machine.travel(NOW + timedelta(days=days), tick=False):
            held = actions.record_session(
                Actor(world.coach),
                world.case,
                SessionDetails(timezone.now() - timedelta(hours=1), "phone", 20),
            )
            a_summary(world, held)
    assert len(me.get(reverse("portal:meetings")).context["summaries"]) == 4
    # Session, user, the participant, the audit event of the view, the summaries, the
    # session save.
    assert one == queries(me, reverse("portal:meetings")) == 6
