"""Goals set, achieved, revised and replaced, and steps completed: counts by month.

Only participants' goals: a staff member's professional goal belongs to no family.
"""

from datetime import date
from typing import Any

from django.db.models import Count, DateField, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stride.coaching.models import Goal, GoalStatusChange, Step
from stride.core import access
from stride.people.models import Participant

from .figures import Counter, Definition, Measure, Table, Tally
from .months import last_day

WHO = _("Every one, with the coach, team and county the family has today.")


def _tally(
    participants: QuerySet[Participant], months: list[date], by: str, rows: QuerySet[Any, Any]
) -> Table:
    tally = Tally(participants, months, by)
    tally.add(rows.annotate(n=Count("pk")))
    return tally.table(is_rate=False)


def goals_set(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
    start, end = months[0], last_day(months[-1])
    goals = access.belonging_to(
        Goal.objects.filter(created_at__date__gte=start, created_at__date__lte=end), participants
    )
    rows = goals.values_list("participant_id", TruncMonth("created_at", output_field=DateField()))
    return _tally(participants, months, by, rows)


def status_counter(status: str) -> Counter:
    def count(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
        start, end = months[0], last_day(months[-1])
        changes = access.belonging_to(
            GoalStatusChange.objects.filter(status=status, on__gte=start, on__lte=end),
            participants,
        )
        rows = changes.values_list("goal__participant_id", TruncMonth("on"))
        return _tally(participants, months, by, rows)

    return count


def steps_completed(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
    start, end = months[0], last_day(months[-1])
    steps = access.belonging_to(
        Step.objects.filter(status=Step.Status.DONE, status_on__gte=start, status_on__lte=end),
        participants,
    )
    rows = steps.values_list("goal__participant_id", TruncMonth("status_on"))
    return _tally(participants, months, by, rows)


def _status_measure(key: str, status: str, title: Promise, numerator: Promise) -> Measure:
    return Measure(
        key=key,
        title=title,
        definition=Definition(
            numerator=numerator,
            month=_("The month of the day the goal's status changed."),
            who=WHO,
        ),
        count=status_counter(status),
    )


GOALS_SET = Measure(
    key="goals-set",
    title=_("Goals set"),
    definition=Definition(
        numerator=_("Goals a family set in the month, short-term and long-term."),
        month=_("The month the goal was set."),
        who=WHO,
    ),
    count=goals_set,
)
GOALS_ACHIEVED = _status_measure(
    "goals-achieved",
    Goal.Status.ACHIEVED,
    _("Goals achieved"),
    _("Goals marked achieved in the month: a review said the family reached them."),
)
GOALS_REVISED = _status_measure(
    "goals-revised",
    Goal.Status.REVISED,
    _("Goals revised"),
    _(
        "Goals marked revised in the month: a review changed the goal itself, not only its plan. "
        "A goal revised again while still revised is not counted again."
    ),
)
GOALS_REPLACED = _status_measure(
    "goals-replaced",
    Goal.Status.REPLACED,
    _("Goals replaced"),
    _("Goals marked replaced in the month: a review put a new goal in their place."),
)
STEPS_COMPLETED = Measure(
    key="steps-completed",
    title=_("Steps completed"),
    definition=Definition(
        numerator=_("Steps of a family's goals marked done in the month."),
        month=_("The month of the day the step was marked done."),
        who=WHO,
    ),
    count=steps_completed,
)
