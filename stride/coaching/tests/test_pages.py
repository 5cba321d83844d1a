"""The coach's goal pages: forms that explain themselves, outsiders kept out, flat query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import data_queries
from stride.coaching import actions
from stride.coaching.actions import GoalDetails, ReviewDetails, SessionDetails, StepDetails
from stride.coaching.models import Goal, Obstacle, Review, Step
from stride.core.audit import Actor
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def a_goal(world, words="Finish my GED this spring", **details) -> Goal:
    return actions.set_goal(
        Actor(world.coach), world.case, GoalDetails(words, "learning", **details)
    )


def test_a_coach_sets_a_goal_and_is_sent_to_plan_it(world, client_for):
    response = client_for(world.coach).post(
        reverse("coaching:goal_new", args=[world.case.uuid]),
        {"words": "Get my driver's license", "life_area": "work", "term": "short",
         "proposed_by": "participant", "why_it_matters": "To drive to a better job"},
    )  # fmt: skip
    goal = Goal.objects.get(participant=world.case)
    assert response.status_code == 302 and response["Location"] == f"/goals/{goal.uuid}/"
    assert goal.created_by == world.coach and goal.why_it_matters == "To drive to a better job"


def test_a_goal_without_words_is_refused_next_to_the_field(world, client_for):
    response = client_for(world.coach).post(
        reverse("coaching:goal_new", args=[world.case.uuid]),
        {"words": "", "life_area": "work", "term": "short", "proposed_by": "participant",
         "difficulty": "12"},
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"words", "difficulty"}
    assert 'id="id_words-error"' in response.content.decode()
    assert not Goal.objects.exists()


def test_the_goal_page_offers_hints_without_blocking(world, client_for):
    goal = a_goal(world, words="Job")
    response = client_for(world.coach).get(reverse("coaching:goal", args=[goal.uuid]))
    codes = {hint.code for hint in response.context["hints"]}
    assert {"specific", "measurable", "time_bound"} <= codes


def test_the_first_potholes_must_include_one_from_inside(world, client_for):
    goal = a_goal(world)
    client = client_for(world.coach)
    url = reverse("coaching:obstacles_new", args=[goal.uuid])
    response = client.post(
        url, {"external_pothole": "The bus is late", "external_detour": "Leave early"}
    )
    assert set(response.context["form"].errors) == {"internal_pothole", "internal_detour"}
    assert not goal.obstacles.exists()

    client.post(url, {"internal_pothole": "I put it off", "internal_detour": "Do it first thing",
                      "external_pothole": "The bus is late", "external_detour": "Leave early"})  # fmt: skip
    assert list(goal.obstacles.values_list("kind", flat=True)) == ["internal", "external"]
    # Once the goal has one from inside, either kind can be added alone.
    client.post(
        url, {"external_pothole": "No childcare on Friday", "external_detour": "Ask my sister"}
    )
    assert goal.obstacles.filter(kind=Obstacle.Kind.EXTERNAL).count() == 2


def test_marking_a_step_twice_from_the_same_page_explains_what_happened(world, client_for):
    goal = a_goal(world)
    step = actions.add_step(Actor(world.coach), goal, StepDetails("Call the adult school"))
    client = client_for(world.coach)
    url = reverse("coaching:step_mark", args=[step.uuid])
    client.post(url, {"version": 1, "status": "done", "note": "Done on Monday"})
    response = client.post(url, {"version": 1, "status": "not_done"}, follow=True)
    assert "Someone else saved changes" in response.content.decode()
    step.refresh_from_db()
    assert (step.status, step.outcome_note) == (Step.Status.DONE, "Done on Monday")


def test_an_outsider_cannot_mark_or_move_a_step(world, client_for):
    step = actions.add_step(Actor(world.coach), a_goal(world), StepDetails("Call the school"))
    for outsider in (world.coach_same_team, world.other_county_coach):
        client = client_for(outsider)
        mark = client.post(
            reverse("coaching:step_mark", args=[step.uuid]), {"version": 1, "status": "done"}
        )
        move = client.post(reverse("coaching:step_move", args=[step.uuid]), {"to": "up"})
        assert (mark.status_code, move.status_code) == (404, 404)
    step.refresh_from_db()
    assert step.status == Step.Status.PLANNED and step.version == 1


def test_a_state_administrator_reads_goals_but_cannot_change_them(world, client_for):
    goal = a_goal(world)
    client = client_for(world.state_admin)
    assert client.get(reverse("coaching:goal", args=[goal.uuid])).status_code == 200
    response = client.post(reverse("coaching:review_new", args=[goal.uuid]),
                           {"how_it_went": "Fine", "decision": "achieved"})  # fmt: skip
    assert response.status_code == 403
    assert not goal.reviews.exists()


def test_a_review_to_change_the_goal_opens_the_goal_for_editing(world, client_for):
    goal = a_goal(world)
    response = client_for(world.coach).post(
        reverse("coaching:review_new", args=[goal.uuid]),
        {"how_it_went": "The class is full until May", "decision": "change_goal"},
    )
    assert response["Location"] == reverse("coaching:goal_edit", args=[goal.uuid])
    goal.refresh_from_db()
    assert goal.status == Goal.Status.REVISED


def test_recording_a_session_fills_the_caseload_last_contact(world, client_for):
    held = timezone.localtime() - timedelta(hours=3)
    client = client_for(world.coach)
    response = client.post(
        reverse("coaching:session_new", args=[world.case.uuid]),
        {"held_at": held.strftime("%Y-%m-%dT%H:%M"), "mode": "in_person", "minutes": "40",
         "topic": "Childcare for the class", "stages": ["goal", "plan"]},
    )  # fmt: skip
    assert response.status_code == 302
    caseload = client.get(reverse("people:caseload"))
    row = next(p for p in caseload.context["page"] if p.pk == world.case.pk)
    assert row.last_contact_at is not None
    session = world.case.coaching_sessions.get()
    assert session.stages == ["goal", "plan"] and session.coach == world.coach


def test_reading_goals_is_an_audited_view_of_the_participant(world, client_for):
    goal = a_goal(world)
    client = client_for(world.supervisor)
    client.get(reverse("coaching:participant_goals", args=[world.case.uuid]))
    client.get(reverse("coaching:goal", args=[goal.uuid]))
    views = AuditEvent.objects.filter(
        participant=world.case.uuid, action="view", actor=world.supervisor
    )
    assert views.count() == 2


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(data_queries(captured))


def grow(world, goals: int) -> None:
    """Goals with steps, obstacles, reviews, and sessions: more of everything."""
    coach = Actor(world.coach)
    for number in range(goals):
        goal = a_goal(world, words=f"Goal number {number} with enough words", term=Goal.Term.LONG)
        for step in range(3):
            actions.add_step(coach, goal, StepDetails(f"Step {step}"))
        actions.add_obstacle(coach, goal, "internal", "I worry", "Call a friend")
        actions.record_review(coach, goal, ReviewDetails("Going well", Review.Decision.KEEP_GOING))
        actions.set_goal(
            coach, world.case, GoalDetails(f"On the way {number}", "work", parent=goal)
        )
        held = timezone.now() - timedelta(days=number + 1)
        actions.record_session(coach, world.case, SessionDetails(held, "phone", 15))


def test_goal_pages_make_the_same_number_of_queries_however_much_there_is(world, client_for):
    client = client_for(world.coach)
    goals_url = reverse("coaching:participant_goals", args=[world.case.uuid])
    grow(world, 1)
    first = Goal.objects.filter(participant=world.case, term=Goal.Term.LONG).first()
    goal_url = reverse("coaching:goal", args=[first.uuid])
    small = (queries(client, goals_url), queries(client, goal_url))
    grow(world, 6)
    actions.add_step(Actor(world.coach), first, StepDetails("One more step"))
    assert (queries(client, goals_url), queries(client, goal_url)) == small
    # Both: session, user, the record, the audit event of the view, the session save.
    # Goals page: goals with step counts, recent sessions, celebrations. Goal
    # page: steps, obstacles, reviews, reflections, status history, goals on the way, and
    # (since the desk reference, issue 18) the county's guides for the goal's stages: one
    # query, however many guides (stride/guides/tests/test_panel.py).
    assert small == (8, 12)


def test_the_coach_reads_the_participants_reflections_on_the_goal(world, client_for):
    goal = a_goal(world)
    actions.add_reflection(Actor(world.participant_user), goal, "The first call was the hardest")
    page = client_for(world.coach).get(reverse("coaching:goal", args=[goal.uuid]))
    assert "The first call was the hardest" in page.content.decode()
