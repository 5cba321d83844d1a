"""Every change to hours, activity plans, months on aid and the activity catalogue, with its audit event.

A change to hours or to a month on aid counts the participant's months again
from the month it touched, inside the same transaction: the limits of each
month carry into the next, so the results are never out of step with the hours.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.core import audit, events
from stride.core.audit import Action, Actor
from stride.core.edits import lock_for_edit
from stride.core.models import Organisation, Role
from stride.people.models import Enrollment, Participant

from .clocks import exemption_codes
from .countable import add_months
from .models import Activity, ActivityPlan, AidMonth, HoursEntry
from .recount import recount_participant

# Hours are entered for days already lived, up to this far back (a quarter's
# corrections); older months belong to the federal report already sent.
EARLIEST_MONTHS_BACK = 12


@dataclass(frozen=True)
class Hours:
    activity: Activity
    day: date
    hours: Decimal
    kind: str = HoursEntry.Kind.PARTICIPATION
    note: str = ""


def _check_hours(participant: Participant, hours: Hours) -> None:
    today = timezone.localdate()
    if hours.day > today:
        raise ValidationError({"day": _("Enter hours for today or a day before it.")})
    if hours.day < add_months(today.replace(day=1), -EARLIEST_MONTHS_BACK):
        raise ValidationError({"day": _("That day is more than a year ago.")})
    if hours.activity.county_id != participant.county_id or not hours.activity.active:
        raise ValidationError({"activity": _("Pick an activity from the list.")})
    if hours.hours <= 0:
        raise ValidationError({"hours": _("Enter more than 0 hours.")})
    same_day = HoursEntry.objects.filter(participant=participant, day=hours.day)
    total = sum(entry.hours for entry in same_day) + hours.hours
    if total > 24:
        raise ValidationError({"hours": _("That makes more than 24 hours on one day.")})


@transaction.atomic
def add_hours(actor: Actor, participant: Participant, hours: Hours) -> HoursEntry:
    """Staff entries start verified (they saw the record); a participant's own start as reported."""
    _check_hours(participant, hours)
    by_participant = actor.user is not None and actor.user.role == Role.PARTICIPANT
    entry = HoursEntry.objects.create(
        participant=participant,
        activity=hours.activity,
        day=hours.day,
        hours=hours.hours,
        kind=hours.kind,
        note=hours.note,
        entered_by=actor.user,
        verification=HoursEntry.Verification.REPORTED
        if by_participant
        else HoursEntry.Verification.VERIFIED,
        verified_by=None if by_participant else actor.user,
        verified_at=None if by_participant else timezone.now(),
    )
    audit.record(actor, Action.CREATE, entry, participant.uuid)
    events.emit(events.HOURS_VERIFIED, entry, participant, when=not by_participant)
    recount_participant(participant, hours.day)
    return entry


@transaction.atomic
def verify_hours(
    actor: Actor, entry: HoursEntry, verification: str, expected_version: int
) -> HoursEntry:
    current = lock_for_edit(HoursEntry, entry, expected_version)
    was = current.verification
    current.verification = HoursEntry.Verification(verification)
    current.verified_by = actor.user
    current.verified_at = timezone.now()
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    audit.record(
        actor,
        Action.CHANGE,
        current,
        entry.participant.uuid,
        ["verification", "verified_by"],
        {"verification": (was, current.verification)},
    )
    events.emit(
        events.HOURS_VERIFIED,
        current,
        entry.participant,
        when=was != current.verification == HoursEntry.Verification.VERIFIED,
    )
    recount_participant(entry.participant, current.day)
    return current


@transaction.atomic
def remove_hours(actor: Actor, entry: HoursEntry, expected_version: int) -> None:
    current = lock_for_edit(HoursEntry, entry, expected_version)
    audit.record(actor, Action.DELETE, current, entry.participant.uuid)
    day = current.day
    current.delete()
    recount_participant(entry.participant, day)


@dataclass(frozen=True)
class Plan:
    activity: Activity
    starts_on: date
    hours_per_week: Decimal
    weekdays: tuple[int, ...]
    ends_on: date | None = None


@transaction.atomic
def add_plan(actor: Actor, participant: Participant, plan: Plan) -> ActivityPlan:
    if plan.activity.county_id != participant.county_id or not plan.activity.active:
        raise ValidationError({"activity": _("Pick an activity from the list.")})
    if plan.ends_on is not None and plan.ends_on < plan.starts_on:
        raise ValidationError({"ends_on": _("The end can't be before the start.")})
    if not plan.weekdays:
        raise ValidationError({"weekdays": _("Pick at least one day.")})
    created = ActivityPlan.objects.create(
        participant=participant,
        activity=plan.activity,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        hours_per_week=plan.hours_per_week,
        weekdays=sum(1 << day for day in set(plan.weekdays)),
    )
    audit.record(actor, Action.CREATE, created, participant.uuid)
    # A plan decides which absences are excused: months it covers count again.
    recount_participant(participant, plan.starts_on)
    return created


@transaction.atomic
def end_plan(
    actor: Actor, plan: ActivityPlan, on: date, expected_version: int, outcome: str = ""
) -> ActivityPlan:
    """End `plan` on `on`; `outcome` says how it ended (completed, left), when the coach said."""
    current = lock_for_edit(ActivityPlan, plan, expected_version)
    if on < current.starts_on:
        raise ValidationError({"ends_on": _("The end can't be before the start.")})
    if outcome not in ("", *ActivityPlan.Outcome.values):
        raise ValidationError({"outcome": _("Pick how the activity ended from the list.")})
    current.ends_on = on
    current.outcome = outcome
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    changed = ["ends_on", "outcome"] if outcome else ["ends_on"]
    audit.record(actor, Action.CHANGE, current, plan.participant.uuid, changed)
    recount_participant(plan.participant, on)
    return current


@dataclass(frozen=True)
class MonthOnAid:
    exemption: str = ""
    work_status: str = AidMonth.WorkStatus.REQUIRED
    federally_funded_child_care: bool = False
    note: str = ""
    tanf_grant: Decimal | None = None
    snap_allotment: Decimal | None = None
    state_minimum_wage: Decimal | None = None


def _save_changes(current: Activity | AidMonth, details: object) -> list[str]:
    """Copy the fields of `details` that differ onto the locked record, save; their names."""
    changed = [
        name
        for name in details.__dataclass_fields__  # type: ignore[attr-defined]
        if getattr(current, name) != getattr(details, name)
    ]
    for name in changed:
        setattr(current, name, getattr(details, name))
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    return changed


@transaction.atomic
def change_aid_month(
    actor: Actor, aid_month: AidMonth, details: MonthOnAid, expected_version: int
) -> AidMonth:
    if details.exemption and details.exemption not in exemption_codes():
        raise ValidationError({"exemption": _("Pick a reason from the list.")})
    if details.exemption and not details.note.strip():
        raise ValidationError(
            {"note": _("Say what shows the month does not count, for the next person to check.")}
        )
    if details.tanf_grant is None and (
        details.snap_allotment is not None or details.state_minimum_wage is not None
    ):
        raise ValidationError(
            {"tanf_grant": _("Enter the grant too: the limit is worked out from both.")}
        )
    if details.tanf_grant is not None and details.tanf_grant <= 0:
        raise ValidationError({"tanf_grant": _("Enter a grant of more than 0.")})
    current = lock_for_edit(AidMonth, aid_month, expected_version)
    changed = _save_changes(current, details)
    audit.record(actor, Action.CHANGE, current, aid_month.participant.uuid, changed)
    recount_participant(aid_month.participant, current.month)
    return current


def _record_new_months(months: list[AidMonth], participant_uuids: dict[int, UUID]) -> None:
    """Months the system adds to the ledger from enrollments, each with its audit event."""
    AidMonth.objects.bulk_create(months, batch_size=5000)
    audit.record_many(
        Actor.system(), Action.CREATE, months, lambda month: participant_uuids[month.participant_id]
    )


@transaction.atomic
def record_months_on_aid(participant: Participant, through: date) -> int:
    """Add the months on aid the ledger lacks, from the participant's enrollments; how many added."""
    through = through.replace(day=1)
    have = set(AidMonth.objects.filter(participant=participant).values_list("month", flat=True))
    new = []
    for enrollment in Enrollment.objects.filter(participant=participant).select_related("program"):
        month = enrollment.aid_start.replace(day=1)
        last = min(through, (enrollment.ended_on or through).replace(day=1))
        while month <= last:
            if month not in have:
                have.add(month)
                new.append(
                    AidMonth(participant=participant, month=month, program=enrollment.program)
                )
            month = add_months(month, 1)
    _record_new_months(new, {participant.pk: participant.uuid})
    return len(new)


@transaction.atomic
def record_month_on_aid(month: date) -> int:
    """Add `month` to the ledger of every participant enrolled and active in it; how many added."""
    month = month.replace(day=1)
    enrollments = (
        Enrollment.objects.filter(
            status=Enrollment.Status.ACTIVE, aid_start__lt=add_months(month, 1)
        )
        .exclude(participant__aid_months__month=month)
        .values_list("participant_id", "participant__uuid", "program_id")
    )
    new, uuids = [], {}
    for participant_id, participant_uuid, program_id in enrollments:
        if participant_id not in uuids:  # two active enrollments: one month on aid
            uuids[participant_id] = participant_uuid
            new.append(AidMonth(participant_id=participant_id, month=month, program_id=program_id))
    _record_new_months(new, uuids)
    return len(new)


@dataclass(frozen=True)
class ActivityDetails:
    name: str
    federal_activity: str
    description: str = ""
    active: bool = True


@transaction.atomic
def add_activity(actor: Actor, county: Organisation, details: ActivityDetails) -> Activity:
    if Activity.objects.filter(county=county, name__iexact=details.name.strip()).exists():
        raise ValidationError({"name": _("The county already has an activity with this name.")})
    activity = Activity.objects.create(
        county=county,
        name=details.name.strip(),
        federal_activity=details.federal_activity,
        description=details.description,
        active=details.active,
    )
    audit.record(actor, Action.CREATE, activity, None)
    return activity


@transaction.atomic
def change_activity(
    actor: Actor, activity: Activity, details: ActivityDetails, expected_version: int
) -> Activity:
    current = lock_for_edit(Activity, activity, expected_version)
    clash = Activity.objects.filter(county_id=current.county_id, name__iexact=details.name.strip())
    if clash.exclude(pk=current.pk).exists():
        raise ValidationError({"name": _("The county already has an activity with this name.")})
    if current.federal_activity != details.federal_activity and current.entries.exists():
        raise ValidationError(
            {
                "federal_activity": _(
                    "Hours were already counted as this federal activity. Stop using this "
                    "activity and add a new one instead."
                )
            }
        )
    changed = _save_changes(current, details)
    audit.record(actor, Action.CHANGE, current, None, changed)
    return current
