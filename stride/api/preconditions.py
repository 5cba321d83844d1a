"""Stale writes refused: a versioned record's `ETag` is its version, and a change names it.

Every goal and step the API answers with carries `ETag: "<version>"`. A PATCH or PUT must
send the one it read in `If-Match`: without it the answer is 428, with one that is not the
record's version any more 412 (someone changed it in between), and the action function
checks the same version again under a row lock (`core.edits.lock_for_edit`), so two changes
sent at once with the same `If-Match` cannot both be saved. `If-Match: *` would overwrite
whatever is there, so it is refused like a missing header. A 412 carries the record's
current `ETag`, so a client that has merged its change can send it again without a read.
"""

import re

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

HEADER = "If-Match"
# One or more entity tags, as HTTP writes them (`*` is answered apart, as no tag at all).
IF_MATCH_PATTERN = r'^(W/)?"[\x21\x23-\x7e]*"(\s*,\s*(W/)?"[\x21\x23-\x7e]*")*$'
_IF_MATCH = re.compile(IF_MATCH_PATTERN)
_TAG = re.compile(r'(W/)?"([^"]*)"')


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"

    def __init__(self) -> None:
        super().__init__(
            _(
                "Send the ETag you read with this record in an If-Match header, so that a "
                "change someone made since is not overwritten."
            )
        )


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"

    def __init__(self, current: int) -> None:
        self.current = current
        super().__init__(
            _(
                "Someone changed this record after you read it, so your change was not saved. "
                "Read it again, check your change against it, and send it with the new ETag."
            )
        )


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(headers, current: int) -> int:
    """The version the client read, from `If-Match`; 428 without one, 400 for one that is not
    an entity tag, 412 when it is not `current` (a weak tag never matches a change)."""
    sent = headers.get(HEADER)
    if sent is None or sent.strip() == "*":
        raise PreconditionRequired
    if not _IF_MATCH.match(sent):
        raise ValidationError({HEADER: [_('Send the ETag as it came, in double quotes: "3".')]})
    versions = {value for weak, value in _TAG.findall(sent) if not weak}
    if str(current) not in versions:
        raise PreconditionFailed(current)
    return current


def answer_with_current_etag(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler, and a 412 names the version that is there now."""
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, PreconditionFailed):
        response["ETag"] = etag(exc.current)
    return response
