"""The family at the desk never waits behind the cliff watch.

The benefits worker (`manage.py task_worker`, as `benefits_worker` runs it once PolicyEngine
is loaded) takes a curve someone is waiting for before any batch of the watch, whenever it
was queued, and a batch hands its unchecked households back to the queue between two steps
when a curve is waiting. The real tasks run in the real worker, in batch mode (it stops when
the queue is empty); PolicyEngine is replaced by test_pages' plain-number curves, and what
the worker did is written down in order.
"""

from datetime import date

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from conftest import open_case
from stride.benefits import curves, engine, queueing, tasks, watch
from stride.benefits.curves import Request
from stride.benefits.models import Curve, WatchedHousehold
from stride.people.models import Participant

from .test_pages import curve_along, family, figures_for  # noqa: F401 (family: the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(monkeypatch) -> list[tuple[str, list[int]]]:
    """What the worker did, in order: ("watch", household ids) or ("curve", [curve id])."""
    log: list[tuple[str, list[int]]] = []
    check = watch.check

    def checked(household_ids: list[int]) -> int:
        log.append(("watch", list(household_ids)))
        return check(household_ids)

    def worked_out(request: Request) -> dict:
        [curve] = Curve.objects.filter(key=request.key())
        log.append(("curve", [curve.pk]))
        return figures_for(request)

    monkeypatch.setattr(watch, "check", checked)
    monkeypatch.setattr(tasks, "figures", worked_out)
    monkeypatch.setattr(
        engine, "curves", lambda households, top, count=81: [curve_along(top) for _ in households]
    )
    return log


@pytest.fixture(autouse=True)
def one_connection(monkeypatch):
    """Between tasks the worker closes a database connection that is not in autocommit, as a
    long-running process should. Here the worker runs inside the test's transaction, which
    holds the test's data: on PostgreSQL that check would close it (SQLite's test database
    keeps its connection), so the worker keeps the one it has."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker() -> None:
    call_command(
        "task_worker", queue_name=tasks.QUEUE, batch=True, startup_delay=False, verbosity=0
    )


def households(world, count: int) -> list[int]:
    """`count` more active families beside the world's two; every household id, in order."""
    for number in range(count):
        open_case(
            world.coach, f"FR10{number:05d}", world.county, world.program, world.coach,
            first_name=f"Family{number}", birth_date=date(1985 + number, 6, 1),
        )  # fmt: skip
    return sorted(set(Participant.objects.values_list("household_id", flat=True)))


def a_curve(world, family) -> Curve:  # noqa: F811
    """A "Try a change" (36 hours a week) on the calculator page, queued as the page does."""
    found = curves.facts(family)
    points = curves.points_for(found.household, curves.WhatIf(weekly_hours=36), [])
    return queueing.curve_for(curves.request_for(found.household, points), by=world.coach)


def test_a_curve_queued_after_the_watch_is_worked_out_first(
    world,
    family,  # noqa: F811
    done,
    django_capture_on_commit_callbacks,
):
    call_command("watch_cliffs")  # the nightly watch: a batch queued before anyone asks
    with django_capture_on_commit_callbacks(execute=True):
        curve = a_curve(world, family)
    run_worker()
    assert [kind for kind, _ids in done][0] == "curve"
    assert done[0] == ("curve", [curve.pk])
    curve.refresh_from_db()
    assert curve.status == Curve.Status.READY
    assert {kind for kind, _ids in done[1:]} == {"watch"}


def test_curves_go_before_the_watch_by_priority_and_the_watch_after_by_its_own():
    assert tasks.compute_curve.priority > tasks.watch_households.priority
    assert tasks.compute_curve.queue_name == tasks.watch_households.queue_name == tasks.QUEUE


def test_a_batch_gives_way_to_a_curve_asked_for_while_it_runs(
    world,
    family,  # noqa: F811
    done,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(tasks, "STEP", 2)
    every = households(world, 5)  # 7 households: steps of 2, 2, 2 and 1
    tasks.watch_households.enqueue(every)
    check = watch.check
    asked = []

    def coach_clicks_during_the_first_step(household_ids: list[int]) -> int:
        if not asked:
            with django_capture_on_commit_callbacks(execute=True):
                asked.append(a_curve(world, family))
        return check(household_ids)

    monkeypatch.setattr(watch, "check", coach_clicks_during_the_first_step)
    run_worker()

    [curve] = asked
    assert (
        done
        == [
            ("watch", every[0:2]),
            ("curve", [curve.pk]),  # waited for one step of two households, not for seven
            ("watch", every[2:4]),
            ("watch", every[4:6]),
            ("watch", every[6:7]),
        ]
    )
    first, rest = DBTaskResult.objects.filter(
        task_path="stride.benefits.tasks.watch_households"
    ).order_by("enqueued_at")
    assert first.args_kwargs["args"] == [every] and rest.args_kwargs["args"] == [every[2:]]
    assert {first.status, rest.status} == {TaskResultStatus.SUCCESSFUL}
    # Every household checked once, none forgotten: the watch's record of each is written.
    assert set(WatchedHousehold.objects.values_list("household_id", flat=True)) == set(every)


def test_with_nobody_waiting_a_batch_runs_to_its_end_in_steps(world, done, monkeypatch):
    monkeypatch.setattr(tasks, "STEP", 2)
    every = households(world, 3)
    tasks.watch_households.enqueue(every)
    run_worker()
    assert done == [("watch", every[0:2]), ("watch", every[2:4]), ("watch", every[4:5])]
    assert DBTaskResult.objects.count() == 1


def test_only_work_that_goes_before_the_watch_makes_it_give_way(world, family):  # noqa: F811
    assert not tasks.someone_waiting()
    tasks.watch_households.enqueue([family.household_id])  # another batch is not a reason
    assert not tasks.someone_waiting()
    tasks.compute_curve.enqueue(1)
    assert tasks.someone_waiting()
