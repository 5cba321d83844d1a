"""A caseload extract against the people already in Stride: the dry run, the import, the reviews.

Each row is one adult being coached, or, where the file has a relationship column, one
member of a household: the rows of a case number are its household, and its head's row is
the adult being coached (the rest are added to the household as its members). A row is
the person already in Stride with its state case number, or else with the same name, birth
date and last 4 of the SSN; a row that is close to someone but not certainly them waits for
a supervisor (a `MatchReview`) and is never merged on a guess. Importing the
same file twice changes nothing; a later extract changes what changed, and
the people an earlier extract of the source brought in who are no longer in
it are reported as having left (they are not removed).

Every write goes through `people.actions`, with its audit event, and the whole
import is one transaction.
"""

import base64
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stride.core import access, audit
from stride.core.audit import Action, Actor
from stride.core.models import User

from . import actions, opening
from .extracts import Kind, Problem, Table, parse_date, parse_ssn, read
from .identity import ssn_lookup_hash
from .models import (
    YOUNGEST_HEAD_AGE,
    CaseloadExtract,
    ExtractSource,
    Household,
    MatchReview,
    Member,
    Participant,
    SourceRecord,
    age_on,
)

# Stride's fields an extract's columns map to, in the order the mapping page asks.
FIELDS: dict[str, Promise] = {
    "case_number": gettext_lazy("State case number"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "birth_date": gettext_lazy("Birth date"),
    "ssn": gettext_lazy("Social Security number"),
    "relationship": gettext_lazy("Relationship to the head of household"),
    "address_line": gettext_lazy("Street address"),
    "city": gettext_lazy("City"),
    "zip_code": gettext_lazy("ZIP code"),
    "language": gettext_lazy("Preferred language"),
    "aid_start": gettext_lazy("Enrollment start"),
    "months_on_aid": gettext_lazy("Months on aid"),
    "coach": gettext_lazy("Coach's user name"),
}
REQUIRED = ("case_number", "first_name", "last_name", "birth_date")
# What states call the columns, for a first guess at a new source's mapping.
_NAMES = {
    "case_number": {"case", "case number", "case no", "case_no", "case_num", "state case number"},
    "first_name": {"first", "first name", "first_name", "fname", "given name"},
    "last_name": {"last", "last name", "last_name", "lname", "surname", "family name"},
    "birth_date": {"dob", "birth date", "date of birth", "birth_date", "birthdate"},
    "ssn": {"ssn", "social security number", "ssn_number"},
    "relationship": {
        "relationship",
        "relation",
        "relationship to head",
        "relationship to hoh",
        "rel to hoh",
        "rel_to_hoh",
        "member relationship",
    },
    "address_line": {"address", "street", "street address", "address_line", "addr1"},
    "city": {"city"},
    "zip_code": {"zip", "zip code", "zip_code", "zipcode", "postal code"},
    "language": {"language", "lang", "preferred language", "primary language"},
    "aid_start": {"enrollment start", "aid start", "aid_start", "start date", "begin date"},
    "months_on_aid": {"months on aid", "months_on_aid", "tanf months", "clock months"},
    "coach": {"coach", "worker", "coach username", "caseworker", "worker id"},
}
_LANGUAGES = {
    "en": Household.Language.ENGLISH,
    "eng": Household.Language.ENGLISH,
    "english": Household.Language.ENGLISH,
    "es": Household.Language.SPANISH,
    "spa": Household.Language.SPANISH,
    "spanish": Household.Language.SPANISH,
    "español": Household.Language.SPANISH,
    "espanol": Household.Language.SPANISH,
}
# How states write a member's relationship to the head of household, English and Spanish,
# compared as _folded writes them; a word not here is a row to fix, never a guess.
_RELATIONSHIP_WORDS = {
    Member.Relationship.HEAD: (
        "head", "head of household", "hoh", "self", "applicant", "primary", "jefe", "jefa",
        "jefe de hogar", "jefa de hogar", "jefe de familia", "jefa de familia", "titular",
    ),
    Member.Relationship.PARTNER: (
        "spouse", "partner", "husband", "wife", "domestic partner", "conyuge", "esposo",
        "esposa", "pareja",
    ),
    Member.Relationship.CHILD: (
        "child", "son", "daughter", "stepchild", "stepson", "stepdaughter", "hijo", "hija",
        "hijastro", "hijastra",
    ),
    Member.Relationship.RELATIVE: (
        "relative", "other relative", "parent", "mother", "father", "grandparent",
        "grandmother", "grandfather", "grandchild", "grandson", "granddaughter", "sibling",
        "brother", "sister", "aunt", "uncle", "niece", "nephew", "cousin", "pariente", "madre",
        "padre", "abuela", "abuelo", "nieto", "nieta", "hermano", "hermana", "tia", "tio",
        "sobrino", "sobrina", "primo", "prima",
    ),
    Member.Relationship.OTHER: (
        "other", "non-relative", "nonrelative", "unrelated", "roommate", "otro", "otra",
    ),
}  # fmt: skip
_RELATIONSHIPS = {
    word: relationship for relationship, words in _RELATIONSHIP_WORDS.items() for word in words
}
FIRST_SHOWN = 5
# Values per IN list: a file of 100,000 rows is read in batches (SQLite allows a few thousand
# parameters in one statement).
CHUNK = 2000


def _chunks(values: set[Any]) -> Iterator[list[Any]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def header_key(header: list[str]) -> list[str]:
    return [name.strip().casefold() for name in header]


def saved_mapping(source: ExtractSource, header: list[str]) -> dict[str, str] | None:
    """The source's mapping when this file has the header it was made for."""
    if source.mapping and source.header == header_key(header):
        return dict(source.mapping)
    return None


def suggested_mapping(header: list[str]) -> dict[str, str]:
    """A first guess for a new header: columns whose names say what they hold."""
    guess = {}
    for name in header:
        for stride_field, names in _NAMES.items():
            if name.strip().casefold() in names and stride_field not in guess:
                guess[stride_field] = name
    return guess


def save_mapping(
    source: ExtractSource, header: list[str], mapping: dict[str, str], actor: Actor | None = None
) -> None:
    """Keep the mapping for the source's next files with this header."""
    source.header = header_key(header)
    source.mapping = {key: value for key, value in mapping.items() if value}
    source.save(update_fields=["header", "mapping"])
    if actor is not None:
        audit.record(actor, Action.CHANGE, source, None, ["header", "mapping"])


def file_bytes(extract: CaseloadExtract) -> bytes:
    return base64.b64decode(extract.data)


def encode_file(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def table_of(extract: CaseloadExtract) -> Table:
    return read(file_bytes(extract), extract.filename, extract.encoding)


@dataclass
class Row:
    number: int
    values: dict[str, str]  # the cells, by Stride field, as text
    birth_date: date
    ssn: str
    aid_start: date | None
    coach: User | None
    relationship: str = Member.Relationship.HEAD
    members: list["Row"] = field(default_factory=list)  # the rest of a head's household

    @property
    def case_number(self) -> str:
        return self.values["case_number"].strip().upper()

    @property
    def name(self) -> tuple[str, str]:
        return _folded(self.values["first_name"]), _folded(self.values["last_name"])


def _folded(text: str) -> str:
    """A name as it compares: case and accents aside (the state's file may drop accents)."""
    plain = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in plain if not unicodedata.combining(char))


@dataclass
class Outcome:
    row: Row
    kind: str  # NEW, UPDATE, UNCHANGED, REVIEW or WAITING (a review already open)
    participant: Participant | None = None
    changes: list[str] = field(default_factory=list)
    reason: str = ""
    members: list[Row] = field(default_factory=list)  # the household's rows to add to it


NEW, UPDATE, UNCHANGED, REVIEW, WAITING = "new", "update", "unchanged", "review", "waiting"


@dataclass
class Plan:
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    left: list[Participant] = field(default_factory=list)
    rows: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.kind == kind)

    @property
    def problem_rows(self) -> int:
        return len({problem.row for problem in self.problems})

    @property
    def good_rows(self) -> int:
        return len(self.outcomes)

    @property
    def changes_anything(self) -> bool:
        return any(outcome.kind in (NEW, UPDATE, REVIEW) for outcome in self.outcomes)

    def problem_kinds(self) -> list[dict[str, Any]]:
        """The problems grouped by message, with their counts and first rows."""
        grouped: dict[str, list[Problem]] = defaultdict(list)
        for problem in self.problems:
            grouped[problem.message].append(problem)
        return [
            {"message": message, "count": len(found), "first": found[:FIRST_SHOWN]}
            for message, found in sorted(grouped.items(), key=lambda item: -len(item[1]))
        ]

    def summary(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "new": self.count(NEW),
            "updated": self.count(UPDATE),
            "unchanged": self.count(UNCHANGED),
            "review": self.count(REVIEW),
            "waiting": self.count(WAITING),
            "skipped": self.problem_rows,
            "left": len(self.left),
            "members": sum(
                len(outcome.members) for outcome in self.outcomes if outcome.kind in (NEW, UPDATE)
            ),
        }


def _aid_start(months: str, start: date | None, today: date) -> date | None:
    if not months.strip():
        return start
    if not months.strip().isdigit() or not 0 < int(months) <= 600:
        raise ValueError(_("Write the months on aid as a whole number, like 14."))
    month = today.month - int(months) + 1
    derived = date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    if start is not None and (start.year, start.month) != (derived.year, derived.month):
        raise ValueError(_("The enrollment start and the months on aid disagree."))
    return start or derived


def _rows(
    table: Table, mapping: dict[str, str], coaches: dict[str, User], problems: list[Problem]
) -> list[Row]:
    index = {name.strip().casefold(): i for i, name in enumerate(table.header)}
    columns = {key: index.get(header.strip().casefold()) for key, header in mapping.items()}
    missing = [key for key in REQUIRED if columns.get(key) is None]
    if missing:
        problems.extend(
            Problem(1, str(FIELDS[key]), Kind.MISSING, _("The file has no column for this."))
            for key in missing
        )
        return []
    today = timezone.localdate()
    rows = []
    for number, cells in table.rows:
        values = {
            key: (cells[i] if i is not None and i < len(cells) else "")
            for key, i in columns.items()
        }
        for key in FIELDS:
            values.setdefault(key, "")

        def refuse(key: str, kind: str, message: str, number: int = number) -> None:
            problems.append(Problem(number, mapping.get(key, str(FIELDS[key])), kind, message))

        empty = [key for key in REQUIRED if not values[key].strip()]
        for key in empty:
            refuse(key, Kind.MISSING, _("This cell is empty."))
        if empty:
            continue
        try:
            birth_date = parse_date(values["birth_date"])
        except ValueError as error:
            refuse("birth_date", Kind.DATE, str(error))
            continue
        if birth_date is None or birth_date > today:
            refuse("birth_date", Kind.DATE, _("The birth date can't be in the future."))
            continue
        relationship = Member.Relationship.HEAD
        if columns.get("relationship") is not None:
            said = _folded(values["relationship"]).replace("_", " ")
            if not said:
                refuse("relationship", Kind.MISSING, _("This cell is empty."))
                continue
            if said not in _RELATIONSHIPS:
                refuse(
                    "relationship",
                    Kind.VALUE,
                    _(
                        "Write the relationship to the head of household as head, spouse or "
                        "partner, child, relative or other."
                    ),
                )
                continue
            relationship = _RELATIONSHIPS[said]
        if relationship != Member.Relationship.HEAD:
            # A household's other members: who they are, and nothing of a case's opening.
            try:
                ssn = parse_ssn(values["ssn"])
            except ValueError as error:
                refuse("ssn", Kind.SSN, str(error))
                continue
            if len(values["case_number"].strip()) > 20:
                refuse("case_number", Kind.VALUE, _("A case number has at most 20 characters."))
                continue
            rows.append(Row(number, values, birth_date, ssn, None, None, relationship))
            continue
        if age_on(birth_date, today) < YOUNGEST_HEAD_AGE:
            refuse(
                "birth_date",
                Kind.VALUE,
                _(
                    "The person being coached must be an adult or a young parent heading the household."
                ),
            )
            continue
        try:
            ssn = parse_ssn(values["ssn"])
        except ValueError as error:
            refuse("ssn", Kind.SSN, str(error))
            continue
        try:
            aid_start = _aid_start(values["months_on_aid"], parse_date(values["aid_start"]), today)
        except ValueError as error:
            refuse("aid_start", Kind.DATE, str(error))
            continue
        if aid_start is not None and aid_start > today:
            refuse("aid_start", Kind.DATE, _("Aid can't start in the future."))
            continue
        coach = None
        if values["coach"].strip():
            coach = coaches.get(values["coach"].strip().casefold())
            if coach is None:
                refuse("coach", Kind.COACH, _("No coach in this county has this user name."))
                continue
        if len(values["case_number"].strip()) > 20:
            refuse("case_number", Kind.VALUE, _("A case number has at most 20 characters."))
            continue
        language = values["language"].strip()
        if language and _folded(language) not in _LANGUAGES:
            values["language"] = Household.Language.OTHER
        elif language:
            values["language"] = _LANGUAGES[_folded(language)]
        rows.append(Row(number, values, birth_date, ssn, aid_start, coach))
    return rows


def _without_duplicates(
    rows: list[Row], problems: list[Problem], mapping: dict[str, str]
) -> list[Row]:
    seen_case: dict[str, int] = {}
    seen_ssn: dict[str, int] = {}
    kept = []
    for row in rows:
        earlier = seen_case.get(row.case_number) or (row.ssn and seen_ssn.get(row.ssn))
        if earlier:
            column = "case_number" if row.case_number in seen_case else "ssn"
            problems.append(
                Problem(
                    row.number,
                    mapping.get(column, ""),
                    Kind.DUPLICATE,
                    _("This person or case is already on an earlier row of the file."),
                )
            )
            continue
        seen_case[row.case_number] = row.number
        if row.ssn:
            seen_ssn[row.ssn] = row.number
        kept.append(row)
    return kept


def _households(rows: list[Row], problems: list[Problem], mapping: dict[str, str]) -> list[Row]:
    """The heads' rows, each holding the other rows of its case number as its `members`.

    A member row goes with its head's row only: one whose case has no head's row that can
    be imported is a row to fix, as is the same person twice in a household, or an SSN
    already on another row of the file.
    """
    heads = _without_duplicates(
        [row for row in rows if row.relationship == Member.Relationship.HEAD], problems, mapping
    )
    by_case = {row.case_number: row for row in heads}
    ssns = {row.ssn for row in heads if row.ssn}
    for row in rows:
        if row.relationship == Member.Relationship.HEAD:
            continue
        head = by_case.get(row.case_number)
        if head is None:
            problems.append(
                Problem(
                    row.number,
                    mapping.get("relationship", ""),
                    Kind.MISSING,
                    _(
                        "This household's head is on no row that can be imported: add the "
                        "head's row or fix it."
                    ),
                )
            )
            continue
        twice = any(
            (other.name, other.birth_date) == (row.name, row.birth_date)
            for other in (head, *head.members)
        )
        if twice or (row.ssn and row.ssn in ssns):
            problems.append(
                Problem(
                    row.number,
                    mapping.get("ssn" if not twice else "first_name", ""),
                    Kind.DUPLICATE,
                    _("This person or case is already on an earlier row of the file."),
                )
            )
            continue
        if row.ssn:
            ssns.add(row.ssn)
        head.members.append(row)
    return heads


def _members_to_add(outcomes: list[Outcome]) -> None:
    """Each outcome's household rows that are not yet in its household (by name and birth
    date); a person up to date but for a new member of the household is an update."""
    households = {
        outcome.participant.household_id
        for outcome in outcomes
        if outcome.row.members and outcome.participant is not None
    }
    present: dict[int, set[tuple[tuple[str, str], date]]] = defaultdict(set)
    for some in _chunks(households):
        for household_id, first, last, birth_date in Member.objects.filter(
            household_id__in=some
        ).values_list("household_id", "first_name", "last_name", "birth_date"):
            present[household_id].add(((_folded(first), _folded(last)), birth_date))
    for outcome in outcomes:
        members = outcome.row.members
        if outcome.kind in (UPDATE, UNCHANGED) and outcome.participant is not None:
            known = present[outcome.participant.household_id]
            members = [row for row in members if (row.name, row.birth_date) not in known]
        outcome.members = members
        if outcome.kind == UNCHANGED and members:
            outcome.kind = UPDATE
            outcome.changes.append("members")


def _closeness(member: Member, row: Row) -> tuple[bool, int]:
    """(certainly the same person, how many of name, birth date and SSN ending agree)."""
    same_name = (_folded(member.first_name), _folded(member.last_name)) == row.name
    same_birth = member.birth_date == row.birth_date
    both_last4 = bool(member.ssn_last4 and row.ssn)
    same_last4 = both_last4 and member.ssn_last4 == row.ssn[-4:]
    same_ssn = bool(row.ssn) and member.ssn_hash == ssn_lookup_hash(row.ssn)
    certain = (same_name and same_birth and (same_last4 or not both_last4)) or (
        same_ssn and same_birth
    )
    return certain, same_name + same_birth + same_last4


def _changes(participant: Participant, row: Row) -> list[str]:
    """The fields a row would change; an empty cell never empties what Stride has."""
    household, member = participant.household, participant.member
    changed = [
        name
        for name in ("address_line", "city", "zip_code", "language")
        if row.values[name].strip() and getattr(household, name) != row.values[name].strip()
    ]
    # A state's file that writes names in capitals or without accents keeps Stride's spelling.
    if (_folded(member.first_name), _folded(member.last_name)) != row.name:
        changed.append("name")
    if member.birth_date != row.birth_date:
        changed.append("birth_date")
    if row.ssn and member.ssn_hash != ssn_lookup_hash(row.ssn):
        changed.append("ssn")
    enrollment = participant.current_enrollment
    if row.aid_start and enrollment is not None and enrollment.aid_start != row.aid_start:
        changed.append("aid_start")
    if row.coach is not None and participant.coach_id != row.coach.pk:
        changed.append("coach")
    return changed


_RELATED = ("member", "household", "current_enrollment")
_COMPARED = (
    "uuid", "coach",
    "member__first_name", "member__last_name", "member__birth_date", "member__relationship",
    "member__ssn_last4", "member__ssn_hash", "member__version", "member__household",
    "household__case_number", "household__address_line", "household__city",
    "household__zip_code", "household__language", "household__version",
    "current_enrollment__aid_start", "current_enrollment__version",
)  # fmt: skip


def plan(extract: CaseloadExtract, user: User) -> Plan:
    """The dry run: what importing `extract` would do, row by row. Writes nothing."""
    source = extract.source
    table = table_of(extract)
    result = Plan(problems=list(table.problems), rows=len(table.rows))
    if table.problems:
        return result
    mapping = saved_mapping(source, table.header)
    if mapping is None:
        result.problems.append(
            Problem(1, "", Kind.FILE, _("Map this file's columns before checking it."))
        )
        return result
    coaches = {
        coach.username.casefold(): coach
        for coach in access.assignable_coaches(user).filter(
            organisation__path__startswith=source.county.path
        )
    }
    rows = _households(_rows(table, mapping, coaches, result.problems), result.problems, mapping)
    visible = access.visible_to(Participant.objects.all(), user).filter(county=source.county)
    # What matching and the changes compare, and nothing else: no SSN decrypted, and a
    # county's 100,000 people held without the rest of their records.
    known = visible.select_related(*_RELATED).only(*_RELATED, *_COMPARED)
    numbers = {row.case_number for row in rows}
    by_case: dict[str, list[Participant]] = defaultdict(list)
    elsewhere: set[str] = set()
    for some in _chunks(numbers):
        for person in known.filter(household__case_number__in=some):
            by_case[person.household.case_number].append(person)
        elsewhere.update(
            Household.objects.filter(case_number__in=some)
            .exclude(county=source.county)
            .values_list("case_number", flat=True)
        )
    # Only a row whose case number Stride does not hold is matched by name, birth date and
    # SSN (see _match), so only those rows' people are looked for: a re-import reads none.
    unmatched = [row for row in rows if row.case_number not in by_case]
    hashes = {ssn_lookup_hash(row.ssn) for row in unmatched if row.ssn}
    close: dict[int, Participant] = {}
    for some_dates in _chunks({row.birth_date for row in unmatched}):
        people = known.filter(member__birth_date__in=some_dates)
        close.update((person.pk, person) for person in people)
    taken_elsewhere: set[str] = set()
    for some in _chunks(hashes):
        people = known.filter(member__ssn_hash__in=some)
        close.update((person.pk, person) for person in people)
        taken_elsewhere.update(
            Member.objects.filter(ssn_hash__in=some)
            .exclude(participant__in=visible)
            .values_list("ssn_hash", flat=True)
        )
    candidates: dict[date, list[Participant]] = defaultdict(list)
    by_hash: dict[str, Participant] = {}
    for person in close.values():
        candidates[person.member.birth_date].append(person)
        if person.member.ssn_hash:
            by_hash[person.member.ssn_hash] = person
    waiting_people = set(
        MatchReview.objects.filter(
            extract__source=source, status=MatchReview.Status.OPEN
        ).values_list("participant_id", flat=True)
    )
    matched: set[int] = set()
    for row in rows:
        if row.case_number in elsewhere:
            result.problems.append(
                Problem(
                    row.number,
                    mapping["case_number"],
                    Kind.COUNTY,
                    _("This case number belongs to a household in another county."),
                )
            )
            continue
        outcome = _match(row, by_case, candidates, by_hash)
        if outcome.kind == NEW and row.ssn and ssn_lookup_hash(row.ssn) in taken_elsewhere:
            result.problems.append(
                Problem(
                    row.number,
                    mapping.get("ssn", ""),
                    Kind.SSN,
                    _("This Social Security number already belongs to a person in Stride."),
                )
            )
            continue
        if outcome.kind == NEW and row.coach is None:
            result.problems.append(
                Problem(
                    row.number,
                    mapping.get("coach", str(FIELDS["coach"])),
                    Kind.COACH,
                    _("A new case needs a coach: write the coach's user name."),
                )
            )
            continue
        if outcome.kind == NEW and row.aid_start is None:
            result.problems.append(
                Problem(
                    row.number,
                    mapping.get("aid_start", str(FIELDS["aid_start"])),
                    Kind.DATE,
                    _("A new case needs its enrollment start or its months on aid."),
                )
            )
            continue
        if outcome.participant is not None:
            if outcome.kind == REVIEW and outcome.participant.pk in waiting_people:
                # Already waiting for a supervisor from an earlier upload: nothing new.
                outcome.kind = WAITING
            matched.add(outcome.participant.pk)
        result.outcomes.append(outcome)
    _members_to_add(result.outcomes)
    imported = {outcome.row.number for outcome in result.outcomes}
    for row in rows:
        if row.number not in imported:
            result.problems.extend(
                Problem(
                    member.number,
                    mapping["case_number"],
                    Kind.VALUE,
                    _("Row %(row)s, the head of this household, needs fixing first.")
                    % {"row": row.number},
                )
                for member in row.members
            )
    # A row with a problem still says its person has not left.
    case_column = header_key(table.header).index(mapping["case_number"].strip().casefold())
    seen_cases = {
        cells[case_column].strip().upper()
        for _number, cells in table.rows
        if case_column < len(cells)
    }
    gone = (
        set(SourceRecord.objects.filter(source=source).values_list("participant_id", flat=True))
        - matched
    )
    result.left = [
        person
        for some_ids in _chunks(gone)
        for person in Participant.objects.filter(pk__in=some_ids)
        .select_related("member", "household")
        .only("uuid", "member__first_name", "member__last_name", "household__case_number")
        if person.household.case_number not in seen_cases
    ]
    result.left.sort(key=lambda person: person.household.case_number)
    return result


def _match(
    row: Row,
    by_case: dict[str, list[Participant]],
    candidates: dict[date, list[Participant]],
    by_hash: dict[str, Participant],
) -> Outcome:
    in_case = by_case.get(row.case_number, [])
    for person in in_case:
        if _closeness(person.member, row)[0]:
            return _matched(row, person)
    if in_case:
        return Outcome(row, REVIEW, in_case[0], reason=MatchReview.Reason.CASE_NUMBER)
    others = candidates.get(row.birth_date, [])
    same_ssn = by_hash.get(ssn_lookup_hash(row.ssn)) if row.ssn else None
    if same_ssn is not None:
        others = [same_ssn, *others]
    best: tuple[int, Participant] | None = None
    for person in others:
        certain, agree = _closeness(person.member, row)
        if certain:
            return _matched(row, person)
        if agree >= 2 and (best is None or agree > best[0]):
            best = (agree, person)
    if best is not None:
        return Outcome(row, REVIEW, best[1], reason=MatchReview.Reason.CLOSE)
    return Outcome(row, NEW)


def _matched(row: Row, person: Participant) -> Outcome:
    changes = _changes(person, row)
    return Outcome(row, UPDATE if changes else UNCHANGED, person, changes)


class NotImported(Exception):
    """All or nothing was asked for, and a row could not be imported."""


Progress = Callable[[int, int], None]  # (rows done, rows to do), as the import goes


@transaction.atomic
def apply(
    actor: Actor,
    extract: CaseloadExtract,
    user: User,
    *,
    good_only: bool,
    progress: Progress | None = None,
) -> Plan:
    """Import the extract: every row (only when none has a problem), or only the good rows.

    Runs the dry run again on the stored file, inside the transaction, and saves
    what it found. An extract is imported once. New households are opened together
    (`opening.open_cases`), the rest row by row through `people.actions`; `progress`
    hears how many of the rows are done.
    """
    extract = CaseloadExtract.objects.select_for_update().get(pk=extract.pk)
    if extract.applied_at is not None:
        raise NotImported(_("This file is already imported."))
    found = plan(extract, user)
    if found.problems and (not good_only or not found.outcomes):
        raise NotImported(_("Nothing was imported: some rows need fixing first."))
    source = extract.source
    recorded = set(
        SourceRecord.objects.filter(source=source).values_list("participant_id", flat=True)
    )
    total = len(found.outcomes)
    report = progress or (lambda done, total: None)
    report(0, total)
    done: list[Outcome] = []
    new: list[Outcome] = []
    refused: list[Problem] = []
    matched: list[Participant] = []
    joining: list[tuple[Household, Row]] = []  # the rest of each household, added together
    moving: list[tuple[Outcome, dict[str, str]]] = []  # households' new details, changed together
    for number, outcome in enumerate(found.outcomes, start=1):
        if number % 500 == 0:
            report(len(done) + len(refused), total)
        if outcome.kind == NEW:
            new.append(outcome)
            continue
        if outcome.kind == WAITING or (
            outcome.kind == UNCHANGED
            and outcome.participant is not None
            and outcome.participant.pk in recorded
        ):
            done.append(outcome)  # nothing to write: a re-import costs only its dry run
            continue
        person = outcome.participant
        if person is not None and outcome.kind in (UPDATE, UNCHANGED):
            moved = _household_values(outcome)
            if moved is not None:
                # New details of the household only, or nothing: changed together below.
                if moved:
                    moving.append((outcome, moved))
                done.append(outcome)
                matched.append(person)
                joining.extend((person.household, member) for member in outcome.members)
                continue
        try:
            with transaction.atomic():
                person = _apply_one(actor, extract, outcome)
        except ValidationError as error:
            # A check only the action makes (a rare clash with a record elsewhere).
            refused.append(Problem(outcome.row.number, "", Kind.REFUSED, error.messages[0]))
        else:
            done.append(outcome)
            if person is not None:
                matched.append(person)
                joining.extend((person.household, member) for member in outcome.members)
    households = [
        (outcome.participant.household, outcome.participant.household.version, values)
        for outcome, values in moving
        if outcome.participant is not None
    ]
    for (outcome, _values), changed in zip(
        moving, opening.update_households(actor, households), strict=True
    ):
        if isinstance(changed, ValidationError):
            refused.append(Problem(outcome.row.number, "", Kind.REFUSED, changed.messages[0]))
    for start in range(0, len(new), OPEN_AT_ONCE):
        some = new[start : start + OPEN_AT_ONCE]
        opened = opening.open_cases(actor, [new_case(source, outcome.row) for outcome in some])
        for outcome, result in zip(some, opened, strict=True):
            if isinstance(result, ValidationError):
                refused.append(Problem(outcome.row.number, "", Kind.REFUSED, result.messages[0]))
            else:
                outcome.participant = result
                done.append(outcome)
                matched.append(result)
                joining.extend((result.household, member) for member in outcome.members)
        report(len(done) + len(refused), total)
    refused.extend(_add_members(actor, joining))
    if refused and not good_only:
        first = min(refused, key=lambda problem: problem.row)
        raise NotImported(
            _("Nothing was imported: row %(row)s: %(message)s")
            % {"row": first.row, "message": first.message}
        )
    found.problems.extend(sorted(refused, key=lambda problem: problem.row))
    SourceRecord.objects.bulk_create(
        [SourceRecord(source=source, participant=person) for person in matched],
        batch_size=OPEN_AT_ONCE,
        ignore_conflicts=True,
    )
    found.outcomes = sorted(done, key=lambda outcome: outcome.row.number)
    extract.applied_at = timezone.now()
    extract.report = found.summary()
    extract.status = CaseloadExtract.Status.IMPORTED
    extract.save(update_fields=["applied_at", "report", "status"])
    report(total, total)
    return found


# New households opened in one call of `open_cases`, between two reports of progress.
OPEN_AT_ONCE = 5000


_HOUSEHOLD_CHANGES = {"address_line", "city", "zip_code", "language"}


def _household_values(outcome: Outcome) -> dict[str, str] | None:
    """The household's new details when they are all a row changes (beside new members,
    added apart), as `update_from_row` would write them; None when it changes more."""
    changes = set(outcome.changes) - {"members"}
    if not changes <= _HOUSEHOLD_CHANGES:
        return None
    return {name: outcome.row.values[name].strip() for name in sorted(changes)}


def _add_members(actor: Actor, joining: list[tuple[Household, Row]]) -> list[Problem]:
    """Add the rows to their households in batches; the rows an action refused."""
    refused = []
    for start in range(0, len(joining), OPEN_AT_ONCE):
        some = joining[start : start + OPEN_AT_ONCE]
        added = opening.add_members(
            actor, [(household, _person_of(row)) for household, row in some]
        )
        for (_household, row), result in zip(some, added, strict=True):
            if isinstance(result, ValidationError):
                refused.append(Problem(row.number, "", Kind.REFUSED, result.messages[0]))
    return refused


def _person_of(row: Row) -> actions.PersonDetails:
    return actions.PersonDetails(
        row.values["first_name"].strip(),
        row.values["last_name"].strip(),
        row.birth_date,
        row.relationship,
        row.ssn,
    )


def _apply_one(actor: Actor, extract: CaseloadExtract, outcome: Outcome) -> Participant | None:
    """A row matched to someone: held for review, or their record updated. The person
    the source now has a record of, or None (a row held for review)."""
    if outcome.kind == REVIEW:
        _hold_for_review(extract, outcome)
        return None
    assert outcome.participant is not None
    update_from_row(actor, outcome.participant, outcome.row)
    return outcome.participant


def _hold_for_review(extract: CaseloadExtract, outcome: Outcome) -> None:
    assert outcome.participant is not None
    review = MatchReview.objects.create(
        extract=extract,
        row=outcome.row.number,
        participant=outcome.participant,
        values=outcome.row.values
        | {
            "coach_id": outcome.row.coach.pk if outcome.row.coach else None,
            # The rest of the household, added once the supervisor says whose it is.
            "members": [
                member.values | {"row": member.number, "relationship": member.relationship}
                for member in outcome.row.members
            ],
        },
        reason=outcome.reason,
    )
    audit.record(
        Actor(extract.uploaded_by), Action.CREATE, review, outcome.participant.uuid, ["status"]
    )


def new_case(source: ExtractSource, row: Row) -> opening.NewCase:
    """The case a row opens: its household, its adult, enrolled in the source's program."""
    assert row.coach is not None and row.aid_start is not None
    values = row.values
    return opening.NewCase(
        case_number=row.case_number,
        county=source.county,
        person=actions.PersonDetails(
            values["first_name"].strip(),
            values["last_name"].strip(),
            row.birth_date,
            Member.Relationship.HEAD,
            row.ssn,
        ),
        program=source.program,
        aid_start=row.aid_start,
        coach=row.coach,
        address_line=values["address_line"].strip(),
        city=values["city"].strip(),
        zip_code=values["zip_code"].strip(),
        language=values["language"].strip() or Household.Language.ENGLISH,
    )


def open_from_row(actor: Actor, source: ExtractSource, row: Row) -> Participant:
    case = new_case(source, row)
    return actions.open_case(actor, **{f.name: getattr(case, f.name) for f in fields(case)})


def update_from_row(actor: Actor, person: Participant, row: Row) -> None:
    """Change what the row changes, each through its action; nothing when nothing differs."""
    changes = _changes(person, row)
    if not changes:
        return
    household = {
        name: row.values[name].strip()
        for name in ("address_line", "city", "zip_code", "language")
        if name in changes
    }
    if household:
        actions.update_household(actor, person.household, person.household.version, **household)
    if {"name", "birth_date", "ssn"} & set(changes):
        member = person.member
        actions.update_member(
            actor,
            member,
            member.version,
            actions.PersonDetails(
                row.values["first_name"].strip(),
                row.values["last_name"].strip(),
                row.birth_date,
                member.relationship,
                row.ssn,
            ),
        )
    enrollment = person.current_enrollment
    if "aid_start" in changes and enrollment is not None:
        actions.update_enrollment(actor, enrollment, enrollment.version, aid_start=row.aid_start)
    if "coach" in changes and row.coach is not None:
        actions.reassign(actor, person, row.coach, _("The state's caseload extract"))


def _member_of_review(values: dict[str, Any]) -> Row:
    birth_date = parse_date(values["birth_date"])
    assert birth_date is not None
    return Row(
        values["row"],
        values,
        birth_date,
        parse_ssn(values.get("ssn", "")),
        None,
        None,
        values["relationship"],
    )


def row_of_review(review: MatchReview) -> Row:
    values = {
        key: value for key, value in review.values.items() if key not in ("coach_id", "members")
    }
    coach = User.objects.filter(pk=review.values.get("coach_id")).first()
    birth_date = parse_date(values["birth_date"])
    assert birth_date is not None
    row = Row(
        review.row,
        values,
        birth_date,
        parse_ssn(values.get("ssn", "")),
        _aid_start(
            values.get("months_on_aid", ""),
            parse_date(values.get("aid_start", "")),
            review.extract.uploaded_at.date(),
        ),
        coach,
    )
    row.members = [_member_of_review(member) for member in review.values.get("members", [])]
    return row


@transaction.atomic
def settle(actor: Actor, review: MatchReview, same: bool) -> Participant:
    """A supervisor's decision on a row that may be someone already in Stride.

    The same person: the row changes their record. Different people: the row
    opens a case of its own. Raises ValidationError when that cannot be done.
    """
    review = MatchReview.objects.select_for_update().get(pk=review.pk)
    if review.status != MatchReview.Status.OPEN:
        raise ValidationError(_("This match is already settled."))
    row = row_of_review(review)
    source = review.extract.source
    if same:
        person = Participant.objects.select_related(
            "member", "household", "current_enrollment"
        ).get(pk=review.participant_id)
        update_from_row(actor, person, row)
        status = MatchReview.Status.SAME
    else:
        if row.coach is None or row.aid_start is None:
            raise ValidationError(
                _("The row has no coach or enrollment start, so it can't open a case of its own.")
            )
        person = open_from_row(actor, source, row)
        status = MatchReview.Status.DIFFERENT
    if row.members:
        outcome = Outcome(row, UNCHANGED, person)
        _members_to_add([outcome])
        refused = _add_members(actor, [(person.household, member) for member in outcome.members])
        if refused:
            raise ValidationError(
                _("Row %(row)s: %(message)s")
                % {"row": refused[0].row, "message": refused[0].message}
            )
    SourceRecord.objects.get_or_create(source=source, participant=person)
    review.status = status
    review.settled_by = actor.user
    review.settled_at = timezone.now()
    review.save(update_fields=["status", "settled_by", "settled_at"])
    audit.record(
        actor,
        Action.CHANGE,
        review,
        review.participant.uuid,
        ["status"],
        {"status": (MatchReview.Status.OPEN, status)},
    )
    return person


def problem_lines(found: Plan) -> list[list[object]]:
    """The full list of rows to fix, for the CSV download."""
    return [
        [_("Row"), _("Column"), _("What to fix")],
        *([problem.row, problem.column, problem.message] for problem in found.problems),
    ]


@transaction.atomic
def receive(
    actor: Actor,
    county: Any,
    source: ExtractSource | None,
    new_source: str,
    program: Any,
    filename: str,
    encoding: str,
    data: bytes,
) -> CaseloadExtract:
    """Keep an uploaded extract (and the new source it names) for its dry run."""
    if source is None:
        source = ExtractSource.objects.create(
            county=county, name=new_source.strip(), program=program
        )
        audit.record(actor, Action.CREATE, source, None, ["name", "program"])
    extract = CaseloadExtract.objects.create(
        source=source,
        uploaded_by=actor.user,
        filename=filename[:200],
        encoding=encoding,
        data=encode_file(data),
    )
    audit.record(actor, Action.CREATE, extract, None, ["filename"])
    return extract
