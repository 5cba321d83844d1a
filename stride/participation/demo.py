"""Demo participation: each county's activities, months on aid, and four months of hours.

The adults follow the patterns a county sees: steady work, job search that
runs into its limits, work experience with classes on top, training, and
adults just starting. Some came back to aid after an earlier spell, so a few
time clocks run low. Then every month is counted, oldest first.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from stride.core.demo import Progress, demo_promise, demo_step
from stride.core.models import Organisation
from stride.people.models import Enrollment, Participant

from .countable import add_months
from .models import Activity, ActivityPlan, AidMonth, HoursEntry, MonthResult, WorkActivity
from .recount import count_everyone

HISTORY_MONTHS = 4
BATCH = 2000

CATALOGUE = [
    ("Paid job", WorkActivity.UNSUBSIDIZED_EMPLOYMENT, "Hours from pay stubs or the employer."),
    ("Subsidized job", WorkActivity.SUBSIDIZED_PRIVATE, "A job with a private employer, wages paid in part by the county."),
    ("County work experience", WorkActivity.WORK_EXPERIENCE, "Unpaid work at a county office, supervised every day."),
    ("On-the-job training", WorkActivity.ON_THE_JOB_TRAINING, "Paid training at the employer's site."),
    ("Job club", WorkActivity.JOB_SEARCH, "Group job search with a job developer."),
    ("Supervised job search", WorkActivity.JOB_SEARCH, "Applications and interviews, checked each week."),
    ("Counseling (job readiness)", WorkActivity.JOB_SEARCH, "Mental health or substance use treatment that prepares for work."),
    ("Food bank volunteer shift", WorkActivity.COMMUNITY_SERVICE, "Community service at the county food bank."),
    ("Community college certificate", WorkActivity.VOCATIONAL_TRAINING, "Medical assistant, welding, truck driving and other certificates."),
    ("English classes (ESL)", WorkActivity.JOB_SKILLS_TRAINING, "English for work at the adult school."),
    ("Adult school diploma", WorkActivity.EDUCATION_FOR_WORK, "High school diploma classes for adults."),
    ("High school (teen parents)", WorkActivity.SCHOOL_ATTENDANCE, "School attendance for parents under 20."),
    ("Parenting class", WorkActivity.OTHER, "Counts for the family's goals, not for the federal rate."),
]  # fmt: skip

PAID = {
    WorkActivity.UNSUBSIDIZED_EMPLOYMENT,
    WorkActivity.SUBSIDIZED_PRIVATE,
    WorkActivity.SUBSIDIZED_PUBLIC,
    WorkActivity.ON_THE_JOB_TRAINING,
}

# (pattern, weight): what an adult mostly does in the demo months.
PATTERNS = [
    ("working", 30),
    ("job_search", 20),
    ("work_experience", 15),
    ("training", 10),
    ("starting", 15),
    ("nothing", 10),
]


@demo_step
def build_participation_demo(seed: int, progress: Progress) -> None:
    rng = random.Random(seed + 11)
    today = timezone.localdate()
    catalogues = {
        county.pk: _catalogue(county)
        for county in Organisation.objects.filter(kind=Organisation.Kind.COUNTY)
    }
    first = add_months(today.replace(day=1), -(HISTORY_MONTHS - 1))
    people = list(
        Participant.objects.select_related("current_enrollment__program", "member")
        .filter(current_enrollment__isnull=False)
        .order_by("pk")
    )
    months_on_aid = plans = entries = 0
    for start in range(0, len(people), BATCH):
        chunk = people[start : start + BATCH]
        aid, chunk_plans, chunk_entries = [], [], []
        for person in chunk:
            aid += _months_on_aid(person, rng, today)
            made_plans, made_entries = _hours(
                person, catalogues[person.county_id], rng, first, today
            )
            chunk_plans += made_plans
            chunk_entries += made_entries
        AidMonth.objects.bulk_create(aid, batch_size=BATCH)
        ActivityPlan.objects.bulk_create(chunk_plans, batch_size=BATCH)
        HoursEntry.objects.bulk_create(chunk_entries, batch_size=BATCH)
        months_on_aid += len(aid)
        plans += len(chunk_plans)
        entries += len(chunk_entries)
    progress(
        f"participation: {months_on_aid} months on aid, {plans} plans, {entries} hours entries"
    )
    month = first
    while month <= today:
        counted = count_everyone(month, Participant.objects.all())
        progress(f"participation: {month:%Y-%m} counted for {counted} adults")
        month = add_months(month, 1)


def _catalogue(county: Organisation) -> dict[str, Activity]:
    Activity.objects.bulk_create(
        [
            Activity(county=county, name=name, federal_activity=federal, description=description)
            for name, federal, description in CATALOGUE
        ]
    )
    return {activity.name: activity for activity in Activity.objects.filter(county=county)}


def _months_on_aid(person: Participant, rng: random.Random, today: date) -> list[AidMonth]:
    """The current enrollment's months; one adult in six also had an earlier spell on aid."""
    enrollment = person.current_enrollment
    assert enrollment is not None
    last = (enrollment.ended_on or today).replace(day=1)
    months = []
    month = enrollment.aid_start.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    if rng.random() < 0.17:
        spell = rng.randint(8, 30)
        gap = rng.randint(6, 36)
        end = add_months(enrollment.aid_start.replace(day=1), -gap)
        months += [add_months(end, -offset) for offset in range(spell)]
    teen = enrollment.program.code == "cal-learn"
    rows = []
    for month in months:
        exemption = ""
        if teen:
            exemption = "cal_learn"
        elif rng.random() < 0.03:
            exemption = rng.choice(["disability", "caring_for_ill", "domestic_abuse"])
        rows.append(
            AidMonth(
                participant=person,
                month=month,
                program=enrollment.program,
                exemption=exemption,
                note="Verification on file." if exemption else "",
                work_status=AidMonth.WorkStatus.REQUIRED,
            )
        )
    return rows


def _weekdays(first: date, today: date) -> list[date]:
    days = []
    day = first
    while day <= today:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _hours(
    person: Participant,
    activities: dict[str, Activity],
    rng: random.Random,
    first: date,
    today: date,
) -> tuple[list[ActivityPlan], list[HoursEntry]]:
    enrollment = person.current_enrollment
    assert enrollment is not None
    if enrollment.status != Enrollment.Status.ACTIVE:
        return [], []
    start = max(first, enrollment.aid_start)
    if enrollment.program.code == "cal-learn":
        pattern = "school"
    else:
        pattern = rng.choices([name for name, _ in PATTERNS], [w for _, w in PATTERNS])[0]
    if pattern == "nothing":
        return [], []
    if pattern == "starting":
        start = max(start, today - timedelta(days=rng.randint(10, 40)))
    by_pattern: dict[str, list[tuple[str, float]]] = {
        "working": [("Paid job", rng.choice([4, 5, 6, 6.5, 7, 8]))],
        "job_search": [(rng.choice(["Job club", "Supervised job search"]), rng.choice([5, 6]))],
        "work_experience": [("County work experience", 4), ("English classes (ESL)", 2)],
        "training": [("Community college certificate", 4), ("Adult school diploma", 2)],
        "starting": [
            (rng.choice(["Job club", "Counseling (job readiness)", "Food bank volunteer shift"]), 3)
        ],
        "school": [("High school (teen parents)", 5)],
    }
    daily = by_pattern[pattern]
    if rng.random() < 0.2:
        daily.append(("Parenting class", 1))
    plans = [
        ActivityPlan(
            participant=person,
            activity=activities[name],
            starts_on=start,
            hours_per_week=Decimal(str(hours * 5)),
        )
        for name, hours in daily
    ]
    entries = []
    steady = rng.random()  # how reliably the adult keeps to the schedule
    for day in _weekdays(start, today):
        for name, hours in daily:
            activity = activities[name]
            roll = rng.random()
            kind = HoursEntry.Kind.PARTICIPATION
            if roll > 0.55 + 0.45 * steady:
                continue  # a missed day
            if roll > 0.52 + 0.45 * steady and activity.federal_activity not in PAID:
                kind = HoursEntry.Kind.EXCUSED
            recent = (today - day).days < 7
            entries.append(
                HoursEntry(
                    participant=person,
                    activity=activity,
                    day=day,
                    hours=Decimal(str(hours)),
                    kind=kind,
                    verification=HoursEntry.Verification.REPORTED
                    if recent and rng.random() < 0.3
                    else HoursEntry.Verification.VERIFIED,
                    note="Sick child, note from the doctor." if kind == "excused" else "",
                )
            )
    return plans, entries


@demo_promise("coach has families on aid this month, with hours counted toward work participation")
def _counted_this_month() -> bool:
    return MonthResult.objects.filter(
        participant__coach__username="coach",
        participant__current_enrollment__status=Enrollment.Status.ACTIVE,
        month=timezone.localdate().replace(day=1),
    ).exists()
