"""A participant's record as plain data, the shape a records request is made of.

Each app offers its part of a participant's record from its own `records.py` (a list
of `Part`s, read from a participant the caller has already reached through `access`);
a module above the domain apps puts them together (`stride/casefile`). A part holds no
model instances, only words, codes and numbers: the JSON copy keeps each field's code or
ISO date (`value`), the printed copy its label and how it reads (`shown`), both from the
same `Entry`, so the two copies always say the same. An entry with nothing to show
(`shown == ""`: a result's figures, a summary's stored contents) is the JSON copy's alone.

`entries` reads a model's fields the way a reader would: its verbose name as the label,
a choice as its label, a date in the language of the copy, a person by their name.
Labels and choices are translated when `entries` runs, so the caller runs it inside the
copy's language.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import AuditEvent, User

# What the JSON keeps of a value: text, numbers, booleans, lists, mappings, or None.
Plain = Any


@dataclass(frozen=True)
class Entry:
    """One field: its key in the JSON copy, its label and how it reads in the printed copy."""

    name: str
    label: str
    value: Plain
    shown: str


@dataclass(frozen=True)
class Item:
    """One record (a goal, a session), its fields, and the parts beneath it (a goal's steps)."""

    title: str
    entries: Sequence[Entry]
    parts: Sequence["Part"] = ()


@dataclass(frozen=True)
class Part:
    """A kind of record in a participant's file (their goals), with a note on what is left out."""

    key: str
    title: str
    items: Sequence[Item]
    note: str = ""
    empty: str = ""


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def plain(value: Any) -> Plain:
    """A value as the JSON copy keeps it."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, User):
        return _person(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): plain(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [plain(inner) for inner in value]
    return value


def shown(value: Any) -> str:
    """A value as the printed copy writes it, in the language now active."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return str(formats.date_format(timezone.localtime(value), "DATETIME_FORMAT"))
    if isinstance(value, date):
        return str(formats.date_format(value, "DATE_FORMAT"))
    if isinstance(value, time):
        return str(formats.time_format(value, "TIME_FORMAT"))
    if isinstance(value, User):
        return _person(value)
    if isinstance(value, list | tuple):
        return ", ".join(shown(inner) for inner in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {shown(inner)}" for key, inner in value.items())
    return str(value)


def entry(name: str, label: Any, value: Any, words: str | None = None) -> Entry:
    """A field that is not a model's own (a computed one, an answer): `words` as it reads."""
    return Entry(name, str(label), plain(value), shown(value) if words is None else words)


def entries(record: models.Model, names: Iterable[str]) -> list[Entry]:
    """The named fields of `record`, each with its label, its value and how it reads."""
    found = []
    for name in names:
        model_field = record._meta.get_field(name)
        assert isinstance(model_field, models.Field), name
        label = str(capfirst(model_field.verbose_name))
        value = getattr(record, name)
        words = shown(value)
        if model_field.choices and value not in (None, ""):
            words = str(getattr(record, f"get_{name}_display")())
        found.append(Entry(name, label, plain(value), words))
    return found


def as_json(parts: Iterable[Part]) -> dict[str, Plain]:
    """The parts as the JSON copy: each part a list of its records, fields by key."""
    return {part.key: [_item_json(item) for item in part.items] for part in parts}


def _item_json(item: Item) -> dict[str, Plain]:
    return {entry.name: entry.value for entry in item.entries} | as_json(item.parts)


def audit_trail(participant_uuid: Any) -> Part:
    """Who saw, changed and exported the record, and when: every audit event about it.

    The events' own rule holds: fields are named, values never (only declared choices),
    and the browser's address stays out of the copy.
    """
    events = AuditEvent.objects.filter(participant=participant_uuid)
    items = [
        Item(
            f"{shown(event.at)} · {event.actor_name}",
            [
                entry("at", _("When"), event.at),
                Entry("who", _("Who"), event.actor_name, event.actor_name),
                Entry("role", _("Role"), event.actor_role, event.get_actor_role_display() or "—"),
                Entry("action", _("What"), event.action, event.get_action_display()),
                Entry(
                    "record_type",
                    _("Record"),
                    event.record_type,
                    event.record_type_display,
                ),
                entry("fields", _("Fields"), event.fields),
                Entry(
                    "changes",
                    _("Changes"),
                    event.changes,
                    "; ".join(
                        f"{change.field}: {change.old or '—'} → {change.new}"
                        for change in event.changes_display()
                    )
                    or "—",
                ),
                Entry("channel", _("Through"), event.channel, event.channel_display),
            ],
        )
        for event in events
    ]
    return Part(
        "audit_trail",
        _("Who saw and changed this record"),
        items,
        empty=_("No one has opened this record yet."),
    )
