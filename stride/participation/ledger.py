"""Reading the months-on-aid ledger: each participant's time clocks as of a day."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from stride.core import access
from stride.people.models import Participant

from .clocks import ClockReading, LedgerMonth, clocks_for, read_clock
from .models import AidMonth, MonthResult


def _ledgers(
    participants: QuerySet[Participant] | list[Participant],
) -> dict[int, list[LedgerMonth]]:
    met = MonthResult.objects.filter(
        participant=OuterRef("participant"), month=OuterRef("month"), meets_rate=True
    )
    ledgers: dict[int, list[LedgerMonth]] = defaultdict(list)
    for participant_id, month, program, exemption, requirement_met in (
        access.belonging_to(AidMonth.objects.all(), participants)
        .annotate(requirement_met=Exists(met))
        .values_list("participant_id", "month", "program__code", "exemption", "requirement_met")
    ):
        ledgers[participant_id].append(LedgerMonth(month, program, exemption, requirement_met))
    return ledgers


def readings(participant: Participant, on: date) -> list[ClockReading]:
    """The clocks running for the participant's program on `on`, read from their ledger."""
    return readings_for([participant], on)[participant.pk]


def readings_for(people: list[Participant], on: date) -> dict[int, list[ClockReading]]:
    """Each participant's running clocks (current_enrollment__program selected), in one query."""
    ledgers = _ledgers(people)
    found = {}
    for person in people:
        enrollment = person.current_enrollment
        program = enrollment.program.code if enrollment else None
        months = ledgers.get(person.pk, [])
        found[person.pk] = [read_clock(rule, months, on) for rule in clocks_for(program, on)]
    return found


@dataclass(frozen=True)
class ClockWarning:
    participant: Participant
    reading: ClockReading


def warnings_for(caseload: QuerySet[Participant], on: date) -> list[ClockWarning]:
    """Participants with a clock near its limit (each clock's data file says how near)."""
    people = list(
        caseload.select_related("member", "current_enrollment__program").only(
            "uuid",
            "member__first_name",
            "member__last_name",
            "current_enrollment__program__code",
        )
    )
    readings = readings_for(people, on)
    found = [
        ClockWarning(person, reading)
        for person in people
        for reading in readings[person.pk]
        if reading.warn
    ]
    return sorted(
        found, key=lambda warning: (warning.reading.left, warning.participant.member.last_name)
    )
