"""Counting months from the database: after a change to hours, plans or months on aid, and for everyone.

Hours, plans and months on aid are made through `stride.participation.actions`,
as the pages make them, so each test also checks that an action counts the
months it touched again. Months are the two whole months before this one, so
the hours are never in the future nor older than a year.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import data_queries, open_case
from stride.core.audit import Actor
from stride.participation import actions
from stride.participation.countable import MinimumWageLimit, add_months, monday_of
from stride.participation.models import (
    Activity,
    AidMonth,
    HoursEntry,
    MonthResult,
    WorkActivity,
)
from stride.participation.recount import (
    NotCounted,
    _family_limits,
    _Someone,
    count_everyone,
    count_month,
    person_for,
    recount_participant,
)
from stride.people import actions as people
from stride.people.actions import PersonDetails
from stride.people.models import Enrollment, Member, Participant

HEAD = Member.Relationship.HEAD
PARTNER = Member.Relationship.PARTNER
CHILD = Member.Relationship.CHILD
NO_AID_DETAILS = (False, None)


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def last_month() -> date:
    return add_months(this_month(), -1)


def month_before() -> date:
    return add_months(this_month(), -2)


def weekdays(month: date) -> list[date]:
    day, days = month, []
    while day < add_months(month, 1):
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def years_ago(years: int, month: date | None = None) -> date:
    """A birth date that makes someone `years` old during `month` (and on its first day)."""
    month = month or last_month()
    return month.replace(year=month.year - years) - timedelta(days=1)


def activity(world, federal: str = WorkActivity.JOB_SEARCH) -> Activity:
    found = Activity.objects.filter(county=world.county, federal_activity=federal).first()
    return found or actions.add_activity(
        Actor(world.coach), world.county, actions.ActivityDetails(str(federal), federal)
    )


def add_hours(world, person, day, hours, federal=WorkActivity.JOB_SEARCH, actor=None, **extra):
    return actions.add_hours(
        Actor(actor or world.coach),
        person,
        actions.Hours(activity(world, federal), day, Decimal(str(hours)), **extra),
    )


def on_aid(person: Participant, month: date, **fields) -> AidMonth:
    return AidMonth.objects.create(
        participant=person, month=month, program=person.current_enrollment.program, **fields
    )


def result(person: Participant, month: date) -> MonthResult:
    return MonthResult.objects.get(participant=person, month=month)


def reason(month_result: MonthResult, code: str) -> dict | None:
    return next((item for item in month_result.reasons if item["code"] == code), None)


def snapshot(person: Participant) -> dict[date, dict]:
    """Every stored result of the participant, without the time it was computed."""
    return {
        row["month"]: {key: value for key, value in row.items() if key not in ("id", "computed_at")}
        for row in MonthResult.objects.filter(participant=person).values()
    }


def another_case(world, number: int, last_name: str, birth_date=date(1986, 5, 5)) -> Participant:
    """A case of its own on the coach's caseload, through the action that opens a case."""
    return open_case(
        world.coach,
        f"FR{number:07d}",
        world.county,
        world.program,
        world.coach,
        first_name=f"Person{number}",
        last_name=last_name,
        birth_date=birth_date,
    )


def add_partner(world, household, birth_date=date(1988, 6, 1), participant=True):
    member = people.add_member(
        Actor(world.coach), household, PersonDetails("Luis", "Lopez", birth_date, PARTNER)
    )
    if not participant:
        return member
    # Only open_case makes a participant; a second parent is made the way the demo does.
    partner = Participant.objects.create(
        member=member, household=household, county=world.county, coach=world.coach, team=world.team
    )
    partner.current_enrollment = Enrollment.objects.create(
        participant=partner, program=world.program, aid_start=date(2025, 1, 1)
    )
    partner.save(update_fields=["current_enrollment"])
    return partner


def add_child(world, household, birth_date):
    return people.add_member(
        Actor(world.coach), household, PersonDetails("Lia", "Lopez", birth_date, CHILD)
    )


# --- person_for: which requirement applies ---------------------------------------------------

MONTH = date(2026, 9, 1)
ADULT = _Someone(1, 1, date(1990, 4, 2), HEAD)


def requirement(household, month=MONTH, aid=NO_AID_DETAILS, someone=ADULT) -> str:
    return person_for(someone, household, month, aid).requirement


def test_a_single_parent_with_a_child_under_six():
    household = [(ADULT.birth_date, HEAD), (date(2022, 3, 1), CHILD)]
    assert requirement(household) == "single_parent_child_under_six"


def test_a_single_parent_whose_children_are_six_or_older():
    household = [(ADULT.birth_date, HEAD), (date(2019, 3, 1), CHILD), (date(2010, 1, 1), CHILD)]
    assert requirement(household) == "all_family"


def test_a_child_who_turns_six_in_the_month_is_six_for_the_month():
    # Ages are taken on the first of the next month: a birthday in the month counts.
    turns_six_in_month = [(ADULT.birth_date, HEAD), (date(2020, 9, 15), CHILD)]
    assert requirement(turns_six_in_month) == "all_family"
    turns_six_on_the_first = [(ADULT.birth_date, HEAD), (date(2020, 10, 1), CHILD)]
    assert requirement(turns_six_on_the_first) == "all_family"
    turns_six_after = [(ADULT.birth_date, HEAD), (date(2020, 10, 2), CHILD)]
    assert requirement(turns_six_after) == "single_parent_child_under_six"


def test_a_young_relative_who_is_not_a_child_of_the_family():
    household = [(ADULT.birth_date, HEAD), (date(2023, 1, 1), Member.Relationship.RELATIVE)]
    assert requirement(household) == "all_family"


def test_head_and_partner_are_a_two_parent_family():
    household = [(ADULT.birth_date, HEAD), (date(1988, 1, 1), PARTNER)]
    assert requirement(household) == "two_parent"
    # With a young child too: the two-parent rate still applies (45 CFR 261.32).
    assert requirement([*household, (date(2024, 1, 1), CHILD)]) == "two_parent"


def test_two_parents_with_federally_funded_child_care():
    household = [(ADULT.birth_date, HEAD), (date(1988, 1, 1), PARTNER)]
    assert requirement(household, aid=(True, None)) == "two_parent_federal_child_care"
    # Child care alone does not make a single parent's family two-parent.
    assert requirement([(ADULT.birth_date, HEAD)], aid=(True, None)) == "all_family"


def test_a_head_under_20_is_a_young_parent():
    young = _Someone(1, 1, years_ago(19, MONTH), HEAD)
    person = person_for(young, [(young.birth_date, HEAD)], MONTH, NO_AID_DETAILS)
    assert person.young_parent
    assert person.requirement == "all_family"
    twenty = _Someone(1, 1, years_ago(20, MONTH), HEAD)
    assert not person_for(twenty, [(twenty.birth_date, HEAD)], MONTH, NO_AID_DETAILS).young_parent


def test_a_partner_under_20_is_a_young_parent_and_a_young_child_of_the_family_is_not():
    partner = _Someone(2, 1, years_ago(19, MONTH), PARTNER)
    household = [(ADULT.birth_date, HEAD), (partner.birth_date, PARTNER)]
    assert person_for(partner, household, MONTH, NO_AID_DETAILS).young_parent
    teen = _Someone(3, 1, years_ago(18, MONTH), Member.Relationship.RELATIVE)
    assert not person_for(teen, household, MONTH, NO_AID_DETAILS).young_parent


def test_person_for_passes_on_the_minimum_wage_limit():
    limit = MinimumWageLimit(Decimal("290"), Decimal("145"))
    person = person_for(ADULT, [(ADULT.birth_date, HEAD)], MONTH, (False, limit))
    assert person.flsa == limit
    assert person_for(ADULT, [(ADULT.birth_date, HEAD)], MONTH, NO_AID_DETAILS).flsa is None


def test_the_minimum_wage_limit_is_the_familys():
    """A parent whose month lacks the grant takes the other parent's: one limit a family."""
    rows = [
        (1, False, Decimal("290"), Decimal("145"), None),
        (2, True, None, None, None),
        (3, False, None, None, None),
    ]
    limits = _family_limits(rows, {1: 10, 2: 10, 3: 11})
    family = MinimumWageLimit(Decimal("290"), Decimal("145"))
    assert limits == {1: (False, family), 2: (True, family), 3: (False, None)}


def test_a_child_not_yet_born_in_the_month_does_not_make_it_a_month_with_a_child_under_six():
    # The family "as it was that month" had no child: the baby was born in November.
    household = [(ADULT.birth_date, HEAD), (date(2026, 11, 5), CHILD)]
    assert requirement(household, month=date(2026, 9, 1)) == "all_family"


# --- The requirement, from the household in the database ------------------------------------


@pytest.mark.django_db
def test_the_stored_requirement_follows_the_household(world):
    case, month = world.case, last_month()
    aid = on_aid(case, month)
    family = Participant.objects.filter(pk=case.pk)
    count_month(month, family)
    assert result(case, month).requirement == "all_family"

    add_child(world, case.household, years_ago(2))
    count_month(month, family)
    assert result(case, month).requirement == "single_parent_child_under_six"
    assert float(result(case, month).required_weekly_hours) == 20

    add_partner(world, case.household, participant=False)
    count_month(month, family)
    assert result(case, month).requirement == "two_parent"

    actions.change_aid_month(
        Actor(world.coach), aid, actions.MonthOnAid(federally_funded_child_care=True), aid.version
    )  # counts the month again itself
    assert result(case, month).requirement == "two_parent_federal_child_care"
    assert float(result(case, month).required_weekly_hours) == 55


@pytest.mark.django_db
def test_a_baby_born_now_does_not_change_an_earlier_months_requirement(world):
    case, month = world.case, month_before()
    add_child(world, case.household, timezone.localdate())
    add_hours(world, case, weekdays(month)[0], 3, WorkActivity.UNSUBSIDIZED_EMPLOYMENT)
    assert result(case, month).requirement == "all_family"


@pytest.mark.django_db
def test_a_head_under_20_in_school_is_engaged_in_work(world):
    month = last_month()
    young = another_case(world, 99, "Young", birth_date=years_ago(19, month))
    add_hours(world, young, weekdays(month)[0], 4, WorkActivity.SCHOOL_ATTENDANCE)
    counted = result(young, month)
    assert counted.meets_rate
    assert reason(counted, "deemed_young_parent") is not None
    # An older head with the same hours falls short.
    add_hours(world, world.case, weekdays(month)[0], 4, WorkActivity.SCHOOL_ATTENDANCE)
    assert not result(world.case, month).meets_rate


# --- Hours, and counting again after a change ------------------------------------------------


@pytest.mark.django_db
def test_verified_hours_are_counted_for_their_month(world):
    month = last_month()
    day = weekdays(month)[2]
    entry = add_hours(world, world.case, day, "7.5", WorkActivity.UNSUBSIDIZED_EMPLOYMENT)
    assert entry.verification == HoursEntry.Verification.VERIFIED
    counted = result(world.case, month)
    assert counted.countable_hours == Decimal("7.50")
    assert counted.core_hours == Decimal("7.50")
    assert counted.by_activity == {
        "unsubsidized_employment": {"reported": 7.5, "participation": 7.5}
    }
    assert counted.weekly_average == Decimal("1.73")
    assert counted.requirement == "all_family"
    assert counted.step == MonthResult.Step.SOME
    assert not counted.meets_rate
    # Each month from the one touched to this one is counted.
    assert set(
        MonthResult.objects.filter(participant=world.case).values_list("month", flat=True)
    ) == {
        month,
        this_month(),
    }
    assert result(world.case, this_month()).countable_hours == 0


@pytest.mark.django_db
def test_a_participants_own_hours_count_once_verified(world):
    month = last_month()
    day = weekdays(month)[0]
    entry = add_hours(world, world.case, day, 6, actor=world.participant_user)
    assert entry.verification == HoursEntry.Verification.REPORTED
    counted = result(world.case, month)
    assert counted.countable_hours == 0
    assert reason(counted, "not_verified") == {"code": "not_verified", "hours": 6.0}

    checked = actions.verify_hours(
        Actor(world.coach), entry, HoursEntry.Verification.VERIFIED, entry.version
    )
    assert checked.verified_by == world.coach
    counted = result(world.case, month)
    assert counted.countable_hours == 6
    assert reason(counted, "not_verified") is None


@pytest.mark.django_db
def test_hours_that_could_not_be_verified_do_not_count(world):
    month = last_month()
    entry = add_hours(world, world.case, weekdays(month)[0], 6, actor=world.participant_user)
    actions.verify_hours(
        Actor(world.coach), entry, HoursEntry.Verification.NOT_VERIFIED, entry.version
    )
    assert result(world.case, month).countable_hours == 0
    assert reason(result(world.case, month), "not_verified")["hours"] == 6


@pytest.mark.django_db
def test_removing_hours_counts_the_month_again(world):
    month = last_month()
    days = weekdays(month)
    first = add_hours(world, world.case, days[0], 8, WorkActivity.UNSUBSIDIZED_EMPLOYMENT)
    add_hours(world, world.case, days[1], 5, WorkActivity.UNSUBSIDIZED_EMPLOYMENT)
    assert result(world.case, month).countable_hours == 13
    actions.remove_hours(Actor(world.coach), first, first.version)
    assert result(world.case, month).countable_hours == 5
    assert not HoursEntry.objects.filter(pk=first.pk).exists()


@pytest.mark.django_db
def test_a_plan_decides_which_absences_count(world):
    month = last_month()
    days = weekdays(month)
    add_hours(world, world.case, days[3], 4, WorkActivity.WORK_EXPERIENCE, kind="excused")
    counted = result(world.case, month)
    assert counted.countable_hours == 0
    assert reason(counted, "unscheduled_absence")["hours"] == 4

    # 20 hours a week over Monday to Friday: 4 scheduled each day, so the absence is excused.
    plan = actions.add_plan(
        Actor(world.coach),
        world.case,
        actions.Plan(
            activity(world, WorkActivity.WORK_EXPERIENCE),
            month_before(),
            Decimal("20"),
            (0, 1, 2, 3, 4),
        ),
    )
    counted = result(world.case, month)
    assert counted.countable_hours == 4
    assert counted.by_activity["work_experience"]["excused"] == 4

    actions.end_plan(Actor(world.coach), plan, days[0], plan.version)
    assert result(world.case, month).countable_hours == 0


@pytest.mark.django_db
def test_counting_a_month_again_changes_nothing(world):
    case = world.case
    for day in weekdays(month_before())[:12] + weekdays(last_month())[:6]:
        add_hours(world, case, day, 6)
    for day in weekdays(last_month())[6:9]:
        add_hours(world, case, day, 8, WorkActivity.COMMUNITY_SERVICE)
    before = snapshot(case)
    assert set(before) == {month_before(), last_month(), this_month()}

    family = Participant.objects.filter(pk=case.pk)
    count_month(last_month(), family)
    count_month(last_month(), family)
    assert snapshot(case) == before
    recount_participant(case, month_before())
    recount_participant(case, month_before())
    assert snapshot(case) == before
    assert MonthResult.objects.filter(participant=case).count() == 3


def job_search_counted(month_result: MonthResult) -> float:
    return month_result.by_activity.get("job_search", {}).get("participation", 0.0)


@pytest.mark.django_db
def test_job_search_in_an_earlier_month_leaves_less_for_the_next(world):
    case, earlier, later = world.case, month_before(), last_month()
    for day in weekdays(later):
        add_hours(world, case, day, 6)
    alone = result(case, later)
    used_alone = reason(alone, "job_search_used")["weeks_used"]

    # Now the month before, entered late: adding it counts the later month again.
    for day in weekdays(earlier):
        add_hours(world, case, day, 6)
    first = result(case, earlier)
    after = result(case, later)

    # At least four weeks of job search counted the month before (96 hours or more) ...
    assert job_search_counted(first) >= 96
    # ... so no more than the rest of the six weeks (180 hours, 45 CFR 261.34) is left.
    assert job_search_counted(first) + job_search_counted(after) <= 180
    assert job_search_counted(after) < job_search_counted(alone)
    assert reason(after, "job_search_used")["weeks_used"] > used_alone
    assert reason(after, "job_search_used")["weeks_used"] <= 6
    dropped = {item["code"] for item in after.reasons} & {
        "job_search_limit",
        "job_search_consecutive",
    }
    assert dropped
    # The weeks the later month spent carry on in its usage.
    weeks = after.usage["job_search_weeks"]
    assert str(monday_of(weekdays(earlier)[0])) in weeks
    assert sum(weeks.values()) == pytest.approx(
        job_search_counted(first) + job_search_counted(after)
    )


@pytest.mark.django_db
def test_removing_an_earlier_months_hours_gives_the_later_month_back(world):
    case, earlier, later = world.case, month_before(), last_month()
    for day in weekdays(later):
        add_hours(world, case, day, 6)
    alone = snapshot(case)[later]
    earlier_entries = [add_hours(world, case, day, 6) for day in weekdays(earlier)]
    assert snapshot(case)[later] != alone
    for entry in earlier_entries:
        entry.refresh_from_db()
        actions.remove_hours(Actor(world.coach), entry, entry.version)
    assert snapshot(case)[later] == alone


# --- Two parents, both participants ----------------------------------------------------------


def two_parent_family(world, month: date) -> tuple[Participant, Participant]:
    head = world.case
    partner = add_partner(world, head.household)
    on_aid(head, month)
    on_aid(partner, month)
    return head, partner


def work(world, person, days, hours_a_day):
    for day in days:
        add_hours(world, person, day, hours_a_day, WorkActivity.UNSUBSIDIZED_EMPLOYMENT)


@pytest.mark.django_db
def test_two_parents_meet_the_two_parent_rate_together(world):
    month = last_month()
    head, partner = two_parent_family(world, month)
    days = weekdays(month)
    # 88 and 72 hours: 20.3 and 16.6 hours a week, 36.95 together (35 needed, 45 CFR 261.32).
    work(world, head, days[:11], 8)
    assert not result(head, month).meets_rate
    work(world, partner, days[11:20], 8)

    assert count_everyone(month, Participant.objects.all()) == 2
    for person in (head, partner):
        counted = result(person, month)
        assert counted.requirement == "two_parent"
        assert counted.meets_rate
        assert reason(counted, "family_together")["weekly"] == pytest.approx(36.95)
        assert reason(counted, "meets")["weekly"] == pytest.approx(36.95)
    assert result(head, month).countable_hours == 88
    assert result(partner, month).countable_hours == 72

    # Neither alone meets it.
    for person in (head, partner):
        count_month(month, Participant.objects.filter(pk=person.pk))
        counted = result(person, month)
        assert counted.requirement == "two_parent"
        assert not counted.meets_rate
        assert reason(counted, "family_together") is None


@pytest.mark.django_db
def test_an_action_counts_the_other_parent_too(world):
    month = last_month()
    head, partner = two_parent_family(world, month)
    days = weekdays(month)
    work(world, head, days[:11], 8)
    work(world, partner, days[11:20], 8)
    # add_hours for the partner counted the family: the head's month meets without count_everyone.
    assert result(head, month).meets_rate
    assert result(partner, month).meets_rate


@pytest.mark.django_db
def test_a_family_stays_in_one_batch(world):
    month = last_month()
    head, partner = two_parent_family(world, month)
    days = weekdays(month)
    work(world, head, days[:11], 8)
    work(world, partner, days[11:20], 8)
    on_aid(world.other_case, month)  # a family of one, in the next household
    MonthResult.objects.all().delete()
    calls: list[tuple[int, int]] = []
    done = count_everyone(
        month, Participant.objects.all(), lambda done, total: calls.append((done, total)), 1
    )
    assert done == 3
    assert calls == [(2, 3), (3, 3)]  # batches of one person, but the parents together
    assert result(head, month).meets_rate and result(partner, month).meets_rate
    assert MonthResult.objects.filter(month=month).count() == 3


@pytest.mark.django_db
def test_two_parents_with_federal_child_care_need_55_hours_together(world):
    month = last_month()
    head, partner = two_parent_family(world, month)
    for aid in AidMonth.objects.filter(month=month):
        actions.change_aid_month(
            Actor(world.coach),
            aid,
            actions.MonthOnAid(federally_funded_child_care=True),
            aid.version,
        )
    days = weekdays(month)
    work(world, head, days[:11], 8)
    work(world, partner, days[11:20], 8)
    count_everyone(month, Participant.objects.all())
    for person in (head, partner):
        counted = result(person, month)
        assert counted.requirement == "two_parent_federal_child_care"
        assert not counted.meets_rate  # 36.95 of 55 hours a week


# --- Counting everyone -----------------------------------------------------------------------


@pytest.mark.django_db
def test_count_everyone_counts_only_people_on_aid_that_month(world):
    month = last_month()
    on_aid(world.case, month)
    on_aid(world.other_case, month_before())
    calls = []
    done = count_everyone(month, Participant.objects.all(), lambda *pair: calls.append(pair))
    assert done == 1
    assert calls == [(1, 1)]
    assert list(MonthResult.objects.values_list("participant_id", "month")) == [
        (world.case.pk, month)
    ]


@pytest.mark.django_db
def test_count_everyone_counts_the_participants_it_is_given(world):
    month = last_month()
    on_aid(world.case, month)
    on_aid(world.other_case, month)
    assert count_everyone(month, Participant.objects.filter(county=world.other_county)) == 1
    assert list(MonthResult.objects.values_list("participant_id", flat=True)) == [
        world.other_case.pk
    ]


@pytest.mark.django_db
def test_count_everyone_with_no_one_on_aid(world):
    calls = []
    assert count_everyone(last_month(), Participant.objects.all(), calls.append) == 0
    assert calls == []
    assert not MonthResult.objects.exists()


@pytest.mark.django_db
def test_count_everyone_reports_progress_batch_by_batch(world):
    month = last_month()
    cases = [another_case(world, n, "Batch") for n in range(2, 11)]
    for case in [world.case, *cases]:
        on_aid(case, month)
    calls: list[tuple[int, int]] = []
    assert (
        count_everyone(month, Participant.objects.all(), lambda *pair: calls.append(pair), 3) == 10
    )
    assert calls == [(3, 10), (6, 10), (9, 10), (10, 10)]
    assert MonthResult.objects.filter(month=month).count() == 10


def _count_everyone_queries(month: date) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        done = count_everyone(month, Participant.objects.all())
    return done, len(data_queries(captured))


@pytest.mark.django_db
def test_count_everyone_takes_the_same_queries_for_10_and_50_people(world):
    few, many = month_before(), last_month()
    cases = [world.case] + [another_case(world, n, "Many") for n in range(2, 51)]
    AidMonth.objects.bulk_create(
        [AidMonth(participant=case, month=few, program=world.program) for case in cases[:10]]
        + [AidMonth(participant=case, month=many, program=world.program) for case in cases]
    )
    # Hours of each kind for a few people in both months, and an absence a plan excuses.
    actions.add_plan(
        Actor(world.coach),
        cases[0],
        actions.Plan(
            activity(world, WorkActivity.WORK_EXPERIENCE), few, Decimal("20"), (0, 1, 2, 3, 4)
        ),
    )
    for month in (few, many):
        days = weekdays(month)
        add_hours(world, cases[0], days[0], 4, WorkActivity.WORK_EXPERIENCE, kind="excused")
        add_hours(world, cases[1], days[0], 6)
        add_hours(world, cases[2], days[1], 8, WorkActivity.UNSUBSIDIZED_EMPLOYMENT)
    add_partner(
        world, cases[0].household, participant=False
    )  # a two-parent family with one participant on aid

    assert _count_everyone_queries(few) == (10, _count_everyone_queries(many)[1])
    assert _count_everyone_queries(many)[0] == 50
    assert MonthResult.objects.filter(month=many).count() >= 50
    assert result(cases[0], many).by_activity["work_experience"]["excused"] == 4


# --- Bugs found ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lifetime_limit_on_vocational_training_survives_a_year_off_aid(world):
    case, now = world.case, this_month()
    first, last = add_months(now, -27), add_months(now, -16)
    training = activity(world, WorkActivity.VOCATIONAL_TRAINING)
    # Twelve months of training two years ago, entered (and counted) back then.
    HoursEntry.objects.bulk_create(
        HoursEntry(
            participant=case,
            activity=training,
            day=add_months(first, n) + timedelta(days=3),
            hours=Decimal("20"),
            verification=HoursEntry.Verification.VERIFIED,
        )
        for n in range(12)
    )
    recount_participant(case, first, through=last)
    assert result(case, last).usage["vocational_months"] == 12
    assert reason(result(case, last), "vocational_limit") is None

    # Back on aid after fifteen months away, in training again.
    add_hours(world, case, weekdays(last_month())[0], 6, WorkActivity.VOCATIONAL_TRAINING)
    counted = result(case, last_month())
    assert counted.countable_hours == 0
    assert reason(counted, "vocational_limit") == {
        "code": "vocational_limit",
        "hours": 6.0,
        "cite": "45 CFR 261.33(a)",
    }


@pytest.mark.django_db
def test_counting_everyone_agrees_with_the_actions_for_a_family(world):
    month = last_month()
    head = world.case
    partner = add_partner(world, head.household)
    on_aid(head, month)  # the partner has no month on aid recorded for it
    days = weekdays(month)
    work(world, head, days[:11], 8)
    work(world, partner, days[11:20], 8)
    after_actions = snapshot(head)[month]
    count_everyone(month, Participant.objects.all())
    assert snapshot(head)[month] == after_actions


@pytest.mark.django_db
def test_a_result_never_meets_a_requirement_it_falls_short_of(world):
    month = last_month()
    head, partner = two_parent_family(world, month)
    aid = AidMonth.objects.get(participant=partner, month=month)
    actions.change_aid_month(
        Actor(world.coach), aid, actions.MonthOnAid(federally_funded_child_care=True), aid.version
    )
    days = weekdays(month)
    work(world, head, days[:11], 8)
    work(world, partner, days[11:20], 8)
    count_everyone(month, Participant.objects.all())
    for person in (head, partner):
        counted = result(person, month)
        together = reason(counted, "family_together")
        assert together is not None
        assert counted.meets_rate == (together["weekly"] >= counted.required_weekly_hours), (
            counted.requirement
        )


@pytest.mark.django_db
def test_the_monthly_count_goes_on_past_a_family_whose_hours_the_rules_refuse(world):
    """An entry whose activity code the rules do not know stops only its family's count."""
    month = last_month()
    on_aid(world.case, month)
    on_aid(world.other_case, month)
    entry = add_hours(world, world.case, month, 4)
    retired = Activity.objects.create(
        county=world.county, name="Retired", federal_activity="retired_code"
    )
    HoursEntry.objects.filter(pk=entry.pk).update(activity=retired)
    MonthResult.objects.all().delete()
    refused = []
    count_everyone(
        month,
        Participant.objects.all(),
        on_refused=lambda pk, error: refused.append((pk, error.code)),
    )
    assert refused == [(world.case.pk, "unknown_activity")]
    assert list(MonthResult.objects.values_list("participant_id", flat=True)) == [
        world.other_case.pk
    ]
    with pytest.raises(NotCounted) as not_counted:
        count_everyone(month, Participant.objects.all())
    assert "activity" in not_counted.value.error_dict
