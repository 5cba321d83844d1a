"""Coach-customer pairing consistency: families who kept the same coach through the month."""

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from stride.core import access
from stride.people.models import CoachAssignment, Participant

from .figures import Definition, Measure, Table, Tally, each_once
from .months import last_day


def _coach_on(spans: list[tuple[int, date, date | None]], day: date) -> int | None:
    """The coach of an assignment running on `day` (a reassignment ends the old one the day
    the new one starts)."""
    for coach_id, started_on, ended_on in spans:
        if started_on <= day and (ended_on is None or ended_on > day):
            return coach_id
    return None


def count(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
    start, end = months[0], last_day(months[-1])
    rows = access.belonging_to(
        CoachAssignment.objects.filter(started_on__lte=end).exclude(ended_on__lt=start),
        participants,
    ).values_list("participant_id", "coach_id", "started_on", "ended_on")
    spans: dict[int, list[tuple[int, date, date | None]]] = {}
    for participant_id, coach_id, started_on, ended_on in rows:
        spans.setdefault(participant_id, []).append((coach_id, started_on, ended_on))
    paired, kept = [], []
    for participant_id, assignments in spans.items():
        for month in months:
            first = _coach_on(assignments, month)
            last = _coach_on(assignments, last_day(month))
            if first is None or last is None:
                continue
            paired.append((participant_id, month))
            if first == last:
                kept.append((participant_id, month))
    tally = Tally(participants, months, by)
    tally.add(each_once(paired), denominator=True)
    tally.add(each_once(kept))
    return tally.table(is_rate=True)


PAIRING = Measure(
    key="pairing",
    title=_("Same coach all month"),
    definition=Definition(
        numerator=_("Families whose coach on the month's last day was their coach on its first."),
        denominator=_("Families who had a coach on both the first and the last day of the month."),
        month=_("The month whose first and last days are compared."),
        who=_("Each family once a month, with the coach, team and county it has today."),
    ),
    count=count,
    is_rate=True,
)
