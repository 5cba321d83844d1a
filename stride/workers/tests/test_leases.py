"""Work a dead worker abandoned is noticed by its lease: run once more, then failed.

The clock is frozen and moved by hand: a lease is STRIDE_TASK_LEASE_SECONDS (60 s)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from stride.workers import leases
from stride.workers.models import WorkerLease

from .tasks import heard, remember

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
SECOND = timedelta(seconds=1)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def nothing_heard():
    heard.clear()


def claimed_by(worker_id: str, text: str = "hello") -> DBTaskResult:
    """A task queued, then taken by a worker the way django-tasks-db's worker takes it."""
    remember.enqueue(text)
    row = DBTaskResult.objects.ready().get()
    row.claim(worker_id)
    return row


def status_of(row: DBTaskResult) -> str:
    row.refresh_from_db()
    return row.status


def test_a_task_whose_worker_keeps_beating_runs_as_long_as_it_needs(clock):
    leases.hold("alive", ["default"])
    row = claimed_by("alive")
    for _minute in range(10):
        clock.shift(LEASE / 2)
        leases.beat("alive")
        assert not leases.sweep()
    assert status_of(row) == TaskResultStatus.RUNNING


def test_a_task_whose_worker_stopped_beating_runs_again_once_then_fails(clock):
    leases.hold("killed", ["default"])
    row = claimed_by("killed")
    clock.shift(LEASE - SECOND)
    assert not leases.sweep()  # within its lease: maybe only slow

    clock.shift(2 * SECOND)
    assert leases.sweep().requeued == [str(row.pk)]
    assert status_of(row) == TaskResultStatus.READY and row.started_at is None
    assert heard == []  # not lost yet: another worker will run it

    leases.hold("second", ["default"])
    DBTaskResult.objects.ready().get().claim("second")
    clock.shift(LEASE + SECOND)
    assert leases.sweep().failed == [str(row.pk)]
    assert status_of(row) == TaskResultStatus.FAILED
    assert row.exception_class_path == leases.LOST and row.finished_at == START + 2 * (
        LEASE + SECOND
    )
    assert row.worker_ids == ["killed", "second"]
    assert heard == ["hello"]  # the task's module was told, with the task's arguments

    assert not leases.sweep()  # and only once
    assert heard == ["hello"]


def test_a_task_claimed_by_a_worker_without_a_lease_gets_one_lease_of_grace(clock):
    row = claimed_by("never-held")
    assert not leases.sweep()
    clock.shift(LEASE + SECOND)
    assert leases.sweep().requeued == [str(row.pk)]


def test_a_worker_that_stopped_cleanly_leaves_no_lease_and_its_finished_work_alone(clock):
    leases.hold("tidy", ["default"])
    row = claimed_by("tidy")
    row.set_successful("hello")
    leases.release("tidy")
    clock.shift(10 * LEASE)
    assert not leases.sweep()
    assert status_of(row) == TaskResultStatus.SUCCESSFUL
    assert not WorkerLease.objects.exists()


def test_only_the_tasks_of_dead_workers_are_swept(clock):
    leases.hold("alive", ["default"])
    leases.hold("dead", ["default"])
    alive = claimed_by("alive", "kept")
    dead = claimed_by("dead", "lost")
    clock.shift(LEASE + SECOND)
    leases.beat("alive")
    assert leases.sweep().requeued == [str(dead.pk)]
    assert status_of(alive) == TaskResultStatus.RUNNING


def test_leases_of_workers_gone_a_day_are_forgotten(clock):
    leases.hold("gone", ["default"])
    clock.shift(timedelta(hours=23))
    leases.hold("recent", ["default"])
    assert leases.forget_gone_workers() == 0
    clock.shift(timedelta(hours=1, seconds=1))
    assert leases.forget_gone_workers() == 1
    assert list(WorkerLease.objects.values_list("worker_id", flat=True)) == ["recent"]


def test_a_worker_renews_its_lease_with_the_task_it_runs(clock):
    leases.hold("busy", ["default", "benefits"])
    row = claimed_by("busy")
    clock.shift(SECOND)
    leases.renew("busy", row.pk)
    held = WorkerLease.objects.get()
    assert (held.queues, held.beat_at, held.task_id) == ("default,benefits", START + SECOND, row.pk)
