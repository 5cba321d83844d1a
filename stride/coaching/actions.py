"""Every change to goals, plans, obstacles, reviews and sessions.

Each function writes and records its audit event in one transaction (field
names only: the words of a goal or a note never reach the audit trail; the
statuses a model lists in AUDIT_VALUES go with their old and new value).
Edits of an existing goal or step take the version the person saw and
refuse to overwrite a newer one: a coach and a participant may both have
the same step open.
"""

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.core import access, audit, events
from stride.core.audit import Action, Actor
from stride.core.edits import lock_for_edit
from stride.core.models import User
from stride.people.models import Participant

from .cycle import STATUS_AFTER_REVIEW
from .models import (
    Achievement,
    CoachingSession,
    Goal,
    GoalIdea,
    GoalStatusChange,
    MeetingSummary,
    Obstacle,
    Reflection,
    Review,
    Step,
)


@dataclass
class GoalDetails:
    words: str
    life_area: str
    why_it_matters: str = ""
    looks_like: str = ""
    measure: str = ""
    target_date: date | None = None
    difficulty: int | None = None
    confidence: int | None = None
    term: str = Goal.Term.SHORT
    proposed_by: str = Goal.ProposedBy.PARTICIPANT
    parent: Goal | None = None
    skill_area: str = ""


@dataclass
class StepDetails:
    what: str
    due_on: date | None = None
    where: str = ""
    how: str = ""
    who_helps: str = ""
    resources: str = ""
    wants_reminder: bool = False


@dataclass
class ReviewDetails:
    how_it_went: str
    decision: str
    went_well: str = ""
    learned: str = ""
    next_time: str = ""


@dataclass
class SessionDetails:
    held_at: datetime
    mode: str
    minutes: int
    topic: str = ""
    stages: list[str] = field(default_factory=list)
    notes: str = ""
    next_appointment: datetime | None = None


def _copy_changed(target: models.Model, details: Any) -> list[str]:
    """Copy the dataclass's values onto the model; return the names that changed."""
    changed = []
    for item in fields(details):
        value = getattr(details, item.name)
        if getattr(target, item.name) != value:
            setattr(target, item.name, value)
            changed.append(item.name)
    return changed


def _check_parent(participant: Participant, parent: Goal | None) -> None:
    if parent is not None and (
        parent.participant_id != participant.pk or parent.term != Goal.Term.LONG
    ):
        raise ValidationError({"parent": _("Choose one of this participant's long-term goals.")})


def _owner(goal: Goal) -> UUID | None:
    """The participant an event about this goal is filed under (none for staff goals)."""
    return goal.participant.uuid if goal.participant is not None else None


def _set_status(actor: Actor, goal: Goal, status: str) -> None:
    today = timezone.localdate()
    goal.status, goal.status_since = status, today
    GoalStatusChange.objects.create(goal=goal, status=status, on=today, by=actor.user)


@transaction.atomic
def set_goal(actor: Actor, participant: Participant, details: GoalDetails) -> Goal:
    _check_parent(participant, details.parent)
    goal = Goal(participant=participant, created_by=actor.user, status_since=timezone.localdate())
    _copy_changed(goal, details)
    goal.save()
    GoalStatusChange.objects.create(
        goal=goal, status=goal.status, on=goal.status_since, by=actor.user
    )
    audit.record(actor, Action.CREATE, goal, participant.uuid, [f.name for f in fields(details)])
    return goal


@transaction.atomic
def set_professional_goal(actor: Actor, staff: User, details: GoalDetails) -> Goal:
    """A staff member's own professional goal, in an area of the skills matrix."""
    if not details.skill_area:
        raise ValidationError({"skill_area": _("Choose an area of the skills matrix.")})
    if details.parent is not None and (
        details.parent.staff_id != staff.pk or details.parent.term != Goal.Term.LONG
    ):
        raise ValidationError({"parent": _("Choose one of your long-term goals.")})
    goal = Goal(staff=staff, created_by=actor.user, status_since=timezone.localdate())
    _copy_changed(goal, details)
    goal.proposed_by = Goal.ProposedBy.PARTICIPANT  # their own idea, by definition
    goal.save()
    GoalStatusChange.objects.create(
        goal=goal, status=goal.status, on=goal.status_since, by=actor.user
    )
    audit.record(actor, Action.CREATE, goal, None, [f.name for f in fields(details)])
    return goal


@transaction.atomic
def add_idea(
    actor: Actor,
    participant: Participant,
    life_area: str,
    words: str,
    source: str = GoalIdea.Source.STORMING,
) -> GoalIdea:
    """An idea for a goal, from goal-storming or drafted by the participant."""
    idea = GoalIdea.objects.create(
        participant=participant, life_area=life_area, words=words.strip(), source=source,
        by=actor.user,
    )  # fmt: skip
    audit.record(actor, Action.CREATE, idea, participant.uuid, ["life_area", "words", "source"])
    return idea


@transaction.atomic
def set_goal_from_idea(actor: Actor, idea: GoalIdea, details: GoalDetails) -> Goal:
    """Pick an idea to work on: it becomes a goal, and the idea remembers which."""
    current = GoalIdea.objects.select_for_update().get(pk=idea.pk)
    if current.goal_id is not None:
        raise ValidationError(_("This idea is already a goal."))
    goal = set_goal(actor, current.participant, details)
    current.goal = goal
    current.save(update_fields=["goal"])
    audit.record(actor, Action.CHANGE, current, current.participant.uuid, ["goal"])
    return goal


@transaction.atomic
def add_reflection(actor: Actor, goal: Goal, words: str) -> Reflection:
    reflection = Reflection.objects.create(goal=goal, words=words.strip(), by=actor.user)
    audit.record(actor, Action.CREATE, reflection, _owner(goal), ["words"])
    return reflection


@transaction.atomic
def update_goal(actor: Actor, goal: Goal, expected_version: int, details: GoalDetails) -> Goal:
    current = lock_for_edit(Goal, goal, expected_version)
    if current.participant is not None:
        _check_parent(current.participant, details.parent)
    elif details.parent is not None and details.parent.staff_id != current.staff_id:
        raise ValidationError({"parent": _("Choose one of your long-term goals.")})
    if details.parent is not None and details.parent.pk == current.pk:
        raise ValidationError({"parent": _("A goal can't lead to itself.")})
    changed = _copy_changed(current, details)
    if changed:
        current.version += 1
        current.save()
        audit.record(actor, Action.CHANGE, current, _owner(current), changed)
    return current


@transaction.atomic
def add_step(actor: Actor, goal: Goal, details: StepDetails) -> Step:
    last = goal.steps.aggregate(last=Max("position"))["last"]
    step = Step(goal=goal, position=0 if last is None else last + 1)
    _copy_changed(step, details)
    step.save()
    audit.record(actor, Action.CREATE, step, _owner(goal), [f.name for f in fields(details)])
    return step


@transaction.atomic
def update_step(actor: Actor, step: Step, expected_version: int, details: StepDetails) -> Step:
    current = lock_for_edit(Step, step, expected_version)
    changed = _copy_changed(current, details)
    if changed:
        current.version += 1
        current.save()
        audit.record(actor, Action.CHANGE, current, _owner(step.goal), changed)
    return current


@transaction.atomic
def mark_step(actor: Actor, step: Step, expected_version: int, status: str, note: str = "") -> Step:
    """Done or not done yet, with a short note: no failure, only feedback."""
    current = lock_for_edit(Step, step, expected_version)
    was = current.status
    current.status, current.outcome_note = status, note.strip()
    current.status_on = timezone.localdate() if status != Step.Status.PLANNED else None
    current.version += 1
    current.save()
    audit.record(
        actor,
        Action.CHANGE,
        current,
        _owner(step.goal),
        ["status", "outcome_note", "status_on"],
        changes={"status": (was, current.status)},
    )
    return current


@transaction.atomic
def move_step(actor: Actor, step: Step, offset: int) -> None:
    """Swap a step with its neighbour above (offset -1) or below (+1)."""
    steps = list(Step.objects.select_for_update().filter(goal_id=step.goal_id))
    index = next(i for i, item in enumerate(steps) if item.pk == step.pk)
    other = index + offset
    if not 0 <= other < len(steps):
        return
    steps[index], steps[other] = steps[other], steps[index]
    for position, item in enumerate(steps):
        if item.position != position:
            Step.objects.filter(pk=item.pk).update(position=position, version=F("version") + 1)
    audit.record(actor, Action.CHANGE, step, _owner(step.goal), ["position"])


@transaction.atomic
def add_obstacle(
    actor: Actor, goal: Goal, kind: str, pothole: str, detour: str, step: Step | None = None
) -> Obstacle:
    if step is not None and step.goal_id != goal.pk:
        raise ValidationError({"step": _("Choose a step of this goal.")})
    obstacle = Obstacle.objects.create(
        goal=goal, step=step, kind=kind, pothole=pothole.strip(), detour=detour.strip()
    )
    audit.record(
        actor, Action.CREATE, obstacle, _owner(goal), ["kind", "pothole", "detour", "step"]
    )
    return obstacle


@transaction.atomic
def record_review(actor: Actor, goal: Goal, details: ReviewDetails) -> Review:
    current = Goal.objects.select_for_update().get(pk=goal.pk)
    review = Review(goal=current, by=actor.user)
    _copy_changed(review, details)
    review.save()
    audit.record(actor, Action.CREATE, review, _owner(current), [f.name for f in fields(details)])
    status = STATUS_AFTER_REVIEW[details.decision]
    if status != current.status:
        was = current.status
        _set_status(actor, current, status)
        current.version += 1
        current.save(update_fields=["status", "status_since", "version"])
        audit.record(
            actor, Action.CHANGE, current, _owner(current), changes={"status": (was, status)}
        )
        if status == Goal.Status.ACHIEVED and current.participant is not None:
            recognise(actor, current.participant, current.words, goal=current)
            events.emit(events.GOAL_ACHIEVED, current, current.participant)
    return review


@transaction.atomic
def recognise(
    actor: Actor,
    participant: Participant,
    words: str,
    goal: Goal | None = None,
    incentive_amount: Decimal | None = None,
) -> Achievement:
    """Celebrate a goal reached (goal given) or a milestone; an incentive waits for approval."""
    if incentive_amount is not None and incentive_amount <= 0:
        raise ValidationError(
            {"incentive_amount": _("Enter an amount above $0, or leave it empty.")}
        )
    achievement = Achievement.objects.create(
        participant=participant,
        kind=Achievement.Kind.GOAL if goal is not None else Achievement.Kind.MILESTONE,
        goal=goal,
        words=words.strip(),
        on=timezone.localdate(),
        incentive_amount=incentive_amount,
        incentive=Achievement.Incentive.NONE
        if incentive_amount is None
        else Achievement.Incentive.PENDING,
        by=actor.user,
    )
    audit.record(
        actor, Action.CREATE, achievement, participant.uuid, ["kind", "words", "incentive_amount"]
    )
    return achievement


@transaction.atomic
def decide_incentive(actor: Actor, achievement: Achievement, approve: bool) -> Achievement:
    """A supervisor's decision on a pending incentive; decided ones stay decided."""
    current = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if current.incentive != Achievement.Incentive.PENDING:
        raise ValidationError(_("This incentive has already been decided."))
    current.incentive = (
        Achievement.Incentive.APPROVED if approve else Achievement.Incentive.DECLINED
    )
    current.decided_by, current.decided_on = actor.user, timezone.localdate()
    current.save(update_fields=["incentive", "decided_by", "decided_on"])
    audit.record(
        actor,
        Action.CHANGE,
        current,
        current.participant.uuid,
        changes={"incentive": (Achievement.Incentive.PENDING, current.incentive)},
    )
    return current


@transaction.atomic
def edit_session_notes(
    actor: Actor, session: CoachingSession, expected_version: int, notes: str
) -> CoachingSession:
    """The coach who held a session (or a supervisor) corrects or adds to its notes."""
    if actor.user is None or not access.can_edit_session_notes(actor.user, session):
        raise PermissionDenied
    current = lock_for_edit(CoachingSession, session, expected_version)
    current.notes = notes.strip()
    current.version += 1
    current.save(update_fields=["notes", "version"])
    audit.record(actor, Action.CHANGE, current, session.participant.uuid, ["notes"])
    return current


@transaction.atomic
def record_session(
    actor: Actor, participant: Participant, details: SessionDetails
) -> CoachingSession:
    if details.held_at > timezone.now():
        raise ValidationError(
            {
                "held_at": _(
                    "A session can't be in the future. Plan it as the next appointment instead."
                )
            }
        )
    if details.next_appointment is not None and details.next_appointment <= details.held_at:
        raise ValidationError(
            {"next_appointment": _("The next appointment comes after this session.")}
        )
    session = CoachingSession(participant=participant, coach=actor.user)
    _copy_changed(session, details)
    session.save()
    # The caseload's "last contact" column: only ever moves forward.
    Participant.objects.filter(pk=participant.pk).filter(
        models.Q(last_contact_at__isnull=True) | models.Q(last_contact_at__lt=details.held_at)
    ).update(last_contact_at=details.held_at)
    audit.record(actor, Action.CREATE, session, participant.uuid, [f.name for f in fields(details)])
    return session


def appointment_ahead(participant: Participant, now: datetime) -> CoachingSession | None:
    """The participant's next appointment: the one on their latest session that is still ahead
    (a newer session's time replaces an older one's)."""
    return (
        CoachingSession.objects.filter(participant=participant, next_appointment__gt=now)
        .order_by("-held_at", "-pk")
        .first()
    )


@transaction.atomic
def cancel_appointment(
    actor: Actor, session: CoachingSession, expected_version: int
) -> CoachingSession:
    """Call off the participant's next appointment, recorded on `session`.

    Only the appointment the participant's own page shows can be called off. An
    older session's time still ahead (one a newer session had replaced) is cleared
    too, so it does not come back as the next appointment. Saving the session
    stops its waiting reminder in this same transaction (the reminders app
    listens to the save)."""
    current = lock_for_edit(CoachingSession, session, expected_version)
    now = timezone.now()
    ahead = appointment_ahead(current.participant, now)
    if ahead is None or ahead.pk != current.pk:
        raise ValidationError(
            _("This appointment has already passed or was replaced by a newer one.")
        )
    owner = current.participant.uuid
    older = list(
        CoachingSession.objects.select_for_update()
        .filter(participant_id=current.participant_id, next_appointment__gt=now)
        .exclude(pk=current.pk)
    )
    for other in older:
        other.next_appointment = None
        other.version += 1
        other.save(update_fields=["next_appointment", "version"])
        audit.record(actor, Action.CHANGE, other, owner, ["next_appointment"])
    current.next_appointment = None
    current.version += 1
    current.save(update_fields=["next_appointment", "version"])
    audit.record(actor, Action.CHANGE, current, owner, ["next_appointment"])
    return current


@transaction.atomic
def send_summary(
    actor: Actor, session: CoachingSession, contents: dict[str, Any]
) -> MeetingSummary:
    """Put a meeting's summary on the participant's own pages, once per session."""
    participant = session.participant
    if participant.user_id is None:
        raise ValidationError(
            _("%(name)s has no own pages yet. Invite them from their profile first.")
            % {"name": participant.member.first_name}
        )
    # The session row locked, so two sends of the same meeting cannot both pass the check.
    CoachingSession.objects.select_for_update().filter(pk=session.pk).first()
    if MeetingSummary.objects.filter(session=session).exists():
        raise ValidationError(_("This meeting's summary is already on their page."))
    summary = MeetingSummary.objects.create(
        participant=participant, session=session, contents=contents, sent_by=actor.user
    )
    audit.record(actor, Action.CREATE, summary, participant.uuid, ["contents"])
    return summary


@transaction.atomic
def mark_summary_read(actor: Actor, summary: MeetingSummary) -> MeetingSummary:
    """The participant has read a summary sent to them (reading it twice changes nothing)."""
    current = (
        MeetingSummary.objects.select_for_update().select_related("participant").get(pk=summary.pk)
    )
    if actor.user is None or current.participant.user_id != actor.user.pk:
        raise PermissionDenied
    if current.read_at is None:
        current.read_at = timezone.now()
        current.save(update_fields=["read_at"])
        audit.record(actor, Action.CHANGE, current, current.participant.uuid, ["read_at"])
    return current
