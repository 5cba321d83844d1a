"""The federal TANF exiters file: the TANF Data Portal's "FRA TE1" record, made by a task.

The Fiscal Responsibility Act of 2023 asks each state for the work-eligible adults
who left TANF, so that the federal side can match their SSNs to wage records. The
TANF Data Portal takes them as "FRA Work Outcome TANF Exiters" files. What this
module follows, read in the portal's public source (HHS/TANF-app,
tdrs-backend/tdpservice/parsers/):

- The record (`schema_defs/fra/te1.py`, record type TE1): two items, both required.
  Item A, Exit Date, in the first column, numeric: the year and month of the exit,
  YYYYMM. Item B, Social Security Number, in the second column.
- The file has no header (`fra_parser.py`: the first row must already be data, with
  exactly two non-empty cells); rows are CSV.
- The SSN (`te1.py`, validators of item B): digits only, exactly 9 of them; not 000
  in the first three (the area), not 666 there either (added in a later version of
  the schema), not 00 in the middle two (the group), not 0000 in the last four (the
  serial). Stride refuses those and area 9xx when an SSN is typed
  (`people.identity`); the file checks again, because an SSN may have come in
  another way.
- The exit date (`validators/category1.py`, validate_exit_date_against_fiscal_period,
  with `util.py`'s year_month_to_year_quarter and fiscal_to_calendar): its month must
  fall in the calendar quarter of the file's federal fiscal year and quarter, where
  fiscal quarter 1 is October to December of the year before, 2 is January to
  March, 3 April to June and 4 July to September. A month is 01 to 12
  (`validators/category2.py`, dateMonthIsValid).
- Duplicates (`duplicate_detectors.py`, TE1DuplicateDetector): the same SSN twice in
  one exit month is an error.

Stride's choices within those rules: the work-eligible adults are its participants
(the adults in the work program, `Participant`), in the county the file is for,
whose enrollment was recorded as exited (`people.actions.record_exit`) on a day in
the quarter; a person who left twice in one quarter is written once, with their
last exit. A person whose row would break a rule is not written: the file's page
lists them with the reason, for someone to put right, and the file can be made
again. SSNs are decrypted only here, in the task, and never logged; the rows are
kept encrypted on the `ExitersFile`, and every download is an export of each person
in it in the audit trail.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from stride.core import access, audit
from stride.core.audit import Action, Actor
from stride.core.models import Organisation
from stride.workers import leases

from .models import Enrollment, ExitersFile, Participant

QUEUE = "default"

# The calendar month each federal fiscal quarter starts in (fiscal quarter 1 is October).
FIRST_MONTHS = {1: 10, 2: 1, 3: 4, 4: 7}


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    """A federal fiscal quarter: fiscal year 2026 runs from 1 October 2025 to 30 September 2026."""

    year: int
    quarter: int

    @classmethod
    def containing(cls, day: date) -> "FiscalQuarter":
        if day.month >= 10:
            return cls(day.year + 1, 1)
        return cls(day.year, (day.month - 1) // 3 + 2)

    @classmethod
    def parse(cls, text: str) -> "FiscalQuarter":
        """ "2026-2" (the form's value); ValueError for anything else."""
        year, quarter = (int(part) for part in text.split("-"))
        if quarter not in FIRST_MONTHS or not 2000 <= year <= 2200:
            raise ValueError(text)
        return cls(year, quarter)

    @property
    def first_day(self) -> date:
        return date(
            self.year - 1 if self.quarter == 1 else self.year, FIRST_MONTHS[self.quarter], 1
        )

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> "FiscalQuarter":
        return (
            FiscalQuarter(self.year + 1, 1)
            if self.quarter == 4
            else FiscalQuarter(self.year, self.quarter + 1)
        )

    def previous(self) -> "FiscalQuarter":
        return (
            FiscalQuarter(self.year - 1, 4)
            if self.quarter == 1
            else FiscalQuarter(self.year, self.quarter - 1)
        )

    @property
    def value(self) -> str:
        return f"{self.year}-{self.quarter}"

    def label(self) -> str:
        return _("Fiscal year %(year)s, quarter %(quarter)s: %(first)s to %(last)s") % {
            "year": self.year,
            "quarter": self.quarter,
            "first": date_format(self.first_day, "YEAR_MONTH_FORMAT"),
            "last": date_format(self.last_day, "YEAR_MONTH_FORMAT"),
        }


def ended_quarters(today: date, count: int = 8) -> list[FiscalQuarter]:
    """The last `count` quarters that are over, the latest first: a file covers a whole quarter."""
    quarters = [FiscalQuarter.containing(today).previous()]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters


# Why a person is left out of the file; kept as the code, shown in the reader's language.
LEFT_OUT: dict[str, Promise] = {
    "no_ssn": _("No Social Security number is on file."),
    "ssn_digits": _("The Social Security number on file is not 9 digits."),
    "ssn_area": _("The Social Security number on file starts with 000 or 666, which the file refuses."),
    "ssn_group": _("The middle two digits of the Social Security number on file are 00, which the file refuses."),
    "ssn_serial": _("The last four digits of the Social Security number on file are 0000, which the file refuses."),
    "exit_month": _("The exit month is not in this quarter."),
    "same_ssn": _("Another person in this file has the same Social Security number for the same exit month."),
}  # fmt: skip


def ssn_problem(ssn: str) -> str | None:
    """Why TE1's item B refuses `ssn` (a code of LEFT_OUT), or None when it takes it."""
    if not ssn:
        return "no_ssn"
    if not ssn.isascii() or not ssn.isdigit() or len(ssn) != 9:
        return "ssn_digits"
    if ssn[:3] in ("000", "666"):
        return "ssn_area"
    if ssn[3:5] == "00":
        return "ssn_group"
    if ssn[5:] == "0000":
        return "ssn_serial"
    return None


def exit_month(day: date) -> str:
    """TE1's item A: the year and month of the exit, YYYYMM."""
    return f"{day.year:04d}{day.month:02d}"


def exit_month_problem(month: str, quarter: FiscalQuarter) -> str | None:
    """Why TE1's item A is refused in a file for `quarter`, or None when it is taken."""
    if len(month) != 6 or not month.isascii() or not month.isdigit():
        return "exit_month"
    year, number = int(month[:4]), int(month[4:])
    if not 1 <= number <= 12:
        return "exit_month"
    if not quarter.first_day <= date(year, number, 1) <= quarter.last_day:
        return "exit_month"
    return None


@dataclass(frozen=True)
class Exit:
    """A participant's last exit in the quarter, with what the file and its page need."""

    participant: UUID
    name: str
    case_number: str
    exited_on: date
    ssn: str  # decrypted: lives only while the task runs


@dataclass
class Made:
    rows: list[list[str]]
    participants: list[str]
    left_out: list[dict[str, str]]


def te1_rows(exits: list[Exit], quarter: FiscalQuarter) -> Made:
    """The file's rows (one per person, no header) and the people left out, with why."""
    made = Made([], [], [])
    seen: set[tuple[str, str]] = set()
    latest: dict[UUID, Exit] = {}
    for one in exits:
        if one.participant not in latest or one.exited_on > latest[one.participant].exited_on:
            latest[one.participant] = one
    for one in sorted(latest.values(), key=lambda e: (e.exited_on, e.case_number)):
        month = exit_month(one.exited_on)
        problem = exit_month_problem(month, quarter) or ssn_problem(one.ssn)
        if problem is None and (month, one.ssn) in seen:
            problem = "same_ssn"
        if problem is not None:
            made.left_out.append(
                {"name": one.name, "case_number": one.case_number, "reason": problem}
            )
            continue
        seen.add((month, one.ssn))
        made.rows.append([month, one.ssn])
        made.participants.append(str(one.participant))
    return made


def exits_in(made_file: ExitersFile, quarter: FiscalQuarter) -> list[Exit]:
    """The exits in the file's county and quarter, read as the person who asked for it."""
    requester = made_file.requested_by
    if requester is None:
        return []
    enrollments = access.visible_to(Enrollment.objects.all(), requester).filter(
        participant__county=made_file.county,
        status=Enrollment.Status.EXITED,
        ended_on__gte=quarter.first_day,
        ended_on__lte=quarter.last_day,
    )
    return [
        Exit(
            participant=enrollment.participant.uuid,
            name=enrollment.participant.member.full_name,
            case_number=enrollment.participant.household.case_number,
            exited_on=enrollment.ended_on,
            ssn=enrollment.participant.member.ssn or "",
        )
        for enrollment in enrollments.select_related(
            "participant__member", "participant__household"
        ).order_by("pk")
        if enrollment.ended_on is not None
    ]


@transaction.atomic
def request_file(actor: Actor, county: Organisation, quarter: FiscalQuarter) -> ExitersFile:
    """Ask for a county's file for a quarter: recorded, and queued for the task worker."""
    made_file = ExitersFile.objects.create(
        county=county,
        fiscal_year=quarter.year,
        fiscal_quarter=quarter.quarter,
        requested_by=actor.user,
    )
    audit.record(actor, Action.CREATE, made_file, None, ["county", "fiscal_year", "fiscal_quarter"])
    make_exiters_file.enqueue(made_file.pk, actor.ip_address)
    return made_file


def make(made_file: ExitersFile, actor: Actor) -> None:
    """The task's work: the rows and the people left out, kept on the file, in one transaction."""
    quarter = FiscalQuarter(made_file.fiscal_year, made_file.fiscal_quarter)
    made = te1_rows(exits_in(made_file, quarter), quarter)
    with transaction.atomic():
        made_file.rows = made.rows
        made_file.row_count = len(made.rows)
        made_file.participants = made.participants
        made_file.left_out = made.left_out
        made_file.status = ExitersFile.Status.READY
        made_file.made_at = timezone.now()
        made_file.save()
        audit.record(
            actor,
            Action.CHANGE,
            made_file,
            None,
            ["rows", "left_out"],
            {"status": (ExitersFile.Status.MAKING, ExitersFile.Status.READY)},
        )


@task(queue_name=QUEUE)
def make_exiters_file(file_id: int, ip_address: str | None) -> str:
    made_file = ExitersFile.objects.select_related("county", "requested_by").get(pk=file_id)
    if made_file.status != ExitersFile.Status.MAKING:
        return str(made_file.status)  # made already (a task run again after its worker died)
    try:
        make(made_file, Actor(made_file.requested_by, ip_address, "task"))
    except Exception as error:  # noqa: BLE001
        # Only the kind of error is kept, and nothing is raised for the worker to log: an
        # error's text could hold a row's values.
        ExitersFile.objects.filter(pk=file_id).update(
            status=ExitersFile.Status.FAILED, error=type(error).__name__[:200]
        )
        return str(ExitersFile.Status.FAILED)
    return str(ExitersFile.Status.READY)


@leases.when_lost(make_exiters_file)
def make_lost(file_id: int, ip_address: str | None) -> None:
    """The worker died making this file, as many times as it may: its page says so."""
    ExitersFile.objects.filter(pk=file_id, status=ExitersFile.Status.MAKING).update(
        status=ExitersFile.Status.FAILED, error=leases.LOST
    )


def record_download(actor: Actor, made_file: ExitersFile) -> None:
    """A download is an export of the file and of each person in it."""
    audit.record(actor, Action.EXPORT, made_file, None, ["rows"])
    # Named by the UUIDs the file was made with, not read again: someone who has moved to
    # another county since is still in the file, so their export is recorded too.
    people = (Participant(uuid=UUID(text)) for text in made_file.participants)
    audit.record_many(actor, Action.EXPORT, people, lambda p: p.uuid)


def left_out_for_page(made_file: ExitersFile) -> list[dict[str, Any]]:
    """The people left out, each with the reason in the reader's language."""
    return [{**person, "reason": LEFT_OUT[person["reason"]]} for person in made_file.left_out]
