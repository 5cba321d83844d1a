"""/api/v1/measures/: the measures pages' figures, for whoever reads those pages, over the
families they may read, narrowed by program, language and household shape as the pages are."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import data_queries, make_user, open_case
from stride.coaching import actions as coaching
from stride.coaching.models import CoachingSession
from stride.core.audit import Actor
from stride.core.models import Role
from stride.measures.catalogue import MEASURES

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")
TODAY = datetime(2026, 6, 20, 10, tzinfo=PACIFIC)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def met_in_june(coach, person) -> None:
    with time_machine.travel(datetime(2026, 6, 3, 15, tzinfo=PACIFIC), tick=False):
        coaching.record_session(
            Actor(coach),
            person,
            coaching.SessionDetails(
                datetime(2026, 6, 3, 9, tzinfo=PACIFIC), CoachingSession.Mode.PHONE, 20
            ),
        )


def get(user, path: str, **query):
    with time_machine.travel(TODAY, tick=False):
        return api_as(user).get(path, query)


def test_every_measure_comes_with_its_definition_and_twelve_months(world):
    met_in_june(world.coach, world.case)
    answer = get(world.county_admin, reverse("api:measure-list"))
    assert answer.status_code == 200
    measures = answer.json()
    assert [m["key"] for m in measures] == [m.key for m in MEASURES]
    engagement = measures[0]
    assert engagement["definition"]["numerator"] == str(MEASURES[0].definition.numerator)
    assert [m["month"] for m in engagement["months"]][-1] == "2026-06-01"
    # Fresno's one family met their coach in June.
    assert engagement["months"][-1] == {
        "month": "2026-06-01",
        "numerator": 1,
        "denominator": 1,
        "percent": 100,
    }


def test_one_measure_by_group_and_narrowed_to_some_families(world):
    met_in_june(world.coach, world.case)
    url = reverse("api:measure-detail", args=["engagement"])
    by_county = get(world.state_admin, url, by="county", month="2026-06").json()
    assert (by_county["by"], by_county["month"]) == ("county", "2026-06-01")
    assert [(g["name"], g["numerator"], g["denominator"]) for g in by_county["groups"]] == [
        ("Fresno County", 1, 1),
        ("Kern County", 0, 1),
    ]
    nobody = get(world.county_admin, url, program="no-such-program").json()
    assert nobody["months"][-1]["denominator"] == 0
    spanish = get(world.county_admin, url, language="es").json()
    assert spanish["months"][-1]["denominator"] == 0
    assert spanish["months"][-1]["percent"] is None


def test_only_those_who_read_the_measures_pages_read_them_here(world):
    for person in (world.coach, world.sysadmin, world.participant_user):
        assert get(person, reverse("api:measure-list")).status_code == 403
    assert (
        get(world.county_admin, reverse("api:measure-detail", args=["happiness"])).status_code
        == 404
    )
    refused = get(world.county_admin, reverse("api:measure-list"), shape="square")
    assert refused.status_code == 400 and "shape" in refused.json()


def test_the_list_makes_the_same_number_of_queries_for_more_families(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(world.county_admin, reverse("api:measure-list")).status_code == 200
        return len(data_queries(captured))

    one = queries()
    coach = make_user("coach_more", Role.COACH, world.team)
    for number in range(3):
        with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=PACIFIC), tick=False):
            person = open_case(
                coach, f"FR{5000 + number:07d}", world.county, world.program, coach, f"Pat{number}"
            )
        met_in_june(coach, person)
    assert queries() == one
