"""A records request: a participant's full record from every app, as PDF or as JSON.

It sits between the shells and the domain apps, as the measures do, because it reads them
all. Each app offers its part of the record from its own `records.py`; this module puts the
parts in order, decides what the reader may have (private answers, the audit trail), and
makes the copy an export in the audit trail. The shells only ask for it: the staff shell
from a participant's profile, the portal for the participant's own copy.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation

from stride.assessments import actions as assessment_actions
from stride.assessments import records as assessments
from stride.benefits import records as benefits
from stride.careers import records as careers
from stride.coaching import printouts
from stride.coaching import records as coaching
from stride.core import access
from stride.core import records as core
from stride.core.audit import Actor
from stride.core.models import User
from stride.core.records import Part
from stride.participation import records as participation
from stride.people import records as people
from stride.people.actions import record_export
from stride.people.models import Participant
from stride.reminders import records as reminders
from stride.resources import records as resources

PRINTABLE = printouts.Printable("record", "casefile/print/record.html")


@dataclass(frozen=True)
class Record:
    """A participant's record as one reader may have it, in one language."""

    person: Participant
    parts: list[Part]
    language: str
    made_at: datetime
    with_private: bool
    with_audit: bool


def is_own(reader: User, person: Participant) -> bool:
    return person.user_id is not None and person.user_id == reader.pk


def gather(person: Participant, reader: User, language: str) -> Record:
    """Every app's part of `person`'s record, read the way `reader` may read it.

    `person` was reached through the access module by the caller. Private answers are the
    participant's own and their coach's and supervisors'; the audit trail is the
    participant's own and the audit readers'. A fixed number of queries, however long the
    record.
    """
    own = is_own(reader, person)
    with_private = own or access.can_read_private_answers(reader, person)
    with_audit = own or access.can_read_audit(reader)
    with translation.override(language):
        parts = [
            *people.parts(person),
            *coaching.parts(person),
            *assessments.parts(person, with_private=with_private),
            *participation.parts(person),
            *resources.parts(person),
            *careers.parts(person),
            *benefits.parts(person),
            *reminders.parts(person),
        ]
        if with_audit:
            parts.append(core.audit_trail(person.uuid))
    return Record(person, parts, language, timezone.now(), with_private, with_audit)


def as_json(record: Record) -> bytes:
    body: dict[str, Any] = {
        "participant_uuid": str(record.person.uuid),
        "made_at": record.made_at.isoformat(),
        "private_answers_included": record.with_private,
        "audit_trail_included": record.with_audit,
        **core.as_json(record.parts),
    }
    return json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _context(record: Record) -> dict[str, Any]:
    return {"record": record, "person": record.person, "parts": record.parts}


def as_pdf(record: Record) -> bytes:
    return printouts.render_pdf(PRINTABLE, _context(record), record.language)


def laid_out(record: Record) -> Any:
    """The printed copy in pages, not yet written (copies.py says how far it has got)."""
    return printouts.lay_out(PRINTABLE, _context(record), record.language)


def record_reading(actor: Actor, person: Participant, with_private: bool) -> None:
    """A copy handed over is an export of the record, and a read of the private answers it
    carries when a staff member has it."""
    assert actor.user is not None
    record_export(actor, [person])
    if with_private and not is_own(actor.user, person):
        assessment_actions.record_private_views(actor, person)


@transaction.atomic
def export_json(actor: Actor, person: Participant) -> bytes:
    """The JSON copy for the acting reader, made at once (it takes a fraction of a second)
    and recorded as an export. Codes, not words: it reads the same in any language."""
    assert actor.user is not None
    record = gather(person, actor.user, settings.LANGUAGE_CODE)
    record_reading(actor, person, record.with_private)
    return as_json(record)
