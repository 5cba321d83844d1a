"""The reminders panel for the coach's Today: answers that came back, and texts that failed.

Staff pages are a shell above this app, so its template loads this tag.
"""

from datetime import timedelta
from typing import Any

from django import template
from django.db.models import CharField, F, Value
from django.utils import timezone

from stride.core import access
from stride.core.models import User
from stride.people.models import Participant

from ..models import Message, Reply

register = template.Library()

LOOK_BACK = timedelta(days=7)
MOST = 25


@register.inclusion_tag("reminders/_today.html")
def reminders_today(user: User) -> dict[str, Any]:
    """Replies and failed reminders of the last week on the person's working caseload, newest
    first, in one query (a union of the two) whatever their number."""
    since = timezone.now() - LOOK_BACK
    caseload = access.working_caseload(Participant.objects.all(), user)
    shown = (
        "participant__uuid",
        "participant__member__first_name",
        "participant__member__last_name",
    )
    replies = access.belonging_to(Reply.objects.filter(received_at__gte=since), caseload).values(
        *shown, kind=F("meaning"), text=F("body"), at=F("received_at")
    )
    failed = access.belonging_to(
        Message.objects.filter(status=Message.Status.FAILED, due_at__gte=since), caseload
    ).values(
        *shown,
        kind=Value("failed", output_field=CharField()),
        text=Value("", output_field=CharField()),
        at=F("due_at"),
    )
    both = replies.order_by().union(failed.order_by(), all=True)
    return {"items": list(both.order_by("-at")[:MOST])}
