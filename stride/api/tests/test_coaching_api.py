"""Goals, steps and coaching sessions in the API: the same scope as the case they belong to."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import World, data_queries
from stride.coaching import actions
from stride.coaching.actions import GoalDetails, ReviewDetails, SessionDetails, StepDetails
from stride.coaching.models import CoachingSession, Goal, Obstacle, Review, Step
from stride.core.audit import Actor
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_county_coach", "coach_same_team"]


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def set_goal(world: World, words: str = "Finish my GED this spring", **details) -> Goal:
    details.setdefault("life_area", "learning")
    return actions.set_goal(Actor(world.coach), world.case, GoalDetails(words, **details))


def add_step(world: World, goal: Goal, what: str = "Call the adult school") -> Step:
    return actions.add_step(Actor(world.coach), goal, StepDetails(what, where="At home"))


def record_session(world: World, days_ago: int = 1, topic: str = "Childcare") -> CoachingSession:
    held_at = timezone.now() - timedelta(days=days_ago)
    return actions.record_session(
        Actor(world.coach),
        world.case,
        SessionDetails(held_at, CoachingSession.Mode.PHONE, 30, topic, ["goal", "plan"]),
    )


@pytest.fixture
def plan(world):
    """A goal with a step, an obstacle on that step, a review and a session."""
    goal = set_goal(world)
    step = add_step(world, goal)
    obstacle = actions.add_obstacle(
        Actor(world.coach), goal, Obstacle.Kind.EXTERNAL, "No bus fare", "Ask for a pass", step
    )
    review = actions.record_review(
        Actor(world.coach), goal, ReviewDetails("Called twice", Review.Decision.KEEP_GOING)
    )
    session = record_session(world)
    return goal, step, obstacle, review, session


def test_the_coach_sees_their_participants_goals_steps_and_sessions(world, plan):
    goal, step, _, _, session = plan
    client = api_as(world.coach)

    [goal_row] = results(client.get(reverse("api:goal-list")))
    assert goal_row["uuid"] == str(goal.uuid)
    assert goal_row["participant"] == str(world.case.uuid)
    assert (goal_row["parent"], goal_row["status"], goal_row["version"]) == (None, "active", 1)
    assert "steps" not in goal_row  # nested records are for the detail only

    [step_row] = results(client.get(reverse("api:step-list")))
    assert (step_row["uuid"], step_row["goal"]) == (str(step.uuid), str(goal.uuid))
    assert (step_row["where"], step_row["status"]) == ("At home", "planned")

    [session_row] = results(client.get(reverse("api:coaching-session-list")))
    assert session_row["uuid"] == str(session.uuid)
    assert (session_row["coach"], session_row["stages"]) == ("coach", ["goal", "plan"])
    assert session_row["participant"] == str(world.case.uuid)


def test_goal_detail_nests_steps_obstacles_reviews_and_status_history(world, plan):
    goal, step, obstacle, review, _ = plan
    long_term = set_goal(world, "Become a nurse", term=Goal.Term.LONG, life_area="work")
    child = set_goal(world, "Pass the reading test", parent=long_term)

    data = api_as(world.coach).get(reverse("api:goal-detail", args=[goal.uuid])).json()

    assert [s["uuid"] for s in data["steps"]] == [str(step.uuid)]
    assert data["obstacles"] == [
        {
            "uuid": str(obstacle.uuid),
            "kind": "external",
            "pothole": "No bus fare",
            "detour": "Ask for a pass",
            "step": str(step.uuid),
        }
    ]
    assert [(r["uuid"], r["decision"], r["by"]) for r in data["reviews"]] == [
        (str(review.uuid), "keep_going", "coach")
    ]
    assert [(c["status"], c["by"]) for c in data["status_history"]] == [("active", "coach")]
    child_data = api_as(world.coach).get(reverse("api:goal-detail", args=[child.uuid])).json()
    assert child_data["parent"] == str(long_term.uuid)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_an_outsider_coach_gets_empty_lists_and_404s(world, plan, outsider):
    goal, step, _, _, session = plan
    client = api_as(getattr(world, outsider))
    for route in ["api:goal-list", "api:step-list", "api:coaching-session-list"]:
        assert results(client.get(reverse(route))) == [], route
    for route, record in [
        ("api:goal-detail", goal),
        ("api:step-detail", step),
        ("api:coaching-session-detail", session),
    ]:
        assert client.get(reverse(route, args=[record.uuid])).status_code == 404, route
    assert not AuditEvent.objects.filter(action="view").exists()


def test_the_participant_sees_their_own_records(world, plan):
    goal, step, _, _, session = plan
    client = api_as(world.participant_user)
    assert [g["uuid"] for g in results(client.get(reverse("api:goal-list")))] == [str(goal.uuid)]
    assert [s["uuid"] for s in results(client.get(reverse("api:step-list")))] == [str(step.uuid)]
    sessions = results(client.get(reverse("api:coaching-session-list")))
    assert [s["uuid"] for s in sessions] == [str(session.uuid)]
    assert client.get(reverse("api:goal-detail", args=[goal.uuid])).status_code == 200


def test_goal_filters(world):
    learning = set_goal(world)
    work = set_goal(world, "Get a forklift licence", life_area="work")
    actions.record_review(
        Actor(world.coach), work, ReviewDetails("Got it", Review.Decision.ACHIEVED)
    )
    other = actions.set_goal(
        Actor(world.other_county_coach), world.other_case, GoalDetails("Move closer", "home")
    )
    client = api_as(world.state_admin)  # sees both counties

    def uuids(**params) -> set[str]:
        return {g["uuid"] for g in results(client.get(reverse("api:goal-list"), params))}

    assert uuids() == {str(learning.uuid), str(work.uuid), str(other.uuid)}
    assert uuids(participant=world.case.uuid) == {str(learning.uuid), str(work.uuid)}
    assert uuids(status="achieved") == {str(work.uuid)}
    assert uuids(life_area="learning") == {str(learning.uuid)}
    assert uuids(participant=world.other_case.uuid, life_area="learning") == set()
    assert client.get(reverse("api:goal-list"), {"status": "lost"}).status_code == 400


def test_step_filters(world):
    goal, other_goal = set_goal(world), set_goal(world, "Save $200 by June", life_area="money")
    first, second = add_step(world, goal), add_step(world, goal, "Fill in the form")
    elsewhere = add_step(world, other_goal, "Open a savings account")
    actions.mark_step(Actor(world.coach), second, second.version, Step.Status.DONE, "Sent it")
    client = api_as(world.coach)

    def uuids(**params) -> list[str]:
        return [s["uuid"] for s in results(client.get(reverse("api:step-list"), params))]

    assert set(uuids()) == {str(first.uuid), str(second.uuid), str(elsewhere.uuid)}
    assert uuids(goal=goal.uuid) == [str(first.uuid), str(second.uuid)]  # in plan order
    assert uuids(status="done") == [str(second.uuid)]
    assert uuids(goal=other_goal.uuid, status="done") == []


def test_session_filter_by_participant(world):
    mine = record_session(world)
    theirs = actions.record_session(
        Actor(world.other_county_coach),
        world.other_case,
        SessionDetails(timezone.now() - timedelta(hours=2), CoachingSession.Mode.VIDEO, 45),
    )
    client = api_as(world.state_admin)
    url = reverse("api:coaching-session-list")
    assert {s["uuid"] for s in results(client.get(url))} == {str(mine.uuid), str(theirs.uuid)}
    filtered = results(client.get(url, {"participant": world.other_case.uuid}))
    assert [(s["uuid"], s["coach"]) for s in filtered] == [(str(theirs.uuid), "kern_coach")]


@pytest.mark.parametrize("route", ["api:goal-detail", "api:coaching-session-detail"])
def test_a_detail_read_is_audited_as_an_api_view_of_the_participant(world, plan, route):
    goal, _, _, _, session = plan
    record = goal if route == "api:goal-detail" else session
    assert api_as(world.coach).get(reverse(route, args=[record.uuid])).status_code == 200
    event = AuditEvent.objects.get(action="view")
    assert (event.channel, event.actor_name) == ("api", "coach")
    assert (event.record_type, event.record_id, event.participant) == (
        "Participant",
        world.case.uuid,
        world.case.uuid,
    )


def test_a_list_records_one_view_of_each_participant_on_its_page(world, plan):
    client = api_as(world.coach)
    for route in ["api:goal-list", "api:step-list", "api:coaching-session-list"]:
        before = AuditEvent.objects.filter(action="view").count()
        results(client.get(reverse(route)))
        event = AuditEvent.objects.filter(action="view").latest("id")
        assert AuditEvent.objects.filter(action="view").count() == before + 1
        assert (event.participant, event.channel, event.actor) == (
            world.case.uuid,
            "api",
            world.coach,
        )


def _queries_for(world: World, route: str, *args) -> int:
    client = api_as(world.coach)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(route, args=args)).status_code == 200
    return len(data_queries(captured))


def _grow(world: World, parent: Goal | None = None) -> Goal:
    """One more goal with a step, an obstacle, a review and a session.

    The first is long-term and the next ones lead to it, so each row has a parent to show.
    """
    term = Goal.Term.LONG if parent is None else Goal.Term.SHORT
    goal = set_goal(world, term=term, parent=parent)
    step = add_step(world, goal)
    actions.add_obstacle(Actor(world.coach), goal, Obstacle.Kind.INTERNAL, "Tired", "Nap", step)
    actions.record_review(
        Actor(world.coach), goal, ReviewDetails("Fine", Review.Decision.REVISE_PLAN)
    )
    record_session(world, days_ago=Goal.objects.count())
    return goal


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        # the page's count, the page itself and its view events, however many rows
        ("api:goal-list", 3),
        ("api:step-list", 3),
        ("api:coaching-session-list", 3),
    ],
)
def test_list_queries_do_not_grow_with_the_rows(world, route, expected):
    first = _grow(world)
    with_one = _queries_for(world, route)
    for _ in range(4):
        _grow(world, parent=first)
    assert Goal.objects.count() == Step.objects.count() == CoachingSession.objects.count() == 5
    assert _queries_for(world, route) == with_one == expected


def test_goal_detail_queries_do_not_grow_with_its_records(world):
    goal = _grow(world)
    with_one = _queries_for(world, "api:goal-detail", goal.uuid)
    # Alternating decisions move the status back and forth, so the history grows too.
    for decision in [Review.Decision.CHANGE_GOAL, Review.Decision.KEEP_GOING] * 2:
        step = add_step(world, goal, f"Step after {decision}")
        actions.add_obstacle(
            Actor(world.coach), goal, Obstacle.Kind.INTERNAL, "Late", "Alarm", step
        )
        actions.record_review(Actor(world.coach), goal, ReviewDetails("Again", decision))
    assert goal.steps.count() == goal.reviews.count() == goal.status_changes.count() == 5
    # the goal, steps, obstacles and their steps, reviews and their authors, status history and
    # its authors, then the audit event
    assert _queries_for(world, "api:goal-detail", goal.uuid) == with_one == 9


def test_the_openapi_schema_lists_the_coaching_resources():
    schema = (
        APIClient()
        .get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    assert {
        "/api/v1/goals/",
        "/api/v1/goals/{uuid}/",
        "/api/v1/steps/",
        "/api/v1/steps/{uuid}/",
        "/api/v1/coaching-sessions/",
        "/api/v1/coaching-sessions/{uuid}/",
    } <= set(schema["paths"])
    assert {"GoalStatusEnum", "StepStatusEnum"} <= set(schema["components"]["schemas"])


def test_achievements_are_listed_with_their_incentive_for_those_in_scope(world, client_for):
    actions.recognise(
        Actor(world.coach), world.case, "Came to every meeting", incentive_amount=Decimal("25")
    )
    mine = client_for(world.supervisor).get("/api/v1/achievements/", {"incentive": "pending"})
    assert [row["words"] for row in mine.json()["results"]] == ["Came to every meeting"]
    assert mine.json()["results"][0]["incentive_amount"] == "25.00"
    theirs = client_for(world.other_county_coach).get("/api/v1/achievements/")
    assert theirs.json()["results"] == []


def test_a_professional_goal_is_read_by_its_owner_without_a_participant_view(world):
    goal = actions.set_professional_goal(
        Actor(world.coach),
        world.coach,
        GoalDetails("Write notes the same day", "", skill_area="daily_tasks"),
    )
    response = api_as(world.coach).get(f"/api/v1/goals/{goal.uuid}/")
    assert response.status_code == 200 and response.json()["participant"] is None
    assert not AuditEvent.objects.filter(action="view", record_id=goal.uuid).exists()
    assert api_as(world.coach_same_team).get(f"/api/v1/goals/{goal.uuid}/").status_code == 404
