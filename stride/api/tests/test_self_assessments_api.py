"""/api/v1/self-assessments/: a county's self-assessment rounds as its planning pages show
them, to whoever reads that county's planning."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import data_queries
from stride.core.audit import Actor
from stride.county import actions as county_planning
from stride.county.self_assessment import versions

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def a_round(world, name="Spring", county=None, admin=None):
    admin = admin or world.county_admin
    made = county_planning.start_round(Actor(admin), county or world.county, name)
    components = versions().get(made.form_version).components
    county_planning.send_rating(Actor(admin), made, dict.fromkeys(components, "partway"))
    return made


def listed(user) -> list[dict]:
    answer = api_as(user).get(reverse("api:self-assessment-list"))
    assert answer.status_code == 200
    return answer.json()["results"]


def test_a_settled_round_gives_the_countys_answer_and_each_areas_progress(world):
    made = a_round(world)
    form = versions().get(made.form_version)
    final = dict.fromkeys(form.components, "in_place")
    county_planning.settle_round(
        Actor(world.county_admin), made, final, [form.areas[0].key], made.version
    )
    [row] = listed(world.supervisor)
    assert (row["name"], row["county"], row["ratings_sent"]) == ("Spring", "Fresno County", 1)
    assert row["final"] == final and row["priorities"] == [form.areas[0].key]
    assert row["settled_by"] == world.county_admin.username
    # "in place" is the top of the scale for every component: each area is all the way.
    assert row["area_progress"] == {area.key: 4.0 for area in form.areas}


def test_an_open_round_has_no_answer_yet(world):
    a_round(world)
    [row] = listed(world.county_admin)
    assert (row["settled_at"], row["final"], row["area_progress"]) == (None, {}, {})


def test_each_reader_sees_the_counties_whose_planning_they_read(world):
    fresno = a_round(world)
    kern = a_round(world, "Kern spring", world.other_county, world.other_county_admin)
    assert [row["uuid"] for row in listed(world.county_admin)] == [str(fresno.uuid)]
    assert {row["uuid"] for row in listed(world.state_admin)} == {str(fresno.uuid), str(kern.uuid)}
    assert listed(world.coach) == [] and listed(world.participant_user) == []
    detail = reverse("api:self-assessment-detail", args=[fresno.uuid])
    assert api_as(world.other_county_admin).get(detail).status_code == 404


def test_the_list_makes_the_same_number_of_queries_for_more_rounds(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert (
                api_as(world.state_admin).get(reverse("api:self-assessment-list")).status_code
                == 200
            )
        return len(data_queries(captured))

    a_round(world)
    one = queries()
    a_round(world, "Autumn")
    a_round(world, "Kern", world.other_county, world.other_county_admin)
    assert queries() == one
