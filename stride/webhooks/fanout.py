"""From an event to the deliveries it owes, written in the transaction of its change.

Connected to `core.events.happened` (apps.py). Each subscription whose scope holds the
participant's county (or all counties) and that chose the event gets one delivery row and
one queued task, both in the change's transaction: the database backend's task row is
committed with the change, so a change that commits is sent even if the process dies
right after, and a change rolled back leaves neither.
"""

import json
from typing import Any

from django.db.models import Q

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.events import Event

from . import tasks
from .models import Delivery, Subscription

SYSTEM = Actor.system()
NAME_FIELDS = ["first_name", "last_name"]


def may_carry_names(subscription: Subscription) -> bool:
    """Names go only to a county's own subscription that asked for them (the actions let
    only someone who reads that county's records ask); never an SSN, to anyone."""
    return subscription.include_names and subscription.county_id is not None


def body(event: Event, names: bool) -> str:
    participant: dict[str, Any] = {"uuid": str(event.participant.uuid)}
    if names:
        member = event.participant.member
        participant |= {"first_name": member.first_name, "last_name": member.last_name}
    return json.dumps(
        {
            "id": str(event.id),
            "type": event.kind.value,
            "occurred_at": event.at.isoformat(),
            "participant": participant,
            "record": {
                "type": event.record_type,
                "uuid": str(event.record_uuid) if event.record_uuid else None,
            },
            "data": event.values,
        },
        separators=(",", ":"),
    )


def on_events(sender: Any, events: list[Event], **kwargs: Any) -> None:
    counties = {event.participant.county_id for event in events}
    subscriptions = list(
        Subscription.objects.filter(active=True).filter(
            Q(county__isnull=True) | Q(county_id__in=counties)
        )
    )
    if not subscriptions:
        return
    deliveries = []
    named = []
    for event in events:
        for subscription in subscriptions:
            if event.kind.value not in subscription.events:
                continue
            if subscription.county_id not in (None, event.participant.county_id):
                continue
            names = may_carry_names(subscription)
            deliveries.append(
                Delivery(
                    subscription=subscription,
                    event_id=event.id,
                    kind=event.kind.value,
                    body=body(event, names),
                    next_attempt_at=event.at,
                )
            )
            if names:
                named.append(event.participant)
    Delivery.objects.bulk_create(deliveries)
    # A body with a name takes part of the record out of Stride: an export.
    audit.record_many(SYSTEM, Action.EXPORT, named, lambda p: p.uuid, NAME_FIELDS)
    for delivery in deliveries:
        tasks.send_at(delivery.pk)
