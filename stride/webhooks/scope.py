"""Who keeps which subscriptions: a county administrator their county's, the system
administrator every county's and the ones for all counties. Subscriptions hold no case
data; a delivery's body carries names only for a county's own subscription that its
administrator (who reads that county's records) asked to carry them."""

from django.db import models

from stride.core import access
from stride.core.models import Organisation, Role, User

from .models import Delivery, Subscription


def can_keep_webhooks(user: User) -> bool:
    return access.can_keep_connections(user)


def may_choose_all_counties(user: User) -> bool:
    return user.is_authenticated and user.role == Role.SYSADMIN


def counties_for(user: User) -> models.QuerySet[Organisation]:
    """The counties `user` may give a subscription to."""
    return access.connected_counties(user)


def may_include_names(user: User, county: Organisation | None) -> bool:
    """Only the county's administrator, who reads its records, may send them names."""
    return (
        county is not None
        and user.is_authenticated
        and user.role == Role.COUNTY_ADMIN
        and counties_for(user).filter(pk=county.pk).exists()
    )


def subscriptions_for(user: User) -> models.QuerySet[Subscription]:
    if may_choose_all_counties(user):
        return Subscription.objects.all()
    return Subscription.objects.filter(county__in=counties_for(user))


def deliveries_for(user: User) -> models.QuerySet[Delivery]:
    return Delivery.objects.filter(subscription__in=subscriptions_for(user))
