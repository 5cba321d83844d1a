"""A county's retention run: what it touches, what it leaves, and what it leaves behind."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from stride.coaching.models import CoachingSession, Goal, Obstacle, Reflection, Step
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.measures.catalogue import MEASURES
from stride.measures.months import month_of, months_up_to
from stride.participation.models import HoursEntry
from stride.people import exiters
from stride.people.models import Enrollment, ExitersFile, Household, Member, Participant
from stride.reminders.models import Consent
from stride.retention import actions, sweep
from stride.retention.models import Done, Purge, Run

from .conftest import close, fill

pytestmark = pytest.mark.django_db


def years_on(years: int) -> date:
    """A day `years` and a week after today: every kind with that many years is due."""
    today = timezone.localdate()
    return sweep.years_before(today, -years) + timedelta(days=7)


def run(world, dry: bool, as_of: date) -> Run:
    actor = Actor(world.county_admin, "127.0.0.1")
    made = sweep.start(actor, world.county, dry, as_of)
    sweep.execute(made, actor)
    made.refresh_from_db()
    return made


def snapshot(participant: Participant) -> dict:
    """Everything a purge could change about a participant's case, as plain values."""
    household = Household.objects.get(pk=participant.household_id)
    return {
        "household": Household.objects.filter(pk=household.pk).values().get(),
        "members": list(Member.objects.filter(household=household).values()),
        "goals": list(Goal.objects.filter(participant=participant).values()),
        "steps": list(Step.objects.filter(goal__participant=participant).values()),
        "sessions": list(CoachingSession.objects.filter(participant=participant).values()),
        "reflections": list(Reflection.objects.filter(goal__participant=participant).values()),
        "consents": list(Consent.objects.filter(participant=participant).values()),
        "hours": list(HoursEntry.objects.filter(participant=participant).values()),
        "user": participant.user_id,
    }


def figures(world) -> dict:
    """Every measure's monthly figures for the county, by county and by coach."""
    participants = Participant.objects.filter(county=world.county)
    months = months_up_to(month_of(timezone.localdate()), 3)
    return {
        (measure.key, by): measure.count(participants, months, by)
        for measure in MEASURES
        for by in ("county", "coach")
    }


def test_a_purge_strips_identity_and_notes_and_deletes_what_may_go(world, closed):
    run(world, dry=False, as_of=years_on(6))
    household = Household.objects.get(pk=world.case.household_id)
    member = Member.objects.get(pk=world.case.member_id)
    assert household.case_number.startswith("R-")
    assert (household.city, household.phone) == ("", "")
    assert (member.first_name, member.last_name, member.ssn, member.ssn_last4) == ("", "", None, "")
    assert (member.birth_date.month, member.birth_date.day) == (1, 1)
    world.participant_user.refresh_from_db()
    assert not world.participant_user.is_active
    assert world.participant_user.first_name == ""
    goal = Goal.objects.get(participant=world.case)
    assert (goal.words, goal.why_it_matters) == ("", "")
    step = Step.objects.get(goal=goal)
    assert (step.what, step.outcome_note, step.status) == ("", "", Step.Status.DONE)
    session = CoachingSession.objects.get(participant=world.case)
    assert session.notes == "" and session.minutes == 30
    assert HoursEntry.objects.get(participant=world.case).note == ""
    # No measure counts these, and the default policy deletes them.
    assert not Reflection.objects.filter(goal=goal).exists()
    assert not Obstacle.objects.filter(goal=goal).exists()
    assert not Consent.objects.filter(participant=world.case).exists()
    # The other county's case is another county's business.
    assert Member.objects.get(pk=world.other_case.member_id).first_name == "Ana"


def test_every_measure_counts_the_same_before_and_after_a_purge(world, closed):
    before = figures(world)
    counted = {
        key
        for (key, by), table in before.items()
        if any(figure.numerator for row in table.values() for figure in row.values())
    }
    # The case is counted: there is something to keep.
    assert {"engagement", "goals-set", "steps-completed", "education-completions"} <= counted
    run(world, dry=False, as_of=years_on(6))
    assert figures(world) == before


def test_a_dry_run_changes_nothing_and_counts_what_a_purge_would_do(world, closed):
    before = snapshot(world.case)
    made = run(world, dry=True, as_of=years_on(6))
    assert snapshot(world.case) == before
    assert not Done.objects.exists()
    counted = {(purge.record_type, purge.action): (purge.cases, purge.rows) for purge in
               made.purges.all()}  # fmt: skip
    assert counted[("people", "deidentify")][0] == 1
    assert counted[("notes", "delete")] == (1, 2)  # a reflection and an obstacle
    assert counted[("reminders", "delete")] == (1, 1)  # the consent
    assert [case["household"] for case in made.report["cases"]] == [str(world.case.household.uuid)]
    assert made.status == Run.Status.DONE


def test_a_held_case_is_left_whole_whatever_the_policy(world, closed):
    actions.place_hold(Actor(world.supervisor), world.case, "A records request from a court")
    before = snapshot(world.case)
    made = run(world, dry=False, as_of=years_on(10))
    assert snapshot(world.case) == before
    assert made.report["cases"] == []


def test_a_hold_lifted_lets_the_policy_run(world, closed):
    hold = actions.place_hold(Actor(world.supervisor), world.case, "Court order 24-117")
    actions.lift_hold(Actor(world.county_admin), hold, "The court closed the matter")
    run(world, dry=False, as_of=years_on(6))
    assert Member.objects.get(pk=world.case.member_id).first_name == ""
    hold.refresh_from_db()
    assert (hold.reason, hold.lifted_reason) == ("", "")
    assert hold.lifted_at is not None


def test_a_hold_placed_after_the_plan_still_wins(world, closed):
    """The case's own transaction asks again, so a hold placed mid-run is kept."""
    actor = Actor(world.county_admin)
    made = sweep.start(actor, world.county, False, years_on(6))
    policies, cases = sweep.plan(world.county, made.as_of)
    purges = sweep._purges(made, policies, cases)
    actions.place_hold(Actor(world.supervisor), world.case, "Fair hearing asked for")
    before = snapshot(world.case)
    sweep.apply_case(actor, made, cases[0], purges)
    assert snapshot(world.case) == before


def test_an_open_case_is_left_whole(world, activity):
    fill(world, world.case, activity)
    before = snapshot(world.case)
    made = run(world, dry=False, as_of=years_on(30))
    assert snapshot(world.case) == before
    assert made.report["cases"] == []


def test_a_case_closed_too_recently_is_left_whole(world, closed):
    before = snapshot(world.case)
    made = run(world, dry=False, as_of=timezone.localdate() + timedelta(days=300))
    assert snapshot(world.case) == before
    assert made.report["cases"] == []


def test_only_the_kinds_whose_years_are_up_are_touched(world, closed):
    run(world, dry=False, as_of=years_on(3))  # three years: notes go, names stay
    assert Member.objects.get(pk=world.case.member_id).first_name == "Maria"
    assert not Reflection.objects.filter(goal__participant=world.case).exists()
    assert CoachingSession.objects.get(participant=world.case).notes == ""


def test_running_again_changes_nothing_more(world, closed):
    run(world, dry=False, as_of=years_on(6))
    after = snapshot(world.case)
    events = AuditEvent.objects.count()
    again = run(world, dry=False, as_of=years_on(6))
    assert snapshot(world.case) == after
    assert again.report["cases"] == []
    assert not again.purges.exists()
    assert AuditEvent.objects.count() == events + 2  # the run asked for, and finished


def test_a_purge_is_in_the_audit_trail_with_no_identity(world, closed):
    made = run(world, dry=False, as_of=years_on(6))
    events = AuditEvent.objects.filter(record_type="Purge")
    assert events.exists()
    kinds_done = {tuple(sorted(event.changes)) for event in events}
    assert kinds_done == {("action", "record_type")}
    assert {event.participant for event in events} == {world.case.uuid}
    assert {event.actor_name for event in events} == {"county_admin"}
    purges = {purge.uuid: purge for purge in Purge.objects.filter(run=made)}
    assert {event.record_id for event in events} == set(purges)
    assert all(purge.cases == 1 and purge.years for purge in purges.values())
    finished = AuditEvent.objects.get(record_type="Run", action="change")
    assert finished.changes == {"status": ["running", "done"]}
    every = " ".join(str(v) for e in AuditEvent.objects.filter(
        record_type__in=["Purge", "Run"]).values() for v in e.values())  # fmt: skip
    for identity in ("Maria", "Lopez", "FR0000001", "6789", "landlord", "GED", "1990"):
        assert identity not in every


def test_a_household_is_closed_only_when_every_participant_has_left(world, closed, activity):
    """Two parents: the second still enrolled keeps the household open."""
    from conftest import open_case

    other = open_case(world.coach, "FR0000002", world.county, world.program, world.coach)
    Participant.objects.filter(pk=other.pk).update(household=world.case.household)
    made = run(world, dry=True, as_of=years_on(6))
    assert made.report["cases"] == []
    close(world, other, timezone.localdate())
    made = run(world, dry=True, as_of=years_on(6))
    assert len(made.report["cases"]) == 1


def test_a_policy_that_deletes_what_the_measures_count_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        actions.set_policy(Actor(world.county_admin), world.county, "goals", 3, "delete", "x", None)
    assert "action" in refused.value.error_dict


def test_a_county_policy_changes_what_is_due(world, closed):
    actions.set_policy(
        Actor(world.county_admin), world.county, "people", 1, "deidentify", "Our board says", None
    )
    run(world, dry=False, as_of=years_on(1))
    assert Member.objects.get(pk=world.case.member_id).first_name == ""
    assert Enrollment.objects.filter(participant=world.case).exists()


def test_the_command_runs_a_dry_run_and_the_purge(world, closed, time_machine):
    from io import StringIO

    from django.core.management import call_command

    time_machine.move_to(timezone.now() + timedelta(days=6 * 366), tick=False)
    out = StringIO()
    call_command("apply_retention", "--county", "fresno-county", "--dry-run", stdout=out)
    assert "Cases: 1. Would do:" in out.getvalue()
    assert Member.objects.get(pk=world.case.member_id).first_name == "Maria"
    call_command("apply_retention", "--county", "fresno-county", stdout=StringIO())
    assert Member.objects.get(pk=world.case.member_id).first_name == ""
    assert AuditEvent.objects.filter(record_type="Purge", actor_name="system").exists()


def test_a_purge_taken_up_again_after_its_worker_died_goes_on_from_the_cases_left(
    world, closed, activity
):
    from conftest import open_case
    from stride.retention import tasks

    second = open_case(world.coach, "FR0000002", world.county, world.program, world.coach,
                       first_name="Rosa", birth_date=date(1988, 7, 9))  # fmt: skip
    fill(world, second, activity)
    close(world, second, timezone.localdate())
    actor = Actor(world.county_admin)
    made = sweep.start(actor, world.county, False, years_on(6))
    policies, cases = sweep.plan(world.county, made.as_of)
    made.report, made.total, made.status = sweep._report(cases), len(cases), Run.Status.RUNNING
    made.save()
    sweep.apply_case(actor, made, cases[0], sweep._purges(made, policies, cases))  # then it died
    Run.objects.filter(pk=made.pk).update(done=1)

    assert tasks.run_retention.call(made.pk, None) == Run.Status.DONE
    made.refresh_from_db()
    assert (made.done, made.total, len(made.report["cases"])) == (2, 2, 2)
    assert {purge.cases for purge in made.purges.all()} == {2}
    assert Member.objects.filter(pk__in=[world.case.member_id, second.member_id],
                                 first_name="").count() == 2  # fmt: skip


def test_a_run_whose_workers_kept_dying_says_it_stopped(world):
    from stride.retention import tasks

    made = sweep.start(Actor(world.county_admin), world.county, True)
    tasks.run_lost(made.pk, None)
    made.refresh_from_db()
    assert made.status == Run.Status.FAILED


def test_a_purge_of_identity_takes_the_case_out_of_the_county_s_exiters_files(world, closed):
    # The federal exiters file of the quarter the case closed in holds its SSN, and the file
    # of the same quarter names another family left out; both are the county's copies.
    quarter = exiters.FiscalQuarter.containing(closed.closed_on)
    case_number = world.case.household.case_number
    made = ExitersFile.objects.create(
        county=world.county,
        fiscal_year=quarter.year,
        fiscal_quarter=quarter.quarter,
        status=ExitersFile.Status.READY,
        rows=[["202601", "123456789"], ["202601", "987654321"]],
        row_count=2,
        participants=[str(world.case.uuid), "someone-else"],
        left_out=[
            {"name": "Maria Lopez", "case_number": case_number, "reason": "no_ssn"},
            {"name": "Rosa Diaz", "case_number": "FR0000777", "reason": "no_ssn"},
        ],
    )
    elsewhere = ExitersFile.objects.create(
        county=world.other_county,
        fiscal_year=quarter.year,
        fiscal_quarter=quarter.quarter,
        status=ExitersFile.Status.READY,
        rows=[["202601", "123456789"]],
        row_count=1,
        participants=[str(world.case.uuid)],
    )

    run(world, dry=False, as_of=years_on(6))

    made.refresh_from_db()
    assert (made.rows, made.participants, made.row_count) == (
        [["202601", "987654321"]],
        ["someone-else"],
        1,
    )
    assert [line["name"] for line in made.left_out] == ["Rosa Diaz"]
    elsewhere.refresh_from_db()
    assert elsewhere.row_count == 1  # another county's file is its own


def test_the_participant_s_own_past_actions_no_longer_carry_their_user_name(world, closed):
    own = AuditEvent.objects.create(
        actor=world.participant_user,
        actor_name=world.participant_user.username,
        actor_role="participant",
        action="view",
        record_type="Participant",
        participant=world.case.uuid,
    )

    run(world, dry=False, as_of=years_on(6))

    own.refresh_from_db()
    world.participant_user.refresh_from_db()
    assert own.actor_name == world.participant_user.username
    assert own.actor_name.startswith("removed-")
