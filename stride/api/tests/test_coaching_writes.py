"""Goals, steps, potholes and reviews written through the API: the pages' actions and forms,
the pages' scope, stale changes refused (ETag / If-Match), creations made once per
Idempotency-Key."""

import re
from datetime import date, timedelta
from uuid import uuid4

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import World, data_queries
from stride.api import idempotency, preconditions
from stride.api.models import IdempotencyKey
from stride.coaching import actions
from stride.coaching.actions import GoalDetails, StepDetails
from stride.coaching.forms import GoalForm, StepForm
from stride.coaching.models import Goal, Obstacle, Review, Step
from stride.core.audit import Actor
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def token_for(user) -> APIClient:
    client = APIClient()
    _instance, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def a_goal(world: World, **details) -> Goal:
    details.setdefault("life_area", "learning")
    return actions.set_goal(Actor(world.coach), world.case, GoalDetails("Finish my GED", **details))


def a_step(world: World, goal: Goal) -> Step:
    return actions.add_step(Actor(world.coach), goal, StepDetails("Call the adult school"))


@pytest.fixture
def plan(world):
    goal = a_goal(world)
    return goal, a_step(world, goal)


# Each write: its URL, the body that succeeds, the status it answers, and what it makes.
def _new_goal(w, goal, step):
    return "post", reverse("api:participant-goals", args=[w.case.uuid]), {"words": "Get a job"}


def _goal_patch(w, goal, step):
    return "patch", reverse("api:goal-detail", args=[goal.uuid]), {"measure": "An offer letter"}


def _goal_put(w, goal, step):
    return "put", reverse("api:goal-detail", args=[goal.uuid]), {"words": "Pass the GED"}


def _new_step(w, goal, step):
    return "post", reverse("api:goal-steps", args=[goal.uuid]), {"what": "Visit the library"}


def _step_patch(w, goal, step):
    return "patch", reverse("api:step-detail", args=[step.uuid]), {"status": "done"}


def _step_put(w, goal, step):
    return "put", reverse("api:step-detail", args=[step.uuid]), {"what": "Call them today"}


def _new_pothole(w, goal, step):
    body = {"kind": "external", "pothole": "No bus fare", "detour": "Ask for a pass"}
    return "post", reverse("api:goal-potholes", args=[goal.uuid]), body


def _new_review(w, goal, step):
    body = {"how_it_went": "Called twice", "decision": "keep_going"}
    return "post", reverse("api:goal-reviews", args=[goal.uuid]), body


WRITES = {
    "new goal": (_new_goal, 201),
    "goal patch": (_goal_patch, 200),
    "goal put": (_goal_put, 200),
    "new step": (_new_step, 201),
    "step patch": (_step_patch, 200),
    "step put": (_step_put, 200),
    "new pothole": (_new_pothole, 201),
    "new review": (_new_review, 201),
}


def send(client: APIClient, method: str, url: str, body: dict, goal: Goal, step: Step, **headers):
    if method in ("patch", "put") and "HTTP_IF_MATCH" not in headers:
        record = Goal.objects.get(pk=goal.pk) if "/goals/" in url else Step.objects.get(pk=step.pk)
        headers["HTTP_IF_MATCH"] = preconditions.etag(record.version)
    return getattr(client, method)(url, body, format="json", **headers)


# Who keeps the case, or its team, or its county, writes; anyone else in the county or beyond
# finds nothing (404); a role that never writes is refused (403), whatever the record.
PEOPLE = {
    "coach": 0,
    "supervisor": 0,
    "county_admin": 0,
    "coach_same_team": 404,
    "coach_same_county": 404,
    "other_county_coach": 404,
    "other_county_supervisor": 404,
    "other_county_admin": 404,
    "state_admin": 403,
    "sysadmin": 403,
    "participant_user": 403,
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("person", PEOPLE)
def test_each_write_is_for_the_people_who_keep_the_case(world, plan, write, person):
    make, ok = WRITES[write]
    method, url, body = make(world, *plan)
    events = AuditEvent.objects.count()

    response = send(token_for(getattr(world, person)), method, url, body, *plan)

    expected = PEOPLE[person] or ok
    assert response.status_code == expected, response.content
    if expected == ok:
        assert AuditEvent.objects.filter(channel="api", actor_name__isnull=False).exists()
        assert AuditEvent.objects.count() > events
    else:
        assert AuditEvent.objects.count() == events  # nothing written, nothing recorded


@pytest.mark.parametrize("write", WRITES)
def test_each_write_without_a_token_is_refused(world, plan, write):
    method, url, body = WRITES[write][0](world, *plan)
    response = send(APIClient(), method, url, body, *plan)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.parametrize("write", ["new goal", "new step", "new pothole", "new review"])
def test_a_write_to_a_record_that_is_not_there_is_a_404(world, plan, write):
    method, url, body = WRITES[write][0](world, *plan)
    missing = url.replace(str(world.case.uuid), str(uuid4())).replace(
        str(plan[0].uuid), str(uuid4())
    )
    assert send(token_for(world.coach), method, missing, body, *plan).status_code == 404


def test_a_new_goal_is_the_pages_goal_with_its_audit_event_and_etag(world):
    long_term = a_goal(world, term=Goal.Term.LONG, life_area="work")
    body = {
        "words": "  Pass the reading test  ",
        "life_area": "learning",
        "target_date": "2027-01-15",
        "difficulty": 4,
        "parent": str(long_term.uuid),
    }
    response = token_for(world.coach).post(
        reverse("api:participant-goals", args=[world.case.uuid]), body, format="json"
    )

    assert response.status_code == 201, response.content
    goal = Goal.objects.get(uuid=response.json()["uuid"])
    assert (goal.words, goal.target_date, goal.parent, goal.term) == (
        "Pass the reading test",
        date(2027, 1, 15),
        long_term,
        "short",  # the page's starting choice
    )
    assert response["ETag"] == '"1"'
    assert response.json()["parent"] == str(long_term.uuid)
    event = AuditEvent.objects.get(record_type="Goal", record_id=goal.uuid)
    assert (event.action, event.channel, event.participant) == ("create", "api", world.case.uuid)
    assert goal.status_changes.count() == 1


def test_a_refused_goal_says_what_the_page_says_next_to_each_field(world):
    other_persons_goal = actions.set_goal(
        Actor(world.other_county_coach), world.other_case, GoalDetails("Drive", "work")
    )
    body = {"words": "   ", "difficulty": 11, "parent": str(other_persons_goal.uuid)}
    response = token_for(world.coach).post(
        reverse("api:participant-goals", args=[world.case.uuid]), body, format="json"
    )

    assert response.status_code == 400
    form = GoalForm({"term": "short", "proposed_by": "participant", **body}, participant=world.case)
    form.fields["parent"].to_field_name = "uuid"
    assert not form.is_valid()
    assert response.json() == {name: list(errors) for name, errors in form.errors.items()}
    assert not Goal.objects.filter(participant=world.case).exists()


def test_a_refusal_is_in_the_language_asked_for(world):
    response = token_for(world.coach).post(
        reverse("api:participant-goals", args=[world.case.uuid]),
        {"words": ""},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    with translation.override("es"):
        form = GoalForm({"words": ""}, participant=world.case)
        form.is_valid()
        expected = list(form.errors["words"])
    assert response.json()["words"] == expected
    assert expected != ["This field is required."]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"words": 42}, "words"),
        ({"words": "Get a job", "difficulty": "5"}, "difficulty"),
        ({"words": "Get a job", "target_date": 20270115}, "target_date"),
        ({"words": "Get a job", "parent": {"uuid": "x"}}, "parent"),
        ({"words": "Get a job", "parent": "not-a-uuid"}, "parent"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_not_made_into_text(world, body, field):
    response = token_for(world.coach).post(
        reverse("api:participant-goals", args=[world.case.uuid]), body, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_body_that_is_not_an_object_is_refused(world):
    response = token_for(world.coach).post(
        reverse("api:participant-goals", args=[world.case.uuid]), ["words"], format="json"
    )
    assert response.status_code == 400


def test_a_goal_read_carries_its_etag(world, plan):
    goal, step = plan
    client = token_for(world.coach)
    assert client.get(reverse("api:goal-detail", args=[goal.uuid]))["ETag"] == '"1"'
    assert client.get(reverse("api:step-detail", args=[step.uuid]))["ETag"] == '"1"'


def test_a_patch_keeps_what_it_does_not_name_and_moves_the_etag(world, plan):
    goal, _step = plan
    response = token_for(world.coach).patch(
        reverse("api:goal-detail", args=[goal.uuid]),
        {"measure": "A certificate"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    goal.refresh_from_db()
    assert (goal.words, goal.measure, goal.life_area, goal.version) == (
        "Finish my GED",
        "A certificate",
        "learning",
        2,
    )
    event = AuditEvent.objects.get(record_type="Goal", action="change")
    assert event.fields == ["measure"]


def test_a_put_replaces_the_goal_as_a_new_form_would(world, plan):
    goal, _step = plan
    actions.update_goal(
        Actor(world.coach), goal, 1, GoalDetails("Finish my GED", "learning", measure="A paper")
    )
    response = token_for(world.coach).put(
        reverse("api:goal-detail", args=[goal.uuid]),
        {"words": "Pass two tests"},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    assert response.status_code == 200, response.content
    goal.refresh_from_db()
    assert (goal.words, goal.measure, goal.life_area) == ("Pass two tests", "", "")


def test_a_put_without_what_the_form_requires_is_refused(world, plan):
    goal, _step = plan
    response = token_for(world.coach).put(
        reverse("api:goal-detail", args=[goal.uuid]), {}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert response.json() == {"words": ["This field is required."]}


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("route", ["api:goal-detail", "api:step-detail"])
def test_a_change_without_if_match_is_428_and_a_stale_one_412(world, plan, route, method):
    goal, step = plan
    url = reverse(route, args=[(goal if route == "api:goal-detail" else step).uuid])
    body = {"words": "New words"} if route == "api:goal-detail" else {"what": "New step"}
    client = token_for(world.coach)

    missing = getattr(client, method)(url, body, format="json")
    star = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH="*")
    stale = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH='"7"')
    weak = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH='W/"1"')
    garbled = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH="1")

    assert (missing.status_code, star.status_code) == (428, 428)
    assert (stale.status_code, weak.status_code) == (412, 412)
    assert "Someone changed this record after you read it" in stale.json()["detail"]
    assert (stale["ETag"], weak["ETag"]) == ('"1"', '"1"')  # the version there now
    assert "ETag" not in missing
    assert garbled.status_code == 400
    assert not AuditEvent.objects.filter(action="change").exists()


def test_the_schema_says_every_412_carries_the_current_etag(world):
    schema = token_for(world.coach).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    changes = [
        operation
        for path in schema["paths"].values()
        for method, operation in path.items()
        if method in ("patch", "put")
    ]
    assert changes
    assert all("ETag" in change["responses"]["412"]["headers"] for change in changes)


def test_two_changes_sent_with_the_same_etag_save_only_the_first(world, plan):
    goal, _step = plan
    url = reverse("api:goal-detail", args=[goal.uuid])
    coach, supervisor = token_for(world.coach), token_for(world.supervisor)

    first = coach.patch(url, {"measure": "A paper"}, format="json", HTTP_IF_MATCH='"1"')
    second = supervisor.patch(url, {"measure": "A call"}, format="json", HTTP_IF_MATCH='"1"')

    assert (first.status_code, second.status_code) == (200, 412)
    assert second["ETag"] == first["ETag"] == '"2"'
    goal.refresh_from_db()
    assert (goal.measure, goal.version) == ("A paper", 2)


def test_a_change_saved_between_the_check_and_the_lock_is_still_refused(world, plan, monkeypatch):
    # Two PATCHes at once: both pass the If-Match check, then one waits on the row lock the
    # other holds; when it gets the row, its version is not the one it read.
    goal, _step = plan
    real = preconditions.expected_version

    def checked_then_changed(headers, current):
        version = real(headers, current)
        actions.update_goal(
            Actor(world.supervisor), goal, version, GoalDetails("Finish my GED", "work")
        )
        return version

    monkeypatch.setattr(preconditions, "expected_version", checked_then_changed)
    response = token_for(world.coach).patch(
        reverse("api:goal-detail", args=[goal.uuid]),
        {"measure": "A paper"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert (response.status_code, response["ETag"]) == (412, '"2"')
    goal.refresh_from_db()
    assert (goal.life_area, goal.measure, goal.version) == ("work", "", 2)


def test_a_step_is_marked_done_with_how_it_went_as_the_page_marks_it(world, plan):
    goal, step = plan
    response = token_for(world.coach).patch(
        reverse("api:step-detail", args=[step.uuid]),
        {"status": "done", "outcome_note": " They called back ", "where": "At home"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.content
    step.refresh_from_db()
    assert (step.status, step.outcome_note, step.where) == ("done", "They called back", "At home")
    assert step.status_on == timezone.localdate()
    assert (response["ETag"], step.version) == ('"3"', 3)  # the plan changed, then the mark
    changes = AuditEvent.objects.filter(record_type="Step", action="change").order_by("pk")
    assert [(e.fields, e.changes) for e in changes] == [
        (["where"], {}),
        (["outcome_note", "status", "status_on"], {"status": ["planned", "done"]}),
    ]


def test_a_step_put_leaves_its_status_alone(world, plan):
    goal, step = plan
    actions.mark_step(Actor(world.coach), step, 1, Step.Status.DONE, "Went well")
    response = token_for(world.coach).put(
        reverse("api:step-detail", args=[step.uuid]),
        {"what": "Call the school"},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    assert response.status_code == 200, response.content
    step.refresh_from_db()
    assert (step.what, step.status, step.outcome_note) == ("Call the school", "done", "Went well")


def test_a_bad_status_is_refused_in_the_forms_words(world, plan):
    _goal, step = plan
    response = token_for(world.coach).patch(
        reverse("api:step-detail", args=[step.uuid]),
        {"status": "finished"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    assert response.json() == {
        "status": ["Select a valid choice. finished is not one of the available choices."]
    }


def test_a_pothole_is_about_a_step_of_its_own_goal_only(world, plan):
    goal, step = plan
    other_goal = a_goal(world)
    other_step = a_step(world, other_goal)
    url = reverse("api:goal-potholes", args=[goal.uuid])
    body = {"kind": "internal", "pothole": "I put things off", "detour": "Set an alarm"}
    client = token_for(world.coach)

    made = client.post(url, {**body, "step": str(step.uuid)}, format="json")
    refused = client.post(url, {**body, "step": str(other_step.uuid)}, format="json")
    missing = client.post(url, {"kind": "internal", "pothole": "I put things off"}, format="json")

    assert made.status_code == 201, made.content
    assert made.json()["step"] == str(step.uuid)
    assert Obstacle.objects.get(uuid=made.json()["uuid"]).step == step
    assert refused.json() == {"step": ["Choose a step of this goal."]}
    assert missing.json() == {"detour": ["This field is required."]}


def test_a_review_that_reaches_the_goal_marks_it_achieved(world, plan):
    goal, _step = plan
    response = token_for(world.coach).post(
        reverse("api:goal-reviews", args=[goal.uuid]),
        {"how_it_went": "I passed", "decision": "achieved"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Review.objects.get(uuid=response.json()["uuid"]).by == world.coach
    goal.refresh_from_db()
    assert (goal.status, goal.version) == ("achieved", 2)


def test_a_professional_goal_is_not_changed_through_the_api(world):
    own = actions.set_professional_goal(
        Actor(world.coach), world.coach, GoalDetails("Learn MI", "", skill_area="coaching")
    )
    response = token_for(world.coach).patch(
        reverse("api:goal-detail", args=[own.uuid]), {}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 404


# Idempotency-Key


def test_the_same_post_with_the_same_key_makes_one_goal_and_answers_the_same(world):
    client = token_for(world.coach)
    url = reverse("api:participant-goals", args=[world.case.uuid])
    body = {"words": "Get a job", "life_area": "work"}

    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    events = AuditEvent.objects.count()
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert Goal.objects.filter(participant=world.case).count() == 1
    assert AuditEvent.objects.count() == events  # nothing new recorded, not even a view
    assert again["Idempotent-Replayed"] == "true"
    assert again["ETag"] == first["ETag"] == '"1"'


def test_the_same_key_with_another_body_is_refused(world, plan):
    goal, _step = plan
    client = token_for(world.coach)
    url = reverse("api:goal-steps", args=[goal.uuid])
    client.post(url, {"what": "Call"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    other = client.post(url, {"what": "Write"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    elsewhere = client.post(
        reverse("api:goal-reviews", args=[goal.uuid]),
        {"how_it_went": "Fine", "decision": "keep_going"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )

    assert (other.status_code, elsewhere.status_code) == (422, 422)
    assert "different request" in other.json()["detail"]
    assert list(goal.steps.values_list("what", flat=True)) == ["Call the adult school", "Call"]


def test_a_key_is_each_accounts_own(world, plan):
    goal, _step = plan
    url = reverse("api:goal-steps", args=[goal.uuid])
    token_for(world.coach).post(url, {"what": "Call"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    theirs = token_for(world.supervisor).post(
        url, {"what": "Call"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert theirs.status_code == 201
    assert goal.steps.filter(what="Call").count() == 2


def test_a_refused_post_keeps_no_key_so_it_can_be_corrected(world, plan):
    goal, _step = plan
    client = token_for(world.coach)
    url = reverse("api:goal-steps", args=[goal.uuid])
    assert (
        client.post(url, {"what": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 400
    )
    fixed = client.post(url, {"what": "Call"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert fixed.status_code == 201


def test_a_key_lasts_a_day_and_each_use_prunes_a_bounded_batch_of_old_ones(world, plan):
    goal, _step = plan
    client = APIClient()
    client.force_authenticate(world.coach)  # a token would not last the day
    url = reverse("api:goal-steps", args=[goal.uuid])
    client.post(url, {"what": "Call"}, format="json", HTTP_IDEMPOTENCY_KEY="day")
    long_ago = timezone.now() - timedelta(days=2)
    IdempotencyKey.objects.bulk_create(
        IdempotencyKey(
            user=world.supervisor, key=f"old-{n}", request_hash="x", status=201, body="{}",
            created_at=long_ago,
        )
        for n in range(idempotency.PRUNE_BATCH + 20)
    )  # fmt: skip

    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        again = client.post(url, {"what": "Call"}, format="json", HTTP_IDEMPOTENCY_KEY="day")

    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert goal.steps.filter(what="Call").count() == 2  # a day later the key is new again
    assert IdempotencyKey.objects.filter(key__startswith="old-").count() == 20
    assert IdempotencyKey.objects.filter(key="day").count() == 1


def test_a_malformed_key_is_refused(world, plan):
    goal, _step = plan
    response = token_for(world.coach).post(
        reverse("api:goal-steps", args=[goal.uuid]),
        {"what": "Call"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="with space",
    )
    assert response.status_code == 400
    assert not goal.steps.filter(what="Call").exists()


# Queries: each write's count, the same with an Idempotency-Key kept and replayed.

# The action's own statements (the record, its audit event, the reminder it may move) and the
# record read through the access module; the same however many goals and steps are around.
QUERIES = {
    "new goal": 6,
    "goal patch": 8,
    "goal put": 8,
    "new step": 5,
    "step patch": 8,  # the plan changed, then the step marked: two locked reads
    "step put": 7,
    "new pothole": 3,
    "new review": 5,
}


@pytest.mark.parametrize("write", WRITES)
def test_each_write_runs_a_fixed_number_of_queries(world, plan, write):
    goal, step = plan
    for _n in range(3):  # more records around it change nothing
        a_step(world, a_goal(world, term=Goal.Term.LONG))
    method, url, body = WRITES[write][0](world, goal, step)
    client = APIClient()
    client.force_authenticate(world.coach)
    if method in ("patch", "put"):
        record = goal if "/goals/" in url else step
        headers = {"HTTP_IF_MATCH": preconditions.etag(record.version)}
    else:
        headers = {}
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, body, format="json", **headers)
    assert response.status_code in (200, 201), response.content
    assert len(data_queries(captured)) == QUERIES[write], "\n".join(
        q[:150] for q in data_queries(captured)
    )


def test_a_key_adds_three_queries_and_a_repeat_runs_two(world, plan):
    goal, _step = plan
    client = APIClient()
    client.force_authenticate(world.coach)
    url = reverse("api:goal-steps", args=[goal.uuid])

    with CaptureQueriesContext(connection) as first:
        client.post(url, {"what": "Call"}, format="json", HTTP_IDEMPOTENCY_KEY="q")
    with CaptureQueriesContext(connection) as again:
        client.post(url, {"what": "Call"}, format="json", HTTP_IDEMPOTENCY_KEY="q")

    # The key looked up, old keys pruned, the key stored; a repeat: the goal, the key.
    assert len(data_queries(first)) == QUERIES["new step"] + 3
    assert len(data_queries(again)) == 2


# The API and the page agree on every step, whatever is typed: what the new-step form takes,
# the API stores the same; what it refuses, the API refuses in its words. (The API reads dates
# only as YYYY-MM-DD, as its schema says; the page also reads 01/15/2027.)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=320)
DAY = st.one_of(st.dates().map(date.isoformat), st.text(max_size=12), st.none())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(what=TEXT, where=TEXT, due_on=DAY)
@example(what="  Call  ", where="", due_on="2027-02-29")
@example(what="\x00", where="x" * 201, due_on="2027-02-28")
@example(what="Call", where="", due_on="01/15/2027")
def test_a_step_sent_to_the_api_is_the_step_the_page_would_save(world, plan, what, where, due_on):
    goal, _step = plan
    body = {"what": what, "where": where, "due_on": due_on}
    client = APIClient()
    client.force_authenticate(world.coach)
    response = client.post(reverse("api:goal-steps", args=[goal.uuid]), body, format="json")

    form = StepForm({name: value for name, value in body.items() if value is not None})
    iso = due_on is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", due_on) is not None
    if form.is_valid() and iso:
        assert response.status_code == 201, response.content
        step = Step.objects.get(uuid=response.json()["uuid"])
        assert (step.what, step.where, step.due_on) == (
            form.cleaned_data["what"],
            form.cleaned_data["where"],
            form.cleaned_data["due_on"],
        )
    else:
        assert response.status_code == 400
        refused = response.json()
        for name, errors in form.errors.items():
            assert refused[name] == list(errors)
        assert set(refused) <= {"what", "where", "due_on"}


def test_two_posts_with_one_key_at_once_make_one_record(world, plan, monkeypatch):
    # Sent together, both find no key stored and both make a step; the second one's key
    # collides with the first's as it is stored, its step is rolled back, and it answers as
    # the first did.
    goal, _step = plan
    client = APIClient()
    client.force_authenticate(world.coach)
    url = reverse("api:goal-steps", args=[goal.uuid])
    first = client.post(url, {"what": "Call"}, format="json", HTTP_IDEMPOTENCY_KEY="race")
    events = AuditEvent.objects.count()
    real = idempotency._stored
    looked = []

    def not_yet_on_the_first_look(request, key):
        looked.append(key)
        return None if len(looked) == 1 else real(request, key)

    monkeypatch.setattr(idempotency, "_stored", not_yet_on_the_first_look)
    second = client.post(url, {"what": "Call"}, format="json", HTTP_IDEMPOTENCY_KEY="race")

    assert (second.status_code, second.content) == (first.status_code, first.content)
    assert goal.steps.filter(what="Call").count() == 1
    assert AuditEvent.objects.count() == events
    assert len(looked) == 2
