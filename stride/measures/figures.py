"""What a measure is made of: its definition in words, and a figure for each group and month.

Every measure counts the families (participants) a viewer may read: the caller passes them in,
read through `core.access`, and a measure reads their records through `access.belonging_to`.
A family is counted with the coach, team, office and county it has today.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stride.people.models import Participant

# A group is a coach's, a team's, an office's or a county's id; ALL is everyone in scope.
ALL = "all"
GROUPINGS: dict[str, str] = {
    "coach": "coach",
    "team": "team",
    # The organisation just above the team: a local office, or the county when its teams
    # sit right under it.
    "office": "team__parent",
    "county": "county",
}
GROUPING_NAMES: dict[str, Promise] = {
    ALL: _("Everyone"),
    "coach": _("Coach"),
    "team": _("Team"),
    "office": _("Office"),
    "county": _("County"),
}

Group = int | str | None


@dataclass(frozen=True)
class Figure:
    """A count (no denominator) or a rate (numerator of denominator)."""

    numerator: int
    denominator: int | None = None

    @property
    def rate(self) -> float | None:
        if self.denominator is None or self.denominator == 0:
            return None
        return self.numerator / self.denominator

    @property
    def percent(self) -> int | None:
        rate = self.rate
        return None if rate is None else round(rate * 100)


# group -> month -> figure
Table = dict[Group, dict[date, Figure]]
Counter = Callable[[QuerySet[Participant], list[date], str], Table]


@dataclass(frozen=True)
class Definition:
    """A measure's exact definition in words: what is counted, out of what, in which month,
    and who."""

    numerator: Promise
    month: Promise
    who: Promise
    denominator: Promise | None = None


@dataclass(frozen=True)
class Measure:
    key: str
    title: Promise
    definition: Definition
    count: Counter
    is_rate: bool = field(default=False)


def groups_of(participants: QuerySet[Participant], by: str) -> dict[int, Group]:
    """Each participant's group, in one query."""
    if by == ALL:
        return dict.fromkeys(participants.values_list("pk", flat=True), ALL)
    return dict(participants.values_list("pk", GROUPINGS[by]))


def group_keys(groups: dict[int, Group], by: str) -> list[Group]:
    """The groups a table has a row for: those of the participants, and always one for ALL."""
    return [ALL] if by == ALL else list(dict.fromkeys(groups.values()))


class Tally:
    """Adds up per-participant rows into a table of every group in scope and every month."""

    def __init__(self, participants: QuerySet[Participant], months: list[date], by: str) -> None:
        self.groups = groups_of(participants, by)
        self.keys = group_keys(self.groups, by)
        self.months = months
        self.numerators: dict[Group, dict[date, int]] = defaultdict(lambda: defaultdict(int))
        self.denominators: dict[Group, dict[date, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, rows: Iterable[tuple[int, date, int]], denominator: bool = False) -> None:
        """Rows of (participant id, month, how many)."""
        target = self.denominators if denominator else self.numerators
        for participant_id, month, how_many in rows:
            if participant_id in self.groups:
                target[self.groups[participant_id]][month] += how_many

    def table(self, is_rate: bool) -> Table:
        return {
            group: {
                month: Figure(
                    self.numerators[group][month],
                    self.denominators[group][month] if is_rate else None,
                )
                for month in self.months
            }
            for group in self.keys
        }


def each_once(rows: Iterable[tuple[Any, date]]) -> list[tuple[int, date, int]]:
    """Distinct (participant, month) pairs, each counted once."""
    return [(participant_id, month, 1) for participant_id, month in set(rows)]
