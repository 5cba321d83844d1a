"""Time of a month of countable hours for N adults, a recount after an edit, and the ACF-199 rows.

Run from the project root against an already migrated database (DATABASE_URL)
that holds no participants, or the data set an earlier run of this script
built with the same --adults:

    .venv/bin/python bench/participation.py [--adults 100000] [--month 2026-10]
        [--history 1] [--profile FILE] [--phases]

The data set, built first (in a child process, so that the peak memory
measured below is the counting's, not the build's), with bulk inserts in
chunks of 2,000 households (COPY on PostgreSQL):

- an agency, six counties of unequal size, three teams in each, two programs;
- households: a head, in 15% a partner, one to four children with birth
  dates (about a third of the families have a child under six), and 3% teen
  parents in Cal-Learn; every parent is a participant with an enrollment, so
  two-parent families are counted together;
- each county's catalogue of activities (the demo's thirteen, mapped to the
  federal work activities);
- for each adult an AidMonth for the measured month and the month before
  (some with federally paid child care, a minimum-wage cap on work
  experience hours, an infant or a sanction), and a MonthResult for the
  month before whose `usage` carries job search weeks already used (up to
  six, some ending in the last week), excused hours and holidays of earlier
  months, and months of vocational training; with --history K, K earlier
  months of both;
- the measured month's HoursEntry rows, on weekdays: 30% of the adults work
  (one paid job), 20% look for work (job club or supervised job search, 5 or
  6 hours a day, so the six-week and four-weeks-in-a-row limits bite), 15%
  do work experience and ESL classes, 10% vocational training and an adult
  school diploma, 12% start an activity late in the month and 13% do
  nothing; teen parents go to high school; 10% of the active adults also go
  to a parenting class (not a federal activity). Each adult keeps to the
  schedule more or less reliably; unpaid activities have excused absences
  (with the ActivityPlan that schedules them) and a holiday on the month's
  second Monday; 4% of the entries are not checked yet and 1% could not be
  verified.

Then, in one process with settings.DEBUG off:

1. `count_everyone(month, Participant.objects.all())`, the results of the
   month deleted first so that it inserts them, as the first count of a
   month does: wall time, CPU time of this process, time inside
   cursor.execute, adults per second, the time per batch and SQL statements
   per batch, and the process's peak resident memory (ru_maxrss);
2. the same again: the results are replaced, and a fingerprint of every
   result (hours, step, reasons, usage) shows whether they are identical;
3. one hours entry of a parent in a two-parent family changed, then
   `recount_participant(participant, month)` as `actions` calls it (from
   that month through the current one, the family together); the edit is
   undone afterwards;
4. `list(acf199.rows(...))` and `acf199.summary(...)` for the county with
   the most adults.

With --profile FILE, a third count_everyone runs under cProfile after the
timed ones; the stats go to FILE (for pstats or snakeviz) and the functions
that take the most time are printed to stderr. With --phases, one more
count runs with timers around the parts of `recount.count_month` (fetching
the entries, the engine, the upsert...) and a table of their shares is printed.

Prints Markdown tables: the row counts, the timings, where the SQL time
went, what the rules did, and the machine, with the load average and the
time of the fixed Python loop of bench/pages.py before and after (this
machine's speed drifts).
"""

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import random
import re
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from django.conf import settings  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.db.models import Count, OuterRef, Subquery  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

# Importing pages sets Django up (settings, DATABASE_URL from the environment).
from pages import DatabaseTimer, is_data_query, machine, reference_work  # noqa: E402

from stride.core.models import Organisation  # noqa: E402
from stride.participation import acf199  # noqa: E402
from stride.participation.countable import Usage, add_months, monday_of  # noqa: E402
from stride.participation.demo import CATALOGUE, PAID  # noqa: E402
from stride.participation.models import (  # noqa: E402
    Activity,
    ActivityPlan,
    AidMonth,
    HoursEntry,
    MonthResult,
)
from stride.participation.recount import count_everyone, recount_participant  # noqa: E402
from stride.people.models import Enrollment, Household, Member, Participant, Program  # noqa: E402

AGENCY = "Participation benchmark agency"
SEED = 2026
CHUNK = 2000  # households per chunk of the build
COUNTIES = [  # (name, share of the households)
    ("Riverside County", 0.30),
    ("Fresno County", 0.20),
    ("Sacramento County", 0.15),
    ("Kern County", 0.13),
    ("Alameda County", 0.12),
    ("San Bernardino County", 0.10),
]
TEAMS_PER_COUNTY = 3
PATTERNS = [  # what an adult does in the measured month, and how many do it
    ("working", 30),
    ("job_search", 20),
    ("work_experience", 15),
    ("training", 10),
    ("starting", 12),
    ("nothing", 13),
]
# fmt: off
FIRST_NAMES = [
    "Maria", "Jessica", "Ashley", "Guadalupe", "Brittany", "Amanda", "Yesenia", "Stephanie",
    "Jennifer", "Vanessa", "Crystal", "Alejandra", "Tiffany", "Sarah", "Rosa", "Angela",
    "Monique", "Destiny", "Jasmine", "Karina", "Jose", "Michael", "Luis", "David", "Daniel",
    "Christopher", "Juan", "Anthony", "Robert", "Carlos",
]
LAST_NAMES = [
    "Garcia", "Hernandez", "Lopez", "Martinez", "Gonzalez", "Rodriguez", "Perez", "Sanchez",
    "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Cruz", "Morales", "Reyes",
    "Gutierrez", "Ortiz", "Jimenez", "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller",
    "Davis", "Wilson", "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson",
    "Moore", "Young", "Allen", "King", "Wright",
]
HOURS_FIELDS = [
    "uuid", "participant_id", "activity_id", "day", "hours", "kind", "verification", "note",
    "created_at", "version",
]
PLAN_FIELDS = [
    "uuid", "participant_id", "activity_id", "starts_on", "ends_on", "hours_per_week",
    "weekdays", "version",
]
AID_FIELDS = [
    "uuid", "participant_id", "month", "program_id", "exemption", "work_status",
    "federally_funded_child_care", "tanf_grant", "snap_allotment", "state_minimum_wage",
    "note", "version",
]
RESULT_FIELDS = [
    "participant_id", "month", "requirement", "required_weekly_hours", "by_activity",
    "countable_hours", "core_hours", "weekly_average", "deemed_core_hours",
    "deemed_core_two_parent", "meets_rate", "step", "reasons", "usage", "computed_at",
]
# fmt: on
REQUIRED_WEEKLY = {
    "all_family": 30,
    "single_parent_child_under_six": 20,
    "two_parent": 35,
    "two_parent_federal_child_care": 55,
}


# The build ------------------------------------------------------------------


def insert(model: type[models.Model], names: list[str], rows: list[tuple]) -> None:
    """Rows of plain values for the fields `names`: COPY on PostgreSQL, bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=CHUNK)  # type: ignore[attr-defined]
        return
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    json_at = [n for n, field in enumerate(fields) if isinstance(field, models.JSONField)]
    sql = (
        f"COPY {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            if json_at:
                row = list(row)
                for n in json_at:
                    row[n] = json.dumps(row[n])
            copy.write_row(row)


def weekdays_of(month: date) -> list[date]:
    days = []
    day = month
    while day < add_months(month, 1):
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def second_monday(month: date) -> date:
    first_monday = month + timedelta(days=(7 - month.weekday()) % 7)
    return first_monday + timedelta(days=7)


class Builder:
    def __init__(self, adults: int, month: date, history: int) -> None:
        self.rng = random.Random(SEED)
        self.adults = adults
        self.month = month
        self.history = history
        self.weekdays = weekdays_of(month)
        self.holiday = second_monday(month)
        self.now = timezone.now()

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def build(self) -> None:
        agency = Organisation(name=AGENCY, kind=Organisation.Kind.AGENCY)
        agency.save()
        self.programs = {
            code: Program.objects.create(code=code, name=name, agency=agency)
            for code, name in [
                ("calworks-wtw", "CalWORKs Welfare-to-Work"),
                ("cal-learn", "Cal-Learn"),
            ]
        }
        self.counties = []
        for name, share in COUNTIES:
            county = Organisation(name=name, kind=Organisation.Kind.COUNTY, parent=agency)
            county.save()
            teams = []
            for letter in "ABC"[:TEAMS_PER_COUNTY]:
                team = Organisation(name=f"{name} team {letter}", kind="team", parent=county)
                team.save()
                teams.append(team)
            Activity.objects.bulk_create(
                Activity(county=county, name=label, federal_activity=federal, description=text)
                for label, federal, text in CATALOGUE
            )
            activities = {a.name: a for a in Activity.objects.filter(county=county)}
            self.counties.append((county, share, teams, activities))
        made = households = 0
        while made < self.adults:
            made_now, households_now = self.chunk(households, self.adults - made)
            made += made_now
            households += households_now
            print(f"participation bench: {made:,} of {self.adults:,} adults", file=sys.stderr)

    def chunk(self, offset: int, wanted: int) -> tuple[int, int]:
        """Up to CHUNK households with at most `wanted` adults, and all their rows."""
        rng = self.rng
        today = timezone.localdate()
        shapes = []
        adults = 0
        index = offset
        while len(shapes) < CHUNK and adults < wanted:
            county, _share, teams, activities = rng.choices(
                self.counties, weights=[c[1] for c in self.counties]
            )[0]
            teen = rng.random() < 0.03
            two_parent = not teen and rng.random() < 0.15 and wanted - adults >= 2
            shapes.append((index, county, rng.choice(teams), activities, teen, two_parent))
            adults += 2 if two_parent else 1
            index += 1

        households, members, parents = [], [], []
        for index, county, team, activities, teen, two_parent in shapes:
            last = rng.choice(LAST_NAMES)
            household = Household(
                uuid=self.uuid(),
                case_number=f"PB{index:08d}",
                county=county,
                city=county.name.removesuffix(" County"),
            )
            people = [("head", self._born(16, 19) if teen else self._born(19, 52))]
            if two_parent:
                people.append(("partner", self._born(20, 55)))
            oldest = max(1, min(17, (self.month - people[0][1]).days // 365 - 16))
            children = 1 if teen else rng.choices([1, 2, 3, 4], weights=[40, 33, 20, 7])[0]
            people += [("child", self._born(0, 2 if teen else oldest)) for _ in range(children)]
            household.member_count = len(people)
            households.append(household)
            for relationship, born in people:
                member = Member(
                    uuid=self.uuid(),
                    household=household,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=last,
                    birth_date=born,
                    relationship=relationship,
                    ssn=None,
                )
                members.append(member)
                if relationship != "child":
                    parents.append((member, household, county, team, activities, teen, people))
        with transaction.atomic():
            Household.objects.bulk_create(households, batch_size=CHUNK)
            Member.objects.bulk_create(members, batch_size=CHUNK)
            participants = [
                Participant(
                    uuid=self.uuid(),
                    member=member,
                    household=household,
                    team=team,
                    county=county,
                    assigned_since=today - timedelta(days=rng.randint(0, 700)),
                )
                for member, household, county, team, *_rest in parents
            ]
            Participant.objects.bulk_create(participants, batch_size=CHUNK)
            enrollments = [
                Enrollment(
                    uuid=self.uuid(),
                    participant=participant,
                    program=self.programs["cal-learn" if teen else "calworks-wtw"],
                    aid_start=add_months(self.month, -rng.randint(1 + self.history, 48)),
                )
                for participant, (_m, _h, _c, _t, _a, teen, _p) in zip(
                    participants, parents, strict=True
                )
            ]
            Enrollment.objects.bulk_create(enrollments, batch_size=CHUNK)
            Participant.objects.filter(pk__in=[p.pk for p in participants]).update(
                current_enrollment=Subquery(
                    Enrollment.objects.filter(participant=OuterRef("pk")).values("pk")[:1]
                )
            )
            self.months(participants, parents)
        return len(participants), len(households)

    def _born(self, youngest: int, oldest: int) -> date:
        return self.month - timedelta(days=self.rng.randint(youngest * 365 + 1, oldest * 365 + 364))

    def months(self, participants: list[Participant], parents: list[tuple]) -> None:
        """Months on aid, the earlier months' results, plans and the measured month's hours."""
        rng = self.rng
        aid, results, plans, entries = [], [], [], []
        family_child_care: dict[int, bool] = {}
        for participant, (_m, household, _c, _t, activities, teen, people) in zip(
            participants, parents, strict=True
        ):
            two_parent = sum(1 for relationship, _ in people if relationship != "child") == 2
            child_care = family_child_care.setdefault(
                household.pk, two_parent and rng.random() < 0.4
            )
            under_six = any(
                relationship == "child" and (self.month - born).days < 6 * 365
                for relationship, born in people
            )
            if teen:
                pattern = "school"
            else:
                pattern = rng.choices([p for p, _ in PATTERNS], [w for _, w in PATTERNS])[0]
            if two_parent:
                requirement = "two_parent_federal_child_care" if child_care else "two_parent"
            elif under_six:
                requirement = "single_parent_child_under_six"
            else:
                requirement = "all_family"

            roll = rng.random()
            work_status = (
                AidMonth.WorkStatus.INFANT
                if roll < 0.02
                else AidMonth.WorkStatus.SANCTIONED
                if roll < 0.04
                else AidMonth.WorkStatus.EXEMPT
                if roll < 0.05
                else AidMonth.WorkStatus.REQUIRED
            )
            exemption = "cal_learn" if teen else ""
            if not exemption and rng.random() < 0.03:
                exemption = rng.choice(["disability", "caring_for_ill", "domestic_abuse"])
            # The family's grant and SNAP allotment: about 15, 17.5 or 20 hours a week at $7.25.
            flsa: tuple[Decimal | None, ...] = (None, None, None)
            if pattern == "work_experience" and rng.random() < 0.4:
                grant, snap = rng.choice([("300", "171"), ("350", "200"), ("400", "229")])
                flsa = (Decimal(grant), Decimal(snap), None)
            program = self.programs["cal-learn" if teen else "calworks-wtw"]
            for back in range(self.history + 1):
                aid.append(
                    (
                        self.uuid(),
                        participant.pk,
                        add_months(self.month, -back),
                        program.pk,
                        exemption,
                        work_status if back == 0 else AidMonth.WorkStatus.REQUIRED,
                        child_care,
                        *flsa,
                        "Verification on file." if exemption else "",
                        1,
                    )
                )
            usage = self.usage(pattern, requirement).to_json()
            for back in range(1, self.history + 1):
                results.append(self.result(participant.pk, back, requirement, usage))

            made_plans, made_entries = self.hours(participant.pk, pattern, activities)
            plans += made_plans
            entries += made_entries
        insert(AidMonth, AID_FIELDS, aid)
        insert(MonthResult, RESULT_FIELDS, results)
        insert(ActivityPlan, PLAN_FIELDS, plans)
        insert(HoursEntry, HOURS_FIELDS, entries)

    def usage(self, pattern: str, requirement: str) -> Usage:
        """What the limits had used by the end of the month before: enough for them to bite."""
        rng = self.rng
        usage = Usage()
        if pattern == "job_search" or (pattern == "starting" and rng.random() < 0.3):
            weeks = rng.choice([0, 1, 2, 3, 4, 4, 5, 6])
            last = monday_of(self.month - timedelta(days=1))
            if rng.random() < 0.5:
                last -= timedelta(weeks=rng.randint(1, 20))
            per_week = 20.0 if requirement == "single_parent_child_under_six" else 30.0
            usage.job_search_weeks = {last - timedelta(weeks=n): per_week for n in range(weeks)}
        if pattern in ("job_search", "work_experience", "training") and rng.random() < 0.4:
            for back in range(1, rng.randint(1, 6) + 1):
                usage.excused[add_months(self.month, -back)] = float(rng.choice([4, 8, 12, 16]))
        if pattern != "working" and rng.random() < 0.5:
            usage.holidays = {
                second_monday(add_months(self.month, -back))
                for back in rng.sample(range(1, 12), rng.randint(1, 10))
            }
        if pattern == "training":
            usage.vocational_months = rng.randint(0, 14)
        return usage

    def result(self, participant_id: int, back: int, requirement: str, usage: dict) -> tuple:
        rng = self.rng
        weekly = round(rng.uniform(0, 40), 2)
        required = REQUIRED_WEEKLY[requirement]
        meets = weekly >= required
        step = "full" if meets else "substantial" if weekly >= required * 0.75 else "some"
        hours = Decimal(str(round(weekly * 4.33, 2)))
        return (
            participant_id,
            add_months(self.month, -back),
            requirement,
            Decimal(required),
            {},
            hours,
            hours,
            Decimal(str(weekly)),
            Decimal(0),
            Decimal(0),
            meets,
            step,
            [],
            usage,
            self.now,
        )

    def hours(self, participant_id: int, pattern: str, activities: dict) -> tuple[list, list]:
        rng = self.rng
        if pattern == "nothing":
            return [], []
        daily = {
            "working": [("Paid job", rng.choice([4, 5, 6, 6.5, 7, 8]))],
            "job_search": [(rng.choice(["Job club", "Supervised job search"]), rng.choice([5, 6]))],
            "work_experience": [("County work experience", 4), ("English classes (ESL)", 2)],
            "training": [("Community college certificate", 4), ("Adult school diploma", 2)],
            "starting": [
                (
                    rng.choice(
                        ["Job club", "Counseling (job readiness)", "Food bank volunteer shift"]
                    ),
                    3,
                )
            ],
            "school": [("High school (teen parents)", 5)],
        }[pattern]
        if rng.random() < 0.1:
            daily.append(("Parenting class", 1))
        days = self.weekdays
        starts_on = add_months(self.month, -rng.randint(1, 6))
        if pattern == "starting":
            starts_on = days[-1] - timedelta(days=rng.randint(5, 20))
            days = [day for day in days if day >= starts_on]
        plans = [
            (
                self.uuid(),
                participant_id,
                activities[name].pk,
                starts_on,
                None,
                Decimal(str(hours * 5)),
                0b0011111,
                1,
            )
            for name, hours in daily
        ]
        entries = []
        steady = rng.random()  # how reliably the adult keeps to the schedule
        for day in days:
            for name, hours in daily:
                activity = activities[name]
                paid = activity.federal_activity in PAID
                roll = rng.random()
                kind = HoursEntry.Kind.PARTICIPATION
                if day == self.holiday and not paid:
                    kind = HoursEntry.Kind.HOLIDAY
                elif roll > 0.6 + 0.4 * steady:
                    continue  # a missed day
                elif roll > 0.57 + 0.4 * steady and not paid:
                    kind = HoursEntry.Kind.EXCUSED
                check = rng.random()
                verification = (
                    HoursEntry.Verification.REPORTED
                    if check < 0.04
                    else HoursEntry.Verification.NOT_VERIFIED
                    if check < 0.05
                    else HoursEntry.Verification.VERIFIED
                )
                entries.append(
                    (
                        self.uuid(),
                        participant_id,
                        activity.pk,
                        day,
                        Decimal(str(hours)),
                        kind,
                        verification,
                        "Sick child, note from the doctor." if kind == "excused" else "",
                        self.now,
                        1,
                    )
                )
        return plans, entries


def build(adults: int, month: date, history: int) -> None:
    Builder(adults, month, history).build()
    if connection.vendor == "postgresql":
        # What autovacuum would do soon after the bulk inserts, done now so it does not
        # run during the timing: statistics for the planner and the visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# The measurements -----------------------------------------------------------


class QueryLog(DatabaseTimer):
    """Time inside cursor.execute, and the statements and their time by table."""

    TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self) -> None:
        super().__init__()
        self.statements = 0
        self.by_table: Counter[str] = Counter()
        self.seconds_by_table: Counter[str] = Counter()

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds = time.perf_counter() - start
            self.seconds += seconds
            if is_data_query(sql):
                self.statements += 1
                match = self.TABLE.search(sql)
                verb = sql.lstrip().split(None, 1)[0].upper()
                table = f"{verb} {match.group(1) if match else '?'}"
                self.by_table[table] += 1
                self.seconds_by_table[table] += seconds


def reference_ms() -> float:
    """The median time of the fixed Python loop of bench/pages.py: how fast the machine is now."""
    times = []
    for _ in range(20):
        start = time.perf_counter()
        reference_work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fingerprint(month: date) -> tuple[str, int]:
    """A hash of every result of the month (all but computed_at), and how many there are."""
    digest = hashlib.sha256()
    count = 0
    for row in (
        MonthResult.objects.filter(month=month)
        .order_by("participant_id")
        .values_list(*[name for name in RESULT_FIELDS if name != "computed_at"])
        .iterator(chunk_size=5000)
    ):
        digest.update(repr(row).encode())
        count += 1
    return digest.hexdigest()[:12], count


def timed_count(month: date) -> dict:
    log = QueryLog()
    batches: list[float] = []
    last = time.perf_counter()

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.perf_counter()
        batches.append(now - last)
        last = now

    with connection.execute_wrapper(log):
        start, start_cpu = time.perf_counter(), time.process_time()
        counted = count_everyone(month, Participant.objects.all(), progress=progress)
        wall = time.perf_counter() - start
        cpu = time.process_time() - start_cpu
    return {
        "counted": counted,
        "wall": wall,
        "cpu": cpu,
        "sql": log.seconds,
        "statements": log.statements,
        "batches": batches,
        "log": log,
        "maxrss": maxrss_mib(),
    }


def recount_after_edit(month: date) -> dict:
    """Change an hours entry of a parent in a two-parent family; recount as `actions` does."""
    entry = (
        HoursEntry.objects.filter(
            day__gte=month,
            day__lt=add_months(month, 1),
            participant__member__relationship=Member.Relationship.PARTNER,
            verification=HoursEntry.Verification.VERIFIED,
        )
        .select_related("participant")
        .order_by("pk")
        .first()
    )
    if entry is None:
        sys.exit("No hours entry of a partner to edit.")
    participant = entry.participant
    family = Participant.objects.filter(household_id=participant.household_id).count()
    before = entry.hours
    HoursEntry.objects.filter(pk=entry.pk).update(hours=before + 1)
    log = QueryLog()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(log):
        start = time.perf_counter()
        recount_participant(participant, month)
        seconds = time.perf_counter() - start
    months = 0
    day = month
    while day <= timezone.localdate().replace(day=1):
        months += 1
        day = add_months(day, 1)
    HoursEntry.objects.filter(pk=entry.pk).update(hours=before)
    recount_participant(participant, month)
    return {
        "seconds": seconds,
        "queries": sum(1 for query in captured.captured_queries if is_data_query(query["sql"])),
        "sql": log.seconds,
        "months": months,
        "family": family,
    }


def largest_county() -> tuple[Organisation, int]:
    row = (
        Participant.objects.values("county")
        .annotate(adults=Count("pk"))
        .order_by("-adults", "county")
        .first()
    )
    assert row is not None
    return Organisation.objects.get(pk=row["county"]), row["adults"]


def timed(function, *args) -> tuple[object, float, int, float]:
    """(result, wall seconds, SQL statements, seconds inside cursor.execute)."""
    log = QueryLog()
    with connection.execute_wrapper(log):
        start = time.perf_counter()
        result = function(*args)
        seconds = time.perf_counter() - start
    return result, seconds, log.statements, log.seconds


def what_the_rules_did(month: date) -> tuple[Counter, Counter]:
    steps: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for step, codes in (
        MonthResult.objects.filter(month=month).values_list("step", "reasons").iterator(5000)
    ):
        steps[step] += 1
        for reason in codes:
            reasons[reason["code"]] += 1
    return steps, reasons


def row_counts(month: date) -> list[tuple[str, int]]:
    in_month = {"day__gte": month, "day__lt": add_months(month, 1)}
    return [
        ("Counties", Organisation.objects.filter(kind="county").count()),
        ("Teams", Organisation.objects.filter(kind="team").count()),
        ("Households", Household.objects.count()),
        ("Members (adults and children)", Member.objects.count()),
        ("Participants (adults) with an enrollment", Participant.objects.count()),
        (
            "Families with two parents",
            Household.objects.filter(participants__member__relationship="partner").count(),
        ),
        ("Activities (county catalogues)", Activity.objects.count()),
        ("Activity plans", ActivityPlan.objects.count()),
        ("Months on aid (AidMonth)", AidMonth.objects.count()),
        (
            "Earlier months' results (MonthResult)",
            MonthResult.objects.filter(month__lt=month).count(),
        ),
        (f"Hours entries in {month:%Y-%m}", HoursEntry.objects.filter(**in_month).count()),
        (
            "of which excused absences / holidays",
            HoursEntry.objects.filter(**in_month).exclude(kind="participation").count(),
        ),
        (
            "of which not verified (reported or could not be)",
            HoursEntry.objects.filter(**in_month).exclude(verification="verified").count(),
        ),
    ]


def state(adults: int) -> str:
    """'empty', 'built' (this script's data set of that size) or what else is there."""
    participants = Participant.objects.count()
    if participants == 0:
        return "empty"
    if Organisation.objects.filter(name=AGENCY).exists() and participants == adults:
        return "built"
    return f"{participants:,} participants that are not this benchmark's {adults:,}"


PHASES = [  # (module, function, label): the parts of recount.count_month timed by --phases
    ("recount", "_entries", "`_entries`: the month's hours entries (and plans for absences)"),
    ("recount", "_previous_usage", "`_previous_usage`: the usage earlier months ended with"),
    ("recount", "person_for", "`person_for`: the requirement, from the household"),
    ("countable", "count_month", "`countable.count_month`: the rules engine"),
    ("recount", "_combine_two_parent_families", "`_combine_two_parent_families`"),
    ("recount", "_result", "`_result`: MonthResult objects from the counts"),
    ("queryset", "bulk_create", "`MonthResult.objects.bulk_create`: the upsert"),
]


def phases(month: date) -> None:
    """A fourth count with timers around the parts of count_month; prints their shares.

    Only a few hundred calls are timed, unlike cProfile, whose cost per call
    inflates the functions that make many small calls. A part that
    recount.py no longer has is left out.
    """
    from django.db.models.query import QuerySet

    from stride.participation import recount

    owners = {"recount": recount, "countable": recount.countable, "queryset": QuerySet}
    wall: Counter[str] = Counter()
    cpu: Counter[str] = Counter()
    originals = []
    for owner, name, label in PHASES:
        target = owners[owner]
        original = getattr(target, name, None)
        if original is None:
            continue
        originals.append((target, name, original))

        def timed_part(*args, _original=original, _label=label, **kwargs):
            start, start_cpu = time.perf_counter(), time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                wall[_label] += time.perf_counter() - start
                cpu[_label] += time.process_time() - start_cpu

        setattr(target, name, timed_part)
    try:
        start, start_cpu = time.perf_counter(), time.process_time()
        count_everyone(month, Participant.objects.all())
        total, total_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    finally:
        for target, name, original in originals:
            setattr(target, name, original)
    print(
        f"A fourth count, timed by part: {total:.1f} s wall, {total_cpu:.1f} s CPU of this "
        "process.\n\n| Part of `count_month` | Wall s | CPU s | Share of the wall time |"
        "\n|---|--:|--:|--:|"
    )
    for _owner, _name, label in PHASES:
        if label in wall:
            print(f"| {label} | {wall[label]:.1f} | {cpu[label]:.1f} | {wall[label] / total:.0%} |")
    rest = total - sum(wall.values())
    print(
        f"| the rest (the adults, members and months on aid) | {rest:.1f} "
        f"| {total_cpu - sum(cpu.values()):.1f} | {rest / total:.0%} |\n"
    )


def profile(month: date, path: Path, top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    count_everyone(month, Participant.objects.all())
    profiler.disable()
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(path)
    print(f"Profile of a third count_everyone: {path}", file=sys.stderr)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(out.getvalue(), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adults", type=int, default=100_000, help="adults (participants)")
    parser.add_argument(
        "--month", help="the month to count, YYYY-MM (default: the last full month)"
    )
    parser.add_argument(
        "--history", type=int, default=1, help="earlier months of results and aid per adult"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="profile a third count, keep the stats in FILE and print the top functions",
    )
    parser.add_argument(
        "--phases", action="store_true", help="time the parts of count_month in a fourth count"
    )
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.month:
        month = date.fromisoformat(f"{args.month}-01")
    else:
        month = add_months(timezone.localdate().replace(day=1), -1)
    settings.DEBUG = False  # no SQL log kept outside CaptureQueriesContext, as in production

    if args.build_only:
        build(args.adults, month, args.history)
        return
    found = state(args.adults)
    if found == "empty":
        start = time.perf_counter()
        command = [sys.executable, __file__, "--build-only", "--adults", str(args.adults)]
        command += ["--month", f"{month:%Y-%m}", "--history", str(args.history)]
        subprocess.run(command, check=True)  # noqa: S603 (this script, our own arguments)
        how = (
            "COPY for the participation tables, then VACUUM ANALYZE"
            if connection.vendor == "postgresql"
            else "bulk_create"
        )
        built = f"built in {time.perf_counter() - start:.1f} s (in a child process; {how})"
    elif found == "built":
        built = "reused from an earlier run"
    else:
        sys.exit(f"The database holds {found}: use an empty, migrated one.")
    counts = row_counts(month)
    history = MonthResult.objects.filter(month__lt=month).values("month").distinct().count()
    county, county_adults = largest_county()
    start_rss = maxrss_mib()
    load_before, reference_before = os.getloadavg()[0], reference_ms()

    # 1. The first count of the month inserts its results.
    MonthResult.objects.filter(month__gte=month).delete()
    first = timed_count(month)
    first_print, results = fingerprint(month)
    # 2. A second count replaces them.
    second = timed_count(month)
    second_print, _ = fingerprint(month)
    # 3. One participant's recount after an edit.
    recount = recount_after_edit(month)
    # 4. The ACF-199 rows and the rate summary of the largest county.
    in_county = Participant.objects.filter(county=county)
    rows, rows_seconds, rows_statements, rows_sql = timed(
        lambda: list(acf199.rows(in_county, month))
    )
    _summary, summary_seconds, summary_statements, summary_sql = timed(
        acf199.summary, in_county, month
    )
    steps, reasons = what_the_rules_did(month)
    end_rss = maxrss_mib()
    load_after, reference_after = os.getloadavg()[0], reference_ms()

    batch_count = len(first["batches"])
    per_batch = (first["statements"] - 1) / batch_count
    print(f"### Participation: {first['counted']:,} adults, {month:%Y-%m} ({connection.vendor})\n")
    print(
        f"Data set {built}; {history} earlier month(s) of results and aid per adult. "
        f"settings.DEBUG = {settings.DEBUG}; load average (1 min) {load_before:.2f} before, "
        f"{load_after:.2f} after; the reference loop of bench/pages.py {reference_before:.1f} ms "
        f"before, {reference_after:.1f} ms after. Python CPU: CPU time of this process. SQL: "
        "wall time inside cursor.execute (the database, the round trip, and psycopg's "
        "adapting of the parameters; SQLite hands the rows over after execute, so reading "
        "them counts as Python).\n"
    )
    print("| Rows | |\n|---|--:|")
    for label, value in counts:
        print(f"| {label} | {value:,} |")
    print()
    print(
        "| Measure | Wall s | Python CPU s | SQL s | SQL statements | Figures |\n"
        "|---|--:|--:|--:|--:|---|"
    )
    for label, run, note in [
        ("`count_everyone`, first count of the month (inserts)", first, ""),
        (
            "`count_everyone` again (replaces)",
            second,
            f"results identical: {'yes' if first_print == second_print else 'NO'} "
            f"({results:,} results, fingerprint {second_print}); ",
        ),
    ]:
        times = sorted(run["batches"])
        print(
            f"| {label} | {run['wall']:.1f} | {run['cpu']:.1f} | {run['sql']:.1f} "
            f"| {run['statements']:,} | {note}{run['counted'] / run['wall']:,.0f} adults/s; "
            f"{len(times)} batches, median {statistics.median(times):.2f} s, "
            f"max {times[-1]:.2f} s |"
        )
    print(
        f"| `recount_participant` after an edit (a family of {recount['family']}, "
        f"{recount['months']} months: {month:%Y-%m} to now) | {recount['seconds']:.3f} | "
        f"| {recount['sql']:.3f} | {recount['queries']} | |"
    )
    print(
        f"| `list(acf199.rows(...))`, {county} ({county_adults:,} adults) | {rows_seconds:.1f} "
        f"| | {rows_sql:.1f} | {rows_statements} | {len(rows):,} rows, "
        f"{len(rows) / rows_seconds:,.0f} rows/s |"
    )
    print(
        f"| `acf199.summary(...)`, {county} | {summary_seconds:.1f} | | {summary_sql:.1f} "
        f"| {summary_statements} | |"
    )
    print()
    print(
        f"SQL statements per batch of 2,000 adults: {per_batch:.1f} (besides the one that "
        f"lists the adults). Peak resident memory of the process (ru_maxrss): "
        f"{start_rss:,.0f} MiB before counting, {first['maxrss']:,.0f} MiB after the first "
        f"count, {end_rss:,.0f} MiB at the end.\n"
    )
    log = first["log"]
    print("| First count: statements by table | Statements | SQL s |\n|---|--:|--:|")
    for table, seconds in log.seconds_by_table.most_common():
        print(f"| {table} | {log.by_table[table]:,} | {seconds:.1f} |")
    print()
    print(
        "What the rules did (the month's results): steps "
        + ", ".join(f"{step} {n:,}" for step, n in steps.most_common())
        + "; reasons "
        + ", ".join(f"{code} {n:,}" for code, n in reasons.most_common())
        + ".\n"
    )
    print("| Machine | |\n|---|---|")
    for name, value in machine():
        print(f"| {name} | {value} |")
    print()
    if args.profile:
        profile(month, args.profile)
    if args.phases:
        phases(month)


if __name__ == "__main__":
    main()
