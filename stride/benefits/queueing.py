"""Handing curves to the benefits worker, and what a page waiting for one needs.

curves.py builds the request from a participant's record; this module finds the
cached curve for it or queues the worker's task (tasks.compute_curve), at most
WAITING_PER_PERSON waiting per person. The worker's tasks never import this module.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from stride.core.models import User
from stride.workers import leases

from . import engine, tasks
from .curves import Request
from .models import Curve, EngineState

WAITING_PER_PERSON = 3  # curves one person may have waiting for the worker at once
POLL_FOR = timedelta(minutes=5)  # how long a page asks again for a waiting curve


class TooManyWaiting(Exception):  # noqa: N818 (a state the page explains, not a fault)
    """The person already has WAITING_PER_PERSON curves waiting for the worker."""


def curve_for(request: Request, by: User | None = None) -> Curve:
    """The cached curve for this request, or a new one handed to the benefits worker.

    The same family with the same what-ifs is one curve, however often the page is
    loaded; a new one is queued for `by` only while they have fewer than
    WAITING_PER_PERSON waiting (TooManyWaiting otherwise), since every what-if in
    the address is a GET that costs the worker seconds."""
    version = engine.engine_version()
    key = request.key()
    found = Curve.objects.filter(key=key, engine_version=version).first()
    if found is not None:
        # A failed curve stays failed until someone asks again (retry): re-queueing it here
        # would hand the worker the same failing family at every poll of the page.
        return found
    _check_room(by)
    return _enqueue(None, key, version, request, by)


def retry(curve: Curve, by: User | None = None) -> Curve:
    _check_room(by)
    return _enqueue(curve, curve.key, curve.engine_version, Request.from_json(curve.request), by)


def waiting_for(by: User) -> int:
    return Curve.objects.filter(requested_by=by, status=Curve.Status.PENDING).count()


def _check_room(by: User | None) -> None:
    if by is not None and waiting_for(by) >= WAITING_PER_PERSON:
        raise TooManyWaiting


def settled(curve: Curve) -> Curve:
    """A waiting curve, failed if the workers that took it died (stride/workers/leases.py)."""
    if curve.status == Curve.Status.PENDING and leases.sweep().failed:
        curve.refresh_from_db()
    return curve


def _enqueue(
    found: Curve | None, key: str, version: str, request: Request, by: User | None
) -> Curve:
    try:
        with transaction.atomic():
            if found is None:
                found = Curve.objects.create(
                    key=key, engine_version=version, request=request.to_json(), requested_by=by
                )
            else:
                found.status, found.error, found.requested_at, found.requested_by = (
                    Curve.Status.PENDING,
                    "",
                    timezone.now(),
                    by,
                )
                found.save(update_fields=["status", "error", "requested_at", "requested_by"])
    except IntegrityError:  # another request for the same family got there first
        return Curve.objects.get(key=key, engine_version=version)
    curve = found
    transaction.on_commit(lambda: _hand_over(curve))
    return curve


def _hand_over(curve: Curve) -> None:
    result = tasks.compute_curve.enqueue(curve.pk)
    Curve.objects.filter(pk=curve.pk).update(task_id=str(result.id))


def engine_state() -> EngineState | None:
    return EngineState.objects.filter(name="benefits").first()
