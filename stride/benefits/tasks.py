"""Work for the benefits worker, the one process that keeps PolicyEngine loaded."""

import time
from dataclasses import asdict
from typing import Any

from django.utils import timezone
from django_tasks import task

from stride.workers import leases

from . import engine, watch
from .curves import Request
from .models import Curve

QUEUE = "benefits"


@task(queue_name=QUEUE)
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


@task(queue_name=QUEUE)
def watch_households(household_ids: list[int]) -> int:
    """The cliff watch for one batch, in one simulation; how many families were flagged."""
    return watch.check(household_ids)
