"""A benefits worker killed mid-curve (kill -9) does not leave the page waiting for ever.

A real benefits worker runs in its own process, with PolicyEngine stood in for by a
function that never returns; the test kills it with SIGKILL in the middle of the curve.
Once its lease has run out the curve is handed to the next worker; when that one dies
too, the curve is failed and the page says so and stops asking.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from stride.benefits.models import Curve, EngineState
from stride.workers.models import WorkerLease

from .test_pages import family  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]

# The benefits worker as `manage.py benefits_worker` runs it, except that loading
# PolicyEngine is skipped and the curve never finishes: it says it started, then waits.
WORKER = """
import sys, time
import django
django.setup()
from django.core.management import call_command
from stride.benefits import engine

def never_done(households, top, count=81):
    open(sys.argv[1], "w").close()
    time.sleep(3600)

engine.warm = lambda year: None
engine.curves = never_done
call_command("benefits_worker")
"""


def database_url(path: Path) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{path}"
    db = connection.settings_dict
    host = quote(db["HOST"] or "localhost", safe="")
    return f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def shared_database(path: Path) -> Iterator[str]:
    """The test's database where another process can reach it, and its changes back after.

    PostgreSQL's test database is one another process can open; SQLite's is in memory,
    so it is copied to a file for the worker and copied back once the worker is gone."""
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
    try:
        yield database_url(path)
    finally:
        if sqlite:
            with sqlite3.connect(path) as copy:
                copy.backup(connection.connection)


def kill_mid_curve(tmp_path: Path, round_: int) -> None:
    """Start a benefits worker, wait until it is inside the curve, then SIGKILL it."""
    started = tmp_path / f"started-{round_}"
    with shared_database(tmp_path / f"db-{round_}.sqlite3") as url:
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(started)],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "stride.settings"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 90
            while not started.exists():
                assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
                assert time.monotonic() < deadline, "the worker never started the curve"
                time.sleep(0.1)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL


def poll(client, family) -> str:  # noqa: F811
    """The curve part, asked for the way the page's poll asks."""
    url = reverse("benefits:curve", args=[family.uuid])
    response = client.get(url, headers={"Stride-Poll": "true"})
    assert response.status_code == 200
    return response.content.decode()


def after_the_lease():
    lease = timedelta(seconds=settings.STRIDE_TASK_LEASE_SECONDS)
    return time_machine.travel(timezone.now() + lease + timedelta(seconds=1), tick=True)


def test_a_curve_whose_worker_was_killed_is_run_again_then_failed_and_the_page_says_so(
    world,
    family,  # noqa: F811
    client_for,
    tmp_path,
):
    client = client_for(world.coach)
    client.get(reverse("benefits:calculator", args=[family.uuid]))
    curve = Curve.objects.get()
    # Saving the money facts queued the cliff watch too: only the curve matters here.
    DBTaskResult.objects.exclude(pk=curve.task_id).delete()
    task = DBTaskResult.objects.get(queue_name="benefits")
    assert str(task.pk) == curve.task_id

    kill_mid_curve(tmp_path, 1)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING and len(task.worker_ids) == 1
    assert EngineState.objects.get().status == EngineState.Status.WARM  # it never said goodbye
    # Within its lease the worker may only be slow: the page keeps waiting.
    assert "Working out your family" in poll(client, family)

    with after_the_lease():
        page = poll(client, family)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY  # back in line for the next worker
    assert "Working out your family" in page and "hx-trigger" in page

    kill_mid_curve(tmp_path, 2)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING and len(task.worker_ids) == 2
    assert WorkerLease.objects.count() == 2  # neither worker released its lease

    with after_the_lease():
        page = poll(client, family)
    task.refresh_from_db()
    curve.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert curve.status == Curve.Status.FAILED and "stopped" in curve.error
    assert "The calculator could not work out this picture." in page
    assert "Try again" in page and "hx-trigger" not in page and 'aria-busy="true"' not in page
