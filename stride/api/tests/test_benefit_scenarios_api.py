"""Saved benefits pictures in the API: scoped like every case record, figures as computed,
each read of one recorded as a view of its participant."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import data_queries
from stride.benefits import actions, curves, queueing
from stride.benefits.models import Scenario
from stride.benefits.tests.test_pages import money_facts, ready
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people.models import Participant

pytestmark = pytest.mark.django_db

LIST = reverse("api:benefit-scenario-list")


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def picture(world, person: Participant, title: str = "Two offers", limits=()) -> Scenario:
    """A picture saved the way the calculator saves it, from a curve the worker computed."""
    what_if = curves.WhatIf(weekly_hours=40, offers=((40, 12.0),))
    found = curves.facts(person, what_if)
    points = curves.points_for(found.household, what_if, [])
    curve = ready(queueing.curve_for(curves.request_for(found.household, points)), limits)
    actor = Actor(world.coach if person == world.case else world.other_county_coach)
    return actions.save_scenario(actor, person, title, what_if, curve)


@pytest.fixture
def saved(world) -> Scenario:
    money_facts(world)  # $20,000 for 30 hours a week
    return picture(world, world.case, limits=("tanf",))


def detail(scenario: Scenario) -> str:
    return reverse("api:benefit-scenario-detail", args=[scenario.uuid])


def test_a_saved_picture_with_its_figures(world, saved):
    response = api_as(world.coach).get(detail(saved))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "uuid", "participant", "title", "what_if", "engine_version", "computed_at",
        "created_at", "figures",
    }  # fmt: skip
    assert body["uuid"] == str(saved.uuid) and body["participant"] == str(world.case.uuid)
    assert body["title"] == "Two offers" and body["engine_version"] == saved.engine_version
    assert body["what_if"] == {
        "weekly_hours": 40.0,
        "hourly_wage": None,
        "monthly_care_cost": None,
        "offers": [[40.0, 12.0]],
    }
    figures = body["figures"]
    assert set(figures) == {"earnings", "net_resources", "points", "cliffs", "limits"}
    assert len(figures["earnings"]) == len(figures["net_resources"]) == 81
    assert figures["earnings"][22] == 22000.0 and figures["net_resources"][22] == 37000.0
    assert figures["limits"] == ["tanf"]
    now, offer = figures["points"]
    assert (now["kind"], now["label"], now["weekly_hours"]) == ("now", "", 40.0)
    assert now["earnings"] == 26666.67  # 40 hours at the hourly pay on file
    assert (offer["kind"], offer["label"], offer["earnings"]) == ("offer", "A", 24960.0)
    assert offer["figures"]["tanf"] == 0.0 and offer["net_resources"] == 34960.0
    assert figures["cliffs"] == [
        {
            "start": 22000.0,
            "bottom": 23000.0,
            "loss": 4000.0,
            "cleared_at": 27000.0,
            "programs": [{"program": "tanf", "drop": 5000.0}],
            "ended": ["tanf"],
        },
        {
            "start": 40000.0,
            "bottom": 41000.0,
            "loss": 11100.0,
            "cleared_at": 54000.0,
            "programs": [{"program": "child_care_help", "drop": 6000.0}],
            "ended": ["child_care_help"],
        },
    ]


def test_a_picture_saved_without_what_ifs_shows_them_empty(world, saved):
    Scenario.objects.filter(pk=saved.pk).update(what_if={})
    body = api_as(world.coach).get(detail(saved)).json()
    assert body["what_if"] == {
        "weekly_hours": None,
        "hourly_wage": None,
        "monthly_care_cost": None,
        "offers": [],
    }


def test_reading_one_picture_is_recorded_as_a_view_through_the_api(world, saved):
    before = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count()
    api_as(world.supervisor).get(detail(saved))
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("at")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count() == before + 1
    assert (event.actor, event.participant, event.channel, event.record_type) == (
        world.supervisor,
        world.case.uuid,
        "api",
        "Participant",
    )
    api_as(world.coach).get(LIST)  # the list shows the participant too: one more view
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count() == before + 2


@pytest.mark.parametrize(
    "who, status",
    [
        ("coach", 200),
        ("supervisor", 200),
        ("county_admin", 200),
        ("state_admin", 200),
        ("participant_user", 200),
        ("coach_same_team", 404),
        ("coach_same_county", 404),
        ("other_county_coach", 404),
        ("other_county_admin", 404),
        ("sysadmin", 404),
    ],
)
def test_a_picture_is_read_only_in_scope(world, saved, who, status):
    before = AuditEvent.objects.count()
    response = api_as(world.people()[who]).get(detail(saved))
    assert response.status_code == status
    if status == 404:
        assert AuditEvent.objects.count() == before  # nothing recorded for a refusal


def test_strangers_are_refused():
    assert APIClient().get(LIST).status_code == 401


def test_the_list_holds_the_pictures_in_scope_and_filters_by_participant(world, saved):
    kern = picture(world, world.other_case, title="Kern picture")

    def titles(user, **params) -> list[str]:
        return [row["title"] for row in api_as(user).get(LIST, params).json()["results"]]

    assert titles(world.coach) == ["Two offers"]
    assert titles(world.participant_user) == ["Two offers"]
    assert titles(world.coach_same_team) == []
    assert titles(world.other_county_coach) == ["Kern picture"]
    assert titles(world.state_admin) == ["Kern picture", "Two offers"]  # newest first
    assert titles(world.state_admin, participant=str(world.case.uuid)) == ["Two offers"]
    assert titles(world.coach, participant=str(world.other_case.uuid)) == []
    assert kern.participant == world.other_case


def test_the_list_and_one_picture_cost_fixed_queries(world, saved):
    client = api_as(world.coach)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(data_queries(captured))

    one = (count(LIST), count(detail(saved)))
    for number in range(4):
        picture(world, world.case, title=f"Offer {number}")
    assert (count(LIST), count(detail(saved))) == one
    # List: the count for the page, the pictures with their participants, the view events (one
    # insert). One picture: the picture with its participant, the view event.
    assert one == (3, 2)


def test_the_schema_describes_benefit_scenarios_and_careers(world):
    schema = (
        APIClient()
        .get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    paths = set(schema["paths"])
    assert {
        "/api/v1/benefit-scenarios/",
        "/api/v1/benefit-scenarios/{uuid}/",
        "/api/v1/careers/",
        "/api/v1/careers/{industry}/",
    } <= paths
    parameters = schema["paths"]["/api/v1/benefit-scenarios/"]["get"]["parameters"]
    assert "participant" in {parameter["name"] for parameter in parameters}
    components = schema["components"]["schemas"]
    assert components["BenefitScenario"]["properties"]["figures"]["allOf"] == [
        {"$ref": "#/components/schemas/BenefitFigures"}
    ]
    figures = components["BenefitFigures"]["properties"]
    assert set(figures) == {"earnings", "net_resources", "points", "cliffs", "limits"}
    assert "cleared_at" in components["BenefitCliff"]["properties"]
