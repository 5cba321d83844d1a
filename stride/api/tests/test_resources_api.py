"""Services and referrals in the API: the map for the staff who read it, referrals scoped like their case."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import data_queries
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.resources import actions
from stride.resources.actions import ServiceDetails
from stride.resources.models import Provider

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def services(world):
    fresno = Provider.objects.create(county=world.county, hsds_id="o1", name="Fresno Adult School")
    kern = Provider.objects.create(county=world.other_county, hsds_id="o2", name="Kern Works")
    admin = Actor(world.county_admin)
    return {
        "ged": actions.add_service(
            admin,
            fresno,
            ServiceDetails("GED", "adult_education", fits=("no_diploma",), languages=("en", "es")),
        ),
        "kern": actions.add_service(
            Actor(world.other_county_admin), kern, ServiceDetails("Job club", "job_search")
        ),
    }


def test_staff_read_their_own_countys_map_with_its_rules(world, services):
    listed = api_as(world.coach).get(reverse("api:service-list")).json()["results"]
    assert [row["name"] for row in listed] == ["GED"]
    row = listed[0]
    assert (row["area"], row["fits"], row["languages"]) == (
        "education",
        ["no_diploma"],
        ["en", "es"],
    )
    assert api_as(world.state_admin).get(reverse("api:service-list")).json()["count"] == 2
    spanish = api_as(world.state_admin).get(reverse("api:service-list") + "?language=es").json()
    assert [row["name"] for row in spanish["results"]] == ["GED"]
    assert api_as(world.participant_user).get(reverse("api:service-list")).json()["count"] == 0


def test_referrals_are_scoped_like_their_case_and_a_read_is_audited(world, services):
    referral = actions.refer(Actor(world.coach), world.case, services["ged"], note="Evenings")
    for user, expected in (
        (world.coach, 1), (world.supervisor, 1), (world.participant_user, 1),
        (world.coach_same_team, 0), (world.other_county_coach, 0), (world.sysadmin, 0),
    ):  # fmt: skip
        assert api_as(user).get(reverse("api:referral-list")).json()["count"] == expected
    detail = api_as(world.coach).get(reverse("api:referral-detail", args=[referral.uuid])).json()
    assert (detail["service"], detail["stage"], detail["note"]) == (
        str(services["ged"].uuid),
        "sent",
        "Evenings",
    )
    assert AuditEvent.objects.filter(
        action="view", channel="api", participant=world.case.uuid
    ).exists()


def test_lists_cost_the_same_queries_for_one_row_or_many(world, services):
    def count(route):
        with CaptureQueriesContext(connection) as captured:
            api_as(world.state_admin).get(reverse(route))
        return len(data_queries(captured))

    actions.refer(Actor(world.coach), world.case, services["ged"])
    before = {route: count(route) for route in ("api:service-list", "api:referral-list")}
    provider = Provider.objects.get(hsds_id="o1")
    for number in range(5):
        service = actions.add_service(
            Actor(world.county_admin), provider, ServiceDetails(f"Club {number}", "job_search")
        )
        actions.refer(Actor(world.coach), world.case, service)
    after = {route: count(route) for route in before}
    assert after == before
