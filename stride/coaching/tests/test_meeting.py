"""The meeting on one page: who may open it, each inline form with and without htmx,
a step changed meanwhile explained, adds saved once, the session, the summary, and a
query count that stays flat as goals and steps grow."""

import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conftest import data_queries
from stride.coaching import actions, meeting
from stride.coaching.actions import GoalDetails, SessionDetails, StepDetails
from stride.coaching.models import CoachingSession, Goal, Obstacle, Review, Step
from stride.core import submissions
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people.models import Household

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = datetime.fromisoformat("2026-03-10T10:00-08:00")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def a_goal(world, words="Finish my GED this spring") -> Goal:
    return actions.set_goal(Actor(world.coach), world.case, GoalDetails(words, "learning"))


def a_step(world, goal: Goal, what="Call the adult school", **details) -> Step:
    return actions.add_step(Actor(world.coach), goal, StepDetails(what, **details))


def page_url(world) -> str:
    return reverse("coaching:meeting", args=[world.case.uuid])


def keyed(user) -> dict[str, str]:
    return {submissions.FIELD: submissions.new_key(user)}


# Who may open it.


def test_the_coach_and_the_supervisor_open_the_meeting(world, client_for):
    goal = a_goal(world)
    a_step(world, goal)
    for person in (world.coach, world.supervisor):
        response = client_for(person).get(page_url(world))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Finish my GED this spring" in page and "Call the adult school" in page
        assert reverse("coaching:meeting_session", args=[world.case.uuid]) in page


def test_another_caseloads_coach_gets_404_and_the_participant_is_refused(world, client_for):
    goal = a_goal(world)
    step = a_step(world, goal)
    for outsider in (world.coach_same_team, world.other_county_coach):
        client = client_for(outsider)
        assert client.get(page_url(world)).status_code == 404
        mark = client.post(
            reverse("coaching:meeting_step_mark", args=[step.uuid]),
            {"version": 1, "status": "done"},
        )
        add = client.post(reverse("coaching:meeting_step_new", args=[goal.uuid]), {"what": "X"})
        assert (mark.status_code, add.status_code) == (404, 404)
    # A participant reads only their own pages: the staff's meeting page refuses them
    # by role, as the goals pages do.
    assert client_for(world.participant_user).get(page_url(world)).status_code == 403
    step.refresh_from_db()
    assert step.version == 1 and goal.steps.count() == 1


INLINE = {
    "coaching:meeting_step_mark": lambda w, goal, step: (step.uuid, {"version": step.version, "status": "done"}),
    "coaching:meeting_step_date": lambda w, goal, step: (step.uuid, {"version": step.version, "due_on": "2026-04-01"}),
    "coaching:meeting_step_new": lambda w, goal, step: (goal.uuid, {"what": "Ask about classes"}),
    "coaching:meeting_obstacle_new": lambda w, goal, step: (goal.uuid, {"kind": "internal", "pothole": "Tired", "detour": "Rest"}),
    "coaching:meeting_review": lambda w, goal, step: (goal.uuid, {"how_it_went": "Fine", "decision": "keep_going"}),
    "coaching:meeting_session": lambda w, goal, step: (w.case.uuid, {"mode": "phone", "minutes": "20"}),
}  # fmt: skip
# Who may send each inline form (any kind of person not named here gets 403).
SENDS = {"coach": 302, "supervisor": 302, "county_admin": 302, "coach_same_team": 404,
         "coach_same_county": 404, "other_county_coach": 404, "other_county_supervisor": 404,
         "other_county_admin": 404}  # fmt: skip


@pytest.mark.parametrize("route", sorted(INLINE))
def test_each_inline_form_is_sent_only_by_those_who_keep_the_case(world, client_for, route):
    goal = a_goal(world)
    step = a_step(world, goal)
    got, expected = {}, {}
    for name, person in world.people().items():
        step.refresh_from_db()
        uuid, data = INLINE[route](world, goal, step)
        got[name] = client_for(person).post(reverse(route, args=[uuid]), data).status_code
        expected[name] = SENDS.get(name, 403)
    assert got == expected


def test_the_supervisor_writes_in_the_meeting_as_on_the_goal_pages(world, client_for):
    goal = a_goal(world)
    step = a_step(world, goal)
    client = client_for(world.supervisor)
    response = client.post(
        reverse("coaching:meeting_step_mark", args=[step.uuid]),
        {"version": 1, "status": "done", "note": "Called on Monday"},
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.status == Step.Status.DONE


def test_a_state_administrator_reads_the_meeting_but_changes_nothing(world, client_for):
    goal = a_goal(world)
    step = a_step(world, goal)
    client = client_for(world.state_admin)
    page = client.get(page_url(world))
    assert page.status_code == 200
    assert reverse("coaching:meeting_step_mark", args=[step.uuid]) not in page.content.decode()
    mark = client.post(
        reverse("coaching:meeting_step_mark", args=[step.uuid]), {"version": 1, "status": "done"}
    )
    assert mark.status_code == 403


def test_opening_the_meeting_is_an_audited_view(world, client_for):
    client_for(world.coach).get(page_url(world))
    assert AuditEvent.objects.filter(
        participant=world.case.uuid, action=AuditEvent.Action.VIEW, actor=world.coach
    ).exists()


# What the top of the page shows.


def test_the_top_shows_what_the_family_changed_since_the_last_contact_and_the_last_session(
    world, client_for
):
    goal = a_goal(world)
    step = a_step(world, goal, due_on=timezone.localdate() - timedelta(days=1))
    coach = Actor(world.coach)
    actions.record_session(
        coach,
        world.case,
        SessionDetails(
            timezone.now() - timedelta(days=7), "in_person", 40, notes="Proud of the call"
        ),
    )
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        participant = Actor(world.participant_user)
        actions.add_reflection(participant, goal, "The school called me back")
        actions.add_idea(participant, world.case, "money", "Save for a car", source="participant")
    gathered = meeting.gather(world.case, world.coach, timezone.now())
    assert [idea.words for idea in gathered.ideas] == ["Save for a car"]
    assert [r.words for r in gathered.reflections] == ["The school called me back"]
    assert {event.record_type for event in gathered.changes} == {"Reflection", "GoalIdea"}
    assert gathered.due == [step]
    page = client_for(world.coach).get(page_url(world)).content.decode()
    for shown in ("Save for a car", "The school called me back", "Proud of the call"):
        assert shown in page


def test_the_session_form_starts_with_the_parts_of_the_cycle_done_on_the_page(world, client_for):
    goal = a_goal(world)
    step = a_step(world, goal)
    client = client_for(world.coach)
    client.post(
        reverse("coaching:meeting_step_mark", args=[step.uuid]), {"version": 1, "status": "done"}
    )
    form = client.get(page_url(world)).context["session_form"]
    # The goal and its step were set up today too: goal, plan and do.
    assert form.initial["stages"] == ["goal", "plan", "do"]


# The inline step forms, both ways.


def test_a_step_marked_done_with_htmx_answers_with_the_step_alone(world, client_for):
    goal = a_goal(world)
    step = a_step(world, goal)
    response = client_for(world.coach).post(
        reverse("coaching:meeting_step_mark", args=[step.uuid]),
        {"version": 1, "status": "done", "note": "Called on Monday"},
        **HTMX,
    )
    assert response.status_code == 200 and response["Stride-Saved"] == "true"
    fragment = response.content.decode()
    assert fragment.lstrip().startswith(f'<li id="step-{step.uuid}"')
    assert (
        "<html" not in fragment and "Step updated." in fragment and "Called on Monday" in fragment
    )
    step.refresh_from_db()
    assert (step.status, step.outcome_note, step.version) == (
        Step.Status.DONE,
        "Called on Monday",
        2,
    )


def test_a_step_marked_done_without_javascript_goes_back_to_the_meeting(world, client_for):
    goal = a_goal(world)
    step = a_step(world, goal)
    client = client_for(world.coach)
    response = client.post(
        reverse("coaching:meeting_step_mark", args=[step.uuid]), {"version": 1, "status": "done"}
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(world) + f"#step-{step.uuid}"
    assert "Step updated." in client.get(response["Location"]).content.decode()
    step.refresh_from_db()
    assert step.status == Step.Status.DONE


def test_a_step_the_participant_changed_meanwhile_is_explained_next_to_it(world, client_for):
    goal = a_goal(world)
    step = a_step(world, goal)
    # Maria checks the step off on her phone while the coach has the page open.
    actions.mark_step(Actor(world.participant_user), step, 1, Step.Status.DONE, "Did it")
    client = client_for(world.coach)
    url = reverse("coaching:meeting_step_mark", args=[step.uuid])

    response = client.post(url, {"version": 1, "status": "not_done"}, **HTMX)
    assert response.status_code == 200 and "Stride-Saved" not in response
    fragment = response.content.decode()
    assert "Maria changed this step on their own page a moment ago" in fragment
    assert "Did it" in fragment and 'name="version" value="2"' in fragment

    plain = client.post(url, {"version": 1, "status": "not_done"}, follow=True)
    assert "Maria changed this step on their own page a moment ago" in plain.content.decode()
    step.refresh_from_db()
    assert (step.status, step.outcome_note, step.version) == (Step.Status.DONE, "Did it", 2)


def test_a_steps_date_moves_both_ways_and_keeps_the_rest_of_the_step(world, client_for):
    goal = a_goal(world)
    step = a_step(world, goal, where="Fresno library", due_on=timezone.localdate())
    client = client_for(world.coach)
    url = reverse("coaching:meeting_step_date", args=[step.uuid])
    later = timezone.localdate() + timedelta(days=7)

    response = client.post(url, {"version": 1, "due_on": later.isoformat()}, **HTMX)
    assert response.status_code == 200 and response["Stride-Saved"] == "true"
    assert "The step&#x27;s date is changed." in response.content.decode()
    step.refresh_from_db()
    assert (step.due_on, step.where, step.version) == (later, "Fresno library", 2)

    plain = client.post(url, {"version": 2, "due_on": (later + timedelta(days=1)).isoformat()})
    assert plain.status_code == 302 and plain["Location"].endswith(f"#step-{step.uuid}")
    stale = client.post(url, {"version": 2, "due_on": later.isoformat()}, **HTMX)
    assert "Coach Tester changed this step a moment ago" in stale.content.decode()
    step.refresh_from_db()
    assert (step.due_on, step.version) == (later + timedelta(days=1), 3)


def test_a_step_is_added_both_ways_and_once_however_often_it_is_sent(world, client_for):
    goal = a_goal(world)
    client = client_for(world.coach)
    url = reverse("coaching:meeting_step_new", args=[goal.uuid])
    sent = {"what": "Call the adult school"} | keyed(world.coach)

    first = client.post(url, sent, **HTMX)
    again = client.post(url, sent, **HTMX)
    assert first.status_code == again.status_code == 200
    assert first.content.decode().lstrip().startswith(f'<div id="plan-{goal.uuid}"')
    assert "That was already saved." in again.content.decode()
    assert goal.steps.count() == 1

    plain = {"what": "Ask about evening classes"} | keyed(world.coach)
    once, twice = client.post(url, plain), client.post(url, plain)
    assert once.status_code == twice.status_code == 302 and once["Location"] == twice["Location"]
    assert once["Location"] == page_url(world) + f"#plan-{goal.uuid}"
    assert goal.steps.count() == 2


def test_a_step_without_words_is_refused_next_to_the_form(world, client_for):
    goal = a_goal(world)
    client = client_for(world.coach)
    url = reverse("coaching:meeting_step_new", args=[goal.uuid])
    response = client.post(url, {"what": ""}, **HTMX)
    assert response.status_code == 200 and "Stride-Saved" not in response
    assert "usa-form-group--error" in response.content.decode()
    plain = client.post(url, {"what": ""}, follow=True)
    assert "This field is required." in plain.content.decode()
    assert not goal.steps.exists()


def test_a_pothole_and_its_detour_are_added_both_ways_and_once(world, client_for):
    goal = a_goal(world)
    client = client_for(world.coach)
    url = reverse("coaching:meeting_obstacle_new", args=[goal.uuid])
    sent = {"kind": "external", "pothole": "The bus is late", "detour": "Take the earlier one"}
    sent |= keyed(world.coach)
    first, again = client.post(url, sent, **HTMX), client.post(url, sent, **HTMX)
    assert first.status_code == 200 and "The bus is late" in first.content.decode()
    assert "That was already saved." in again.content.decode()
    plain = client.post(url, {"kind": "internal", "pothole": "I worry", "detour": "Call Ana"})
    assert plain.status_code == 302 and plain["Location"].endswith(f"#potholes-{goal.uuid}")
    assert list(goal.obstacles.values_list("kind", flat=True)) == [
        Obstacle.Kind.EXTERNAL,
        Obstacle.Kind.INTERNAL,
    ]


def test_a_goal_is_reviewed_in_place_both_ways_and_once(world, client_for):
    goal = a_goal(world)
    other = a_goal(world, "Get my driver's license")
    client = client_for(world.coach)
    sent = {"how_it_went": "Passed the test", "went_well": "Practice", "decision": "achieved"}
    sent |= keyed(world.coach)
    url = reverse("coaching:meeting_review", args=[goal.uuid])
    first, again = client.post(url, sent, **HTMX), client.post(url, sent, **HTMX)
    assert first.status_code == 200 and first["Stride-Saved"] == "true"
    assert "The goal is reached" in first.content.decode()
    assert "That was already saved." in again.content.decode()
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED and goal.reviews.count() == 1

    plain = client.post(
        reverse("coaching:meeting_review", args=[other.uuid]),
        {"how_it_went": "Slow", "decision": "keep_going"},
    )
    assert plain.status_code == 302 and plain["Location"].endswith(f"#goal-{other.uuid}")
    assert Review.objects.filter(goal=other, decision="keep_going").exists()


# The session, and the summary to take away.


def test_the_session_is_saved_once_both_ways(world, client_for):
    client = client_for(world.coach)
    url = reverse("coaching:meeting_session", args=[world.case.uuid])
    held = timezone.localtime() - timedelta(minutes=45)
    sent = {
        "held_at": held.strftime("%Y-%m-%dT%H:%M"),
        "mode": "in_person",
        "minutes": "45",
        "topic": "Getting to class",
        "stages": ["plan", "do"],
        "notes": "Two steps done",
        "next_appointment": (held + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    } | keyed(world.coach)
    first, again = client.post(url, sent, **HTMX), client.post(url, sent, **HTMX)
    assert first.status_code == 200 and first["Stride-Saved"] == "true"
    assert reverse("coaching:meeting_summary", args=[world.case.uuid]) in first.content.decode()
    assert "That was already saved." in again.content.decode()
    session = CoachingSession.objects.get(participant=world.case)
    assert session.stages == ["plan", "do"] and session.notes == "Two steps done"

    plain = client.post(url, sent | keyed(world.coach) | {"topic": "Childcare"})
    assert plain.status_code == 302 and plain["Location"] == page_url(world) + "#session"
    assert CoachingSession.objects.filter(participant=world.case).count() == 2


def test_a_session_without_its_length_is_refused_and_kept_as_typed(world, client_for):
    response = client_for(world.coach).post(
        reverse("coaching:meeting_session", args=[world.case.uuid]),
        {"mode": "phone", "minutes": "", "notes": "Talked about the bus"},
        **HTMX,
    )
    assert response.status_code == 200 and "Stride-Saved" not in response
    page = response.content.decode()
    assert "Talked about the bus" in page and "usa-form-group--error" in page
    assert not CoachingSession.objects.exists()


def test_the_summary_prints_in_the_households_language_and_is_an_export(world, client_for):
    goal = a_goal(world)
    done = a_step(world, goal, "Call the adult school")
    a_step(world, goal, "Sign up for the evening class", due_on=timezone.localdate())
    coach = Actor(world.coach)
    actions.mark_step(coach, done, 1, Step.Status.DONE)
    actions.record_session(
        coach,
        world.case,
        SessionDetails(
            timezone.now() - timedelta(minutes=30),
            "in_person",
            30,
            next_appointment=timezone.now() + timedelta(days=7),
        ),
    )
    Household.objects.filter(pk=world.case.household_id).update(language="es")
    response = client_for(world.coach).get(
        reverse("coaching:meeting_summary", args=[world.case.uuid])
    )
    assert response.status_code == 200 and response["Content-Language"] == "es"
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Call the adult school" in text and "Sign up for the evening class" in text
    assert "Mis próximos pasos" in text
    assert AuditEvent.objects.filter(
        participant=world.case.uuid, action=AuditEvent.Action.EXPORT
    ).exists()
    outsider = client_for(world.coach_same_team)
    assert (
        outsider.get(reverse("coaching:meeting_summary", args=[world.case.uuid])).status_code == 404
    )


# The page's queries.


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(data_queries(captured))


def grow(world, goals: int, steps: int) -> None:
    coach = Actor(world.coach)
    for number in range(goals):
        goal = a_goal(world, f"Goal number {number}")
        for step in range(steps):
            made = a_step(world, goal, f"Step {step}", due_on=timezone.localdate())
            if step == 0:
                actions.mark_step(coach, made, 1, Step.Status.DONE)
        actions.add_obstacle(coach, goal, "internal", "I worry", "Call a friend")


def test_the_meeting_page_makes_the_same_number_of_queries_however_much_there_is(world, client_for):
    client = client_for(world.coach)
    grow(world, 3, 3)
    small = queries(client, page_url(world))
    grow(world, 7, 10)
    for goal in Goal.objects.filter(participant=world.case)[:3]:
        for step in range(7):
            a_step(world, goal, f"More {step}")
    assert Step.objects.filter(goal__participant=world.case).count() == 3 * 10 + 7 * 10
    assert queries(client, page_url(world)) == small
    # Session, user, the record, the audit event of the view, the session save; goals,
    # their steps, their obstacles; last session, ideas, reflections, changes; what was
    # done on the page today.
    assert small == 13


def test_the_profile_the_goals_page_and_todays_appointments_link_to_the_meeting(world, client_for):
    actions.record_session(
        Actor(world.coach),
        world.case,
        SessionDetails(
            timezone.now() - timedelta(days=7),
            "phone",
            20,
            next_appointment=timezone.now() + timedelta(hours=3),
        ),
    )
    client = client_for(world.coach)
    link = f'href="{page_url(world)}"'
    for page in (
        world.case.get_absolute_url(),
        reverse("coaching:participant_goals", args=[world.case.uuid]),
        reverse("staff:today"),
    ):
        assert link in client.get(page).content.decode(), page


def test_each_goals_add_a_step_fields_carry_its_own_ids_though_rendered_once(world, client_for):
    from stride.coaching import meeting_views

    goals = [a_goal(world, f"Goal number {number}") for number in range(3)]
    meeting_views._blank_step_fields.cache_clear()
    client = client_for(world.coach)
    page = client.get(page_url(world)).content.decode()
    client.get(page_url(world), HTTP_ACCEPT_LANGUAGE="es")
    client.get(page_url(world))
    # Once a process for each language, not once per goal or per request.
    assert meeting_views._blank_step_fields.cache_info().misses == 2
    assert meeting_views.GOAL_STAND_IN not in page
    for goal in goals:
        for field in ("step-new-{}-what", "step-new-{}-due_on"):
            element_id = field.format(goal.uuid)
            assert page.count(f'id="{element_id}"') == 1
            assert f'for="{element_id}"' in page


FOLDED = {"coaching:meeting_obstacle_new": "pothole", "coaching:meeting_review": "review"}


@pytest.mark.parametrize("route", sorted(FOLDED))
def test_the_pothole_and_review_forms_are_folded_and_drawn_when_opened(world, client_for, route):
    goal = a_goal(world)
    client = client_for(world.coach)
    url = reverse(route, args=[goal.uuid])
    page = client.get(page_url(world)).content.decode()
    # Folded: the page holds the way to the form, not the form.
    assert f'hx-get="{url}"' in page and f'<a class="usa-link" href="{url}">' in page
    assert f'id="{FOLDED[route]}-{goal.uuid}-' not in page

    opened = client.get(url, **HTMX).content.decode()
    assert "<form" in opened and f'hx-post="{url}"' in opened and "<html" not in opened
    assert f'id="{FOLDED[route]}-{goal.uuid}-' in opened
    assert 'name="form_key"' in opened

    # Without JavaScript, the same form on a page of its own, posting without htmx: it shows
    # the goal and the family's name, so it is a view of the record; the fold's form is not.
    views = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, participant=world.case.uuid)
    before = views.count()
    own_page = client.get(url).content.decode()
    assert views.count() == before + 1
    assert "<html" in own_page and f'action="{url}"' in own_page and "hx-post" not in own_page
    assert goal.words in own_page


def test_a_pothole_refused_without_javascript_is_shown_again_as_typed(world, client_for):
    goal = a_goal(world)
    url = reverse("coaching:meeting_obstacle_new", args=[goal.uuid])
    answer = client_for(world.coach).post(url, {"kind": "external", "pothole": "The bus is late"})
    page = answer.content.decode()
    assert answer.status_code == 200 and "<html" in page
    assert "The bus is late" in page and "This field is required." in page
    assert not goal.obstacles.exists()


def test_a_review_refused_with_htmx_opens_its_fold_as_typed(world, client_for):
    goal = a_goal(world)
    url = reverse("coaching:meeting_review", args=[goal.uuid])
    sent = {"how_it_went": "Slow going"} | keyed(world.coach)
    answer = client_for(world.coach).post(url, sent, **HTMX).content.decode()
    assert '<details class="margin-y-1" open>' in answer
    assert "Slow going" in answer and f'id="review-{goal.uuid}-decision_1"' in answer
    assert not goal.reviews.exists()
