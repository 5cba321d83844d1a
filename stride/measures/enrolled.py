"""Who a monthly rate counts: families with an enrollment open at any time in the month."""

from datetime import date

from django.db.models import QuerySet

from stride.core import access
from stride.people.models import Enrollment, Participant

from .months import last_day


def enrolled_months(
    participants: QuerySet[Participant], months: list[date]
) -> set[tuple[int, date]]:
    """(participant id, month) for each month in which the participant had an enrollment that
    had started by the month's last day and had not ended before its first."""
    start, end = months[0], last_day(months[-1])
    spans = access.belonging_to(
        Enrollment.objects.filter(aid_start__lte=end).exclude(ended_on__lt=start), participants
    ).values_list("participant_id", "aid_start", "ended_on")
    return {
        (participant_id, month)
        for participant_id, aid_start, ended_on in spans
        for month in months
        if aid_start <= last_day(month) and (ended_on is None or ended_on >= month)
    }
