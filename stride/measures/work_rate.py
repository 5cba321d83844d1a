"""The work participation rate, as participation counts it, by group and month."""

from collections import defaultdict
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from stride.participation import acf199
from stride.people.models import Participant

from .figures import Definition, Figure, Group, Measure, Table, group_keys, groups_of


def count(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
    """Families, not adults: a family meets the rate when its adults' hours do (two parents
    together), and is counted under the group of each adult it has in the rate."""
    groups = groups_of(participants, by)
    rows = acf199.in_rate(participants, months).values_list(
        "participant_id", "participant__household_id", "month", "meets_rate"
    )
    families: dict[tuple[Group, date], dict[int, bool]] = defaultdict(dict)
    for participant_id, household_id, month, meets in rows:
        if participant_id not in groups:
            continue
        seen = families[(groups[participant_id], month)]
        seen[household_id] = seen.get(household_id, False) or meets
    table: Table = {}
    for group in group_keys(groups, by):
        table[group] = {}
        for month in months:
            found = families.get((group, month), {})
            table[group][month] = Figure(sum(found.values()), len(found))
    return table


WORK_RATE = Measure(
    key="work-rate",
    title=_("Work participation rate"),
    definition=Definition(
        numerator=_("Families in the rate whose adults' countable hours met their requirement."),
        denominator=_(
            "Families with an adult on aid in the month whose hours participation counted, "
            "leaving out an adult with a baby under one or under a sanction that month."
        ),
        month=_("The month on aid the hours belong to."),
        who=_("Each family once a month, with the coach, team and county its adult has today."),
    ),
    count=count,
    is_rate=True,
)
