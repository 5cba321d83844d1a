"""Leases for task workers: work whose worker died is noticed, run once more, then failed.

Every task worker (`manage.py task_worker`, which the benefits worker runs)
holds a WorkerLease and renews it from a heartbeat thread while the process
lives. A task that has been RUNNING longer than a lease while the worker that
claimed it last renewed nothing for that long was abandoned (the process was
killed, or its machine went away): `sweep` puts it back in line, or marks it
failed once it has had STRIDE_TASK_ATTEMPTS tries, and then calls what the
task's module registered with `when_lost`, so the record waiting for the
task (a benefits curve) can say so. Every worker sweeps when it starts and
then every lease; pages that wait on a task sweep before they answer.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import WorkerLease

logger = logging.getLogger(__name__)

LOST = "stride.workers.leases.WorkerLost"
FORGET_AFTER = timedelta(days=1)  # a lease not renewed for a day belongs to a worker long gone

Handler = TypeVar("Handler", bound=Callable[..., None])
_when_lost: dict[str, list[Callable[..., None]]] = {}


class WorkerLost(Exception):  # noqa: N818 (named for what happened, as the task's error)
    """The worker running the task stopped renewing its lease."""


def when_lost(task: Task[Any, Any]) -> Callable[[Handler], Handler]:
    """Register what to do when this task is failed for good because its workers died.

    The handler gets the task's own arguments. Put it in the task's module: the
    sweep imports that module before it calls the handlers."""

    def register(handler: Handler) -> Handler:
        _when_lost.setdefault(task.module_path, []).append(handler)
        return handler

    return register


def lease() -> timedelta:
    return timedelta(seconds=settings.STRIDE_TASK_LEASE_SECONDS)


def hold(worker_id: str, queues: list[str]) -> WorkerLease:
    now = timezone.now()
    held, _created = WorkerLease.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "queues": ",".join(queues)[:200],
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": now,
            "beat_at": now,
            "task_id": None,
        },
    )
    return held


def renew(worker_id: str, task_id: UUID | str | None = None) -> None:
    WorkerLease.objects.filter(worker_id=worker_id).update(beat_at=timezone.now(), task_id=task_id)


def beat(worker_id: str) -> None:
    WorkerLease.objects.filter(worker_id=worker_id).update(beat_at=timezone.now())


def release(worker_id: str) -> None:
    WorkerLease.objects.filter(worker_id=worker_id).delete()


@dataclass
class Swept:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.requeued or self.failed)


def sweep(now: datetime | None = None) -> Swept:
    """Put abandoned tasks back in line, or fail them once they have had their tries.

    One query when nothing has run longer than a lease (the usual case), two otherwise."""
    now = now or timezone.now()
    expired = now - lease()
    running = list(
        DBTaskResult.objects.running()
        .filter(started_at__lt=expired)
        .only("id", "worker_ids", "started_at", "task_path", "args_kwargs")
    )
    swept = Swept()
    if not running:
        return swept
    alive = set(
        WorkerLease.objects.filter(
            beat_at__gte=expired,
            worker_id__in=[row.worker_ids[-1] for row in running if row.worker_ids],
        ).values_list("worker_id", flat=True)
    )
    for row in running:
        if row.worker_ids and row.worker_ids[-1] in alive:
            continue
        still = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if len(row.worker_ids) < settings.STRIDE_TASK_ATTEMPTS:
            if still.update(status=TaskResultStatus.READY, started_at=None):
                logger.warning("Task %s lost its worker; it is back in line.", row.pk)
                swept.requeued.append(str(row.pk))
            continue
        tries = len(row.worker_ids)
        if still.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=LOST,
            traceback=f"{LOST}: the worker stopped renewing its lease, {tries} time(s) in a row.",
        ):
            logger.error("Task %s lost its worker %s times; marked failed.", row.pk, tries)
            swept.failed.append(str(row.pk))
            _tell(row)
    return swept


def _tell(row: DBTaskResult[Any, Any]) -> None:
    try:
        row.task  # noqa: B018 (imports the task's module, which registers its handlers)
    except Exception:
        logger.exception("Task %s: its module cannot be imported", row.pk)
    for handler in _when_lost.get(row.task_path, []):
        try:
            handler(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        except Exception:
            logger.exception("Task %s: a when_lost handler failed", row.pk)


def forget_gone_workers(now: datetime | None = None) -> int:
    deleted, _by_model = WorkerLease.objects.filter(
        beat_at__lt=(now or timezone.now()) - FORGET_AFTER
    ).delete()
    return deleted


class Heartbeat(threading.Thread):
    """Renews the worker's lease while the process lives, and sweeps every lease."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"lease-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.every = max(settings.STRIDE_TASK_LEASE_SECONDS / 4, 0.05)
        self.stopping = threading.Event()

    def run(self) -> None:
        beats = 0
        try:
            while not self.stopping.wait(self.every):
                beats += 1
                try:
                    beat(self.worker_id)
                    if beats % 4 == 0:
                        sweep()
                except Exception:  # a database hiccup: try again at the next beat
                    logger.exception("Worker %s could not renew its lease", self.worker_id)
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)


class LeasedWorker(Worker):
    """django-tasks-db's worker, holding a lease while it runs and sweeping for lost work."""

    def run(self) -> None:
        hold(self.worker_id, self.queue_names)
        forget_gone_workers()
        sweep()
        heart = Heartbeat(self.worker_id)
        heart.start()
        try:
            super().run()
        finally:
            heart.stop()
            release(self.worker_id)

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        renew(self.worker_id, db_task_result.pk)
        try:
            super().run_task(db_task_result)
        finally:
            renew(self.worker_id, None)
