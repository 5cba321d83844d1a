"""A coach's day: appointments, steps due, who needs a check-in, what participants changed.

Each list is one query over the caseload the person works (a coach's own; a
supervisor's team's: `access.working_caseload`), whatever its size, and
carries its full length in a window count, so a list cut at LIST_LENGTH
still says how long it is without a second query. The records hang off that
caseload, which already went through the access module; filtering each one
again would only add subqueries.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet, Window
from django.utils import timezone

from stride.core import access
from stride.core.models import AuditEvent, Role, User
from stride.people.models import Enrollment, Participant

from .models import CoachingSession, Goal, Step

LIST_LENGTH = 25
M = TypeVar("M", bound=Model)


def participant_fields(path: str) -> tuple[str, ...]:
    """The participant's fields a list shows (never the encrypted SSN), below `path`."""
    return (
        f"{path}uuid",
        f"{path}member__first_name",
        f"{path}member__last_name",
        f"{path}coach__first_name",
        f"{path}coach__last_name",
    )


def with_total(rows: QuerySet[M]) -> tuple[list[M], int]:
    """The first LIST_LENGTH rows and how many there are in all, in one query."""
    first = list(rows.annotate(list_total=Window(Count("pk")))[:LIST_LENGTH])
    return first, (first[0].list_total if first else 0)


DUE_SOON = timedelta(days=2)
CHANGES_WINDOW = timedelta(days=30)


@dataclass
class ParticipantChange:
    event: AuditEvent
    participant: Participant


@dataclass
class Today:
    day: date
    for_team: bool  # a supervisor's Today covers the caseloads of their team
    appointments: list[CoachingSession]
    due_steps: list[Step]
    due_steps_total: int
    quiet: list[Participant]
    quiet_total: int
    changes: list[ParticipantChange]
    changes_total: int


def working_caseload(user: User) -> QuerySet[Participant]:
    return access.working_caseload(Participant.objects.all(), user)


def for_team(user: User) -> bool:
    return user.role == Role.SUPERVISOR


def today_for(user: User, now: datetime) -> Today:
    caseload = working_caseload(user)
    day = timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(day, time.min))

    appointments = (
        access.belonging_to(
            CoachingSession.objects.filter(
                next_appointment__gte=start, next_appointment__lt=start + timedelta(days=1)
            ),
            caseload,
        )
        .select_related("participant__member", "participant__coach")
        .only(*participant_fields("participant__"), "next_appointment")
        .order_by("next_appointment")
    )
    due_steps, due_steps_total = with_total(steps_due(caseload, now))
    quiet, quiet_total = with_total(check_ins_due(caseload, now))
    events, changes_total = with_total(change_events(caseload, now))
    return Today(
        day=day,
        for_team=for_team(user),
        appointments=list(appointments),
        due_steps=due_steps,
        due_steps_total=due_steps_total,
        quiet=quiet,
        quiet_total=quiet_total,
        changes=who_changed(caseload, events),
        changes_total=changes_total,
    )


def steps_due(caseload: QuerySet[Participant], now: datetime) -> QuerySet[Step]:
    """Open steps due in the next two days or earlier (overdue ones first)."""
    day = timezone.localdate(now)
    return (
        access.belonging_to(
            Step.objects.filter(
                goal__status__in=Goal.OPEN_STATUSES,
                status__in=[Step.Status.PLANNED, Step.Status.NOT_DONE],
                due_on__lte=day + DUE_SOON,
            ),
            caseload,
        )
        .select_related("goal__participant__member", "goal__participant__coach")
        .only(
            "uuid",
            "what",
            "due_on",
            "status",
            "goal__uuid",
            *participant_fields("goal__participant__"),
        )
        .order_by("due_on", "pk")
    )


def check_ins_due(caseload: QuerySet[Participant], now: datetime) -> QuerySet[Participant]:
    """Who has gone longest without contact, beyond their county's interval."""
    return (
        _quiet(caseload, now)
        .select_related("member", "coach")
        .only(*participant_fields(""), "last_contact_at")
        .order_by("last_contact_at", "member__last_name", "pk")
    )


def _quiet(caseload: QuerySet[Participant], now: datetime) -> QuerySet[Participant]:
    """Active participants with no contact for longer than their county allows."""
    gaps = caseload.values_list("county_id", "county__contact_gap_days").distinct()
    overdue = Q(pk__in=[])
    for county_id, gap_days in gaps:
        cutoff = now - timedelta(days=gap_days)
        overdue |= Q(county_id=county_id) & (
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=cutoff)
        )
    return caseload.filter(overdue, current_enrollment__status=Enrollment.Status.ACTIVE)


def change_events(caseload: QuerySet[Participant], now: datetime) -> QuerySet[AuditEvent]:
    """What participants did on their own pages since their last contact with the coach."""
    since_last_contact = caseload.filter(uuid=OuterRef("participant")).filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=OuterRef("at"))
    )
    return AuditEvent.objects.filter(
        Exists(since_last_contact),
        participant__in=caseload.values("uuid"),  # lets the (participant, at) index lead
        actor_role=Role.PARTICIPANT,
        action__in=[AuditEvent.Action.CREATE, AuditEvent.Action.CHANGE],
        at__gte=now - CHANGES_WINDOW,
    ).order_by("-at", "-pk")


def who_changed(
    caseload: QuerySet[Participant], events: list[AuditEvent]
) -> list[ParticipantChange]:
    """The events with the participants they are about (one query)."""
    people = {
        person.uuid: person
        for person in caseload.filter(
            uuid__in={event.participant for event in events}
        ).select_related("member", "coach")
    }
    return [
        ParticipantChange(event, people[event.participant])
        for event in events
        if event.participant in people
    ]
