"""Appointments and review dates as iCalendar (RFC 5545): one appointment's .ics file, and a
participant's private feed that a phone's calendar reads without signing in.

An event's words name no surname and no case detail: a phone may show them on a locked
screen or copy them to another company's servers. Times carry the household's own zone
(a TZID with its VTIMEZONE), found from its ZIP code as the quiet hours are. The `icalendar`
package writes the format (escaping, CRLF, lines folded at 75 octets).

The feed's address holds a secret of which only the SHA-256 is kept. Making a new one
replaces the old at once; reading the feed is recorded as a view with no user.
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from stride.coaching.models import CoachingSession, Goal
from stride.core import audit
from stride.core.audit import Action, Actor
from stride.people.models import Participant

from . import quiet, wording
from .models import CalendarFeed

APPOINTMENT_LENGTH = timedelta(hours=1)  # the meeting's length is not recorded; an hour is usual
PRODUCT = "-//Stride//Coaching appointments//EN"
UID_HOST = "stride"
REFRESH = timedelta(hours=1)  # how often a subscribed calendar is asked to read the feed again
FEED_CHANNEL = "calendar"  # the audit event's channel when a phone's calendar reads the feed


def upcoming_appointment(
    sessions: QuerySet[CoachingSession], now: datetime
) -> CoachingSession | None:
    """The appointment still ahead that the latest meeting set (as on the participant's page).

    `sessions` is already narrowed by the access module to what the reader may see."""
    return (
        sessions.filter(next_appointment__gt=now)
        .only("uuid", "participant_id", "next_appointment", "version", "held_at")
        .order_by("-held_at", "-pk")
        .first()
    )


def review_dates(goals: QuerySet[Goal], today: date) -> list[Goal]:
    """The open goals whose date to look back at them is today or later, soonest first."""
    return list(
        goals.filter(status__in=Goal.OPEN_STATUSES, target_date__gte=today)
        .only("uuid", "participant_id", "target_date", "version")
        .order_by("target_date", "pk")
    )


def appointment_uid(session: CoachingSession) -> str:
    """The same for this appointment in every file and feed, so a calendar updates it in place."""
    return f"appointment-{session.uuid}@{UID_HOST}"


def review_uid(goal: Goal) -> str:
    return f"review-{goal.uuid}@{UID_HOST}"


def _appointment_event(session: CoachingSession, zone: ZoneInfo, stamp: datetime) -> Event:
    assert session.next_appointment is not None
    start = session.next_appointment.astimezone(zone)
    event = Event()
    event.add("uid", appointment_uid(session))
    event.add("dtstamp", stamp)
    event.add("sequence", session.version)  # an appointment moved later replaces the earlier
    event.add("dtstart", start)
    event.add("dtend", start + APPOINTMENT_LENGTH)
    event.add("summary", _("Meeting with your coach"))
    event.add(
        "description",
        _(
            "Your next meeting with your Stride coach. If this time no longer works for you, "
            "let your coach know and you can choose another together."
        ),
    )
    return event


def _review_event(goal: Goal, stamp: datetime) -> Event:
    assert goal.target_date is not None
    event = Event()
    event.add("uid", review_uid(goal))
    event.add("dtstamp", stamp)
    event.add("sequence", goal.version)
    event.add("dtstart", goal.target_date)  # a whole day: VALUE=DATE, no time zone
    event.add("dtend", goal.target_date + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a date to keep in mind, not a busy time
    event.add("summary", _("Look back at a goal with your coach"))
    event.add(
        "description",
        _("The day you chose to see how a goal is going and what comes next."),
    )
    return event


def _calendar(events: Iterable[Event], name: str, *, subscribed: bool = False) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if subscribed:  # RFC 7986, and the older name most phones still read
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", REFRESH)
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()  # a VTIMEZONE for each TZID the events use (RFC 5545 3.6.5)
    return bytes(cal.to_ical())


def _stamp(now: datetime) -> datetime:
    return now.astimezone(UTC)


def appointment_file(participant: Participant, session: CoachingSession, now: datetime) -> bytes:
    """One appointment as a .ics file, in the household's language and time zone."""
    zone = quiet.zone_for_zip(participant.household.zip_code)
    with translation.override(wording.language_of(participant)):
        return _calendar(
            [_appointment_event(session, zone, _stamp(now))], _("Meeting with your coach")
        )


def feed_file(participant: Participant, now: datetime) -> bytes:
    """The participant's calendar: their next appointment and their goals' review dates.

    Read by a phone with no one signed in: the feed's secret stands in for the access
    module, and opens this one participant's dates only."""
    zone = quiet.zone_for_zip(participant.household.zip_code)
    stamp = _stamp(now)
    appointment = upcoming_appointment(CoachingSession.objects.filter(participant=participant), now)
    reviews = review_dates(
        Goal.objects.filter(participant=participant), now.astimezone(zone).date()
    )
    with translation.override(wording.language_of(participant)):
        events = [_review_event(goal, stamp) for goal in reviews]
        if appointment is not None:
            events.insert(0, _appointment_event(appointment, zone, stamp))
        return _calendar(events, _("My coaching"), subscribed=True)


def _hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def make_feed_address(actor: Actor, participant: Participant) -> str:
    """A new secret for the participant's calendar feed, replacing any earlier one at once.

    The secret is returned to be shown this once; only its hash is kept."""
    secret = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.select_for_update().filter(participant=participant).first()
    if feed is None:
        feed = CalendarFeed.objects.create(
            participant=participant,
            token_hash=_hashed(secret),
            made_at=timezone.now(),
            made_by=actor.user,
        )
        audit.record(actor, Action.CREATE, feed, participant.uuid, ["token_hash", "made_at"])
    else:
        feed.token_hash, feed.made_at, feed.made_by = _hashed(secret), timezone.now(), actor.user
        feed.save(update_fields=["token_hash", "made_at", "made_by"])
        audit.record(actor, Action.CHANGE, feed, participant.uuid, ["token_hash", "made_at"])
    return secret


def feed_for(secret: str) -> CalendarFeed | None:
    """The feed this secret opens, or None (an old, reset or made-up secret alike)."""
    if not secret or len(secret) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("participant__household")
        .filter(token_hash=_hashed(secret))
        .first()
    )


def record_read(feed: CalendarFeed, ip_address: str | None) -> None:
    """A calendar read the feed: a view of the participant's record, by no signed-in person."""
    audit.record(Actor(None, ip_address, FEED_CHANNEL), Action.VIEW, feed, feed.participant.uuid)
