"""Opening a participant's record for a request.

One call reads the record through the access module (404 for anyone it is not
visible to, as for a record that does not exist) and, when the request only
reads, records the view in the audit trail, so no page can show a case and
forget to say so. A write's own action records what was done instead.
"""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from stride.core import access
from stride.core.audit import Actor

from . import actions
from .models import Participant

# What most pages show about the person at the top: one join each, no extra query.
CASE_RELATIONS = (
    "member", "household", "county", "coach", "team", "current_enrollment__program",
)  # fmt: skip

READING_METHODS = frozenset({"GET", "HEAD"})


def participants() -> QuerySet[Participant]:
    return Participant.objects.select_related(*CASE_RELATIONS)


def open_case(
    request: HttpRequest, uuid: UUID | str, records: QuerySet[Participant] | None = None
) -> Participant:
    """The participant `uuid` as the person asking may see them; `records` narrows or
    annotates the query (it is still passed through the access module)."""
    try:
        chosen = UUID(str(uuid))
    except ValueError:
        raise Http404 from None
    person = access.get_visible_or_404(
        participants() if records is None else records, request.user, uuid=chosen
    )
    viewed(request, person)
    return person


def open_own_case(
    request: HttpRequest, records: QuerySet[Participant] | None = None
) -> Participant:
    """The signed-in participant's own record (404 for anyone without one)."""
    person = access.get_visible_or_404(
        participants() if records is None else records, request.user, user=request.user
    )
    viewed(request, person)
    return person


def viewed(request: HttpRequest, person: Participant) -> None:
    """Record that `person`'s record was shown, for a participant reached through another
    record (a referral, a month of hours). Writes are recorded by their actions instead."""
    if request.method in READING_METHODS:
        actions.record_view(Actor.from_request(request), person)
