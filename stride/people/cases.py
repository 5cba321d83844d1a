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
from stride.core.guards import READING_METHODS
from stride.core.models import Role, User

from . import actions
from .models import Participant

# What most pages show about the person at the top: one join each, no extra query.
CASE_RELATIONS = (
    "member", "household", "county", "coach", "team", "current_enrollment__program",
)  # fmt: skip


def participants() -> QuerySet[Participant]:
    return Participant.objects.select_related(*CASE_RELATIONS)


def open_case(
    request: HttpRequest,
    uuid: UUID | str,
    records: QuerySet[Participant] | None = None,
    *,
    recorded_elsewhere: bool = False,
) -> Participant:
    """The participant `uuid` as the person asking may see them; `records` narrows or
    annotates the query (it is still passed through the access module).

    `recorded_elsewhere=True` skips the view event, only where the showing is recorded
    otherwise: a printout records an export, and a part of a page that the page polls
    for was recorded when the page was shown. The protected-read test lists each such use.
    """
    try:
        chosen = UUID(str(uuid))
    except ValueError:
        raise Http404 from None
    person = access.get_visible_or_404(
        participants() if records is None else records, _asking(request), uuid=chosen
    )
    if not recorded_elsewhere:
        viewed(request, person)
    return person


def open_own_case(
    request: HttpRequest,
    records: QuerySet[Participant] | None = None,
    *,
    recorded_elsewhere: bool = False,
) -> Participant:
    """The signed-in participant's own record; anyone else, staff included, gets 404."""
    user = _asking(request)
    if user.role != Role.PARTICIPANT:
        raise Http404
    mine = (participants() if records is None else records).filter(user=user)
    person = access.get_visible_or_404(mine, user)
    if not recorded_elsewhere:
        viewed(request, person)
    return person


def _asking(request: HttpRequest) -> User:
    """The signed-in person (the views are behind sign-in); nobody else opens a case."""
    if not isinstance(request.user, User):
        raise Http404
    return request.user


def viewed(request: HttpRequest, person: Participant) -> None:
    """Record that `person`'s record was shown, for a participant reached through another
    record (a referral, a month of hours). Writes are recorded by their actions instead."""
    if request.method in READING_METHODS:
        actions.record_view(Actor.from_request(request), person)


def shown_again(request: HttpRequest, person: Participant) -> None:
    """A send that was refused answers with the page again, the record on it: a view too.
    Call it where such a page is rendered; a GET's view was recorded when it was opened."""
    if request.method not in READING_METHODS:
        actions.record_view(Actor.from_request(request), person)
