"""A demo resource map for every demo county, and referrals in every stage of the loop.

The organisations are made up; the kinds of service, their rules and hours
are the ones a California county's map holds. Locations sit at real ZIP
code centres of the county's city, so "near this ZIP" works. A few entries
are left unchecked for over a year, so the review list has work in it.
"""

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.utils import timezone

from stride.core import zips
from stride.core.demo import Progress, demo_step
from stride.core.models import Organisation
from stride.people.demo import COUNTIES
from stride.people.models import Participant

from .actions import STAGE_DATE
from .models import (
    CATEGORY_AREA,
    Category,
    Location,
    Provider,
    Referral,
    Schedule,
    Service,
    ServiceLanguage,
    circumstance_mask,
)

CHUNK = 2000
STALE_AFTER_DAYS = 365

WEEKDAYS_9_TO_5 = [(day, time(9), time(17)) for day in range(1, 6)]
EVENINGS = [(day, time(9), time(20)) for day in (1, 3)] + [
    (day, time(9), time(17)) for day in (2, 4, 5)
]
WITH_SATURDAY = WEEKDAYS_9_TO_5 + [(6, time(9), time(13))]
EARLY_TO_LATE = [(day, time(6), time(18, 30)) for day in range(1, 6)]
AROUND_THE_CLOCK = [(day, time(0), time(23, 59)) for day in range(1, 8)]


@dataclass(frozen=True)
class Entry:
    """One kind of service a demo county offers."""

    provider: str  # {city} is replaced by the county's city
    name: str
    category: Category
    description: str
    fits: tuple[str, ...] = ()
    months: tuple[int | None, int | None] = (None, None)
    languages: tuple[str, ...] = ("en", "es")
    hours: tuple[tuple[int, time, time], ...] = tuple(WEEKDAYS_9_TO_5)
    fees: str = "Free"
    eligibility: str = "Families on CalWORKs in the county."
    contracted: bool = False


ENTRIES = [
    Entry("Valley Pathways", "Job club and placement", Category.JOB_SEARCH,
          "Weekly job club, help with applications and interviews, and introductions to hiring employers.",
          contracted=True, hours=tuple(EVENINGS)),
    Entry("Valley Pathways", "Paid work experience", Category.WORK_EXPERIENCE,
          "Up to six months of paid work experience with a local employer and a job coach.",
          fits=("little_work_history",), months=(3, None), contracted=True),
    Entry("{city} Works Center", "Subsidised employment", Category.SUBSIDISED_JOBS,
          "A wage-subsidised job for up to a year, aimed at a permanent hire.",
          months=(6, 48)),
    Entry("{city} Works Center", "Career fair and hiring events", Category.JOB_SEARCH,
          "Monthly hiring events with employers who are taking applications now.",
          hours=tuple(WITH_SATURDAY)),
    Entry("{city} Adult School", "High school diploma and GED", Category.ADULT_EDUCATION,
          "Day and evening classes towards a diploma or GED, with child care on site in the mornings.",
          fits=("no_diploma",), hours=tuple(EVENINGS)),
    Entry("{city} Adult School", "English as a second language", Category.ENGLISH,
          "English classes at six levels, mornings, evenings and Saturdays.",
          fits=("limited_english",), languages=("en", "es", "vi", "hy", "pa"),
          hours=tuple(EVENINGS + [(6, time(9), time(12))])),
    Entry("{city} Community College", "Short-term certificates", Category.JOB_TRAINING,
          "Certificates of 8 to 16 weeks: medical assistant, pharmacy technician, welding, logistics.",
          months=(1, 48)),
    Entry("{city} Community College", "CalWORKs student services", Category.COLLEGE,
          "Counselling, books and supplies, and work-study for parents in college.",
          fees="Free for CalWORKs students"),
    Entry("Cal-Learn at {city} Unified", "Cal-Learn teen parent program", Category.PARENTING,
          "Case management, bonuses for good report cards, and child care for pregnant and parenting teens finishing school.",
          fits=("teen_parent",), eligibility="Parents and pregnant teens under 19 without a diploma."),
    Entry("{city} Child Care Resource Center", "Help finding child care", Category.CHILD_CARE,
          "Lists of licensed centers and family homes with openings, and help with the subsidy paperwork.",
          fits=("children_under_6", "needs_child_care"), languages=("en", "es", "hmn")),
    Entry("Little Steps Early Learning", "Infant and toddler care", Category.CHILD_CARE,
          "Full-day care for babies from six weeks to three years, early and late hours.",
          fits=("children_under_6",), hours=tuple(EARLY_TO_LATE), fees="Paid by the child care subsidy"),
    Entry("{city} Boys and Girls Club", "After-school program", Category.AFTER_SCHOOL,
          "Homework help, sports and meals until 6:30 pm on school days.",
          fits=("school_age_children",), hours=tuple(EARLY_TO_LATE)),
    Entry("{city} Transit", "Bus passes for work and training", Category.TRANSPORTATION,
          "Monthly bus passes for participants going to work, training or child care.",
          fits=("no_car",)),
    Entry("Wheels to Work", "Car repair and low-cost car loans", Category.TRANSPORTATION,
          "Repairs up to $1,500 and low-interest loans for a reliable used car.",
          fits=("no_car",), months=(1, 48)),
    Entry("{city} Housing Support Program", "Rapid rehousing", Category.HOUSING,
          "Help with a deposit, first month's rent and a housing search for families without a steady place.",
          fits=("housing_crisis",), hours=tuple(AROUND_THE_CLOCK)),
    Entry("{city} Family Shelter", "Emergency family shelter", Category.HOUSING,
          "Beds for parents with children tonight, with meals and a case manager.",
          fits=("housing_crisis",), hours=tuple(AROUND_THE_CLOCK)),
    Entry("Community Food Bank of {city}", "Food pantry and CalFresh help", Category.FOOD,
          "Weekly groceries and help applying for CalFresh.",
          hours=tuple(WITH_SATURDAY)),
    Entry("{city} Behavioral Health", "Counselling for parents", Category.MENTAL_HEALTH,
          "Short-term counselling, in person or by video, evenings available.",
          fits=("mental_health",), hours=tuple(EVENINGS)),
    Entry("New Directions Recovery", "Outpatient substance use treatment", Category.SUBSTANCE_USE,
          "Outpatient treatment with evening groups; parents can bring their children to the family room.",
          fits=("substance_use",), hours=tuple(EVENINGS)),
    Entry("Safe Harbor {city}", "Domestic violence advocacy and shelter", Category.SAFETY,
          "A 24-hour line, confidential shelter, safety planning and legal advocacy.",
          fits=("safety",), hours=tuple(AROUND_THE_CLOCK)),
    Entry("Central Valley Legal Aid", "Free legal help", Category.LEGAL,
          "Help with evictions, custody, record clearing and benefit hearings.",
          fits=("legal",)),
    Entry("{city} Independent Living Center", "Disability services", Category.DISABILITY,
          "Help with accommodations at work, benefits counselling and assistive technology.",
          fits=("disability",)),
    Entry("{city} Community Health Center", "Health care and Medi-Cal enrollment", Category.HEALTH,
          "Primary care for the whole family and help enrolling in Medi-Cal.",
          hours=tuple(WITH_SATURDAY)),
    Entry("{city} Family Resource Center", "Parenting classes", Category.PARENTING,
          "Free parenting classes and playgroups for parents of young children.",
          fits=("children_under_6",)),
    Entry("{city} Family Resource Center", "Free tax preparation", Category.MONEY,
          "Free tax returns so families get the EITC and child tax credits, January to April.",
          hours=tuple(EVENINGS)),
    Entry("Dress for Work {city}", "Work clothes and tools", Category.WORK_SUPPLIES,
          "Interview and work clothes, boots, uniforms and tools for a new job.",
          months=(1, 60)),
]  # fmt: skip


@demo_step
def build_resources_demo(seed: int, progress: Progress) -> None:
    rng = random.Random(seed + 7)
    today = timezone.localdate()
    counties = list(Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("pk"))
    for county in counties:
        build_directory(county, rng, today)
    progress(f"resource map: {Service.objects.count()} services in {len(counties)} counties")
    made = build_referrals(rng, today)
    progress(f"referrals: {made}")


def _city(county: Organisation) -> str:
    """The demo county's main city (Kern County's is Bakersfield)."""
    seats = {name: city for name, _prefix, city, _zip3 in COUNTIES}
    return seats.get(county.name, county.name.removesuffix(" County"))


def _zip_points(city: str) -> list[tuple[str, float, float]]:
    found = zips.in_city(city, "CA") or zips.in_city("Sacramento", "CA")
    return [(z.code, z.latitude, z.longitude) for z in found[:20]]


def build_directory(
    county: Organisation, rng: random.Random, today: date, copies: int = 1
) -> list[Service]:
    """The county's map: every entry once per copy, each copy from a different provider."""
    city = _city(county)
    points = _zip_points(city)
    providers: dict[str, Provider] = {}
    for copy in range(copies):
        for entry in ENTRIES:
            name = entry.provider.format(city=city) + (f" {copy + 1}" if copy else "")
            providers.setdefault(
                name,
                Provider(
                    county=county,
                    hsds_id=f"org-{county.pk}-{len(providers) + 1}",
                    name=name,
                    phone=f"({rng.randint(200, 989)}) 555-{rng.randint(100, 199):04d}",
                    website=f"https://example.org/{len(providers) + 1}",
                    contracted=entry.contracted,
                ),
            )
    Provider.objects.bulk_create(providers.values(), batch_size=CHUNK)
    saved = {p.name: p for p in Provider.objects.filter(county=county)}
    locations = [
        Location(
            provider=provider,
            hsds_id=f"{provider.hsds_id}-main",
            name=provider.name,
            address_1=f"{rng.randint(100, 4999)} {rng.choice(['Main', 'Olive', 'Tulare', 'Mission', 'Pine'])} St",
            city=city,
            state_province="CA",
            postal_code=zip_code,
            latitude=lat + rng.uniform(-0.01, 0.01),
            longitude=lon + rng.uniform(-0.01, 0.01),
        )
        for provider in saved.values()
        for zip_code, lat, lon in [rng.choice(points)]
    ]
    Location.objects.bulk_create(locations, batch_size=CHUNK)
    place = {row.provider_id: row for row in Location.objects.filter(provider__county=county)}
    services = []
    for copy in range(copies):
        for number, entry in enumerate(ENTRIES):
            provider = saved[entry.provider.format(city=city) + (f" {copy + 1}" if copy else "")]
            stale = rng.random() < 0.12
            services.append(
                Service(
                    provider=provider,
                    county=county,
                    hsds_id=f"svc-{county.pk}-{copy}-{number}",
                    name=entry.name,
                    description=entry.description,
                    phone=provider.phone,
                    category=entry.category,
                    area=CATEGORY_AREA[entry.category],
                    fees_description=entry.fees,
                    eligibility_description=entry.eligibility,
                    application_process="Call or walk in; bring a photo ID. Your coach can send a referral.",
                    fits_mask=circumstance_mask(list(entry.fits)),
                    months_on_aid_min=entry.months[0],
                    months_on_aid_max=entry.months[1],
                    open_evenings=any(c > time(17) for _d, _o, c in entry.hours),
                    open_weekends=any(d >= 6 for d, _o, _c in entry.hours),
                    last_verified_on=today
                    - timedelta(
                        days=rng.randint(STALE_AFTER_DAYS + 10, 600)
                        if stale
                        else rng.randint(5, 300)
                    ),
                )
            )
    Service.objects.bulk_create(services, batch_size=CHUNK)
    saved_services = list(Service.objects.filter(county=county).select_related("provider"))
    entry_of = {f"svc-{county.pk}-{c}-{n}": e for c in range(copies) for n, e in enumerate(ENTRIES)}
    Through = Service.serves.through
    Through.objects.bulk_create(
        (Through(service_id=s.pk, organisation_id=county.pk) for s in saved_services),
        batch_size=CHUNK,
    )
    AtPlace = Service.locations.through
    AtPlace.objects.bulk_create(
        (AtPlace(service_id=s.pk, location_id=place[s.provider_id].pk) for s in saved_services),
        batch_size=CHUNK,
    )
    ServiceLanguage.objects.bulk_create(
        (
            ServiceLanguage(service=s, code=code)
            for s in saved_services
            for code in entry_of[s.hsds_id].languages
        ),
        batch_size=CHUNK,
    )
    Schedule.objects.bulk_create(
        (
            Schedule(service=s, weekday=day, opens_at=opens, closes_at=closes)
            for s in saved_services
            for day, opens, closes in entry_of[s.hsds_id].hours
        ),
        batch_size=CHUNK,
    )
    return saved_services


def build_referrals(rng: random.Random, today: date) -> int:
    """About one family in six has a referral or two, in every stage of the loop."""
    by_county: dict[int, list[int]] = {}
    for pk, county_id in Service.objects.values_list("pk", "county_id"):
        by_county.setdefault(county_id, []).append(pk)
    rows = Participant.objects.order_by("pk").values_list("pk", "county_id", "coach_id", "user_id")
    referrals: list[Referral] = []
    for pk, county_id, coach_id, user_id in rows.iterator(chunk_size=CHUNK):
        choices = by_county.get(county_id)
        if not choices or (not user_id and rng.random() > 0.17):
            continue
        for service_id in rng.sample(choices, 3 if user_id else rng.randint(1, 2)):
            referrals.append(_referral(rng, today, pk, service_id, coach_id))
        if len(referrals) >= CHUNK:
            Referral.objects.bulk_create(referrals)
            referrals = []
    Referral.objects.bulk_create(referrals)
    return Referral.objects.count()


def _referral(
    rng: random.Random, today: date, participant_id: int, service_id: int, coach_id: int | None
) -> Referral:
    sent = today - timedelta(days=rng.randint(1, 150))
    referral = Referral(
        participant_id=participant_id,
        service_id=service_id,
        made_by_id=coach_id,
        sent_on=sent,
        note="Looking to start as soon as there is a place.",
    )
    stage = rng.choices(list(Referral.Stage), weights=[25, 20, 25, 30])[0]
    day = sent
    for field in list(STAGE_DATE.values())[: list(Referral.Stage).index(stage)]:
        day = min(today, day + timedelta(days=rng.randint(1, 20)))
        setattr(referral, field, day)
    referral.stage = stage
    if stage == Referral.Stage.CLOSED:
        referral.outcome = rng.choices(
            [o for o, _ in Referral.Outcome.choices], weights=[50, 15, 8, 10, 10, 7]
        )[0]
        if referral.outcome in (Referral.Outcome.NO_RESPONSE, Referral.Outcome.DECLINED):
            referral.enrolled_on = None
    return referral
