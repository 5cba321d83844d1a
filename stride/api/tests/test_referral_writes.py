"""Referrals written through the API: made as the resource map's refer page makes them, moved
along their loop as the referral page moves them (webhooks hear of each stage), stale changes
refused (ETag / If-Match), a referral made once per Idempotency-Key."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import World, data_queries
from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails, StepDetails
from stride.coaching.models import Step
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.resources import actions
from stride.resources.actions import ServiceDetails
from stride.resources.models import Provider, Referral, Service
from stride.webhooks import actions as webhooks
from stride.webhooks.actions import SubscriptionDetails
from stride.webhooks.models import Delivery

pytestmark = pytest.mark.django_db


def token_for(user) -> APIClient:
    client = APIClient()
    _instance, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def a_service(world: World, name: str = "GED classes", county=None) -> Service:
    county = county or world.county
    admin = world.county_admin if county == world.county else world.other_county_admin
    provider, _made = Provider.objects.get_or_create(
        county=county, hsds_id=f"o-{county.pk}", defaults={"name": "Adult School"}
    )
    return actions.add_service(Actor(admin), provider, ServiceDetails(name, "adult_education"))


@pytest.fixture
def service(world) -> Service:
    return a_service(world)


def a_referral(world: World, service: Service) -> Referral:
    return actions.refer(Actor(world.coach), world.case, service, note="Wants the GED")


def a_step(world: World, person=None) -> Step:
    goal = coaching.set_goal(
        Actor(world.coach), person or world.case, GoalDetails("Finish my GED", "learning")
    )
    return coaching.add_step(Actor(world.coach), goal, StepDetails("Call the adult school"))


def new_url(world: World) -> str:
    return reverse("api:participant-referrals", args=[world.case.uuid])


def detail_url(referral: Referral) -> str:
    return reverse("api:referral-detail", args=[referral.uuid])


KEEPERS = {
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


@pytest.mark.parametrize("person", KEEPERS)
def test_a_referral_is_made_by_the_people_who_keep_the_case(world, service, person):
    user = getattr(world, person)
    events = AuditEvent.objects.count()

    response = token_for(user).post(new_url(world), {"service": str(service.uuid)}, format="json")

    assert response.status_code == (KEEPERS[person] or 201), response.content
    if response.status_code == 201:
        referral = Referral.objects.get(uuid=response.json()["uuid"])
        assert (referral.made_by, referral.stage, referral.service) == (user, "sent", service)
        event = AuditEvent.objects.get(record_type="Referral", record_id=referral.uuid)
        assert (event.action, event.channel, event.actor) == ("create", "api", user)
    else:
        assert not Referral.objects.exists()
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("person", KEEPERS)
def test_a_referral_is_moved_by_the_people_who_keep_the_case(world, service, person):
    referral = a_referral(world, service)

    response = token_for(getattr(world, person)).patch(
        detail_url(referral), {"stage": "contacted"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == (KEEPERS[person] or 200), response.content
    referral.refresh_from_db()
    if response.status_code == 200:
        assert (referral.stage, referral.contacted_on, referral.version) == (
            "contacted",
            timezone.localdate(),
            2,
        )
        assert response["ETag"] == '"2"'
        event = AuditEvent.objects.get(record_type="Referral", action="change")
        assert (event.channel, event.changes) == ("api", {"stage": ["sent", "contacted"]})
    else:
        assert (referral.stage, referral.version) == ("sent", 1)
        assert not AuditEvent.objects.filter(action="change").exists()


def test_without_a_token_nothing_is_written(world, service):
    referral = a_referral(world, service)
    client = APIClient()
    made = client.post(new_url(world), {"service": str(service.uuid)}, format="json")
    moved = client.patch(
        detail_url(referral), {"stage": "contacted"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert (made.status_code, moved.status_code) == (401, 401)


def test_a_referral_for_nobody_or_one_that_is_not_there_is_a_404(world, service):
    client = token_for(world.coach)
    missing = reverse("api:participant-referrals", args=[uuid4()])
    assert client.post(missing, {"service": str(service.uuid)}, format="json").status_code == 404
    gone = reverse("api:referral-detail", args=[uuid4()])
    body = {"stage": "contacted"}
    assert client.patch(gone, body, format="json", HTTP_IF_MATCH='"1"').status_code == 404


def test_a_referral_is_the_pages_referral_tied_to_a_step(world, service):
    step = a_step(world)
    body = {"service": str(service.uuid), "note": "  Evening classes  ", "step": str(step.uuid)}
    response = token_for(world.coach).post(new_url(world), body, format="json")

    assert response.status_code == 201, response.content
    assert response["ETag"] == '"1"'
    referral = Referral.objects.get(uuid=response.json()["uuid"])
    assert (referral.note, referral.step, referral.sent_on) == (
        "Evening classes",
        step,
        timezone.localdate(),
    )
    assert (response.json()["step"], response.json()["service"]) == (
        str(step.uuid),
        str(service.uuid),
    )


def test_a_referral_names_a_service_of_the_familys_county_and_a_step_of_their_own(world, service):
    elsewhere = a_service(world, "Their classes", county=world.other_county)
    their_step = a_step(world, world.other_case)
    client = token_for(world.coach)

    other_county = client.post(new_url(world), {"service": str(elsewhere.uuid)}, format="json")
    other_step = client.post(
        new_url(world), {"service": str(service.uuid), "step": str(their_step.uuid)}, format="json"
    )

    assert other_county.json() == {"service": ["Choose a service that serves this family."]}
    assert other_step.json() == {
        "step": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert not Referral.objects.exists()


def test_the_actions_refusals_are_keyed_by_field_as_on_the_page(world, service):
    a_referral(world, service)
    paused = a_service(world, "Paused classes")
    actions.pause_service(Actor(world.county_admin), paused, paused.version, "inactive")
    client = token_for(world.coach)

    again = client.post(new_url(world), {"service": str(service.uuid)}, format="json")
    not_taking = client.post(new_url(world), {"service": str(paused.uuid)}, format="json")

    assert again.json() == {
        "service": ["This family already has an open referral to this service."]
    }
    assert not_taking.json() == {"service": ["This service is not taking referrals just now."]}
    assert Referral.objects.count() == 1


def test_a_refusal_is_in_the_language_asked_for(world, service):
    response = token_for(world.coach).post(
        new_url(world), {"service": str(uuid4())}, format="json", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.json() == {"service": ["Elija un servicio que atienda a esta familia."]}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"service": 7}, "service"),
        ({"note": 5}, "note"),
        ({"note": "x" * 1001}, "note"),
        ({"step": "step one"}, "step"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(world, service, body, field):
    response = token_for(world.coach).post(
        new_url(world), {"service": str(service.uuid), **body}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_loop_closes_with_how_it_ended_and_webhooks_hear_of_it(world, service):
    details = SubscriptionDetails(
        "County system", "https://example.org/hook", ["referral.stage_changed"], world.county
    )
    webhooks.create_subscription(Actor(world.county_admin), details)
    referral = a_referral(world, service)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    client = token_for(world.coach)
    url = detail_url(referral)

    unsaid = client.patch(url, {"stage": "closed"}, format="json", HTTP_IF_MATCH='"1"')
    closed = client.patch(
        url, {"stage": "closed", "outcome": "helped"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert unsaid.json() == {"outcome": ["Say how it ended."]}
    assert closed.status_code == 200, closed.content
    referral.refresh_from_db()
    assert (referral.stage, referral.outcome, referral.closed_on) == (
        "closed",
        "helped",
        timezone.localdate(),
    )
    assert Delivery.objects.filter(kind="referral.stage_changed").count() == 1
    after = client.patch(
        url, {"stage": "closed", "on": yesterday}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert after.json() == {"stage": ["This referral is closed."]}


def test_a_stage_goes_forward_on_a_day_that_has_been(world, service):
    referral = a_referral(world, service)
    actions.record_progress(Actor(world.coach), referral, "enrolled", timezone.localdate(), 1)
    client = token_for(world.coach)
    url = detail_url(referral)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    back = client.patch(url, {"stage": "contacted"}, format="json", HTTP_IF_MATCH='"2"')
    ahead = client.patch(
        url, {"stage": "closed", "outcome": "helped", "on": tomorrow}, format="json",
        HTTP_IF_MATCH='"2"',
    )  # fmt: skip
    nothing = client.patch(url, {}, format="json", HTTP_IF_MATCH='"2"')
    unsound = client.patch(url, {"outcome": "gone"}, format="json", HTTP_IF_MATCH='"2"')

    assert back.json() == {
        "stage": ["Select a valid choice. contacted is not one of the available choices."]
    }
    assert ahead.json() == {"on": ["The date can't be in the future."]}
    assert (nothing.status_code, nothing["ETag"], nothing.json()["stage"]) == (
        200,
        '"2"',
        "enrolled",
    )
    assert list(unsound.json()) == ["outcome"]


def test_a_move_needs_if_match_and_a_stale_one_is_refused(world, service):
    referral = a_referral(world, service)
    client = token_for(world.coach)
    missing = client.patch(detail_url(referral), {"stage": "contacted"}, format="json")
    stale = client.patch(
        detail_url(referral), {"stage": "contacted"}, format="json", HTTP_IF_MATCH='"5"'
    )
    assert (missing.status_code, stale.status_code, stale["ETag"]) == (428, 412, '"1"')
    assert client.get(detail_url(referral))["ETag"] == '"1"'


def test_the_same_referral_sent_twice_with_one_key_is_made_once(world, service):
    client = token_for(world.coach)
    body = {"service": str(service.uuid)}
    first = client.post(new_url(world), body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    events = AuditEvent.objects.count()
    again = client.post(new_url(world), body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    other = client.post(
        new_url(world), {**body, "note": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1"
    )

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert again.content == first.content and again["ETag"] == '"1"'
    assert Referral.objects.count() == 1
    assert AuditEvent.objects.count() == events


# Making one: the participant read through the access module, the service, then the action's
# check for an open referral of the family to it, the referral and its audit event (5). A key
# adds three (looked up, old ones pruned, stored); a step named adds one, the form's. Moving
# one: the referral read, locked, updated and read again, its participant read by the action,
# its audit event and the webhook's subscribers (7).
@pytest.mark.parametrize(
    "write, expected", [("make", 5), ("make with a key", 8), ("make for a step", 6), ("move", 7)]
)
def test_each_referral_write_runs_a_fixed_number_of_queries(world, service, write, expected):
    step = a_step(world)
    for n in range(3):  # more referrals around it change nothing
        actions.refer(Actor(world.coach), world.case, a_service(world, f"Other {n}"))
    referral = a_referral(world, service)
    other = a_service(world, "Job club")
    client = APIClient()
    client.force_authenticate(world.coach)
    with CaptureQueriesContext(connection) as captured:
        if write == "move":
            response = client.patch(
                detail_url(referral), {"stage": "contacted"}, format="json", HTTP_IF_MATCH='"1"'
            )
        else:
            body = {"service": str(other.uuid)}
            if write == "make for a step":
                body["step"] = str(step.uuid)
            headers = {"HTTP_IDEMPOTENCY_KEY": "q"} if write == "make with a key" else {}
            response = client.post(new_url(world), body, format="json", **headers)
    assert response.status_code in (200, 201), response.content
    assert len(data_queries(captured)) == expected, "\n".join(
        q[:150] for q in data_queries(captured)
    )
