"""Opening many cases at once (people/opening.py) makes what open_case makes, in batches."""

from dataclasses import fields
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions, opening
from stride.people.actions import PersonDetails
from stride.people.models import CoachAssignment, Enrollment, Household, Member, Participant

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
# The keys that only say which row is which: a new row gets its own.
OWN_KEYS = {"id", "uuid", "household_id", "member_id", "participant_id", "current_enrollment_id"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _case(world, number: str, first: str, ssn: str, **overrides) -> opening.NewCase:
    details = {
        "case_number": number,
        "county": world.county,
        "person": PersonDetails(first, "Diaz", date(1988, 3, 15), Member.Relationship.HEAD, ssn),
        "program": world.program,
        "aid_start": date(2026, 3, 1),
        "coach": world.coach,
        "address_line": "12 Olive Ave",
        "city": "Fresno",
        "zip_code": "93702",
        "phone": "559-555-0101",
        "language": Household.Language.SPANISH,
    }
    return opening.NewCase(**(details | overrides))


def _one_by_one(actor: Actor, case: opening.NewCase) -> Participant:
    return actions.open_case(actor, **{f.name: getattr(case, f.name) for f in fields(case)})


def _values(record: Model) -> dict:
    fresh = type(record).objects.get(pk=record.pk)
    return {
        f.attname: getattr(fresh, f.attname)
        for f in fresh._meta.concrete_fields
        if f.attname not in OWN_KEYS
    }


def _made(participant: Participant) -> dict:
    """Every record open_case makes for a household, and its audit events, field by field."""
    participant = Participant.objects.get(pk=participant.pk)
    records = {
        "household": participant.household,
        "member": participant.member,
        "participant": participant,
        "enrollment": participant.current_enrollment,
        "assignment": CoachAssignment.objects.get(participant=participant),
    }
    uuids = {record.uuid: name for name, record in records.items()}
    events = sorted(
        (
            {
                **{
                    name: value
                    for name, value in _values(event).items()
                    if name not in ("record_id", "participant")
                },
                "record": uuids[event.record_id],
            }
            for event in AuditEvent.objects.filter(participant=participant.uuid)
        ),
        key=lambda event: event["record"],
    )
    assert participant.current_enrollment.participant_id == participant.pk
    assert participant.member.household_id == participant.household_id
    return {name: _values(record) for name, record in records.items()} | {"events": events}


def test_a_household_opened_in_bulk_is_the_one_open_case_makes_field_by_field(world):
    actor = Actor(world.county_admin, "10.0.0.7", "web")
    rosa = _case(world, "FR0000777", "Rosa", "345-67-8901")
    with transaction.atomic():
        one_by_one = _made(_one_by_one(actor, rosa))
        transaction.set_rollback(True)

    luis = _case(world, "FR0000778", "Luis", "")
    opened_rosa, opened_luis = opening.open_cases(actor, [rosa, luis])

    assert _made(opened_rosa) == one_by_one
    assert len(one_by_one["events"]) == 5
    assert one_by_one["member"]["ssn"] == "345678901"
    assert one_by_one["member"]["ssn_last4"] == "8901"
    with connection.cursor() as cursor:  # the SSN is kept encrypted, as open_case keeps it
        cursor.execute("SELECT ssn FROM people_member WHERE id = %s", [opened_rosa.member_id])
        assert "345678901" not in str(cursor.fetchone()[0])
    assert opened_luis.member.ssn_hash == "" and opened_luis.member.first_name == "Luis"
    assert Participant.objects.get(pk=opened_luis.pk).current_enrollment.participant_id == (
        opened_luis.pk
    )


def test_open_cases_refuses_what_open_case_refuses_case_by_case_and_writes_nothing_of_it(world):
    actor = Actor(world.county_admin)
    cases = [
        _case(world, "FR0000001", "Taken", ""),  # the world's case number
        _case(world, "FR0000801", "Ana", "", person=PersonDetails(
            "Ana", "Diaz", date(2027, 1, 1), Member.Relationship.HEAD, "")),
        _case(world, "FR0000802", "Eva", "000-12-3456"),  # never issued
        _case(world, "FR0000803", "Eva", "123-45-6789"),  # Maria's SSN
        _case(world, "fr0000804 ", "Rosa", "345-67-8901"),
        _case(world, "FR0000804", "Other", ""),  # the case number of the row before
        _case(world, "FR0000805", "Other", "345-67-8901"),  # the SSN of the row before that
        _case(world, "FR0000806", "Rosa", "", person=PersonDetails(
            "ROSA ", "diaz", date(1988, 3, 15), Member.Relationship.HEAD, "888-77-8901")),
        _case(world, "FR0000807", "Jon", "", aid_start=date(2027, 1, 1)),
        _case(world, "FR0000808", "Kid", "", person=PersonDetails(
            "Kid", "Diaz", date(2015, 1, 1), Member.Relationship.CHILD, "")),
        _case(world, "FR0000809", "Mai", "456-78-9012"),
    ]  # fmt: skip

    def outcome(result):
        if isinstance(result, ValidationError):
            return result.message_dict
        return result.household.case_number

    with transaction.atomic():
        expected = []
        for case in cases:
            try:
                with transaction.atomic():
                    expected.append(outcome(_one_by_one(actor, case)))
            except ValidationError as refused:
                expected.append(outcome(refused))
        transaction.set_rollback(True)

    before = Household.objects.count(), Member.objects.count(), AuditEvent.objects.count()
    results = [outcome(result) for result in opening.open_cases(actor, cases)]

    assert results == expected
    assert [r for r in results if isinstance(r, str)] == ["FR0000804", "FR0000809"]
    assert list(results[1]) == ["birth_date"] and list(results[6]) == ["ssn"]
    assert list(results[7]) == ["last_name"] and list(results[9]) == ["birth_date"]
    assert (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count()) == (
        before[0] + 2,
        before[1] + 2,
        before[2] + 10,
    )


def test_many_households_open_in_a_fixed_number_of_statements(world):
    actor = Actor(world.county_admin)

    def statements(first: int, count: int) -> int:
        cases = [
            _case(world, f"FR{n:07d}", f"Person{n}", f"{100 + n:03d}-45-{1000 + n:04d}")
            for n in range(first, first + count)
        ]
        with CaptureQueriesContext(connection) as queries:
            opened = opening.open_cases(actor, cases)
        assert all(isinstance(person, Participant) for person in opened)
        return len([q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])

    few = statements(10, 3)
    many = statements(100, 60)
    assert few == many
    assert Enrollment.objects.filter(participant__household__case_number="FR0000159").exists()
