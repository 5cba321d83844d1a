"""The participation ladder: how many of the month's counted adults stand on each step.

The steps are participation's own monthly count (`MonthResult.step`, from its rules); this
module only reads them.
"""

from datetime import date

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from stride.core import access
from stride.participation.models import MonthResult
from stride.people.models import Participant

from .figures import Counter, Definition, Measure, Table, Tally


def _results(participants: QuerySet[Participant], months: list[date]) -> QuerySet[MonthResult]:
    return access.belonging_to(MonthResult.objects.filter(month__in=months), participants)


def counter(step: str) -> Counter:
    def count(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
        tally = Tally(participants, months, by)
        results = _results(participants, months)
        tally.add(results.values_list("participant_id", "month").annotate(n=Count("pk")), True)
        tally.add(
            results.filter(step=step).values_list("participant_id", "month").annotate(n=Count("pk"))
        )
        return tally.table(is_rate=True)

    return count


LADDER_DENOMINATOR = _("Adults whose hours participation counted for the month.")
LADDER_MONTH = _("The month the hours belong to.")
LADDER_WHO = _("Each adult once a month, with the coach, team and county they have today.")


def _measure(step: MonthResult.Step) -> Measure:
    return Measure(
        key=f"ladder-{step.value}",
        title=step.label,
        definition=Definition(
            numerator=LADDER_NUMERATORS[step],
            denominator=LADDER_DENOMINATOR,
            month=LADDER_MONTH,
            who=LADDER_WHO,
        ),
        count=counter(step.value),
        is_rate=True,
    )


LADDER_NUMERATORS = {
    MonthResult.Step.NONE: _("Adults with no countable hours in the month."),
    MonthResult.Step.SOME: _(
        "Adults with some countable hours, below the share of their required hours that the "
        "participation rules set for the next step (half, as Stride ships them)."
    ),
    MonthResult.Step.SUBSTANTIAL: _(
        "Adults whose weekly average reached the share of their required hours that the "
        "participation rules set for this step (half, as Stride ships them), without meeting "
        "their requirement."
    ),
    MonthResult.Step.FULL: _("Adults who met their requirement: all the hours it asks for."),
}

LADDER = [_measure(step) for step in MonthResult.Step]
