"""Each measure counted on families whose answers are worked out by hand.

The clock is frozen at moments in spring 2026 while the records are made through the real
actions, so every date is known; the measures are then read in June 2026.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import open_case
from stride.coaching import actions as coaching
from stride.coaching.models import CoachingSession, Review
from stride.core import access
from stride.core.audit import Actor
from stride.measures import engagement, goals, ladder, pairing, referrals, work_rate
from stride.measures.catalogue import BY_KEY, MEASURES
from stride.measures.figures import ALL, Figure
from stride.participation import acf199
from stride.participation import actions as participation
from stride.participation.models import Activity, AidMonth, MonthResult, WorkActivity
from stride.participation.recount import recount_participant
from stride.people import actions as people
from stride.people.models import Enrollment, Participant
from stride.resources import actions as resources
from stride.resources.models import Provider, Referral, Service

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")
APRIL, MAY, JUNE = date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)
MONTHS = [APRIL, MAY, JUNE]


def on(day: date, hour: int = 10):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=PACIFIC), tick=False
    )


def family(world, number: int, name: str, coach=None) -> Participant:
    coach = coach or world.coach
    with on(date(2026, 3, 2)):
        return open_case(
            coach, f"FR{1000 + number:07d}", world.county, world.program, coach, first_name=name
        )


def team_scope(world):
    """Everyone the supervisor of Team A may read."""
    return access.visible_to(Participant.objects.all(), world.supervisor)


def session(world, person: Participant, day: date) -> CoachingSession:
    with on(day, 15):
        return coaching.record_session(
            Actor(world.coach),
            person,
            coaching.SessionDetails(
                held_at=datetime(day.year, day.month, day.day, 9, tzinfo=PACIFIC),
                mode=CoachingSession.Mode.IN_PERSON,
                minutes=30,
            ),
        )


def job(world, federal: str = WorkActivity.UNSUBSIDIZED_EMPLOYMENT) -> Activity:
    found = Activity.objects.filter(county=world.county, federal_activity=federal).first()
    return found or participation.add_activity(
        Actor(world.coach), world.county, participation.ActivityDetails(str(federal), federal)
    )


def hours(world, person: Participant, day: date, how_many: int) -> None:
    with on(JUNE + timedelta(days=19)):
        participation.add_hours(
            Actor(world.coach),
            person,
            participation.Hours(job(world), day, Decimal(how_many)),
        )


def exit_on(world, person: Participant, day: date) -> None:
    enrollment = Enrollment.objects.get(participant=person)
    with on(day):
        people.update_enrollment(
            Actor(world.coach), enrollment, enrollment.version, status=Enrollment.Status.EXITED
        )


def rates(table, group=ALL) -> list[tuple[int, int | None]]:
    return [(table[group][month].numerator, table[group][month].denominator) for month in MONTHS]


def counts(table, group=ALL) -> list[int]:
    return [table[group][month].numerator for month in MONTHS]


# --- Program engagement ---------------------------------------------------------------------


def test_engagement_counts_families_with_a_session_or_hours_among_those_enrolled(world):
    # The supervisor's team: world.case (no contact), Ana and Bea (the coach's), Cruz (the
    # other coach's, who leaves the program at the end of April). Kern's family is not theirs.
    ana = family(world, 1, "Ana")
    bea = family(world, 2, "Bea")
    cruz = family(world, 3, "Cruz", coach=world.coach_same_team)
    kern = open_case(
        world.other_county_coach, "KE1000001", world.other_county, world.program,
        world.other_county_coach,
    )  # fmt: skip
    session(world, ana, date(2026, 4, 10))
    session(world, ana, date(2026, 5, 20))
    session(world, ana, date(2026, 5, 21))  # a second contact in May: still one family
    hours(world, bea, date(2026, 5, 5), 3)
    hours(world, bea, date(2026, 3, 31), 3)  # March is not among the months counted
    exit_on(world, cruz, date(2026, 4, 30))
    session(world, cruz, date(2026, 5, 7))  # after leaving: not counted in May
    session(world, kern, date(2026, 5, 6))

    table = engagement.count(team_scope(world), MONTHS, ALL)
    assert rates(table) == [(1, 4), (2, 3), (0, 3)]
    by_coach = engagement.count(team_scope(world), MONTHS, "coach")
    assert rates(by_coach, world.coach.pk) == [(1, 3), (2, 3), (0, 3)]
    assert rates(by_coach, world.coach_same_team.pk) == [(0, 1), (0, 0), (0, 0)]
    assert set(by_coach) == {world.coach.pk, world.coach_same_team.pk}
    assert by_coach[world.coach.pk][MAY].percent == 67


def test_a_rate_with_nobody_counted_has_no_share():
    assert Figure(0, 0).rate is None
    assert Figure(0, 0).percent is None
    assert Figure(3).rate is None
    assert Figure(1, 4).percent == 25


def test_a_coach_sees_only_their_own_caseload_in_a_measure(world):
    ana = family(world, 1, "Ana")
    cruz = family(world, 3, "Cruz", coach=world.coach_same_team)
    session(world, ana, date(2026, 4, 10))
    session(world, cruz, date(2026, 4, 11))
    mine = access.visible_to(Participant.objects.all(), world.coach)
    assert rates(engagement.count(mine, MONTHS, ALL))[0] == (1, 2)  # Ana and world.case
    county = access.visible_to(Participant.objects.all(), world.county_admin)
    assert rates(engagement.count(county, MONTHS, "team"), world.team.pk)[0] == (2, 3)
    assert rates(engagement.count(county, MONTHS, "county"), world.county.pk)[0] == (2, 3)
    # Teams sit right under the county here, so the office is the county.
    assert rates(engagement.count(county, MONTHS, "office"), world.county.pk)[0] == (2, 3)


# --- Goals and steps ------------------------------------------------------------------------


def test_goals_set_achieved_revised_replaced_and_steps_completed_by_month(world):
    ana = family(world, 1, "Ana")
    bea = family(world, 2, "Bea")
    actor = Actor(world.coach)
    with on(date(2026, 4, 3)):
        first = coaching.set_goal(actor, ana, coaching.GoalDetails("Get my license", "work"))
        step = coaching.add_step(actor, first, coaching.StepDetails("Book the test"))
        second = coaching.add_step(actor, first, coaching.StepDetails("Practise"))
    with on(date(2026, 5, 12)):
        coaching.mark_step(actor, step, step.version, "done")
        coaching.mark_step(actor, second, second.version, "not_done")  # not done: not counted
    with on(date(2026, 5, 15)):
        coaching.record_review(
            actor, first, coaching.ReviewDetails("Passed!", Review.Decision.ACHIEVED)
        )
    with on(date(2026, 5, 2)):
        other = coaching.set_goal(actor, bea, coaching.GoalDetails("Finish my GED", "learning"))
        third = coaching.set_goal(actor, bea, coaching.GoalDetails("Find child care", "family"))
    with on(date(2026, 6, 5)):
        coaching.record_review(
            actor, other, coaching.ReviewDetails("Aiming higher", Review.Decision.CHANGE_GOAL)
        )
        coaching.record_review(
            actor, third, coaching.ReviewDetails("Something else first", Review.Decision.NEW_GOAL)
        )
    # A professional goal belongs to no family.
    with on(date(2026, 5, 3)):
        coaching.set_professional_goal(
            actor,
            world.coach,
            coaching.GoalDetails("Learn motivational interviewing", "work", skill_area="customers"),
        )

    scope = team_scope(world)
    assert counts(goals.goals_set(scope, MONTHS, ALL)) == [1, 2, 0]
    assert counts(goals.GOALS_ACHIEVED.count(scope, MONTHS, ALL)) == [0, 1, 0]
    assert counts(goals.GOALS_REVISED.count(scope, MONTHS, ALL)) == [0, 0, 1]
    assert counts(goals.GOALS_REPLACED.count(scope, MONTHS, ALL)) == [0, 0, 1]
    assert counts(goals.steps_completed(scope, MONTHS, ALL)) == [0, 1, 0]
    assert goals.GOALS_SET.count(scope, MONTHS, ALL)[ALL][APRIL].denominator is None
    # The same counts from the other coach's caseload: none of these families are theirs.
    theirs = access.visible_to(Participant.objects.all(), world.coach_same_team)
    assert counts(goals.goals_set(theirs, MONTHS, ALL)) == [0, 0, 0]


# --- Referrals ------------------------------------------------------------------------------


def test_referrals_closed_with_an_outcome_count_in_the_month_they_closed(world):
    ana = family(world, 1, "Ana")
    actor = Actor(world.coach)
    with on(date(2026, 4, 8)):
        helped = resources.refer(actor, ana, service(world, "GED classes"))
        waiting = resources.refer(actor, ana, service(world, "Child care"))
        unreached = resources.refer(actor, ana, service(world, "Food bank"))
    with on(date(2026, 6, 10)):
        resources.record_progress(
            actor, helped, Referral.Stage.CLOSED, date(2026, 5, 9), helped.version, "helped"
        )
        resources.record_progress(
            actor, unreached, Referral.Stage.CLOSED, date(2026, 6, 9), 1, "no_response"
        )
        resources.record_progress(
            actor, waiting, Referral.Stage.CONTACTED, date(2026, 6, 9), waiting.version
        )
    assert counts(referrals.closed_with_outcome(team_scope(world), MONTHS, ALL)) == [0, 1, 1]


def service(world, name: str) -> Service:
    provider = Provider.objects.get_or_create(
        county=world.county, hsds_id="org-1", defaults={"name": "Fresno Adult School"}
    )[0]
    details = resources.ServiceDetails(name, "adult_education", fits=("no_diploma",))
    return resources.add_service(Actor(world.county_admin), provider, details)


# --- Pairing consistency --------------------------------------------------------------------


def test_pairing_keeps_families_whose_coach_was_the_same_on_the_first_and_last_day(world):
    family(world, 1, "Ana")
    bea = family(world, 2, "Bea")
    family(world, 3, "Cruz", coach=world.coach_same_team)
    with on(date(2026, 5, 10)):
        people.reassign(Actor(world.supervisor), bea, world.coach_same_team, "Closer to home")
    with on(date(2026, 5, 10)):
        dora = open_case(
            world.coach, "FR0000004", world.county, world.program, world.coach, first_name="Dora"
        )
    assert dora.assignments.get().started_on == date(2026, 5, 10)
    eve = family(world, 5, "Eve")
    with on(date(2026, 6, 1)):
        # A new coach from the month's first day is the same coach all June.
        people.reassign(Actor(world.supervisor), eve, world.coach_same_team, "Evening hours")

    # world.case's assignment starts today (December), after these months: not counted.
    table = pairing.count(team_scope(world), MONTHS, ALL)
    assert rates(table) == [(4, 4), (3, 4), (5, 5)]
    by_coach = pairing.count(team_scope(world), MONTHS, "coach")
    # Bea is counted with the coach she has now.
    assert rates(by_coach, world.coach_same_team.pk) == [(3, 3), (2, 3), (3, 3)]
    assert rates(by_coach, world.coach.pk) == [(1, 1), (1, 1), (2, 2)]


# --- The participation ladder and the work participation rate -------------------------------


def _month_of_hours(world):
    """May 2026: Ana works every weekday (all the hours), Bea four hours once (some), Cruz
    none, and Eli works every weekday but is sanctioned that month (left out of the rate)."""
    ana = family(world, 1, "Ana")
    bea = family(world, 2, "Bea")
    cruz = family(world, 3, "Cruz", coach=world.coach_same_team)
    eli = family(world, 5, "Eli", coach=world.coach_same_team)
    with on(JUNE + timedelta(days=19)):
        for person in (ana, bea, cruz, eli):
            participation.record_months_on_aid(person, MAY)
        aid = AidMonth.objects.get(participant=eli, month=MAY)
        participation.change_aid_month(
            Actor(world.coach),
            aid,
            participation.MonthOnAid(work_status=AidMonth.WorkStatus.SANCTIONED),
            aid.version,
        )
        recount_participant(cruz, MAY, MAY)
    day = MAY
    while day.month == 5:
        if day.weekday() < 5:
            hours(world, ana, day, 8)
            hours(world, eli, day, 8)
        day += timedelta(days=1)
    hours(world, bea, date(2026, 5, 6), 4)
    return ana, bea, cruz, eli


def test_the_ladder_reads_participations_own_count_of_each_month(world):
    ana, bea, cruz, eli = _month_of_hours(world)
    steps = dict(
        MonthResult.objects.filter(month=MAY).values_list("participant__member__first_name", "step")
    )
    assert steps == {"Ana": "full", "Bea": "some", "Cruz": "none", "Eli": "full"}
    scope = team_scope(world)
    found = {measure.key: measure.count(scope, [MAY], ALL)[ALL][MAY] for measure in ladder.LADDER}
    assert found == {
        "ladder-none": Figure(1, 4),
        "ladder-some": Figure(1, 4),
        "ladder-substantial": Figure(0, 4),
        "ladder-full": Figure(2, 4),
    }
    by_coach = ladder.LADDER[-1].count(scope, [MAY], "coach")
    assert by_coach[world.coach.pk][MAY] == Figure(1, 2)
    assert by_coach[world.coach_same_team.pk][MAY] == Figure(1, 2)


def test_the_work_participation_rate_leaves_out_a_sanctioned_month(world):
    _month_of_hours(world)
    scope = team_scope(world)
    table = work_rate.count(scope, [APRIL, MAY], ALL)
    assert table[ALL][MAY] == Figure(1, 3)  # Ana meets it; Bea and Cruz do not; Eli left out
    assert table[ALL][APRIL] == Figure(0, 0)  # no hours counted in April: nobody in the rate
    by_coach = work_rate.count(scope, [MAY], "coach")
    assert by_coach[world.coach.pk][MAY] == Figure(1, 2)
    assert by_coach[world.coach_same_team.pk][MAY] == Figure(0, 1)
    # The same as participation's own monthly report for the same families.
    summary = acf199.summary(scope, MAY)
    assert (summary.families_meeting, summary.families_in_rate) == (1, 3)


# --- The catalogue --------------------------------------------------------------------------


def test_every_measure_says_what_it_counts_in_which_month_and_who(world):
    assert len(BY_KEY) == len(MEASURES)
    for measure in MEASURES:
        words = measure.definition
        assert str(measure.title) and str(words.numerator) and str(words.month)
        assert str(words.who)
        assert (words.denominator is not None) == measure.is_rate, measure.key
        table = measure.count(team_scope(world), MONTHS, ALL)
        assert set(table[ALL]) == set(MONTHS)
