"""Work for the benefits worker, the one process that keeps PolicyEngine loaded."""

import time
from dataclasses import asdict
from typing import Any

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from stride.workers import leases

from . import engine, watch
from .curves import Request
from .models import Curve

QUEUE = "benefits"
# The worker takes the ready task of highest priority first (django-tasks-db), so a curve
# someone waits for at the desk (a first curve, a "Try a change") goes before the watch.
INTERACTIVE = 10
BACKGROUND = -10
# The watch works a batch this many households to a simulation and, between simulations,
# hands the rest back to the queue when a curve is waiting: a curve waits for one step at
# most. PolicyEngine's cost per simulation dominates: a step of 10 took 1.4 times as long as
# one household alone (0.14 of its time a household), a batch of 100 4 times as long (0.04)
# (docs/performance.md, "Interactive work first").
STEP = 10


@task(queue_name=QUEUE, priority=INTERACTIVE)
def compute_curve(curve_id: int) -> None:
    curve = Curve.objects.get(pk=curve_id)
    if curve.status == Curve.Status.READY:
        return
    request = Request.from_json(curve.request)
    started = time.perf_counter()
    try:
        curve.data = figures(request)
    except Exception as error:
        curve.status, curve.error = Curve.Status.FAILED, f"{type(error).__name__}: {error}"[:2000]
        curve.save(update_fields=["status", "error"])
        raise
    curve.status, curve.computed_at = Curve.Status.READY, timezone.now()
    curve.seconds = round(time.perf_counter() - started, 3)
    curve.save(update_fields=["status", "data", "computed_at", "seconds"])


@leases.when_lost(compute_curve)
def curve_lost(curve_id: int) -> None:
    """The worker died working this curve out, as many times as it may: the page says so."""
    Curve.objects.filter(pk=curve_id, status=Curve.Status.PENDING).update(
        status=Curve.Status.FAILED,
        error=f"{leases.LOST}: the benefits worker stopped while working this out.",
    )


def figures(request: Request) -> dict[str, Any]:
    """The curve along the axis and each marked pay worked out exactly."""
    household = request.household
    [found] = engine.curves([household], request.top)
    marked = [household.paid(point.earnings, point.weekly_hours) for point in request.points]
    exact = engine.points(marked) if marked else []
    return {
        "curve": found.to_json(),
        "points": [
            {**asdict(point), "figures": row}
            for point, row in zip(request.points, exact, strict=True)
        ],
        "limits": list(engine.limits(household.state, household.year)),
    }


@task(queue_name=QUEUE, priority=BACKGROUND)
def watch_households(household_ids: list[int]) -> int:
    """The cliff watch for one batch, STEP households a simulation; how many were flagged.

    When a curve is waiting between two steps, the households not yet checked go back in
    line as a task of their own (behind the curve, by priority) and this one ends."""
    flagged = 0
    for start in range(0, len(household_ids), STEP):
        if start and someone_waiting():
            watch_households.enqueue(household_ids[start:])
            break
        flagged += watch.check(household_ids[start : start + STEP])
    return flagged


def someone_waiting() -> bool:
    """Is work that goes before the watch ready for this queue's worker?"""
    return DBTaskResult.objects.ready().filter(queue_name=QUEUE, priority__gt=BACKGROUND).exists()
