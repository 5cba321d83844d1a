"""Each event, emitted where its change happens, becomes a delivery in that change's
transaction, for the subscriptions whose scope holds the family and that chose it."""

import json
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from stride.benefits import watch
from stride.benefits.tests.test_pages import money_facts
from stride.benefits.tests.test_watch import computed, plan_nursing  # noqa: F401  (a fixture)
from stride.coaching import actions as coaching
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.core.tests.test_url_walk import _activity, _goal, _referral
from stride.participation import actions as participation
from stride.participation.models import HoursEntry
from stride.people import actions as people
from stride.people import opening
from stride.people.tests.test_opening_cases import _case
from stride.resources import actions as resources
from stride.webhooks.models import Delivery

from .conftest import queued, subscribe

pytestmark = pytest.mark.django_db


def bodies(kind: str) -> list[dict]:
    return [json.loads(d.body) for d in Delivery.objects.filter(kind=kind).order_by("pk")]


def test_a_goal_achieved_is_delivered_with_identifiers_only(world):
    subscription = subscribe(world.county_admin, events=["goal.achieved"])
    goal = _goal(world)
    with time_machine.travel(timezone.now(), tick=False):
        coaching.record_review(
            Actor(world.coach), goal, coaching.ReviewDetails("It went well", "achieved")
        )
        now = timezone.now()
    [delivery] = Delivery.objects.all()
    assert delivery.subscription == subscription
    body = json.loads(delivery.body)
    assert body["type"] == "goal.achieved"
    assert body["participant"] == {"uuid": str(world.case.uuid)}
    assert body["record"] == {"type": "Goal", "uuid": str(goal.uuid)}
    assert body["occurred_at"] == now.isoformat()
    member = world.case.member
    for private in (member.first_name, member.last_name, "123-45-6789", "123456789"):
        assert private not in delivery.body
    assert queued(delivery)  # its task, in the same transaction


def test_a_goal_kept_going_is_not_an_event(world):
    subscribe(world.county_admin)
    coaching.record_review(
        Actor(world.coach), _goal(world), coaching.ReviewDetails("Slowly", "keep_going")
    )
    assert not Delivery.objects.filter(kind="goal.achieved").exists()


def test_a_referral_moving_on_carries_its_stage(world):
    subscribe(world.county_admin, events=["referral.stage_changed"])
    referral = _referral(world)
    resources.record_progress(
        Actor(world.coach), referral, "contacted", timezone.localdate(), referral.version
    )
    [body] = bodies("referral.stage_changed")
    assert body["data"] == {"stage": "contacted"}
    assert body["record"] == {"type": "Referral", "uuid": str(referral.uuid)}


def test_a_new_coach_is_an_assignment_event(world):
    subscribe(world.county_admin, events=["participant.assigned"])
    assignment = people.reassign(
        Actor(world.supervisor), world.case, world.coach_same_team, "Closer to home"
    )
    [body] = bodies("participant.assigned")
    assert body["record"] == {"type": "CoachAssignment", "uuid": str(assignment.uuid)}
    assert body["data"] == {"coach": str(world.coach_same_team.uuid)}


def test_households_opened_together_are_each_an_assignment_event(world):
    subscribe(world.county_admin, events=["participant.assigned"])
    cases = [
        _case(world, f"FR{n:07d}", f"Person{n}", f"{100 + n:03d}-45-{1000 + n:04d}")
        for n in range(10, 13)
    ]
    opened = opening.open_cases(Actor(world.county_admin), cases)
    assert sorted(b["participant"]["uuid"] for b in bodies("participant.assigned")) == sorted(
        str(p.uuid) for p in opened
    )
    assert {b["data"]["coach"] for b in bodies("participant.assigned")} == {str(world.coach.uuid)}


def test_hours_are_an_event_when_verified_not_when_reported(world):
    subscribe(world.county_admin, events=["hours.verified"])
    hours = participation.Hours(_activity(world), timezone.localdate(), Decimal("2"))
    reported = participation.add_hours(Actor(world.participant_user), world.case, hours)
    assert not Delivery.objects.exists()
    participation.verify_hours(
        Actor(world.coach), reported, HoursEntry.Verification.VERIFIED, reported.version
    )
    by_staff = participation.add_hours(Actor(world.coach), world.case, hours)
    assert [b["record"]["uuid"] for b in bodies("hours.verified")] == [
        str(reported.uuid),
        str(by_staff.uuid),
    ]


def test_hours_that_could_not_be_verified_are_not_an_event(world):
    subscribe(world.county_admin, events=["hours.verified"])
    hours = participation.Hours(_activity(world), timezone.localdate(), Decimal("2"))
    reported = participation.add_hours(Actor(world.participant_user), world.case, hours)
    participation.verify_hours(
        Actor(world.coach), reported, HoursEntry.Verification.NOT_VERIFIED, reported.version
    )
    assert not Delivery.objects.exists()


def test_the_cliff_watch_flags_a_family_once_however_many_cliffs(world, computed):  # noqa: F811
    subscribe(world.county_admin, events=["cliff.flagged"])
    money_facts(world)
    plan_nursing(world.case)  # a second flag: the next rung lands in a cliff too
    watch.check([world.case.household_id])
    assert world.case.cliff_flags.count() > 1
    [body] = bodies("cliff.flagged")
    assert body["participant"] == {"uuid": str(world.case.uuid)}
    assert body["record"] == {"type": "CliffFlag", "uuid": None}


def test_a_subscription_hears_only_the_events_it_chose(world):
    subscribe(world.county_admin, events=["hours.verified"])
    coaching.record_review(
        Actor(world.coach), _goal(world), coaching.ReviewDetails("Done", "achieved")
    )
    assert not Delivery.objects.exists()


# Scope


def test_a_countys_subscription_never_hears_of_another_countys_families(world):
    fresno = subscribe(world.county_admin, events=["participant.assigned"])
    kern = subscribe(world.other_county_admin, events=["participant.assigned"])
    everyone = subscribe(world.sysadmin, events=["participant.assigned"], county=None)
    people.reassign(Actor(world.supervisor), world.case, world.coach_same_team, "Move")
    assert set(Delivery.objects.values_list("subscription", flat=True)) == {
        fresno.pk,
        everyone.pk,
    }
    assert not Delivery.objects.filter(subscription=kern).exists()


def test_a_paused_subscription_is_told_nothing(world):
    subscribe(world.county_admin, active=False)
    people.reassign(Actor(world.supervisor), world.case, world.coach_same_team, "Move")
    assert not Delivery.objects.exists()


# The transaction of the change


def test_nothing_is_kept_or_queued_for_a_change_rolled_back(world):
    subscribe(world.county_admin)

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        people.reassign(Actor(world.supervisor), world.case, world.coach_same_team, "Move")
        assert Delivery.objects.count() == 1  # written with the change...
        raise Undone
    assert not Delivery.objects.exists()  # ...and gone with it
    assert not DBTaskResult.objects.exists()


# Names


def test_names_go_only_where_the_countys_administrator_asked_and_are_an_export(world):
    subscribe(world.county_admin, events=["participant.assigned"], include_names=True)
    everyone = subscribe(world.sysadmin, events=["participant.assigned"], county=None)
    people.reassign(Actor(world.supervisor), world.case, world.coach_same_team, "Move")
    named = json.loads(Delivery.objects.exclude(subscription=everyone).get().body)
    member = world.case.member
    assert named["participant"] == {
        "uuid": str(world.case.uuid),
        "first_name": member.first_name,
        "last_name": member.last_name,
    }
    assert json.loads(Delivery.objects.get(subscription=everyone).body)["participant"] == {
        "uuid": str(world.case.uuid)
    }
    export = AuditEvent.objects.get(action="export", participant=world.case.uuid)
    assert export.fields == ["first_name", "last_name"]
    assert export.channel == "system"
