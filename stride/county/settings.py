"""A county's own settings for its staff's tools, changed by its administrators."""

from django.db import transaction

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.models import Organisation, Role, User


def county_of_administrator(user: User) -> Organisation | None:
    """The county a county administrator runs; None for anyone else."""
    if not user.is_authenticated or user.role != Role.COUNTY_ADMIN or user.organisation is None:
        return None
    return user.organisation.county()


@transaction.atomic
def set_check_in_interval(actor: Actor, county: Organisation, days: int) -> None:
    if county.contact_gap_days == days:
        return
    Organisation.objects.filter(pk=county.pk).update(contact_gap_days=days)
    county.contact_gap_days = days
    audit.record(actor, Action.CHANGE, county, None, ["contact_gap_days"])
