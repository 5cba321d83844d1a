"""Importing hours from a spreadsheet: check every row first, then save all of them or none.

A provider's sign-in sheet or an employer's timesheet arrives as CSV with one
row per person, day and activity. Rows already in Stride are skipped, so the
same file can be imported twice without doubling anyone's hours.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stride.core import access, audit
from stride.core.audit import Action, Actor
from stride.core.models import User
from stride.people.models import Participant

from .actions import EARLIEST_MONTHS_BACK
from .countable import add_months
from .models import Activity, HoursEntry
from .recount import NotCounted, recount_families

COLUMNS = ("case_number", "first_name", "day", "activity", "hours", "type", "note")
REQUIRED = ("case_number", "day", "activity", "hours")
MAX_ROWS = 20_000
# A sheet of 20,000 rows is about 1 MB; anything near this is not a timesheet.
MAX_BYTES = 5 * 1024 * 1024
KINDS = {kind.value: kind.value for kind in HoursEntry.Kind} | {
    str(kind.label).casefold(): kind.value for kind in HoursEntry.Kind
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Checked:
    ready: list[HoursEntry] = field(default_factory=list)
    # The file's row of each ready entry.
    lines: list[int] = field(default_factory=list)
    already: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def people(self) -> int:
        return len({entry.participant_id for entry in self.ready})


def _read(data: bytes) -> tuple[list[dict[str, str]], list[Problem]]:
    """The rows of the sheet, or the problems that stop it being read: never an exception."""
    if len(data) > MAX_BYTES:
        return [], [
            Problem(
                1,
                "",
                _("The file is over %(size)s MB: split it and import the parts.")
                % {"size": MAX_BYTES // (1024 * 1024)},
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [
            Problem(
                text_line(data[: error.start]),
                "",
                _("Save the file as CSV with UTF-8 characters and try again."),
            )
        ]
    if not text.strip():
        return [], [Problem(1, "", _("The file is empty."))]
    if "\0" in text:
        line = text_line(text[: text.index("\0")].encode())
        return [], [Problem(line, "", str(_NUL))]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[dict[str, str]] = []
    names: list[str] = []
    try:
        names = [name.strip().lower() for name in reader.fieldnames or []]
        missing = [name for name in REQUIRED if name not in names]
        if missing:
            return [], [
                Problem(1, name, _("The first row must name this column.")) for name in missing
            ]
        reader.fieldnames = names
        for row in reader:
            rows.append({key: (value or "").strip() for key, value in row.items() if key})
            if len(rows) > MAX_ROWS:
                return [], [
                    Problem(1, "", _("Split the file: at most %(rows)s rows.") % {"rows": MAX_ROWS})
                ]
    except csv.Error as error:
        # The row being read when it failed: the header, or the one after the last read.
        return [], [Problem(len(rows) + 2 if names else 1, "", _csv_reason(error))]
    return rows, []


def text_line(before: bytes) -> int:
    """The line of the file a byte offset falls on (the first line is 1)."""
    return before.count(b"\n") + 1


_NUL = gettext_lazy("The row holds a null character: save the file again as plain CSV.")


def _csv_reason(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return _("A cell is longer than %(limit)s characters: shorten it or split the row.") % {
            "limit": f"{csv.field_size_limit():,}"
        }
    return _("This row can't be read as CSV: check its quotes and commas.")


def check(user: User, data: bytes) -> Checked:
    """Every row checked against the people `user` may see and their county's activities."""
    rows, problems = _read(data)
    checked = Checked(problems=problems)
    if not rows:
        return checked
    people: dict[str, list[Participant]] = defaultdict(list)
    for person in access.visible_to(
        Participant.objects.filter(
            household__case_number__in={row.get("case_number", "") for row in rows}
        ).select_related("member", "household"),
        user,
    ):
        people[person.household.case_number.casefold()].append(person)
    activities = {
        (activity.county_id, activity.name.casefold()): activity
        for activity in Activity.objects.filter(
            county__in={person.county_id for found in people.values() for person in found},
            active=True,
        )
    }
    existing: set[tuple[int, date, int, Decimal, str]] = set()
    day_totals: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for values in HoursEntry.objects.filter(
        participant__in=[person for found in people.values() for person in found],
        day__gte=add_months(timezone.localdate().replace(day=1), -EARLIEST_MONTHS_BACK),
    ).values_list("participant_id", "day", "activity_id", "hours", "kind"):
        existing.add(values)
        day_totals[(values[0], values[1])] += values[3]

    for number, row in enumerate(rows, start=2):
        entry = _entry(number, row, people, activities, checked.problems)
        if entry is None:
            continue
        key = (entry.participant_id, entry.day, entry.activity_id, entry.hours, entry.kind)
        if key in existing:
            checked.already += 1
            continue
        existing.add(key)
        day_totals[(entry.participant_id, entry.day)] += entry.hours
        if day_totals[(entry.participant_id, entry.day)] > 24:
            checked.problems.append(Problem(number, "hours", _("More than 24 hours on that day.")))
            continue
        checked.ready.append(entry)
        checked.lines.append(number)
    return checked


def _entry(
    number: int,
    row: dict[str, str],
    people: dict[str, list[Participant]],
    activities: dict[tuple[int, str], Activity],
    problems: list[Problem],
) -> HoursEntry | None:
    def refuse(column: str, message: str) -> None:
        problems.append(Problem(number, column, message))

    found = people.get(row.get("case_number", "").casefold(), [])
    first_name = row.get("first_name", "").casefold()
    if first_name:
        found = [person for person in found if person.member.first_name.casefold() == first_name]
    if not found:
        refuse("case_number", _("No one you coach or supervise has this case number and name."))
        return None
    if len(found) > 1:
        refuse("first_name", _("More than one adult is coached in this case: add the first name."))
        return None
    person = found[0]
    try:
        day = date.fromisoformat(row.get("day", ""))
    except ValueError:
        refuse("day", _("Write the day as YYYY-MM-DD, like 2026-10-05."))
        return None
    today = timezone.localdate()
    if day > today or day < add_months(today.replace(day=1), -EARLIEST_MONTHS_BACK):
        refuse("day", _("The day must be in the last twelve months and not after today."))
        return None
    activity = activities.get((person.county_id, row.get("activity", "").casefold()))
    if activity is None:
        refuse("activity", _("This activity is not in the county's list of activities in use."))
        return None
    try:
        hours = Decimal(row.get("hours", ""))
        if not hours.is_finite():
            raise InvalidOperation
        hours = hours.quantize(Decimal("0.01"))
    except InvalidOperation:
        refuse("hours", _("Write the hours as a number, like 4 or 2.5."))
        return None
    if not Decimal(0) < hours <= 24:
        refuse("hours", _("Hours must be more than 0 and at most 24."))
        return None
    kind = KINDS.get(row.get("type", "").casefold() or HoursEntry.Kind.PARTICIPATION)
    if kind is None:
        refuse("type", _("Type is participation, excused or holiday."))
        return None
    return HoursEntry(
        participant=person,
        activity=activity,
        day=day,
        hours=hours,
        kind=kind,
        note=row.get("note", "")[:300],
    )


def apply(actor: Actor, checked: Checked) -> int:
    """Save every ready row (only when no row has a problem) and count the months again.

    When the rules refuse to count a month the rows make, nothing is saved: the
    refusal joins `checked.problems`, on the row it comes from, and is raised on
    (a ValidationError, which the form shows too).
    """
    if checked.problems:
        raise ValueError("a file with problems is never imported")
    try:
        return _save(actor, checked)
    except NotCounted as refused:
        checked.problems.append(_refused_row(checked, refused))
        raise


def _refused_row(checked: Checked, refused: NotCounted) -> Problem:
    column, messages = next(iter(refused.message_dict.items()))
    rows = [
        line
        for entry, line in zip(checked.ready, checked.lines, strict=True)
        if entry.participant_id == refused.participant_id and entry.day == refused.refused.day
    ]
    return Problem(rows[0] if rows else 1, column, messages[0])


@transaction.atomic
def _save(actor: Actor, checked: Checked) -> int:
    now = timezone.now()
    for entry in checked.ready:
        entry.entered_by = actor.user
        entry.verification = HoursEntry.Verification.VERIFIED
        entry.verified_by = actor.user
        entry.verified_at = now
    created = HoursEntry.objects.bulk_create(checked.ready)
    audit.record_many(actor, Action.CREATE, created, lambda entry: entry.participant.uuid)
    since: dict[int, date] = {}
    for entry in created:
        household = entry.participant.household_id
        since[household] = min(entry.day, since.get(household, entry.day))
    recount_families(since)
    return len(created)
