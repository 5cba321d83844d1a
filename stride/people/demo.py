"""Deterministic, realistic demo data: an agency, counties, teams, staff and families.

Household shapes follow a typical TANF caseload: mostly single parents
with one to three children, some two-parent families, a few teen parents
in Cal-Learn. Rows are written with bulk inserts so that 100,000
households load in minutes; demo data is not audited (nobody acted).
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from faker import Faker

from stride.core.demo import broken_promises, demo_promise, run_demo_steps
from stride.core.models import Organisation, Role, User

from .filters import search_participants
from .identity import ssn_lookup_hash
from .models import (
    CoachAssignment,
    Enrollment,
    ExitReason,
    Household,
    Member,
    Participant,
    Program,
)

DEMO_PASSWORD = "stride-demo"  # noqa: S105  (demo accounts only; seed_demo refuses in production)
BATCH = 2000

# Counties of the demo state and the two-letter prefix of their case numbers.
COUNTIES = [
    ("Fresno County", "FR", "Fresno", "937"),
    ("Sacramento County", "SA", "Sacramento", "958"),
    ("Riverside County", "RV", "Riverside", "925"),
    ("Alameda County", "AL", "Oakland", "946"),
    ("Kern County", "KE", "Bakersfield", "933"),
    ("San Bernardino County", "SB", "San Bernardino", "924"),
]
PROGRAMS = [
    ("calworks-wtw", "CalWORKs Welfare-to-Work"),
    ("cal-learn", "Cal-Learn"),
    ("family-stabilization", "Family Stabilization"),
]
CASELOAD_SIZE = (40, 80)
# Why a demo family's enrollment ended, in turn: work first, as it is for most families.
DEMO_EXIT_REASONS = [
    ExitReason.EMPLOYMENT, ExitReason.EMPLOYMENT, ExitReason.TIME_LIMIT, ExitReason.MOVED,
]  # fmt: skip
# Where a household goes: (coach, team, county).
Slot = tuple[User, Organisation, Organisation]


@dataclass
class DemoLogin:
    username: str
    role: str
    description: str


@dataclass
class DemoResult:
    households: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


class _Names:
    """English and Spanish names, the mix seen in California caseloads."""

    def __init__(self, seed: int) -> None:
        self.english = Faker("en_US")
        self.spanish = Faker("es_MX")
        self.english.seed_instance(seed)
        self.spanish.seed_instance(seed + 1)

    def family(self, rng: random.Random) -> tuple[Faker, str]:
        faker = self.spanish if rng.random() < 0.45 else self.english
        return faker, faker.last_name()


def _ssns(rng: random.Random) -> Iterator[str]:
    """Unique, validly shaped, made-up SSNs."""
    seen: set[str] = set()
    while True:
        digits = f"{rng.randint(100, 665):03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        if digits not in seen:
            seen.add(digits)
            yield digits


def _birth_date(rng: random.Random, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low * 365 + 1, high * 365 - 1))


def _create_org(name: str, kind: str, parent: Organisation | None) -> Organisation:
    org = Organisation(name=name, kind=kind, parent=parent)
    org.save()
    return org


def _staff(
    username: str, role: str, org: Organisation, first: str, last: str, password_hash: str
) -> User:
    return User(
        username=username,
        role=role,
        organisation=org,
        first_name=first,
        last_name=last,
        email=f"{username}@demo.stride.invalid",
        password=password_hash,
    )


def build_demo(
    households: int, seed: int = 2026, progress: Callable[[str], None] = print
) -> DemoResult:
    rng = random.Random(seed)
    names = _Names(seed)
    today = timezone.localdate()  # the date every later step uses, not the machine's
    password_hash = _password_hash()
    result = DemoResult(households=households)

    with transaction.atomic():
        agency = _create_org(
            "California Department of Social Services (demo)", Organisation.Kind.AGENCY, None
        )
        programs = {
            code: Program.objects.create(code=code, name=name, agency=agency)
            for code, name in PROGRAMS
        }
        coaches_needed = max(2, round(households / 60))
        county_count = min(len(COUNTIES), max(2, coaches_needed // 4))
        teams_per_county = max(1, coaches_needed // (county_count * 6))
        counties, teams = [], []
        for name, prefix, city, zip3 in COUNTIES[:county_count]:
            county = _create_org(name, Organisation.Kind.COUNTY, agency)
            counties.append((county, prefix, city, zip3))
            for number in range(teams_per_county):
                label = chr(ord("A") + number % 26) + ("" if number < 26 else str(number // 26))
                teams.append(
                    (
                        _create_org(
                            f"{city} Coaching Team {label}", Organisation.Kind.TEAM, county
                        ),
                        county,
                    )
                )
        first_county = counties[0][0]
        provider = _create_org(
            "Valley Pathways (contracted provider)", Organisation.Kind.PROVIDER, first_county
        )
        teams.append(
            (_create_org("Valley Pathways Coaches", Organisation.Kind.TEAM, provider), first_county)
        )
        progress(f"organisations: {len(counties)} counties, {len(teams)} teams")

        # Coaches spread over teams; the first team holds the named demo coaches.
        staff: list[User] = []
        coaches: list[Slot] = []
        for index in range(coaches_needed):
            team, county = teams[0] if index < 2 else teams[(index - 2) % len(teams)]
            faker, last = names.family(rng)
            username = ("coach", "coach2")[index] if index < 2 else f"coach{index + 1:04d}"
            user = _staff(username, Role.COACH, team, faker.first_name(), last, password_hash)
            staff.append(user)
            coaches.append((user, team, county))
        first_team = teams[0][0]
        for username, role, org, first, last in [
            ("supervisor", Role.SUPERVISOR, first_team, "Dana", "Whitfield"),
            ("county-admin", Role.COUNTY_ADMIN, first_county, "Rosa", "Medina"),
            ("state-admin", Role.STATE_ADMIN, agency, "Michael", "Okafor"),
            ("sysadmin", Role.SYSADMIN, agency, "Priya", "Raman"),
        ]:
            staff.append(_staff(username, role, org, first, last, password_hash))
        for team, _county in teams[1:]:
            faker, last = names.family(rng)
            staff.append(
                _staff(
                    f"supervisor-{team.pk}",
                    Role.SUPERVISOR,
                    team,
                    faker.first_name(),
                    last,
                    password_hash,
                )
            )
        User.objects.bulk_create(staff, batch_size=BATCH)
        progress(f"staff: {len(staff)} accounts")

        county_prefix = {county.pk: (prefix, city, zip3) for county, prefix, city, zip3 in counties}
        ssns = _ssns(rng)
        slots = _caseload_slots(households, coaches, rng)
        team_coaches: dict[int, list[User]] = {}
        for coach, team, _county in coaches:
            team_coaches.setdefault(team.pk, []).append(coach)
        made = 0
        while made < households:
            chunk = slots[made : made + BATCH]
            _create_households(
                chunk, made, rng, names, ssns, today, county_prefix, programs, team_coaches
            )
            made += len(chunk)
            progress(f"households: {made} of {households}")

        # The parent who can sign in is on aid now, so every page of theirs has something.
        cases = (
            Participant.objects.filter(coach__username="coach")
            .select_related("member", "current_enrollment")
            .order_by("pk")
        )
        demo_participant = (
            cases.filter(current_enrollment__status=Enrollment.Status.ACTIVE).first()
            or cases.first()
        )
        assert demo_participant is not None, "the coach named coach always has a caseload"
        enrollment = demo_participant.current_enrollment
        assert enrollment is not None, "every demo participant is enrolled"
        if enrollment.status != Enrollment.Status.ACTIVE:
            Enrollment.objects.filter(pk=enrollment.pk).update(
                status=Enrollment.Status.ACTIVE, ended_on=None
            )
        participant_user = User.objects.create(
            username="participant",
            role=Role.PARTICIPANT,
            first_name=demo_participant.member.first_name,
            last_name=demo_participant.member.last_name,
            password=password_hash,
        )
        demo_participant.user = participant_user
        demo_participant.save(update_fields=["user"])
        _make_a_family_findable(names, rng)
        # After the participant can sign in: a step may give that person's pages more to show.
        run_demo_steps(seed, progress)
        if broken := broken_promises():
            raise RuntimeError("The demo breaks its promises: " + "; ".join(broken))

    result.logins = [
        DemoLogin("coach", Role.COACH, f"coach on {first_team}"),
        DemoLogin("coach2", Role.COACH, f"coach on {first_team}"),
        DemoLogin("supervisor", Role.SUPERVISOR, f"supervises {first_team}"),
        DemoLogin("county-admin", Role.COUNTY_ADMIN, f"administrator of {first_county}"),
        DemoLogin("state-admin", Role.STATE_ADMIN, "reads every county, changes no case record"),
        DemoLogin("sysadmin", Role.SYSADMIN, "accounts and configuration, no case records"),
        DemoLogin(
            "participant",
            Role.PARTICIPANT,
            f"{demo_participant.member.full_name}, on coach's caseload",
        ),
    ]
    return result


def _make_a_family_findable(names: _Names, rng: random.Random) -> None:
    """Coach's first family without a login gets, if its own is shared, a last name that no
    other family's names contain, so a search finds it alone however many households the
    demo holds (at 100,000 every common last name is shared)."""
    family = (
        Participant.objects.filter(coach__username="coach", user__isnull=True)
        .select_related("member")
        .order_by("pk")
        .first()
    )
    assert family is not None, "coach's caseload holds more than the participant"
    everyone = Participant.objects.all()
    if search_participants(everyone, family.member.last_name).count() == 1:
        return
    name = family.member.last_name
    while search_participants(everyone, name).exists():
        name = f"{names.family(rng)[1]}-{names.family(rng)[1]}"
    Member.objects.filter(pk=family.member.pk).update(last_name=name)


def _password_hash() -> str:
    # One argon2 hash shared by every demo account: hashing thousands would take minutes.
    from django.contrib.auth.hashers import make_password

    return make_password(DEMO_PASSWORD)


def _caseload_slots(households: int, coaches: list[Slot], rng: random.Random) -> list[Slot]:
    """One (coach, team, county) per household: 40 to 80 per coach, evened out to the total."""
    sizes = [rng.randint(*CASELOAD_SIZE) for _ in coaches]
    # Give to the smallest caseload, or take from the largest, one household at a time.
    while (gap := households - sum(sizes)) != 0:
        pick = min if gap > 0 else max
        index = pick(range(len(sizes)), key=sizes.__getitem__)
        sizes[index] += 1 if gap > 0 else -1
    return [slot for slot, size in zip(coaches, sizes, strict=True) for _ in range(size)]


def _create_households(
    chunk: list[Slot],
    offset: int,
    rng: random.Random,
    names: _Names,
    ssns: Iterator[str],
    today: date,
    county_prefix: dict[int, tuple[str, str, str]],
    programs: dict[str, Program],
    team_coaches: dict[int, list[User]],
) -> None:
    households, members, heads, shapes = [], [], [], []
    for index, (coach, team, county) in enumerate(chunk, start=offset):
        prefix, city, zip3 = county_prefix[county.pk]
        faker, family_name = names.family(rng)
        household = Household(
            case_number=f"{prefix}{1000000 + index:07d}",
            county=county,
            address_line=faker.street_address()
            if faker is names.english
            else names.english.street_address(),
            city=city,
            zip_code=f"{zip3}{rng.randint(1, 99):02d}",
            phone=f"({zip3[:2]}{rng.randint(0, 9)}) 555-{rng.randint(100, 199):04d}",
            language=Household.Language.SPANISH
            if faker is names.spanish and rng.random() < 0.5
            else Household.Language.ENGLISH,
        )
        households.append(household)
        shapes.append((faker, family_name, coach, team, county))

    # Members are drawn before the households are written, so that each
    # household's member_count goes in with its INSERT (no bulk_update).
    for household, (faker, family_name, coach, team, county) in zip(
        households, shapes, strict=True
    ):
        teen_parent = rng.random() < 0.05
        two_parent = not teen_parent and rng.random() < 0.15
        head_age = (16, 19) if teen_parent else (19, 52)
        head_first = faker.first_name_female() if rng.random() < 0.88 else faker.first_name_male()
        people = [
            (head_first, family_name, _birth_date(rng, today, *head_age), Member.Relationship.HEAD)
        ]
        if two_parent:
            people.append(
                (
                    faker.first_name_male(),
                    family_name,
                    _birth_date(rng, today, 20, 55),
                    Member.Relationship.PARTNER,
                )
            )
        children = 1 if teen_parent else rng.choices([1, 2, 3, 4], weights=[40, 33, 20, 7])[0]
        oldest_child = max(1, min(17, (today - people[0][2]).days // 365 - 16))
        for _ in range(children):
            first = faker.first_name_female() if rng.random() < 0.5 else faker.first_name_male()
            people.append(
                (
                    first,
                    family_name,
                    _birth_date(rng, today, 0, oldest_child),
                    Member.Relationship.CHILD,
                )
            )
        for first, last, birth, relationship in people:
            has_ssn = relationship != Member.Relationship.CHILD or rng.random() < 0.9
            ssn = next(ssns) if has_ssn else ""
            member = Member(
                household=household,
                first_name=first,
                last_name=last,
                birth_date=birth,
                relationship=relationship,
                ssn=ssn,
                ssn_hash=ssn_lookup_hash(ssn),
                ssn_last4=ssn[-4:],
            )
            members.append(member)
            if relationship == Member.Relationship.HEAD:
                heads.append((member, household, coach, team, county, teen_parent))
        household.member_count = len(people)
    Household.objects.bulk_create(households, batch_size=BATCH)
    Member.objects.bulk_create(members, batch_size=BATCH)

    participants, enrollment_rows = [], []
    for member, household, coach, team, county, teen_parent in heads:
        months = rng.randint(1, 48)
        aid_start = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
        since_days = rng.randint(0, max(0, (today - aid_start).days))
        assigned_since = today - timedelta(days=since_days)
        participants.append(
            Participant(
                member=member,
                household=household,
                coach=coach,
                team=team,
                county=county,
                assigned_since=assigned_since,
            )
        )
        program_code = (
            "cal-learn"
            if teen_parent
            else ("family-stabilization" if rng.random() < 0.08 else "calworks-wtw")
        )
        status = rng.choices(list(Enrollment.Status), weights=[85, 10, 5])[0]
        enrollment_rows.append(
            (programs[program_code], aid_start, status, coach, team, assigned_since)
        )
    Participant.objects.bulk_create(participants, batch_size=BATCH)

    enrollments: list[Enrollment] = []
    assignments: list[CoachAssignment] = []
    for participant, (program, aid_start, status, coach, team, assigned_since) in zip(
        participants, enrollment_rows, strict=True
    ):
        ended = (
            today - timedelta(days=rng.randint(0, 60))
            if status == Enrollment.Status.EXITED
            else None
        )
        enrollments.append(
            Enrollment(
                participant=participant,
                program=program,
                aid_start=aid_start,
                status=status,
                ended_on=max(ended, aid_start) if ended else None,
                # Taken in turn, not drawn, so the random families stay the same.
                exit_reason=DEMO_EXIT_REASONS[len(enrollments) % len(DEMO_EXIT_REASONS)]
                if ended
                else "",
            )
        )
        reason = "Case opened"
        others = [c for c in team_coaches[team.pk] if c.pk != coach.pk]
        if others and assigned_since > aid_start and rng.random() < 0.25:
            # An earlier coach: pairing consistency needs some changes to measure.
            earlier = CoachAssignment(
                participant=participant,
                coach=rng.choice(others),
                team=team,
                started_on=aid_start,
                ended_on=assigned_since,
                reason=reason,
            )
            assignments.append(earlier)
            reason = "Caseload balancing"
        current = CoachAssignment(
            participant=participant,
            coach=coach,
            team=team,
            started_on=assigned_since,
            reason=reason,
        )
        assignments.append(current)
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
    for participant, enrollment in zip(participants, enrollments, strict=True):
        participant.current_enrollment = enrollment
    # Each participant of the chunk has exactly one enrollment: point to it with
    # one UPDATE for the chunk (bulk_update's CASE over 2,000 rows is far slower).
    Participant.objects.filter(pk__in=[p.pk for p in participants]).update(
        current_enrollment=Subquery(
            Enrollment.objects.filter(participant=OuterRef("pk")).order_by("-pk").values("pk")[:1]
        )
    )
    CoachAssignment.objects.bulk_create(assignments, batch_size=BATCH)


# What the README's table of demo logins promises, whatever the date the demo is built on.

NAMED_LOGINS = {
    "coach": Role.COACH,
    "coach2": Role.COACH,
    "supervisor": Role.SUPERVISOR,
    "county-admin": Role.COUNTY_ADMIN,
    "state-admin": Role.STATE_ADMIN,
    "sysadmin": Role.SYSADMIN,
    "participant": Role.PARTICIPANT,
}


@demo_promise("every demo login in the README signs in with its role")
def _logins() -> bool:
    roles = dict(
        User.objects.filter(username__in=NAMED_LOGINS, is_active=True).values_list(
            "username", "role"
        )
    )
    return roles == NAMED_LOGINS


@demo_promise("coach and coach2 each carry a caseload, on the team the supervisor leads")
def _named_caseloads() -> bool:
    supervisor = User.objects.get(username="supervisor")
    return all(
        Participant.objects.filter(
            coach__username=username, team_id=supervisor.organisation_id
        ).exists()
        for username in ("coach", "coach2")
    )


@demo_promise("participant is a parent on coach's caseload, on aid now")
def _the_participant() -> bool:
    return Participant.objects.filter(
        user__username="participant",
        coach__username="coach",
        current_enrollment__status=Enrollment.Status.ACTIVE,
    ).exists()


@demo_promise("coach has a family with no login whom a search for their last name finds alone")
def _a_findable_family() -> bool:
    everyone = Participant.objects.all()
    return any(
        search_participants(everyone, last_name).count() == 1
        for last_name in Participant.objects.filter(
            coach__username="coach", user__isnull=True
        ).values_list("member__last_name", flat=True)
    )


@demo_promise("the county administrator's county holds the supervisor's team")
def _counties() -> bool:
    admin = User.objects.select_related("organisation").get(username="county-admin")
    supervisor = User.objects.select_related("organisation").get(username="supervisor")
    assert admin.organisation is not None and supervisor.organisation is not None
    return supervisor.organisation.county() == admin.organisation
