"""Bridge movement: of the families who finished a self-sufficiency bridge in the month, those
standing at least a level higher on one of its pillars than one to six months before.

A pillar's level is the assessments app's own (`scoring.pillar_level`: its domains' mean,
rounded down), and two bridges are compared only when answered on the same version, as a
family's history and the county's summary compare them.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stride.assessments.models import Response
from stride.assessments.scoring import pillar_level
from stride.assessments.summary import BRIDGE
from stride.core import access
from stride.participation.countable import add_months
from stride.people.models import Participant

from .figures import Definition, Measure, Table, Tally, each_once
from .months import last_day, month_of

EARLIEST, LATEST = 6, 1  # how many months before a bridge the one it is compared with may be


def months_before(day: date, count: int) -> date:
    """The same day `count` months before `day` (the month's last day when it is shorter)."""
    month = add_months(month_of(day), -count)
    return month.replace(day=min(day.day, last_day(month).day))


def _midnight(day: date) -> datetime:
    """The local start of `day`: bounds on the moment itself, so its index serves."""
    return timezone.make_aware(datetime.combine(day, time.min))


def moved_up(now: dict[str, Any] | None, before: dict[str, Any] | None) -> bool:
    """True when some pillar of `now` (a result's sections: pillar -> mean) stands at a higher
    level than the same pillar did in `before`."""
    earlier = before or {}
    return any(
        key in earlier and pillar_level(mean) > pillar_level(earlier[key])
        for key, mean in (now or {}).items()
    )


def count(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
    start, end = months[0], last_day(months[-1])
    rows = (
        access.belonging_to(
            Response.objects.filter(
                instrument=BRIDGE,
                completed_at__gte=_midnight(months_before(start, EARLIEST)),
                completed_at__lt=_midnight(end + timedelta(days=1)),
            ),
            participants,
        )
        .order_by("participant_id", "completed_at", "pk")
        # Only the pillars' means, not the whole result (its parts' levels and hints).
        .values_list("participant_id", "instrument_version", "completed_at", "result__sections")
    )
    sittings: dict[int, list[tuple[int, date, dict[str, Any]]]] = defaultdict(list)
    for participant_id, version, completed_at, result in rows:
        day = timezone.localdate(completed_at)
        sittings[participant_id].append((version, day, result))
    compared, rose = [], []
    for participant_id, theirs in sittings.items():
        latest_in: dict[date, tuple[int, date, dict[str, Any]]] = {}
        for sitting in theirs:  # oldest first: the month's last bridge is kept
            if start <= sitting[1] <= end:
                latest_in[month_of(sitting[1])] = sitting
        for month, (version, day, result) in latest_in.items():
            earlier = [
                before
                for before_version, before_day, before in theirs
                if before_version == version
                and months_before(day, EARLIEST) <= before_day <= months_before(day, LATEST)
            ]
            if not earlier:
                continue
            compared.append((participant_id, month))
            if moved_up(result, earlier[0]):
                rose.append((participant_id, month))
    tally = Tally(participants, months, by)
    tally.add(each_once(compared), denominator=True)
    tally.add(each_once(rose))
    return tally.table(is_rate=True)


BRIDGE_MOVEMENT = Measure(
    key="bridge-movement",
    title=_("Moved up the bridge"),
    definition=Definition(
        numerator=_(
            "Families standing at least one level higher on some pillar of the self-sufficiency "
            "bridge than on the earliest bridge they finished one to six months before. A "
            "pillar's level is the average of its parts' levels, rounded down."
        ),
        denominator=_(
            "Families who finished a bridge in the month and had finished another, on the same "
            "version of the bridge, one to six months before it."
        ),
        month=_(
            "The month the later bridge was finished; of two in one month, the later one counts."
        ),
        who=_("Each family once a month, with the coach, team and county it has today."),
    ),
    count=count,
    is_rate=True,
)
