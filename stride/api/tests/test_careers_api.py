"""Career ladders in the API: both languages, sources spelt out, partners of the counties one reads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import data_queries
from stride.careers import actions, catalogue
from stride.careers.actions import PartnerDetails
from stride.core.audit import Actor

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def first():
    """The first ladder of the shipped file: these tests read the real data."""
    industry, ladder = catalogue.load().pairs()[0]
    return industry, ladder


@pytest.fixture
def partners(world, first):
    industry, ladder = first
    rung = ladder.rungs[0]
    return {
        "fresno": actions.add_partner(
            Actor(world.county_admin),
            world.county,
            PartnerDetails(industry.key, ladder.key, rung.level, "training", "Fresno class"),
        ),
        "kern": actions.add_partner(
            Actor(world.other_county_admin),
            world.other_county,
            PartnerDetails(industry.key, ladder.key, rung.level, "employer", "Kern employer"),
        ),
    }


def test_every_industry_with_its_ladders_and_rungs_in_both_languages(world, first):
    response = api_as(world.coach).get(reverse("api:career-list"))
    assert response.status_code == 200
    body = response.json()
    assert [row["key"] for row in body] == [i.key for i in catalogue.load().industries]
    rung = body[0]["ladders"][0]["rungs"][0]
    assert set(rung["title"]) == {"en", "es"}
    assert rung["level"] == "entry" and rung["soc"] == first[1].rungs[0].soc
    assert rung["wage"]["hourly"] == first[1].rungs[0].wage.hourly
    assert rung["wage"]["source"]["url"].startswith("http")
    assert set(rung["family_fit"]) == {
        "nights", "weekends", "irregular_or_on_call", "physical", "note",
    }  # fmt: skip
    assert rung["partners"] == []


def test_partners_come_from_the_counties_the_person_reads(world, first, partners):
    url = reverse("api:career-detail", args=[first[0].key])

    def names(user):
        rung = api_as(user).get(url).json()["ladders"][0]["rungs"][0]
        return [partner["name"] for partner in rung["partners"]]

    assert names(world.coach) == ["Fresno class"]
    assert names(world.other_county_coach) == ["Kern employer"]
    assert names(world.state_admin) == ["Fresno class", "Kern employer"]
    assert names(world.participant_user) == []
    shown = api_as(world.coach).get(url).json()["ladders"][0]["rungs"][0]["partners"][0]
    assert shown["county"] == str(world.county.uuid) and shown["kind"] == "training"


def test_an_unknown_industry_is_a_404_and_strangers_are_refused(world):
    assert api_as(world.coach).get(reverse("api:career-detail", args=["mining"])).status_code == 404
    assert APIClient().get(reverse("api:career-list")).status_code == 401


def test_the_list_costs_the_same_queries_for_one_partner_or_many(world, first, partners):
    def count():
        with CaptureQueriesContext(connection) as captured:
            api_as(world.state_admin).get(reverse("api:career-list"))
        return len(data_queries(captured))

    before = count()
    industry, ladder = first
    for number in range(5):
        actions.add_partner(
            Actor(world.county_admin),
            world.county,
            PartnerDetails(industry.key, ladder.key, "middle", "employer", f"Employer {number}"),
        )
    assert count() == before


def test_the_schema_describes_the_careers_endpoint(world):
    schema = api_as(world.coach).get(reverse("api:schema")).content.decode()
    assert "/api/v1/careers/{industry}/" in schema and "CareerIndustry" in schema
