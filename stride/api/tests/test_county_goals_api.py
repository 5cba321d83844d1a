"""/api/v1/county-goals/: a county's goals as its planning pages show them, each with how it
stands on its last full month, to whoever reads that county's planning."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import data_queries
from stride.coaching import actions as coaching
from stride.coaching.models import CoachingSession
from stride.core.audit import Actor
from stride.county import actions as county_planning

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")


def at(day: date):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 10, tzinfo=PACIFIC), tick=False
    )


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def goal(world, county=None, admin=None, measure="engagement"):
    with at(date(2026, 1, 10)):
        return county_planning.set_county_goal(
            Actor(admin or world.county_admin),
            county or world.county,
            county_planning.GoalDetails(
                measure, Decimal("40"), "improve", Decimal("10"), date(2026, 12, 31), "quarter"
            ),
        )


def listed(user) -> list[dict]:
    with at(date(2026, 3, 15)):
        answer = api_as(user).get(reverse("api:county-goal-list"))
    assert answer.status_code == 200
    return answer.json()["results"]


def test_a_county_goal_stands_as_its_page_says(world):
    mine = goal(world)
    # world.case, Fresno's one family, met their coach in February: engaged, 1 of 1.
    with at(date(2026, 2, 10)):
        coaching.record_session(
            Actor(world.coach),
            world.case,
            coaching.SessionDetails(
                datetime(2026, 2, 10, 9, tzinfo=PACIFIC), CoachingSession.Mode.PHONE, 20
            ),
        )
    [row] = listed(world.county_admin)
    assert row["uuid"] == str(mine.uuid)
    assert (row["county"], row["measure"], row["judged_month"]) == (
        "Fresno County",
        "engagement",
        "2026-02-01",
    )
    assert (row["share"], row["target_level"], row["standing"]) == ("100.0", "44.0", "met")


def test_a_goal_without_contact_is_not_yet_met(world):
    goal(world)
    [row] = listed(world.supervisor)
    assert (row["share"], row["standing"]) == ("0.0", "not_yet")


def test_each_reader_sees_the_counties_whose_planning_they_read(world):
    fresno = goal(world)
    kern = goal(world, world.other_county, world.other_county_admin)
    assert [row["uuid"] for row in listed(world.county_admin)] == [str(fresno.uuid)]
    assert [row["uuid"] for row in listed(world.other_county_admin)] == [str(kern.uuid)]
    assert {row["uuid"] for row in listed(world.state_admin)} == {str(fresno.uuid), str(kern.uuid)}
    assert listed(world.coach) == []
    assert listed(world.participant_user) == []
    with at(date(2026, 3, 15)):
        detail = reverse("api:county-goal-detail", args=[fresno.uuid])
        assert api_as(world.other_county_admin).get(detail).status_code == 404
        assert api_as(world.state_admin).get(detail).json()["uuid"] == str(fresno.uuid)


def test_the_list_reads_each_measure_once_a_county_however_many_goals(world):
    def queries() -> int:
        with at(date(2026, 3, 15)), CaptureQueriesContext(connection) as captured:
            answer = api_as(world.county_admin).get(reverse("api:county-goal-list"))
            assert answer.status_code == 200
        return len(data_queries(captured))

    goal(world)
    one = queries()
    goal(world)
    goal(world)
    assert queries() == one
