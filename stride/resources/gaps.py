"""The gap view: the needs seen across a county's caseload beside the services that answer them.

Needs are counted per family from the household record (in the database)
and from each family's latest answers to each assessment (their non-private
suggestions); the goals families are working on are counted per life area. Services answer a need when they are meant for it or their
kind of help addresses it. Referrals count over the last twelve months;
"enrolled" means the family started or attended.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.assessments.instruments import catalogue
from stride.assessments.models import Response
from stride.assessments.scoring import hints
from stride.coaching.models import Goal
from stride.core import access, spreadsheets
from stride.core.audit import Actor
from stride.core.models import Organisation, User
from stride.core.vocabulary import Circumstance, LifeArea, ServiceArea
from stride.people.models import Household, Member, Participant

from . import actions
from .models import ADDRESSES, CIRCUMSTANCE_BITS, Referral, Service

LOOK_BACK = timedelta(days=365)
UNUSED_SHOWN = 50
HELPED = {Referral.Outcome.HELPED, Referral.Outcome.PARTLY}
CHUNK = 2000


@dataclass
class NeedRow:
    code: str
    label: str
    # None for a need only private answers point to: never counted, so never shown as 0.
    families: int | None = 0
    services: int = 0
    referrals: int = 0
    enrolled: int = 0

    @property
    def gap(self) -> bool:
        return bool(self.families) and self.services == 0


@dataclass
class AreaRow:
    area: str
    label: str
    services: int = 0
    referrals: int = 0
    enrolled: int = 0
    helped: int = 0


@dataclass
class GoalRow:
    """Families working on a goal in a life area, beside the services of the areas that support it."""

    area: str
    label: str
    families: int
    services: int


# The service areas whose services help with goals in each life area.
SUPPORTING = {
    LifeArea.WORK: {ServiceArea.WORK, ServiceArea.EDUCATION},
    LifeArea.LEARNING: {ServiceArea.EDUCATION},
    LifeArea.FAMILY: {ServiceArea.CHILD_CARE, ServiceArea.SUPPORTS},
    LifeArea.HOME: {ServiceArea.SUPPORTS},
    LifeArea.HEALTH: {ServiceArea.SUPPORTS},
    LifeArea.MONEY: {ServiceArea.SUPPORTS},
    LifeArea.COMMUNITY: {ServiceArea.SUPPORTS},
}


@dataclass
class GapReport:
    county: Organisation
    families: int
    since: date
    needs: list[NeedRow] = field(default_factory=list)
    areas: list[AreaRow] = field(default_factory=list)
    goals: list[GoalRow] = field(default_factory=list)
    # Services no family has been referred to: the first few for the page, the count, and the
    # whole list in the CSV.
    unused: QuerySet[Service] = field(default_factory=Service.objects.none)
    unused_first: list[Service] = field(default_factory=list)
    unused_count: int = 0


def for_county(user: User, county: Organisation) -> GapReport:
    today = timezone.localdate()
    families = access.visible_to(Participant.objects.filter(county=county), user)
    report = GapReport(county, families.count(), today - LOOK_BACK)
    seen = _needs_from_records(families, today)
    for code, count in _needs_from_assessments(families).items():
        seen[code] = seen.get(code, 0) + count
    services = list(
        Service.objects.filter(serves=county, status=Service.Status.ACTIVE).values_list(
            "pk", "category", "fits_mask", "area"
        )
    )
    referrals = list(
        access.belonging_to(
            Referral.objects.filter(sent_on__gte=report.since), families.values("pk")
        ).values_list("service_id", "enrolled_on", "outcome")
    )
    answering: dict[str, set[int]] = {
        code: {
            pk
            for pk, category, mask, _area in services
            if mask & (1 << bit) or category in ADDRESSES[code]
        }
        for code, bit in CIRCUMSTANCE_BITS.items()
    }
    private_only = _only_private_answers_point_to() - set(seen)
    for code in CIRCUMSTANCE_BITS:
        ids = answering[code]
        made = [row for row in referrals if row[0] in ids]
        report.needs.append(
            NeedRow(
                str(code),
                str(Circumstance(code).label),
                families=None if code in private_only else seen.get(code, 0),
                services=len(ids),
                referrals=len(made),
                enrolled=sum(1 for row in made if row[1] is not None),
            )
        )
    area_of = {pk: area for pk, _category, _mask, area in services}
    by_area = {area: AreaRow(str(area), str(label)) for area, label in ServiceArea.choices}
    for area in area_of.values():
        by_area[area].services += 1
    for service_id, enrolled_on, outcome in referrals:
        row = by_area.get(area_of.get(service_id, ""))
        if row is None:
            continue  # a service since paused or closed
        row.referrals += 1
        row.enrolled += enrolled_on is not None
        row.helped += outcome in HELPED
    report.areas = list(by_area.values())
    working_on = dict(
        access.belonging_to(
            Goal.objects.filter(status__in=Goal.OPEN_STATUSES), families.values("pk")
        )
        .exclude(life_area="")
        .values_list("life_area")
        .annotate(families=Count("participant", distinct=True))
    )
    report.goals = [
        GoalRow(
            str(area),
            str(label),
            working_on.get(area, 0),
            sum(by_area[supporting].services for supporting in SUPPORTING[LifeArea(area)]),
        )
        for area, label in LifeArea.choices
    ]
    report.unused = (
        Service.objects.filter(county=county, status=Service.Status.ACTIVE)
        # Unused: no referral to it that this person may see.
        .filter(~Exists(access.visible_to(Referral.objects.filter(service=OuterRef("pk")), user)))
        .select_related("provider")
        .order_by("area", "name", "pk")
    )
    report.unused_count = report.unused.count()
    report.unused_first = list(report.unused[:UNUSED_SHOWN])
    return report


def _only_private_answers_point_to() -> set[str]:
    """Circumstances that only private items suggest (safety at home): this view counts none."""
    private: set[str] = set()
    shared: set[str] = set()
    for slug in catalogue().slugs:
        for instrument in catalogue().versions(slug):
            for item in instrument.items.values():
                for suggestion in item.suggests:
                    if suggestion.circumstance:
                        (private if item.private else shared).add(str(suggestion.circumstance))
    return private - shared


def _needs_from_records(families: QuerySet[Participant], today: date) -> dict[str, int]:
    """Circumstances read from the household record, counted in the database."""

    def years_ago(years: int) -> date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - years, day=28)

    children = Member.objects.filter(
        household=OuterRef("household"), relationship=Member.Relationship.CHILD
    )
    young = Exists(children.filter(birth_date__gt=years_ago(6)))
    school = Exists(children.filter(birth_date__gt=years_ago(18), birth_date__lte=years_ago(6)))
    partner = Exists(
        Member.objects.filter(
            household=OuterRef("household"), relationship=Member.Relationship.PARTNER
        )
    )
    # Exists() straight in each filter: an annotation used only by an aggregate's filter
    # would be dropped from the query.
    counts = families.aggregate(
        young=Count("pk", filter=Q(young)),
        school=Count("pk", filter=Q(school)),
        teen=Count("pk", filter=Q(Exists(children), member__birth_date__gt=years_ago(20))),
        partner=Count("pk", filter=Q(partner)),
        language=Count("pk", filter=~Q(household__language=Household.Language.ENGLISH)),
    )
    return {
        Circumstance.CHILDREN_UNDER_SIX: counts["young"],
        Circumstance.SCHOOL_AGE_CHILDREN: counts["school"],
        Circumstance.TEEN_PARENT: counts["teen"],
        Circumstance.TWO_PARENTS: counts["partner"],
        Circumstance.LIMITED_ENGLISH: counts["language"],
    }


def _needs_from_assessments(families: QuerySet[Participant]) -> dict[str, int]:
    """Families whose latest answers to an assessment point to each circumstance."""
    latest = (
        Response.objects.filter(
            participant=OuterRef("participant"),
            instrument=OuterRef("instrument"),
            completed_at__isnull=False,
        )
        .order_by("-completed_at")
        .values("pk")[:1]
    )
    rows = (
        access.belonging_to(
            Response.objects.filter(completed_at__isnull=False), families.values("pk")
        )
        .filter(pk=Subquery(latest))
        .values_list("participant_id", "instrument", "instrument_version", "answers")
    )
    instruments = catalogue()
    families_with: dict[str, set[int]] = defaultdict(set)
    for participant_id, slug, version, answers in rows.iterator(chunk_size=CHUNK):
        for hint in hints(instruments.get(slug, version), answers, private=False):
            if hint.circumstance:
                families_with[hint.circumstance].add(participant_id)
    return {code: len(ids) for code, ids in families_with.items()}


def as_csv(report: GapReport, actor: Actor) -> spreadsheets.SpreadsheetResponse:
    actions.record_directory_export(actor, report.county)
    name = report.county.name.lower().replace(" ", "-")
    # Written out now, in the language of the request, as the page was.
    return spreadsheets.download(list(_csv_rows(report)), f"{name}-service-gaps.csv")


def _csv_rows(report: GapReport) -> Iterator[list[object]]:
    yield [_("Need"), _("Families"), _("Services that answer it"), _("Referrals"), _("Enrolled")]
    for need in report.needs:
        families = _("Not counted: private") if need.families is None else need.families
        yield [need.label, families, need.services, need.referrals, need.enrolled]
    yield []
    yield [_("Service area"), _("Services"), _("Referrals"), _("Enrolled"), _("Got the help")]
    for area in report.areas:
        yield [area.label, area.services, area.referrals, area.enrolled, area.helped]
    yield []
    yield [_("Goals in this life area"), _("Families"), _("Services that support it")]
    for goal in report.goals:
        yield [goal.label, goal.families, goal.services]
    yield []
    yield [_("Services with no referral yet"), _("Organisation"), _("Service area")]
    for service in report.unused.iterator(chunk_size=CHUNK):
        yield [service.name, service.provider.name, service.get_area_display()]
