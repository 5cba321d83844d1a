"""Which services suit a family, grouped by the four service areas, each with its reasons.

A service suits a family when it is open to referrals, serves the family's
county, its months-on-aid range holds the family's month, and it is meant
either for any family or for one of this family's circumstances. Services
meant for the family's circumstances come first, then those whose kind of
help answers one of them, then the rest, by name. The database does the
filtering, ordering and cutting (a window per area), so a county of 10,000
services costs the same few queries as one of ten.
"""

import math
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from stride.core import zips
from stride.core.vocabulary import Circumstance, ServiceArea

from .circumstances import Family
from .models import ADDRESSES, Location, Referral, Service, ServiceLanguage, circumstances_in

PER_AREA = 6
MILES_PER_DEGREE_LATITUDE = 69.0


@dataclass(frozen=True)
class Filters:
    """What the coach narrowed the list to."""

    text: str = ""
    area: str = ""
    language: str = ""
    evenings: bool = False
    weekends: bool = False
    near_zip: str = ""
    within_miles: int | None = None


@dataclass
class Suggestion:
    service: Service
    reasons: list[str]
    miles: float | None = None
    open_referral: Referral | None = None  # the family's, when the page knows of one


@dataclass
class AreaSuggestions:
    area: str
    label: str
    total: int
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.total - len(self.suggestions)


def zip_point(zip_code: str) -> tuple[float, float] | None:
    """The centre of a US ZIP code, or None for one that does not exist."""
    found = zips.find(zip_code)
    return (found.latitude, found.longitude) if found is not None else None


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 3958.8 * 2 * math.asin(math.sqrt(h))


def addressed_categories(mask: int) -> set[str]:
    return {
        str(category)
        for code in circumstances_in(mask)
        for category in ADDRESSES[Circumstance(code)]
    }


def suiting(family: Family) -> QuerySet[Service]:
    """Every service that suits the family, ranked, before any filter."""
    month = family.months_on_aid
    services = Service.objects.filter(serves=family.county_id, status=Service.Status.ACTIVE)
    if month is not None:
        services = services.filter(
            Q(months_on_aid_min__isnull=True) | Q(months_on_aid_min__lte=month),
            Q(months_on_aid_max__isnull=True) | Q(months_on_aid_max__gte=month),
        )
    mask = family.mask
    services = services.annotate(hits=F("fits_mask").bitand(mask)).filter(
        Q(fits_mask=0) | Q(hits__gt=0)
    )
    return services.annotate(
        relevance=Case(
            When(hits__gt=0, then=Value(2)),
            When(category__in=addressed_categories(mask), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def narrowed(services: QuerySet[Service], filters: Filters) -> QuerySet[Service]:
    if filters.text:
        words = filters.text.strip()
        services = services.filter(
            Q(name__icontains=words)
            | Q(description__icontains=words)
            | Q(provider__name__icontains=words)
        )
    if filters.area:
        services = services.filter(area=filters.area)
    if filters.language:
        services = services.filter(
            Exists(ServiceLanguage.objects.filter(service=OuterRef("pk"), code=filters.language))
        )
    if filters.evenings:
        services = services.filter(open_evenings=True)
    if filters.weekends:
        services = services.filter(open_weekends=True)
    centre = zip_point(filters.near_zip) if filters.within_miles else None
    if centre is not None and filters.within_miles:
        # A box around the ZIP in the database; the exact distance is measured per row shown.
        lat_span = filters.within_miles / MILES_PER_DEGREE_LATITUDE
        lon_span = lat_span / max(0.1, math.cos(math.radians(centre[0])))
        # The box as a join inside the Exists: SQLite would otherwise probe every place in it.
        at_places = Service.locations.through.objects.filter(
            service_id=OuterRef("pk"),
            location__latitude__range=(centre[0] - lat_span, centre[0] + lat_span),
            location__longitude__range=(centre[1] - lon_span, centre[1] + lon_span),
        )
        services = services.filter(Exists(at_places))
    # Exists, not joins: a service stays one row, so the windows below count it once.
    return services


RANKING = [F("relevance").desc(), F("name").asc(), F("pk").asc()]


def for_family(family: Family, filters: Filters, per_area: int = PER_AREA) -> list[AreaSuggestions]:
    """The best few services in each service area for the family, with how many suit in all."""
    ranked = (
        narrowed(suiting(family), filters)
        .annotate(
            place=Window(RowNumber(), partition_by=[F("area")], order_by=RANKING),
            in_area=Window(Count("pk"), partition_by=[F("area")]),
        )
        .filter(place__lte=per_area)
        .order_by("area", "place")
        .values_list("pk", "area", "in_area")
    )
    order: dict[int, int] = {}
    totals: dict[str, int] = {}
    for pk, area, in_area in ranked:
        order[pk] = len(order)
        totals[area] = in_area
    rows = sorted(with_details(Service.objects.filter(pk__in=order)), key=lambda row: order[row.pk])
    centre = zip_point(filters.near_zip or family.zip_code)
    groups = [
        AreaSuggestions(str(area), str(label), totals.get(str(area), 0))
        for area, label in ServiceArea.choices
        if not filters.area or filters.area == area
    ]
    by_area = {group.area: group for group in groups}
    for row in rows:
        by_area[row.area].suggestions.append(
            Suggestion(row, reasons(row, family), nearest_miles(row, centre))
        )
    return groups


def with_details(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("provider").prefetch_related(
        Prefetch("locations", queryset=Location.objects.order_by("pk")), "languages", "schedules"
    )


def nearest_miles(service: Service, centre: tuple[float, float] | None) -> float | None:
    if centre is None:
        return None
    distances = [
        miles_between(centre, (place.latitude, place.longitude))
        for place in service.locations.all()
        if place.latitude is not None and place.longitude is not None
    ]
    return round(min(distances), 1) if distances else None


def reasons(service: Service, family: Family) -> list[str]:
    """Why the service suits the family, in plain words, most specific first."""
    said = []
    meant_for = circumstances_in(service.fits_mask & family.mask)
    for code in meant_for:
        if code in family.circumstances:
            said.append(
                _("Meant for: %(need)s (%(where)s)")
                % {"need": Circumstance(code).label, "where": family.circumstances[code][0]}
            )
    for code in family.circumstances:
        if code not in meant_for and service.category in ADDRESSES[Circumstance(code)]:
            said.append(
                _("Helps with: %(need)s (%(where)s)")
                % {"need": Circumstance(code).label, "where": family.circumstances[code][0]}
            )
    # What a private answer points to is never named: a screen can be seen by others.
    if any(
        family.only_private(code)
        and (code in meant_for or service.category in ADDRESSES[Circumstance(code)])
        for code in family.private
    ):
        said.append(_("Fits something to talk about privately"))
    if family.months_on_aid is not None and (
        service.months_on_aid_min is not None or service.months_on_aid_max is not None
    ):
        said.append(months_reason(service, family.months_on_aid))
    if family.language != "en" and any(
        row.code == family.language for row in service.languages.all()
    ):
        said.append(_("Offered in the family's language"))
    if not said:
        said.append(_("Open to any family in the county"))
    return said


def months_reason(service: Service, month: int) -> str:
    low, high = service.months_on_aid_min, service.months_on_aid_max
    if low is not None and high is not None:
        text = _("For months %(low)s to %(high)s on aid") % {"low": low, "high": high}
    elif low is not None:
        text = _("From month %(low)s on aid") % {"low": low}
    else:
        text = _("Up to month %(high)s on aid") % {"high": high}
    return text + "; " + _("this family is in month %(month)s") % {"month": month}
