"""Counting months from the database: a participant's months after a change, or everyone's month.

Each month starts from the usage the month before ended with (MonthResult.usage),
so a month of a whole state is a handful of queries per batch of participants,
whatever its history. Two parents in one family meet the two-parent rate on
their hours together (45 CFR 261.32).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.people.models import Member, Participant, age_on

from . import countable
from .countable import (
    TWO_PARENT_RULES,
    Entry,
    MinimumWageLimit,
    MonthCount,
    Person,
    Refused,
    Usage,
    add_months,
)
from .models import ActivityPlan, AidMonth, HoursEntry, MonthResult
from .rules import ParticipationRules, participation_rules

BATCH = 2000
PARENTS = (Member.Relationship.HEAD, Member.Relationship.PARTNER)


@dataclass(frozen=True)
class _Someone:
    pk: int
    household_id: int
    birth_date: date
    relationship: str


def person_for(
    someone: _Someone,
    household: list[tuple[date, str]],
    month: date,
    aid: tuple[bool, MinimumWageLimit | None],
) -> Person:
    """Which requirement applies: from the family's members as they were that month."""
    # Ages on the first of the next month (a birthday in the month counts); a child born
    # after the month was not in the family yet.
    day = add_months(month, 1)
    household = [(born, relationship) for born, relationship in household if born < day]
    parents = [born for born, relationship in household if relationship in PARENTS]
    young_child = any(
        relationship == Member.Relationship.CHILD and age_on(born, day) < 6
        for born, relationship in household
    )
    if len(parents) >= 2:
        requirement = "two_parent_federal_child_care" if aid[0] else "two_parent"
    elif young_child:
        requirement = "single_parent_child_under_six"
    else:
        requirement = "all_family"
    young_parent = (
        someone.relationship in PARENTS
        and age_on(someone.birth_date, month) < participation_rules().young_parent_age
    )
    return Person(
        requirement=requirement,
        young_parent=young_parent,
        needy_state=settings.STRIDE_NEEDY_STATE,
        flsa=aid[1],
    )


class NotCounted(ValidationError):
    """A month the rules refused to count (`countable.Refused`), said next to the field."""

    def __init__(self, refused: Refused, participant_id: int | None = None) -> None:
        self.refused = refused
        self.participant_id = participant_id
        if refused.code == "too_many_hours":
            field, message = (
                "hours",
                _("%(day)s has more than 24 hours in all; the month was not counted.")
                % {"day": refused.day.isoformat()},
            )
        elif refused.code == "unknown_activity":
            field, message = (
                "activity",
                _("The rules do not know the activity %(code)s; the month was not counted.")
                % {"code": refused.activity},
            )
        else:
            field, message = (
                "hours",
                _("Hours on %(day)s cannot be counted; the month was not counted.")
                % {"day": refused.day.isoformat()},
            )
        super().__init__({field: message})


def _family_limits(
    rows: list[tuple[int, bool, Decimal | None, Decimal | None, Decimal | None]],
    household_of: dict[int, int],
) -> dict[int, tuple[bool, MinimumWageLimit | None]]:
    """Each participant's child care and the family's minimum-wage limit.

    The grant and the allotment are the family's: a parent whose month lacks
    them takes the other parent's.
    """
    limits: dict[int, MinimumWageLimit] = {}
    for participant_id, _care, grant, snap, wage in sorted(rows):
        household = household_of[participant_id]
        if grant is not None and household not in limits:
            limits[household] = MinimumWageLimit(grant, snap or Decimal(0), wage)
    return {
        participant_id: (care, limits.get(household_of[participant_id]))
        for participant_id, care, *_figures in rows
    }


def count_month(
    month: date,
    participants: QuerySet[Participant],
    rules: ParticipationRules | None = None,
    on_refused: Callable[[int, Refused], None] | None = None,
) -> list[MonthResult]:
    """Count `month` for these participants and save the results (replacing any before).

    Entries the rules refuse raise `NotCounted`, a ValidationError for the form or
    the import; with `on_refused`, that participant's family is left out and the
    others are counted (the monthly count of a whole state goes on).
    """
    rules = rules or participation_rules()
    month = month.replace(day=1)
    people = [
        _Someone(*row)
        for row in participants.order_by("pk").values_list(
            "pk", "household_id", "member__birth_date", "member__relationship"
        )
    ]
    if not people:
        return []
    ids = [someone.pk for someone in people]
    households: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for household_id, born, relationship in Member.objects.filter(
        household_id__in={someone.household_id for someone in people}
    ).values_list("household_id", "birth_date", "relationship"):
        households[household_id].append((born, relationship))
    aid = _family_limits(
        list(
            AidMonth.objects.filter(participant_id__in=ids, month=month).values_list(
                "participant_id",
                "federally_funded_child_care",
                "tanf_grant",
                "snap_allotment",
                "state_minimum_wage",
            )
        ),
        {someone.pk: someone.household_id for someone in people},
    )
    entries = _entries(ids, month)
    previous = _previous_usage(ids, month)

    counts: dict[int, MonthCount] = {}
    for someone in people:
        person = person_for(
            someone, households[someone.household_id], month, aid.get(someone.pk, (False, None))
        )
        try:
            counts[someone.pk] = countable.count_month(
                rules, month, person, entries.get(someone.pk, []), previous.get(someone.pk)
            )
        except Refused as refused:
            if on_refused is None:
                raise NotCounted(refused, someone.pk) from refused
            on_refused(someone.pk, refused)
    if len(counts) < len(people):
        # A family is counted together or not at all.
        refused_families = {s.household_id for s in people if s.pk not in counts}
        people = [s for s in people if s.household_id not in refused_families]
        counts = {s.pk: counts[s.pk] for s in people}
    _combine_two_parent_families(rules, people, counts)

    results = [_result(pk, count) for pk, count in counts.items()]
    with transaction.atomic():
        MonthResult.objects.bulk_create(
            results,
            update_conflicts=True,
            unique_fields=["participant", "month"],
            update_fields=[
                "requirement",
                "required_weekly_hours",
                "by_activity",
                "countable_hours",
                "core_hours",
                "weekly_average",
                "deemed_core_hours",
                "deemed_core_two_parent",
                "meets_rate",
                "step",
                "reasons",
                "usage",
                "computed_at",
            ],
        )
    return results


def _entries(ids: list[int], month: date) -> dict[int, list[Entry]]:
    rows = list(
        HoursEntry.objects.filter(
            participant_id__in=ids, day__gte=month, day__lt=add_months(month, 1)
        ).values_list(
            "participant_id",
            "activity_id",
            "activity__federal_activity",
            "day",
            "hours",
            "kind",
            "verification",
        )
    )
    absent = {row[0] for row in rows if row[5] != HoursEntry.Kind.PARTICIPATION}
    plans: dict[tuple[int, int], list[ActivityPlan]] = defaultdict(list)
    if absent:
        for plan in ActivityPlan.objects.filter(
            participant_id__in=absent, starts_on__lt=add_months(month, 1)
        ):
            plans[(plan.participant_id, plan.activity_id)].append(plan)
    entries: dict[int, list[Entry]] = defaultdict(list)
    for participant_id, activity_id, federal, day, hours, kind, verification in rows:
        scheduled = 0.0
        if kind != HoursEntry.Kind.PARTICIPATION:
            scheduled = sum(plan.scheduled_on(day) for plan in plans[(participant_id, activity_id)])
        entries[participant_id].append(
            Entry(
                day=day,
                activity=federal,
                hours=float(hours),
                kind=kind,
                scheduled=scheduled,
                verified=verification == HoursEntry.Verification.VERIFIED,
            )
        )
    return entries


def _previous_usage(ids: list[int], month: date) -> dict[int, Usage]:
    """The usage each participant's latest month in the year before `month` ended with."""
    latest: dict[int, tuple[date, dict[str, Any]]] = {}

    def keep_latest(results: QuerySet[MonthResult]) -> None:
        for participant_id, when, usage in results.values_list("participant_id", "month", "usage"):
            if participant_id not in latest or when > latest[participant_id][0]:
                latest[participant_id] = (when, usage)

    # Nearly everyone was counted the month before: read that month alone first, then look
    # further back only for the others, a year and then (the lifetime count of vocational
    # training, for someone back on aid after a year away) any time.
    keep_latest(MonthResult.objects.filter(participant_id__in=ids, month=add_months(month, -1)))
    for since in (add_months(month, -12), None):
        missing = [pk for pk in ids if pk not in latest]
        if not missing:
            break
        earlier = MonthResult.objects.filter(participant_id__in=missing, month__lt=month)
        keep_latest(earlier if since is None else earlier.filter(month__gte=since))
    return {pk: Usage.from_json(usage) for pk, (_, usage) in latest.items()}


def _combine_two_parent_families(
    rules: ParticipationRules, people: list[_Someone], counts: dict[int, MonthCount]
) -> None:
    by_household: dict[int, list[int]] = defaultdict(list)
    for someone in people:
        if counts[someone.pk].requirement.code in TWO_PARENT_RULES:
            by_household[someone.household_id].append(someone.pk)
    for pks in by_household.values():
        if len(pks) < 2:
            continue
        together = countable.combine_family(rules, [counts[pk] for pk in pks])
        for pk in pks:
            counts[pk] = together[pks.index(pk)]


def _result(participant_id: int, count: MonthCount) -> MonthResult:
    return MonthResult(
        participant_id=participant_id,
        month=count.month,
        requirement=count.requirement.code,
        required_weekly_hours=Decimal(str(count.requirement.weekly_hours)),
        by_activity=count.by_activity,
        countable_hours=Decimal(str(count.countable_hours)),
        core_hours=Decimal(str(count.core_hours)),
        weekly_average=Decimal(str(count.weekly_average)),
        deemed_core_hours=Decimal(str(count.deemed_core_hours)),
        deemed_core_two_parent=Decimal(str(count.deemed_core_two_parent)),
        meets_rate=count.meets,
        step=count.step,
        reasons=count.reasons,
        usage=count.usage.to_json(),
        computed_at=timezone.now(),
    )


def recount_participant(participant: Participant, since: date, through: date | None = None) -> None:
    """Count a participant's months again from `since`: each month's limits carry to the next.

    The other parent of a two-parent family is counted with them.
    """
    through = (through or timezone.localdate()).replace(day=1)
    family = Participant.objects.filter(household_id=participant.household_id)
    month = since.replace(day=1)
    while month <= through:
        count_month(month, family)
        month = add_months(month, 1)


def recount_families(since: dict[int, date]) -> None:
    """Count again, month by month, the families in `since` (household -> first day changed)."""
    if not since:
        return
    month = min(since.values()).replace(day=1)
    through = timezone.localdate().replace(day=1)
    while month <= through:
        households = [household for household, day in since.items() if day.replace(day=1) <= month]
        count_month(month, Participant.objects.filter(household_id__in=households))
        month = add_months(month, 1)


def count_everyone(
    month: date,
    participants: QuerySet[Participant],
    progress: Callable[[int, int], None] | None = None,
    batch: int = BATCH,
    on_refused: Callable[[int, Refused], None] | None = None,
) -> int:
    """Count `month` for every participant on aid that month, in batches; returns how many.

    A participant whose entries the rules refuse is passed to `on_refused` (by default the
    count stops with `NotCounted`); their family is not counted, the others are.
    """
    # Everyone in a family with an adult on aid: a parent off the grant still counts toward the
    # two-parent rate (a work-eligible individual, 45 CFR 261.2(n)), as recount_participant does.
    # Two plain reads joined here: PostgreSQL can plan "household in (a subquery of a join)"
    # as a nested loop over every participant before the tables are analysed.
    on_aid = set(
        participants.filter(aid_months__month=month.replace(day=1)).values_list(
            "household_id", flat=True
        )
    )
    rows = [
        (pk, household_id)
        for pk, household_id in participants.order_by("household_id", "pk").values_list(
            "pk", "household_id"
        )
        if household_id in on_aid
    ]
    done = 0
    chunk: list[int] = []
    for index, (pk, household_id) in enumerate(rows):
        chunk.append(pk)
        # Whole families in one batch, so two parents are counted together.
        last_of_family = index + 1 == len(rows) or rows[index + 1][1] != household_id
        if len(chunk) >= batch and last_of_family or index + 1 == len(rows):
            count_month(month, Participant.objects.filter(pk__in=chunk), on_refused=on_refused)
            done += len(chunk)
            chunk = []
            if progress is not None:
                progress(done, len(rows))
    return done
