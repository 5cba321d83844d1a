"""County goals: the measures a goal may name, the level a target means, and when a review is due.

A goal names its measure from MEASURES for now; when the measures app publishes its live
figures, a goal will read its measure's trend from there instead of typed review figures.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import CountyGoal

# Measures named in the county's planning work (issue 18), each a percentage of families.
MEASURES: dict[str, Promise] = {
    "work_participation": _("Work participation rate"),
    "engagement": _("Families taking part in the program each month"),
    "goals_achieved": _("Goals reached"),
    "steps_completed": _("Steps completed on time"),
    "bridge_movement": _("Families moving up a level on the bridge"),
    "referrals_closed": _("Referrals closed with an outcome"),
    "employment_entries": _("Families starting a job"),
    "unsubsidised_moves": _("Moves from subsidized to unsubsidized work"),
    "education_completions": _("Education and training completed"),
    "pairing_consistency": _("Families keeping the same coach"),
}

MONTHS_BETWEEN = {
    CountyGoal.Every.QUARTER: 3,
    CountyGoal.Every.HALF_YEAR: 6,
    CountyGoal.Every.YEAR: 12,
}
TENTH = Decimal("0.1")


def measure_name(key: str) -> str:
    return str(MEASURES.get(key, key))


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
