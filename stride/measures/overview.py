"""Measures for whoever may read them: every measure over twelve months for the viewer's
scope, and one measure in a month by coach, team, office or county."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stride.core import access
from stride.core.models import Organisation, User
from stride.people.models import Participant

from .catalogue import MEASURES
from .figures import GROUPING_NAMES, GROUPINGS, Figure, Group, Measure
from .months import months_up_to
from .trends import TREND_MONTHS, Trend, trend

NO_GROUP: dict[str, Promise] = {
    "coach": _("No coach"),
    "team": _("No team"),
    "office": _("No office"),
    "county": _("No county"),
}


def scope(user: User) -> QuerySet[Participant]:
    """The families `user` may read: the callers narrow them further (people.filters)."""
    return access.visible_to(Participant.objects.all(), user)


def months_to(month: date) -> list[date]:
    return months_up_to(month, TREND_MONTHS)


def every_trend(participants: QuerySet[Participant], month: date) -> list[Trend]:
    months = months_to(month)
    return [trend(measure, participants, months) for measure in MEASURES]


@dataclass(frozen=True)
class GroupRow:
    name: str
    figure: Figure


def _names(by: str, groups: list[Group]) -> dict[Group, str]:
    ids = [group for group in groups if isinstance(group, int)]
    if by == "coach":
        people = User.objects.filter(pk__in=ids).only("first_name", "last_name", "username")
        return {person.pk: person.get_full_name() or person.username for person in people}
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


def by_group(
    measure: Measure, participants: QuerySet[Participant], month: date, by: str
) -> list[GroupRow]:
    """`measure` in `month` for each group of `participants`, by name."""
    if by not in GROUPINGS:
        raise ValueError(by)
    table = measure.count(participants, [month], by)
    names = _names(by, list(table))
    rows = [
        GroupRow(str(names.get(group, NO_GROUP[by])), figures[month])
        for group, figures in table.items()
    ]
    return sorted(rows, key=lambda row: row.name.casefold())


def grouping_choices() -> list[tuple[str, Promise]]:
    return [(key, GROUPING_NAMES[key]) for key in ("team", "office", "county", "coach")]


def chosen_grouping(value: str | None) -> str:
    return value if value in GROUPINGS else "team"


def chosen_month(value: str | None, this_month: date) -> date:
    """The month asked for as YYYY-MM if it is one of the twelve shown; else this month."""
    try:
        month = date.fromisoformat(f"{value}-01") if value else this_month
    except ValueError:
        return this_month
    return month if month in months_to(this_month) else this_month
