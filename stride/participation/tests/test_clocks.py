"""Time clocks: the months of a time limit a participant has used.

The first part works through examples taken from the rule files' own text
(45 CFR 264.1; WIC 11454 and 11454.5; the 2011-2022 CalWORKs clocks); the
second states properties that must hold for any ledger and checks them with
Hypothesis; the third checks the rule files themselves. The engine is plain
Python; only the last part, reading the ledger from the database, needs it.
"""

from datetime import date

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import data_queries, open_case
from stride.core.audit import Actor
from stride.participation import actions, ledger
from stride.participation.clocks import (
    CLOCKS_DIR,
    ClockReading,
    ClockRule,
    LedgerMonth,
    _clock,
    clock_rules,
    clocks_for,
    exemption_codes,
    read_clock,
)
from stride.participation.countable import add_months
from stride.participation.models import AidMonth, MonthResult
from stride.people import actions as people
from stride.people.models import Participant

RULES = {rule.code: rule for rule in clock_rules()}
FEDERAL = RULES["federal-60"]
CALWORKS = RULES["calworks-60"]
CALWORKS_48 = RULES["calworks-48"]
WTW_24 = RULES["calworks-24-wtw"]

WTW = "calworks-wtw"
CAL_LEARN = "cal-learn"


def months(first: date, count: int, **fields) -> list[LedgerMonth]:
    """`count` months on aid in a row from `first`, each with the same fields."""
    fields.setdefault("program", WTW)
    return [LedgerMonth(add_months(first, n), **fields) for n in range(count)]


def read(rule: ClockRule, ledger_months: list[LedgerMonth], on: date = date(2026, 11, 23)):
    return read_clock(rule, ledger_months, on)


# --- The federal 60-month limit (45 CFR 264.1) ---------------------------------------------


def test_federal_clock_counts_every_month_of_aid_as_an_adult():
    reading = read(FEDERAL, months(date(2020, 1, 1), 24))
    assert (reading.used, reading.not_counted, reading.left) == (24, {}, 36)


def test_federal_clock_skips_months_as_a_minor_child_not_head_of_household():
    # 264.1(b)(1)(i): months an adult received aid as a minor child, not the head
    # of household or married to the head, do not count.
    ledger_months = months(date(2018, 1, 1), 12, exemption="minor_child") + months(
        date(2019, 1, 1), 12
    )
    reading = read(FEDERAL, ledger_months)
    assert reading.used == 12
    assert reading.not_counted == {"minor_child": 12}
    assert reading.skipped == 12


def test_federal_clock_skips_months_in_indian_country_with_half_unemployed():
    # 264.1(b)(1)(ii): Indian country or an Alaska Native village with at least 50% unemployment.
    ledger_months = months(date(2021, 1, 1), 6) + months(
        date(2021, 7, 1), 6, exemption="indian_country"
    )
    reading = read(FEDERAL, ledger_months)
    assert (reading.used, reading.not_counted) == (6, {"indian_country": 6})
    # The CalWORKs clock skips it too (WIC 11454.5(a)(5)).
    assert read(CALWORKS, ledger_months).not_counted == {"indian_country": 6}


def test_federal_clock_skips_state_funded_months_but_the_calworks_clock_does_not():
    # 264.1(a)(1): the limit is on federal TANF funds; a separate state program's months
    # do not count. The CalWORKs limit counts months of CalWORKs aid, whoever paid.
    ledger_months = months(date(2023, 1, 1), 10, exemption="state_funded")
    federal = read(FEDERAL, ledger_months)
    assert (federal.used, federal.not_counted) == (0, {"state_funded": 10})
    calworks = read(CALWORKS, ledger_months)
    assert (calworks.used, calworks.not_counted) == (10, {})


def test_federal_clock_does_not_skip_the_california_exemptions():
    # A disability or Cal-Learn month stops the CalWORKs clock (WIC 11454.5), not the federal one.
    ledger_months = months(date(2023, 1, 1), 4, exemption="disability") + months(
        date(2023, 5, 1), 4, exemption="cal_learn"
    )
    assert read(FEDERAL, ledger_months).used == 8
    calworks = read(CALWORKS, ledger_months)
    assert (calworks.used, calworks.not_counted) == (0, {"disability": 4, "cal_learn": 4})


def test_federal_clock_did_not_run_before_tanf():
    ledger_months = months(date(1996, 4, 1), 12)  # April 1996 to March 1997
    assert read(FEDERAL, ledger_months).used == 6  # October 1996 on


def test_federal_clock_counts_months_in_any_program():
    ledger_months = months(date(2024, 1, 1), 3, program=None) + months(
        date(2024, 4, 1), 3, program="another-program"
    )
    assert read(FEDERAL, ledger_months).used == 6


# --- CalWORKs 60 months (WIC 11454, 11454.5) ------------------------------------------------


def test_calworks_clock_counts_from_january_1998_and_not_before():
    ledger_months = months(date(1997, 7, 1), 12)  # July 1997 to June 1998
    assert read(CALWORKS, ledger_months).used == 6
    assert read(FEDERAL, ledger_months).used == 12


@pytest.mark.parametrize(
    "code",
    [
        "age_60",
        "disability",
        "caring_for_ill",
        "nonparent_caretaker",
        "cal_learn",
        "child_support_repaid",
        "services_only",
        "indian_country",
        "domestic_abuse",
        "not_aided",
    ],
)
def test_months_exempt_under_wic_11454_5_do_not_count(code):
    ledger_months = months(date(2023, 1, 1), 5) + months(date(2023, 6, 1), 3, exemption=code)
    reading = read(CALWORKS, ledger_months)
    assert (reading.used, reading.not_counted, reading.skipped) == (5, {code: 3}, 3)


def test_an_exemption_the_clock_does_not_know_counts_the_month():
    # minor_child is a federal reason only; an unknown code is not a reason at all.
    ledger_months = months(date(2023, 1, 1), 2, exemption="minor_child") + months(
        date(2023, 3, 1), 2, exemption="no-such-reason"
    )
    assert read(CALWORKS, ledger_months).used == 4
    assert read(FEDERAL, ledger_months).used == 2


def test_calworks_clock_counts_cal_learn_and_family_stabilization_months():
    ledger_months = (
        months(date(2023, 1, 1), 2, program=WTW)
        + months(date(2023, 3, 1), 2, program=CAL_LEARN)
        + months(date(2023, 5, 1), 2, program="family-stabilization")
    )
    assert read(CALWORKS, ledger_months).used == 6


def test_the_24_month_clock_counted_only_welfare_to_work_months():
    ledger_months = (
        months(date(2014, 1, 1), 2, program=WTW)
        + months(date(2014, 3, 1), 2, program=CAL_LEARN)
        + months(date(2014, 5, 1), 2, program="family-stabilization")
    )
    assert read(WTW_24, ledger_months, on=date(2015, 1, 1)).used == 2
    assert read(CALWORKS_48, ledger_months, on=date(2015, 1, 1)).used == 6


def test_requirement_met_does_not_stop_the_60_month_clocks():
    ledger_months = months(date(2023, 1, 1), 12, requirement_met=True)
    assert read(CALWORKS, ledger_months).used == 12
    assert read(FEDERAL, ledger_months).used == 12


# --- The historical CalWORKs clocks (July 2011 to April 2022) -------------------------------


def test_24_month_clock_skips_months_the_work_requirement_was_met():
    ledger_months = [
        LedgerMonth(add_months(date(2014, 1, 1), n), WTW, requirement_met=n % 3 == 0)
        for n in range(12)
    ]
    reading = read(WTW_24, ledger_months, on=date(2015, 6, 1))
    assert (reading.used, reading.not_counted) == (8, {"requirement_met": 4})
    # The 48-month clock counts them all.
    assert read(CALWORKS_48, ledger_months, on=date(2015, 6, 1)).used == 12


def test_24_month_clock_exemption_wins_over_requirement_met():
    ledger_months = months(date(2014, 1, 1), 2, exemption="disability", requirement_met=True)
    reading = read(WTW_24, ledger_months, on=date(2015, 1, 1))
    assert (reading.used, reading.not_counted) == (0, {"disability": 2})


def test_24_month_clock_did_not_run_before_2013():
    ledger_months = months(date(2012, 7, 1), 12)  # July 2012 to June 2013
    assert read(WTW_24, ledger_months, on=date(2014, 1, 1)).used == 6
    # The 48-month clock counted months from January 1998.
    assert read(CALWORKS_48, ledger_months, on=date(2014, 1, 1)).used == 12


def test_a_historical_clock_read_today_stops_at_its_end():
    ledger_months = months(date(2021, 1, 1), 48)  # January 2021 to December 2024
    for rule in (CALWORKS_48, WTW_24):
        reading = read(rule, ledger_months, on=date(2026, 11, 23))
        assert reading.used == 16  # January 2021 to April 2022
    assert read(CALWORKS, ledger_months).used == 48


def test_48_month_clock_reached_and_warned():
    ledger_months = months(date(2013, 1, 1), 50)
    reading = read(CALWORKS_48, ledger_months, on=date(2017, 12, 31))
    assert (reading.used, reading.left, reading.reached, reading.warn) == (50, 0, True, True)


# --- Which clocks run ------------------------------------------------------------------------


def codes(rules: list[ClockRule]) -> list[str]:
    return [rule.code for rule in rules]


def test_clocks_running_now_for_welfare_to_work():
    assert codes(clocks_for(WTW, date(2026, 11, 23))) == ["federal-60", "calworks-60"]


def test_clocks_running_in_2015_for_welfare_to_work():
    assert codes(clocks_for(WTW, date(2015, 1, 1))) == [
        "federal-60",
        "calworks-48",
        "calworks-24-wtw",
    ]


def test_cal_learn_had_no_24_month_clock():
    assert codes(clocks_for(CAL_LEARN, date(2015, 1, 1))) == ["federal-60", "calworks-48"]


def test_clocks_change_over_on_1_may_2022():
    assert codes(clocks_for(WTW, date(2022, 4, 30))) == [
        "federal-60",
        "calworks-48",
        "calworks-24-wtw",
    ]
    assert codes(clocks_for(WTW, date(2022, 5, 1))) == ["federal-60", "calworks-60"]


def test_other_programs_have_only_the_federal_clock():
    assert codes(clocks_for("another-program", date(2026, 11, 23))) == ["federal-60"]
    assert codes(clocks_for(None, date(2026, 11, 23))) == ["federal-60"]


def test_no_clock_before_tanf():
    assert clocks_for(WTW, date(1996, 9, 30)) == []


# --- Reading a clock -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("used", "left", "warn", "reached"),
    [
        (0, 60, False, False),
        (53, 7, False, False),
        (54, 6, True, False),
        (59, 1, True, False),
        (60, 0, True, True),
        (65, 0, True, True),
    ],
)
def test_warning_and_limit(used, left, warn, reached):
    reading = read(CALWORKS, months(date(2015, 1, 1), used))
    assert reading.used == used
    assert (reading.left, reading.warn, reading.reached) == (left, warn, reached)


def test_warn_reads_the_rule_file():
    assert CALWORKS.warn_months_left == 6
    assert ClockReading(CALWORKS, 54, {}).warn
    assert not ClockReading(CALWORKS, 53, {}).warn


def test_a_duplicate_month_counts_once():
    month = LedgerMonth(date(2024, 3, 1), WTW)
    same_month_other_day = LedgerMonth(date(2024, 3, 17), WTW)
    reading = read(CALWORKS, [month, month, same_month_other_day])
    assert (reading.used, reading.not_counted) == (1, {})


def test_months_after_the_day_read_do_not_count():
    ledger_months = months(date(2025, 1, 1), 24)
    assert read(CALWORKS, ledger_months, on=date(2025, 6, 15)).used == 6  # January to June
    assert read(CALWORKS, ledger_months, on=date(2025, 6, 1)).used == 6
    assert read(CALWORKS, ledger_months, on=date(2025, 5, 31)).used == 5
    assert read(CALWORKS, ledger_months, on=date(2024, 12, 31)).used == 0


def test_an_empty_ledger():
    for rule in clock_rules():
        reading = read(rule, [])
        assert (reading.used, reading.not_counted, reading.left) == (0, {}, rule.limit_months)
        assert not reading.reached


# --- Properties ------------------------------------------------------------------------------

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROGRAMS = [None, WTW, CAL_LEARN, "family-stabilization", "another-program"]
EXEMPTIONS = ["", *sorted(exemption_codes())]


def month_of(index: int) -> date:
    return date(1995 + index // 12, index % 12 + 1, 1)


ledger_months = st.builds(
    LedgerMonth,
    month=st.builds(
        lambda index, day: month_of(index).replace(day=day),
        st.integers(0, 36 * 12 - 1),  # January 1995 to December 2030
        st.integers(1, 28),
    ),
    program=st.sampled_from(PROGRAMS),
    exemption=st.sampled_from(EXEMPTIONS),
    requirement_met=st.booleans(),
)


def month_key(month: LedgerMonth) -> tuple[int, int]:
    return (month.month.year, month.month.month)


LEDGERS = st.lists(ledger_months, max_size=150)
# A participant's ledger has one row a month (AidMonth is unique by participant and month).
ONE_ROW_A_MONTH = st.lists(ledger_months, max_size=150, unique_by=month_key)
DAYS = st.dates(date(1995, 1, 1), date(2030, 12, 31))


def window(rule: ClockRule, ledger_rows: list[LedgerMonth], on: date) -> set[date]:
    """The distinct months of the ledger inside the clock's window on `on`."""
    last = on if rule.in_force_until is None else min(on, rule.in_force_until)
    return {
        row.month.replace(day=1)
        for row in ledger_rows
        if rule.counts_from.replace(day=1) <= row.month.replace(day=1) <= last.replace(day=1)
    }


@PROPERTY
@given(LEDGERS, DAYS)
def test_a_reading_never_counts_more_months_than_the_window_holds(ledger_rows, on):
    for rule in clock_rules():
        reading = read_clock(rule, ledger_rows, on)
        assert reading.used >= 0
        assert all(count > 0 for count in reading.not_counted.values())
        assert reading.used + sum(reading.not_counted.values()) <= len(
            window(rule, ledger_rows, on)
        )
        assert reading.left == max(0, rule.limit_months - reading.used)
        assert reading.reached == (reading.used >= rule.limit_months)
        assert reading.warn == (reading.left <= rule.warn_months_left)
        allowed = set(rule.not_counted) | (
            {"requirement_met"} if rule.stops_when_requirement_met else set()
        )
        assert set(reading.not_counted) <= allowed


@PROPERTY
@given(ONE_ROW_A_MONTH, DAYS)
def test_every_month_in_the_window_is_counted_or_skipped(ledger_rows, on):
    for rule in clock_rules():
        reading = read_clock(rule, ledger_rows, on)
        applies = {
            row.month.replace(day=1)
            for row in ledger_rows
            if rule.applies_to(row.program) and row.month.replace(day=1) in window(rule, [row], on)
        }
        assert reading.used + reading.skipped == len(applies)


@PROPERTY
@given(LEDGERS, DAYS)
def test_reading_twice_gives_the_same_answer(ledger_rows, on):
    for rule in clock_rules():
        assert read_clock(rule, ledger_rows, on) == read_clock(rule, ledger_rows, on)
        # A generator is read once, like a query: it gives the same answer as a list.
        assert read_clock(rule, iter(ledger_rows), on) == read_clock(rule, ledger_rows, on)


@PROPERTY
@given(ONE_ROW_A_MONTH, DAYS, st.randoms(use_true_random=False))
def test_the_order_of_the_ledger_does_not_matter(ledger_rows, on, random):
    shuffled = list(ledger_rows)
    random.shuffle(shuffled)
    for rule in clock_rules():
        assert read_clock(rule, shuffled, on) == read_clock(rule, ledger_rows, on)


@PROPERTY
@given(LEDGERS, DAYS, st.randoms(use_true_random=False))
def test_repeating_rows_changes_nothing(ledger_rows, on, random):
    repeated = ledger_rows + random.sample(ledger_rows, len(ledger_rows))
    for rule in clock_rules():
        assert read_clock(rule, repeated, on) == read_clock(rule, ledger_rows, on)


@PROPERTY
@given(ONE_ROW_A_MONTH, DAYS, DAYS)
def test_a_later_reading_never_uses_fewer_months(ledger_rows, first, second):
    earlier, later = sorted((first, second))
    for rule in clock_rules():
        before = read_clock(rule, ledger_rows, earlier)
        after = read_clock(rule, ledger_rows, later)
        assert after.used >= before.used
        assert after.skipped >= before.skipped


# --- The rule files --------------------------------------------------------------------------

RULE_FILES = sorted(CLOCKS_DIR.glob("*.yaml"))


def test_there_are_rule_files():
    assert [path.name for path in RULE_FILES] == [
        "calworks-2011-2022.yaml",
        "calworks.yaml",
        "federal.yaml",
    ]


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda path: path.name)
def test_every_rule_file_loads(path):
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert data["clocks"]
    for entry in data["clocks"]:
        rule = _clock(entry)
        assert rule in clock_rules()


def test_rule_codes_are_unique():
    assert len(RULES) == len(clock_rules()) == 4


@pytest.mark.parametrize("rule", clock_rules(), ids=lambda rule: rule.code)
def test_every_rule_says_where_it_comes_from_in_both_languages(rule):
    assert rule.cites
    assert all(cite.strip() for cite in rule.cites)
    for text in (rule.name, rule.summary, *([rule.extension] if rule.extension else [])):
        assert set(text) >= {"en", "es"}
        assert text["en"].strip()
        assert text["es"].strip()
    for code, reason in rule.not_counted.items():
        assert reason.code == code
        assert reason.label["en"].strip(), code
        assert reason.label["es"].strip(), code
        assert reason.label["en"] != reason.label["es"], code
        assert reason.cite.strip(), code


@pytest.mark.parametrize("rule", clock_rules(), ids=lambda rule: rule.code)
def test_every_rule_has_sensible_dates_and_limits(rule):
    assert rule.limit_months > 0
    assert 0 <= rule.warn_months_left < rule.limit_months
    assert rule.counts_from <= rule.in_force_from
    assert rule.counts_from.day == 1
    if rule.in_force_until is not None:
        assert rule.in_force_from <= rule.in_force_until
    assert rule.programs


def test_the_rules_in_the_files_match_their_text():
    assert (FEDERAL.limit_months, FEDERAL.counts_from) == (60, date(1996, 10, 1))
    assert FEDERAL.applies_to("anything")
    assert (CALWORKS.limit_months, CALWORKS.counts_from) == (60, date(1998, 1, 1))
    assert (CALWORKS.in_force_from, CALWORKS.in_force_until) == (date(2022, 5, 1), None)
    assert (CALWORKS_48.limit_months, CALWORKS_48.counts_from) == (48, date(1998, 1, 1))
    assert (CALWORKS_48.in_force_from, CALWORKS_48.in_force_until) == (
        date(2011, 7, 1),
        date(2022, 4, 30),
    )
    assert (WTW_24.limit_months, WTW_24.counts_from) == (24, date(2013, 1, 1))
    assert WTW_24.in_force_until == date(2022, 4, 30)
    assert WTW_24.stops_when_requirement_met
    assert not any(rule.stops_when_requirement_met for rule in (FEDERAL, CALWORKS, CALWORKS_48))


def test_exemption_codes_gather_every_rule_reason():
    found = exemption_codes()
    every = {code for rule in clock_rules() for code in rule.not_counted}
    assert set(found) == every
    assert {"minor_child", "state_funded", "indian_country", "disability", "not_aided"} <= every
    assert "requirement_met" not in found  # not a code to pick: it comes from the month's hours


# --- Reading the ledger from the database ----------------------------------------------------


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def give_months_on_aid(coach, participant: Participant, count: int) -> None:
    """`count` months on aid up to this one, through the enrollment and the ledger action."""
    enrollment = participant.current_enrollment
    people.update_enrollment(
        Actor(coach), enrollment, enrollment.version, aid_start=add_months(this_month(), 1 - count)
    )
    assert actions.record_months_on_aid(participant, timezone.localdate()) == count


def second_case(world, number: int = 2, last_name: str = "Diaz") -> Participant:
    return open_case(
        world.coach,
        f"FR{number:07d}",
        world.county,
        world.program,
        world.coach,
        first_name="Rosa",
        last_name=last_name,
        birth_date=date(1985, 1, 1 + number % 28),
    )


@pytest.mark.django_db
def test_a_participant_near_the_limit_shows_in_the_caseload_warnings(world):
    near = world.case
    far = second_case(world)
    give_months_on_aid(world.coach, near, 55)
    give_months_on_aid(world.coach, far, 40)

    warnings = ledger.warnings_for(
        Participant.objects.filter(coach=world.coach), timezone.localdate()
    )

    warned = {(warning.participant.pk, warning.reading.rule.code) for warning in warnings}
    assert warned == {(near.pk, "calworks-60"), (near.pk, "federal-60")}
    for warning in warnings:
        assert (warning.reading.used, warning.reading.left) == (55, 5)
        assert warning.participant.member.last_name == "Lopez"


@pytest.mark.django_db
def test_warnings_are_only_for_the_caseload_asked_about(world):
    give_months_on_aid(world.other_county_coach, world.other_case, 58)
    assert (
        ledger.warnings_for(Participant.objects.filter(coach=world.coach), timezone.localdate())
        == []
    )
    assert ledger.warnings_for(
        Participant.objects.filter(coach=world.other_county_coach), timezone.localdate()
    )


@pytest.mark.django_db
def test_warnings_put_the_closest_to_the_limit_first(world):
    cases = [world.case, second_case(world, 2, "Baker"), second_case(world, 3, "Adams")]
    for case, count in zip(cases, (55, 58, 55), strict=True):
        give_months_on_aid(world.coach, case, count)
    warnings = ledger.warnings_for(
        Participant.objects.filter(coach=world.coach, county=world.county), timezone.localdate()
    )
    order = [(w.reading.left, w.participant.member.last_name) for w in warnings]
    assert order == sorted(order)
    assert order[0] == (2, "Baker")


@pytest.mark.django_db
def test_exempt_months_in_the_database_do_not_count(world):
    give_months_on_aid(world.coach, world.case, 55)
    for aid_month in AidMonth.objects.filter(participant=world.case).order_by("-month")[:10]:
        actions.change_aid_month(
            Actor(world.coach),
            aid_month,
            actions.MonthOnAid(exemption="disability", note="Doctor's note on file."),
            aid_month.version,
        )
    readings = ledger.readings(world.case, timezone.localdate())
    by_code = {reading.rule.code: reading for reading in readings}
    assert (by_code["calworks-60"].used, by_code["calworks-60"].not_counted) == (
        45,
        {"disability": 10},
    )
    assert by_code["federal-60"].used == 55
    # 45 months on the CalWORKs clock leaves 15: only the federal clock warns.
    warned = ledger.warnings_for(Participant.objects.filter(pk=world.case.pk), timezone.localdate())
    assert [warning.reading.rule.code for warning in warned] == ["federal-60"]


@pytest.mark.django_db
def test_the_ledger_reads_months_that_met_the_requirement(world):
    # The 24-month clock in 2014: three months met the federal work requirement.
    first = date(2014, 1, 1)
    AidMonth.objects.bulk_create(
        AidMonth(participant=world.case, month=add_months(first, n), program=world.program)
        for n in range(12)
    )
    for n in (0, 4, 8):
        MonthResult.objects.create(
            participant=world.case,
            month=add_months(first, n),
            requirement="all_family",
            required_weekly_hours=30,
            countable_hours=140,
            core_hours=140,
            weekly_average=32.33,
            meets_rate=True,
            step="full",
        )
    MonthResult.objects.create(  # a month that fell short still counts
        participant=world.case,
        month=add_months(first, 1),
        requirement="all_family",
        required_weekly_hours=30,
        countable_hours=40,
        core_hours=40,
        weekly_average=9.24,
        meets_rate=False,
        step="some",
    )
    people_list = list(
        Participant.objects.filter(pk=world.case.pk).select_related("current_enrollment__program")
    )
    found = ledger.readings_for(people_list, date(2015, 1, 1))
    by_code = {reading.rule.code: reading for reading in found[world.case.pk]}
    assert set(by_code) == {"federal-60", "calworks-48", "calworks-24-wtw"}
    assert (by_code["calworks-24-wtw"].used, by_code["calworks-24-wtw"].not_counted) == (
        9,
        {"requirement_met": 3},
    )
    assert by_code["calworks-48"].used == 12


@pytest.mark.django_db
def test_a_participant_without_months_on_aid_has_unused_clocks(world):
    people_list = list(
        Participant.objects.filter(pk=world.case.pk).select_related("current_enrollment__program")
    )
    found = ledger.readings_for(people_list, timezone.localdate())
    assert [(r.rule.code, r.used, r.left) for r in found[world.case.pk]] == [
        ("federal-60", 0, 60),
        ("calworks-60", 0, 60),
    ]


def _readings_queries(pks: list[int]) -> int:
    people_list = list(
        Participant.objects.filter(pk__in=pks).select_related("current_enrollment__program")
    )
    with CaptureQueriesContext(connection) as captured:
        found = ledger.readings_for(people_list, timezone.localdate())
    assert set(found) == set(pks)
    return len(data_queries(captured))


def _warnings_queries(pks: list[int]) -> int:
    with CaptureQueriesContext(connection) as captured:
        warnings = ledger.warnings_for(Participant.objects.filter(pk__in=pks), timezone.localdate())
        shown = [  # what the Today page shows of each
            (str(warning.participant.uuid), warning.participant.member.first_name)
            for warning in warnings
        ]
    assert {warning.participant.pk for warning in warnings} == set(pks)
    assert len(shown) == 2 * len(pks)  # the federal and the CalWORKs clocks
    return len(data_queries(captured))


@pytest.mark.django_db
def test_reading_the_ledger_takes_the_same_queries_for_1_and_20_people(world):
    cases = [world.case] + [second_case(world, n, f"Person{n}") for n in range(2, 21)]
    for case in cases:
        give_months_on_aid(world.coach, case, 56)
    pks = [case.pk for case in cases]
    assert _readings_queries(pks[:1]) == _readings_queries(pks) == 1
    assert _warnings_queries(pks[:1]) == _warnings_queries(pks) == 2
