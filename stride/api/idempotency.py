"""A POST sent again with the same `Idempotency-Key` gets its first answer, and adds nothing.

A client that lost the answer to a POST (a timeout, a dropped connection) sends it again
with the same key. The first answer (its status and body) is kept with the key, for the
account that sent it, in the same transaction as what the POST made; a repeat within
`LIFETIME` with the same method, path and body gets that answer again, with nothing new
recorded. The same key with another request is refused (422): a client reusing keys by
mistake must not be told its second record was made. Only answers that made something are
kept, so a request refused for its contents (400) may be corrected and sent with its key.

Keys live a day. Each key stored deletes up to `PRUNE_BATCH` expired ones, oldest first, so
the table holds about a day's keys however long the service runs, and no request pays for
more than one bounded delete.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
LIFETIME = timedelta(hours=24)
PRUNE_BATCH = 100
# Printable ASCII, as a header carries it; long enough for a UUID or a client's own scheme.
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY = re.compile(KEY_PATTERN)


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This Idempotency-Key was used for a different request in the last 24 hours. "
                "Use a new key for a new request."
            )
        )


def key_of(request: Request) -> str | None:
    """The request's key; None when it sent none. A malformed key is refused (400)."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _KEY.match(key):
        raise ValidationError(
            {HEADER: [_("Give up to 255 visible characters (letters, digits, - and the like).")]}
        )
    return key


def fingerprint(request: Request) -> str:
    """What was asked: the method, the path and the body, whatever its key order."""
    said = hashlib.sha256()
    said.update(f"{request.method}\0{request.path}\0".encode())
    said.update(json.dumps(request.data, sort_keys=True, default=str).encode())
    return said.hexdigest()


def _stored(request: Request, key: str) -> IdempotencyKey | None:
    """The answer kept for this account's key, if it is still live; an expired one is
    deleted here, so the key can be stored anew."""
    found = (
        IdempotencyKey.objects.filter(user=request.user, key=key)
        .only("request_hash", "status", "body", "etag", "created_at")
        .first()
    )
    if found is not None and found.created_at < timezone.now() - LIFETIME:
        found.delete()
        return None
    return found


def _replay(request: Request, found: IdempotencyKey) -> HttpResponse:
    if found.request_hash != fingerprint(request):
        raise KeyReused
    replayed = HttpResponse(found.body, status=found.status, content_type="application/json")
    replayed["Idempotent-Replayed"] = "true"
    if found.etag:
        replayed["ETag"] = found.etag
    return replayed


def prune(now=None) -> int:
    """Delete up to PRUNE_BATCH keys past their lifetime, oldest first; how many went."""
    expired = IdempotencyKey.objects.filter(
        created_at__lt=(now or timezone.now()) - LIFETIME
    ).order_by("created_at")
    deleted, _by_model = IdempotencyKey.objects.filter(
        pk__in=expired.values("pk")[:PRUNE_BATCH]
    ).delete()
    return deleted


def create_once(request: Request, make: Callable[[], Response]) -> HttpResponse:
    """Answer a POST with `make()`, at most once per key: `make` writes, in this transaction.

    Without a key, `make` runs as usual. With one already used, its first answer comes back
    (nothing runs); with one used for another request, 422.
    """
    key = key_of(request)
    if key is None:
        return make()
    if (found := _stored(request, key)) is not None:
        return _replay(request, found)
    try:
        with transaction.atomic():
            answer = make()
            if status.is_success(answer.status_code):
                now = timezone.now()
                prune(now)
                IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    request_hash=fingerprint(request),
                    status=answer.status_code,
                    body=JSONRenderer().render(answer.data).decode(),
                    etag=answer.headers.get("ETag", ""),
                    created_at=now,
                )
    except IntegrityError:
        # The same request sent twice at once: the other one made the record first.
        if (found := _stored(request, key)) is not None:
            return _replay(request, found)
        raise
    return answer
