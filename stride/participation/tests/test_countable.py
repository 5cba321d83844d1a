"""The countable-hours engine, checked against the federal rules it applies.

The first part works through examples built from the rules themselves
(45 CFR 261.31 to 261.35 and 261.60); the second part states properties that
must hold for any month of entries and checks them with Hypothesis. The
engine is plain Python, so no database is involved.
"""

import copy
import json
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stride.participation.countable import (
    Entry,
    MinimumWageLimit,
    MonthCount,
    Person,
    Refused,
    Usage,
    add_months,
    combine_family,
    count_month,
    monday_of,
    weeks_in,
)
from stride.participation.rules import participation_rules

RULES = participation_rules()
WEEKS = RULES.weeks_per_month

# February 2021 begins on a Monday and has exactly four weeks; March 2021
# also begins on a Monday and runs into a fifth week.
FEB21 = date(2021, 2, 1)
MAR21 = date(2021, 3, 1)

ALL_FAMILY = Person("all_family")
UNDER_SIX = Person("single_parent_child_under_six")
TWO_PARENT = Person("two_parent")
TWO_PARENT_CHILD_CARE = Person("two_parent_federal_child_care")

NON_CORE = ("job_skills_training", "education_for_work", "school_attendance")
ACTIVITIES = sorted(RULES.core_activities | set(NON_CORE) | {"other"})
COUNTED_KINDS = ("participation", "excused", "holiday")


def monthly(weekly: float) -> float:
    """The month's hours that make the given weekly average."""
    return round(weekly * WEEKS, 2)


def spread(entries: list[Entry], month: date) -> list[Entry]:
    """The examples write a month's hours on one day; the engine takes at most 24 a day.

    Hours beyond a day's 24 go to the next days of the same week (Monday to
    Sunday) in the month, then to the month's other days, in order, so the
    week an hour falls in stays the same whenever it can.
    """
    load: dict[date, float] = defaultdict(float)
    spread_out = []
    last = add_months(month, 1) - timedelta(days=1)
    for entry in entries:
        if load[entry.day] + entry.hours <= 24:
            load[entry.day] += entry.hours
            spread_out.append(entry)
            continue
        week = [monday_of(entry.day) + timedelta(days=n) for n in range(7)]
        days = [day for day in week if month <= day <= last and day >= entry.day]
        days += [day for day in week if month <= day < entry.day]
        days += [
            month + timedelta(days=n)
            for n in range(last.day)
            if month.replace(day=n + 1) not in days
        ]
        left = entry.hours
        for day in days:
            piece = min(left, 24 - load[day])
            if piece <= 0:
                continue
            share = piece / entry.hours
            spread_out.append(
                replace(entry, day=day, hours=piece, scheduled=entry.scheduled * share)
            )
            load[day] += piece
            left -= piece
            if left <= 1e-9:
                break
    return spread_out


def count(
    entries: list[Entry],
    person: Person = ALL_FAMILY,
    month: date = FEB21,
    previous: Usage | None = None,
) -> MonthCount:
    return count_month(RULES, month, person, spread(entries, month.replace(day=1)), previous)


def codes(result: MonthCount) -> list[str]:
    return [reason["code"] for reason in result.reasons]


def reason(result: MonthCount, code: str) -> dict:
    found = [item for item in result.reasons if item["code"] == code]
    assert len(found) == 1, f"expected one {code!r} reason in {codes(result)}"
    return found[0]


def counted(result: MonthCount, activity: str, kind: str | None = None) -> float:
    hours = result.by_activity.get(activity, {})
    if kind is not None:
        return hours.get(kind, 0.0)
    return sum(hours.get(each, 0.0) for each in COUNTED_KINDS)


def job_search_days(monday: date, days: int, hours: float) -> list[Entry]:
    return [Entry(monday + timedelta(days=offset), "job_search", hours) for offset in range(days)]


def job_search_limit(person: Person) -> float:
    week = (
        RULES.job_search_week_hours_under_six
        if person.requirement == "single_parent_child_under_six"
        else RULES.job_search_week_hours
    )
    weeks = RULES.job_search_needy_weeks if person.needy_state else RULES.job_search_weeks
    return week * weeks


# --- The rules file itself -------------------------------------------------


def test_the_rules_file_holds_the_federal_numbers():
    """The numbers the examples below rely on, as 45 CFR part 261 sets them."""
    hours = {code: (r.weekly_hours, r.core_hours) for code, r in RULES.requirements.items()}
    assert hours == {
        "all_family": (30, 20),
        "single_parent_child_under_six": (20, 20),
        "two_parent": (35, 30),
        "two_parent_federal_child_care": (55, 50),
    }
    assert job_search_limit(ALL_FAMILY) == 180
    assert job_search_limit(UNDER_SIX) == 120
    assert job_search_limit(Person("all_family", needy_state=True)) == 360
    assert RULES.excused_hours_a_month == 16
    assert RULES.excused_hours_a_year == 80
    assert RULES.holidays_a_year == 10
    assert RULES.vocational_months == 12
    assert RULES.ladder == {"some": 0.01, "substantial": 0.5, "full": 1.0}
    assert not RULES.core_activities & set(NON_CORE)


# --- 261.31: the all-family rate ------------------------------------------


def test_all_family_thirty_hours_with_twenty_core_meets():
    """261.31: an average of 30 hours a week counts when at least 20 of them
    come from core activities; the rest may come from job skills training."""
    result = count(
        [
            Entry(date(2021, 2, 10), "work_experience", monthly(25)),
            Entry(date(2021, 2, 11), "job_skills_training", monthly(10)),
        ]
    )
    assert result.meets
    assert result.requirement.code == "all_family"
    assert result.core_hours == pytest.approx(monthly(25))
    assert result.non_core_hours == pytest.approx(monthly(10))
    assert result.countable_hours == pytest.approx(monthly(35))
    assert result.weekly_average == pytest.approx(35)
    assert result.step == "full"
    assert reason(result, "requirement")["rule"] == "all_family"
    assert reason(result, "requirement")["cite"] == "45 CFR 261.31"
    assert reason(result, "meets")["weekly"] == pytest.approx(35)
    assert "non_core_waiting" not in codes(result)


def test_all_family_exactly_twenty_core_hours_unlock_the_non_core_hours():
    """261.31: twenty core hours a week is enough for the other ten to count."""
    result = count(
        [
            Entry(date(2021, 2, 10), "community_service", monthly(20)),
            Entry(date(2021, 2, 11), "education_for_work", monthly(10)),
        ]
    )
    assert result.meets
    assert result.weekly_average == pytest.approx(30)


def test_all_family_too_few_core_hours_leave_the_non_core_hours_waiting():
    """261.31: 35 hours a week do not meet the rate when only 15 are core; the
    20 hours of non-core activity do not count and the reasons say why."""
    result = count(
        [
            Entry(date(2021, 2, 10), "work_experience", monthly(15)),
            Entry(date(2021, 2, 11), "job_skills_training", monthly(20)),
        ]
    )
    assert not result.meets
    assert result.weekly_average == pytest.approx(15)
    assert result.countable_hours == pytest.approx(monthly(15))
    # The non-core hours are kept, for a second parent's core hours to unlock.
    assert result.non_core_hours == pytest.approx(monthly(20))
    waiting = reason(result, "non_core_waiting")
    assert waiting["hours"] == pytest.approx(monthly(20))
    assert waiting["cite"] == RULES.non_core_cite
    assert reason(result, "short_of")["hours_a_week"] == pytest.approx(15)
    assert result.step == "substantial"


def test_all_family_thirty_core_hours_alone_meet():
    """261.31: core hours can make up the whole 30."""
    result = count([Entry(date(2021, 2, 10), "subsidized_private", monthly(30))])
    assert result.meets
    assert result.non_core_hours == 0


# --- 261.35: single custodial parent of a child under six -----------------


def test_single_parent_of_a_child_under_six_meets_with_twenty_core_hours():
    """261.35: such a parent meets the rate with an average of 20 hours a week."""
    result = count([Entry(date(2021, 2, 10), "unsubsidized_employment", monthly(20))], UNDER_SIX)
    assert result.meets
    assert result.requirement.code == "single_parent_child_under_six"
    assert reason(result, "requirement")["rule"] == "single_parent_child_under_six"
    assert reason(result, "requirement")["weekly"] == 20


def test_single_parent_of_a_child_under_six_needs_the_twenty_hours_in_core():
    """261.35: the 20 hours must be core hours; non-core hours do not fill the gap."""
    result = count(
        [
            Entry(date(2021, 2, 10), "unsubsidized_employment", monthly(19)),
            Entry(date(2021, 2, 11), "job_skills_training", monthly(10)),
        ],
        UNDER_SIX,
    )
    assert not result.meets
    assert result.weekly_average == pytest.approx(19)
    assert reason(result, "non_core_waiting")["hours"] == pytest.approx(monthly(10))


# --- 261.32: two-parent families -------------------------------------------


def two_parents(person: Person, first: list[Entry], second: list[Entry]) -> list[MonthCount]:
    return combine_family(RULES, [count(first, person), count(second, person)])


def test_two_parents_meet_thirty_five_hours_together():
    """261.32(a): the parents' hours are added; 35 a week with 30 core meets."""
    alone = count([Entry(date(2021, 2, 10), "work_experience", monthly(20))], TWO_PARENT)
    assert not alone.meets
    family = two_parents(
        TWO_PARENT,
        [Entry(date(2021, 2, 10), "work_experience", monthly(20))],
        [Entry(date(2021, 2, 11), "community_service", monthly(15))],
    )
    for parent in family:
        assert parent.meets
        assert parent.step == "full"
        assert reason(parent, "family_together")["weekly"] == pytest.approx(35)
        assert reason(parent, "family_together")["cite"] == "45 CFR 261.32(a)"
        assert "short_of" not in codes(parent)
        assert reason(parent, "meets")["weekly"] == pytest.approx(35)


def test_one_parents_core_hours_unlock_the_others_non_core_hours():
    """261.32(a): 30 core hours between the parents let the non-core hours count,
    though the second parent's own core hours would not have."""
    family = two_parents(
        TWO_PARENT,
        [Entry(date(2021, 2, 10), "work_experience", monthly(20))],
        [
            Entry(date(2021, 2, 11), "community_service", monthly(10)),
            Entry(date(2021, 2, 12), "job_skills_training", monthly(5)),
        ],
    )
    assert all(parent.meets for parent in family)
    assert reason(family[0], "family_together")["weekly"] == pytest.approx(35)


def test_two_parents_short_of_thirty_core_hours_do_not_meet():
    """261.32(a): 35 hours a week with only 25 core fall short; the non-core wait."""
    family = two_parents(
        TWO_PARENT,
        [Entry(date(2021, 2, 10), "work_experience", monthly(25))],
        [Entry(date(2021, 2, 11), "job_skills_training", monthly(10))],
    )
    for parent in family:
        assert not parent.meets
        assert reason(parent, "family_together")["weekly"] == pytest.approx(25)
        assert reason(parent, "short_of")["hours_a_week"] == pytest.approx(10)
        assert "meets" not in codes(parent)


def test_two_parents_with_federally_funded_child_care_need_fifty_five_hours():
    """261.32(e) and (f): with federally funded child care the family needs 55
    hours a week, 50 of them core (261.32(b) is the list of core activities)."""
    meets = two_parents(
        TWO_PARENT_CHILD_CARE,
        [Entry(date(2021, 2, 10), "unsubsidized_employment", monthly(30))],
        [
            Entry(date(2021, 2, 11), "work_experience", monthly(20)),
            Entry(date(2021, 2, 12), "education_for_work", monthly(5)),
        ],
    )
    assert all(parent.meets for parent in meets)
    assert reason(meets[0], "family_together")["cite"] == "45 CFR 261.32(e), (f)"

    short = two_parents(
        TWO_PARENT_CHILD_CARE,
        [Entry(date(2021, 2, 10), "unsubsidized_employment", monthly(30))],
        [
            Entry(date(2021, 2, 11), "work_experience", monthly(15)),
            Entry(date(2021, 2, 12), "education_for_work", monthly(10)),
        ],
    )
    assert not any(parent.meets for parent in short)
    assert reason(short[0], "family_together")["weekly"] == pytest.approx(45)


def test_thirty_five_hours_are_not_enough_with_federal_child_care():
    """261.32(b): what meets 261.32(a) is short once the child care is federally funded."""
    family = two_parents(
        TWO_PARENT_CHILD_CARE,
        [Entry(date(2021, 2, 10), "work_experience", monthly(20))],
        [Entry(date(2021, 2, 11), "community_service", monthly(15))],
    )
    assert not any(parent.meets for parent in family)


# --- 261.34: job search and job readiness -----------------------------------


def four_weeks_of_job_search(daily: float = 10) -> list[Entry]:
    """Monday to Friday job search in each of February 2021's four weeks."""
    return [
        entry
        for week in range(4)
        for entry in job_search_days(FEB21 + timedelta(weeks=week), 5, daily)
    ]


def test_job_search_counts_for_six_weeks_of_thirty_hours():
    """261.34(a),(c): job search counts for six weeks in twelve months, a week
    being 30 hours, so 180 hours in all."""
    result = count(four_weeks_of_job_search())
    assert counted(result, "job_search") == pytest.approx(180)
    assert result.by_activity["job_search"]["reported"] == pytest.approx(200)
    assert result.usage.job_search_weeks == {
        FEB21: 50,
        FEB21 + timedelta(weeks=1): 50,
        FEB21 + timedelta(weeks=2): 50,
        FEB21 + timedelta(weeks=3): 30,
    }
    assert reason(result, "job_search_limit")["hours"] == pytest.approx(20)
    used = reason(result, "job_search_used")
    assert used["weeks_used"] == 6
    assert used["weeks_allowed"] == 6
    assert used["cite"] == RULES.job_search_cite


def test_job_search_week_is_twenty_hours_for_a_single_parent_of_a_child_under_six():
    """261.34(c): for a single parent of a child under six a week is 20 hours,
    so the six weeks are 120 hours."""
    result = count(four_weeks_of_job_search(), UNDER_SIX)
    assert counted(result, "job_search") == pytest.approx(120)
    assert sum(result.usage.job_search_weeks.values()) == pytest.approx(120)
    assert FEB21 + timedelta(weeks=3) not in result.usage.job_search_weeks
    assert reason(result, "job_search_limit")["hours"] == pytest.approx(80)
    assert reason(result, "job_search_used")["weeks_used"] == 6


def test_job_search_limit_looks_back_twelve_months():
    """261.34(a): hours used in the preceding twelve months count against the
    limit; hours used longer ago do not."""
    recent = Usage(job_search_weeks={FEB21 - timedelta(weeks=n): 30 for n in range(10, 16)})
    spent = count(four_weeks_of_job_search(), previous=recent)
    assert counted(spent, "job_search") == 0
    assert reason(spent, "job_search_limit")["hours"] == pytest.approx(200)
    assert "meets" not in codes(spent)

    old = Usage(job_search_weeks={FEB21 - timedelta(weeks=n): 30 for n in range(60, 66)})
    fresh = count(four_weeks_of_job_search(), previous=old)
    assert counted(fresh, "job_search") == pytest.approx(180)
    # The old weeks fall out of the usage carried forward.
    assert set(fresh.usage.job_search_weeks) == {FEB21 + timedelta(weeks=n) for n in range(4)}


def test_job_search_counts_for_twelve_weeks_in_a_needy_state():
    """261.34(b): in a needy state job search counts for twelve weeks."""
    recent = Usage(job_search_weeks={FEB21 - timedelta(weeks=n): 30 for n in range(10, 16)})
    needy = Person("all_family", needy_state=True)
    result = count(four_weeks_of_job_search(), needy, previous=recent)
    assert counted(result, "job_search") == pytest.approx(180)
    assert sum(result.usage.job_search_weeks.values()) == pytest.approx(360)
    assert reason(result, "job_search_limit")["hours"] == pytest.approx(20)
    used = reason(result, "job_search_used")
    assert used["weeks_allowed"] == 12
    assert used["weeks_used"] == 12


def test_no_fifth_consecutive_week_of_job_search_within_a_month():
    """261.34(d): job search does not count in a week that follows four
    consecutive weeks of it."""
    mondays = [MAR21 + timedelta(weeks=n) for n in range(5)]
    result = count([Entry(day, "job_search", 5) for day in mondays], month=MAR21)
    assert counted(result, "job_search") == pytest.approx(20)
    assert set(result.usage.job_search_weeks) == set(mondays[:4])
    dropped = reason(result, "job_search_consecutive")
    assert dropped["hours"] == pytest.approx(5)
    assert dropped["cite"] == RULES.job_search_cite


def test_no_fifth_consecutive_week_of_job_search_across_months():
    """261.34(d): the four weeks in a row may end in the month before; the
    week after them does not count, the one after that does."""
    february = count([Entry(FEB21 + timedelta(weeks=n), "job_search", 5) for n in range(4)])
    assert len(february.usage.job_search_weeks) == 4
    march = count(
        [Entry(MAR21 + timedelta(weeks=n), "job_search", 5) for n in range(3)],
        month=MAR21,
        previous=february.usage,
    )
    assert counted(march, "job_search") == pytest.approx(10)
    assert MAR21 not in march.usage.job_search_weeks
    assert march.usage.job_search_weeks[MAR21 + timedelta(weeks=1)] == 5
    assert reason(march, "job_search_consecutive")["hours"] == pytest.approx(5)


def test_a_week_without_job_search_breaks_the_run():
    """261.34(d): only consecutive weeks count towards the four."""
    february = count([Entry(FEB21 + timedelta(weeks=n), "job_search", 5) for n in (0, 1, 2)])
    march = count([Entry(MAR21, "job_search", 5)], month=MAR21, previous=february.usage)
    assert counted(march, "job_search") == 5
    assert "job_search_consecutive" not in codes(march)


def test_a_week_split_across_months_is_one_week_of_the_run():
    """261.34(d): the fourth week may straddle the month's end; its days in the
    new month still count, and the next week is the fifth."""
    # 29 September 2025 is a Monday; that week ends in October.
    september = count(
        [Entry(date(2025, 9, day), "job_search", 5) for day in (8, 15, 22, 29)],
        month=date(2025, 9, 1),
    )
    october = count(
        [
            Entry(date(2025, 10, 2), "job_search", 5),
            Entry(date(2025, 10, 6), "job_search", 5),
            Entry(date(2025, 10, 13), "job_search", 5),
        ],
        month=date(2025, 10, 1),
        previous=september.usage,
    )
    weeks = october.usage.job_search_weeks
    assert weeks[date(2025, 9, 29)] == 10
    assert date(2025, 10, 6) not in weeks
    assert weeks[date(2025, 10, 13)] == 5
    assert reason(october, "job_search_consecutive")["hours"] == pytest.approx(5)


def test_a_short_week_of_job_search_counts_as_a_full_week():
    """261.34(e): once a year, three days of job search in a week count as a
    full five-day week, at the average hours of those days, when that brings
    the month up to the full hours."""
    entries = [*job_search_days(FEB21, 3, 8), Entry(date(2021, 2, 20), "work_experience", 98)]
    result = count(entries)
    assert result.meets
    assert result.usage.short_week == FEB21
    assert reason(result, "short_week") == {
        "code": "short_week",
        "week": "2021-02-01",
        "hours": 16,
        "cite": RULES.job_search_cite,
    }
    assert counted(result, "job_search") == pytest.approx(40)
    assert result.countable_hours == pytest.approx(138)
    assert result.usage.job_search_weeks == {FEB21: 40}


def test_a_four_day_week_of_job_search_gets_one_more_day():
    """261.34(e): four days in the week count as five at their average."""
    entries = [*job_search_days(FEB21, 4, 6), Entry(date(2021, 2, 20), "work_experience", 100)]
    result = count(entries)
    assert result.meets
    assert reason(result, "short_week")["hours"] == pytest.approx(6)
    assert counted(result, "job_search") == pytest.approx(30)


def test_a_short_week_is_not_spent_when_it_would_not_make_the_month():
    """261.34(e): the once-a-year short week is kept when it cannot lift the month."""
    entries = [*job_search_days(FEB21, 3, 8), Entry(date(2021, 2, 20), "work_experience", 50)]
    result = count(entries)
    assert not result.meets
    assert result.usage.short_week is None
    assert "short_week" not in codes(result)
    assert counted(result, "job_search") == pytest.approx(24)


def test_a_short_week_is_not_spent_when_the_month_meets_without_it():
    """261.34(e): a month that meets already leaves the short week unspent."""
    entries = [*job_search_days(FEB21, 3, 8), Entry(date(2021, 2, 20), "work_experience", 130)]
    result = count(entries)
    assert result.meets
    assert result.usage.short_week is None
    assert counted(result, "job_search") == pytest.approx(24)


@pytest.mark.parametrize("days", [1, 2, 5])
def test_only_three_or_four_days_make_a_short_week(days):
    """261.34(e): the short week is for three or four days of job search."""
    entries = [*job_search_days(FEB21, days, 8), Entry(date(2021, 2, 20), "work_experience", 80)]
    result = count(entries)
    assert not result.meets
    assert result.usage.short_week is None
    assert counted(result, "job_search") == pytest.approx(8 * days)


def test_a_short_week_counts_once_in_twelve_months():
    """261.34(e): a short week used in the last twelve months is not granted
    again; one used longer ago is."""
    entries = [*job_search_days(FEB21, 3, 8), Entry(date(2021, 2, 20), "work_experience", 98)]
    recent = count(entries, previous=Usage(short_week=FEB21 - timedelta(weeks=26)))
    assert not recent.meets
    assert "short_week" not in codes(recent)
    assert recent.usage.short_week == FEB21 - timedelta(weeks=26)

    long_ago = count(entries, previous=Usage(short_week=FEB21 - timedelta(weeks=60)))
    assert long_ago.meets
    assert long_ago.usage.short_week == FEB21


def test_a_short_week_spent_is_carried_into_the_next_month():
    """261.34(e): the month after a short week was used cannot use another."""
    february = count(
        [*job_search_days(FEB21, 3, 8), Entry(date(2021, 2, 20), "work_experience", 98)]
    )
    assert february.usage.short_week == FEB21
    march = count(
        [*job_search_days(MAR21, 3, 8), Entry(date(2021, 3, 20), "work_experience", 98)],
        month=MAR21,
        previous=february.usage,
    )
    assert not march.meets
    assert march.usage.short_week == FEB21
    assert "short_week" not in codes(march)


def test_a_five_day_week_split_across_months_is_not_a_short_week():
    """261.34(e): the short week is for a week with only three or four days of
    job search; a week with five, two of them in the month before, is not one."""
    september = count(
        [Entry(date(2025, 9, 29), "job_search", 6), Entry(date(2025, 9, 30), "job_search", 6)],
        month=date(2025, 9, 1),
    )
    october = count(
        [
            *(Entry(date(2025, 10, day), "job_search", 6) for day in (1, 2, 3)),
            Entry(date(2025, 10, 10), "work_experience", 100),
        ],
        month=date(2025, 10, 1),
        previous=september.usage,
    )
    assert "short_week" not in codes(october)
    assert october.usage.job_search_weeks[date(2025, 9, 29)] == pytest.approx(30)
    assert not october.meets


def test_a_zero_hour_job_search_entry_does_not_shrink_a_short_week():
    """261.34(e): three days of job search make a short week whether or not a
    fourth day was entered with no hours."""
    base = [*job_search_days(FEB21, 3, 8), Entry(date(2021, 2, 20), "work_experience", 98)]
    with_empty_day = count([*base, Entry(date(2021, 2, 4), "job_search", 0)])
    assert with_empty_day.meets
    assert with_empty_day == count(base)


# --- 261.60(b): excused absences and holidays ------------------------------


def absence(day: date, hours: float = 8, scheduled: float = 8, **fields) -> Entry:
    fields.setdefault("activity", "work_experience")
    return Entry(day, fields.pop("activity"), hours, kind="excused", scheduled=scheduled, **fields)


def holiday(day: date, hours: float = 6, scheduled: float = 6, **fields) -> Entry:
    fields.setdefault("activity", "community_service")
    return Entry(day, fields.pop("activity"), hours, kind="holiday", scheduled=scheduled, **fields)


def test_an_excused_absence_counts_only_the_hours_scheduled():
    """261.60(b): an excused absence counts only for hours the person was
    scheduled to take part."""
    result = count(
        [
            absence(date(2021, 2, 2), scheduled=8),
            absence(date(2021, 2, 3), scheduled=0),
            absence(date(2021, 2, 4), hours=8, scheduled=5),
        ]
    )
    assert counted(result, "work_experience", "excused") == pytest.approx(13)
    assert result.by_activity["work_experience"]["reported"] == pytest.approx(24)
    unscheduled = reason(result, "unscheduled_absence")
    assert unscheduled["hours"] == pytest.approx(11)
    assert unscheduled["cite"] == RULES.excused_cite
    assert result.usage.excused == {FEB21: 13}


def test_excused_absences_count_for_at_most_sixteen_hours_a_month():
    """261.60(b): no more than 16 hours of excused absence count in a month."""
    result = count([absence(date(2021, 2, day)) for day in (2, 3, 4)])
    assert counted(result, "work_experience", "excused") == pytest.approx(16)
    assert reason(result, "excused_month_cap")["hours"] == pytest.approx(8)
    assert result.usage.excused == {FEB21: 16}


def test_excused_absences_count_for_at_most_eighty_hours_in_twelve_months():
    """261.60(b): no more than 80 hours of excused absence count in twelve
    months; once the oldest month leaves the window, its hours are free again."""
    usage = None
    by_month = []
    for offset in range(13):
        month = add_months(date(2025, 1, 1), offset)
        entries = (
            [absence(month + timedelta(days=3)), absence(month + timedelta(days=4))]
            if offset < 6 or offset == 12
            else []
        )
        result = count(entries, month=month, previous=usage)
        by_month.append(counted(result, "work_experience", "excused"))
        usage = result.usage
        if offset == 5:
            assert reason(result, "excused_year_cap")["hours"] == pytest.approx(16)
            assert "excused_month_cap" not in codes(result)
    assert by_month == [16, 16, 16, 16, 16, 0, 0, 0, 0, 0, 0, 0, 16]
    assert usage is not None
    assert date(2025, 1, 1) not in usage.excused
    assert sum(usage.excused.values()) == pytest.approx(80)


@pytest.mark.parametrize(
    ("entry", "previous"),
    [
        pytest.param(
            absence(date(2021, 2, 2), activity="vocational_training"),
            Usage(vocational_months=12),
            id="vocational-training-past-twelve-months",
        ),
        pytest.param(
            absence(date(2021, 2, 2), activity="job_search"),
            Usage(job_search_weeks={FEB21 - timedelta(weeks=n): 5.0 for n in range(1, 5)}),
            id="fifth-consecutive-week-of-job-search",
        ),
    ],
)
def test_an_absence_that_counts_no_hours_does_not_use_the_excused_allowance(entry, previous):
    """261.60(b): the 16 and 80 hours are of excused absence counted; an absence
    from an activity that cannot count this month should leave them alone."""
    result = count([entry], previous=previous)
    assert counted(result, entry.activity) == 0
    assert result.usage.excused == {}


@pytest.mark.parametrize(
    "activity",
    ["unsubsidized_employment", "subsidized_private", "subsidized_public", "on_the_job_training"],
)
@pytest.mark.parametrize("kind", ["excused", "holiday"])
def test_absences_from_paid_activities_do_not_count(activity, kind):
    """261.60(b): paid leave is counted as hours worked, so the excused-absence
    and holiday allowances do not apply to paid activities."""
    entry = Entry(date(2021, 2, 2), activity, 8, kind=kind, scheduled=8)
    result = count([entry])
    assert counted(result, activity) == 0
    assert result.by_activity[activity]["reported"] == 8
    assert reason(result, "paid_absence")["hours"] == pytest.approx(8)
    assert result.usage.excused == {}
    assert result.usage.holidays == set()


def test_paid_hours_worked_on_a_holiday_count_as_participation():
    """261.60(b): a paid holiday is entered as hours of employment and counts."""
    result = count([Entry(date(2021, 2, 15), "unsubsidized_employment", 8)])
    assert counted(result, "unsubsidized_employment", "participation") == 8


def test_holidays_count_for_at_most_ten_days_in_a_month():
    """261.60(b): up to ten holidays count in a twelve-month period."""
    result = count([holiday(date(2021, 2, day)) for day in range(1, 12)])
    assert counted(result, "community_service", "holiday") == pytest.approx(60)
    assert len(result.usage.holidays) == 10
    cap = reason(result, "holiday_cap")
    assert cap["hours"] == pytest.approx(6)
    assert cap["cite"] == RULES.holidays_cite


def test_a_holiday_is_one_day_whatever_the_activities():
    """261.60(b): the limit is on holidays, so two activities on one holiday use one."""
    result = count(
        [holiday(date(2021, 2, 15)), holiday(date(2021, 2, 15), activity="work_experience")]
    )
    assert counted(result, "community_service", "holiday") == 6
    assert counted(result, "work_experience", "holiday") == 6
    assert result.usage.holidays == {date(2021, 2, 15)}


def test_holidays_are_counted_over_twelve_months():
    """261.60(b): holidays used in the last twelve months count against the ten;
    older ones do not."""
    recent = Usage(holidays={date(2020, month, 1) for month in range(3, 13)})
    capped = count([holiday(date(2021, 2, 15))], previous=recent)
    assert counted(capped, "community_service") == 0
    assert "holiday_cap" in codes(capped)

    old = Usage(holidays={date(2020, 1, day) for day in range(1, 11)})
    allowed = count([holiday(date(2021, 2, 15))], previous=old)
    assert counted(allowed, "community_service", "holiday") == 6
    assert allowed.usage.holidays == {date(2021, 2, 15)}


def test_a_holiday_counts_only_the_hours_scheduled():
    """261.60(b): like an excused absence, a holiday counts the scheduled hours."""
    result = count([holiday(date(2021, 2, 15), hours=8, scheduled=5)])
    assert counted(result, "community_service", "holiday") == 5
    assert reason(result, "unscheduled_absence")["hours"] == pytest.approx(3)


def test_a_holiday_that_counts_no_hours_does_not_use_up_the_allowance():
    """261.60(b): only holidays that count hours should use up the ten a year."""
    unscheduled = count(
        [holiday(date(2021, 1, day), scheduled=0) for day in range(1, 11)],
        month=date(2021, 1, 1),
    )
    assert counted(unscheduled, "community_service") == 0
    assert unscheduled.usage.holidays == set()
    later = count([holiday(date(2021, 2, 15))], previous=unscheduled.usage)
    assert counted(later, "community_service", "holiday") == 6


# --- 261.33(a): vocational educational training ----------------------------


def test_vocational_training_counts_for_twelve_months_in_a_lifetime():
    """261.33(a): vocational educational training counts for no more than
    twelve months in a person's life, carried from month to month."""
    usage = None
    month = date(2020, 1, 1)
    for number in range(1, 14):
        entries = [
            Entry(month + timedelta(days=5), "vocational_training", 40),
            Entry(month + timedelta(days=6), "work_experience", 10),
        ]
        result = count(entries, month=month, previous=usage)
        if number <= 12:
            assert counted(result, "vocational_training") == 40
            assert result.usage.vocational_months == number
        else:
            assert counted(result, "vocational_training") == 0
            assert result.usage.vocational_months == 12
            dropped = reason(result, "vocational_limit")
            assert dropped["hours"] == 40
            assert dropped["cite"] == RULES.vocational_cite
        assert counted(result, "work_experience") == 10
        usage = result.usage
        month = add_months(month, 1)


def test_a_month_without_vocational_training_does_not_use_a_month():
    """261.33(a): only months with vocational training count towards the twelve."""
    result = count(
        [Entry(date(2021, 2, 3), "work_experience", 10)], previous=Usage(vocational_months=3)
    )
    assert result.usage.vocational_months == 3


def test_the_vocational_months_are_not_forgotten_after_a_year():
    """261.33(a): the limit is over a lifetime, not a twelve-month window."""
    result = count(
        [Entry(date(2021, 2, 3), "vocational_training", 10)],
        previous=Usage(vocational_months=12),
    )
    assert counted(result, "vocational_training") == 0
    assert "vocational_limit" in codes(result)


# --- 261.33(b): young parents ------------------------------------------------
#
# A young parent deemed engaged is marked `deemed_engaged`; `deemed_core_hours`
# belongs to the minimum-wage limit and stays at zero here.


def test_a_young_parent_at_school_is_deemed_engaged():
    """261.33(b): a parent under 20 who heads the household and keeps attending
    secondary school counts as engaged in work, however few the hours."""
    entries = [
        Entry(date(2021, 2, 3), "work_experience", monthly(10)),
        Entry(date(2021, 2, 4), "school_attendance", 20),
    ]
    older = count(entries)
    assert not older.meets
    assert not older.deemed_engaged
    result = count(entries, Person("all_family", young_parent=True))
    assert result.meets
    assert result.deemed_engaged
    assert result.step == "full"
    # The hours themselves are counted as they are.
    assert result.countable_hours == pytest.approx(monthly(10))
    assert result.weekly_average == pytest.approx(10)
    assert result.deemed_core_hours == 0
    assert reason(result, "deemed_young_parent")["cite"] == RULES.young_parent_cite
    assert "meets" in codes(result)
    assert "short_of" not in codes(result)


def test_a_young_parent_in_education_for_work_twenty_hours_a_week_is_deemed_engaged():
    """261.33(b): an average of 20 hours a week of education directly related to
    employment also makes a young parent engaged; 19 hours do not."""
    young = Person("all_family", young_parent=True)
    enough = count([Entry(date(2021, 2, 4), "education_for_work", monthly(20))], young)
    assert enough.meets
    assert enough.deemed_engaged
    too_little = count([Entry(date(2021, 2, 4), "education_for_work", monthly(19))], young)
    assert not too_little.meets
    assert not too_little.deemed_engaged
    assert "deemed_young_parent" not in codes(too_little)


def test_a_young_parent_without_school_is_not_deemed_engaged():
    """261.33(b): the deeming needs school attendance (or the education hours),
    and unverified attendance is not attendance."""
    young = Person("all_family", young_parent=True)
    result = count([Entry(date(2021, 2, 3), "work_experience", monthly(10))], young)
    assert not result.meets
    assert not result.deemed_engaged
    assert "deemed_young_parent" not in codes(result)
    unverified = count(
        [Entry(date(2021, 2, 4), "school_attendance", 20, verified=False)],
        young,
    )
    assert not unverified.meets
    assert not unverified.deemed_engaged


def test_school_attendance_does_not_deem_an_older_parent():
    """261.33(b): the deeming is for parents under 20 only."""
    result = count([Entry(date(2021, 2, 4), "school_attendance", 80)])
    assert not result.meets
    assert not result.deemed_engaged


def test_a_young_parent_who_meets_is_not_marked_deemed():
    """261.33(b): a month that meets on its hours needs no deeming."""
    young = Person("all_family", young_parent=True)
    result = count(
        [
            Entry(date(2021, 2, 3), "work_experience", monthly(30)),
            Entry(date(2021, 2, 4), "school_attendance", 20),
        ],
        young,
    )
    assert result.meets
    assert not result.deemed_engaged
    assert "deemed_young_parent" not in codes(result)


def test_two_young_parents_at_school_meet_the_two_parent_rate():
    """261.33(b) with 261.32: when both parents are deemed engaged, the family meets."""
    young = Person("two_parent", young_parent=True)
    school = [Entry(date(2021, 2, 4), "school_attendance", 20)]
    both = combine_family(RULES, [count(school, young), count(school, young)])
    assert all(parent.meets for parent in both)
    one = combine_family(RULES, [count(school, young), count([], TWO_PARENT)])
    assert not any(parent.meets for parent in one)


# --- Verification and activities outside the federal list ------------------


def test_unverified_hours_never_count():
    """261.60-261.62: only verified hours count; the reason says what was left out."""
    result = count([Entry(date(2021, 2, 3), "work_experience", 130, verified=False)])
    assert result.countable_hours == 0
    assert counted(result, "work_experience") == 0
    assert "work_experience" not in result.by_activity
    assert reason(result, "not_verified")["hours"] == 130
    assert result.step == "none"


def test_unverified_absences_and_holidays_never_count():
    """261.60(b): unverified absences are not counted either."""
    result = count(
        [
            absence(date(2021, 2, 2), verified=False),
            holiday(date(2021, 2, 15), verified=False),
        ]
    )
    assert result.countable_hours == 0
    assert result.usage == Usage()
    assert reason(result, "not_verified")["hours"] == 14


def test_an_activity_outside_the_federal_list_never_counts():
    """261.30: only the twelve work activities count; other hours are reported
    but not counted."""
    result = count(
        [
            Entry(date(2021, 2, 3), "other", 40),
            absence(date(2021, 2, 4), activity="other"),
        ]
    )
    assert result.countable_hours == 0
    assert result.by_activity["other"] == {"reported": 48}
    assert reason(result, "other_activity")["hours"] == 48
    assert result.usage.excused == {}


# --- The participation ladder ------------------------------------------------


@pytest.mark.parametrize(
    ("weekly", "step"),
    [
        (0, "none"),
        (RULES.ladder["some"] * 30, "some"),
        (5, "some"),
        (14, "some"),
        (RULES.ladder["substantial"] * 30, "substantial"),
        (25, "substantial"),
        (29, "substantial"),
        (RULES.ladder["full"] * 30, "full"),
        (40, "full"),
    ],
)
def test_the_ladder_steps_follow_the_shares_in_the_rules(weekly, step):
    """Stride's ladder: the share of the family's weekly hours reached, with the
    thresholds from the rules file (1%, 50%, 100%)."""
    entries = [Entry(date(2021, 2, 3), "work_experience", monthly(weekly))] if weekly else []
    result = count(entries)
    assert result.step == step
    assert result.meets == (step == "full")


def test_the_ladder_uses_the_familys_own_requirement():
    """The share is of the family's own weekly hours: 10 of 20 is half."""
    result = count([Entry(date(2021, 2, 3), "work_experience", monthly(10))], UNDER_SIX)
    assert result.step == "substantial"


@pytest.mark.parametrize(
    ("hours", "step"),
    [
        (1.25, "none"),  # 0.29 h/wk, 0.96% of 30
        (64.5, "some"),  # 14.90 h/wk, 49.7% of 30
        (129.5, "substantial"),  # 29.91 h/wk, 99.7% of 30
    ],
)
def test_a_month_just_below_a_ladder_threshold_stays_on_the_step_below(hours, step):
    """Stride's ladder: a share below a threshold in the rules file does not reach it."""
    result = count([Entry(date(2021, 2, 3), "work_experience", hours)])
    assert not result.meets
    assert result.step == step


# --- Usage -------------------------------------------------------------------


def full_usage() -> Usage:
    return Usage(
        job_search_weeks={date(2024, 3, 4): 30.0, date(2024, 11, 25): 12.5},
        excused={date(2024, 2, 1): 16.0, date(2024, 10, 1): 7.25},
        holidays={date(2024, 1, 1), date(2024, 7, 4), date(2024, 12, 25)},
        short_week=date(2024, 3, 4),
        vocational_months=5,
    )


def test_usage_round_trips_through_json():
    """Usage is stored between months as JSON and read back unchanged."""
    usage = full_usage()
    stored = json.loads(json.dumps(usage.to_json()))
    assert Usage.from_json(stored) == usage
    assert Usage.from_json(Usage().to_json()) == Usage()
    assert Usage.from_json({}) == Usage()


def test_usage_keeps_only_the_twelve_months_ending_with_the_month():
    """The look-back of 261.34 and 261.60(b) is the twelve months ending with the
    month counted; the lifetime vocational months are kept."""
    kept = full_usage().within_year_before(date(2025, 2, 1))
    # The window starts on 1 March 2024; the week of 4 March is inside it.
    assert kept.job_search_weeks == {date(2024, 3, 4): 30.0, date(2024, 11, 25): 12.5}
    assert kept.excused == {date(2024, 10, 1): 7.25}
    assert kept.holidays == {date(2024, 7, 4), date(2024, 12, 25)}
    assert kept.short_week == date(2024, 3, 4)
    assert kept.vocational_months == 5

    later = full_usage().within_year_before(date(2025, 4, 1))
    assert later.job_search_weeks == {date(2024, 11, 25): 12.5}
    assert later.short_week is None
    assert later.vocational_months == 5


def test_usage_keeps_a_week_that_straddles_the_start_of_the_window():
    """A week that ends inside the window is still part of it."""
    usage = Usage(job_search_weeks={date(2024, 2, 26): 10.0}, short_week=date(2024, 2, 26))
    kept = usage.within_year_before(date(2025, 2, 1))
    assert kept.job_search_weeks == {date(2024, 2, 26): 10.0}
    assert kept.short_week == date(2024, 2, 26)


def test_within_year_before_leaves_the_usage_alone():
    usage = full_usage()
    usage.within_year_before(date(2026, 1, 1))
    assert usage == full_usage()


# --- The month ----------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2021, 1, 31), date(2021, 3, 1), date(2022, 2, 10)])
def test_entries_outside_the_month_are_refused(day):
    with pytest.raises(ValueError, match="2021-02"):
        count([Entry(date(2021, 2, 3), "work_experience", 8), Entry(day, "work_experience", 8)])


def test_any_day_of_the_month_names_the_month():
    result = count([Entry(date(2021, 2, 28), "work_experience", 8)], month=date(2021, 2, 17))
    assert result.month == FEB21


def test_an_empty_month_counts_nothing():
    result = count([])
    assert result.countable_hours == 0
    assert result.weekly_average == 0
    assert not result.meets
    assert result.step == "none"
    assert result.by_activity == {}
    assert result.usage == Usage()
    assert codes(result) == ["requirement", "short_of"]


def test_the_previous_usage_is_not_changed():
    previous = Usage(
        job_search_weeks={FEB21 - timedelta(weeks=1): 10.0},
        excused={date(2021, 1, 1): 8.0},
        holidays={date(2021, 1, 1)},
    )
    before = copy.deepcopy(previous)
    count(
        [*four_weeks_of_job_search(), absence(date(2021, 2, 5)), holiday(date(2021, 2, 15))],
        previous=previous,
    )
    assert previous == before


# --- Entries the engine refuses ---------------------------------------------


def test_more_than_twenty_four_hours_on_one_day_are_refused():
    """Whoever builds the entries, a day holds at most 24 hours, summed over its entries."""
    day = date(2021, 2, 10)
    full_day = [Entry(day, "unsubsidized_employment", 16), Entry(day, "work_experience", 8)]
    assert count_month(RULES, FEB21, ALL_FAMILY, full_day).core_hours == 24
    with pytest.raises(Refused) as refused:
        count_month(RULES, FEB21, ALL_FAMILY, [*full_day, Entry(day, "job_search", 0.25)])
    assert (refused.value.code, refused.value.day) == ("too_many_hours", day)


def test_one_entry_of_twenty_five_hours_is_refused():
    with pytest.raises(Refused) as refused:
        count_month(RULES, FEB21, ALL_FAMILY, [Entry(date(2021, 2, 3), "work_experience", 25)])
    assert refused.value.code == "too_many_hours"


def test_an_activity_code_the_rules_do_not_know_is_refused_not_counted_as_non_core():
    entries = [Entry(date(2021, 2, 3), "unsubsidised_employment", 8)]
    with pytest.raises(Refused) as refused:
        count_month(RULES, FEB21, ALL_FAMILY, entries)
    assert (refused.value.code, refused.value.activity) == (
        "unknown_activity",
        "unsubsidised_employment",
    )


@pytest.mark.parametrize("hours", [float("nan"), float("inf"), -1.0])
def test_hours_that_are_not_a_number_of_hours_are_refused(hours):
    with pytest.raises(Refused) as refused:
        count_month(RULES, FEB21, ALL_FAMILY, [Entry(date(2021, 2, 3), "job_search", hours)])
    assert refused.value.code == "bad_hours"


# --- The minimum-wage limit (deemed core hours, 261.31(d), 261.32(d)) --------


def limit(grant: str, snap: str, state_wage: str | None = None) -> MinimumWageLimit:
    return MinimumWageLimit(
        Decimal(grant), Decimal(snap), Decimal(state_wage) if state_wage else None
    )


def work_experience(hours: str, month: date = FEB21) -> list[Entry]:
    """`hours` of work experience in the month, eight hours a day from the 1st."""
    whole, rest = divmod(Decimal(hours), 8)
    days = [Entry(month + timedelta(days=n), "work_experience", 8.0) for n in range(int(whole))]
    if rest:
        days.append(Entry(month + timedelta(days=int(whole)), "work_experience", float(rest)))
    return days


# (290 + 145) / 7.25 = 60 hours a month, below the 86.6 core hours of 20 a week.
SIXTY_HOURS = limit("290", "145")


def test_a_parent_who_works_exactly_the_monthly_maximum_is_deemed():
    """261.31(d): a weekly figure to one decimal (60 / 4.33 = 13.86, kept as 13.9)
    was more than the parent could do, and left them undeemed."""
    person = Person("all_family", flsa=SIXTY_HOURS)
    result = count(work_experience("60"), person)
    assert result.deemed_core_hours == pytest.approx(monthly(20) - 60)
    assert result.weekly_average == pytest.approx(20, abs=0.01)
    assert reason(result, "deemed_core")["cite"] == RULES.deemed_core_cite
    assert not count(work_experience("59.75"), person).deemed_core_hours


def test_the_maximum_is_compared_exactly_to_the_hundredth_hours_are_kept_in():
    """(300 + 200) / 7.25 = 68.9655...: 68.96 hours is every hour a state can schedule."""
    person = Person("all_family", flsa=limit("300", "200"))
    assert count(work_experience("68.96"), person).deemed_core_hours > 0
    assert count(work_experience("68.95"), person).deemed_core_hours == 0


def test_the_snap_allotment_is_part_of_the_maximum():
    """The grant alone allows 290 / 7.25 = 40 hours; with SNAP it is 60."""
    hours = work_experience("40")
    assert count(hours, Person("all_family", flsa=limit("290", "0"))).deemed_core_hours > 0
    assert count(hours, Person("all_family", flsa=SIXTY_HOURS)).deemed_core_hours == 0


def test_the_higher_of_the_federal_and_state_minimum_wage_divides():
    """At a state minimum wage of $10, (290 + 145) / 10 = 43.5 hours; a state wage
    below the federal $7.25 changes nothing."""
    hours = work_experience("43.5")
    assert count(hours, Person("all_family", flsa=limit("290", "145", "10"))).deemed_core_hours
    assert not count(hours, Person("all_family", flsa=SIXTY_HOURS)).deemed_core_hours
    assert not count(hours, Person("all_family", flsa=limit("290", "145", "5"))).deemed_core_hours


def test_two_parents_share_one_family_maximum():
    """261.32(d): the family's maximum (60 hours) is met by both parents' hours
    together, and the family is deemed to 30 core hours a week."""
    person = Person("two_parent", flsa=SIXTY_HOURS)
    second = [*work_experience("30"), Entry(date(2021, 2, 20), "job_skills_training", monthly(5))]
    together = combine_family(RULES, [count(work_experience("30"), person), count(second, person)])
    assert all(parent.meets for parent in together)
    deemed = sum(parent.deemed_core_two_parent for parent in together)
    assert deemed == pytest.approx(monthly(30) - 60, abs=0.01)
    assert reason(together[0], "family_together")["weekly"] == pytest.approx(35, abs=0.01)


def test_two_parents_each_at_the_maximum_are_not_deemed_twice():
    """Each parent doing the family's 60 hours makes 120 core hours; the family is
    deemed only the rest of its 30 a week, not the rest for each parent."""
    person = Person("two_parent", flsa=SIXTY_HOURS)
    together = combine_family(
        RULES, [count(work_experience("60"), person), count(work_experience("60"), person)]
    )
    deemed = sum(parent.deemed_core_two_parent for parent in together)
    assert deemed == pytest.approx(monthly(30) - 120, abs=0.01)
    assert reason(together[0], "family_together")["weekly"] == pytest.approx(30, abs=0.01)
    assert not any(parent.meets for parent in together)


# --- The weekly divisor ----------------------------------------------------------


def test_every_month_divides_by_four_point_three_three():
    for month in (FEB21, MAR21, date(2021, 5, 1)):
        assert weeks_in(RULES, month) == 4.33


def test_a_week_straddling_two_months_is_never_prorated():
    """Monday 29 March to Friday 2 April 2021: each day's hours count in its own
    month, whole, and each month divides by the same 4.33."""
    week = [
        Entry(date(2021, 3, 29) + timedelta(days=n), "unsubsidized_employment", 6) for n in range(5)
    ]
    march = count([entry for entry in week if entry.day.month == 3], month=MAR21)
    april = count([entry for entry in week if entry.day.month == 4], month=date(2021, 4, 1))
    assert (march.countable_hours, april.countable_hours) == (18, 12)
    assert march.weekly_average == round(18 / 4.33, 2)
    assert april.weekly_average == round(12 / 4.33, 2)


def test_a_state_may_divide_by_the_actual_weeks_that_end_in_the_month():
    """February 2021 holds four Sundays, May 2021 five; a week that starts in
    April and ends on 2 May is one of May's weeks, whole."""
    actual = replace(RULES, weekly_divisor="actual_weeks")
    assert weeks_in(actual, FEB21) == 4
    assert weeks_in(actual, date(2021, 5, 1)) == 5
    assert weeks_in(actual, date(2021, 4, 1)) == 4
    result = count_month(
        actual,
        FEB21,
        ALL_FAMILY,
        spread([Entry(date(2021, 2, 1), "unsubsidized_employment", 120)], FEB21),
    )
    assert result.weekly_average == 30
    assert result.meets


# --- Properties ----------------------------------------------------------------

MONTHS = st.dates(min_value=date(2019, 1, 1), max_value=date(2030, 12, 31)).map(
    lambda day: day.replace(day=1)
)
PERSONS = st.builds(
    Person,
    requirement=st.sampled_from(sorted(RULES.requirements)),
    young_parent=st.booleans(),
    needy_state=st.booleans(),
    flsa=st.none()
    | st.builds(
        MinimumWageLimit,
        tanf_grant=st.integers(1, 200_000).map(lambda cents: Decimal(cents) / 100),
        snap_allotment=st.integers(0, 200_000).map(lambda cents: Decimal(cents) / 100),
        state_minimum_wage=st.none()
        | st.integers(500, 2500).map(lambda cents: Decimal(cents) / 100),
    ),
)


def quarter_hours(low: int, high: int) -> st.SearchStrategy[float]:
    """Hours in quarter hours, from low / 4 to high / 4."""
    return st.integers(low, high).map(lambda quarters: quarters / 4)


def days_in(month: date) -> int:
    return (add_months(month, 1) - month).days


@st.composite
def month_entries(draw, month: date) -> list[Entry]:
    """Entries of a month, at most 24 hours on a day (the engine refuses more)."""
    drawn = draw(
        st.lists(
            st.builds(
                Entry,
                day=st.integers(1, days_in(month)).map(lambda day: month.replace(day=day)),
                activity=st.sampled_from(ACTIVITIES),
                hours=quarter_hours(0, 48),
                kind=st.sampled_from(COUNTED_KINDS),
                scheduled=quarter_hours(0, 32),
                verified=st.booleans(),
            ),
            max_size=40,
        )
    )
    load: dict[date, float] = defaultdict(float)
    kept = []
    for entry in drawn:
        if load[entry.day] + entry.hours <= 24:
            load[entry.day] += entry.hours
            kept.append(entry)
    return kept


@st.composite
def previous_usages(draw, month: date, person: Person) -> Usage | None:
    """Usage left by earlier months: within every limit for the twelve months
    ending with `month`, with some older items the window should drop."""
    if draw(st.booleans()):
        return None

    def day_before() -> date:
        return month - timedelta(days=draw(st.integers(1, 540)))

    def window(usage: Usage) -> Usage:
        return usage.within_year_before(month)

    usage = Usage(vocational_months=draw(st.integers(0, 14)))
    for _ in range(draw(st.integers(0, 12))):
        week = monday_of(day_before())
        hours = usage.job_search_weeks.get(week, 0.0) + draw(quarter_hours(1, 200))
        trial = Usage(job_search_weeks={**usage.job_search_weeks, week: hours})
        if sum(window(trial).job_search_weeks.values()) <= job_search_limit(person):
            usage.job_search_weeks = trial.job_search_weeks
    for _ in range(draw(st.integers(0, 10))):
        earlier = add_months(month, -draw(st.integers(1, 17)))
        excused = {**usage.excused, earlier: draw(quarter_hours(1, 64))}
        if sum(window(Usage(excused=excused)).excused.values()) <= RULES.excused_hours_a_year:
            usage.excused = excused
    for _ in range(draw(st.integers(0, 14))):
        holidays = usage.holidays | {day_before()}
        if len(window(Usage(holidays=holidays)).holidays) <= RULES.holidays_a_year:
            usage.holidays = holidays
    if draw(st.booleans()):
        usage.short_week = monday_of(day_before())
    return usage


@st.composite
def months(draw):
    month = draw(MONTHS)
    person = draw(PERSONS)
    return month, person, draw(month_entries(month)), draw(previous_usages(month, person))


@st.composite
def runs_of_months(draw):
    """Three months in a row, each with its own entries."""
    first = draw(MONTHS)
    person = draw(PERSONS)
    previous = draw(previous_usages(first, person))
    entries = [draw(month_entries(add_months(first, n))) for n in range(3)]
    return first, person, entries, previous


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLACK = 0.011  # each figure is rounded to two decimals


def check_month(month: date, person: Person, previous: Usage | None, result: MonthCount) -> None:
    """What must hold for any counted month."""
    requirement = result.requirement
    assert requirement.code == person.requirement
    for figure in (
        result.countable_hours,
        result.core_hours,
        result.non_core_hours,
        result.weekly_average,
        result.deemed_core_hours,
        result.deemed_core_two_parent,
    ):
        assert figure >= 0
    for activity, hours in result.by_activity.items():
        assert all(value >= 0 for value in hours.values()), activity

    # Counted hours never exceed the verified hours reported, except for the
    # short week's top-up (261.34(e)), which is the point of that rule.
    short_week = [item["hours"] for item in result.reasons if item["code"] == "short_week"]
    assert len(short_week) <= 1
    for activity, hours in result.by_activity.items():
        allowance = sum(short_week) if activity == "job_search" else 0.0
        assert counted(result, activity) <= hours.get("reported", 0.0) + allowance + SLACK

    # Core and non-core add up to what the activities counted; only the
    # federal activities count.
    total = sum(counted(result, activity) for activity in result.by_activity)
    assert result.core_hours + result.non_core_hours == pytest.approx(total, abs=0.1)
    assert counted(result, "other") == 0
    # Core hours deemed under the minimum-wage limit only for someone it limits.
    two_parent = requirement.code in ("two_parent", "two_parent_federal_child_care")
    deemed = result.deemed_core_two_parent if two_parent else result.deemed_core_hours
    if person.flsa is None:
        assert result.deemed_core_hours == result.deemed_core_two_parent == 0
    assert result.core_hours - SLACK <= result.countable_hours
    assert result.countable_hours <= result.core_hours + deemed + result.non_core_hours + SLACK
    assert result.weekly_average == pytest.approx(
        result.countable_hours / weeks_in(RULES, month), abs=SLACK
    )

    # Excused absences: 16 hours a month, 80 in twelve months (261.60(b)).
    excused = sum(counted(result, activity, "excused") for activity in result.by_activity)
    assert excused <= RULES.excused_hours_a_month + SLACK
    # The month's allowance used is at least what counted; it can be more (see
    # test_an_absence_that_counts_no_hours_does_not_use_the_excused_allowance).
    assert excused - SLACK <= result.usage.excused.get(month, 0.0)
    assert result.usage.excused.get(month, 0.0) <= RULES.excused_hours_a_month + SLACK
    window = result.usage.within_year_before(month)
    assert sum(window.excused.values()) <= RULES.excused_hours_a_year + SLACK
    for activity in RULES.paid_activities:
        assert counted(result, activity, "excused") == 0
        assert counted(result, activity, "holiday") == 0

    # Holidays: ten days in twelve months (261.60(b)).
    assert len(window.holidays) <= RULES.holidays_a_year

    # Job search: the six (or twelve) weeks of hours in twelve months, and the
    # week's hours used are exactly what this month counted (261.34).
    before = (previous or Usage()).within_year_before(month)
    used_before = sum(before.job_search_weeks.values())
    used_after = sum(window.job_search_weeks.values())
    assert used_after <= job_search_limit(person) + SLACK
    assert used_after - used_before == pytest.approx(counted(result, "job_search"), abs=0.1)
    for week in set(window.job_search_weeks) - set(before.job_search_weeks):
        run = [week - timedelta(weeks=n) for n in range(1, RULES.job_search_max_consecutive + 1)]
        assert not all(window.job_search_weeks.get(day, 0) > 0 for day in run), week

    # The short week: at most one in twelve months, and only to make the month.
    if short_week:
        assert before.short_week is None
        assert result.meets
        assert result.usage.short_week is not None
    assert window.short_week is not None or before.short_week is None

    # Vocational training: twelve months in a lifetime (261.33(b)).
    vocational_before = (previous or Usage()).vocational_months
    assert result.usage.vocational_months in (vocational_before, vocational_before + 1)
    if counted(result, "vocational_training") > 0:
        assert result.usage.vocational_months <= RULES.vocational_months

    # The verdict.
    if result.meets:
        assert result.step == "full"
        assert result.weekly_average + SLACK >= requirement.weekly_hours or result.deemed_engaged
    else:
        assert not result.deemed_engaged
        assert result.weekly_average < requirement.weekly_hours
    if result.deemed_engaged:
        assert person.young_parent
        assert result.meets
        assert result.weekly_average < requirement.weekly_hours
    assert result.reasons[0]["code"] == "requirement"
    assert result.reasons[-1]["code"] == ("meets" if result.meets else "short_of")


@PROPERTY
@given(months())
def test_any_month_keeps_within_the_rules(scenario):
    month, person, entries, previous = scenario
    before = copy.deepcopy(previous)
    result = count_month(RULES, month, person, entries, previous)
    assert previous == before
    check_month(month, person, previous, result)


@PROPERTY
@given(months())
def test_counting_a_month_twice_gives_the_same_count(scenario):
    month, person, entries, previous = scenario
    first = count_month(RULES, month, person, entries, previous)
    second = count_month(RULES, month, person, list(entries), copy.deepcopy(previous))
    assert first == second


@PROPERTY
@given(months(), st.randoms(use_true_random=False))
def test_the_order_of_the_entries_does_not_change_the_hours(scenario, random):
    month, person, entries, previous = scenario
    shuffled = list(entries)
    random.shuffle(shuffled)
    first = count_month(RULES, month, person, entries, previous)
    second = count_month(RULES, month, person, shuffled, previous)
    assert first.by_activity == second.by_activity
    assert first.countable_hours == second.countable_hours
    assert first.meets == second.meets
    assert first.step == second.step
    assert first.usage == second.usage


@settings(PROPERTY, max_examples=100)  # three months an example
@given(runs_of_months())
def test_usage_carried_month_to_month_keeps_within_the_rules(run):
    first, person, entries_by_month, previous = run
    usage = previous
    for offset, entries in enumerate(entries_by_month):
        month = add_months(first, offset)
        result = count_month(RULES, month, person, entries, usage)
        check_month(month, person, usage, result)
        assert Usage.from_json(json.loads(json.dumps(result.usage.to_json()))) == result.usage
        usage = result.usage
