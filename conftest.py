"""Shared test fixtures: a small state with named people in it.

The world is built through the real action functions, so tests exercise
the same paths as production.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from stride.core.audit import Actor
from stride.core.models import Organisation, Role, User
from stride.people import actions
from stride.people.actions import PersonDetails
from stride.people.models import Member, Participant, Program

# An example's time measures the machine, not the code: on two cores shared with other work
# a 200 ms deadline (hypothesis's default) fails examples that are right.
hypothesis_settings.register_profile("stride", deadline=None)
hypothesis_settings.load_profile("stride")


@dataclass
class World:
    agency: Organisation
    county: Organisation
    other_county: Organisation
    team: Organisation
    other_team_same_county: Organisation
    other_county_team: Organisation
    program: Program
    coach: User  # has the case
    coach_same_team: User  # same team, not their case
    coach_same_county: User  # another team in the county
    supervisor: User
    county_admin: User
    other_county_coach: User
    other_county_supervisor: User
    other_county_admin: User
    state_admin: User
    sysadmin: User
    participant_user: User
    case: Participant  # on coach's caseload
    other_case: Participant  # in the other county

    def people(self) -> dict[str, User]:
        return {name: value for name, value in vars(self).items() if isinstance(value, User)}


def make_org(name: str, kind: str, parent: Organisation | None) -> Organisation:
    org = Organisation(name=name, kind=kind, parent=parent)
    org.save()
    return org


def make_user(username: str, role: str, org: Organisation | None) -> User:
    return User.objects.create_user(
        username=username,
        password="a-long-test-password",
        role=role,
        organisation=org,
        first_name=username.replace("_", " ").title(),
        last_name="Tester",
    )


def open_case(
    actor: User,
    case_number: str,
    county: Organisation,
    program: Program,
    coach: User,
    first_name: str = "Maria",
    last_name: str = "Lopez",
    birth_date: date = date(1990, 4, 2),
    ssn: str = "",
) -> Participant:
    return actions.open_case(
        Actor(actor, "127.0.0.1"),
        case_number=case_number,
        county=county,
        person=PersonDetails(first_name, last_name, birth_date, Member.Relationship.HEAD, ssn),
        program=program,
        aid_start=date(2025, 1, 1),
        coach=coach,
        city="Fresno",
    )


def in_fresh_process(script: str) -> list[str]:
    """What `script` prints, split into words, run by a Python process of its own from the
    project root: what a new web or worker process loads, apart from this test run's."""
    done = subprocess.run(  # noqa: S603  (the tests' own scripts)
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent,
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "stride.settings", "PATH": "/usr/bin:/bin"},
    )
    return done.stdout.split()


def pytest_configure(config):
    # STRIDE_TEST_NOW=2027-06-15T10:00-07:00 runs the suite (and the demo it builds) at
    # another moment, with the clock ticking from there: the suite must pass on any date.
    if moment := os.environ.get("STRIDE_TEST_NOW"):
        time_machine.travel(datetime.fromisoformat(moment), tick=True).start()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # argon2 is deliberately slow; test_security checks that production uses it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_after_each_test():
    # A test that renders a page in Spanish leaves the thread's language active;
    # the next test in the same worker would read Spanish labels.
    yield
    translation.activate("en")


@pytest.fixture
def world(db) -> World:
    agency = make_org("Demo State Agency", Organisation.Kind.AGENCY, None)
    county = make_org("Fresno County", Organisation.Kind.COUNTY, agency)
    other_county = make_org("Kern County", Organisation.Kind.COUNTY, agency)
    team = make_org("Team A", Organisation.Kind.TEAM, county)
    other_team = make_org("Team B", Organisation.Kind.TEAM, county)
    other_county_team = make_org("Kern Team", Organisation.Kind.TEAM, other_county)
    program = Program.objects.create(
        code="calworks-wtw", name="CalWORKs Welfare-to-Work", agency=agency
    )

    coach = make_user("coach", Role.COACH, team)
    other_county_coach = make_user("kern_coach", Role.COACH, other_county_team)
    case = open_case(coach, "FR0000001", county, program, coach, ssn="123-45-6789")
    other_case = open_case(
        other_county_coach, "KE0000001", other_county, program, other_county_coach,
        first_name="Ana", last_name="Reyes", ssn="234-56-7890",
    )  # fmt: skip
    participant_user = make_user("participant", Role.PARTICIPANT, None)
    Participant.objects.filter(pk=case.pk).update(user=participant_user)
    case.refresh_from_db()

    return World(
        agency=agency,
        county=county,
        other_county=other_county,
        team=team,
        other_team_same_county=other_team,
        other_county_team=other_county_team,
        program=program,
        coach=coach,
        coach_same_team=make_user("coach_same_team", Role.COACH, team),
        coach_same_county=make_user("coach_same_county", Role.COACH, other_team),
        supervisor=make_user("supervisor", Role.SUPERVISOR, team),
        county_admin=make_user("county_admin", Role.COUNTY_ADMIN, county),
        other_county_coach=other_county_coach,
        other_county_supervisor=make_user("kern_supervisor", Role.SUPERVISOR, other_county_team),
        other_county_admin=make_user("kern_admin", Role.COUNTY_ADMIN, other_county),
        state_admin=make_user("state_admin", Role.STATE_ADMIN, agency),
        sysadmin=make_user("sysadmin", Role.SYSADMIN, agency),
        participant_user=participant_user,
        case=case,
        other_case=other_case,
    )


_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def data_queries(captured) -> list[str]:
    """The SQL a page ran, without transaction control (SQLite logs it, PostgreSQL does not)."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].lstrip().upper().startswith(_TRANSACTION_CONTROL)
    ]


@pytest.fixture
def client_for():
    """A logged-in test client for a user."""

    def make(user: User) -> Client:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        return client

    return make
