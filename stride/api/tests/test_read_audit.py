"""Every API read of participant data is a view in the audit trail, one event per participant
on the page, written in one insert so a page's queries stay fixed however many it shows."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import World, data_queries, open_case
from stride.api import views
from stride.api.pagination import Pages
from stride.api.urls import router
from stride.assessments import actions as assessments
from stride.assessments.instruments import catalogue
from stride.coaching import actions as coaching
from stride.coaching.actions import GoalDetails, SessionDetails, StepDetails
from stride.coaching.models import CoachingSession, Goal
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.participation import actions as participation
from stride.participation.actions import ActivityDetails, Hours
from stride.participation.models import Activity, WorkActivity
from stride.people.models import Participant
from stride.reminders import actions as reminders
from stride.reminders.models import Consent
from stride.resources import actions as resources
from stride.resources.actions import ServiceDetails
from stride.resources.models import Provider, Service

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def another_case(world: World, n: int) -> Participant:
    return open_case(
        world.coach, f"FR{n:07}", world.county, world.program, world.coach, first_name=f"Eva {n}"
    )


def a_goal(world: World, person: Participant) -> Goal:
    details = GoalDetails("Finish my GED this spring", life_area="learning")
    return coaching.set_goal(Actor(world.coach), person, details)


def a_step(world: World, person: Participant) -> None:
    coaching.add_step(Actor(world.coach), a_goal(world, person), StepDetails("Call the school"))


def a_session(world: World, person: Participant) -> None:
    held_at = timezone.now() - timedelta(days=1)
    details = SessionDetails(held_at, CoachingSession.Mode.PHONE, 30, "Childcare", ["goal"])
    coaching.record_session(Actor(world.coach), person, details)


def an_achievement(world: World, person: Participant) -> None:
    coaching.recognise(Actor(world.coach), person, "Came to every meeting")


def a_referral(world: World, person: Participant) -> None:
    provider, _ = Provider.objects.get_or_create(county=world.county, hsds_id="o1", name="School")
    details = ServiceDetails(f"GED {Service.objects.count()}", "adult_education")
    service = resources.add_service(Actor(world.county_admin), provider, details)
    resources.refer(Actor(world.coach), person, service)


def an_assessment(world: World, person: Participant) -> None:
    assessments.start(Actor(world.coach), person, catalogue().latest("triage"), "with_coach")


def some_hours(world: World, person: Participant) -> None:
    job = Activity.objects.filter(county=world.county).first() or participation.add_activity(
        Actor(world.county_admin),
        world.county,
        ActivityDetails("Paid job", WorkActivity.UNSUBSIDIZED_EMPLOYMENT),
    )
    today = timezone.localdate()
    participation.add_hours(Actor(world.coach), person, Hours(job, today, Decimal("2")))


def a_reminder(world: World, person: Participant) -> None:
    if not Consent.objects.filter(participant=person, revoked_at__isnull=True).exists():
        reminders.give_consent(
            Actor(world.coach), person, "sms", "559-555-0101", Consent.How.IN_PERSON
        )
    due_on = timezone.localdate() + timedelta(days=7)
    details = StepDetails("Call the school", due_on=due_on, wants_reminder=True)
    coaching.add_step(Actor(world.coach), a_goal(world, person), details)


def nothing(world: World, person: Participant) -> None:
    """Lists of the participants themselves: opening the case is the record."""


RECORDS: dict[str, Callable[[World, Participant], object]] = {
    "api:participant-list": nothing,
    "api:household-list": nothing,
    "api:member-list": nothing,
    "api:time-clock-list": nothing,
    "api:goal-list": a_goal,
    "api:step-list": a_step,
    "api:coaching-session-list": a_session,
    "api:achievement-list": an_achievement,
    "api:referral-list": a_referral,
    "api:assessment-list": an_assessment,
    "api:participation-list": some_hours,
    "api:hours-list": some_hours,
    "api:reminder-list": a_reminder,
    "api:message-list": a_reminder,
}


def read(world: World, route: str) -> tuple[int, set]:
    """The queries of one list read by the state administrator, and whom it recorded viewing."""
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        response = api_as(world.state_admin).get(reverse(route))
    assert response.status_code == 200, response.content
    events = AuditEvent.objects.exclude(pk__in=before)
    assert {(e.action, e.channel, e.record_type) for e in events} == {
        ("view", "api", "Participant")
    }
    viewed = [e.participant for e in events]
    assert len(viewed) == len(set(viewed))  # one event per participant, however many rows
    return len(data_queries(captured)), set(viewed)


@pytest.mark.parametrize("route", list(RECORDS))
def test_a_list_read_records_a_view_of_each_participant_on_the_page(world, route):
    make = RECORDS[route]
    make(world, world.case)
    make(world, world.case)  # two rows of one participant are one view
    everyone = make is nothing
    queries, viewed = read(world, route)
    first = {world.case.uuid, world.other_case.uuid} if everyone else {world.case.uuid}
    assert viewed == first

    more = [another_case(world, n) for n in (2, 3, 4)]
    for person in more:
        make(world, person)
    queries_after, viewed_after = read(world, route)
    assert viewed_after == first | {person.uuid for person in more}
    assert queries_after == queries


def test_a_household_read_records_a_view_of_each_of_its_participants(world):
    household = world.case.household
    response = api_as(world.state_admin).get(reverse("api:household-detail", args=[household.uuid]))
    assert response.status_code == 200
    assert response.json()["members"][0]["birth_date"] == "1990-04-02"
    event = AuditEvent.objects.get(action="view")
    assert (event.participant, event.channel, event.actor) == (
        world.case.uuid,
        "api",
        world.state_admin,
    )


def test_an_outsiders_empty_list_records_nothing(world):
    a_session(world, world.case)
    response = api_as(world.coach_same_team).get(reverse("api:coaching-session-list"))
    assert response.json()["results"] == []
    assert not AuditEvent.objects.filter(action="view").exists()


def test_a_page_holds_fifty_rows_and_asking_for_more_stops_at_the_most_allowed(world, monkeypatch):
    for n in range(2, 62):
        another_case(world, n)
    client = api_as(world.state_admin)
    page = client.get(reverse("api:household-list")).json()
    assert (page["count"], len(page["results"])) == (62, 50)
    assert AuditEvent.objects.filter(action="view").count() == 50
    assert Pages.max_page_size == 200
    monkeypatch.setattr(Pages, "max_page_size", 55)  # 200 rows would make a slow test
    asked = client.get(reverse("api:household-list"), {"page_size": 1000}).json()
    assert len(asked["results"]) == 55


def test_every_resource_holding_participant_data_audits_its_reads():
    """A new viewset over case records cannot forget the audit trail."""
    for _prefix, viewset, _basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        model = getattr(queryset, "model", None) or _model_of(viewset)
        if model is not None and hasattr(model, "ACCESS_VIA"):
            assert issubclass(viewset, views.AuditedListMixin), viewset.__name__


def _model_of(viewset) -> type | None:
    serializer = getattr(viewset, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)
