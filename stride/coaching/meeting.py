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

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from stride.core import access
from stride.core.models import AuditEvent, Role, User
from stride.people.models import Participant

from .models import (
    CoachingSession,
    Goal,
    GoalIdea,
    MeetingSummary,
    Obstacle,
    Reflection,
    Review,
    Step,
)
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
    last_session = person.coaching_sessions.select_related("coach", "meeting_summary").first()
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


def summary(
    person: Participant, user: User, now: datetime, session: CoachingSession | None = None
) -> dict[str, Any]:
    """What the family takes away from a meeting (`session`, else the latest): the session,
    what was done, what was decided, the next steps and the next appointment (a printout's
    context)."""
    if session is None:
        session = person.coaching_sessions.select_related("coach").first()
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


# A meeting's summary on the participant's own pages: kept as written when it was sent
# (the words and the codes of choices and dates), shown in the language of the page.


def shareable(taken_away: dict[str, Any]) -> dict[str, Any]:
    """The contents of a summary to send, from `summary`'s context: plain values only."""
    session: CoachingSession | None = taken_away["session"]
    appointment: datetime | None = taken_away["appointment"]
    return {
        "day": taken_away["day"].isoformat(),
        "coach": taken_away["coach_name"],
        "topic": session.topic if session is not None else "",
        "done": [{"what": step.what, "note": step.outcome_note} for step in taken_away["done"]],
        "reviews": [
            {
                "goal": review.goal.words,
                "decision": review.decision,
                "went_well": review.went_well,
                "learned": review.learned,
            }
            for review in taken_away["reviews"]
        ],
        "next_steps": [
            {"what": step.what, "due_on": step.due_on.isoformat() if step.due_on else None}
            for step in taken_away["next_steps"]
        ],
        "appointment": appointment.isoformat() if appointment is not None else None,
    }


@dataclass
class SharedReview:
    goal: str
    decision: str  # the decision's label, in the page's language
    went_well: str
    learned: str


@dataclass
class SharedStep:
    what: str
    note: str = ""
    due_on: date | None = None


@dataclass
class SharedSummary:
    """A summary sent to the participant, ready for their page."""

    uuid: str
    sent_at: datetime
    read_at: datetime | None
    day: date
    coach: str
    topic: str
    done: list[SharedStep]
    reviews: list[SharedReview]
    next_steps: list[SharedStep]
    appointment: datetime | None


def _decision(code: str) -> str:
    return str(Review.Decision(code).label) if code in Review.Decision.values else ""


def shown(
    uuid: Any, sent_at: datetime, read_at: datetime | None, contents: dict[str, Any]
) -> SharedSummary:
    """A summary's contents as its page shows them (no queries)."""
    appointment = contents.get("appointment")
    return SharedSummary(
        uuid=str(uuid),
        sent_at=sent_at,
        read_at=read_at,
        day=date.fromisoformat(contents.get("day") or timezone.localdate(sent_at).isoformat()),
        coach=contents.get("coach", ""),
        topic=contents.get("topic", ""),
        done=[
            SharedStep(item["what"], note=item.get("note", "")) for item in contents.get("done", [])
        ],
        reviews=[
            SharedReview(
                item["goal"],
                _decision(item.get("decision", "")),
                item.get("went_well", ""),
                item.get("learned", ""),
            )
            for item in contents.get("reviews", [])
        ],
        next_steps=[
            SharedStep(
                item["what"],
                due_on=date.fromisoformat(item["due_on"]) if item.get("due_on") else None,
            )
            for item in contents.get("next_steps", [])
        ],
        appointment=datetime.fromisoformat(appointment) if appointment else None,
    )


def shown_summary(summary: MeetingSummary) -> SharedSummary:
    return shown(summary.uuid, summary.sent_at, summary.read_at, summary.contents)


def with_unread_summary(records: QuerySet[Participant]) -> QuerySet[Participant]:
    """`records` (participants) with their newest summary not read yet and how many are
    unread, in the same query: the participant's page shows it without one more."""
    newest = MeetingSummary.objects.filter(participant=OuterRef("pk"), read_at=None).order_by(
        "-sent_at", "-pk"
    )
    unread_count = (
        MeetingSummary.objects.filter(participant=OuterRef("pk"), read_at=None)
        .order_by()
        .values("participant")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return records.annotate(
        unread_summary_uuid=Subquery(newest.values("uuid")[:1]),
        unread_summary_sent_at=Subquery(newest.values("sent_at")[:1]),
        unread_summary_contents=Subquery(newest.values("contents")[:1]),
        unread_summaries=Coalesce(Subquery(unread_count), 0, output_field=IntegerField()),
    )


def unread_summary(person: Participant) -> tuple[SharedSummary | None, int]:
    """The newest unread summary of a participant read through `with_unread_summary`, and
    how many summaries are unread."""
    uuid = getattr(person, "unread_summary_uuid", None)
    if uuid is None:
        return None, 0
    contents = person.unread_summary_contents  # type: ignore[attr-defined]
    return (
        shown(uuid, person.unread_summary_sent_at, None, contents or {}),  # type: ignore[attr-defined]
        person.unread_summaries,  # type: ignore[attr-defined]
    )
