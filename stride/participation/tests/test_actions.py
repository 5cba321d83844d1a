"""Hours, plans, months on aid and the activity catalogue, written through the action functions."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from stride.core.audit import Actor
from stride.core.edits import StaleEdit
from stride.core.models import AuditEvent
from stride.participation import actions, ledger
from stride.participation.actions import ActivityDetails, Hours, MonthOnAid, Plan
from stride.participation.countable import add_months
from stride.participation.models import (
    Activity,
    ActivityPlan,
    AidMonth,
    HoursEntry,
    MonthResult,
    WorkActivity,
)
from stride.people.models import Enrollment

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)


def add_activity(world, name="Paid job", federal=WorkActivity.UNSUBSIDIZED_EMPLOYMENT, county=None):
    admin = world.county_admin if county is None else world.other_county_admin
    return actions.add_activity(
        Actor(admin), county or world.county, ActivityDetails(name, federal)
    )


@pytest.fixture
def job(world):
    return add_activity(world)


def refused(action) -> dict[str, list[str]]:
    """The refusal's messages by field; fails the test when the action goes through."""
    with pytest.raises(ValidationError) as refusal:
        action()
    return refusal.value.message_dict


def clocks(world) -> dict[str, tuple[int, dict[str, int]]]:
    return {
        reading.rule.code: (reading.used, reading.not_counted)
        for reading in ledger.readings(world.case, TODAY)
    }


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


# Hours


def test_hours_entered_by_staff_start_verified_and_are_audited(world, job):
    entry = actions.add_hours(
        Actor(world.coach, "10.0.0.1"), world.case, Hours(job, TODAY, Decimal("4.5"), note="Stub")
    )
    assert entry.verification == HoursEntry.Verification.VERIFIED
    assert (entry.entered_by, entry.verified_by) == (world.coach, world.coach)
    assert entry.verified_at is not None
    event = AuditEvent.objects.get(action="create", record_type="HoursEntry")
    assert (event.participant, event.record_id, event.actor) == (
        world.case.uuid,
        entry.uuid,
        world.coach,
    )
    assert event.ip_address == "10.0.0.1"
    # The month is counted again in the same transaction.
    result = MonthResult.objects.get(participant=world.case, month=THIS_MONTH)
    assert result.by_activity["unsubsidized_employment"]["participation"] == 4.5


def test_hours_the_participant_reports_wait_to_be_checked(world, job):
    entry = actions.add_hours(
        Actor(world.participant_user), world.case, Hours(job, TODAY, Decimal("3"))
    )
    assert entry.verification == HoursEntry.Verification.REPORTED
    assert (entry.entered_by, entry.verified_by, entry.verified_at) == (
        world.participant_user,
        None,
        None,
    )
    assert AuditEvent.objects.filter(
        action="create", record_type="HoursEntry", participant=world.case.uuid
    ).exists()
    result = MonthResult.objects.get(participant=world.case, month=THIS_MONTH)
    assert result.countable_hours == 0
    assert {"code": "not_verified", "hours": 3.0} in result.reasons


def test_hours_are_refused_on_the_right_field(world, job):
    earliest = add_months(THIS_MONTH, -actions.EARLIEST_MONTHS_BACK)
    elsewhere = add_activity(world, "Kern job", county=world.other_county)
    retired = actions.change_activity(
        Actor(world.county_admin),
        add_activity(world, "Old club", WorkActivity.JOB_SEARCH),
        ActivityDetails("Old club", WorkActivity.JOB_SEARCH, active=False),
        1,
    )
    coach = Actor(world.coach)

    def add(activity=job, day=TODAY, hours="2"):
        return lambda: actions.add_hours(coach, world.case, Hours(activity, day, Decimal(hours)))

    assert list(refused(add(day=TODAY + timedelta(days=1)))) == ["day"]
    assert list(refused(add(day=earliest - timedelta(days=1)))) == ["day"]
    assert refused(add(activity=elsewhere)) == {"activity": ["Pick an activity from the list."]}
    assert list(refused(add(activity=retired))) == ["activity"]
    assert refused(add(hours="0")) == {"hours": ["Enter more than 0 hours."]}
    assert not HoursEntry.objects.exists()
    assert not AuditEvent.objects.filter(record_type="HoursEntry").exists()

    add(hours="20")()
    assert refused(add(hours="4.25")) == {"hours": ["That makes more than 24 hours on one day."]}
    add(hours="4")()  # exactly 24 is fine
    add(day=earliest)()  # the first day of the month a year back is still open
    assert HoursEntry.objects.count() == 3


def test_a_stale_version_is_refused_when_verifying_or_removing(world, job):
    entry = actions.add_hours(
        Actor(world.participant_user), world.case, Hours(job, TODAY, Decimal("6"))
    )
    coach = Actor(world.coach)
    checked = actions.verify_hours(coach, entry, HoursEntry.Verification.VERIFIED, 1)
    assert (checked.version, checked.verification, checked.verified_by) == (
        2,
        HoursEntry.Verification.VERIFIED,
        world.coach,
    )
    change = AuditEvent.objects.get(action="change", record_type="HoursEntry")
    assert (change.participant, change.fields) == (world.case.uuid, ["verification", "verified_by"])
    assert MonthResult.objects.get(participant=world.case, month=THIS_MONTH).countable_hours == 6

    with pytest.raises(StaleEdit) as stale:
        actions.verify_hours(coach, entry, HoursEntry.Verification.NOT_VERIFIED, 1)
    assert isinstance(stale.value, ValidationError)
    assert stale.value.current_version == 2
    with pytest.raises(StaleEdit) as stale:
        actions.remove_hours(coach, entry, 1)
    assert stale.value.current_version == 2
    entry.refresh_from_db()
    assert (entry.version, entry.verification) == (2, HoursEntry.Verification.VERIFIED)

    actions.remove_hours(coach, entry, 2)
    assert not HoursEntry.objects.exists()
    removed = AuditEvent.objects.get(action="delete", record_type="HoursEntry")
    assert (removed.participant, removed.record_id) == (world.case.uuid, entry.uuid)
    assert MonthResult.objects.get(participant=world.case, month=THIS_MONTH).countable_hours == 0


# Plans


def test_a_plan_needs_an_end_after_its_start_and_at_least_one_day(world, job):
    coach = Actor(world.coach)

    def plan(ends_on=None, weekdays=(0, 2, 4)):
        return lambda: actions.add_plan(
            coach, world.case, Plan(job, TODAY, Decimal("20"), weekdays, ends_on)
        )

    assert refused(plan(ends_on=TODAY - timedelta(days=1))) == {
        "ends_on": ["The end can't be before the start."]
    }
    assert refused(plan(weekdays=())) == {"weekdays": ["Pick at least one day."]}
    assert not ActivityPlan.objects.exists()

    made = plan(ends_on=TODAY)()
    assert (made.weekdays, made.days) == (0b10101, [0, 2, 4])
    assert made.scheduled_on(TODAY) == (20 / 3 if TODAY.weekday() in (0, 2, 4) else 0.0)
    assert made.scheduled_on(TODAY + timedelta(days=1)) == 0.0  # after its end
    assert AuditEvent.objects.filter(
        action="create", record_type="ActivityPlan", participant=world.case.uuid
    ).exists()


# Months on aid


@pytest.fixture
def months(world):
    actions.record_months_on_aid(world.case, TODAY)
    return AidMonth.objects.filter(participant=world.case)


def test_a_month_on_aid_takes_only_a_known_reason_and_needs_a_note(world, months):
    first = months.get(month=date(2025, 1, 1))
    coach = Actor(world.coach)
    assert refused(
        lambda: actions.change_aid_month(coach, first, MonthOnAid("lottery", note="Won"), 1)
    ) == {"exemption": ["Pick a reason from the list."]}
    assert list(
        refused(lambda: actions.change_aid_month(coach, first, MonthOnAid("disability"), 1))
    ) == ["note"]
    assert list(
        refused(
            lambda: actions.change_aid_month(coach, first, MonthOnAid("disability", note="  "), 1)
        )
    ) == ["note"]
    first.refresh_from_db()
    assert (first.exemption, first.version) == ("", 1)
    # The refusals changed nothing and recorded nothing (the fixture's months were created).
    assert not AuditEvent.objects.filter(record_type="AidMonth", action="change").exists()


def test_a_month_that_does_not_count_stops_the_clocks(world, months):
    on_aid = months_between(date(2025, 1, 1), TODAY)
    assert clocks(world) == {"federal-60": (on_aid, {}), "calworks-60": (on_aid, {})}

    # Last month: the recount runs from the month changed to this one.
    last_month = months.get(month=add_months(THIS_MONTH, -1))
    coach = Actor(world.coach)
    changed = actions.change_aid_month(
        coach, last_month, MonthOnAid("disability", note="Doctor's letter on file"), 1
    )
    assert (changed.exemption, changed.version) == ("disability", 2)
    event = AuditEvent.objects.get(action="change", record_type="AidMonth")
    assert (event.participant, event.fields) == (world.case.uuid, ["exemption", "note"])
    # California does not count the month; the federal clock has no such reason.
    assert clocks(world) == {
        "federal-60": (on_aid, {}),
        "calworks-60": (on_aid - 1, {"disability": 1}),
    }

    status_only = MonthOnAid(
        "disability", AidMonth.WorkStatus.SANCTIONED, note="Doctor's letter on file"
    )
    actions.change_aid_month(coach, last_month, status_only, 2)
    latest = AuditEvent.objects.filter(action="change", record_type="AidMonth").latest("pk")
    assert latest.fields == ["work_status"]

    with pytest.raises(StaleEdit) as stale:
        actions.change_aid_month(coach, last_month, MonthOnAid(), 2)
    assert stale.value.current_version == 3


def test_months_on_aid_are_filled_from_the_enrollment_without_duplicates(world):
    AidMonth.objects.create(participant=world.case, month=date(2025, 3, 1))
    assert actions.record_months_on_aid(world.case, date(2024, 12, 31)) == 0
    assert actions.record_months_on_aid(world.case, date(2025, 6, 17)) == 5
    months = AidMonth.objects.filter(participant=world.case).order_by("month")
    assert [month.month for month in months] == [date(2025, number, 1) for number in range(1, 7)]
    assert {month.program for month in months if month.month != date(2025, 3, 1)} == {world.program}
    assert actions.record_months_on_aid(world.case, date(2025, 6, 30)) == 0
    assert actions.record_months_on_aid(world.case, date(2025, 8, 1)) == 2
    assert AidMonth.objects.filter(participant=world.case).count() == 8
    assert not AidMonth.objects.filter(participant=world.other_case).exists()


def test_months_on_aid_stop_when_the_enrollment_ended(world):
    Enrollment.objects.filter(participant=world.case).update(ended_on=date(2025, 2, 14))
    assert actions.record_months_on_aid(world.case, TODAY) == 2


# The activity catalogue


def test_a_county_has_one_activity_of_each_name(world):
    add_activity(world, "Job club", WorkActivity.JOB_SEARCH)
    assert refused(lambda: add_activity(world, " job CLUB ", WorkActivity.JOB_SEARCH)) == {
        "name": ["The county already has an activity with this name."]
    }
    # Another county keeps its own catalogue.
    kern = add_activity(world, "Job club", WorkActivity.JOB_SEARCH, county=world.other_county)
    assert kern.county == world.other_county
    assert Activity.objects.filter(name="Job club").count() == 2
    created = AuditEvent.objects.filter(action="create", record_type="Activity")
    assert created.count() == 2 and {event.participant for event in created} == {None}

    ged = add_activity(world, "GED classes", WorkActivity.EDUCATION_FOR_WORK)
    assert refused(
        lambda: actions.change_activity(
            Actor(world.county_admin),
            ged,
            ActivityDetails("Job Club", WorkActivity.EDUCATION_FOR_WORK),
            1,
        )
    ) == {"name": ["The county already has an activity with this name."]}
    ged.refresh_from_db()
    assert (ged.name, ged.version) == ("GED classes", 1)


def test_the_federal_activity_is_fixed_once_hours_use_it(world, job):
    admin = Actor(world.county_admin)
    renamed = actions.change_activity(
        admin, job, ActivityDetails("Paid work", WorkActivity.SUBSIDIZED_PRIVATE), 1
    )
    assert (renamed.name, renamed.federal_activity, renamed.version) == (
        "Paid work",
        WorkActivity.SUBSIDIZED_PRIVATE,
        2,
    )
    event = AuditEvent.objects.get(action="change", record_type="Activity")
    assert event.fields == ["federal_activity", "name"]

    actions.add_hours(Actor(world.coach), world.case, Hours(renamed, TODAY, Decimal("5")))
    errors = refused(
        lambda: actions.change_activity(
            admin, renamed, ActivityDetails("Paid work", WorkActivity.WORK_EXPERIENCE), 2
        )
    )
    assert list(errors) == ["federal_activity"]
    assert "add a new one instead" in errors["federal_activity"][0]
    # The rest can still change, and an activity no longer in use leaves the lists.
    kept = actions.change_activity(
        admin,
        renamed,
        ActivityDetails("Paid work", WorkActivity.SUBSIDIZED_PRIVATE, "Stubs", active=False),
        2,
    )
    assert (kept.description, kept.active, kept.version) == ("Stubs", False, 3)
    with pytest.raises(StaleEdit):
        actions.change_activity(
            admin, renamed, ActivityDetails("Paid work", WorkActivity.SUBSIDIZED_PRIVATE), 2
        )


def test_a_minimum_wage_cap_on_the_month_deems_the_rest_of_the_core_hours(world, months):
    work_experience = add_activity(world, "Clinic front desk", WorkActivity.WORK_EXPERIENCE)
    this_month = months.get(month=THIS_MONTH)
    # 45 CFR 261.31(d): (50 + 21.50) / 7.25 = 9.86 hours a month are all the minimum wage
    # allows, and they are all done.
    days = [THIS_MONTH + timedelta(days=offset) for offset in range(min(TODAY.day, 4))]
    for day in days:
        actions.add_hours(
            Actor(world.coach), world.case, Hours(work_experience, day, Decimal("14.25"))
        )
    capped = MonthOnAid(tanf_grant=Decimal("50"), snap_allotment=Decimal("21.50"))
    actions.change_aid_month(Actor(world.coach), this_month, capped, 1)
    event = AuditEvent.objects.filter(action="change", record_type="AidMonth").latest("pk")
    assert sorted(event.fields) == ["snap_allotment", "tanf_grant"]
    result = MonthResult.objects.get(participant=world.case, month=THIS_MONTH)
    assert result.deemed_core_hours > 0
    assert "deemed_core" in {reason["code"] for reason in result.reasons}


def test_closing_a_month_fills_the_ledger_and_counts_everyone(world):
    # Months added from the enrollments are system changes in each participant's audit trail.
    AidMonth.objects.all().delete()
    call_command("count_participation", "--backfill", stdout=io.StringIO())
    enrollment = world.case.current_enrollment
    expected = months_between(enrollment.aid_start, TODAY)
    assert AidMonth.objects.filter(participant=world.case).count() == expected
    assert MonthResult.objects.filter(participant=world.case, month=THIS_MONTH).exists()
    created = AuditEvent.objects.filter(
        record_type="AidMonth", action="create", participant=world.case.uuid, channel="system"
    )
    assert created.count() == expected
    with pytest.raises(CommandError):
        call_command("count_participation", "--month", "2099-01", stdout=io.StringIO())


def test_a_snap_allotment_without_the_grant_is_refused(world, months):
    this_month = months.get(month=THIS_MONTH)
    with pytest.raises(ValidationError) as refused:
        actions.change_aid_month(
            Actor(world.coach), this_month, MonthOnAid(snap_allotment=Decimal("200")), 1
        )
    assert "tanf_grant" in refused.value.error_dict
    this_month.refresh_from_db()
    assert this_month.snap_allotment is None


def test_hours_the_rules_refuse_leave_nothing_saved(world):
    """An activity whose code the rules do not know (an old catalogue row) is never
    counted as non-core: the entry is refused next to the field, nothing is saved."""
    unknown = add_activity(world, "Old programme", WorkActivity.WORK_EXPERIENCE)
    Activity.objects.filter(pk=unknown.pk).update(federal_activity="retired_code")
    unknown.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        actions.add_hours(Actor(world.coach), world.case, Hours(unknown, TODAY, Decimal("2")))
    assert "activity" in refused.value.error_dict
    assert not HoursEntry.objects.filter(activity=unknown).exists()
