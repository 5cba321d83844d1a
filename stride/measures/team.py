"""A supervisor's team, coach by coach: what each caseload needs now, with the names behind
every count, and the team's last twelve months.

Every count is one grouped query over the team's families, whatever the number of coaches
or families; a coach's list is the same query narrowed to that coach, so a count and its list
always agree.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stride.benefits.models import CliffFlag
from stride.coaching import today as coaching_day
from stride.coaching.models import Achievement, Goal, Step
from stride.core import access
from stride.core.models import Role, User
from stride.participation import acf199
from stride.participation.models import MonthResult
from stride.people.models import CoachAssignment, Enrollment, Participant

from . import engagement, goals, work_rate
from .figures import Figure, Measure
from .months import month_of, months_up_to
from .trends import TREND_MONTHS, Trend, trend

STALLED_AFTER = timedelta(days=30)
PAIRING_WINDOW = timedelta(days=90)
TREND_MEASURES: list[Measure] = [
    engagement.ENGAGEMENT,
    work_rate.WORK_RATE,
    goals.STEPS_COMPLETED,
    goals.GOALS_ACHIEVED,
]


def team_families(user: User) -> QuerySet[Participant]:
    return access.working_caseload(Participant.objects.all(), user)


def team_coaches(user: User) -> QuerySet[User]:
    return access.coaches_visible_to(user).filter(role=Role.COACH)


# Each list: the records behind a count, over a caseload, and the path from a record to the
# family's coach (for the count by coach).
def _caseload(caseload: QuerySet[Participant], now: datetime) -> QuerySet[Any]:
    return caseload.select_related("member").order_by("member__last_name", "pk")


def _overdue(caseload: QuerySet[Participant], now: datetime) -> QuerySet[Any]:
    return coaching_day.check_ins_due(caseload, now)


def _stalled(caseload: QuerySet[Participant], now: datetime) -> QuerySet[Any]:
    since = timezone.localdate(now) - STALLED_AFTER
    recent_step = Step.objects.filter(
        goal=OuterRef("pk"), status=Step.Status.DONE, status_on__gt=since
    )
    return (
        access.belonging_to(
            Goal.objects.filter(status__in=Goal.OPEN_STATUSES, created_at__date__lte=since),
            caseload,
        )
        .exclude(Exists(recent_step))
        .select_related("participant__member")
        .order_by("created_at", "pk")
    )


def _steps_overdue(caseload: QuerySet[Participant], now: datetime) -> QuerySet[Any]:
    return (
        access.belonging_to(
            Step.objects.filter(
                goal__status__in=Goal.OPEN_STATUSES,
                status__in=[Step.Status.PLANNED, Step.Status.NOT_DONE],
                due_on__lt=timezone.localdate(now),
            ),
            caseload,
        )
        .select_related("goal__participant__member")
        .order_by("due_on", "pk")
    )


def _participation(caseload: QuerySet[Participant], now: datetime) -> QuerySet[Any]:
    month = month_of(timezone.localdate(now))
    return (
        acf199.in_rate(caseload, [month])
        .select_related("participant__member")
        .order_by("meets_rate", "participant__member__last_name", "pk")
    )


def _cliff(caseload: QuerySet[Participant], now: datetime) -> QuerySet[Any]:
    flagged = access.belonging_to(CliffFlag.objects.filter(participant=OuterRef("pk")), caseload)
    return (
        caseload.filter(Exists(flagged), current_enrollment__status=Enrollment.Status.ACTIVE)
        .select_related("member")
        .order_by("member__last_name", "pk")
    )


def _pairing(caseload: QuerySet[Participant], now: datetime) -> QuerySet[Any]:
    earlier = CoachAssignment.objects.filter(
        participant=OuterRef("participant"), pk__lt=OuterRef("pk")
    )
    return (
        access.belonging_to(
            CoachAssignment.objects.filter(
                ended_on__isnull=True,
                started_on__gt=timezone.localdate(now) - PAIRING_WINDOW,
            ),
            caseload,
        )
        .filter(Exists(earlier))
        .select_related("participant__member")
        .order_by("-started_on", "pk")
    )


def _incentives(caseload: QuerySet[Participant], now: datetime) -> QuerySet[Any]:
    return (
        access.belonging_to(
            Achievement.objects.filter(incentive=Achievement.Incentive.PENDING), caseload
        )
        .select_related("participant__member")
        .order_by("on", "pk")
    )


@dataclass(frozen=True)
class Item:
    """One row behind a count: the family, what it is about, and its date."""

    person: Participant
    what: str
    on: date | None


@dataclass(frozen=True)
class TeamList:
    kind: str
    title: Promise
    rows: Callable[[QuerySet[Participant], datetime], QuerySet[Any]]
    to_coach: str  # the lookup from a row to the family's coach
    item: Callable[[Any], Item]
    what_label: Promise | None  # None: the list has no such column
    on_label: Promise | None


def _contact_day(person: Participant) -> date | None:
    return timezone.localdate(person.last_contact_at) if person.last_contact_at else None


def _participation_item(result: Any) -> Item:
    step = MonthResult.Step(result.step).label
    words = _("%(step)s, meets the requirement") if result.meets_rate else "%(step)s"
    return Item(result.participant, str(words) % {"step": step}, None)


LISTS = {
    item.kind: item
    for item in [
        TeamList(
            "caseload",
            _("Families on the caseload"),
            _caseload,
            "coach",
            lambda person: Item(person, "", person.assigned_since),
            None,
            _("With this coach since"),
        ),
        TeamList(
            "overdue",
            _("Families due a contact"),
            _overdue,
            "coach",
            lambda person: Item(person, "", _contact_day(person)),
            None,
            _("Last contact"),
        ),
        TeamList(
            "stalled",
            _("Goals with no step done in 30 days"),
            _stalled,
            "participant__coach",
            lambda goal: Item(goal.participant, goal.words, timezone.localdate(goal.created_at)),
            _("Goal"),
            _("Set on"),
        ),
        TeamList(
            "steps",
            _("Steps past their date"),
            _steps_overdue,
            "goal__participant__coach",
            lambda step: Item(step.goal.participant, step.what, step.due_on),
            _("Step"),
            _("Planned for"),
        ),
        TeamList(
            "participation",
            _("Adults in the work participation rate this month"),
            _participation,
            "participant__coach",
            _participation_item,
            _("Hours this month"),
            None,
        ),
        TeamList(
            "cliff",
            _("Families near a benefits cliff"),
            _cliff,
            "coach",
            lambda person: Item(person, "", None),
            None,
            None,
        ),
        TeamList(
            "pairing",
            _("Families who came from another coach in the last 90 days"),
            _pairing,
            "participant__coach",
            lambda assignment: Item(assignment.participant, "", assignment.started_on),
            None,
            _("With this coach since"),
        ),
        TeamList(
            "incentives",
            _("Incentives waiting for a decision"),
            _incentives,
            "participant__coach",
            lambda achievement: Item(achievement.participant, achievement.words, achievement.on),
            _("What was achieved"),
            _("Date"),
        ),
    ]
}


def counts_by_coach(kind: str, caseload: QuerySet[Participant], now: datetime) -> dict[int, int]:
    """How many rows of a list each coach has, in one query."""
    item = LISTS[kind]
    rows = item.rows(caseload, now).order_by().values(item.to_coach).annotate(n=Count("pk"))
    return {row[item.to_coach]: row["n"] for row in rows}


@dataclass
class CoachRow:
    coach: User
    counts: dict[str, int]
    participation: Figure
    balance: int  # caseload less the team's average, rounded

    @property
    def distance(self) -> int:
        """How far from the team's average, either way."""
        return abs(self.balance)


@dataclass
class TeamView:
    day: date
    month: date
    coaches: list[CoachRow]
    average_caseload: float
    trends: list[Trend]


def team_view(user: User, now: datetime) -> TeamView:
    families = team_families(user)
    coaches = list(team_coaches(user))
    counts = {
        kind: counts_by_coach(kind, families, now) for kind in LISTS if kind != "participation"
    }
    month = month_of(timezone.localdate(now))
    rate = work_rate.WORK_RATE.count(families, [month], "coach")
    caseloads = [counts["caseload"].get(coach.pk, 0) for coach in coaches]
    average = sum(caseloads) / len(caseloads) if caseloads else 0.0
    rows = [
        CoachRow(
            coach=coach,
            counts={kind: by_coach.get(coach.pk, 0) for kind, by_coach in counts.items()},
            participation=rate.get(coach.pk, {}).get(month, Figure(0, 0)),
            balance=round(caseload - average),
        )
        for coach, caseload in zip(coaches, caseloads, strict=True)
    ]
    months = months_up_to(month, TREND_MONTHS)
    drawn = [trend(measure, families, months) for measure in TREND_MEASURES]
    return TeamView(timezone.localdate(now), month, rows, average, drawn)


def coach_list(user: User, coach: User, kind: str, now: datetime) -> QuerySet[Any]:
    """The rows behind one count of one coach on the supervisor's team."""
    caseload = team_families(user).filter(coach=coach)
    return LISTS[kind].rows(caseload, now)


def coach_on_team(user: User, uuid: Any) -> User | None:
    return team_coaches(user).filter(uuid=uuid).first()
