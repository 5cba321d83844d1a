"""Writing audit events.

Action functions call `record` inside their transaction, so a change and
its audit event are saved together or not at all. Events name the fields
that changed, never their values, with one exception: a model may declare
in `AUDIT_VALUES` fields whose values say nothing about a person (a step's
status, a referral's stage), and an event keeps their old and new values
(`changes`). A value for any other field, or one that is not among the
field's choices, is refused, so a name or a note cannot slip in.
"""

import enum
import functools
import itertools
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID, uuid4

from django.conf import settings
from django.db import connection, models
from django.http import HttpRequest
from django.utils import timezone
from ipware.ip import get_client_ip
from psycopg.types.json import Jsonb

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


Change = tuple[Any, Any]  # (old, new); old is None for a new record


class UndeclaredValue(ValueError):
    """A value the audit trail may not keep: its field is not in the model's
    `AUDIT_VALUES`, or it is not one of the field's choices."""


def _stored(value: Any) -> Any:
    """A choice as the database keeps it; a blank choice (no outcome yet) is None."""
    value = value.value if isinstance(value, enum.Enum) else value
    return None if value == "" else value


@functools.cache
def _choices(model: type[models.Model], name: str) -> frozenset[Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{model.__name__}.{name} is not a field"
    return frozenset(value for value, _label in field.flatchoices)


def _checked(record: models.Model, changes: Mapping[str, Change]) -> dict[str, list[Any]]:
    """`changes` as the event keeps them, refusing any value that is not declared safe."""
    model = type(record)
    declared = getattr(model, "AUDIT_VALUES", ())
    kept = {}
    for name, (old, new) in changes.items():
        if name not in declared:
            raise UndeclaredValue(
                f"{model.__name__}.{name} is not in {model.__name__}.AUDIT_VALUES: "
                "the audit trail keeps only its name"
            )
        allowed = _choices(model, name)
        old, new = _stored(old), _stored(new)
        for value in (old, new):
            if value is not None and value not in allowed:
                raise UndeclaredValue(f"{value!r} is not one of the choices of {name}")
        if old != new:  # a new record's blank choice (None, None) is left out too
            kept[name] = [old, new]
    return kept


def _event(
    actor: Actor,
    action: str,
    record: models.Model,
    participant: UUID | None,
    fields: Iterable[str] = (),
    changes: Mapping[str, Change] | None = None,
) -> AuditEvent:
    return AuditEvent(**_event_values(actor, action, record, participant, fields, changes))


def _event_values(
    actor: Actor,
    action: str,
    record: models.Model,
    participant: UUID | None,
    fields: Iterable[str] = (),
    changes: Mapping[str, Change] | None = None,
) -> dict[str, Any]:
    if changes is None and action == Action.CREATE:
        # A new record's declared fields start somewhere worth knowing (a review's decision).
        starts = {name: getattr(record, name) for name in getattr(record, "AUDIT_VALUES", ())}
        changes = {name: (None, value) for name, value in starts.items()}
    kept = _checked(record, changes or {})
    user = actor.user
    return {
        "actor": user,
        "actor_name": user.username if user else "system",
        "actor_role": user.role if user else "",
        "action": action,
        "record_type": type(record).__name__,
        "record_id": getattr(record, "uuid", None),
        "participant": participant,
        "fields": sorted({*fields, *kept}),
        "changes": kept,
        "ip_address": actor.ip_address,
        "channel": actor.channel,
    }


def record(
    actor: Actor,
    action: str,
    record: models.Model,
    participant: UUID | None,
    fields: Iterable[str] = (),
    changes: Mapping[str, Change] | None = None,
) -> AuditEvent:
    """Record an event; `changes` gives {field: (old, new)} for fields in `AUDIT_VALUES`.

    Without `changes`, a CREATE keeps the values its new record's declared fields start with.
    """
    event = _event(actor, action, record, participant, fields, changes)
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
    More than a batch, on PostgreSQL, are written with COPY, without a model instance each:
    for a caseload import's half a million events that is most of the import's time. (A
    page's events, fewer, are one INSERT on every database, so its statements count alike.)
    """
    fields = tuple(fields)
    items = iter(records)
    first = list(itertools.islice(items, COPY_FROM))
    if len(first) == COPY_FROM and connection.vendor == "postgresql":
        _copy_events(actor, action, itertools.chain(first, items), participant_of, fields)
        return
    batch: list[AuditEvent] = []
    for item in itertools.chain(first, items):
        batch.append(_event(actor, action, item, participant_of(item), fields))
        if len(batch) == 500:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)


COPY_FROM = 1000  # events in one call, from which COPY is worth its own statement
# The columns COPY writes, in order; `id` comes from its sequence.
_COPIED = (
    "uuid", "at", "actor_id", "actor_name", "actor_role", "action", "record_type", "record_id",
    "participant", "fields", "changes", "ip_address", "channel",
)  # fmt: skip


def _copy_events(
    actor: Actor,
    action: str,
    records: Iterable[M],
    participant_of: Callable[[M], UUID | None],
    fields: tuple[str, ...],
) -> None:
    """record_many's events through PostgreSQL's COPY: the same values `_event_values` gives,
    the defaults Django would fill (a new uuid, the time) filled here."""
    at = timezone.now()
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in _COPIED)
    sql = f"COPY {table} ({columns}) FROM STDIN"  # noqa: S608  (our own table and columns)
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for item in records:
            values = _event_values(actor, action, item, participant_of(item), fields)
            user = values.pop("actor")
            copy.write_row(
                (
                    uuid4(), at, user.pk if user else None, values["actor_name"],
                    values["actor_role"], values["action"], values["record_type"],
                    values["record_id"], values["participant"], Jsonb(values["fields"]),
                    Jsonb(values["changes"]), values["ip_address"], values["channel"],
                )
            )  # fmt: skip
    if connection.queries_logged:  # as Django's debug cursor logs what it executes
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
