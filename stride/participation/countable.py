"""Countable hours: how many of a month's hours count toward the federal work participation rate.

`count_month` applies the rules in `rules/federal.yaml` to one person's
entries for one month, starting from what the limits had used by the end of
the month before (`Usage`). It returns the hours counted per activity, the
weekly average, whether the month meets the family's requirement, the step
on the participation ladder, and the reasons, each with its citation, as
plain data for the page to word. No Django here: the engine is tested on
its own.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .rules import ParticipationRules, Requirement

JOB_SEARCH = "job_search"
VOCATIONAL_TRAINING = "vocational_training"
SCHOOL_ATTENDANCE = "school_attendance"
EDUCATION_FOR_WORK = "education_for_work"
OTHER = "other"

TWO_PARENT_RULES = ("two_parent", "two_parent_federal_child_care")

PARTICIPATION = "participation"
EXCUSED = "excused"
HOLIDAY = "holiday"

KINDS = (PARTICIPATION, EXCUSED, HOLIDAY)
HOURS_IN_A_DAY = 24

# Slack for comparing sums of hours kept to two decimals.
EPSILON = 0.005


class Refused(ValueError):
    """Entries the rules cannot count: the month is not counted at all.

    `code` says why: "too_many_hours" (more than 24 hours on one day, summed over
    the day's entries), "unknown_activity" (a code the rules do not list),
    "unknown_kind", or "bad_hours" (negative or not a number). Callers turn it
    into a message next to the field or the row.
    """

    def __init__(self, code: str, day: date, activity: str = "", hours: float = 0.0) -> None:
        super().__init__(f"{code} on {day}: {activity} {hours}".strip())
        self.code = code
        self.day = day
        self.activity = activity
        self.hours = hours


# Not frozen: a state's month builds two million of these, and slots without the
# frozen __init__ make that three times cheaper.
@dataclass(slots=True)
class Entry:
    day: date
    activity: str
    hours: float
    kind: str = PARTICIPATION
    # Hours of this activity scheduled that day: what an absence may excuse.
    scheduled: float = 0.0
    verified: bool = True


@dataclass(frozen=True)
class Person:
    requirement: str
    # A head of household or married recipient under 20 (45 CFR 261.33(b)).
    young_parent: bool = False
    needy_state: bool = False
    # The family's monthly TANF grant and SNAP allotment and the minimum wage: they set the most
    # hours of work experience or community service the minimum-wage law allows (261.31(d)).
    flsa: "MinimumWageLimit | None" = None


@dataclass(frozen=True)
class MinimumWageLimit:
    """A family's month under the minimum-wage law (45 CFR 261.31(d), 261.32(d)).

    The most hours a month a state may require in work experience or community
    service is the family's TANF grant plus its SNAP allotment, divided by the
    higher of the federal and the state minimum wage. Kept as the three inputs
    so the figure is exact, never a rounded weekly number.
    """

    tanf_grant: Decimal
    snap_allotment: Decimal
    state_minimum_wage: Decimal | None = None

    def max_monthly_hours(self, rules: ParticipationRules) -> Fraction:
        wage = max(rules.federal_minimum_wage, self.state_minimum_wage or Decimal(0))
        return Fraction(self.tanf_grant + self.snap_allotment) / Fraction(wage)

    def reached_by(self, rules: ParticipationRules, hours: Decimal) -> bool:
        """Whether `hours` in the month are all the hours the law allows.

        Hours are kept in hundredths, so the most a state can schedule is the
        maximum taken down to the hundredth; the comparison is exact.
        """
        most = self.max_monthly_hours(rules)
        return Fraction(hours) >= Fraction(math.floor(most * 100), 100)


@dataclass
class Usage:
    """What the limits had counted by the end of a month: enough to start the next one."""

    job_search_weeks: dict[date, float] = field(default_factory=dict)  # Monday -> hours counted
    excused: dict[date, float] = field(default_factory=dict)  # month -> hours counted
    holidays: set[date] = field(default_factory=set)
    short_week: date | None = None
    vocational_months: int = 0  # over a lifetime, not a window

    def within_year_before(self, month: date) -> "Usage":
        """Only what falls in the twelve months ending with `month` (the rules' look-back)."""
        start = add_months(month, -11)
        return Usage(
            job_search_weeks={
                week: hours
                for week, hours in self.job_search_weeks.items()
                if week + timedelta(days=6) >= start
            },
            excused={when: hours for when, hours in self.excused.items() if when >= start},
            holidays={day for day in self.holidays if day >= start},
            short_week=self.short_week
            if self.short_week and self.short_week + timedelta(days=6) >= start
            else None,
            vocational_months=self.vocational_months,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "job_search_weeks": {str(week): hours for week, hours in self.job_search_weeks.items()},
            "excused": {str(month): hours for month, hours in self.excused.items()},
            "holidays": sorted(str(day) for day in self.holidays),
            "short_week": str(self.short_week) if self.short_week else None,
            "vocational_months": self.vocational_months,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Usage":
        return cls(
            job_search_weeks={
                date.fromisoformat(week): hours
                for week, hours in data.get("job_search_weeks", {}).items()
            },
            excused={
                date.fromisoformat(month): hours for month, hours in data.get("excused", {}).items()
            },
            holidays={date.fromisoformat(day) for day in data.get("holidays", [])},
            short_week=date.fromisoformat(data["short_week"]) if data.get("short_week") else None,
            vocational_months=data.get("vocational_months", 0),
        )


@dataclass
class MonthCount:
    month: date
    requirement: Requirement
    # activity -> {"reported": verified hours entered, "participation"/"excused"/"holiday": counted}
    by_activity: dict[str, dict[str, float]]
    countable_hours: float
    core_hours: float
    # Non-core hours the rules allowed, before the core threshold: what a second parent's core hours may unlock.
    non_core_hours: float
    weekly_average: float
    # Core hours deemed done under the minimum-wage limit (ACF-199 items 63 and 64).
    deemed_core_hours: float
    deemed_core_two_parent: float
    # A parent under 20 in school is engaged in work whatever the hours (45 CFR 261.33(b)).
    deemed_engaged: bool
    meets: bool
    step: str
    reasons: list[dict[str, Any]]
    usage: Usage
    # Hours counted in the activities the minimum wage limits, exactly, and the family's limit.
    flsa_hours: Decimal = Decimal(0)
    flsa: MinimumWageLimit | None = None


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _round(hours: float) -> float:
    return round(hours + 0.0, 2)


def weeks_in(rules: ParticipationRules, month: date) -> float:
    """What a month's hours are divided by to give the weekly average.

    Federal rules: 4.33 for every month. A state may choose the actual weeks
    instead: the weeks (Monday to Sunday) that end in the month, 4 or 5. Either
    way a week that straddles two months is never cut into parts.
    """
    if rules.weekly_divisor != "actual_weeks":
        return rules.weeks_per_month
    first_sunday = month + timedelta(days=6 - month.weekday())
    return float(len(range(first_sunday.toordinal(), add_months(month, 1).toordinal(), 7)))


def check_entries(rules: ParticipationRules, entries: list[Entry]) -> None:
    """Refuse entries the rules cannot count, whoever built them (see `Refused`)."""
    known = rules.core_activities | rules.non_core_activities | {OTHER}
    by_day: dict[date, float] = defaultdict(float)
    for entry in entries:
        if entry.activity not in known:
            raise Refused("unknown_activity", entry.day, entry.activity, entry.hours)
        if entry.kind not in KINDS:
            raise Refused("unknown_kind", entry.day, entry.activity, entry.hours)
        if not math.isfinite(entry.hours) or entry.hours < 0:
            raise Refused("bad_hours", entry.day, entry.activity, entry.hours)
        by_day[entry.day] += entry.hours
    for day, hours in sorted(by_day.items()):
        if hours > HOURS_IN_A_DAY + EPSILON:
            raise Refused("too_many_hours", day, hours=_round(hours))


def count_month(
    rules: ParticipationRules,
    month: date,
    person: Person,
    entries: list[Entry],
    previous: Usage | None = None,
) -> MonthCount:
    """Count one person's month. `previous` is the usage at the end of an earlier month."""
    month = month.replace(day=1)
    next_month = add_months(month, 1)
    outside = [entry for entry in entries if not month <= entry.day < next_month]
    if outside:
        raise ValueError(f"{len(outside)} entries fall outside {month:%Y-%m}")
    check_entries(rules, entries)
    history = (previous or Usage()).within_year_before(month)
    first = _count(rules, month, person, entries, history, short_week=None)
    if first.meets or history.short_week is not None:
        return first
    # Once in twelve months a short week of job search may count as a full
    # week (45 CFR 261.34(e)); it is spent only when it lifts the month to the full hours.
    for week in _short_week_candidates(rules, month, entries):
        trial = _count(rules, month, person, entries, history, short_week=week)
        if trial.meets:
            return trial
    return first


def _short_week_candidates(
    rules: ParticipationRules, month: date, entries: list[Entry]
) -> list[date]:
    """Weeks wholly inside the month with job search on three or four days.

    A week that runs into another month has days this month cannot see.
    """
    days_by_week: dict[date, set[date]] = defaultdict(set)
    for entry in entries:
        if entry.activity == JOB_SEARCH and entry.verified and entry.hours > 0:
            days_by_week[monday_of(entry.day)].add(entry.day)
    next_month = add_months(month, 1)
    return sorted(
        week
        for week, days in days_by_week.items()
        if len(days) in rules.job_search_short_week_days
        and week >= month
        and week + timedelta(days=6) < next_month
    )


def _count(
    rules: ParticipationRules,
    month: date,
    person: Person,
    entries: list[Entry],
    history: Usage,
    short_week: date | None,
) -> MonthCount:
    requirement = rules.requirement(person.requirement)
    usage = replace(
        history,
        job_search_weeks=dict(history.job_search_weeks),
        excused=dict(history.excused),
        holidays=set(history.holidays),
    )
    reasons: list[dict[str, Any]] = [
        {
            "code": "requirement",
            "rule": requirement.code,
            "weekly": requirement.weekly_hours,
            "core": requirement.core_hours,
            "cite": requirement.cite,
        }
    ]
    by_activity: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    dropped: dict[str, float] = defaultdict(float)
    # Eligible hours per activity and day, after verification and the absence rules.
    eligible: list[tuple[Entry, float]] = []

    for entry in sorted(entries, key=lambda item: (item.day, item.kind, item.activity)):
        hours = max(0.0, entry.hours)
        if not entry.verified:
            dropped["not_verified"] += hours
            continue
        by_activity[entry.activity]["reported"] += hours
        if entry.activity == OTHER:
            dropped["other_activity"] += hours
            continue
        if entry.kind == PARTICIPATION:
            eligible.append((entry, hours))
            continue
        if entry.activity in rules.paid_activities:
            # Paid leave is entered as hours worked; an unpaid absence from a job does not count.
            dropped["paid_absence"] += hours
            continue
        allowed = min(hours, max(0.0, entry.scheduled))
        dropped["unscheduled_absence"] += hours - allowed
        if allowed > 0:
            eligible.append((entry, allowed))
    vocational_before = usage.vocational_months
    eligible = _limit_vocational_training(rules, eligible, usage, dropped)
    eligible = _limit_job_search(rules, person, eligible, usage, dropped, reasons, short_week)
    # The absence allowances are spent last, only on hours the activity limits kept.
    eligible = _limit_absences(rules, month, eligible, usage, dropped)
    if not any(entry.activity == VOCATIONAL_TRAINING for entry, _ in eligible):
        usage.vocational_months = vocational_before

    core = 0.0
    non_core = 0.0
    for entry, hours in eligible:
        by_activity[entry.activity][entry.kind] += hours
        if entry.activity in rules.core_activities:
            core += hours
        else:
            non_core += hours

    weeks = weeks_in(rules, month)
    two_parent = requirement.code in TWO_PARENT_RULES
    overall_core = rules.requirement("all_family").core_hours if two_parent else None
    flsa_hours = _flsa_hours(rules, eligible)
    deemed = _deemed_core(
        rules, person.flsa, flsa_hours, core, (overall_core or requirement.core_hours) * weeks
    )
    deemed_two_parent = (
        _deemed_core(rules, person.flsa, flsa_hours, core, requirement.core_hours * weeks)
        if two_parent
        else 0.0
    )
    deemed_here = deemed_two_parent if two_parent else deemed
    if deemed_here > 0:
        reasons.append(
            {"code": "deemed_core", "hours": _round(deemed_here), "cite": rules.deemed_core_cite}
        )
    core_counted = core + deemed_here
    countable = core_counted
    if core_counted + EPSILON >= requirement.core_hours * weeks:
        countable += non_core
    elif non_core > 0:
        dropped["non_core_waiting"] += non_core
    weekly_average = countable / weeks
    meets = weekly_average + EPSILON >= requirement.weekly_hours
    engaged = False
    if not meets and person.young_parent and _young_parent_engaged(rules, eligible, weeks):
        # A parent under 20 in school counts as engaged in work, whatever the hours.
        engaged = meets = True
        reasons.append({"code": "deemed_young_parent", "cite": rules.young_parent_cite})

    for code, hours in dropped.items():
        if hours > EPSILON:
            reasons.append(_dropped_reason(rules, code, _round(hours)))
    if any(entry.activity == JOB_SEARCH for entry, _ in eligible) or usage.job_search_weeks:
        used = sum(usage.job_search_weeks.values())
        reasons.append(
            {
                "code": "job_search_used",
                "weeks_used": round(used / _job_search_week(rules, person), 1),
                "weeks_allowed": _job_search_allowed_weeks(rules, person),
                "cite": rules.job_search_cite,
            }
        )
    reasons.append(_verdict(requirement, weekly_average, meets))
    return MonthCount(
        month=month,
        requirement=requirement,
        by_activity={
            activity: {kind: _round(hours) for kind, hours in kinds.items()}
            for activity, kinds in by_activity.items()
        },
        countable_hours=_round(countable),
        core_hours=_round(core),
        non_core_hours=_round(non_core),
        weekly_average=_round(weekly_average),
        deemed_core_hours=_round(deemed),
        deemed_core_two_parent=_round(deemed_two_parent),
        deemed_engaged=engaged,
        meets=meets,
        step=_ladder_step(rules, requirement, weekly_average, meets),
        reasons=reasons,
        usage=usage,
        flsa_hours=flsa_hours,
        flsa=person.flsa,
    )


def combine_family(rules: ParticipationRules, counts: list[MonthCount]) -> list[MonthCount]:
    """Two parents meet the two-parent rate on their hours together (45 CFR 261.32).

    Child care is the family's: if either parent's month says it is federally funded, both
    are held to the 55 hours. So is the minimum-wage limit: the family's grant and allotment
    set one maximum, and the parents' hours of work experience and community service
    together must reach it before the rest of the core hours are deemed (261.32(d)).
    """
    requirement = max((count.requirement for count in counts), key=lambda r: r.weekly_hours)
    weeks = weeks_in(rules, counts[0].month)
    flsa = next((count.flsa for count in counts if count.flsa is not None), None)
    own_core = sum(count.core_hours for count in counts)
    family_deemed = _deemed_core(
        rules,
        flsa,
        sum((count.flsa_hours for count in counts), Decimal(0)),
        own_core,
        requirement.core_hours * weeks,
    )
    # The family's deemed hours are reported once, on the parent with the most limited hours.
    deemed_on = max(range(len(counts)), key=lambda index: counts[index].flsa_hours)
    core = own_core + family_deemed
    countable = core
    if core + EPSILON >= requirement.core_hours * weeks:
        countable += sum(count.non_core_hours for count in counts)
    weekly_average = countable / weeks
    meets = weekly_average + EPSILON >= requirement.weekly_hours or all(
        count.deemed_engaged for count in counts
    )
    reason = {"code": "family_together", "weekly": _round(weekly_average), "cite": requirement.cite}
    deemed_reason = (
        [{"code": "deemed_core", "hours": _round(family_deemed), "cite": rules.deemed_core_cite}]
        if family_deemed > 0
        else []
    )
    return [
        replace(
            count,
            requirement=requirement,
            meets=meets,
            step=_ladder_step(rules, requirement, weekly_average, meets),
            deemed_core_two_parent=_round(family_deemed) if index == deemed_on else 0.0,
            reasons=[
                *(
                    r
                    for r in count.reasons
                    if r["code"] not in ("meets", "short_of", "deemed_core")
                ),
                *deemed_reason,
                reason,
                _verdict(requirement, weekly_average, meets),
            ],
        )
        for index, count in enumerate(counts)
    ]


def _verdict(requirement: Requirement, weekly_average: float, meets: bool) -> dict[str, Any]:
    if meets:
        return {"code": "meets", "weekly": _round(weekly_average)}
    return {"code": "short_of", "hours_a_week": _round(requirement.weekly_hours - weekly_average)}


def _limit_absences(
    rules: ParticipationRules,
    month: date,
    eligible: list[tuple[Entry, float]],
    usage: Usage,
    dropped: dict[str, float],
) -> list[tuple[Entry, float]]:
    """Ten holidays and 80 hours of excused absence in twelve months, 16 of them in a month.

    Hours an allowance drops give back what the job search and vocational training
    limits had charged for them.
    """
    kept = []
    excused_before = sum(usage.excused.values())
    excused_this_month = 0.0
    for entry, hours in sorted(eligible, key=lambda item: (item[0].day, item[0].activity)):
        counted = hours
        if entry.kind == HOLIDAY:
            if entry.day not in usage.holidays and len(usage.holidays) >= rules.holidays_a_year:
                dropped["holiday_cap"] += hours
                counted = 0.0
            else:
                usage.holidays.add(entry.day)
        elif entry.kind == EXCUSED:
            month_room = rules.excused_hours_a_month - excused_this_month
            year_room = rules.excused_hours_a_year - excused_before - excused_this_month
            counted = max(0.0, min(hours, month_room, year_room))
            if hours - counted > EPSILON:
                cap = "excused_month_cap" if month_room <= year_room else "excused_year_cap"
                dropped[cap] += hours - counted
            excused_this_month += counted
        if entry.activity == JOB_SEARCH and counted < hours:
            week = monday_of(entry.day)
            left = usage.job_search_weeks.get(week, 0.0) - (hours - counted)
            if left > EPSILON:
                usage.job_search_weeks[week] = left
            else:
                usage.job_search_weeks.pop(week, None)
        if counted > 0:
            kept.append((entry, counted))
    if excused_this_month > 0:
        usage.excused[month] = _round(excused_this_month)
    return kept


def _limit_vocational_training(
    rules: ParticipationRules,
    eligible: list[tuple[Entry, float]],
    usage: Usage,
    dropped: dict[str, float],
) -> list[tuple[Entry, float]]:
    """Vocational educational training counts for twelve months in a person's life."""
    if not any(entry.activity == VOCATIONAL_TRAINING and hours > 0 for entry, hours in eligible):
        return eligible
    if usage.vocational_months >= rules.vocational_months:
        kept = []
        for entry, hours in eligible:
            if entry.activity == VOCATIONAL_TRAINING:
                dropped["vocational_limit"] += hours
            else:
                kept.append((entry, hours))
        return kept
    usage.vocational_months += 1
    return eligible


def _job_search_week(rules: ParticipationRules, person: Person) -> float:
    if person.requirement == "single_parent_child_under_six":
        return rules.job_search_week_hours_under_six
    return rules.job_search_week_hours


def _job_search_allowed_weeks(rules: ParticipationRules, person: Person) -> int:
    return rules.job_search_needy_weeks if person.needy_state else rules.job_search_weeks


def _limit_job_search(
    rules: ParticipationRules,
    person: Person,
    eligible: list[tuple[Entry, float]],
    usage: Usage,
    dropped: dict[str, float],
    reasons: list[dict[str, Any]],
    short_week: date | None,
) -> list[tuple[Entry, float]]:
    """Job search counts for six (or twelve) weeks of hours a year, never a fifth week in a row."""
    limit = _job_search_week(rules, person) * _job_search_allowed_weeks(rules, person)
    kept: list[tuple[Entry, float]] = []
    by_week: dict[date, list[tuple[Entry, float]]] = defaultdict(list)
    for entry, hours in eligible:
        if entry.activity == JOB_SEARCH:
            by_week[monday_of(entry.day)].append((entry, hours))
        else:
            kept.append((entry, hours))
    for week in sorted(by_week):
        week_entries = by_week[week]
        if week == short_week:
            days = {entry.day for entry, hours in week_entries if hours > 0}
            total = sum(hours for _, hours in week_entries)
            added = total / len(days) * (5 - len(days))
            week_entries = [*week_entries, (Entry(max(days), JOB_SEARCH, added), added)]
            usage.short_week = week
            reasons.append(
                {
                    "code": "short_week",
                    "week": str(week),
                    "hours": _round(added),
                    "cite": rules.job_search_cite,
                }
            )
        if week not in usage.job_search_weeks and _weeks_in_a_row_before(usage, week) >= (
            rules.job_search_max_consecutive
        ):
            dropped["job_search_consecutive"] += sum(hours for _, hours in week_entries)
            continue
        for entry, hours in week_entries:
            room = max(0.0, limit - sum(usage.job_search_weeks.values()))
            counted = min(hours, room)
            if hours - counted > EPSILON:
                dropped["job_search_limit"] += hours - counted
            if counted > 0:
                usage.job_search_weeks[week] = usage.job_search_weeks.get(week, 0.0) + counted
                kept.append((entry, counted))
    return kept


def _weeks_in_a_row_before(usage: Usage, week: date) -> int:
    count = 0
    earlier = week - timedelta(days=7)
    while usage.job_search_weeks.get(earlier, 0.0) > 0:
        count += 1
        earlier -= timedelta(days=7)
    return count


def _flsa_hours(rules: ParticipationRules, eligible: list[tuple[Entry, float]]) -> Decimal:
    """Hours counted in the activities the minimum wage limits, summed without float error."""
    return sum(
        (
            Decimal(repr(hours))
            for entry, hours in eligible
            if entry.activity in rules.deemed_core_activities
        ),
        Decimal(0),
    )


def _deemed_core(
    rules: ParticipationRules,
    flsa: MinimumWageLimit | None,
    flsa_hours: Decimal,
    core: float,
    core_monthly: float,
) -> float:
    """Core hours short of `core_monthly`, deemed done when the minimum wage capped the hours."""
    if flsa is None or not flsa.reached_by(rules, flsa_hours):
        return 0.0
    return max(0.0, core_monthly - core)


def _young_parent_engaged(
    rules: ParticipationRules, eligible: list[tuple[Entry, float]], weeks: float
) -> bool:
    school = sum(hours for entry, hours in eligible if entry.activity == SCHOOL_ATTENDANCE)
    education = sum(hours for entry, hours in eligible if entry.activity == EDUCATION_FOR_WORK)
    return school > 0 or education / weeks + EPSILON >= rules.young_parent_education_hours


def _dropped_reason(rules: ParticipationRules, code: str, hours: float) -> dict[str, Any]:
    cites = {
        "paid_absence": rules.excused_cite,
        "unscheduled_absence": rules.excused_cite,
        "excused_month_cap": rules.excused_cite,
        "excused_year_cap": rules.excused_cite,
        "holiday_cap": rules.holidays_cite,
        "vocational_limit": rules.vocational_cite,
        "job_search_consecutive": rules.job_search_cite,
        "job_search_limit": rules.job_search_cite,
        "non_core_waiting": rules.non_core_cite,
    }
    reason: dict[str, Any] = {"code": code, "hours": hours}
    if code in cites:
        reason["cite"] = cites[code]
    return reason


def _ladder_step(
    rules: ParticipationRules, requirement: Requirement, weekly_average: float, meets: bool
) -> str:
    if meets:
        return "full"
    weekly = requirement.weekly_hours
    for step in ("full", "substantial", "some"):
        if weekly_average > 0 and weekly_average + EPSILON >= rules.ladder[step] * weekly:
            return step
    return "none"
