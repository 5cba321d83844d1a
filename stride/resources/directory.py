"""Reading the directory: which services a person sees and keeps, and when an entry is stale.

The counties come from `stride.core.access` (directory_counties and
directory_editable_counties); this module turns them into querysets.
"""

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from stride.core import access
from stride.core.models import Organisation, User

from .models import Provider, Service

# A county reviews each entry at least once a year (seed 003: "a plan for regularly
# updating the resource map"); older entries are listed for review.
STALE_AFTER = timedelta(days=365)


def services_visible_to(user: User) -> QuerySet[Service]:
    """Services open to families of the counties whose map `user` reads."""
    counties = access.directory_counties(user)
    return Service.objects.filter(
        Exists(
            Service.serves.through.objects.filter(
                service_id=OuterRef("pk"), organisation__in=counties
            )
        )
    )


def services_kept_by(user: User) -> QuerySet[Service]:
    """Services in the directories `user` keeps (their county's own entries)."""
    return Service.objects.filter(county__in=access.directory_editable_counties(user))


def neighbouring_counties(county: Organisation) -> QuerySet[Organisation]:
    """The counties of the same state, which a county's services may also serve."""
    agency = county.parent if county.parent is not None else county
    return Organisation.objects.filter(
        kind=Organisation.Kind.COUNTY, path__startswith=agency.path
    ).order_by("name")


def providers_of(county: Organisation) -> QuerySet[Provider]:
    return Provider.objects.filter(county=county).order_by("name")


def stale_before(today: date | None = None) -> date:
    return (today or timezone.localdate()) - STALE_AFTER


def stale(services: QuerySet[Service], today: date | None = None) -> QuerySet[Service]:
    """Entries not checked for a year or more, the longest unchecked first."""
    return (
        services.filter(
            Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=stale_before(today))
        )
        .exclude(status=Service.Status.DEFUNCT)
        .order_by("last_verified_on", "name")
    )


def referral_counts(services: QuerySet[Service]) -> QuerySet[Service]:
    """Each service with its referrals made and those where the family enrolled or attended."""
    return services.annotate(
        referrals_made=Count("referrals"),
        referrals_enrolled=Count("referrals", filter=Q(referrals__enrolled_on__isnull=False)),
    )
