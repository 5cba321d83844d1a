"""The cliff watch: which households it checks, the flags it writes, where they show, and
the sentences a coach reads.

PolicyEngine is never loaded: engine.curves is replaced by a fake that returns curves made
of plain numbers (test_pages.curve_along): TANF ends past $22,000 a year (a $4,000 dip,
back at $27,000) and child care help past $40,000 (a $5,100 dip in money in hand, back at
$47,000).
"""

from datetime import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from conftest import data_queries, open_case
from stride.benefits import cliffs, curves, engine, presenting, watch
from stride.benefits.models import CliffFlag, MemberBudget, Scenario, WatchedHousehold
from stride.careers.models import CareerPlan
from stride.people.models import Enrollment, Participant

from .test_pages import curve_along, money_facts

pytestmark = pytest.mark.django_db

NEAR = "A raise to $23,000 a year would end TANF cash aid: $4,000 less a year; plan the next step past $27,000."
RUNG = (
    "Rung 1: Nursing assistant, at $42,260 a year, lands in a dip where a raise would end "
    "child care help: $5,100 less a year; plan the next step past $47,000."
)
OFFER = (
    "A saved job offer (A), at $24,960 a year, lands in a dip where a raise would end TANF "
    "cash aid: $4,000 less a year; plan the next step past $27,000."
)
INSIDE = (
    "At $24,000 a year the family is in a dip: up to $4,000 a year less than at $22,000; "
    "plan the next step past $27,000."
)


@pytest.fixture
def computed(monkeypatch) -> list[list[engine.Household]]:
    """engine.curves replaced: every household gets the same known curve; the calls are kept."""
    calls: list[list[engine.Household]] = []

    def fake(households, top, count=81):
        calls.append(list(households))
        return [curve_along(top, count) for _ in households]

    monkeypatch.setattr(engine, "curves", fake)
    return calls


def plan_nursing(person: Participant) -> CareerPlan:
    return CareerPlan.objects.create(
        participant=person, industry_key="healthcare", ladder_key="nursing", level="entry"
    )


def save_offer(world, person: Participant, hours: float = 40, wage: float = 12) -> Scenario:
    """A saved picture with one job offer (40 hours at $12: $24,960 a year)."""
    found = curves.facts(person)
    what_if = curves.WhatIf(offers=((hours, wage),))
    request = curves.request_for(found.household, curves.points_for(found.household, what_if, []))
    return Scenario.objects.create(
        participant=person,
        title="The clinic job",
        what_if={"offers": [[hours, wage]]},
        request=request.to_json(),
        data={},
        engine_version=engine.engine_version(),
        computed_at=timezone.now(),
        created_by=world.coach,
    )


def household_ids(batches) -> list[int]:
    return [household for batch in batches for household in batch]


# Which households the watch checks


def test_every_household_never_checked_is_stale(world):
    found = list(watch.stale_batches())
    assert found == [sorted([world.case.household_id, world.other_case.household_id])]


def test_checked_households_are_not_stale_until_their_snapshot_changes(world, computed):
    money_facts(world)
    watch.check(household_ids(watch.stale_batches()))
    assert list(watch.stale_batches()) == []
    MemberBudget.objects.filter(member=world.case.member).update(yearly_earnings=Decimal("21000"))
    assert list(watch.stale_batches()) == [[world.case.household_id]]


def test_a_new_engine_version_makes_every_household_stale(world, computed, monkeypatch):
    watch.check(household_ids(watch.stale_batches()))
    monkeypatch.setattr(engine, "engine_version", lambda: "9.99.0")
    assert len(household_ids(watch.stale_batches())) == 2


def test_households_come_in_batches_of_the_size_asked(world):
    for number in range(3):
        open_case(world.coach, f"FR20{number:05d}", world.county, world.program, world.coach,
                  first_name=f"Rosa{number}", last_name="Diaz")  # fmt: skip
    assert [len(batch) for batch in watch.stale_batches(size=2)] == [2, 2, 1]


def test_households_without_an_active_enrollment_are_not_watched(world):
    Enrollment.objects.filter(pk=world.other_case.current_enrollment_id).update(
        status=Enrollment.Status.EXITED
    )
    assert household_ids(watch.stale_batches()) == [world.case.household_id]


# What a check writes


def flags_of(person: Participant) -> list[tuple[str, Decimal, str]]:
    return [(f.kind, f.earnings, f.label) for f in CliffFlag.objects.filter(participant=person)]


def test_a_check_flags_a_raise_near_a_cliff_the_next_rung_and_a_saved_offer(world, computed):
    money_facts(world)  # $20,000 for 30 hours a week
    plan_nursing(world.case)
    offer = save_offer(world, world.case)
    flagged = watch.check([world.case.household_id, world.other_case.household_id])
    assert flagged == 1  # Ana (Kern) earns nothing: her next raise is far from a cliff
    assert flags_of(world.case) == [
        ("near", Decimal("20000.00"), ""),
        ("target", Decimal("24960.00"), f"offer:{offer.uuid}:A"),
        ("target", Decimal("42260.00"), "rung:healthcare/nursing/entry"),
    ]
    near = CliffFlag.objects.get(kind="near")
    assert (near.start, near.bottom, near.cleared_at, near.loss) == (
        Decimal("22000"),
        Decimal("23000"),
        Decimal("27000"),
        Decimal("4000"),
    )
    assert (near.programs, near.ended) == ([["tanf", 5000.0]], ["tanf"])
    # One simulation for the batch, at the chart's lowest top.
    [households] = computed
    assert len(households) == 2


def test_pay_inside_a_cliff_is_flagged(world, computed):
    money_facts(world, pay="24000", hours="40")
    watch.check([world.case.household_id])
    assert flags_of(world.case) == [("inside", Decimal("24000.00"), "")]


def test_the_next_rung_is_the_first_above_the_pay(world, computed):
    money_facts(world, pay="55000", hours="40")
    plan_nursing(world.case)
    watch.check([world.case.household_id])
    # Past the entry rung: the middle one ($64,400) lands past both cliffs, so no flag.
    assert flags_of(world.case) == []


def test_a_check_replaces_the_old_flags_and_records_the_snapshot(world, computed):
    money_facts(world)
    watch.check([world.case.household_id])
    first = WatchedHousehold.objects.get(household=world.case.household)
    assert first.key == curves.facts(world.case).household.key()
    assert first.engine_version == engine.engine_version()
    assert flags_of(world.case) == [("near", Decimal("20000.00"), "")]
    money_facts(world, pay="24000", hours="40")
    watch.check([world.case.household_id])
    assert flags_of(world.case) == [("inside", Decimal("24000.00"), "")]
    again = WatchedHousehold.objects.get(household=world.case.household)
    assert again.pk == first.pk and again.key != first.key
    money_facts(world, pay="60000", hours="40")
    watch.check([world.case.household_id])
    assert flags_of(world.case) == []


def test_a_check_leaves_other_households_flags_alone(world, computed):
    money_facts(world)
    other = open_case(world.coach, "FR3000001", world.county, world.program, world.coach,
                      first_name="Rosa", last_name="Diaz")  # fmt: skip
    money_facts(world, person=other, pay="24000", hours="40")
    watch.check([world.case.household_id, other.household_id])
    watch.check([world.case.household_id])
    assert flags_of(other) == [("inside", Decimal("24000.00"), "")]


def test_a_check_of_households_with_no_one_watched_does_nothing(world, computed):
    Enrollment.objects.filter(pk=world.case.current_enrollment_id).update(
        status=Enrollment.Status.EXITED
    )
    assert watch.check([world.case.household_id]) == 0
    assert computed == [] and not WatchedHousehold.objects.exists()


# Where the flags show


@pytest.fixture
def flagged(world, computed) -> Participant:
    money_facts(world)
    plan_nursing(world.case)
    watch.check([world.case.household_id])
    return world.case


def test_the_coachs_today_page_gives_the_reasons_in_words(world, flagged, client_for):
    page = client_for(world.coach).get(reverse("staff:today")).content.decode()
    assert "Families near a benefits cliff" in page
    assert reverse("benefits:calculator", args=[flagged.uuid]) in page
    assert NEAR in page and RUNG in page


@pytest.mark.parametrize("who", ["supervisor", "county_admin"])
def test_supervisors_and_administrators_see_counts_by_coach(world, flagged, client_for, who):
    response = client_for(world.people()[who]).get(reverse("staff:today"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Families near a benefits cliff, by coach" in page
    assert "Coach Tester</th>" in page and 'data-label="Families">1</td>' in page
    assert NEAR not in page  # the reasons are the coach's


def test_another_coach_and_another_county_see_no_flags(world, flagged, client_for):
    page = client_for(world.coach_same_team).get(reverse("staff:today")).content.decode()
    assert "No one on your caseload is near a benefits cliff." in page and NEAR not in page
    page = client_for(world.other_county_supervisor).get(reverse("staff:today")).content
    assert "No family in your area is near a benefits cliff." in page.decode()
    profile = reverse("staff:participant", args=[flagged.uuid])
    assert client_for(world.coach_same_team).get(profile).status_code == 404


def test_the_profile_shows_the_participants_flags(world, flagged, client_for):
    page = (
        client_for(world.coach)
        .get(reverse("staff:participant", args=[flagged.uuid]))
        .content.decode()
    )
    assert "Benefits as pay rises" in page and NEAR in page and RUNG in page
    assert reverse("benefits:calculator", args=[flagged.uuid]) in page


def test_a_profile_without_flags_says_so(world, client_for):
    page = (
        client_for(world.coach)
        .get(reverse("staff:participant", args=[world.case.uuid]))
        .content.decode()
    )
    assert "The cliff watch found no raise ahead that would leave this family worse off." in page


def test_flags_of_a_family_no_longer_active_are_not_on_the_today_page(world, flagged, client_for):
    Enrollment.objects.filter(pk=flagged.current_enrollment_id).update(
        status=Enrollment.Status.EXITED
    )
    page = client_for(world.coach).get(reverse("staff:today")).content.decode()
    assert NEAR not in page


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(data_queries(captured))


def test_today_and_the_profile_cost_the_same_queries_for_more_flagged_families(
    world, flagged, client_for
):
    coach, supervisor = client_for(world.coach), client_for(world.supervisor)
    profile = reverse("staff:participant", args=[flagged.uuid])

    def counts() -> tuple[int, int, int]:
        return (
            page_queries(coach, reverse("staff:today")),
            page_queries(supervisor, reverse("staff:today")),
            page_queries(coach, profile),
        )

    one = counts()
    for number in range(4):
        other = open_case(world.coach, f"FR40{number:05d}", world.county, world.program,
                          world.coach, first_name=f"Rosa{number}", last_name="Diaz")  # fmt: skip
        money_facts(world, person=other, pay="24000", hours="40")
        plan_nursing(other)
    save_offer(world, flagged)
    watch.check(household_ids(watch.stale_batches()))
    assert CliffFlag.objects.values("participant").distinct().count() == 5
    assert counts() == one


# The nightly command


def test_watch_cliffs_queues_the_stale_households_for_the_benefits_worker(world):
    out = StringIO()
    call_command("watch_cliffs", stdout=out)
    [task] = DBTaskResult.objects.filter(queue_name="benefits")
    assert task.task_path == "stride.benefits.tasks.watch_households"
    assert task.args_kwargs["args"] == [
        sorted([world.case.household_id, world.other_case.household_id])
    ]
    assert "2 households queued in 1 batches." in out.getvalue()
    assert not CliffFlag.objects.exists()  # the worker does the checking


def test_watch_cliffs_queues_nothing_when_nothing_changed(world, computed):
    watch.check(household_ids(watch.stale_batches()))
    out = StringIO()
    call_command("watch_cliffs", stdout=out)
    assert not DBTaskResult.objects.exists()
    assert "0 households queued in 0 batches." in out.getvalue()


def test_watch_cliffs_here_checks_in_this_process(world, computed):
    money_facts(world)
    out = StringIO()
    call_command("watch_cliffs", "--here", stdout=out)
    assert "1 families flagged." in out.getvalue()
    assert flags_of(world.case) == [("near", Decimal("20000.00"), "")]
    assert not DBTaskResult.objects.exists()


# The words


def a_flag(kind: str, **changes) -> CliffFlag:
    values = {
        "kind": kind,
        "earnings": Decimal("20000"),
        "label": "",
        "start": Decimal("22000"),
        "bottom": Decimal("23000"),
        "cleared_at": Decimal("27000"),
        "loss": Decimal("4000"),
        "programs": [["tanf", 5000.0]],
        "ended": ["tanf"],
        "computed_at": datetime(2026, 5, 1, tzinfo=timezone.get_current_timezone()),
    }
    return CliffFlag(**(values | changes))


def test_a_near_flag_names_the_raise_what_ends_the_loss_and_the_pay_to_plan_past():
    assert presenting.flag_words(a_flag("near"), "en") == NEAR


def test_an_inside_flag_says_the_family_is_in_a_dip():
    assert presenting.flag_words(a_flag("inside", earnings=Decimal("24000")), "en") == INSIDE


def test_a_rung_target_names_the_rung():
    flag = a_flag(
        "target",
        earnings=Decimal("42260"),
        label="rung:healthcare/nursing/entry",
        start=Decimal("40000"),
        bottom=Decimal("41000"),
        cleared_at=Decimal("47000"),
        loss=Decimal("5100"),
        programs=[["child_care_help", 6000.0]],
        ended=["child_care_help"],
    )
    assert presenting.flag_words(flag, "en") == RUNG


def test_an_offer_target_names_the_offers_letter():
    flag = a_flag("target", earnings=Decimal("24960"), label="offer:0d1f:A")
    assert presenting.flag_words(flag, "en") == OFFER


def test_programs_that_only_fall_are_cut_and_a_dip_with_no_way_out_says_talk_first():
    flag = a_flag(
        "near",
        programs=[["snap", 1800.0], ["health", 900.0], ["eitc", 300.0]],
        ended=[],
        cleared_at=None,
    )
    assert presenting.flag_words(flag, "en") == (
        "A raise to $23,000 a year would cut SNAP food help and health coverage: $4,000 less "
        "a year; talk it through before taking a raise."
    )


def test_two_programs_that_end_are_both_named():
    flag = a_flag("near", programs=[["tanf", 5000.0], ["snap", 600.0]], ended=["tanf", "snap"])
    assert presenting.flag_words(flag, "en").startswith(
        "A raise to $23,000 a year would end TANF cash aid and SNAP food help:"
    )


def test_a_rung_no_longer_in_the_catalogue_is_named_by_its_level():
    words = presenting.flag_words(a_flag("target", label="rung:healthcare/plumbing/middle"), "en")
    assert "middle" in words and "at $20,000 a year, lands in a dip" in words


def test_the_words_follow_the_language():
    with translation.override("es"):
        spanish = presenting.flag_words(a_flag("near"), "es")
    assert spanish != NEAR and "$23,000" in spanish


def test_a_cliff_in_words_names_each_program_and_where_the_family_is_back():
    cliff = cliffs.Cliff(
        start=22000,
        bottom=23000,
        loss=4600,
        cleared_at=28000,
        programs=(("tanf", 5000.0), ("snap", 400.0)),
        ended=("tanf",),
    )
    assert presenting.cliff_words(cliff) == (
        "Past $22,000 a year, a raise costs more than it brings: at $23,000 the family has "
        "$4,600 less a year than at $22,000 (TANF cash aid ends ($5,000); SNAP food help "
        "falls by $400). From $28,000 a year the family is better off again."
    )


def test_a_cliff_with_no_way_back_inside_the_chart_says_so():
    cliff = cliffs.Cliff(
        start=60000,
        bottom=61000,
        loss=2500,
        cleared_at=None,
        programs=(("health", 2500.0),),
        ended=("health",),
    )
    assert presenting.cliff_words(cliff).endswith(
        "(health coverage ends ($2,500)). Within this chart, the family does not get back to "
        "where it was."
    )


def test_money_is_whole_dollars_with_a_sign():
    assert (presenting.money(1234.4), presenting.money(-80), presenting.money(0)) == (
        "$1,234",
        "-$80",
        "$0",
    )
