"""County goal setting: what success means (versioned), SMART county goals, reviews on a schedule."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import data_queries
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.county import actions, goals
from stride.county.models import CountyGoal, CountyGoalReview, SuccessDefinition

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 2, 10, 9, tzinfo=ZoneInfo("America/Los_Angeles"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def a_goal(world, **changes) -> CountyGoal:
    details = {
        "measure": "work-rate",
        "baseline": Decimal("40"),
        "target_kind": "improve",
        "target": Decimal("10"),
        "deadline": date(2027, 12, 31),
        "review_every": "quarter",
    } | changes
    return actions.set_county_goal(
        Actor(world.county_admin), world.county, actions.GoalDetails(**details)
    )


# Step 1: what success means


def test_success_is_written_in_versions_and_each_stays(world, client_for):
    client = client_for(world.county_admin)
    url = reverse("county:success")
    first = client.post(url, {"text": "Families working in jobs they chose", "version": "0"})
    assert first.status_code == 302
    second = client.post(url, {"text": "Working, learning and a steady home", "version": "1"})
    assert second.status_code == 302
    assert list(SuccessDefinition.objects.values_list("number", "text")) == [
        (2, "Working, learning and a steady home"),
        (1, "Families working in jobs they chose"),
    ]
    page = client.get(reverse("county:goals")).content.decode()
    assert "Working, learning and a steady home" in page and "Version 2" in page
    events = AuditEvent.objects.filter(record_type="SuccessDefinition")
    assert [(e.action, e.fields) for e in events] == [("create", ["text"])] * 2


def test_a_success_written_from_an_old_page_is_refused_as_a_stale_edit(world, client_for):
    actions.define_success(Actor(world.county_admin), world.county, "Steady work", 0)
    response = client_for(world.county_admin).post(
        reverse("county:success"), {"text": "Something else", "version": "0"}
    )
    assert response.status_code == 200
    assert "Someone else saved" in str(response.context["form"].non_field_errors())
    assert response.context["form"].data["version"] == 1
    assert SuccessDefinition.objects.count() == 1


# Step 2: SMART county goals


def test_a_county_administrator_sets_a_smart_goal(world, client_for):
    response = client_for(world.county_admin).post(
        reverse("county:goal_new"),
        {
            "measure": "engagement",
            "baseline": "30",
            "target_kind": "reach",
            "target": "45.5",
            "deadline": "2027-09-30",
            "review_every": "half_year",
        },
    )
    goal = CountyGoal.objects.get()
    assert response["Location"] == reverse("county:goal", kwargs={"uuid": goal.uuid})
    assert (goal.county, goal.baseline, goal.target, goal.deadline) == (
        world.county, Decimal("30.0"), Decimal("45.5"), date(2027, 9, 30),
    )  # fmt: skip
    event = AuditEvent.objects.get(record_type="CountyGoal")
    assert event.changes == {"target_kind": [None, "reach"], "review_every": [None, "half_year"]}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"measure": "happiness"}, "measure"),
        ({"baseline": Decimal("120")}, "baseline"),
        ({"target": Decimal("0")}, "target"),
        ({"target_kind": "reach", "target": Decimal("35")}, "target"),  # below the baseline
        ({"deadline": date(2027, 2, 10)}, "deadline"),  # today is not still to come
        ({"review_every": "weekly"}, "review_every"),
    ],
)
def test_a_goal_that_is_not_smart_is_refused_next_to_its_field(world, changes, field):
    with pytest.raises(ValidationError) as refused:
        a_goal(world, **changes)
    assert list(refused.value.error_dict) == [field]
    assert not CountyGoal.objects.exists()


def test_an_improvement_is_a_share_of_the_baseline_and_a_level_is_itself(world):
    assert goals.target_level(a_goal(world)) == Decimal("44.0")  # 40% and +10%
    near_top = a_goal(world, baseline=Decimal("95"), target=Decimal("10"))
    assert goals.target_level(near_top) == Decimal("100")
    level = a_goal(world, target_kind="reach", target=Decimal("50"))
    assert goals.target_level(level) == Decimal("50")


# Reviews on a schedule


def test_the_next_review_follows_the_schedule_from_the_last_review(world, client_for):
    goal = a_goal(world)  # set on 2027-02-10, reviewed every three months
    client = client_for(world.county_admin)
    assert client.get(reverse("county:goal", kwargs={"uuid": goal.uuid})).context["due"] == date(
        2027, 5, 10
    )
    response = client.post(
        reverse("county:goal", kwargs={"uuid": goal.uuid}),
        {"reviewed_on": "2027-02-09", "value_now": "41.5", "standing": "on_track", "notes": "Two new job clubs"},
    )  # fmt: skip
    assert response.status_code == 302
    review = CountyGoalReview.objects.get()
    assert (review.value_now, review.standing, review.reviewed_by) == (
        Decimal("41.5"), "on_track", world.county_admin,
    )  # fmt: skip
    shown = client.get(reverse("county:goal", kwargs={"uuid": goal.uuid}))
    assert shown.context["due"] == date(2027, 5, 9)
    assert "Two new job clubs" in shown.content.decode()
    event = AuditEvent.objects.get(record_type="CountyGoalReview")
    assert event.changes == {"standing": [None, "on_track"]}


def test_a_review_is_never_due_after_the_deadline():
    goal = CountyGoal(review_every="year", deadline=date(2027, 6, 30))
    assert goals.next_review(goal, None, date(2027, 2, 10)) == date(2027, 6, 30)
    quarterly = CountyGoal(review_every="quarter", deadline=date(2028, 1, 1))
    assert goals.next_review(quarterly, date(2027, 11, 30), date(2027, 1, 1)) == date(2028, 1, 1)
    assert goals.next_review(quarterly, date(2027, 8, 31), date(2027, 1, 1)) == date(2027, 11, 30)


def test_a_review_dated_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        actions.review_county_goal(
            Actor(world.county_admin),
            a_goal(world),
            actions.ReviewDetails(date(2027, 3, 1), Decimal("41"), "on_track"),
        )
    assert list(refused.value.error_dict) == ["reviewed_on"]


def test_the_goals_page_flags_a_review_that_is_due(world, client_for):
    goal = a_goal(world)
    client = client_for(world.county_admin)
    assert (
        "Due" not in client.get(reverse("county:goals")).content.decode().split("goals-heading")[1]
    )
    with time_machine.travel(datetime(2027, 5, 12, 9, tzinfo=ZoneInfo("America/Los_Angeles"))):
        page = client_for(world.county_admin).get(reverse("county:goals"))  # a fresh sign-in
    assert page.context["rows"][0].goal == goal
    assert '<span class="usa-tag bg-accent-warm-dark">Due</span>' in page.content.decode()


# Who reads and writes


def test_a_coach_gets_404_on_every_goal_page(world, client_for):
    goal = a_goal(world)
    client = client_for(world.coach)
    for url in (
        reverse("county:goals"),
        reverse("county:success"),
        reverse("county:goal_new"),
        reverse("county:goal", kwargs={"uuid": goal.uuid}),
    ):
        assert client.get(url).status_code == 404


def test_supervisors_and_the_state_read_goals_and_only_the_county_administrator_writes(
    world, client_for
):
    goal = a_goal(world)
    url = reverse("county:goal", kwargs={"uuid": goal.uuid})
    review = {"reviewed_on": "2027-02-10", "value_now": "41", "standing": "on_track"}
    for person in (world.supervisor, world.state_admin):
        client = client_for(person)
        shown = client.get(url)
        assert shown.status_code == 200 and shown.context["form"] is None
        assert client.post(url, review).status_code == 403
        assert client.post(reverse("county:goal_new"), {}).status_code == 403
    state = client_for(world.state_admin).get(
        reverse("county:goals"), {"county": world.county.uuid}
    )
    assert state.context["rows"][0].goal == goal
    other = client_for(world.other_county_admin)
    assert other.get(url).status_code == 404
    assert other.post(url, review).status_code == 404
    assert other.get(reverse("county:goals")).context["rows"] == []
    assert not CountyGoalReview.objects.exists()


def test_the_goals_page_runs_the_same_queries_for_one_goal_or_three(world, client_for):
    first = a_goal(world)
    actions.define_success(Actor(world.county_admin), world.county, "Steady work", 0)
    client = client_for(world.county_admin)
    client.get(reverse("county:goals"))

    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("county:goals")).status_code == 200
        return len(data_queries(captured))

    one = counted()
    actions.review_county_goal(
        Actor(world.county_admin),
        first,
        actions.ReviewDetails(date(2027, 2, 10), Decimal("41"), "on_track"),
    )
    a_goal(world, measure="pairing")
    a_goal(world, measure="ladder-full", review_every="year")
    assert (one, counted()) == (10, 10)  # 10: step 5 added the county's chosen measures
