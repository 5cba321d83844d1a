"""Writing audit events.

Action functions call `record` inside their transaction, so a change and
its audit event are saved together or not at all. Only field names are
kept, never values.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from ipware.ip import get_client_ip

from .models import AuditEvent, User

Action = AuditEvent.Action
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Actor:
    """The person acting, and where from."""

    user: User | None
    ip_address: str | None = None
    channel: str = "web"

    @classmethod
    def from_request(cls, request: HttpRequest, channel: str = "web") -> "Actor":
        return cls(
            request.user if request.user.is_authenticated else None, client_ip(request), channel
        )

    @classmethod
    def system(cls) -> "Actor":
        return cls(None, None, "system")


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person's browser: the sign-in lockout (AXES_CLIENT_IP_CALLABLE)
    and every audit event read it here.

    With no proxy in front (runserver) it is REMOTE_ADDR and X-Forwarded-For is ignored.
    Behind STRIDE_TRUSTED_PROXIES proxies, the last of them is REMOTE_ADDR and each one
    appends the address it heard from to X-Forwarded-For, so the client is that many
    entries from the right; entries further left were sent by the client and are not
    believed.
    """
    proxies = settings.STRIDE_TRUSTED_PROXIES
    if not proxies:
        return request.META.get("REMOTE_ADDR") or None
    address, _routable = get_client_ip(
        request,
        proxy_count=proxies - 1,
        request_header_order=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
        strict=False,
    )
    return address


def _event(
    actor: Actor,
    action: str,
    record: models.Model,
    participant: UUID | None,
    fields: Iterable[str] = (),
) -> AuditEvent:
    user = actor.user
    return AuditEvent(
        actor=user,
        actor_name=user.username if user else "system",
        actor_role=user.role if user else "",
        action=action,
        record_type=type(record).__name__,
        record_id=getattr(record, "uuid", None),
        participant=participant,
        fields=sorted(fields),
        ip_address=actor.ip_address,
        channel=actor.channel,
    )


def record(
    actor: Actor,
    action: str,
    record: models.Model,
    participant: UUID | None,
    fields: Iterable[str] = (),
) -> AuditEvent:
    event = _event(actor, action, record, participant, fields)
    event.save()
    return event


def record_many(
    actor: Actor,
    action: str,
    records: Iterable[M],
    participant_of: Callable[[M], UUID | None],
    fields: Iterable[str] = (),
) -> None:
    """One event per record, inserted 500 at a time (exports, list reads, bulk writes).

    `records` may be an iterator: a state-wide export never holds all its events at once.
    """
    fields = tuple(fields)
    batch: list[AuditEvent] = []
    for item in records:
        batch.append(_event(actor, action, item, participant_of(item), fields))
        if len(batch) == 500:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
