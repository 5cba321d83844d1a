"""Every change to households, members, participants and assignments.

Each function validates, writes and records its audit event in one
transaction. A failed check raises ValidationError keyed by form field, so
forms can show the message next to the field, and nothing is saved.
Functions that edit an existing record take the version the person saw and
refuse to overwrite a newer one (StaleEdit).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from stride.core import audit, events
from stride.core.audit import Action, Actor
from stride.core.edits import lock_for_edit
from stride.core.models import Organisation, User

from .identity import normalise_ssn, ssn_lookup_hash
from .models import (
    CoachAssignment,
    Enrollment,
    ExitReason,
    Household,
    Member,
    Participant,
    Program,
)

# The records that carry a version number.
Versioned = TypeVar("Versioned", Household, Member, Enrollment, Participant)


@dataclass
class PersonDetails:
    first_name: str
    last_name: str
    birth_date: date
    relationship: str
    ssn: str = ""


def _check_birth_date(birth_date: date) -> None:
    if birth_date > timezone.localdate():
        raise ValidationError({"birth_date": _("The birth date can't be in the future.")})


def _check_not_duplicate(person: PersonDetails, ssn_digits: str, exclude: Member | None) -> None:
    others = Member.objects.all()
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if ssn_digits and others.filter(ssn_hash=ssn_lookup_hash(ssn_digits)).exists():
        raise ValidationError(
            {"ssn": _("This Social Security number already belongs to a person in Stride.")}
        )
    same_person = others.filter(
        first_name__iexact=person.first_name.strip(),
        last_name__iexact=person.last_name.strip(),
        birth_date=person.birth_date,
        ssn_last4=ssn_digits[-4:],
    )
    if same_person.exists():
        raise ValidationError(
            {
                "last_name": _(
                    "A person with this name, birth date and SSN ending is already in "
                    "Stride. Check whether this is the same person before adding them again."
                )
            }
        )


def _person_fields(member: Member, person: PersonDetails, ssn_digits: str) -> list[str]:
    """Apply `person` to `member`; return the names of the fields that changed."""
    changed = []
    for name in ("first_name", "last_name", "birth_date", "relationship"):
        value = getattr(person, name)
        if isinstance(value, str):
            value = value.strip()
        if getattr(member, name) != value:
            setattr(member, name, value)
            changed.append(name)
    # A blank SSN on an edit form means "leave it as it is"; only a new one changes it.
    if ssn_digits and ssn_lookup_hash(ssn_digits) != member.ssn_hash:
        member.ssn = ssn_digits
        member.ssn_hash = ssn_lookup_hash(ssn_digits)
        member.ssn_last4 = ssn_digits[-4:]
        changed.append("ssn")
    return changed


def _coached_person_must_be_adult() -> ValidationError:
    return ValidationError(
        {
            "birth_date": _(
                "The person being coached must be an adult (18 or older) or a young "
                "parent who heads the household."
            )
        }
    )


def _check_has_adult(household: Household) -> None:
    if not any(member.is_adult for member in household.members.all()):
        raise ValidationError(
            {
                "birth_date": _(
                    "A household needs at least one adult (18 or older, or a young "
                    "parent who heads the household)."
                )
            }
        )


def _refresh_member_count(household: Household) -> None:
    Household.objects.filter(pk=household.pk).update(
        member_count=Member.objects.filter(household=household).count()
    )


def _bump(model: type[Versioned], obj: Versioned) -> None:
    model.objects.filter(pk=obj.pk).update(version=F("version") + 1)
    obj.version += 1


def _validated_ssn(raw: str) -> str:
    try:
        return normalise_ssn(raw)
    except ValidationError as error:
        raise ValidationError({"ssn": error.messages}) from None


@transaction.atomic
def open_case(
    actor: Actor,
    *,
    case_number: str,
    county: Organisation,
    person: PersonDetails,
    program: Program,
    aid_start: date,
    coach: User,
    address_line: str = "",
    city: str = "",
    zip_code: str = "",
    phone: str = "",
    language: str = Household.Language.ENGLISH,
) -> Participant:
    """A new household with its first adult, enrolled and assigned to a coach."""
    case_number = case_number.strip().upper()
    if Household.objects.filter(case_number=case_number).exists():
        raise ValidationError(
            {"case_number": _("A household with this case number is already in Stride.")}
        )
    _check_birth_date(person.birth_date)
    ssn_digits = _validated_ssn(person.ssn)
    _check_not_duplicate(person, ssn_digits, exclude=None)
    if aid_start > timezone.localdate():
        raise ValidationError({"aid_start": _("Aid can't start in the future.")})

    household = Household.objects.create(
        case_number=case_number,
        county=county,
        address_line=address_line,
        city=city,
        zip_code=zip_code,
        phone=phone,
        language=language,
        member_count=1,
    )
    member = Member(household=household)
    _person_fields(member, person, ssn_digits)
    if not member.is_adult:
        raise _coached_person_must_be_adult()
    member.save()
    participant = Participant.objects.create(member=member, household=household, county=county)
    enrollment = Enrollment.objects.create(
        participant=participant, program=program, aid_start=aid_start
    )
    participant.current_enrollment = enrollment
    participant.save(update_fields=["current_enrollment"])
    _assign(participant, coach, actor, reason=_("Case opened"))

    who = participant.uuid
    audit.record(actor, Action.CREATE, household, who, ["case_number", "county", "address_line"])
    audit.record(
        actor, Action.CREATE, member, who, ["first_name", "last_name", "birth_date", "ssn"]
    )
    audit.record(actor, Action.CREATE, participant, who)
    audit.record(actor, Action.CREATE, enrollment, who, ["program", "aid_start", "status"])
    return participant


def _assign(participant: Participant, coach: User, actor: Actor, reason: str) -> CoachAssignment:
    team = coach.organisation
    assert team is not None, "coaches are offered only from teams (access.assignable_coaches)"
    today = timezone.localdate()
    CoachAssignment.objects.filter(participant=participant, ended_on__isnull=True).update(
        ended_on=today
    )
    assignment = CoachAssignment.objects.create(
        participant=participant,
        coach=coach,
        team=team,
        started_on=today,
        reason=reason,
        assigned_by=actor.user,
    )
    participant.coach = coach
    participant.team = team
    participant.assigned_since = today
    participant.save(update_fields=["coach", "team", "assigned_since"])
    audit.record(actor, Action.CREATE, assignment, participant.uuid, ["coach", "reason"])
    events.emit(events.PARTICIPANT_ASSIGNED, assignment, participant, coach=coach.uuid)
    return assignment


@transaction.atomic
def reassign(actor: Actor, participant: Participant, coach: User, reason: str) -> CoachAssignment:
    """Give a participant a new coach; the old assignment ends today and stays in history."""
    if participant.coach_id == coach.pk:
        raise ValidationError({"coach": _("This participant already works with this coach.")})
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    assignment = _assign(participant, coach, actor, reason)
    _bump(Participant, participant)
    audit.record(actor, Action.CHANGE, participant, participant.uuid, ["coach", "team"])
    return assignment


HOUSEHOLD_FIELDS = ("address_line", "city", "zip_code", "phone", "language")


@transaction.atomic
def update_household(
    actor: Actor, household: Household, expected_version: int, **values: Any
) -> Household:
    current = lock_for_edit(Household, household, expected_version)
    changed = [
        name
        for name in HOUSEHOLD_FIELDS
        if name in values and getattr(current, name) != values[name]
    ]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, values[name])
    current.version += 1
    current.save(update_fields=[*changed, "version", "updated_at"])
    audit.record(actor, Action.CHANGE, current, _participant_of_household(current), changed)
    return current


def _participant_of_household(household: Household) -> UUID | None:
    return household.participants.values_list("uuid", flat=True).first()


@transaction.atomic
def add_member(actor: Actor, household: Household, person: PersonDetails) -> Member:
    _check_birth_date(person.birth_date)
    ssn_digits = _validated_ssn(person.ssn)
    _check_not_duplicate(person, ssn_digits, exclude=None)
    member = Member(household=household)
    _person_fields(member, person, ssn_digits)
    member.save()
    _refresh_member_count(household)
    _bump(Household, household)
    audit.record(
        actor,
        Action.CREATE,
        member,
        _participant_of_household(household),
        ["first_name", "last_name", "birth_date", "relationship", *(["ssn"] if ssn_digits else [])],
    )
    return member


@transaction.atomic
def update_member(
    actor: Actor, member: Member, expected_version: int, person: PersonDetails
) -> Member:
    current = lock_for_edit(Member, member, expected_version)
    _check_birth_date(person.birth_date)
    ssn_digits = _validated_ssn(person.ssn)
    _check_not_duplicate(person, ssn_digits or current.ssn or "", exclude=current)
    changed = _person_fields(current, person, ssn_digits)
    if not changed:
        return current
    if hasattr(current, "participant") and not current.is_adult:
        raise _coached_person_must_be_adult()
    current.version += 1
    current.save()
    _check_has_adult(current.household)
    audit.record(
        actor, Action.CHANGE, current, _participant_of_household(current.household), changed
    )
    return current


@transaction.atomic
def remove_member(actor: Actor, member: Member, expected_version: int) -> None:
    current = lock_for_edit(Member, member, expected_version)
    if Participant.objects.filter(member=current).exists():
        raise ValidationError(
            _(
                "This person is being coached, so they stay on the household. "
                "Change their enrollment status instead."
            )
        )
    household = current.household
    participant_uuid = _participant_of_household(household)
    audit.record(actor, Action.DELETE, current, participant_uuid)
    current.delete()
    _check_has_adult(household)
    _refresh_member_count(household)
    _bump(Household, household)


ENROLLMENT_FIELDS = (
    "program", "aid_start", "status", "ended_on", "exit_reason", "exit_reason_other",
)  # fmt: skip


@transaction.atomic
def update_enrollment(
    actor: Actor, enrollment: Enrollment, expected_version: int, **values: Any
) -> Enrollment:
    current = lock_for_edit(Enrollment, enrollment, expected_version)
    if values.get("aid_start") and values["aid_start"] > timezone.localdate():
        raise ValidationError({"aid_start": _("Aid can't start in the future.")})
    status = values.get("status", current.status)
    if status == Enrollment.Status.EXITED and not values.get("ended_on"):
        values["ended_on"] = timezone.localdate()
    if status != Enrollment.Status.EXITED:
        values["ended_on"] = None
        values["exit_reason"] = values["exit_reason_other"] = ""  # back on aid: no reason to leave
    ended_on = values.get("ended_on")
    if ended_on and ended_on < values.get("aid_start", current.aid_start):
        raise ValidationError({"ended_on": _("The end date can't be before aid started.")})
    changed = [n for n in ENROLLMENT_FIELDS if n in values and getattr(current, n) != values[n]]
    if not changed:
        return current
    moved = {"status": (current.status, values["status"])} if "status" in changed else {}
    for name in changed:
        setattr(current, name, values[name])
    current.version += 1
    current.save()
    audit.record(actor, Action.CHANGE, current, current.participant.uuid, changed, moved)
    return current


@transaction.atomic
def record_exit(
    actor: Actor,
    enrollment: Enrollment,
    expected_version: int,
    *,
    exited_on: date,
    reason: str,
    other_reason: str = "",
) -> Enrollment:
    """The enrollment ends on `exited_on` for `reason` (its words when the reason is "other").

    An exit is recorded once: an enrollment that has ended already is refused, so a second
    exit cannot move the date a federal exiters file has reported.
    """
    current = lock_for_edit(Enrollment, enrollment, expected_version)
    if current.status == Enrollment.Status.EXITED:
        raise ValidationError(
            {
                "exited_on": _(
                    "This enrollment already ended on %(date)s. To change that, edit the "
                    "enrollment instead."
                )
                % {"date": date_format(current.ended_on, "DATE_FORMAT") if current.ended_on else ""}
            }
        )
    if exited_on < current.aid_start:
        raise ValidationError({"exited_on": _("The exit date can't be before aid started.")})
    if exited_on > timezone.localdate():
        raise ValidationError({"exited_on": _("The exit date can't be in the future.")})
    if reason not in ExitReason.values:
        raise ValidationError({"reason": _("Choose the reason for leaving.")})
    other_reason = other_reason.strip() if reason == ExitReason.OTHER else ""
    if reason == ExitReason.OTHER and not other_reason:
        raise ValidationError({"other_reason": _("Say in a few words why the enrollment ended.")})
    old_status = current.status
    current.status = Enrollment.Status.EXITED
    current.ended_on = exited_on
    current.exit_reason = reason
    current.exit_reason_other = other_reason
    current.version += 1
    current.save(
        update_fields=["status", "ended_on", "exit_reason", "exit_reason_other", "version"]
    )
    fields = ["status", "ended_on", "exit_reason", *(["exit_reason_other"] if other_reason else [])]
    audit.record(
        actor,
        Action.CHANGE,
        current,
        current.participant.uuid,
        fields,
        {"status": (old_status, current.status)},
    )
    return current


def record_view(actor: Actor, participant: Participant) -> None:
    audit.record(actor, Action.VIEW, participant, participant.uuid)


def record_views(actor: Actor, participants: Iterable[Participant]) -> None:
    """One view event per participant shown (an API page or record), in one insert."""
    audit.record_many(actor, Action.VIEW, participants, lambda p: p.uuid)


def record_export(actor: Actor, participants: Iterable[Participant]) -> None:
    audit.record_many(actor, Action.EXPORT, participants, lambda p: p.uuid)
