"""A reminder follows what it is about: written, moved or stopped in that record's own transaction.

Coaching does not know reminders exist: its action functions save a step, a goal
or a session, and the post_save signals connected here write the message row
(and the worker's task) inside the same transaction, so a change saved is a
reminder queued, and a change rolled back leaves none behind.

Three things get reminders:

- a step with a date that asked for one, while it is to do;
- a participant's next appointment: the one their own page shows, recorded on
  their latest session that has an appointment still ahead. A newer session
  with another time moves it; when none is ahead any more it stops;
- a goal's review date (its target date), while the goal is open;
- a check-in of their own, every week, two or four weeks when the participant
  asked for it: counted from their last check-in (or the last such reminder),
  so doing one puts the next off.

Each has at most one waiting message, by one channel (`chosen_consent`: a
text, else an email, a postcard only when it is the only one). Nothing is
queued without the participant's consent. The time is the household's own
clock (from its ZIP code): the day before at ten in the morning, unless the
participant chose otherwise (`Preference`); a county's quiet hours always win.
A household that moves, or a county that changes its quiet hours, has its
waiting reminders placed again in that same transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Max, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from stride.assessments.models import Response
from stride.coaching.models import CoachingSession, Goal, Step
from stride.core import audit
from stride.core.audit import Action
from stride.core.models import Organisation
from stride.people.models import Household as HouseholdRecord
from stride.people.models import Participant

from . import quiet, tasks, wording
from .models import Channel, Consent, CountySettings, Message, Preference
from .sending import SYSTEM, cancel, message_sent

SEND_AT = time(10, 0)  # the morning of the day before, in the household's clock
HOURS_BEFORE = timedelta(hours=2)  # an appointment's reminder comes at least this long before it
EVENING_MARGIN = timedelta(minutes=30)  # when quiet hours would push it past: before they start


@dataclass(frozen=True)
class Timing:
    """When a participant wants their reminders."""

    lead: str
    at: time


DEFAULT = Timing(Preference.Lead.DAY_BEFORE, SEND_AT)


@dataclass(frozen=True)
class Household:
    """What placing a participant's reminders needs once: consent, clock, quiet hours, timing."""

    consent: Consent | None
    zone: ZoneInfo
    quiet_from: time
    quiet_until: time
    timing: Timing
    language: str


# A text first, then an email; a postcard only when it is the one way they agreed to.
CHANNEL_ORDER = (Channel.SMS, Channel.EMAIL, Channel.POSTCARD)


def chosen_consent(consents: list[Consent]) -> Consent | None:
    """The one channel a participant's reminders go by, among the consents still given.

    A participant who agreed to several ways still gets one reminder of each thing,
    not one per way: the issue asks for reminders "by SMS, email or a printed
    postcard", and the same reminder arriving three times reads as nagging (and a
    1 or 2 answered on the phone would leave an email and a card asking again).
    The order is what they would expect of the ways they gave:

    1. a text: it reaches them soonest, at the time they chose, and can be
       answered with 1 (done) or 2 (not yet);
    2. an email, when they did not agree to texts (or stopped them);
    3. a postcard only when it is the only way they agreed to: it is printed with
       the week's batch and may arrive days early or late.

    Two consents on the same way (a new number): the one given last."""
    ranked = sorted(
        consents, key=lambda c: (CHANNEL_ORDER.index(Channel(c.channel)), -c.given_at.timestamp())
    )
    return ranked[0] if ranked else None


def household_of(participant: Participant) -> Household:
    consent = chosen_consent(
        list(Consent.objects.filter(participant=participant, revoked_at__isnull=True))
    )
    household = participant.household
    if consent is None:  # nothing will be queued: spare the other queries
        return Household(
            None, ZoneInfo("UTC"), quiet.DEFAULT_FROM, quiet.DEFAULT_UNTIL, DEFAULT, "en"
        )
    chosen = CountySettings.objects.filter(county_id=household.county_id).first()
    preference = Preference.objects.filter(participant=participant).first()
    return Household(
        consent=consent,
        zone=quiet.zone_for_zip(household.zip_code),
        quiet_from=chosen.quiet_from if chosen else quiet.DEFAULT_FROM,
        quiet_until=chosen.quiet_until if chosen else quiet.DEFAULT_UNTIL,
        timing=Timing(preference.lead, preference.at) if preference else DEFAULT,
        language=wording.language_of(participant),
    )


def due_time(
    on: date,
    starts: datetime | None,
    timing: Timing,
    zone: ZoneInfo,
    now: datetime,
    quiet_from: time = quiet.DEFAULT_FROM,
    quiet_until: time = quiet.DEFAULT_UNTIL,
) -> datetime:
    """When a reminder of something on `on` (at `starts`, if it has a time) goes.

    The day before or the same morning at the chosen time, or two hours before a
    timed appointment (a thing with only a date gets it that morning at the chosen
    time). An appointment's reminder comes at least two hours before it. Quiet
    hours move it to their end, unless that is too late for the thing itself:
    then it goes just before they begin, the evening before."""
    if timing.lead == Preference.Lead.DAY_BEFORE:
        wanted = datetime.combine(on - timedelta(days=1), timing.at, tzinfo=zone)
    elif timing.lead == Preference.Lead.TWO_HOURS and starts is not None:
        wanted = starts - HOURS_BEFORE
    else:
        wanted = datetime.combine(on, timing.at, tzinfo=zone)
    if starts is not None:
        wanted = min(wanted, starts - HOURS_BEFORE)
    deadline = (
        starts
        if starts is not None
        else datetime.combine(on + timedelta(days=1), time.min, tzinfo=zone)
    )
    allowed = quiet.next_allowed(wanted, zone, quiet_from, quiet_until)
    if allowed >= deadline:
        allowed = quiet.quiet_start_before(deadline, zone, quiet_from, quiet_until) - EVENING_MARGIN
    if allowed <= now:
        return quiet.next_allowed(now, zone, quiet_from, quiet_until)
    return allowed


def _waiting(about: str, about_id: UUID | None, participant: Participant) -> list[Message]:
    found = Message.objects.select_related("participant").filter(
        about=about, status=Message.Status.QUEUED
    )
    # A step or a goal has its own message; a participant has one next appointment and one
    # next check-in.
    if about in (Message.About.APPOINTMENT, Message.About.CHECK_IN):
        found = found.filter(participant=participant)
    else:
        found = found.filter(about_id=about_id)
    return list(found.order_by("pk"))


def _place(
    participant: Participant,
    about: str,
    about_id: UUID | None,
    waiting: list[Message],
    wanted: tuple[str, datetime] | None,
    household: Household,
    why_not: str,
) -> Message | None:
    """Write, move or cancel the one waiting message about this thing."""
    consent = household.consent
    if wanted is None or consent is None:
        for message in waiting:
            cancel(SYSTEM, message, why_not)
        return None
    body, due_at = wanted
    fields: dict[str, Any] = {
        "channel": consent.channel,
        "address": consent.address,
        "language": household.language,
        "body": body,
        "about_id": about_id,
        "due_at": due_at,
        "next_try_at": due_at,
    }
    if waiting:
        message, *extra = waiting
        for other in extra:
            cancel(SYSTEM, other, "replaced")
        changed = [name for name, value in fields.items() if getattr(message, name) != value]
        if not changed:
            return message
        was_channel = message.channel
        Message.objects.filter(pk=message.pk).update(**fields)
        for name, value in fields.items():
            setattr(message, name, value)
        audit.record(
            SYSTEM,
            Action.CHANGE,
            message,
            participant.uuid,
            changed,
            changes={"channel": (was_channel, message.channel)},
        )
    else:
        message = Message.objects.create(participant=participant, about=about, **fields)
        audit.record(SYSTEM, Action.CREATE, message, participant.uuid, ["about", *fields])
    tasks.send_at(message.pk, due_at)
    return message


# Steps


@receiver(post_save, sender=Step, dispatch_uid="reminders.step_saved")
def step_saved(sender: type[Step], instance: Step, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        plan_for_step(instance)


def plan_for_step(step: Step, household: Household | None = None) -> Message | None:
    """The waiting reminder for this step, written or moved; None when it should have none."""
    participant = step.goal.participant
    if participant is None:
        return None
    waiting = _waiting(Message.About.STEP, step.uuid, participant)
    if not waiting and not step.wants_reminder:
        return None
    household = household or household_of(participant)
    now = timezone.now()
    wanted = None
    if (
        household.consent is not None
        and step.wants_reminder
        and step.due_on is not None
        and step.status == Step.Status.PLANNED
        and step.due_on >= timezone.localdate(now, household.zone)
    ):
        due_at = due_time(
            step.due_on,
            None,
            household.timing,
            household.zone,
            now,
            household.quiet_from,
            household.quiet_until,
        )
        wanted = (wording.step_reminder(step.what, step.due_on, household.language), due_at)
    return _place(
        participant,
        Message.About.STEP,
        step.uuid,
        waiting,
        wanted,
        household,
        "the step no longer needs a reminder",
    )


# A goal's review date


@receiver(post_save, sender=Goal, dispatch_uid="reminders.goal_saved")
def goal_saved(sender: type[Goal], instance: Goal, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.participant_id is not None:
        plan_for_review(instance)


def plan_for_review(goal: Goal, household: Household | None = None) -> Message | None:
    """The waiting reminder of an open goal's review date; None when it should have none."""
    participant = goal.participant
    if participant is None:
        return None
    waiting = _waiting(Message.About.REVIEW, goal.uuid, participant)
    household = household or household_of(participant)
    if not waiting and household.consent is None:
        return None
    now = timezone.now()
    wanted = None
    if (
        household.consent is not None
        and goal.is_open
        and goal.target_date is not None
        and goal.target_date >= timezone.localdate(now, household.zone)
    ):
        due_at = due_time(
            goal.target_date,
            None,
            household.timing,
            household.zone,
            now,
            household.quiet_from,
            household.quiet_until,
        )
        wanted = (wording.review_reminder(goal.words, goal.target_date, household.language), due_at)
    return _place(
        participant,
        Message.About.REVIEW,
        goal.uuid,
        waiting,
        wanted,
        household,
        "the goal's review date changed or the goal is closed",
    )


# The next appointment


@receiver(post_save, sender=CoachingSession, dispatch_uid="reminders.session_saved")
@receiver(post_delete, sender=CoachingSession, dispatch_uid="reminders.session_deleted")
def session_changed(
    sender: type[CoachingSession], instance: CoachingSession, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        plan_for_appointment(Participant.objects.get(pk=instance.participant_id))


def next_appointment(participant: Participant, now: datetime) -> CoachingSession | None:
    """The appointment the participant's own page shows: the latest session's that is ahead."""
    return (
        CoachingSession.objects.filter(participant=participant, next_appointment__gt=now)
        .order_by("-held_at", "-pk")
        .first()
    )


def plan_for_appointment(
    participant: Participant, household: Household | None = None
) -> Message | None:
    """The waiting reminder of the participant's next appointment; None when there is none."""
    waiting = _waiting(Message.About.APPOINTMENT, None, participant)
    household = household or household_of(participant)
    if not waiting and household.consent is None:
        return None
    now = timezone.now()
    session = next_appointment(participant, now)
    wanted = None
    if household.consent is not None and session is not None and session.next_appointment:
        starts = session.next_appointment.astimezone(household.zone)
        due_at = due_time(
            starts.date(),
            starts,
            household.timing,
            household.zone,
            now,
            household.quiet_from,
            household.quiet_until,
        )
        wanted = (wording.appointment_reminder(starts, household.language), due_at)
    return _place(
        participant,
        Message.About.APPOINTMENT,
        session.uuid if session is not None else None,
        waiting,
        wanted,
        household,
        "no appointment ahead",
    )


def plan_for_participant(participant: Participant) -> None:
    """Place every reminder the participant should have again (a new consent, new times)."""
    household = household_of(participant)
    today = timezone.localdate(timezone.now(), household.zone)
    waiting = Message.objects.filter(participant=participant, status=Message.Status.QUEUED)
    waiting_steps = waiting.filter(about=Message.About.STEP).values("about_id")
    for step in (
        Step.objects.filter(goal__participant=participant)
        .filter(
            Q(status=Step.Status.PLANNED, wants_reminder=True, due_on__gte=today)
            | Q(uuid__in=waiting_steps)
        )
        .select_related("goal")
    ):
        step.goal.participant = participant
        plan_for_step(step, household)
    waiting_goals = waiting.filter(about=Message.About.REVIEW).values("about_id")
    for goal in Goal.objects.filter(participant=participant).filter(
        Q(status__in=Goal.OPEN_STATUSES, target_date__gte=today) | Q(uuid__in=waiting_goals)
    ):
        goal.participant = participant
        plan_for_review(goal, household)
    plan_for_appointment(participant, household)
    plan_for_check_in(participant, household)


# A check-in of one's own


@receiver(post_save, sender=Response, dispatch_uid="reminders.check_in_saved")
def check_in_saved(
    sender: type[Response],
    instance: Response,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """A check-in finished: the next reminder to do one is counted from it."""
    finishing = update_fields is None or "completed_at" in update_fields
    if not raw and finishing and instance.completed_at is not None:
        plan_for_check_in(
            Participant.objects.select_related("household").get(pk=instance.participant_id)
        )


@receiver(message_sent, dispatch_uid="reminders.check_in_sent")
def check_in_sent(message: Message, **kwargs: Any) -> None:
    """A check-in reminder went out: the next one is counted from it."""
    if message.about == Message.About.CHECK_IN:
        plan_for_check_in(message.participant)


def plan_for_check_in(
    participant: Participant, household: Household | None = None
) -> Message | None:
    """The waiting reminder to do a check-in, when the participant asked for them: the chosen
    number of days after the last check-in, the last such reminder or the choice itself,
    whichever came last, on the morning of that day at their time."""
    waiting = _waiting(Message.About.CHECK_IN, None, participant)
    preference = Preference.objects.filter(participant=participant).first()
    every = preference.check_in_every if preference is not None else 0
    if not waiting and not every:
        return None
    household = household or household_of(participant)
    wanted = None
    if household.consent is not None and preference is not None and every:
        last_done = Response.objects.filter(participant=participant).aggregate(
            at=Max("completed_at")
        )["at"]
        last_sent = Message.objects.filter(
            participant=participant, about=Message.About.CHECK_IN
        ).aggregate(at=Max("sent_at"))["at"]
        since = max(at for at in (last_done, last_sent, preference.changed_at) if at is not None)
        on = timezone.localdate(since, household.zone) + timedelta(days=every)
        due_at = due_time(
            on,
            None,
            Timing(Preference.Lead.SAME_MORNING, household.timing.at),
            household.zone,
            timezone.now(),
            household.quiet_from,
            household.quiet_until,
        )
        wanted = (wording.check_in_reminder(household.language), due_at)
    return _place(
        participant,
        Message.About.CHECK_IN,
        None,
        waiting,
        wanted,
        household,
        "no check-in reminder wanted",
    )


# The household's clock and the county's quiet hours

CLOCK_FIELDS = frozenset({"zip_code", "language"})  # its time zone; the reminders' words


@receiver(post_save, sender=HouseholdRecord, dispatch_uid="reminders.household_saved")
def household_saved(
    sender: type[HouseholdRecord],
    instance: HouseholdRecord,
    raw: bool = False,
    created: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """A household that moved (a new ZIP code may be another time zone) or changed its
    language: its participants' waiting reminders are placed again, in the same
    transaction. Only a save that names the fields it wrote counts (people's
    `update_household` does); a new household has nothing waiting yet."""
    if raw or created or not update_fields or not CLOCK_FIELDS & set(update_fields):
        return
    for participant in Participant.objects.filter(household=instance).select_related("household"):
        plan_for_participant(participant)


def plan_for_county(county: Organisation) -> None:
    """New quiet hours for a county: every reminder still waiting for one of its
    households is placed again (called by the action that changes them, in its
    transaction)."""
    concerned = (
        Message.objects.filter(status=Message.Status.QUEUED, participant__household__county=county)
        .values_list("participant_id", flat=True)
        .distinct()
    )
    for participant in Participant.objects.filter(pk__in=concerned).select_related("household"):
        plan_for_participant(participant)
