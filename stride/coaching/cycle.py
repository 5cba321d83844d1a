"""Coaching nudges: gentle hints about a goal, never rules that block saving.

The seeds ask for goals that are specific, measurable and time-bound, and
small enough to reach; a hint says what would help, in plain words, and the
coach and participant decide.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .models import Goal, Review

FEW_WORDS = 4
SHORT_TERM_HORIZON = timedelta(days=183)
HARD = 8
SOON = timedelta(days=30)
UNSURE = 4


@dataclass(frozen=True)
class Hint:
    code: str
    message: str


def goal_hints(goal: Goal, today: date) -> list[Hint]:
    hints = []
    if len(goal.words.split()) < FEW_WORDS:
        hints.append(Hint("specific", _("Say a little more: what exactly will happen?")))
    if not goal.measure.strip():
        hints.append(
            Hint("measurable", _("How will you both know it's done? A number or a sign helps."))
        )
    if goal.target_date is None:
        hints.append(Hint("time_bound", _("Add a target date: it makes a plan easier to build.")))
    elif goal.term == Goal.Term.SHORT and goal.target_date - today > SHORT_TERM_HORIZON:
        hints.append(
            Hint(
                "too_far",
                _(
                    "This date is far off for a short-term goal. Make it long-term, with smaller goals on the way?"
                ),
            )
        )
    if (
        goal.difficulty is not None
        and goal.difficulty >= HARD
        and goal.target_date is not None
        and goal.target_date - today <= SOON
    ):
        hints.append(
            Hint("too_big", _("This feels hard for a short time. Break it into smaller goals?"))
        )
    if goal.confidence is not None and goal.confidence <= UNSURE:
        hints.append(
            Hint("unsure", _("What would make you more sure? A smaller first step can help."))
        )
    return hints


# What a review's decision does to its goal's status.
STATUS_AFTER_REVIEW: dict[str, str] = {
    Review.Decision.KEEP_GOING: Goal.Status.ACTIVE,
    Review.Decision.REVISE_PLAN: Goal.Status.ACTIVE,
    Review.Decision.CHANGE_GOAL: Goal.Status.REVISED,
    Review.Decision.ACHIEVED: Goal.Status.ACHIEVED,
    Review.Decision.NEW_GOAL: Goal.Status.REPLACED,
    Review.Decision.SET_ASIDE: Goal.Status.SET_ASIDE,
}
