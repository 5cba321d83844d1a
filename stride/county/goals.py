"""County goals: the level a target means, when a review is due, and how a goal's live measure
moves toward its target month by month.

A goal follows one of the measures `county.live` offers (the measures app's shares of
families). Its path runs straight from the baseline, in the month the goal was set, to the
target in the deadline's month; a goal is on track when its last full month stands on or
above that path.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stride.core.models import Organisation

from . import live
from .live import Reading
from .models import CountyGoal, CountyGoalReview

MONTHS_BETWEEN = {
    CountyGoal.Every.QUARTER: 3,
    CountyGoal.Every.HALF_YEAR: 6,
    CountyGoal.Every.YEAR: 12,
}
TENTH = Decimal("0.1")
MONTHS_BEFORE = 5  # the chart starts this many months before the goal was set
MOST_MONTHS = 36  # and shows at most this many months


def measure_name(key: str) -> str:
    return live.goal_measures().get(key, key)


def target_level(goal: CountyGoal) -> Decimal:
    """The level the goal aims at: an improvement is a percentage of the baseline (40% and
    +10% aim at 44%), never past 100%."""
    if goal.target_kind == CountyGoal.Target.REACH:
        return goal.target
    level = goal.baseline * (1 + goal.target / 100)
    return min(level.quantize(TENTH, rounding=ROUND_HALF_UP), Decimal(100))


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has at least 28 days")


def next_review(goal: CountyGoal, last_review: date | None, set_on: date) -> date:
    """When the goal is next due for review: one interval after the last review (or after
    it was set), and never after its deadline."""
    due = add_months(last_review or set_on, MONTHS_BETWEEN[CountyGoal.Every(goal.review_every)])
    return min(due, goal.deadline)


# Progress toward the target, from the live measure.


def month_of(day: date) -> date:
    return day.replace(day=1)


def months_apart(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def start_month(goal: CountyGoal) -> date:
    return month_of(timezone.localdate(goal.set_at))


def expected_level(goal: CountyGoal, month: date) -> Decimal:
    """Where the straight path from the baseline to the target stands in `month`."""
    start, end, level = start_month(goal), month_of(goal.deadline), target_level(goal)
    length = months_apart(start, end)
    done = min(max(months_apart(start, month), 0), length)
    if length == 0:
        return level
    share = goal.baseline + (level - goal.baseline) * done / length
    return share.quantize(TENTH, rounding=ROUND_HALF_UP)


class Standing(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    NOT_YET = "not_yet"
    TOO_EARLY = "too_early"
    NOT_COUNTED = "not_counted"


STANDING_WORDS = {
    Standing.MET: _("Target reached"),
    Standing.ON_TRACK: _("On track"),
    Standing.NOT_YET: _("Not on track yet"),
    Standing.TOO_EARLY: _("Too early to tell"),
    Standing.NOT_COUNTED: _("No families counted yet"),
}


# What a review records for a standing, as the review form's first choice.
REVIEW_STANDING = {
    Standing.MET: CountyGoalReview.Standing.MET,
    Standing.ON_TRACK: CountyGoalReview.Standing.ON_TRACK,
    Standing.NOT_YET: CountyGoalReview.Standing.BEHIND,
}


def judged_month(goal: CountyGoal, today: date) -> date | None:
    """The month a goal is judged on: the last full month, and never one after the deadline's
    month; None while no full month has passed since the goal was set."""
    month = min(add_months(month_of(today), -1), month_of(goal.deadline))
    return month if month >= start_month(goal) else None


@dataclass(frozen=True)
class Progress:
    goal: CountyGoal
    level: Decimal
    month: date | None  # the month judged on
    reading: Reading | None
    expected: Decimal | None
    standing: Standing

    @property
    def words(self) -> str:
        return str(STANDING_WORDS[self.standing])

    @property
    def on_track(self) -> bool:
        return self.standing in (Standing.MET, Standing.ON_TRACK)


def progress(goal: CountyGoal, readings: Mapping[date, Reading], today: date) -> Progress:
    """How the goal stands on its last full month, in plain words."""
    level, month = target_level(goal), judged_month(goal, today)
    if month is None:
        return Progress(goal, level, None, None, None, Standing.TOO_EARLY)
    reading, expected = readings.get(month), expected_level(goal, month)
    share = reading.percent if reading else None
    if share is None:
        standing = Standing.NOT_COUNTED
    elif share >= level:
        standing = Standing.MET
    elif share >= expected:
        standing = Standing.ON_TRACK
    else:
        standing = Standing.NOT_YET
    return Progress(goal, level, month, reading, expected, standing)


def progress_of_each(
    county_goals: list[CountyGoal], county: Organisation, today: date
) -> list[Progress]:
    """Each goal's progress, reading each measure once for all the goals that follow it."""
    months = sorted({m for goal in county_goals if (m := judged_month(goal, today)) is not None})
    keys = {goal.measure for goal in county_goals}
    found = live.source().readings(county, keys, months) if months else {}
    return [progress(goal, found.get(goal.measure, {}), today) for goal in county_goals]


# The chart: a bar for each month's share, the path to the target, and the target's level.

BAR_STEP = 30
BAR_WIDTH = 22
CHART_HEIGHT = 100  # 0% to 100%; the months' labels sit below


@dataclass(frozen=True)
class ChartMonth:
    month: date
    reading: Reading | None  # None: a month still to come
    expected: Decimal | None  # None: before the goal was set
    so_far: bool  # the month we are in, not over yet
    x: int
    y: int
    height: int

    @property
    def middle(self) -> int:
        return self.x + BAR_WIDTH // 2

    @property
    def when(self) -> date:  # the bar's label (county/_bars.html)
        return self.month

    @property
    def drawn(self) -> bool:
        return self.reading is not None


@dataclass(frozen=True)
class Chart:
    months: list[ChartMonth]
    level: Decimal
    baseline: Decimal

    @property
    def width(self) -> int:
        return len(self.months) * BAR_STEP

    @property
    def bars(self) -> list[ChartMonth]:  # as county/_bars.html draws them
        return self.months

    @property
    def level_y(self) -> Decimal:
        return CHART_HEIGHT - self.level

    @property
    def path(self) -> str:
        """The path's points for an SVG polyline."""
        return " ".join(
            f"{m.middle},{CHART_HEIGHT - m.expected}" for m in self.months if m.expected is not None
        )


def chart_months(goal: CountyGoal) -> list[date]:
    """From a few months before the goal was set to its deadline's month, at most 36."""
    first = add_months(start_month(goal), -MONTHS_BEFORE)
    count = min(months_apart(first, month_of(goal.deadline)) + 1, MOST_MONTHS)
    return [add_months(first, offset) for offset in range(count)]


def counted_months(goal: CountyGoal, today: date) -> list[date]:
    """The chart's months that have begun: those a measure can be read for."""
    return [month for month in chart_months(goal) if month <= month_of(today)]


def chart(goal: CountyGoal, readings: Mapping[date, Reading], today: date) -> Chart:
    this_month, start = month_of(today), start_month(goal)
    drawn = []
    for index, month in enumerate(chart_months(goal)):
        reading = readings.get(month) if month <= this_month else None
        share = (reading.percent if reading else None) or Decimal(0)
        height = int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        drawn.append(
            ChartMonth(
                month,
                reading,
                expected_level(goal, month) if month >= start else None,
                month == this_month,
                index * BAR_STEP,
                CHART_HEIGHT - height,
                height,
            )
        )
    return Chart(drawn, target_level(goal), goal.baseline)
