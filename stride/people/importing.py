"""A caseload extract's import as a task: queueing it once, and how far it has got.

The import page queues `tasks.import_extract` (django-tasks, database backend)
instead of importing in the request; the page then shows the rows done of the
total, asked again by htmx every two seconds (a link without JavaScript), and
the result once the task is done.

The import is one transaction, so what it writes is invisible to the page until
it commits. Its progress is kept apart, in `ImportProgress`, and written by a
small thread of the worker with a database connection of its own: committed at
once, and never waiting on a row the import has locked.
"""

import contextlib
import threading
from typing import Any

from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.core.audit import Actor
from stride.core.models import User

from . import matching, tasks
from .models import CaseloadExtract, ImportProgress

# How often the progress thread writes, in seconds.
EVERY = 1.0


def queue_import(extract: CaseloadExtract, actor: Actor, good_only: bool) -> bool:
    """Queue the import once: False when the extract is imported or being imported."""
    claimed = CaseloadExtract.objects.filter(
        pk=extract.pk,
        applied_at__isnull=True,
        status__in=(CaseloadExtract.Status.READY, CaseloadExtract.Status.FAILED),
    ).update(status=CaseloadExtract.Status.IMPORTING, queued_at=timezone.now(), error="")
    if claimed:
        ImportProgress.objects.update_or_create(extract=extract, defaults={"done": 0, "total": 0})
        user = actor.user.pk if isinstance(actor.user, User) else None
        tasks.import_extract.enqueue(extract.pk, user, actor.ip_address, actor.channel, good_only)
    return bool(claimed)


class Progress:
    """Hears (rows done, rows to do) from `matching.apply` and keeps it in `ImportProgress`.

    In a worker (no transaction open yet) a thread writes it on its own connection
    every second. Called inside a transaction (a test runs the task in its own), it
    writes in that transaction, where the caller can read it.
    """

    def __init__(self, extract: CaseloadExtract) -> None:
        self.extract_id = extract.pk
        self.figures = (0, 0)
        self.written = (-1, -1)
        self.inline = connection.in_atomic_block
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def __call__(self, done: int, total: int) -> None:
        self.figures = (done, total)
        if self.inline:
            self.write()

    def write(self) -> None:
        figures = self.figures
        if figures != self.written:
            ImportProgress.objects.filter(extract_id=self.extract_id).update(
                done=figures[0], total=figures[1], updated_at=timezone.now()
            )
            self.written = figures

    def __enter__(self) -> "Progress":
        if not self.inline:
            self.thread = threading.Thread(target=self._run, name="import-progress", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join()

    def _run(self) -> None:
        try:
            while not self.stopping.wait(EVERY):
                # SQLite lets one writer at a time: there the import holds it until it ends.
                with contextlib.suppress(OperationalError):
                    self.write()
            self.write()  # the last figures, once the import's transaction has ended
        finally:
            connections.close_all()  # this thread's own connections


def run_import(extract: CaseloadExtract, actor: Actor, good_only: bool) -> None:
    """The task's work: import the extract, or keep why it was refused for the page."""
    assert extract.uploaded_by is not None or actor.user is not None
    user = actor.user if isinstance(actor.user, User) else extract.uploaded_by
    assert user is not None
    with Progress(extract) as progress:
        try:
            matching.apply(actor, extract, user, good_only=good_only, progress=progress)
        except matching.NotImported as refused:
            with transaction.atomic():
                CaseloadExtract.objects.filter(pk=extract.pk).update(
                    status=CaseloadExtract.Status.READY, error=str(refused)
                )
            return


def failed(extract_id: int, error: Exception | str) -> None:
    """The task failed: the page says the import did not happen and offers it again."""
    reason = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    CaseloadExtract.objects.filter(pk=extract_id, status=CaseloadExtract.Status.IMPORTING).update(
        status=CaseloadExtract.Status.FAILED, error=reason[:2000]
    )


def failure_message() -> str:
    return _(
        "The import stopped before it finished, so nothing from this file was imported. "
        "You can import it again."
    )
