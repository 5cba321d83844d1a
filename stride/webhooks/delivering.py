"""One attempt at a delivery: claimed, signed, posted with a short timeout, recorded.

1. claim it: a compare-and-set from pending and due (or from sending whose claim ran
   out: its worker died) to sending. A delivery another worker holds, not due yet, or
   of a paused subscription is left alone (resuming the subscription queues it again);
2. sign the stored body with the time of sending and post it; redirects are not
   followed (the receiver's address is the one the administrator gave);
3. a 2xx answer delivers it; anything else (another code, a timeout, no connection)
   waits BACKOFF[n] and tries again, and after the last wait it is failed. The
   administrator can replay it from the delivery log.
"""

import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import signing
from .models import Delivery, Subscription

BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
]
ATTEMPTS = len(BACKOFF) + 1
USER_AGENT = "Stride-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status: str
    next_try_at: datetime | None = None


@dataclass(frozen=True)
class Answer:
    code: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # urllib then raises HTTPError with the 3xx code


def _claim_for() -> timedelta:
    return timedelta(seconds=settings.STRIDE_WEBHOOK_TIMEOUT * 2 + 30)


def post(subscription: Subscription, delivery: Delivery, now: datetime) -> Answer:
    data = delivery.body.encode()
    # The address is https (or http to this machine): actions._check refuses any other scheme.
    request = urllib.request.Request(  # noqa: S310
        subscription.url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Stride-Event": delivery.kind,
            "Stride-Delivery": str(delivery.uuid),
            signing.HEADER: signing.header(subscription.secret, int(now.timestamp()), data),
        },
    )
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=settings.STRIDE_WEBHOOK_TIMEOUT) as response:
            response.read(1024)
            return Answer(response.status)
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.reason if isinstance(error.reason, str) else "")
    except TimeoutError:
        return Answer(None, "no answer in time")
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return Answer(None, "no answer in time")
        return Answer(None, f"could not connect: {error.reason}"[:200])
    except (OSError, ValueError) as error:
        return Answer(None, f"could not send: {error}"[:200])


def attempt(delivery_id: int) -> Outcome:
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, subscription__active=True)
        .filter(
            Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Delivery.Status.SENDING, claimed_until__lt=now)
        )
        .update(status=Delivery.Status.SENDING, claimed_until=now + _claim_for())
    )
    if not claimed:
        return Outcome("not due, paused, or held by another worker")
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    answer = post(delivery.subscription, delivery, now)
    attempts = delivery.attempts + 1
    next_try_at = None
    if answer.ok:
        status = Delivery.Status.DELIVERED
    elif attempts >= ATTEMPTS:
        status = Delivery.Status.FAILED
    else:
        status = Delivery.Status.PENDING
        next_try_at = timezone.now() + BACKOFF[attempts - 1]
    Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING).update(
        status=status,
        attempts=attempts,
        last_attempt_at=now,
        last_status_code=answer.code,
        last_error=answer.error[:200],
        next_attempt_at=next_try_at,
        claimed_until=None,
    )
    return Outcome(status, next_try_at)


def abandoned(delivery_id: int) -> datetime | None:
    """The workers sending it kept dying: count an attempt and say when to try again, or
    fail it when it has had its attempts."""
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None or delivery.status not in (
        Delivery.Status.PENDING,
        Delivery.Status.SENDING,
    ):
        return None
    attempts = delivery.attempts + 1
    failed = attempts >= ATTEMPTS
    next_try_at = None if failed else timezone.now() + BACKOFF[attempts - 1]
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING,
        attempts=attempts,
        next_attempt_at=next_try_at,
        claimed_until=None,
        last_error="the workers sending it stopped",
    )
    return next_try_at
