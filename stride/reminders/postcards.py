"""Postcard reminders: a household that chose them gets its reminders on a card in the mail.

A postcard is a `Message` on the postcard channel, written as any reminder is (scheduling),
but no worker sends it (`sending.claim` leaves it alone). The office prints a week's cards
in one PDF, grouped by office, each card in its household's language; printing marks them
sent, so a card is printed once, and printing a week's cards again is asked for by name.

A card says what the reminder is about from the record itself (the step, the appointment,
the goal), not the text message's words, which speak of replying.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from stride.coaching import printouts
from stride.coaching.models import CoachingSession, Goal, Step
from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.models import Organisation
from stride.people.actions import record_export
from stride.people.models import Household, Participant

from . import actions, quiet, wording
from .models import Channel, Consent, Message

BATCH = printouts.Printable("postcards", "reminders/print/postcards.html")
CARD = "reminders/print/_postcard.html"


def address_of(household: Household) -> str:
    """The household's mailing address on one line; "" when it has no street address."""
    if not household.address_line.strip():
        return ""
    town = " ".join(part for part in (household.city.strip(), household.zip_code.strip()) if part)
    return ", ".join(part for part in (household.address_line.strip(), town) if part)


def choose(actor: Actor, participant: Participant, how: str) -> Consent:
    """The participant would like their reminders on postcards at the household's address.

    Asked again (a second press) while that choice stands, it changes nothing."""
    address = address_of(participant.household)
    standing = Consent.objects.filter(
        participant=participant, channel=Channel.POSTCARD, revoked_at__isnull=True
    ).first()
    if standing is not None and standing.address == address:
        return standing
    return actions.give_consent(actor, participant, Channel.POSTCARD, address, how)


def active_choice(consents: QuerySet[Consent]) -> Consent | None:
    return consents.filter(channel=Channel.POSTCARD, revoked_at__isnull=True).first()


def week_start(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


def _week_bounds(monday: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()  # the office's clock (the project's time zone)
    start = datetime.combine(monday, time(0, 0), tzinfo=zone)
    return start, datetime.combine(monday + timedelta(days=7), time(0, 0), tzinfo=zone)


def office_of(participant: Participant) -> Organisation:
    """The office a family's postcards are printed at: above its team, or its county."""
    team = participant.team
    if (
        team is not None
        and team.parent is not None
        and team.parent.kind == Organisation.Kind.OFFICE
    ):
        return team.parent
    return participant.county


def for_week(messages: QuerySet[Message], monday: date, again: bool) -> list[Message]:
    """The week's postcards among `messages` (already read through the access module):
    those not printed yet, and with `again` those printed already too."""
    start, end = _week_bounds(monday)
    statuses = [Message.Status.QUEUED] + ([Message.Status.SENT] if again else [])
    return list(
        messages.filter(
            channel=Channel.POSTCARD, status__in=statuses, due_at__gte=start, due_at__lt=end
        )
        .select_related(
            "participant__household",
            "participant__member",
            "participant__team__parent",
            "participant__county",
            "participant__coach",
        )
        .order_by("participant__household__zip_code", "due_at", "pk")
    )


@dataclass(frozen=True)
class Office:
    office: Organisation
    waiting: list[Message]
    printed: list[Message]
    no_address: list[Message]


def by_office(messages: Iterable[Message]) -> list[Office]:
    """Postcards grouped by office, each split into still to print, already printed, and
    those whose household has no street address to mail them to."""
    groups: dict[int, Office] = {}
    for message in messages:
        office = office_of(message.participant)
        group = groups.setdefault(office.pk, Office(office, [], [], []))
        if not address_of(message.participant.household):
            group.no_address.append(message)
        elif message.status == Message.Status.QUEUED:
            group.waiting.append(message)
        else:
            group.printed.append(message)
    return sorted(groups.values(), key=lambda group: group.office.name)


@dataclass(frozen=True)
class Card:
    """What one card says, in its household's language."""

    message: Message
    kind: str
    what: str  # the step's or the goal's own words; "" for an appointment
    on: date | None
    at: datetime | None  # an appointment's time, on the household's clock
    name: str
    address_line: str
    town: str


def _records(messages: Sequence[Message]) -> dict[UUID, Step | CoachingSession | Goal]:
    ids: dict[str, list[UUID]] = {}
    for message in messages:
        if message.about_id is not None:
            ids.setdefault(message.about, []).append(message.about_id)
    found: dict[UUID, Step | CoachingSession | Goal] = {}
    if ids.get(Message.About.STEP):
        found |= {s.uuid: s for s in Step.objects.filter(uuid__in=ids[Message.About.STEP])}
    if ids.get(Message.About.APPOINTMENT):
        sessions = CoachingSession.objects.filter(uuid__in=ids[Message.About.APPOINTMENT])
        found |= {s.uuid: s for s in sessions}
    if ids.get(Message.About.REVIEW):
        found |= {g.uuid: g for g in Goal.objects.filter(uuid__in=ids[Message.About.REVIEW])}
    return found


def cards(messages: Sequence[Message]) -> list[Card]:
    """A card for each postcard whose household has an address, in the batch's order."""
    records = _records(messages)
    made = []
    for message in messages:
        household = message.participant.household
        if not address_of(household):
            continue
        record = records.get(message.about_id) if message.about_id else None
        what, on, at = "", None, None
        if isinstance(record, Step):
            what, on = record.what, record.due_on
        elif isinstance(record, CoachingSession) and record.next_appointment is not None:
            at = record.next_appointment.astimezone(quiet.zone_for_zip(household.zip_code))
            on = at.date()
        elif isinstance(record, Goal):
            what, on = record.words, record.target_date
        kind = message.about if (what or on) else "other"
        made.append(
            Card(
                message,
                kind,
                what,
                on,
                at,
                message.participant.member.full_name,
                household.address_line.strip(),
                " ".join(p for p in (household.city.strip(), household.zip_code.strip()) if p),
            )
        )
    return made


def render(batch: Sequence[Card], office: Organisation) -> bytes:
    """The cards as one PDF of postcard-sized pages (message, then address), each card in
    its household's language."""
    faces: list[SafeString] = []
    for card in batch:
        language = wording.language_of(card.message.participant)
        with translation.override(language):
            html = render_to_string(CARD, {"card": card, "language": language})
        faces.append(mark_safe(html))  # noqa: S308  (rendered by our own template, escaped there)
    return printouts.render_pdf(BATCH, {"faces": faces, "office": office}, "en")


@transaction.atomic
def mark_printed(actor: Actor, batch: Sequence[Card]) -> int:
    """The cards' postcards are printed: sent, once. A card printed again changes nothing but
    is recorded, as every card is, as an export of its participant's record."""
    printed = 0
    now = timezone.now()
    for card in batch:
        message = card.message
        if Message.objects.filter(pk=message.pk, status=Message.Status.QUEUED).update(
            status=Message.Status.SENT, sent_at=now
        ):
            printed += 1
            audit.record(
                actor,
                Action.CHANGE,
                message,
                message.participant.uuid,
                ["status", "sent_at"],
                changes={"status": (Message.Status.QUEUED, Message.Status.SENT)},
            )
    record_export(actor, {card.message.participant for card in batch})
    return printed
