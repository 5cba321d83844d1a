"""Referrals closed with an outcome, by month."""

from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from stride.core import access
from stride.people.models import Participant
from stride.resources.models import Referral

from .figures import Definition, Measure, Table, Tally
from .months import last_day


def closed_with_outcome(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
    start, end = months[0], last_day(months[-1])
    referrals = access.belonging_to(
        Referral.objects.filter(
            stage=Referral.Stage.CLOSED, closed_on__gte=start, closed_on__lte=end
        ).exclude(outcome=""),
        participants,
    )
    tally = Tally(participants, months, by)
    tally.add(
        referrals.values_list("participant_id", TruncMonth("closed_on")).annotate(n=Count("pk"))
    )
    return tally.table(is_rate=False)


REFERRALS_CLOSED = Measure(
    key="referrals-closed",
    title=_("Referrals closed with an outcome"),
    definition=Definition(
        numerator=_(
            "Referrals to a service closed in the month. A referral closes only with what came "
            "of it recorded, whatever that was."
        ),
        month=_("The month of the day the referral was closed."),
        who=_("Every one, with the coach, team and county the family has today."),
    ),
    count=closed_with_outcome,
)
