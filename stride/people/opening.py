"""Opening many cases at once: the new households of a state's caseload extract.

`open_cases` makes each household exactly as `actions.open_case` does (the same
checks in the same order, the same records, the same audit events with the same
content), but writes them in batches: `open_case` costs some twenty statements
and 40 to 90 ms a household, which is hours for a county's 100,000. It is an
action like those of `actions.py`: one transaction, the audit events in it.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.core import audit, events
from stride.core.audit import Action, Actor
from stride.core.edits import StaleEdit
from stride.core.models import Organisation, User

from .actions import (
    HOUSEHOLD_FIELDS,
    PersonDetails,
    _check_birth_date,
    _coached_person_must_be_adult,
    _person_fields,
    _validated_ssn,
)
from .identity import normalise_ssn, ssn_lookup_hash
from .models import CoachAssignment, Enrollment, Household, Member, Participant, Program


@dataclass
class NewCase:
    """What `open_case` takes, for opening many cases at once with `open_cases`."""

    case_number: str
    county: Organisation
    person: PersonDetails
    program: Program
    aid_start: date
    coach: User
    address_line: str = ""
    city: str = ""
    zip_code: str = ""
    phone: str = ""
    language: str = Household.Language.ENGLISH


# Rows per INSERT, and values per IN list (SQLite allows a few thousand parameters).
BATCH = 1000


def _in_batches(values: Iterable[Any]) -> Iterator[list[Any]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


SamePerson = tuple[str, str, date, str]  # names as open_case compares them, birth date, SSN ending


def _same_person_key(first_name: str, last_name: str, birth_date: date, last4: str) -> SamePerson:
    return first_name.strip().lower(), last_name.strip().lower(), birth_date, last4


class _PeopleTaken:
    """The people already in Stride whom a batch's new people could be, read once for the
    batch, and each person the batch adds after them: the checks `open_case` and
    `add_member` make person by person (a birth date not ahead, an SSN that reads, is not
    taken, and a name, birth date and SSN ending that are nobody's already)."""

    def __init__(self, people: Sequence[PersonDetails]) -> None:
        digits = []
        for person in people:
            try:
                digits.append(normalise_ssn(person.ssn))
            except ValidationError:
                digits.append("")
        self.hashes: set[str] = set()
        for some in _in_batches(ssn_lookup_hash(d) for d in digits if d):
            self.hashes.update(
                Member.objects.filter(ssn_hash__in=some).values_list("ssn_hash", flat=True)
            )
        self.people: set[SamePerson] = set()
        for some_dates in _in_batches(person.birth_date for person in people):
            self.people.update(
                _same_person_key(*known)
                for known in Member.objects.filter(birth_date__in=some_dates).values_list(
                    "first_name", "last_name", "birth_date", "ssn_last4"
                )
            )

    def check(self, person: PersonDetails) -> str:
        """The person's SSN as digits, or the ValidationError the action would raise."""
        _check_birth_date(person.birth_date)
        ssn_digits = _validated_ssn(person.ssn)
        if ssn_digits and ssn_lookup_hash(ssn_digits) in self.hashes:
            raise ValidationError(
                {"ssn": _("This Social Security number already belongs to a person in Stride.")}
            )
        if self._key(person, ssn_digits) in self.people:
            raise ValidationError(
                {
                    "last_name": _(
                        "A person with this name, birth date and SSN ending is already in "
                        "Stride. Check whether this is the same person before adding them "
                        "again."
                    )
                }
            )
        return ssn_digits

    def add(self, person: PersonDetails, ssn_digits: str) -> None:
        """Later people of the batch are checked against this one, as if it were saved."""
        if ssn_digits:
            self.hashes.add(ssn_lookup_hash(ssn_digits))
        self.people.add(self._key(person, ssn_digits))

    @staticmethod
    def _key(person: PersonDetails, ssn_digits: str) -> SamePerson:
        return _same_person_key(
            person.first_name, person.last_name, person.birth_date, ssn_digits[-4:]
        )


@transaction.atomic
def open_cases(actor: Actor, cases: Sequence[NewCase]) -> list[Participant | ValidationError]:
    """Many new households at once (a state's caseload extract), each exactly as `open_case`
    makes it: the same checks in the same order, the same records and the same audit
    events, written in batches rather than some twenty statements a household.

    Gives back, case by case, the participant opened or the ValidationError `open_case`
    would have raised for it; nothing of a refused case is written. A case is checked
    against Stride and against the cases before it in `cases`.
    """
    today = timezone.localdate()
    numbers = [case.case_number.strip().upper() for case in cases]
    taken: set[str] = set()
    for some in _in_batches(numbers):
        taken.update(
            Household.objects.filter(case_number__in=some).values_list("case_number", flat=True)
        )
    people_taken = _PeopleTaken([case.person for case in cases])

    results: list[Participant | ValidationError] = []
    households: list[Household] = []
    members: list[Member] = []
    opening: list[tuple[int, NewCase]] = []
    for index, (case, case_number) in enumerate(zip(cases, numbers, strict=True)):
        try:
            if case_number in taken:
                raise ValidationError(
                    {"case_number": _("A household with this case number is already in Stride.")}
                )
            ssn_digits = people_taken.check(case.person)
            if case.aid_start > today:
                raise ValidationError({"aid_start": _("Aid can't start in the future.")})
            household = Household(
                case_number=case_number,
                county=case.county,
                address_line=case.address_line,
                city=case.city,
                zip_code=case.zip_code,
                phone=case.phone,
                language=case.language,
                member_count=1,
            )
            member = Member(household=household)
            _person_fields(member, case.person, ssn_digits)
            if not member.is_adult:
                raise _coached_person_must_be_adult()
        except ValidationError as refused:
            results.append(refused)
            continue
        assert case.coach.organisation is not None, "coaches are offered only from teams"
        # Later cases are checked against this one, as open_case checks against what is saved.
        taken.add(case_number)
        people_taken.add(case.person, ssn_digits)
        households.append(household)
        members.append(member)
        opening.append((index, case))
        results.append(ValidationError(""))  # replaced by the participant below

    Household.objects.bulk_create(households, batch_size=BATCH)
    for member in members:
        member.household = member.household  # the household's new primary key
    Member.objects.bulk_create(members, batch_size=BATCH)
    participants = [
        Participant(
            member=member,
            household=household,
            county=case.county,
            coach=case.coach,
            team=case.coach.organisation,
            assigned_since=today,
        )
        for (_index, case), household, member in zip(opening, households, members, strict=True)
    ]
    Participant.objects.bulk_create(participants, batch_size=BATCH)
    enrollments = [
        Enrollment(participant=participant, program=case.program, aid_start=case.aid_start)
        for (_index, case), participant in zip(opening, participants, strict=True)
    ]
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
    for some in _in_batches(participant.pk for participant in participants):
        Participant.objects.filter(pk__in=some).update(
            current_enrollment=Subquery(
                Enrollment.objects.filter(participant=OuterRef("pk")).values("pk")[:1]
            )
        )
    reason = _("Case opened")
    assignments = [
        CoachAssignment(
            participant=participant,
            coach=case.coach,
            team=case.coach.organisation,
            started_on=today,
            reason=reason,
            assigned_by=actor.user,
        )
        for (_index, case), participant in zip(opening, participants, strict=True)
    ]
    CoachAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    for participant, enrollment in zip(participants, enrollments, strict=True):
        participant.current_enrollment = enrollment

    # The events open_case records, in its order, each kind in inserts of 500.
    who_has = {household.pk: p.uuid for household, p in zip(households, participants, strict=True)}
    audit.record_many(
        actor, Action.CREATE, assignments, lambda a: a.participant.uuid, ["coach", "reason"]
    )
    events.emit_each_participant(
        events.PARTICIPANT_ASSIGNED, assignments, lambda a: {"coach": a.coach.uuid}
    )
    audit.record_many(
        actor, Action.CREATE, households, lambda h: who_has[h.pk],
        ["case_number", "county", "address_line"],
    )  # fmt: skip
    audit.record_many(
        actor, Action.CREATE, members, lambda m: who_has[m.household_id],
        ["first_name", "last_name", "birth_date", "ssn"],
    )  # fmt: skip
    audit.record_many(actor, Action.CREATE, participants, lambda p: p.uuid)
    audit.record_many(
        actor, Action.CREATE, enrollments, lambda e: e.participant.uuid,
        ["program", "aid_start", "status"],
    )  # fmt: skip
    for (index, _case), participant in zip(opening, participants, strict=True):
        results[index] = participant
    return results


@transaction.atomic
def add_members(
    actor: Actor, additions: Sequence[tuple[Household, PersonDetails]]
) -> list[Member | ValidationError]:
    """Many members at once into households already saved (the rest of a household in a state's
    extract), each as `actions.add_member` adds one: the same checks, records and audit
    events, written in batches. Gives back, addition by addition, the member or the
    ValidationError `add_member` would have raised; a refused one writes nothing."""
    people_taken = _PeopleTaken([person for _household, person in additions])
    results: list[Member | ValidationError] = []
    members: list[Member] = []
    for household, person in additions:
        try:
            ssn_digits = people_taken.check(person)
        except ValidationError as refused:
            results.append(refused)
            continue
        people_taken.add(person, ssn_digits)
        member = Member(household=household)
        _person_fields(member, person, ssn_digits)
        members.append(member)
        results.append(member)
    Member.objects.bulk_create(members, batch_size=BATCH)
    households = {member.household_id: member.household for member in members}
    for some in _in_batches(households):
        Household.objects.filter(pk__in=some).update(
            member_count=Subquery(
                Member.objects.filter(household=OuterRef("pk"))
                .values("household")
                .annotate(count=Count("pk"))
                .values("count")
            ),
            version=F("version") + 1,
        )
    who_has = _first_participants(households)
    with_ssn = [member for member in members if member.ssn_last4]
    without_ssn = [member for member in members if not member.ssn_last4]
    names = ["first_name", "last_name", "birth_date", "relationship"]
    audit.record_many(
        actor, Action.CREATE, with_ssn, lambda m: who_has.get(m.household_id), [*names, "ssn"]
    )
    audit.record_many(
        actor, Action.CREATE, without_ssn, lambda m: who_has.get(m.household_id), names
    )
    return results


@transaction.atomic
def update_households(
    actor: Actor, changes: Sequence[tuple[Household, int, dict[str, Any]]]
) -> list[Household | ValidationError]:
    """Many households' details changed at once (a later extract's new addresses), each as
    `actions.update_household` changes one: locked and checked against the version read
    (StaleEdit for one changed since), only the fields that differ saved, the version moved
    on, and an audit event naming them; written in batches. Gives back, change by change,
    the household as saved or the StaleEdit."""
    results: list[Household | ValidationError] = []
    saved: dict[frozenset[str], list[Household]] = defaultdict(list)
    for start in range(0, len(changes), BATCH):
        some = changes[start : start + BATCH]
        current = Household.objects.select_for_update().in_bulk([h.pk for h, _v, _c in some])
        for household, expected_version, values in some:
            now = current[household.pk]
            if now.version != expected_version:
                results.append(StaleEdit(now.version))
                continue
            changed = [
                name
                for name in HOUSEHOLD_FIELDS
                if name in values and getattr(now, name) != values[name]
            ]
            if changed:
                for name in changed:
                    setattr(now, name, values[name])
                now.version += 1
                now.updated_at = timezone.now()
                saved[frozenset(changed)].append(now)
            results.append(now)
    who_has = _first_participants(h.pk for households in saved.values() for h in households)
    for changed_fields, households in saved.items():
        fields = sorted(changed_fields)
        Household.objects.bulk_update(
            households, [*fields, "version", "updated_at"], batch_size=BATCH
        )
        audit.record_many(actor, Action.CHANGE, households, lambda h: who_has.get(h.pk), fields)
    return results


def _first_participants(household_ids: Iterable[int]) -> dict[int, Any]:
    """Each household's first participant's UUID: whom the actions' audit events name."""
    who_has: dict[int, Any] = {}
    for some in _in_batches(household_ids):
        for household_id, participant in (
            Participant.objects.filter(household__in=some)
            .order_by("pk")
            .values_list("household_id", "uuid")
        ):
            who_has.setdefault(household_id, participant)
    return who_has
