"""HSDS 1.x, 2.0 and 3.0: each version's names for the tables and columns the checker reads.

The checker reads HSDS 3.0 names only. Each version is one table of names:
the file's table (as the version names it) -> the 3.0 table it fills, the
file's columns that go by another name in 3.0, and the values a table implies
(a 1.x `services_taxonomy` row links a service to a term, so its link_entity
is "service"). A column is renamed only when the file does not also have the
3.0 name (HSDS 2.0 services carry both `fees` and `fees_description`: the
second is read).

Values read the same in every version (values.py): days as MO, 1 (Monday,
as ISO 8601 numbers them) or Monday; times as 17:30, 17:30:00 or 5:30pm.

The version is the one the datapackage.json declares (its `version`, or an
HSDS `profile`), else the one whose own tables the file has most of; a file
with none of them is read as 3.0, what Stride writes.

Table names match in the singular or the plural, whichever the file uses
(Frictionless resources are singular, their CSV files mostly plural).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .tables import SPECS, Row, Source, Tables


@dataclass(frozen=True)
class Named:
    """One table of a version: the 3.0 table it fills, its renamed columns, the values it implies."""

    table: str
    columns: Mapping[str, str] = field(default_factory=dict)  # the file's name -> 3.0's
    implies: Mapping[str, str] = field(default_factory=dict)  # 3.0 column -> value


@dataclass(frozen=True)
class Version:
    label: str
    tables: Mapping[str, Named]  # the table's name in the singular -> what it fills
    own: frozenset[str]  # tables only this version has: how a package without a version is told


def singular(name: str) -> str:
    """The table's name with each word in the singular: services_at_location -> service_at_location."""
    words = []
    for word in re.sub(r"[\s-]+", "_", name.strip().lower()).split("_"):
        if word.endswith("ies"):
            word = word[:-3] + "y"
        elif word.endswith(("sses", "xes")):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return "_".join(words)


def _same(*names: str) -> dict[str, Named]:
    return {singular(name): Named(name) for name in names}


HSDS_3 = Version(
    "3.0",
    _same(*SPECS),
    frozenset({"attribute", "cost_option", "organization_identifier", "taxonomy_term"}),
)

HSDS_2 = Version(
    "2.0",
    _same(
        "locations",
        "addresses",
        "service_at_locations",
        "phones",
        "schedules",
    )
    | {
        "taxonomy_term": Named("taxonomy_terms", {"term": "name"}),
        "organization": Named("organizations", {"url": "website"}),
        "service": Named("services", {"fees": "fees_description"}),
        "language": Named("languages", {"language": "name"}),
        "service_area": Named("service_areas", {"service_area": "name"}),
        "service_attribute": Named(
            "attributes", {"service_id": "link_id"}, {"link_entity": "service"}
        ),
        "other_attribute": Named("attributes", {"link_type": "link_entity"}),
    },
    frozenset({"service_attribute", "other_attribute"}),
)

HSDS_1 = Version(
    "1.x",
    _same("locations", "phones")
    | {
        "organization": Named("organizations", {"url": "website"}),
        "service": Named("services", {"fees": "fees_description"}),
        "physical_address": Named("addresses"),
        "service_at_location": Named("service_at_locations"),
        "regular_schedule": Named("schedules", {"weekday": "byday"}),
        "language": Named("languages", {"language": "name"}),
        "service_area": Named("service_areas", {"service_area": "name"}),
        "taxonomy": Named("taxonomy_terms", {"vocabulary": "taxonomy"}),
        "service_taxonomy": Named(
            "attributes",
            {"service_id": "link_id", "taxonomy_id": "taxonomy_term_id"},
            {"link_entity": "service"},
        ),
    },
    frozenset(
        {
            "physical_address",
            "postal_address",
            "regular_schedule",
            "holiday_schedule",
            "service_taxonomy",
            "payment_accepted",
            "accessibility_for_disability",
            "eligibility",
        }
    ),
)

VERSIONS = {"1": HSDS_1, "2": HSDS_2, "3": HSDS_3}

# Why Stride leaves a table it knows of unread; any other table: it doesn't keep it.
NOT_KEPT = {
    "postal_address": _("Stride keeps the street address of a place, not its postal address"),
    "holiday_schedule": _("Stride keeps weekly opening hours, not holiday closures"),
    "contact": _("Stride keeps the phone and email of an organization or service, not of people"),
}
NOT_KEPT_OTHERWISE = _("Stride doesn't keep it")


def declared(descriptor: Mapping[str, object]) -> Version | None:
    """The version a datapackage.json names, if it names one."""
    profile = descriptor.get("profile")
    if isinstance(profile, str):
        found = re.search(r"hsds\D{0,20}?(\d)\.\d", profile, re.I)
        if found and found[1] in VERSIONS:
            return VERSIONS[found[1]]
    for key in ("hsds_version", "version"):
        value = descriptor.get(key)
        found = re.fullmatch(r"v?(\d)(?:\.\d+)*", str(value).strip()) if value else None
        if found and found[1] in VERSIONS:
            return VERSIONS[found[1]]
    return None


def guessed(names: Iterable[str]) -> Version:
    """The version whose own tables the file has most of; 3.0 when it has none."""
    present = {singular(name) for name in names}
    scores = [(len(version.own & present), version) for version in (HSDS_3, HSDS_2, HSDS_1)]
    best = max(score for score, _version in scores)
    return next(version for score, version in scores if score == best)


@dataclass
class RawTable:
    """A table as read from the file: the name it shows and the rows under its own column names."""

    shown: str  # the CSV file's name without .csv, or the resource's name
    rows: list[Row]
    columns: list[str]
    also: str = ""  # the resource's name in datapackage.json, when it differs


class TwoFiles(ValueError):
    """Two of the file's tables are the same HSDS table."""


SHORT = 40  # characters: ids, codes, places and times repeat; descriptions seldom do


@dataclass
class Into:
    """Where one of the file's tables goes: its 3.0 table, and the columns kept, by position.

    Only the columns the checker reads are kept (a 211's export carries many it doesn't),
    and a short value the file repeats (an id, a city, "active") is kept once.
    """

    rows: list[Row]
    source: Source
    kept: list[tuple[int, str]]  # (position in the file's header, 3.0 column)
    implies: Mapping[str, str]
    pool: dict[str, str]

    def add(self, cells: list[str], line: int) -> None:
        pool = self.pool
        values = {
            column: (
                pool.setdefault(cells[at], cells[at]) if len(cells[at]) <= SHORT else cells[at]
            )
            if at < len(cells)
            else ""
            for at, column in self.kept
        }
        for column, value in self.implies.items():
            values.setdefault(column, value)
        self.rows.append(Row(values, line, self.source))


class Translation:
    """The file's tables under 3.0 names, filled table by table as the file is read.

    Tables Stride does not read are named in `tables.unread`, with the reason, and left out.
    """

    def __init__(self, version: Version) -> None:
        self.version = version
        self.tables = Tables(version=version.label)
        self.seen: dict[str, str] = {}
        self.pool: dict[str, str] = {}  # the short values read so far, each kept once

    def table(self, shown: str, columns: list[str], also: str = "") -> Into | None:
        """Where the rows of a table with these columns (the file's names) go; None: not read."""
        key = next(
            (singular(n) for n in (also, shown) if n and singular(n) in self.version.tables),
            singular(also or shown),
        )
        if key in self.seen:
            raise TwoFiles(self.seen[key])
        self.seen[key] = shown
        named = self.version.tables.get(key)
        if named is None:
            self.tables.unread[shown] = str(NOT_KEPT.get(key, NOT_KEPT_OTHERWISE))
            return None
        renames = {old: new for old, new in named.columns.items() if new not in columns}
        known = set(SPECS[named.table].columns) | READ_ALSO.get(named.table, set())
        kept = [
            (at, renames.get(column, column))
            for at, column in enumerate(columns)
            if column and renames.get(column, column) in known
        ]
        unread = [
            column
            for column in columns
            if column and renames.get(column, column) not in known and column not in named.implies
        ]
        if unread:
            self.tables.unread_columns[shown] = unread
        source = Source(shown, {new: old for old, new in renames.items()})
        return Into(self.tables.setdefault(named.table, []), source, kept, named.implies, self.pool)


# Columns the checker looks at beyond those Stride writes (to skip a row, or to find its service).
READ_ALSO: dict[str, set[str]] = {
    "phones": {"location_id", "contact_id", "service_at_location_id"},
    "services": {"taxonomy_ids"},
    "schedules": {"location_id", "service_at_location_id"},
    "service_areas": {"service_at_location_id"},
    "taxonomy_terms": {"taxonomy_id"},
}
