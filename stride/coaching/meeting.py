"""One meeting with a family, on one page: what the page gathers, and the summary they take away.

The page opens with what the family brought (the goal ideas they drafted, what
they wrote or changed on their own pages since the last contact) and the last
session, then every open goal with its plan. It reads a fixed number of
queries however many goals and steps there are. The records hang off the
participant, whom the caller has already opened through the access module.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from stride.core import access
from stride.core.models import AuditEvent, Role, User
from stride.people.models import Participant

from .models import CoachingSession, Goal, GoalIdea, Obstacle, Reflection, Review, Step
from .printouts import Printable
from .today import change_events

RECENT_CHANGES = 10
RECENT_IDEAS = 10
RECENT_REFLECTIONS = 5
SUMMARY_STEPS = 8
A_MOMENT = timedelta(minutes=1)

# The meeting summary the family takes away: one participant's day, never blank.
SUMMARY = Printable("meeting", "coaching/print/meeting.html")

OPEN_STEP = (Step.Status.PLANNED, Step.Status.NOT_DONE)
Stage = CoachingSession.Stage


@dataclass
class Meeting:
    person: Participant
    goals: list[Goal]  # open ones, each with `steps` and `obstacles` fetched
    ideas: list[GoalIdea]  # not yet goals, the ones the family drafted first
    reflections: list[Reflection]  # written on their own pages since the last contact
    changes: list[AuditEvent]  # what they changed on their own pages since the last contact
    last_session: CoachingSession | None
    due: list[Step]  # open steps whose date has come: what was agreed last time
    stages_done: list[str]  # parts of the cycle this person covered on the page today
    held_today: bool  # a session with the family is already recorded today

    @property
    def brought(self) -> bool:
        """The family brought something to talk about."""
        return bool(self.ideas or self.reflections or self.changes)


def _with_plan(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    return goals.prefetch_related(
        Prefetch("steps", queryset=Step.objects.order_by("position", "pk")),
        Prefetch("obstacles", queryset=Obstacle.objects.order_by("pk")),
    )


def open_goals(person: Participant) -> list[Goal]:
    """The open goals with their steps and obstacles: three queries, whatever their number."""
    return list(
        _with_plan(person.goals.filter(status__in=Goal.OPEN_STATUSES).order_by("created_at", "pk"))
    )


def open_goal(goal: Goal, user: User) -> Goal:
    """One goal again as it is saved now, with its plan, after an inline change on the page."""
    goals = access.visible_to(Goal.objects.filter(pk=goal.pk), user)
    return _with_plan(goals.select_related("participant__member")).get()


def start_of_day(now: datetime) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))


def gather(person: Participant, user: User, now: datetime) -> Meeting:
    """Everything the meeting page shows, in seven queries."""
    goals = open_goals(person)
    last_session = person.coaching_sessions.select_related("coach").first()
    since_contact = person.last_contact_at or now - timedelta(days=30)
    ideas = list(
        person.goal_ideas.filter(goal__isnull=True).order_by(
            # The ideas the family drafted come first, the newest of each kind on top.
            Case(When(source=GoalIdea.Source.PARTICIPANT, then=Value(0)), default=Value(1)),
            "-created_at",
            "-pk",
        )[:RECENT_IDEAS]
    )
    reflections = list(
        access.visible_to(
            Reflection.objects.filter(goal__participant=person, created_at__gt=since_contact),
            user,
        )
        .select_related("goal")
        .order_by("-created_at", "-pk")[:RECENT_REFLECTIONS]
    )
    this_family = access.visible_to(Participant.objects.filter(pk=person.pk), user)
    changes = list(change_events(this_family, now)[:RECENT_CHANGES])
    today = timezone.localdate(now)
    due = [
        step
        for goal in goals
        for step in goal.steps.all()
        if step.status in OPEN_STEP and step.due_on is not None and step.due_on <= today
    ]
    due.sort(key=lambda step: (step.due_on or today, step.pk))
    day_start = start_of_day(now)
    held_today = last_session is not None and last_session.held_at >= day_start
    since = max(day_start, last_session.held_at) if last_session is not None else day_start
    return Meeting(
        person=person,
        goals=goals,
        ideas=ideas,
        reflections=reflections,
        changes=changes,
        last_session=last_session,
        due=due,
        stages_done=stages_done(person, user, since),
        held_today=held_today,
    )


def stages_done(person: Participant, user: User, since: datetime) -> list[str]:
    """The parts of the cycle `user` worked on with `person` since `since`, from the audit
    trail of what they saved (one query): the session form starts with them ticked."""
    events = AuditEvent.objects.filter(
        participant=person.uuid,
        actor=user,
        at__gte=since,
        action__in=[AuditEvent.Action.CREATE, AuditEvent.Action.CHANGE],
        record_type__in=["Goal", "GoalIdea", "Step", "Obstacle", "Review"],
    ).values_list("record_type", "action", "changes")
    done = {stage_of(record_type, action, changes or {}) for record_type, action, changes in events}
    return [value for value, _label in Stage.choices if value in done]


def stage_of(record_type: str, action: str, changes: dict[str, Any]) -> str:
    """The part of the cycle a saved record belongs to."""
    if record_type in ("Goal", "GoalIdea"):
        return Stage.GOAL if action == AuditEvent.Action.CREATE else Stage.REVIEW
    if record_type == "Review":
        return Stage.REVIEW
    if record_type == "Step" and action == AuditEvent.Action.CHANGE and "status" in changes:
        return Stage.DO
    return Stage.PLAN


def why_stale(step: Step, person: Participant, now: datetime) -> str:
    """Who changed a step after the coach opened the page, and when, in a sentence (one query)."""
    last = (
        AuditEvent.objects.filter(
            record_type="Step", record_id=step.uuid, action=AuditEvent.Action.CHANGE
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    if last is None:
        return _("This step was changed after you opened the page. Here is what it says now.")
    when = (
        _("a moment ago")
        if now - last.at < A_MOMENT
        else _("%(time)s ago") % {"time": timesince(last.at, now)}
    )
    if last.actor_role == Role.PARTICIPANT:
        return _(
            "%(name)s changed this step on their own page %(when)s. Here is what it says now."
        ) % {"name": person.member.first_name, "when": when}
    name = last.actor.get_full_name() if last.actor is not None else last.actor_name
    return _("%(name)s changed this step %(when)s. Here is what it says now.") % {
        "name": name or _("Someone"),
        "when": when,
    }


def summary(person: Participant, user: User, now: datetime) -> dict[str, Any]:
    """What the family takes away from today's meeting: the session, what was done, what
    was decided, the next steps and the next appointment (a printout's context)."""
    session: CoachingSession | None = person.coaching_sessions.select_related("coach").first()
    day: date = timezone.localdate(session.held_at) if session else timezone.localdate(now)
    goals = open_goals(person)
    next_steps = sorted(
        (step for goal in goals for step in goal.steps.all() if step.status in OPEN_STEP),
        key=lambda step: (step.due_on is None, step.due_on or day, step.position, step.pk),
    )
    done = list(
        access.visible_to(
            Step.objects.filter(goal__participant=person, status=Step.Status.DONE, status_on=day),
            user,
        )
        .select_related("goal")
        .order_by("goal__created_at", "position", "pk")
    )
    start = timezone.make_aware(datetime.combine(day, time.min))
    reviews = list(
        access.visible_to(
            Review.objects.filter(
                goal__participant=person,
                created_at__gte=start,
                created_at__lt=start + timedelta(days=1),
            ),
            user,
        )
        .select_related("goal")
        .order_by("created_at", "pk")
    )
    appointment = session.next_appointment if session else None
    if appointment is not None and appointment < now:
        appointment = None
    coach = (session.coach if session else None) or person.coach
    return {
        "person": person,
        "session": session,
        "day": day,
        "done": done,
        "reviews": reviews,
        "goals": goals,
        "next_steps": next_steps[:SUMMARY_STEPS],
        "appointment": appointment,
        "coach_name": coach.get_full_name() if coach is not None else "",
    }
