"""/api/v1/participation/ and /api/v1/time-clocks/: scoped like the cases, reads of one audited."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import data_queries, open_case
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.participation import actions
from stride.participation.actions import ActivityDetails, Hours
from stride.participation.countable import add_months
from stride.participation.models import AidMonth, WorkActivity

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = add_months(THIS_MONTH, -1)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200
    return response.json()["results"]


def months_since(first: date) -> int:
    return (TODAY.year - first.year) * 12 + TODAY.month - first.month + 1


@pytest.fixture
def counted(world):
    """Maria met the rate last month and has a little this month; Kern's Ana has a month too."""
    fresno = actions.add_activity(
        Actor(world.county_admin),
        world.county,
        ActivityDetails("Paid job", WorkActivity.UNSUBSIDIZED_EMPLOYMENT),
    )
    kern = actions.add_activity(
        Actor(world.other_county_admin),
        world.other_county,
        ActivityDetails("Paid job", WorkActivity.UNSUBSIDIZED_EMPLOYMENT),
    )
    coach = Actor(world.coach)
    for day in range(6):
        actions.add_hours(
            coach, world.case, Hours(fresno, LAST_MONTH + timedelta(days=day), Decimal("22"))
        )
    actions.add_hours(coach, world.case, Hours(fresno, TODAY, Decimal("1")))
    actions.add_hours(
        Actor(world.other_county_coach),
        world.other_case,
        Hours(kern, LAST_MONTH, Decimal("4")),
    )


def test_month_results_are_scoped_to_the_caseload(world, counted):
    url = reverse("api:participation-list")
    mine = results(api_as(world.coach).get(url))
    assert [(row["participant"], row["month"]) for row in mine] == [
        (str(world.case.uuid), THIS_MONTH.isoformat()),
        (str(world.case.uuid), LAST_MONTH.isoformat()),
    ]
    theirs = results(api_as(world.other_county_coach).get(url))
    assert {row["participant"] for row in theirs} == {str(world.other_case.uuid)}
    assert not results(
        api_as(world.other_county_coach).get(url, {"participant": str(world.case.uuid)})
    )
    assert not results(api_as(world.coach_same_team).get(url))
    assert not results(api_as(world.sysadmin).get(url))
    assert len(results(api_as(world.participant_user).get(url))) == 2
    assert len(results(api_as(world.state_admin).get(url))) == 4


def test_month_results_filter_by_participant_month_and_rate(world, counted):
    state = api_as(world.state_admin)
    url = reverse("api:participation-list")
    by_person = results(state.get(url, {"participant": str(world.other_case.uuid)}))
    assert {row["participant"] for row in by_person} == {str(world.other_case.uuid)}
    assert len(by_person) == 2

    last = results(state.get(url, {"month": LAST_MONTH.isoformat()}))
    assert {row["participant"] for row in last} == {
        str(world.case.uuid),
        str(world.other_case.uuid),
    }

    met = results(state.get(url, {"meets_rate": "true"}))
    assert [(row["participant"], row["month"]) for row in met] == [
        (str(world.case.uuid), LAST_MONTH.isoformat())
    ]
    row = met[0]
    assert row["requirement"] == "all_family" and row["step"] == "full"
    assert row["by_activity"]["unsubsidized_employment"]["participation"] == 132
    assert {reason["code"] for reason in row["reasons"]} == {"requirement", "meets"}
    assert Decimal(row["weekly_average"]) >= 30
    assert len(results(state.get(url, {"meets_rate": "false"}))) == 3
    assert state.get(url, {"month": "not-a-date"}).status_code == 400


@pytest.fixture
def on_aid(world):
    for person in (world.case, world.other_case):
        actions.record_months_on_aid(person, TODAY)


def test_time_clocks_list_the_participants_in_scope(world, on_aid):
    used = months_since(date(2025, 1, 1))
    people = results(api_as(world.coach).get(reverse("api:time-clock-list")))
    assert [person["participant"] for person in people] == [str(world.case.uuid)]
    clocks = {clock["code"]: clock for clock in people[0]["clocks"]}
    assert list(clocks) == ["federal-60", "calworks-60"]
    assert {code: (clock["used"], clock["left"]) for code, clock in clocks.items()} == {
        "federal-60": (used, 60 - used),
        "calworks-60": (used, 60 - used),
    }
    assert clocks["calworks-60"]["name"] == "CalWORKs 60-month limit"
    assert clocks["federal-60"]["limit_months"] == 60
    assert clocks["federal-60"]["not_counted"] == {}

    kern = results(api_as(world.other_county_coach).get(reverse("api:time-clock-list")))
    assert [person["participant"] for person in kern] == [str(world.other_case.uuid)]
    everyone = results(api_as(world.state_admin).get(reverse("api:time-clock-list")))
    assert len(everyone) == 2
    assert not results(api_as(world.sysadmin).get(reverse("api:time-clock-list")))
    # A list is a view of each participant on it: the coach's one, Kern's one, the state's two.
    viewed = AuditEvent.objects.filter(action="view", channel="api")
    assert sorted(viewed.values_list("actor_name", flat=True)) == [
        "coach", "kern_coach", "state_admin", "state_admin",
    ]  # fmt: skip


def test_a_participants_clocks_are_a_view_in_the_audit_trail(world, on_aid):
    month = AidMonth.objects.get(participant=world.case, month=LAST_MONTH)
    actions.change_aid_month(
        Actor(world.coach), month, actions.MonthOnAid("disability", note="Doctor's letter"), 1
    )
    url = reverse("api:time-clock-detail", args=[world.case.uuid])
    response = api_as(world.coach).get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["participant"] == str(world.case.uuid)
    calworks = next(clock for clock in body["clocks"] if clock["code"] == "calworks-60")
    assert calworks["not_counted"] == {"disability": 1}
    event = AuditEvent.objects.get(action="view")
    assert (event.channel, event.participant, event.actor) == ("api", world.case.uuid, world.coach)

    assert api_as(world.other_county_coach).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="view").count() == 1


def test_the_clock_list_costs_the_same_queries_for_two_participants_or_twenty(world):
    def count() -> tuple[int, int]:
        client = api_as(world.coach)
        with CaptureQueriesContext(connection) as captured:
            body = client.get(reverse("api:time-clock-list")).json()
        assert all(len(person["clocks"]) == 2 for person in body["results"])
        return len(data_queries(captured)), body["count"]

    def more(number: int) -> None:
        person = open_case(
            world.coach, f"FR10000{number:02d}", world.county, world.program, world.coach,
            first_name=f"Person{number}",
        )  # fmt: skip
        actions.record_months_on_aid(person, TODAY)

    actions.record_months_on_aid(world.case, TODAY)
    more(1)
    two, listed = count()
    assert listed == 2
    for number in range(2, 20):
        more(number)
    assert count() == (two, 20)
    assert two == 4  # the count, the page, every clock's ledger in one, the view events in one
