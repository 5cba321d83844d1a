"""Employment entries and moves from subsidised to unsubsidised employment, read from the
schedules coaches keep on a participant's participation page (`ActivityPlan`): a schedule in
an activity the county's catalogue counts as unsubsidised employment is a job.

A new schedule that follows straight on from another in unsubsidised employment (the hours
changed) is the same job going on, not an entry.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from stride.core import access
from stride.participation.models import ActivityPlan, WorkActivity
from stride.people.models import Participant

from .figures import Definition, Measure, Table, Tally, each_once
from .months import last_day, month_of

JOB = WorkActivity.UNSUBSIDIZED_EMPLOYMENT
SUBSIDISED = (WorkActivity.SUBSIDIZED_PRIVATE, WorkActivity.SUBSIDIZED_PUBLIC)
# A subsidised job ended this many days before the unsubsidised one started, or later, is a move.
MOVE_GAP = timedelta(days=31)

Span = tuple[date, date | None]


def _spans(
    participants: QuerySet[Participant], kinds: tuple[str, ...], since: date, end: date
) -> dict[int, list[Span]]:
    """(start, end) of each schedule in one of `kinds` running at some time from `since` to
    `end`, by participant, in one query."""
    rows = access.belonging_to(
        ActivityPlan.objects.filter(activity__federal_activity__in=kinds, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=since))
        .order_by("starts_on"),
        participants,
    ).values_list("participant_id", "starts_on", "ends_on")
    found: dict[int, list[Span]] = defaultdict(list)
    for participant_id, starts_on, ends_on in rows:
        found[participant_id].append((starts_on, ends_on))
    return found


def _running_on(spans: list[Span], day: date) -> bool:
    return any(start <= day and (end is None or end >= day) for start, end in spans)


def entries(jobs: dict[int, list[Span]], start: date, end: date) -> list[tuple[int, date]]:
    """(participant id, day) of each unsubsidised job started from `start` to `end` with none
    running the day before."""
    return [
        (participant_id, starts_on)
        for participant_id, spans in jobs.items()
        for starts_on, _ends_on in spans
        if start <= starts_on <= end and not _running_on(spans, starts_on - timedelta(days=1))
    ]


def count_entries(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
    start, end = months[0], last_day(months[-1])
    jobs = _spans(participants, (JOB,), start - timedelta(days=1), end)
    tally = Tally(participants, months, by)
    tally.add(each_once((pid, month_of(day)) for pid, day in entries(jobs, start, end)))
    return tally.table(is_rate=False)


def count_moves(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
    start, end = months[0], last_day(months[-1])
    jobs = _spans(participants, (JOB,), start - timedelta(days=1), end)
    subsidised = _spans(participants, SUBSIDISED, start - MOVE_GAP, end)
    moves = []
    for participant_id, day in entries(jobs, start, end):
        month_end = last_day(month_of(day))
        if any(
            starts_on < day and ends_on is not None and day - MOVE_GAP <= ends_on <= month_end
            for starts_on, ends_on in subsidised.get(participant_id, [])
        ):
            moves.append((participant_id, month_of(day)))
    tally = Tally(participants, months, by)
    tally.add(each_once(moves))
    return tally.table(is_rate=False)


WHO = _("Each family once a month, with the coach, team and county it has today.")

EMPLOYMENT_ENTRIES = Measure(
    key="employment-entries",
    title=_("Started a job"),
    definition=Definition(
        numerator=_(
            "Families whose coach scheduled them in an activity counted as unsubsidized "
            "employment starting in the month, with no such schedule running the day before: a "
            "new schedule straight after another (the hours changed) is the same job."
        ),
        month=_("The month of the schedule's first day."),
        who=WHO,
    ),
    count=count_entries,
)
SUBSIDISED_TO_UNSUBSIDISED = Measure(
    key="subsidized-to-unsubsidized",
    title=_("Moved from subsidized to unsubsidized work"),
    definition=Definition(
        numerator=_(
            "Families who started a job in the month (as counted for jobs started) after a "
            "schedule in subsidized employment, private or public sector: one begun before the "
            "job that ended no more than 31 days before the job's first day, or on a later day "
            "of that month."
        ),
        month=_("The month of the unsubsidized job's first day."),
        who=WHO,
    ),
    count=count_moves,
)
