"""Program engagement: families with any contact or activity in the month."""

from datetime import date

from django.db.models import DateField, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from stride.coaching.models import CoachingSession
from stride.core import access
from stride.participation.models import HoursEntry
from stride.people.models import Participant

from .enrolled import enrolled_months
from .figures import Definition, Measure, Table, Tally, each_once
from .months import last_day


def engaged_months(
    participants: QuerySet[Participant], months: list[date]
) -> set[tuple[int, date]]:
    """(participant id, month) for each month with a coaching session held or hours entered
    for a day in it."""
    start, end = months[0], last_day(months[-1])
    sessions = access.belonging_to(
        CoachingSession.objects.filter(held_at__date__gte=start, held_at__date__lte=end),
        participants,
    ).annotate(month=TruncMonth("held_at", output_field=DateField()))
    hours = access.belonging_to(
        HoursEntry.objects.filter(day__gte=start, day__lte=end), participants
    ).annotate(month=TruncMonth("day", output_field=DateField()))
    return set(sessions.values_list("participant_id", "month").distinct()) | set(
        hours.values_list("participant_id", "month").distinct()
    )


def count(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
    tally = Tally(participants, months, by)
    enrolled = enrolled_months(participants, months)
    tally.add(each_once(enrolled), denominator=True)
    tally.add(each_once(engaged_months(participants, months) & enrolled))
    return tally.table(is_rate=True)


ENGAGEMENT = Measure(
    key="engagement",
    title=_("Program engagement"),
    definition=Definition(
        numerator=_(
            "Families with at least one coaching session held, or hours entered for a day, "
            "in the month."
        ),
        denominator=_("Families with an enrollment open at any time in the month."),
        month=_("The month the session was held or the hours were worked."),
        who=_("Each family once a month, with the coach, team and county it has today."),
    ),
    count=count,
    is_rate=True,
)
