"""The API answers as its OpenAPI schema says: schemathesis sends generated requests (valid and
invalid) to every operation, as a coach and as a county administrator with their own tokens,
and runs every check it has on each answer: status codes, content types, bodies and headers
against the schema, no server error, invalid input refused, requests without the token refused.

The writes are sent again to records each person keeps, with generated bodies, so they reach
the forms and the action functions and make records (with the record's ETag in If-Match and a
new Idempotency-Key, unless that header is what a negative case got wrong).
"""

import re
import time as clock
from datetime import date, time, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from knox.models import AuthToken
from rest_framework.throttling import UserRateThrottle
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from stride.api import idempotency, preconditions
from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails, SessionDetails, StepDetails
from stride.coaching.models import CoachingSession, Goal, Step
from stride.core.audit import Actor
from stride.participation import actions as participation
from stride.participation.models import Activity, HoursEntry, WorkActivity
from stride.people import actions as people
from stride.people.actions import PersonDetails
from stride.people.models import Household, Member
from stride.reminders import actions as reminders
from stride.reminders.models import Message
from stride.resources import actions as resources
from stride.resources.actions import Opening, ServiceDetails
from stride.resources.models import Provider, Referral, Service
from stride.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES = 5  # per operation, mode and role: each parameter is tried, and the test stays short


KNOWN = {
    "/api/v1/participants/{uuid}/": lambda w, goal: {"uuid": str(w.case.uuid)},
    "/api/v1/households/{uuid}/": lambda w, goal: {"uuid": str(w.case.household.uuid)},
    "/api/v1/goals/{uuid}/": lambda w, goal: {"uuid": str(goal.uuid)},
    "/api/v1/steps/{uuid}/": lambda w, goal: {"uuid": str(_first_step(goal).uuid)},
    "/api/v1/time-clocks/{uuid}/": lambda w, goal: {"uuid": str(w.case.uuid)},
    "/api/v1/services/{uuid}/": lambda w, goal: {"uuid": str(_service("GED").uuid)},
    "/api/v1/instruments/{slug}/": lambda w, goal: {"slug": "triage"},
    "/api/v1/reminders/{uuid}/": lambda w, goal: {"uuid": str(_reminder(goal).uuid)},
    "/api/v1/messages/{uuid}/": lambda w, goal: {"uuid": str(_reminder(goal).uuid)},
    "/api/v1/participants/{uuid}/reminder-consents/": lambda w, goal: {"uuid": str(w.case.uuid)},
    "/api/v1/coaching-sessions/{uuid}/": lambda w, goal: {"uuid": str(_session_of(w.coach).uuid)},
    "/api/v1/hours/{uuid}/": lambda w, goal: {"uuid": str(_first_entry(w).uuid)},
    "/api/v1/activities/{uuid}/": lambda w, goal: {"uuid": str(Activity.objects.get().uuid)},
    "/api/v1/referrals/{uuid}/": lambda w, goal: {"uuid": str(_first_referral(w).uuid)},
    "/api/v1/members/{uuid}/": lambda w, goal: {"uuid": str(_child(w).uuid)},
}


# The writes, each at a record the person keeps: the participant, the goal, the step, the
# session they held (whose notes they keep).
WRITES = {
    "/api/v1/participants/{uuid}/goals/": lambda w, goal, user: {"uuid": str(w.case.uuid)},
    "/api/v1/goals/{uuid}/": lambda w, goal, user: {"uuid": str(goal.uuid)},
    "/api/v1/goals/{uuid}/steps/": lambda w, goal, user: {"uuid": str(goal.uuid)},
    "/api/v1/goals/{uuid}/potholes/": lambda w, goal, user: {"uuid": str(goal.uuid)},
    "/api/v1/goals/{uuid}/reviews/": lambda w, goal, user: {"uuid": str(goal.uuid)},
    "/api/v1/steps/{uuid}/": lambda w, goal, user: {"uuid": str(_first_step(goal).uuid)},
    "/api/v1/participants/{uuid}/coaching-sessions/": lambda w, goal, user: {
        "uuid": str(w.case.uuid)
    },
    "/api/v1/coaching-sessions/{uuid}/": lambda w, goal, user: {
        "uuid": str(_session_of(user).uuid)
    },
    "/api/v1/participants/{uuid}/hours/": lambda w, goal, user: {"uuid": str(w.case.uuid)},
    "/api/v1/hours/{uuid}/": lambda w, goal, user: {"uuid": str(_first_entry(w).uuid)},
    "/api/v1/participants/{uuid}/referrals/": lambda w, goal, user: {"uuid": str(w.case.uuid)},
    "/api/v1/referrals/{uuid}/": lambda w, goal, user: {"uuid": str(_first_referral(w).uuid)},
    "/api/v1/households/{uuid}/": lambda w, goal, user: {"uuid": str(w.case.household.uuid)},
    "/api/v1/households/{uuid}/members/": lambda w, goal, user: {
        "uuid": str(w.case.household.uuid)
    },
    "/api/v1/members/{uuid}/": lambda w, goal, user: {"uuid": str(_child(w).uuid)},
}
# A record a creation must name, put into the valid bodies so that they reach the action: the
# county's activity, a service no referral of the family is open to yet.
NAMED = {
    "/api/v1/participants/{uuid}/hours/": ("activity", lambda: Activity.objects.get().uuid),
    "/api/v1/participants/{uuid}/referrals/": ("service", lambda: _service("Job club").uuid),
}
# A valid body may still name a record that is not there, or not the participant's, or a
# time the record's rules refuse (a session held ahead of now, an appointment before it, hours
# on a day ahead or over a year ago, or more than 24 on one day): the form or the action
# refuses it (400), which the schema cannot say in advance. So may a referral's service when
# the family has an open referral to it, or a stage that is not after the referral's own; a
# person's birth date ahead or before 1900 (or too young for the one coached), a person
# already in Stride (last_name), a Social Security number that is not nine digits or is
# someone else's.
REFERENCES = (
    "parent", "step", "held_at", "next_appointment", "activity", "day", "hours", "service",
    "stage", "on", "outcome", "birth_date", "last_name", "ssn",
)  # fmt: skip
VERSIONED = {
    "/api/v1/goals/": Goal,
    "/api/v1/steps/": Step,
    "/api/v1/coaching-sessions/": CoachingSession,
    "/api/v1/hours/": HoursEntry,
    "/api/v1/referrals/": Referral,
    "/api/v1/households/": Household,
    "/api/v1/members/": Member,
}


def _write_headers(case, headers: dict) -> dict:
    """The record's ETag and a new key, over the generated ones, unless a negative case made
    that header wrong on purpose (then it goes as generated, to be refused)."""
    sent = case.headers or {}
    positive = case.meta is None or case.meta.generation.mode.is_positive
    chosen = dict(headers)
    if case.method in ("PATCH", "PUT"):
        tag = sent.get("If-Match")
        if positive or (tag is not None and re.match(preconditions.IF_MATCH_PATTERN, tag)):
            model = next(m for start, m in VERSIONED.items() if case.path.startswith(start))
            record = model.objects.get(uuid=case.path_parameters["uuid"])
            chosen["If-Match"] = preconditions.etag(record.version)
    if case.method == "POST":
        key = sent.get("Idempotency-Key")
        if positive or key is None or re.match(idempotency.KEY_PATTERN, key):
            chosen["Idempotency-Key"] = uuid4().hex
    return chosen


def _run_writes(operation, mode, headers, world, goal, user) -> int:
    sent = 0
    known = WRITES[operation.path](world, goal, user)

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=known))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        nonlocal sent
        sent += 1
        if operation.path in NAMED and mode.is_positive and isinstance(case.body, dict):
            name, record = NAMED[operation.path]
            case.body[name] = str(record())
        response = case.call_and_validate(
            headers=_write_headers(case, headers), excluded_checks=[positive_data_acceptance]
        )
        # Valid data is accepted, as schemathesis's own check says, but for a reference to a
        # record the form does not offer.
        if mode == GenerationMode.POSITIVE and not 200 <= response.status_code < 300:
            body = case.body if isinstance(case.body, dict) else {}
            names = [name for name in REFERENCES if body.get(name) is not None]
            assert response.status_code == 400 and names, (response.status_code, response.text)
            assert set(response.json()) <= set(names), response.text

    check()
    return sent


def _first_step(goal) -> Step:
    return goal.steps.order_by("pk")[0]  # the writes add more


def _session_of(user) -> CoachingSession:
    return CoachingSession.objects.filter(coach=user).order_by("pk")[0]


def _child(world) -> Member:
    return Member.objects.get(household=world.case.household, relationship="child")


def _service(name: str) -> Service:
    return Service.objects.get(name=name)


def _first_referral(world) -> Referral:
    return Referral.objects.filter(participant=world.case).order_by("pk")[0]


def _first_entry(world) -> HoursEntry:
    return HoursEntry.objects.filter(participant=world.case).order_by("pk")[0]


def _reminder(goal) -> Message:
    return Message.objects.get(about=Message.About.STEP, about_id=_first_step(goal).uuid)


@pytest.fixture
def one_connection():
    """The WSGI app closes the database connection after each request, as in production;
    the test's data lives in the test's transaction, so keep it open (as Django's test client
    does)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)
    # The thousand requests' throttle history would slow the next test's same accounts.
    cache.clear()


def _run(operation, mode, headers) -> int:
    sent = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        nonlocal sent
        sent += 1
        case.call_and_validate(headers=headers)

    check()
    return sent


def test_every_operation_answers_as_the_schema_says(world, monkeypatch, one_connection):
    # The test sends far more than a person would; the rate limit has its own test.
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "100000/minute"})
    goal = coaching.set_goal(
        Actor(world.coach), world.case, GoalDetails("Finish my GED", life_area="learning")
    )
    reminders.give_consent(Actor(world.coach), world.case, "sms", "5595550101", "in_person")
    due_on = timezone.localdate() + timedelta(days=7)
    coaching.add_step(
        Actor(world.coach), goal, StepDetails("Call the school", due_on=due_on, wants_reminder=True)
    )
    for keeper in (world.coach, world.county_admin):
        held_at = timezone.now() - timedelta(days=1)
        coaching.record_session(
            Actor(keeper), world.case, SessionDetails(held_at, "phone", 30, notes="Talked")
        )
    job = participation.add_activity(
        Actor(world.county_admin),
        world.county,
        participation.ActivityDetails("Paid job", WorkActivity.UNSUBSIDIZED_EMPLOYMENT),
    )
    today = timezone.localdate()
    participation.add_hours(
        Actor(world.coach), world.case, participation.Hours(job, today, Decimal("1"))
    )
    provider = Provider.objects.create(county=world.county, hsds_id="o1", name="Adult School")
    details = ServiceDetails("GED", "adult_education", openings=(Opening(1, time(6), time(17)),))
    child = PersonDetails("Luis", "Lopez", date(2018, 5, 1), Member.Relationship.CHILD)
    people.add_member(Actor(world.coach), world.case.household, child)
    ged = resources.add_service(Actor(world.county_admin), provider, details)
    resources.refer(Actor(world.coach), world.case, ged, note="Wants the GED")
    resources.add_service(
        Actor(world.county_admin), provider, ServiceDetails("Job club", "job_search")
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    started = clock.monotonic()
    operations = cases = 0
    failures: dict[str, str] = {}
    for user in (world.coach, world.county_admin):
        _instance, token = AuthToken.objects.create(user=user)
        headers = {"Authorization": f"Token {token}"}
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            # Invalid requests are made of query parameters (schemathesis leaves a path's
            # parameters whole); an operation without them has none to make.
            modes = [GenerationMode.POSITIVE]
            if operation.query:
                modes.append(GenerationMode.NEGATIVE)
            for mode in modes:
                try:
                    cases += _run(operation, mode, headers)
                except (Exception, BaseExceptionGroup) as failure:  # reported below
                    failures[f"{user.username} {mode.value} {operation.label}"] = str(failure)[
                        :1500
                    ]
        # The writes again, at records this person keeps, so their bodies reach the forms.
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path not in WRITES or operation.method.upper() == "GET":
                continue
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    cases += _run_writes(operation, mode, headers, world, goal, user)
                except (Exception, BaseExceptionGroup) as failure:  # reported below
                    failures[f"{user.username} {mode.value} write {operation.label}"] = str(
                        failure
                    )[:1500]
        # Generated ids find nothing; these are records each person can read, so their bodies
        # are checked against the schema too.
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path in KNOWN:
                case = operation.Case(path_parameters=KNOWN[operation.path](world, goal))
                try:
                    case.call_and_validate(headers=headers)
                except (Exception, BaseExceptionGroup) as failure:
                    failures[f"{user.username} known {operation.label}"] = str(failure)[:1500]
                cases += 1
    seconds = clock.monotonic() - started
    print(
        f"schemathesis: {operations} operations, {cases} cases, {len(failures)} failures, "
        f"{seconds:.1f}s"
    )
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())
    # The generated writes reached the actions: each kind of record was made.
    assert Goal.objects.filter(participant=world.case).count() > 1
    assert goal.steps.count() > 1 and goal.obstacles.exists() and goal.reviews.exists()
    assert CoachingSession.objects.count() > 2
    assert Referral.objects.count() > 1
