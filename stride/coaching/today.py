"""A coach's day: appointments, steps due, who needs a check-in, what participants changed.

Each list is one query over the coach's own caseload (participants assigned
to them, inside what the access module lets them see), whatever its size.
The records hang off that caseload, which already went through the access
module; filtering each one again would only add subqueries.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from stride.core import access
from stride.core.models import AuditEvent, Role, User
from stride.people.models import Enrollment, Participant

from .models import CoachingSession, Goal, Step

LIST_LENGTH = 25


def participant_fields(path: str) -> tuple[str, ...]:
    """The participant's fields a list shows (never the encrypted SSN), below `path`."""
    return (f"{path}uuid", f"{path}member__first_name", f"{path}member__last_name")


DUE_SOON = timedelta(days=2)
CHANGES_WINDOW = timedelta(days=30)


@dataclass
class ParticipantChange:
    event: AuditEvent
    participant: Participant


@dataclass
class Today:
    appointments: list[CoachingSession]
    due_steps: list[Step]
    due_steps_total: int
    quiet: list[Participant]
    quiet_total: int
    changes: list[ParticipantChange]


def my_caseload(user: User) -> QuerySet[Participant]:
    return access.visible_to(Participant.objects.all(), user).filter(coach=user)


def today_for(user: User, now: datetime) -> Today:
    caseload = my_caseload(user)
    day = timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(day, time.min))

    appointments = (
        CoachingSession.objects.filter(
            participant__in=caseload,
            next_appointment__gte=start,
            next_appointment__lt=start + timedelta(days=1),
        )
        .select_related("participant__member")
        .only(*participant_fields("participant__"), "next_appointment")
        .order_by("next_appointment")
    )
    due = (
        Step.objects.filter(
            goal__participant__in=caseload,
            goal__status__in=Goal.OPEN_STATUSES,
            status__in=[Step.Status.PLANNED, Step.Status.NOT_DONE],
            due_on__lte=day + DUE_SOON,
        )
        .select_related("goal__participant__member")
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
    quiet = (
        _quiet(caseload, now)
        .select_related("member")
        .only(*participant_fields(""), "last_contact_at")
        .order_by("last_contact_at", "member__last_name")
    )
    return Today(
        appointments=list(appointments),
        due_steps=list(due[:LIST_LENGTH]),
        due_steps_total=due.count(),
        quiet=list(quiet[:LIST_LENGTH]),
        quiet_total=quiet.count(),
        changes=_participant_changes(caseload, now),
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


def _participant_changes(caseload: QuerySet[Participant], now: datetime) -> list[ParticipantChange]:
    """What participants did on their own pages since their last contact with the coach."""
    since_last_contact = caseload.filter(uuid=OuterRef("participant")).filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=OuterRef("at"))
    )
    events = list(
        AuditEvent.objects.filter(
            Exists(since_last_contact),
            participant__in=caseload.values("uuid"),  # lets the (participant, at) index lead
            actor_role=Role.PARTICIPANT,
            action__in=[AuditEvent.Action.CREATE, AuditEvent.Action.CHANGE],
            at__gte=now - CHANGES_WINDOW,
        ).order_by("-at")[:LIST_LENGTH]
    )
    people = {
        person.uuid: person
        for person in caseload.filter(
            uuid__in={event.participant for event in events}
        ).select_related("member")
    }
    return [
        ParticipantChange(event, people[event.participant])
        for event in events
        if event.participant in people
    ]
