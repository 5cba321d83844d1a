"""Instruments and assessment responses in the API: scoped like their case, private answers never."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import data_queries
from stride.assessments import actions
from stride.assessments.instruments import catalogue
from stride.assessments.scoring import answer_all
from stride.core.audit import Actor
from stride.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def take(world, slug: str, choose):
    instrument = catalogue().latest(slug)
    response = actions.start(Actor(world.coach), world.case, instrument, "with_coach")
    response = actions.save_answers(
        Actor(world.coach), response, answer_all(instrument, choose), response.version
    )
    return actions.finish(Actor(world.coach), response, response.version)


def test_instruments_list_each_with_its_versions_and_read_in_full(world):
    client = api_as(world.coach)
    listed = client.get(reverse("api:instrument-list")).json()
    assert [row["instrument"] for row in listed] == catalogue().slugs
    bridge = next(row for row in listed if row["instrument"] == "bridge")
    assert bridge["versions"] == [1] and bridge["title"]["es"]
    full = client.get(reverse("api:instrument-detail", args=["bridge"]) + "?version=1").json()
    assert len(full["sections"]) == 5 and len(full["ladder"]) == 5
    assert (
        client.get(reverse("api:instrument-detail", args=["bridge"]) + "?version=9").status_code
        == 404
    )


def test_responses_are_scoped_filtered_and_never_carry_private_answers(world):
    triage = take(
        world, "triage", lambda item, values: "no" if item.key == "safe_at_home" else values[0]
    )
    bridge = take(world, "bridge", lambda item, values: 3)
    coach = api_as(world.coach)
    rows = coach.get(reverse("api:assessment-list")).json()["results"]
    assert {row["uuid"] for row in rows} == {str(triage.uuid), str(bridge.uuid)}
    assert all("private_answers" not in row and "safe_at_home" not in str(row) for row in rows)
    only = coach.get(reverse("api:assessment-list") + "?instrument=bridge&finished=true").json()
    assert [row["uuid"] for row in only["results"]] == [str(bridge.uuid)]
    assert api_as(world.other_county_coach).get(reverse("api:assessment-list")).json()["count"] == 0
    detail = coach.get(reverse("api:assessment-detail", args=[bridge.uuid])).json()
    assert detail["result"]["sections"]["well_being"] == 3
    assert AuditEvent.objects.filter(
        action="view", participant=world.case.uuid, channel="api"
    ).exists()


def test_the_response_list_costs_three_queries_however_long(world):
    for _ in range(3):
        take(world, "quality_of_life", lambda item, values: values[2])
    with CaptureQueriesContext(connection) as captured:
        assert api_as(world.coach).get(reverse("api:assessment-list")).status_code == 200
    # the count, the page, the view events in one insert
    assert len(data_queries(captured)) == 3
