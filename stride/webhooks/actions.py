"""Every change to subscriptions and every replay, each audited in its transaction.

Audit events name the fields changed, never the address or the secret.
"""

import json
from dataclasses import dataclass, fields
from urllib.parse import urlsplit
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.edits import lock_for_edit
from stride.core.models import Organisation, User

from . import fanout, scope, tasks
from .models import KINDS, Delivery, Subscription, new_secret

# A receiver on the same machine may listen on plain HTTP; any other needs HTTPS.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass
class SubscriptionDetails:
    name: str
    url: str
    events: list[str]
    county: Organisation | None
    include_names: bool = False
    active: bool = True


def address_problem(url: str) -> str | None:
    """Why Stride will not post to `url`, or None."""
    address = urlsplit(url)
    if address.scheme == "https" or (address.scheme == "http" and address.hostname in LOCAL_HOSTS):
        return None
    return _("Use an address that starts with https://.")


def _check(user: User, details: SubscriptionDetails) -> None:
    errors: dict[str, str] = {}
    if problem := address_problem(details.url):
        errors["url"] = problem
    if not details.events or not set(details.events) <= KINDS:
        errors["events"] = _("Choose at least one event.")
    if details.county is None:
        if not scope.may_choose_all_counties(user):
            errors["county"] = _("Choose your county.")
    elif not scope.counties_for(user).filter(pk=details.county.pk).exists():
        errors["county"] = _("Choose a county you look after.")
    if details.include_names and not scope.may_include_names(user, details.county):
        errors["include_names"] = _(
            "Only the county's administrator may send names, and only for their county."
        )
    if errors:
        raise ValidationError(errors)


def _actor_user(actor: Actor) -> User:
    assert actor.user is not None, "subscriptions are kept by a signed-in administrator"
    return actor.user


@transaction.atomic
def create_subscription(actor: Actor, details: SubscriptionDetails) -> Subscription:
    _check(_actor_user(actor), details)
    subscription = Subscription(created_by=actor.user)
    for item in fields(details):
        setattr(subscription, item.name, getattr(details, item.name))
    subscription.save()
    audit.record(
        actor, Action.CREATE, subscription, None, [f.name for f in fields(details)] + ["secret"]
    )
    return subscription


@transaction.atomic
def change_subscription(
    actor: Actor, subscription: Subscription, expected_version: int, details: SubscriptionDetails
) -> Subscription:
    current = lock_for_edit(Subscription, subscription, expected_version)
    _check(_actor_user(actor), details)
    resumed = details.active and not current.active
    changed = []
    for item in fields(details):
        value = getattr(details, item.name)
        if getattr(current, item.name) != value:
            setattr(current, item.name, value)
            changed.append(item.name)
    if changed:
        current.version += 1
        current.save()
        audit.record(actor, Action.CHANGE, current, None, changed)
    if resumed:
        # What waited while it was paused goes now.
        for delivery_id in current.deliveries.filter(
            status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
        ).values_list("pk", flat=True):
            tasks.send_at(delivery_id)
    return current


@transaction.atomic
def rotate_secret(actor: Actor, subscription: Subscription) -> Subscription:
    """A new secret at once; the old one signs nothing more."""
    current = Subscription.objects.select_for_update().get(pk=subscription.pk)
    current.secret = new_secret()
    current.secret_rotated_at = timezone.now()
    current.version += 1
    current.save(update_fields=["secret", "secret_rotated_at", "version"])
    audit.record(actor, Action.CHANGE, current, None, ["secret"])
    return current


def _participant_of(delivery: Delivery) -> dict[str, str]:
    participant: dict[str, str] = json.loads(delivery.body)["participant"]
    return participant


@transaction.atomic
def replay(actor: Actor, delivery: Delivery) -> Delivery:
    """The same body, sent again as a new delivery (the event's id is the same, so a
    receiver that keeps ids knows it has seen it)."""
    again = Delivery.objects.create(
        subscription=delivery.subscription,
        event_id=delivery.event_id,
        kind=delivery.kind,
        body=delivery.body,
        next_attempt_at=timezone.now(),
        replay_of=delivery,
    )
    participant = _participant_of(delivery)
    who = UUID(participant["uuid"])
    audit.record(actor, Action.CREATE, again, who, ["replay_of"])
    if "first_name" in participant:  # a name leaves Stride again: an export
        audit.record(actor, Action.EXPORT, again, who, fanout.NAME_FIELDS)
    tasks.send_at(again.pk)
    return again
