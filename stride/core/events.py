"""Things that happened to a participant's record, told to whoever listens.

A domain app that makes one of these changes calls `emit` in the transaction of the
change, one line beside its audit event. Listeners (the webhooks app) connect to
`happened` and write what they need in that same transaction, so an event is kept
exactly when its change is: a rolled-back change leaves nothing behind. Core holds
this so that apps below a listener can tell it without importing it (the layers in
docs/conventions.md).

An event carries identifiers and values that say nothing about a person (choices a
model lists in AUDIT_VALUES): never a name, a note or money.
"""

import enum
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.dispatch import Signal
from django.utils import timezone


class Kind(enum.StrEnum):
    GOAL_ACHIEVED = "goal.achieved"
    REFERRAL_STAGE_CHANGED = "referral.stage_changed"
    PARTICIPANT_ASSIGNED = "participant.assigned"
    HOURS_VERIFIED = "hours.verified"
    CLIFF_FLAGGED = "cliff.flagged"


GOAL_ACHIEVED = Kind.GOAL_ACHIEVED
REFERRAL_STAGE_CHANGED = Kind.REFERRAL_STAGE_CHANGED
PARTICIPANT_ASSIGNED = Kind.PARTICIPANT_ASSIGNED
HOURS_VERIFIED = Kind.HOURS_VERIFIED
CLIFF_FLAGGED = Kind.CLIFF_FLAGGED

# Sent with events=[Event, ...], inside the transaction of the change.
happened = Signal()


@dataclass(frozen=True)
class Event:
    kind: Kind
    participant: Any  # settings.STRIDE_PARTICIPANT_MODEL
    record_type: str
    record_uuid: uuid.UUID | None
    values: dict[str, str] = field(default_factory=dict)
    at: datetime = field(default_factory=timezone.now)
    id: uuid.UUID = field(default_factory=uuid.uuid4)


def _plain(value: Any) -> str:
    return str(value.value if isinstance(value, enum.Enum) else value)


def emit(
    kind: Kind, record: models.Model, participant: Any, when: bool = True, **values: Any
) -> None:
    """Tell listeners that `record` of `participant` changed in this way (if `when`).

    `values` are choices that say nothing about a person (a referral's stage).
    """
    if when:
        happened.send(sender=type(record), events=[_event(kind, record, participant, values)])


def _event(kind: Kind, record: Any, participant: Any, values: dict[str, Any]) -> Event:
    return Event(
        kind,
        participant,
        type(record).__name__,
        getattr(record, "uuid", None),
        {name: _plain(value) for name, value in values.items()},
    )


def emit_each_participant(
    kind: Kind, records: Iterable[Any], values: Callable[[Any], dict[str, Any]] | None = None
) -> None:
    """One event per participant among `records` (each with a `participant`), about their
    first record, told to listeners at once: the cliff watch flags a family once however
    many cliffs it finds, and an extract's households opened together are assigned their
    coaches as `open_case` assigns one. `values(record)` gives each event's choices."""
    first: dict[int, Any] = {}
    for record in records:
        first.setdefault(record.participant_id, record)
    if first:
        told = [
            _event(kind, record, record.participant, values(record) if values else {})
            for record in first.values()
        ]
        happened.send(sender=type(next(iter(first.values()))), events=told)
