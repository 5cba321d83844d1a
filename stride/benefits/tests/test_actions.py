"""From the record to a curve request, and the benefits app's writes, without PolicyEngine.

curves.facts() reads the household (ages, roles, pay, hours, child care, rent, state and
county) and applies the what-ifs; request_for() picks the axis; queueing.curve_for() finds
the cached curve or hands a new one to the benefits worker's queue.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from stride.benefits import actions, curves, engine, queueing
from stride.benefits.curves import Point, WhatIf
from stride.benefits.models import Curve, HouseholdBudget, MemberBudget, Scenario
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions as people_actions
from stride.people.actions import PersonDetails
from stride.people.models import Member, Participant

from .test_pages import ready

pytestmark = pytest.mark.django_db

ON = date(2026, 5, 1)
COMPUTE = "stride.benefits.tasks.compute_curve"


def member(world, first_name: str, born: date, relationship: str) -> Member:
    return people_actions.add_member(
        Actor(world.coach),
        world.case.household,
        PersonDetails(first_name, "Lopez", born, relationship),
    )


def budget_of(who: Member, **values) -> MemberBudget:
    return MemberBudget.objects.update_or_create(member=who, defaults=values)[0]


def set_zip(world, zip_code: str) -> None:
    household = world.case.household
    people_actions.update_household(
        Actor(world.coach), household, household.version, zip_code=zip_code
    )
    world.case.refresh_from_db()


@pytest.fixture
def household(world) -> dict[str, Member]:
    """Maria (1990, the participant), her partner, her father, her niece and her son."""
    return {
        "grandpa": member(world, "Jorge", date(1958, 7, 9), Member.Relationship.RELATIVE),
        "maria": world.case.member,
        "partner": member(world, "Luis", date(1992, 8, 1), Member.Relationship.PARTNER),
        "niece": member(world, "Elena", date(2016, 2, 1), Member.Relationship.RELATIVE),
        "son": member(world, "Mateo", date(2022, 5, 2), Member.Relationship.CHILD),
    }


def people_of(found: curves.Facts) -> list[tuple[int, str]]:
    return [(person.age, person.role) for person in found.household.people]


# The household as the calculator sees it


def test_facts_give_each_member_an_age_a_role_and_mark_the_participant_as_earner(world, household):
    found = curves.facts(world.case, on=ON)
    assert people_of(found) == [
        (67, "adult"),  # an older relative is an adult of the household
        (36, "head"),
        (33, "spouse"),
        (10, "child"),  # a young relative is a child
        (3, "child"),  # turns 4 the day after
    ]
    assert found.household.earner == 1
    assert [m.first_name for m in found.members] == ["Jorge", "Maria", "Luis", "Elena", "Mateo"]
    assert found.household.year == 2026


def test_facts_read_pay_hours_child_care_and_rent_from_the_money_facts(world, household):
    budget_of(household["maria"], yearly_earnings=Decimal("18500.50"), weekly_hours=Decimal("28"))
    budget_of(household["partner"], yearly_earnings=Decimal("12000"), weekly_hours=Decimal("20"))
    budget_of(
        household["son"],
        care_days_per_week=Decimal("5"),
        care_hours_per_day=Decimal("8.5"),
        monthly_care_cost=Decimal("725"),
    )
    HouseholdBudget.objects.create(household=world.case.household, monthly_rent=Decimal("1250"))
    found = curves.facts(world.case, on=ON)
    people = found.household.people
    assert (people[1].earnings, people[1].weekly_hours) == (18500.5, 28.0)
    assert (people[2].earnings, people[2].weekly_hours) == (12000.0, 20.0)
    son = people[4]
    assert (son.care_days_per_week, son.care_hours_per_day, son.care_cost) == (5.0, 8.5, 8700.0)
    assert found.household.rent == 15000.0
    assert people[0] == engine.Person(age=67, role="adult")  # no money facts: all zero
    assert found.gaps == []


def test_without_money_facts_everything_is_zero(world):
    found = curves.facts(world.case, on=ON)
    assert found.household.rent == 0.0
    assert found.household.people == (engine.Person(age=36, role="head"),)


def test_state_and_county_come_from_the_zip_code(world):
    set_zip(world, "93721-1234")
    found = curves.facts(world.case, on=ON)
    assert (found.household.state, found.household.county, found.state_from) == (
        "CA",
        "Fresno County",
        "zip",
    )
    set_zip(world, "10001")
    assert curves.facts(world.case, on=ON).household.county == "New York County"


@pytest.mark.parametrize("zip_code", ["", "00000", "ab12", "123"])
def test_without_a_usable_zip_code_the_agencys_state_is_used(world, settings, zip_code):
    settings.STRIDE_STATE = "NM"
    set_zip(world, zip_code)
    found = curves.facts(world.case, on=ON)
    assert (found.household.state, found.household.county, found.state_from) == (
        "NM",
        "",
        "setting",
    )


def test_the_state_is_part_of_the_snapshot_key(world, settings):
    settings.STRIDE_STATE = "CA"
    california = curves.facts(world.case, on=ON).household.key()
    settings.STRIDE_STATE = "TX"
    assert curves.facts(world.case, on=ON).household.key() != california


# What-ifs: the participant's hours, pay, and the family's child care cost


def earner(world, what_if: WhatIf) -> engine.Person:
    found = curves.facts(world.case, what_if, on=ON)
    return found.household.people[found.household.earner]


def test_more_hours_keep_the_hourly_pay(world):
    budget_of(world.case.member, yearly_earnings=Decimal("20000"), weekly_hours=Decimal("30"))
    tried = earner(world, WhatIf(weekly_hours=40))
    assert (tried.earnings, tried.weekly_hours) == (26666.67, 40.0)


def test_a_wage_is_paid_for_the_hours_of_52_weeks(world):
    budget_of(world.case.member, yearly_earnings=Decimal("20000"), weekly_hours=Decimal("30"))
    assert earner(world, WhatIf(hourly_wage=15)).earnings == 15 * 30 * 52
    both = earner(world, WhatIf(weekly_hours=40, hourly_wage=17.5))
    assert (both.earnings, both.weekly_hours) == (36400.0, 40.0)


def test_hours_without_pay_on_file_stay_unpaid(world):
    tried = earner(world, WhatIf(weekly_hours=20))
    assert (tried.earnings, tried.weekly_hours) == (0.0, 20.0)


def test_a_what_if_changes_only_the_participant(world, household):
    budget_of(household["partner"], yearly_earnings=Decimal("12000"), weekly_hours=Decimal("20"))
    found = curves.facts(world.case, WhatIf(weekly_hours=40, hourly_wage=20), on=ON)
    assert found.household.people[2].earnings == 12000.0
    assert found.household.people[1].earnings == 41600.0


def test_a_child_care_cost_is_spread_over_the_children_in_care(world, household):
    for child in ("niece", "son"):
        budget_of(
            household[child],
            care_days_per_week=Decimal("5"),
            care_hours_per_day=Decimal("6"),
            monthly_care_cost=Decimal("300"),
        )
    found = curves.facts(world.case, WhatIf(monthly_care_cost=1000), on=ON)
    assert [p.care_cost for p in found.household.people] == [0.0, 0.0, 0.0, 6000.0, 6000.0]


def test_a_child_care_cost_with_no_child_in_care_goes_to_the_youngest(world, household):
    found = curves.facts(world.case, WhatIf(monthly_care_cost=450), on=ON)
    assert [p.care_cost for p in found.household.people] == [0.0, 0.0, 0.0, 0.0, 5400.0]
    # ... and it shows the missing schedule, which PolicyEngine would read as no care at all.
    assert [(m.first_name, gap) for m, gap in found.gaps] == [("Mateo", "care_schedule")]


def test_a_child_care_cost_in_a_household_without_children_changes_nothing(world):
    found = curves.facts(world.case, WhatIf(monthly_care_cost=450), on=ON)
    assert found.household.people == (engine.Person(age=36, role="head"),)


def test_the_record_is_not_touched_by_a_what_if(world):
    budget_of(world.case.member, yearly_earnings=Decimal("20000"), weekly_hours=Decimal("30"))
    curves.facts(world.case, WhatIf(weekly_hours=40, hourly_wage=25, monthly_care_cost=900))
    row = MemberBudget.objects.get(member=world.case.member)
    assert (row.yearly_earnings, row.weekly_hours) == (Decimal("20000"), Decimal("30"))


# Gaps


def test_pay_without_hours_and_care_without_a_schedule_are_reported(world, household):
    budget_of(household["maria"], yearly_earnings=Decimal("20000"))
    budget_of(household["partner"], weekly_hours=Decimal("10"))  # hours, no pay: fine
    budget_of(household["son"], monthly_care_cost=Decimal("500"), care_days_per_week=Decimal("3"))
    found = curves.facts(world.case, on=ON)
    assert [(m.first_name, gap) for m, gap in found.gaps] == [
        ("Maria", "weekly_hours"),
        ("Mateo", "care_schedule"),
    ]


def test_a_what_if_with_hours_fills_the_gap(world):
    budget_of(world.case.member, yearly_earnings=Decimal("20000"))
    assert curves.facts(world.case, WhatIf(weekly_hours=30), on=ON).gaps == []


# The request: the axis and the marked pays


def snapshot(world) -> engine.Household:
    budget_of(world.case.member, yearly_earnings=Decimal("20000"), weekly_hours=Decimal("30"))
    return curves.facts(world.case, on=ON).household


@pytest.mark.parametrize(
    "pays, top",
    [
        ([], 80_000),
        ([20_000], 80_000),
        ([64_000], 80_000),  # 64,000 x 1.25 = 80,000 exactly
        ([64_001], 90_000),
        ([70_000, 20_000], 90_000),  # 87,500, rounded up to a round 10,000
        ([97_550], 130_000),
    ],
)
def test_the_curve_reaches_a_quarter_past_the_highest_marked_pay_in_round_steps(world, pays, top):
    points = [Point("rung", f"r{pay}", pay, 40) for pay in pays]
    request = curves.request_for(snapshot(world), points)
    assert request.top == top and request.points == tuple(points)


def test_offers_are_lettered_and_paid_for_52_weeks(world):
    household = snapshot(world)
    what_if = WhatIf(offers=((40, 15.5), (32, 19)))
    points = curves.points_for(household, what_if, [Point("rung", "rung:a/b/entry", 42260, 40)])
    assert points == [
        Point("now", "", 20000.0, 30.0),
        Point("offer", "A", 32240.0, 40),
        Point("offer", "B", 31616.0, 32),
        Point("rung", "rung:a/b/entry", 42260, 40),
    ]


def test_the_same_family_and_marks_give_the_same_key(world):
    household = snapshot(world)
    one = curves.request_for(household, curves.points_for(household, WhatIf(), []))
    two = curves.request_for(household, curves.points_for(household, WhatIf(), []))
    other = curves.request_for(
        household, curves.points_for(household, WhatIf(offers=((40, 20),)), [])
    )
    assert one.key() == two.key() != other.key()
    assert curves.Request.from_json(one.to_json()) == one


# The cache and the worker's queue


def queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(queue_name="benefits").order_by("enqueued_at"))


def a_request(world) -> curves.Request:
    household = snapshot(world)
    return curves.request_for(household, curves.points_for(household, WhatIf(), []))


def test_a_new_request_makes_one_pending_curve_and_queues_one_task(
    world, django_capture_on_commit_callbacks
):
    request = a_request(world)
    with django_capture_on_commit_callbacks(execute=True):
        curve = queueing.curve_for(request)
    assert curve.status == Curve.Status.PENDING
    assert (curve.key, curve.engine_version) == (request.key(), engine.engine_version())
    assert curve.request == request.to_json()
    [task] = queued()
    assert task.task_path == COMPUTE and task.args_kwargs["args"] == [curve.pk]
    curve.refresh_from_db()
    assert curve.task_id == str(task.id)


def test_asking_again_returns_the_same_curve_and_queues_nothing(
    world, django_capture_on_commit_callbacks
):
    request = a_request(world)
    with django_capture_on_commit_callbacks(execute=True):
        first = queueing.curve_for(request)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = queueing.curve_for(request)
    assert again.pk == first.pk and callbacks == []
    assert len(queued()) == 1 and Curve.objects.count() == 1


def test_a_ready_curve_is_served_from_the_cache(world, django_capture_on_commit_callbacks):
    request = a_request(world)
    ready(queueing.curve_for(request))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        found = queueing.curve_for(request)
    assert found.status == Curve.Status.READY and callbacks == []


def test_a_curve_is_queued_only_when_the_transaction_commits(world):
    # Inside the test's transaction nothing commits: the worker would not see the row yet.
    queueing.curve_for(a_request(world))
    assert queued() == []


def test_a_failed_curve_waits_for_a_retry_which_queues_it_again(
    world, django_capture_on_commit_callbacks
):
    request = a_request(world)
    with django_capture_on_commit_callbacks(execute=True):
        curve = queueing.curve_for(request)
    Curve.objects.filter(pk=curve.pk).update(status=Curve.Status.FAILED, error="KeyError: 'x'")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        shown = queueing.curve_for(request)
    assert shown.status == Curve.Status.FAILED and callbacks == []  # the page says so
    with django_capture_on_commit_callbacks(execute=True):
        again = queueing.retry(shown)
    assert again.pk == curve.pk
    again.refresh_from_db()
    assert (again.status, again.error) == (Curve.Status.PENDING, "")
    first, second = queued()
    assert second.args_kwargs["args"] == [curve.pk] and again.task_id == str(second.id)


def test_a_curve_of_another_engine_version_is_computed_again(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    request = a_request(world)
    ready(queueing.curve_for(request))
    monkeypatch.setattr(engine, "engine_version", lambda: "9.99.0")
    with django_capture_on_commit_callbacks(execute=True):
        newer = queueing.curve_for(request)
    assert newer.status == Curve.Status.PENDING and newer.engine_version == "9.99.0"
    assert Curve.objects.count() == 2 and len(queued()) == 1


def test_the_engine_state_is_read_without_loading_the_engine(world):
    assert queueing.engine_state() is None


# Saving a picture (the action)


def test_save_scenario_freezes_a_ready_curve_and_audits_it(world):
    curve = ready(queueing.curve_for(a_request(world)))
    what_if = WhatIf(weekly_hours=35, offers=((40, 16),))
    saved = actions.save_scenario(Actor(world.coach), world.case, "Two offers", what_if, curve)
    assert (saved.participant, saved.title, saved.created_by) == (
        world.case,
        "Two offers",
        world.coach,
    )
    assert saved.what_if["offers"] == [[40, 16]] and saved.what_if["weekly_hours"] == 35
    assert (saved.request, saved.data, saved.computed_at) == (
        curve.request,
        curve.data,
        curve.computed_at,
    )
    event = AuditEvent.objects.get(record_type="Scenario")
    assert (event.action, event.record_id, event.fields) == (
        "create",
        saved.uuid,
        ["title", "what_if"],
    )


def test_save_scenario_refuses_a_curve_still_being_worked_out(world):
    curve = queueing.curve_for(a_request(world))
    with pytest.raises(ValidationError):
        actions.save_scenario(Actor(world.coach), world.case, "Too soon", WhatIf(), curve)
    Curve.objects.filter(pk=curve.pk).update(status=Curve.Status.FAILED)
    curve.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.save_scenario(Actor(world.coach), world.case, "Failed", WhatIf(), curve)
    assert not Scenario.objects.exists()


def test_save_money_refuses_a_stale_version_and_says_which_is_current(world):
    actions.save_money(Actor(world.coach), world.case, 0, Decimal("900"), {})
    with pytest.raises(ValidationError) as refused:
        actions.save_money(Actor(world.coach_same_team), world.case, 0, Decimal("1000"), {})
    assert refused.value.current_version == 1  # type: ignore[attr-defined]
    budget = HouseholdBudget.objects.get()
    assert (budget.monthly_rent, budget.version) == (Decimal("900"), 1)


def test_save_money_for_a_participant_in_a_bigger_household(world, household):
    participant: Participant = world.case
    actions.save_money(
        Actor(world.coach),
        participant,
        0,
        Decimal("0"),
        {household["son"]: {"care_days_per_week": Decimal("4"), "monthly_care_cost": Decimal("0")}},
    )
    son = MemberBudget.objects.get(member=household["son"])
    assert son.care_days_per_week == Decimal("4")
    event = AuditEvent.objects.get(record_type="MemberBudget")
    assert (event.action, event.fields) == ("create", ["care_days_per_week"])
    assert not AuditEvent.objects.filter(record_type="HouseholdBudget").exists()  # rent unchanged
