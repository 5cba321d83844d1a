"""Households and their people written through the API: changed and added as the household
pages change and add them, stale changes refused (ETag / If-Match; both records carry a
version), a person added once per Idempotency-Key."""

from datetime import date
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import World, data_queries
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions
from stride.people.actions import PersonDetails
from stride.people.forms import MemberForm
from stride.people.models import Household, Member

pytestmark = pytest.mark.django_db


def token_for(user) -> APIClient:
    client = APIClient()
    _instance, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def household_url(world: World) -> str:
    return reverse("api:household-detail", args=[world.case.household.uuid])


def members_url(world: World) -> str:
    return reverse("api:household-members", args=[world.case.household.uuid])


def a_child(world: World) -> Member:
    child = PersonDetails("Luis", "Lopez", date(2018, 5, 1), Member.Relationship.CHILD)
    return actions.add_member(Actor(world.coach), world.case.household, child)


def member_url(member: Member) -> str:
    return reverse("api:member-detail", args=[member.uuid])


def version_of(world: World) -> str:
    return f'"{Household.objects.get(pk=world.case.household_id).version}"'


CHILD = {"first_name": "Sofia", "last_name": "Lopez", "birth_date": "2019-03-04"}

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
def test_a_household_is_changed_by_the_people_who_keep_the_case(world, person):
    events = AuditEvent.objects.count()
    before = version_of(world)

    response = token_for(getattr(world, person)).patch(
        household_url(world), {"city": "Clovis"}, format="json", HTTP_IF_MATCH=before
    )

    assert response.status_code == (KEEPERS[person] or 200), response.content
    household = Household.objects.get(pk=world.case.household_id)
    if response.status_code == 200:
        assert household.city == "Clovis" and response["ETag"] == version_of(world) != before
        event = AuditEvent.objects.get(record_type="Household", action="change", channel="api")
        assert (event.fields, event.channel, event.participant) == (
            ["city"],
            "api",
            world.case.uuid,
        )
    else:
        assert household.city != "Clovis"
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("person", KEEPERS)
def test_a_person_is_added_by_the_people_who_keep_the_case(world, person):
    events = AuditEvent.objects.count()
    response = token_for(getattr(world, person)).post(
        members_url(world), {**CHILD, "relationship": "child"}, format="json"
    )
    assert response.status_code == (KEEPERS[person] or 201), response.content
    made = Member.objects.filter(first_name="Sofia")
    if response.status_code == 201:
        assert made.get().uuid.hex == response.json()["uuid"].replace("-", "")
        event = AuditEvent.objects.get(record_type="Member", action="create", channel="api")
        assert (event.channel, event.participant) == ("api", world.case.uuid)
    else:
        assert not made.exists() and AuditEvent.objects.count() == events


@pytest.mark.parametrize("person", KEEPERS)
def test_a_person_is_changed_by_the_people_who_keep_the_case(world, person):
    child = a_child(world)
    response = token_for(getattr(world, person)).patch(
        member_url(child), {"first_name": "Luisito"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == (KEEPERS[person] or 200), response.content
    child.refresh_from_db()
    if response.status_code == 200:
        assert (child.first_name, child.version, response["ETag"]) == ("Luisito", 2, '"2"')
        event = AuditEvent.objects.get(record_type="Member", action="change", channel="api")
        assert (event.fields, event.channel) == (["first_name"], "api")
    else:
        assert (child.first_name, child.version) == ("Luis", 1)


def test_without_a_token_or_a_record_nothing_is_written(world):
    child = a_child(world)
    anonymous = APIClient()
    assert anonymous.patch(household_url(world), {}, format="json").status_code == 401
    assert anonymous.post(members_url(world), CHILD, format="json").status_code == 401
    assert anonymous.patch(member_url(child), {}, format="json").status_code == 401
    client = token_for(world.coach)
    gone = reverse("api:household-members", args=[uuid4()])
    assert client.post(gone, {**CHILD, "relationship": "child"}, format="json").status_code == 404
    nobody = reverse("api:member-detail", args=[uuid4()])
    assert client.patch(nobody, {}, format="json", HTTP_IF_MATCH='"1"').status_code == 404


def test_a_household_change_keeps_what_it_does_not_name_and_refuses_in_the_forms_words(world):
    household = world.case.household
    client = token_for(world.coach)
    ok = client.patch(
        household_url(world),
        {"phone": "(559) 555-0199", "language": "es"},
        format="json",
        HTTP_IF_MATCH=version_of(world),
    )
    bad = client.patch(
        household_url(world),
        {"zip_code": "9372", "phone": "call me", "language": "fr"},
        format="json",
        HTTP_IF_MATCH=version_of(world),
    )

    assert ok.status_code == 200, ok.content
    changed = Household.objects.get(pk=household.pk)
    assert (changed.phone, changed.language, changed.address_line) == (
        "(559) 555-0199",
        "es",
        household.address_line,
    )
    assert bad.json() == {
        "zip_code": ["Enter a 5-digit ZIP code, like 93721."],
        "phone": ["Enter a phone number, like (559) 555-0123."],
        "language": ["Select a valid choice. fr is not one of the available choices."],
    }


def test_a_household_read_carries_its_etag_and_its_peoples(world):
    child = a_child(world)
    response = token_for(world.coach).get(household_url(world))
    assert response["ETag"] == version_of(world)
    versions = {row["uuid"]: row["version"] for row in response.json()["members"]}
    assert versions[str(child.uuid)] == 1
    assert token_for(world.coach).get(member_url(child))["ETag"] == '"1"'


def test_adding_a_person_moves_the_households_etag_and_refuses_what_the_page_refuses(world):
    client = token_for(world.coach)
    before = version_of(world)
    made = client.post(members_url(world), {**CHILD, "relationship": "child"}, format="json")
    assert made.status_code == 201, made.content
    assert made["ETag"] == '"1"' and version_of(world) != before

    body = {"first_name": " ", "birth_date": "2999-01-01", "relationship": "cousin", "ssn": "12"}
    refused = client.post(members_url(world), body, format="json")
    form = MemberForm(body)
    assert not form.is_valid()
    assert refused.json() == {name: list(errors) for name, errors in form.errors.items()}

    again = client.post(members_url(world), {**CHILD, "relationship": "child"}, format="json")
    assert list(again.json()) == ["last_name"]  # the same person twice, as the page says
    assert Member.objects.filter(first_name="Sofia").count() == 1


def test_a_blank_ssn_keeps_the_one_on_file_and_a_new_one_changes_it(world):
    child = a_child(world)
    client = token_for(world.coach)
    client.patch(member_url(child), {"ssn": "123-45-6780"}, format="json", HTTP_IF_MATCH='"1"')
    kept = client.patch(member_url(child), {"ssn": ""}, format="json", HTTP_IF_MATCH='"2"')
    child.refresh_from_db()
    assert (child.ssn_last4, child.version) == ("6780", 2)
    assert kept.json()["ssn_last4"] == "6780" and "ssn" not in kept.json()
    event = AuditEvent.objects.get(record_type="Member", action="change", channel="api")
    assert event.fields == ["ssn"]  # the field named, never the number


def test_changes_need_if_match_and_a_stale_one_is_refused(world):
    child = a_child(world)
    client = token_for(world.coach)
    assert client.patch(household_url(world), {"city": "X"}, format="json").status_code == 428
    stale = client.patch(household_url(world), {"city": "X"}, format="json", HTTP_IF_MATCH='"99"')
    assert (stale.status_code, stale["ETag"]) == (412, version_of(world))
    old = client.patch(member_url(child), {"last_name": "R"}, format="json", HTTP_IF_MATCH='"7"')
    assert (old.status_code, old["ETag"]) == (412, '"1"')


def test_the_same_person_sent_twice_with_one_key_is_added_once(world):
    client = token_for(world.coach)
    body = {**CHILD, "relationship": "child"}
    first = client.post(members_url(world), body, format="json", HTTP_IDEMPOTENCY_KEY="m-1")
    events = AuditEvent.objects.count()
    again = client.post(members_url(world), body, format="json", HTTP_IDEMPOTENCY_KEY="m-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert Member.objects.filter(first_name="Sofia").count() == 1
    assert AuditEvent.objects.count() == events


# A household change: the household read through the access module, locked, updated, its
# participant named for the audit event, the event, its people for the answer (6). Adding a
# person: the household read, the action's look for the same person already in Stride, the
# person, the member count counted and written, the version moved, the participant named,
# the event (8). Changing one: the person read, locked, the look for a duplicate, whether
# they are the one coached, the update, the household and its people for the adult rule, the
# participant named, the event (9).
@pytest.mark.parametrize("write, expected", [("household", 6), ("add", 8), ("change", 9)])
def test_each_household_write_runs_a_fixed_number_of_queries(world, write, expected):
    for _n in range(3):  # more people around them change nothing
        child = a_child(world)
        child.first_name = f"Other {_n}"
        child.save()
    client = APIClient()
    client.force_authenticate(world.coach)
    tag = version_of(world)
    with CaptureQueriesContext(connection) as captured:
        if write == "household":
            response = client.patch(
                household_url(world), {"city": "Clovis"}, format="json", HTTP_IF_MATCH=tag
            )
        elif write == "add":
            response = client.post(
                members_url(world), {**CHILD, "relationship": "child"}, format="json"
            )
        else:
            response = client.patch(
                member_url(child), {"last_name": "Reyes"}, format="json", HTTP_IF_MATCH='"1"'
            )
    assert response.status_code in (200, 201), response.content
    assert len(data_queries(captured)) == expected, "\n".join(
        q[:150] for q in data_queries(captured)
    )
