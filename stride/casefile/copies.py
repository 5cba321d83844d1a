"""The printed copy of a records request, made by a task with a page that shows its progress.

Laying out a long record takes time: the largest demo participant's (82 pages) took 10 to
25 seconds on the shared 2-core machine (docs/performance.md), far more than a page may keep
a person waiting. So the PDF is asked for (`request_copy`), made by the task worker
(`make_copy`), and downloaded once ready (`download`); the JSON copy is made at once
(`compose.export_json`). The task reads the record as its requester may read it, asking the
access module again, since the participant may have left their scope meanwhile.
"""

import base64
import time
from datetime import timedelta
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from stride.core import access, audit
from stride.core.audit import Action, Actor
from stride.core.models import User
from stride.people.cases import CASE_RELATIONS, participants
from stride.people.models import Participant
from stride.workers import leases

from . import compose
from .models import RecordsCopy

QUEUE = "default"
CASE_RELATIONS_OF = [f"participant__{name}" for name in CASE_RELATIONS]
Stage = RecordsCopy.Stage


@transaction.atomic
def request_copy(actor: Actor, person: Participant, language: str) -> RecordsCopy:
    """Ask for a printed copy of `person`'s record (reached through the access module) for
    the acting reader: it replaces their earlier copy of this record, and is queued."""
    assert actor.user is not None
    RecordsCopy.objects.filter(participant=person, requested_by=actor.user).delete()
    copy = RecordsCopy.objects.create(
        participant=person, requested_by=actor.user, language=language
    )
    audit.record(actor, Action.CREATE, copy, person.uuid, ["language"])
    make_copy.enqueue(copy.pk)
    return copy


def _stage(copy: RecordsCopy, stage: int, pages: int = 0) -> None:
    # Written at once (a worker has no transaction open) so the polling page can show it.
    RecordsCopy.objects.filter(pk=copy.pk).update(stage=stage, pages=pages)


def make(copy: RecordsCopy) -> None:
    """The task's work: read the record, lay it out, write the PDF, keep it on the copy."""
    started = time.monotonic()
    reader = copy.requested_by
    person = access.get_visible_or_404(participants(), reader, pk=copy.participant_id)
    _stage(copy, Stage.READING)
    record = compose.gather(person, reader, copy.language)
    RecordsCopy.objects.filter(pk=copy.pk).update(with_private=record.with_private)
    _stage(copy, Stage.LAYING_OUT)
    document = compose.laid_out(record)
    _stage(copy, Stage.WRITING, len(document.pages))
    pdf = document.write_pdf()
    RecordsCopy.objects.filter(pk=copy.pk, status=RecordsCopy.Status.MAKING).update(
        pdf=base64.b64encode(pdf).decode(),
        status=RecordsCopy.Status.READY,
        stage=Stage.DONE,
        pages=len(document.pages),
        made_at=timezone.now(),
        seconds=round(time.monotonic() - started, 2),
    )


@task(queue_name=QUEUE)
def make_copy(copy_id: int) -> str:
    copy = RecordsCopy.objects.select_related("requested_by").filter(pk=copy_id).first()
    if copy is None:
        return "gone"  # replaced by a newer copy before the worker got to it
    if copy.status != RecordsCopy.Status.MAKING:
        return str(copy.status)  # made already (a task run again after its worker died)
    try:
        make(copy)
    except Exception as error:  # noqa: BLE001
        # Only the kind of error is kept and nothing is raised for the worker to log: an
        # error's text could hold words of the record.
        RecordsCopy.objects.filter(pk=copy_id).update(
            status=RecordsCopy.Status.FAILED, error=type(error).__name__[:200]
        )
        return str(RecordsCopy.Status.FAILED)
    return str(RecordsCopy.Status.READY)


@leases.when_lost(make_copy)
def make_lost(copy_id: int) -> None:
    """The worker died making this copy, as many times as it may: its page says so."""
    RecordsCopy.objects.filter(pk=copy_id, status=RecordsCopy.Status.MAKING).update(
        status=RecordsCopy.Status.FAILED, error=leases.LOST
    )


def copies_of(person: Participant, reader: User) -> QuerySet[RecordsCopy]:
    """The reader's own copies of `person`'s record, through the access module; no PDF read."""
    mine = RecordsCopy.objects.filter(participant=person, requested_by=reader)
    return access.visible_to(mine, reader).defer("pdf")


def copy_for(reader: User, uuid: UUID) -> RecordsCopy:
    """One of the reader's own copies, with its PDF, through the access module; 404 for any
    other, someone else's copy of the same record included."""
    mine = RecordsCopy.objects.filter(requested_by=reader).select_related(*CASE_RELATIONS_OF)
    return access.get_visible_or_404(mine, reader, uuid=uuid)


@transaction.atomic
def download(actor: Actor, copy: RecordsCopy) -> bytes:
    """The ready copy's PDF, handed over: an export (compose.record_reading)."""
    compose.record_reading(actor, copy.participant, copy.with_private)
    return base64.b64decode(copy.pdf or "")


# How long a page asks again while a copy is made; then it offers a link instead.
POLL_FOR = timedelta(minutes=10)


def latest(person: Participant, reader: User) -> RecordsCopy | None:
    """The reader's copy of `person`'s record, as far as it has got (no PDF read). A copy
    whose worker died is made again or marked failed first (`leases.sweep`)."""
    copy = copies_of(person, reader).first()
    if copy is not None and copy.status == RecordsCopy.Status.MAKING:
        leases.sweep()
        copy.refresh_from_db(fields=["status", "stage", "pages", "made_at", "error"])
    return copy


def keep_polling(copy: RecordsCopy | None) -> bool:
    return (
        copy is not None
        and copy.status == RecordsCopy.Status.MAKING
        and timezone.now() - copy.requested_at < POLL_FOR
    )
