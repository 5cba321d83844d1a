"""Hours written through the API: logged as the participation page logs them (staff entries
start verified, the month counted again), verified or marked as not verifiable as its
buttons do, stale changes refused (ETag / If-Match), an entry logged once per
Idempotency-Key; and the county's activities they are logged in."""

from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import World, data_queries
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.participation import actions
from stride.participation.actions import ActivityDetails, Hours
from stride.participation.forms import HoursForm
from stride.participation.models import Activity, HoursEntry, MonthResult, WorkActivity

pytestmark = pytest.mark.django_db


def token_for(user) -> APIClient:
    client = APIClient()
    _instance, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def a_job(world: World, county=None, name: str = "Paid job") -> Activity:
    return actions.add_activity(
        Actor(world.county_admin if county is None else world.other_county_admin),
        county or world.county,
        ActivityDetails(name, WorkActivity.UNSUBSIDIZED_EMPLOYMENT),
    )


@pytest.fixture
def job(world) -> Activity:
    return a_job(world)


def reported(world: World, job: Activity, hours: str = "3") -> HoursEntry:
    """An entry the participant logged themself, waiting to be checked."""
    day = timezone.localdate() - timedelta(days=1)
    return actions.add_hours(
        Actor(world.participant_user), world.case, Hours(job, day, Decimal(hours))
    )


def new_url(world: World) -> str:
    return reverse("api:participant-hours", args=[world.case.uuid])


def detail_url(entry: HoursEntry) -> str:
    return reverse("api:hours-detail", args=[entry.uuid])


def a_body(job: Activity, **more) -> dict:
    return {
        "activity": str(job.uuid),
        "day": timezone.localdate().isoformat(),
        "hours": "2.5",
        **more,
    }


# Who logs and who verifies: who keeps the case, its team or its county; anyone else finds
# nobody (404); a role that never writes (the state, a participant's token) is refused (403).
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
def test_hours_are_logged_by_the_people_who_keep_the_case(world, job, person):
    user = getattr(world, person)
    events = AuditEvent.objects.count()

    response = token_for(user).post(new_url(world), a_body(job), format="json")

    assert response.status_code == (KEEPERS[person] or 201), response.content
    if response.status_code == 201:
        entry = HoursEntry.objects.get(uuid=response.json()["uuid"])
        assert (entry.entered_by, entry.verification, entry.verified_by) == (user, "verified", user)
        event = AuditEvent.objects.get(record_type="HoursEntry", record_id=entry.uuid)
        assert (event.action, event.channel, event.actor) == ("create", "api", user)
    else:
        assert not HoursEntry.objects.exists()
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("person", KEEPERS)
def test_hours_are_verified_by_the_people_who_keep_the_case(world, job, person):
    entry = reported(world, job)

    response = token_for(getattr(world, person)).patch(
        detail_url(entry), {"verification": "verified"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == (KEEPERS[person] or 200), response.content
    entry.refresh_from_db()
    if response.status_code == 200:
        assert (entry.verification, entry.version, response["ETag"]) == ("verified", 2, '"2"')
        event = AuditEvent.objects.get(record_type="HoursEntry", action="change")
        assert (event.channel, event.changes) == ("api", {"verification": ["reported", "verified"]})
    else:
        assert (entry.verification, entry.version) == ("reported", 1)
        assert not AuditEvent.objects.filter(action="change").exists()


def test_without_a_token_nothing_is_written(world, job):
    entry = reported(world, job)
    client = APIClient()
    made = client.post(new_url(world), a_body(job), format="json")
    changed = client.patch(
        detail_url(entry), {"verification": "verified"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert (made.status_code, changed.status_code) == (401, 401)


def test_hours_for_nobody_or_an_entry_that_is_not_there_is_a_404(world, job):
    client = token_for(world.coach)
    missing = reverse("api:participant-hours", args=[uuid4()])
    assert client.post(missing, a_body(job), format="json").status_code == 404
    gone = reverse("api:hours-detail", args=[uuid4()])
    body = {"verification": "verified"}
    assert client.patch(gone, body, format="json", HTTP_IF_MATCH='"1"').status_code == 404


def test_logged_hours_are_the_pages_entry_and_the_month_is_counted_again(world, job):
    body = a_body(job, hours="2.25", kind="participation", note="  Day shift  ")
    response = token_for(world.coach).post(new_url(world), body, format="json")

    assert response.status_code == 201, response.content
    assert response["ETag"] == '"1"'
    entry = HoursEntry.objects.get(uuid=response.json()["uuid"])
    assert (entry.day, entry.hours, entry.kind, entry.note, entry.activity) == (
        timezone.localdate(),
        Decimal("2.25"),
        "participation",
        "Day shift",
        job,
    )
    assert response.json()["hours"] == "2.25"
    assert response.json()["activity"] == str(job.uuid)
    month = MonthResult.objects.get(
        participant=world.case, month=timezone.localdate().replace(day=1)
    )
    assert month.countable_hours == Decimal("2.25")


def test_an_hours_read_carries_its_etag_and_is_a_view(world, job):
    entry = reported(world, job)
    response = token_for(world.coach).get(detail_url(entry))
    assert (response["ETag"], response.json()["verification"]) == ('"1"', "reported")
    event = AuditEvent.objects.get(action="view")
    assert (event.participant, event.channel) == (world.case.uuid, "api")


def test_the_hours_list_is_the_callers_scope(world, job):
    reported(world, job)
    mine = token_for(world.coach).get(reverse("api:hours-list")).json()
    theirs = token_for(world.coach_same_team).get(reverse("api:hours-list")).json()
    assert (mine["count"], theirs["count"]) == (1, 0)


def test_refused_hours_say_what_the_page_says_next_to_each_field(world, job):
    elsewhere = a_job(world, county=world.other_county, name="Their job")
    body = {"activity": str(elsewhere.uuid), "day": "2026-02-30", "hours": "30", "kind": "nap"}
    response = token_for(world.coach).post(new_url(world), body, format="json")

    assert response.status_code == 400
    activities = Activity.objects.filter(county=world.county, active=True)
    form = HoursForm(body, activities=activities)
    form.fields["activity"].to_field_name = "uuid"
    assert not form.is_valid()
    expected = {name: list(errors) for name, errors in form.errors.items()}
    assert set(expected) == {"activity", "day", "hours", "kind"}
    assert {name: response.json()[name] for name in ("activity", "hours", "kind")} == {
        name: expected[name] for name in ("activity", "hours", "kind")
    }
    assert "day" in response.json()
    assert not HoursEntry.objects.exists()


def test_hours_the_action_refuses_are_refused_by_field_as_on_the_page(world, job):
    client = token_for(world.coach)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    ahead = client.post(new_url(world), a_body(job, day=tomorrow), format="json")
    client.post(new_url(world), a_body(job, hours="20"), format="json")
    too_many = client.post(new_url(world), a_body(job, hours="5"), format="json")
    assert ahead.json() == {"day": ["Enter hours for today or a day before it."]}
    assert too_many.json() == {"hours": ["That makes more than 24 hours on one day."]}
    assert HoursEntry.objects.count() == 1


def test_a_refusal_is_in_the_language_asked_for(world, job):
    response = token_for(world.coach).post(
        new_url(world), a_body(job, hours="0.1"), format="json", HTTP_ACCEPT_LANGUAGE="es"
    )
    with translation.override("es"):
        form = HoursForm(a_body(job, hours="0.1"), activities=Activity.objects.all())
        form.fields["activity"].to_field_name = "uuid"
        form.is_valid()
        expected = list(form.errors["hours"])
    assert response.json() == {"hours": expected}
    assert "0.25" in expected[0]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"hours": 2.5}, "hours"),
        ({"hours": "2,5"}, "hours"),
        ({"activity": "a job"}, "activity"),
        ({"day": 20270115}, "day"),
        ({"note": ["late"]}, "note"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_not_made_into_text(world, job, body, field):
    response = token_for(world.coach).post(new_url(world), {**a_body(job), **body}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_verification_needs_if_match_and_is_one_of_the_buttons(world, job):
    entry = reported(world, job)
    client = token_for(world.coach)
    url = detail_url(entry)

    missing = client.patch(url, {"verification": "verified"}, format="json")
    stale = client.patch(url, {"verification": "verified"}, format="json", HTTP_IF_MATCH='"3"')
    back = client.patch(url, {"verification": "reported"}, format="json", HTTP_IF_MATCH='"1"')
    nothing = client.patch(url, {}, format="json", HTTP_IF_MATCH='"1"')

    assert (missing.status_code, stale.status_code, stale["ETag"]) == (428, 412, '"1"')
    assert back.json() == {
        "verification": ["Select a valid choice. reported is not one of the available choices."]
    }
    assert (nothing.status_code, nothing["ETag"], nothing.json()["verification"]) == (
        200,
        '"1"',
        "reported",
    )
    assert not AuditEvent.objects.filter(action="change").exists()


def test_hours_that_could_not_be_verified_stop_counting(world, job):
    entry = reported(world, job)
    month = entry.day.replace(day=1)
    actions.verify_hours(Actor(world.coach), entry, "verified", 1)
    assert MonthResult.objects.get(participant=world.case, month=month).countable_hours == 3

    response = token_for(world.supervisor).patch(
        detail_url(entry), {"verification": "not_verified"}, format="json", HTTP_IF_MATCH='"2"'
    )

    assert response.status_code == 200, response.content
    assert response.json()["verified_by"] == world.supervisor.username
    assert MonthResult.objects.get(participant=world.case, month=month).countable_hours == 0


def test_the_same_hours_sent_twice_with_one_key_are_logged_once(world, job):
    client = token_for(world.coach)
    first = client.post(new_url(world), a_body(job), format="json", HTTP_IDEMPOTENCY_KEY="h-1")
    events = AuditEvent.objects.count()
    again = client.post(new_url(world), a_body(job), format="json", HTTP_IDEMPOTENCY_KEY="h-1")
    other = client.post(
        new_url(world), a_body(job, hours="3"), format="json", HTTP_IDEMPOTENCY_KEY="h-1"
    )

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert again.content == first.content and again["ETag"] == '"1"'
    assert HoursEntry.objects.count() == 1
    assert AuditEvent.objects.count() == events


# Activities: the county's catalogue, for whoever reads its resource map; nobody else's.
def test_activities_are_the_callers_countys(world, job):
    theirs = a_job(world, county=world.other_county, name="Their job")
    mine = token_for(world.coach).get(reverse("api:activity-list")).json()["results"]
    assert [row["uuid"] for row in mine] == [str(job.uuid)]
    assert mine[0]["federal_activity"] == "unsubsidized_employment"
    other = token_for(world.coach).get(reverse("api:activity-detail", args=[theirs.uuid]))
    assert other.status_code == 404
    state = token_for(world.state_admin).get(reverse("api:activity-list")).json()
    assert state["count"] == 2


def _more_around(world: World, job: Activity) -> None:
    for n in range(3):  # more entries around it change nothing
        day = timezone.localdate() - timedelta(days=n + 2)
        actions.add_hours(Actor(world.coach), world.case, Hours(job, day, Decimal("1")))


# The participant read through the access module, the activity the form offers, then the
# action's: the day's other entries, the entry and its audit event, the webhook's subscribers,
# and the month counted again from the day it touched (8: the family, its months on aid, its
# hours, the months' results read and written). A verification reads the entry, locks it and
# reads it again after its update instead of the activity and the day's entries. A key adds
# three (looked up, old ones pruned, stored).
@pytest.mark.parametrize("write", ["log", "log with a key", "verify"])
def test_each_hours_write_runs_a_fixed_number_of_queries(world, job, write):
    _more_around(world, job)
    entry = reported(world, job)
    client = APIClient()
    client.force_authenticate(world.coach)
    with CaptureQueriesContext(connection) as captured:
        if write == "verify":
            response = client.patch(
                detail_url(entry), {"verification": "verified"}, format="json", HTTP_IF_MATCH='"1"'
            )
        else:
            headers = {"HTTP_IDEMPOTENCY_KEY": "q"} if write == "log with a key" else {}
            response = client.post(new_url(world), a_body(job), format="json", **headers)
    assert response.status_code in (200, 201), response.content
    expected = {"log": 14, "log with a key": 17, "verify": 14}[write]
    assert len(data_queries(captured)) == expected, "\n".join(
        q[:150] for q in data_queries(captured)
    )
