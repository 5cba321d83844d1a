"""The flat 211 export: one wide CSV of an AIRS-style 211 directory, read as HSDS 3.0 tables.

iCarol, and the 211 systems built like it, export a directory as one CSV with
a column per field (a hundred or more) and a row per record. A record is at a
level, named in `TaxonomyLevelName`: an Agency (`ParentAgencyNum` 0 or
blank), a Site or a Program of an agency (`ParentAgencyNum` the agency's
`ResourceAgencyNum`), or a ProgramAtSite, the row that puts a program at a
site (`ConnectsToProgramNum` beside `ConnectsToSiteNum`). A file without
levels is read by its parent numbers: no parent, an agency; else a program.
A file of ProgramAtSite rows alone has the agency, site and program side by
side in each row: ParentAgencyNum and ParentAgency; ConnectsToSiteNum,
SiteAgencyNamePublic and the Physical address; ConnectsToProgramNum with the
row's PublicName and program columns (a program at two sites is read once).

The column names are the ones iCarol writes, as published code that reads
real exports spells them: OpenCIOC's iCarol import
(OpenCIOC/onlineresources, python/tools/icarol_fetch.py, its FieldOrder),
BC211's converter of its iCarol CSV (pg-irc/pathways-backend,
bc211/convert_icarol_csv/parser.py: agencies have ParentAgencyNum 0,
LastVerifiedOn is written 3/31/2025, TaxonomyCodes are separated by ";" or
"*"), and iCarol's own help pages on the Agency, Program and Site structure
and on its data export (columns are added over time, so a reader goes by
the header, never by position). Names are matched ignoring case, spaces and
underscores.

What becomes what (the 3.0 tables the checker reads, keeping the file's own
numbers as ids, so importing the same file again changes nothing):
- Agency -> organizations (PublicName, AgencyDescription, EmailAddressMain,
  WebsiteAddress) and its phone. An agency the file gives no program is its
  own service too (iCarol's agency-only directories), and is reported.
- Site -> locations (PublicName, Latitude, Longitude) and addresses
  (PhysicalAddress1 and 2, PhysicalCity, PhysicalStateProvince,
  PhysicalPostalCode, PhysicalCountry). An agency without sites, or a program
  at none, that gives a street address is a place of its own.
- Program -> services (AgencyDescription, WebsiteAddress, EmailAddressMain,
  AgencyStatus or MadeInactiveOn, ApplicationProcess, FeeStructureSource,
  Eligibility, LastVerifiedOn); HoursOfOperation (or Hours), free text, is a
  schedule's description, which the checker keeps as the service's hours
  note; LanguagesOfferedList (or LanguagesOffered) -> languages; CoverageArea,
  Coverage or CoverageAreaText -> service_areas (a "CA - Fresno County - Fresno"
  path is read as its county); TaxonomyCodes, with TaxonomyTerms (or
  TaxonomyTermsNotDeactivated, TaxonomyTerm) as their names, -> the service's
  taxonomy_ids and taxonomy_terms, which the crosswalk places.
- ProgramAtSite -> service_at_locations.
- The phone of a record is the first of PhoneNumberBusinessLine,
  Phone1Number to Phone5Number (unless its Phone1Type... says fax or TTY),
  PhoneTollFree and PhoneNumberHotline that is a phone number (or, if none
  is, the first given, for the checker to report).

Kept out on purpose, and said in the warnings: what the file marks private
(PhysicalAddressIsPrivate, a phone's IsPrivate: a shelter's address stays
unpublished, map point included), text that is no taxonomy code, and
languages Stride cannot name.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import PurePosixPath

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from .tables import Row, Source, Tables
from .values import language_codes, parse_phone

VERSION = "flat"  # what Tables.version says of a flat 211 export, beside HSDS's "1.x"...

AGENCY, SITE, PROGRAM, PROGRAM_AT_SITE = "agency", "site", "program", "program at site"
LEVELS = {
    "agency": AGENCY,
    "site": SITE,
    "program": PROGRAM,
    "service": PROGRAM,
    "programatsite": PROGRAM_AT_SITE,
    "serviceatsite": PROGRAM_AT_SITE,
}


def _private(phone: str) -> str:
    """The column that says a phone number is private: Phone1IsPrivate, PhoneTollFreeIsPrivate."""
    return f"{phone.removesuffix('Number') if phone[5:6].isdigit() else phone}IsPrivate"


PHONES = (
    "PhoneNumberBusinessLine",
    *(f"Phone{n}Number" for n in range(1, 6)),
    "PhoneTollFree",
    "PhoneNumberHotline",
)
HOURS = ("HoursOfOperation", "Hours")
LANGUAGES = ("LanguagesOfferedList", "LanguagesOffered")
AREAS = ("CoverageArea", "Coverage", "CoverageAreaText")
TERM_NAMES = ("TaxonomyTerms", "TaxonomyTermsNotDeactivated", "TaxonomyTerm")
ADDRESS = {
    "address_1": "PhysicalAddress1",
    "city": "PhysicalCity",
    "state_province": "PhysicalStateProvince",
    "postal_code": "PhysicalPostalCode",
    "country": "PhysicalCountry",
}
ORGANIZATION = {
    "description": "AgencyDescription",
    "email": "EmailAddressMain",
    "website": "WebsiteAddress",
}
SERVICE = {
    "description": "AgencyDescription",
    "url": "WebsiteAddress",
    "email": "EmailAddressMain",
    "application_process": "ApplicationProcess",
    "fees_description": "FeeStructureSource",
    "eligibility_description": "Eligibility",
    "assured_date": "LastVerifiedOn",
}
OTHER = (
    "ResourceAgencyNum",
    "ParentAgencyNum",
    "TaxonomyLevelName",
    "PublicName",
    "AgencyStatus",
    "MadeInactiveOn",
    "PhysicalAddress2",
    "PhysicalAddressIsPrivate",
    "Latitude",
    "Longitude",
    "ConnectsToSiteNum",
    "ConnectsToProgramNum",
    "TaxonomyCodes",
)
KNOWN = (
    OTHER
    + PHONES
    + tuple(_private(name) for name in PHONES)
    + tuple(f"Phone{n}Type" for n in range(1, 6))
    + HOURS
    + LANGUAGES
    + AREAS
    + TERM_NAMES
    + tuple(ADDRESS.values())
    + tuple(ORGANIZATION.values())
    + tuple(SERVICE.values())
)
# The columns that number and name a record: its own, or, in a file of programs at sites
# only, the agency's, site's and program's side by side in each row.
Ident = tuple[str, str]
OWN: Ident = ("ResourceAgencyNum", "PublicName")
AGENCY_BESIDE: Ident = ("ParentAgencyNum", "ParentAgency")
SITE_BESIDE: Ident = ("ConnectsToSiteNum", "SiteAgencyNamePublic")
PROGRAM_BESIDE: Ident = ("ConnectsToProgramNum", "PublicName")
BESIDE_ONLY = ("ParentAgency", "SiteAgencyNamePublic")
CODE = re.compile(r"[A-Z]{1,2}(?:-\d{4}(?:\.\d{4}(?:-\d{3}(?:\.\d{2})?)?)?)?")
YES = {"yes", "y", "true", "1", "x"}
NOT_TO_CALL = re.compile(r"fax|tty|tdd", re.I)  # a numbered phone's type that is no line to call
US = {"", "us", "usa", "u.s.", "u.s.a.", "united states", "united states of america"}
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\b")
SHOWN_ROWS = 5

# What reading left out or read another way, by kind: said with the rows, in the warnings.
NOTES = {
    "code": ngettext_lazy(
        "%(count)d entry in %(column)s isn't a taxonomy code (like BD-1800.2000) "
        "and was left out: %(rows)s.",
        "%(count)d entries in %(column)s aren't taxonomy codes (like BD-1800.2000) "
        "and were left out: %(rows)s.",
        "count",
    ),
    "private phone": ngettext_lazy(
        "%(count)d phone number the file marks private was left out: %(rows)s.",
        "%(count)d phone numbers the file marks private were left out: %(rows)s.",
        "count",
    ),
    "private address": ngettext_lazy(
        "%(count)d place keeps its address private in the file, so it was read "
        "without its address or map point: %(rows)s.",
        "%(count)d places keep their address private in the file, so they were "
        "read without their address or map point: %(rows)s.",
        "count",
    ),
    "agency only": ngettext_lazy(
        "%(count)d agency has no program in the file, so it was read as its own "
        "service too: %(rows)s.",
        "%(count)d agencies have no program in the file, so each was read as its "
        "own service too: %(rows)s.",
        "count",
    ),
    "level": ngettext_lazy(
        "%(count)d row names a level Stride doesn't know in %(column)s, so it was "
        "read by its parent number: %(rows)s.",
        "%(count)d rows name a level Stride doesn't know in %(column)s, so they "
        "were read by their parent numbers: %(rows)s.",
        "count",
    ),
}


def key(name: str) -> str:
    """A column's name as matched: no case, spaces, underscores or dashes."""
    return re.sub(r"[\s_-]+", "", name).lower()


def recognises(header: Iterable[str]) -> bool:
    """The header is a flat 211 export's: it numbers its records and names them as iCarol does."""
    keys = {key(name) for name in header}
    return {"resourceagencynum", "publicname"} <= keys


def read_columns(header: Iterable[str]) -> set[str]:
    """The columns of the header this module reads (a 211's export has many more)."""
    read = {key(name) for name in KNOWN + BESIDE_ONLY}
    return {column for column in header if column and key(column) in read}


def read(header: list[str], shown: list[str], rows: list[Row], filename: str) -> Tables:
    """The file's rows as the 3.0 tables the checker reads, with what was and wasn't read.

    `header` names the rows' columns, `shown` the same columns as the file writes them.
    """
    return _Reader(header, shown, PurePosixPath(filename).stem or filename).tables(rows)


class _Reader:
    def __init__(self, header: list[str], shown: list[str], name: str) -> None:
        self.name = name
        self.column: dict[str, str] = {}  # a column's key -> the rows' name of it
        self.shown: dict[str, str] = {}  # a column's key -> the file's name of it
        for column, written in zip(header, shown, strict=False):
            self.column.setdefault(key(column), column)
            self.shown.setdefault(key(column), written)
        self.header = list(zip(header, shown, strict=False))
        self.beside = False  # the file's rows are programs at sites, their records side by side
        self.sources: dict[tuple[str, tuple[tuple[str, str], ...]], Source] = {}
        self.out: dict[str, list[Row]] = defaultdict(list)
        self.notes: dict[str, list[int]] = defaultdict(list)  # what was left out -> rows
        self.languages_unknown: dict[str, int] = {}
        self.terms_seen: set[str] = set()
        self.at: dict[str, str] = {}  # a column's name as this module writes it -> the rows'

    # The file's columns

    def found(self, name: str) -> str:
        """The rows' name of a column this module names, "" when the file hasn't it."""
        column = self.at.get(name)
        if column is None:
            column = self.at[name] = self.column.get(key(name), "")
        return column

    def has(self, *names: str) -> bool:
        return any(self.found(name) for name in names)

    def cell(self, row: Row, name: str) -> str:
        column = self.found(name)
        return (row.get(column) or "").strip() if column else ""

    def first(self, row: Row, names: Iterable[str]) -> tuple[str, str]:
        """The first of the columns the row fills in, and its value; the first the file has if none."""
        present = [name for name in names if self.has(name)]
        for name in present:
            value = self.cell(row, name)
            if value:
                return name, value
        return (present[0] if present else ""), ""

    def source(self, table: str, columns: Mapping[str, str]) -> Source:
        """The file as the source of a 3.0 table's rows, naming each 3.0 column by the file's column."""
        named = tuple(sorted(columns.items()))
        source = self.sources.get((table, named))
        if source is None:
            shown = {new: self.shown.get(key(old), old) for new, old in named}
            source = self.sources[(table, named)] = Source(self.name, shown)
        return source

    def add(self, table: str, row: Row, values: dict[str, str], columns: Mapping[str, str]) -> None:
        self.out[table].append(Row(values, row.line, self.source(table, columns)))

    def scalars(self, row: Row, wanted: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """The 3.0 columns the file has of `wanted` (3.0 -> file's), with their values."""
        values: dict[str, str] = {}
        columns: dict[str, str] = {}
        for new, old in wanted.items():
            if self.has(old):
                values[new], columns[new] = self.cell(row, old), old
        return values, columns

    # The rows, by level

    def level(self, row: Row) -> str:
        written = key(self.cell(row, "TaxonomyLevelName"))
        if written in LEVELS:
            return LEVELS[written]
        if written:
            self.notes["level"].append(row.line)
        if self.cell(row, "ParentAgencyNum") in ("", "0"):
            return AGENCY
        if self.cell(row, "ConnectsToSiteNum") and self.cell(row, "ConnectsToProgramNum"):
            return PROGRAM_AT_SITE
        return PROGRAM

    def tables(self, rows: list[Row]) -> Tables:
        by_level: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            by_level[self.level(row)].append(row)
        parents_of_programs = {self.cell(row, "ParentAgencyNum") for row in by_level[PROGRAM]}
        parents_of_sites = {self.cell(row, "ParentAgencyNum") for row in by_level[SITE]}
        programs_at_sites = {
            self.cell(row, "ConnectsToProgramNum") for row in by_level[PROGRAM_AT_SITE]
        }
        own_place: dict[str, str] = {}  # an agency or program at no site -> its address's place
        for row in by_level[AGENCY]:
            number = self.cell(row, "ResourceAgencyNum")
            self.organization(row)
            if number not in parents_of_sites and self.place(row, number, "ResourceAgencyNum"):
                own_place[number] = number
            if number not in parents_of_programs:
                self.notes["agency only"].append(row.line)
                self.service(row, "ResourceAgencyNum")
                self.at_own_place(row, number, own_place, "ResourceAgencyNum")
        for row in by_level[SITE]:
            self.place(row, self.cell(row, "ParentAgencyNum"), "ParentAgencyNum", site=True)
        for row in by_level[PROGRAM]:
            self.service(row, "ParentAgencyNum")
            number = self.cell(row, "ResourceAgencyNum")
            if number not in programs_at_sites:
                parent = self.cell(row, "ParentAgencyNum")
                if self.place(row, parent, "ParentAgencyNum"):
                    own_place[number] = number
                self.at_own_place(row, number, own_place, "ResourceAgencyNum", parent)
        self.beside = bool(by_level[PROGRAM_AT_SITE]) and not any(
            by_level[level] for level in (AGENCY, SITE, PROGRAM)
        )
        made: set[tuple[str, str]] = set()
        for row in by_level[PROGRAM_AT_SITE] if self.beside else ():
            agency = self.cell(row, "ParentAgencyNum")
            for ident in (AGENCY_BESIDE, SITE_BESIDE, PROGRAM_BESIDE):
                number = self.cell(row, ident[0])
                if (ident[0], number) in made:
                    continue
                made.add((ident[0], number))
                if ident == AGENCY_BESIDE:
                    self.organization(row, ident, details=False)
                elif ident == SITE_BESIDE:
                    self.place(row, agency, "ParentAgencyNum", site=True, ident=ident)
                else:
                    self.service(row, "ParentAgencyNum", ident)
        for row in by_level[PROGRAM_AT_SITE]:
            self.add(
                "service_at_locations",
                row,
                {
                    "id": self.cell(row, "ResourceAgencyNum"),
                    "service_id": self.cell(row, "ConnectsToProgramNum"),
                    "location_id": self.cell(row, "ConnectsToSiteNum"),
                },
                {
                    "id": "ResourceAgencyNum",
                    "service_id": "ConnectsToProgramNum",
                    "location_id": "ConnectsToSiteNum",
                },
            )
        return self.finished()

    def at_own_place(
        self, row: Row, service: str, places: Mapping[str, str], column: str, parent: str = ""
    ) -> None:
        """A service at no site is at the place its own address, or its agency's, makes."""
        place = places.get(service) or places.get(parent)
        if place and service:
            where = column if place == service else "ParentAgencyNum"
            self.add(
                "service_at_locations",
                row,
                {"service_id": service, "location_id": place},
                {"service_id": "ResourceAgencyNum", "location_id": where},
            )

    def organization(self, row: Row, ident: Ident = OWN, details: bool = True) -> None:
        """An agency; from a program's row (details False), its number and name only."""
        values, columns = self.scalars(row, ORGANIZATION if details else {})
        values |= {"id": self.cell(row, ident[0]), "name": self.cell(row, ident[1])}
        columns |= {"id": ident[0], "name": ident[1]}
        self.add("organizations", row, values, columns)
        if details:
            self.phone(row, "organization_id")

    def service(self, row: Row, parent: str, ident: Ident = OWN) -> None:
        number = self.cell(row, ident[0])
        values, columns = self.scalars(row, SERVICE)
        if "assured_date" in values:
            values["assured_date"] = _iso_date(values["assured_date"])
        values |= {
            "id": number,
            "organization_id": self.cell(row, parent),
            "name": self.cell(row, ident[1]),
        }
        columns |= {"id": ident[0], "organization_id": parent, "name": ident[1]}
        if self.has("AgencyStatus", "MadeInactiveOn"):
            values["status"] = self.status(row)
            columns["status"] = "AgencyStatus" if self.has("AgencyStatus") else "MadeInactiveOn"
        codes, names = self.taxonomy(row)
        if codes or names:
            values["taxonomy_ids"] = ";".join(codes + names)
            columns["taxonomy_ids"] = "TaxonomyCodes"
        self.add("services", row, values, columns)
        self.phone(row, "service_id", ident[0])
        of_service = {"service_id": ident[0]}
        name, hours = self.first(row, HOURS)
        if hours:
            blank = dict.fromkeys(("byday", "opens_at", "closes_at"), "")
            self.add(
                "schedules",
                row,
                {"service_id": number, **blank, "description": hours},
                of_service | dict.fromkeys(("byday", "opens_at", "closes_at", "description"), name),
            )
        name, spoken = self.first(row, LANGUAGES)
        for language in _split(spoken, r"[;,/\n|]|\band\b"):
            code = language_codes().get(language.lower())
            if code is None:
                self.languages_unknown.setdefault(language, row.line)
                continue
            values = {"service_id": number, "code": code, "name": language}
            self.add("languages", row, values, of_service | {"code": name, "name": name})
        name, areas = self.first(row, AREAS)
        for area in _areas(areas):
            self.add(
                "service_areas",
                row,
                {"service_id": number, "name": area},
                of_service | {"name": name},
            )

    def status(self, row: Row) -> str:
        written = self.cell(row, "AgencyStatus")
        if self.cell(row, "MadeInactiveOn") or "inactive" in written.lower():
            return "inactive"
        return written

    def phone(self, row: Row, owner: str, number_column: str = "ResourceAgencyNum") -> None:
        given = []
        for name in PHONES:
            number = self.cell(row, name)
            if number and self.cell(row, _private(name)).lower() in YES:
                self.notes["private phone"].append(row.line)
            elif number and not NOT_TO_CALL.search(self.cell(row, name.replace("Number", "Type"))):
                given.append((name, number))
        if not given:
            return
        name, number = next(((n, v) for n, v in given if parse_phone(v)), given[0])
        values = {owner: self.cell(row, number_column), "number": number}
        self.add("phones", row, values, {owner: number_column, "number": name})

    def place(
        self, row: Row, organization: str, column: str, site: bool = False, ident: Ident = OWN
    ) -> bool:
        """A location of the row's street address (a site's always); False when the row gives none."""
        number = self.cell(row, ident[0])
        address, columns = self.scalars(row, ADDRESS)
        if not site and not any(address.get(part) for part in ("address_1", "city", "postal_code")):
            return False
        private = self.cell(row, "PhysicalAddressIsPrivate").lower() in YES
        values = {
            "id": number,
            "organization_id": organization,
            "name": self.cell(row, ident[1]),
        }
        names = {"id": ident[0], "organization_id": column, "name": ident[1]}
        if not private:
            latitude, longitude = self.cell(row, "Latitude"), self.cell(row, "Longitude")
            if _number(latitude) != 0 or _number(longitude) != 0:  # 0, 0 is no map point
                for part, value in (("latitude", latitude), ("longitude", longitude)):
                    if self.has(part):
                        values[part], names[part] = value, part.title()
        self.add("locations", row, values, names)
        if private:
            self.notes["private address"].append(row.line)
        elif any(address.get(part) for part in ("address_1", "city", "postal_code")):
            second = self.cell(row, "PhysicalAddress2")
            if second:
                address["address_1"] = ", ".join(filter(None, (address.get("address_1"), second)))
            if address.get("country", "").lower() in US:
                address["country"] = "US"
            address |= {"location_id": number, "address_type": "physical"}
            self.add("addresses", row, address, columns | {"location_id": ident[0]})
        return True

    def taxonomy(self, row: Row) -> tuple[list[str], list[str]]:
        """The service's taxonomy codes and the ids of its named terms, each term noted once."""
        codes = []
        for text in _split(self.cell(row, "TaxonomyCodes"), r"[;*,|\s]+"):
            if CODE.fullmatch(text.upper()):
                codes.append(text.upper())
            else:
                self.notes["code"].append(row.line)
        _name, written = self.first(row, TERM_NAMES)
        names = list(dict.fromkeys(_split(written, r"[;*\n|]")))
        paired = len(names) == len(codes)
        for number, code in enumerate(codes):
            self.term(row, code, code, names[number] if paired else "")
        ids = []
        if not paired:
            for name in names:
                term = re.sub(r"[,;|]", " ", name)[:100].strip()
                self.term(row, term, "", name)
                ids.append(term)
        return list(dict.fromkeys(codes)), ids

    def term(self, row: Row, term: str, code: str, name: str) -> None:
        if term in self.terms_seen:
            return
        self.terms_seen.add(term)
        values = {"id": term, "code": code, "name": name, "taxonomy": "airs"}
        columns = {"id": "TaxonomyCodes", "code": "TaxonomyCodes", "name": "TaxonomyTerms"}
        self.add("taxonomy_terms", row, values, columns)

    # What the file gave

    def finished(self) -> Tables:
        tables = Tables(version=VERSION)
        present = {
            "organizations": True,
            "services": True,
            "locations": bool(self.out["locations"]),
            "addresses": bool(self.out["addresses"]),
            # A column the file has says everything about its records, blank included.
            "phones": self.has(*PHONES),
            "schedules": self.has(*HOURS),
            "languages": self.has(*LANGUAGES),
            "service_areas": self.has(*AREAS),
            "service_at_locations": self.has("ConnectsToSiteNum") or bool(self.out["locations"]),
            "taxonomy_terms": bool(self.out["taxonomy_terms"]),
        }
        for table, wanted in present.items():
            if wanted or self.out.get(table):
                tables[table] = self.out.get(table, [])
        read = {key(name) for name in KNOWN + (BESIDE_ONLY if self.beside else ())}
        unread = [written for column, written in self.header if key(column) not in read]
        if unread:
            tables.unread_columns[self.name] = unread
        tables.warnings = self.warnings()
        return tables

    def warnings(self) -> list[str]:
        said: list[str] = []
        for note, message in NOTES.items():
            lines = self.notes.get(note, [])
            if lines:
                column = {"code": "TaxonomyCodes", "level": "TaxonomyLevelName"}.get(note, "")
                values = {
                    "count": len(lines),
                    "column": self.shown.get(key(column), column),
                    "rows": _rows(lines),
                }
                said.append(str(message % values))
        if self.languages_unknown:
            count = len(self.languages_unknown)
            unknown = ngettext(
                "%(count)d language Stride can't name was left out: %(languages)s.",
                "%(count)d languages Stride can't name were left out: %(languages)s.",
                count,
            )
            shown = [
                _("%(language)s (row %(row)d)") % {"language": language, "row": line}
                for language, line in list(self.languages_unknown.items())[:SHOWN_ROWS]
            ]
            said.append(unknown % {"count": count, "languages": ", ".join(shown)})
        return said


def _rows(lines: list[int]) -> str:
    rows = sorted(set(lines))
    shown = ", ".join(str(line) for line in rows[:SHOWN_ROWS])
    if len(rows) > SHOWN_ROWS:
        return _("rows %(rows)s and %(more)d more") % {
            "rows": shown,
            "more": len(rows) - SHOWN_ROWS,
        }
    if len(rows) == 1:
        return _("row %(rows)s") % {"rows": shown}
    return _("rows %(rows)s") % {"rows": shown}


def _split(text: str, separators: str) -> list[str]:
    return [part.strip() for part in re.split(separators, text) if part and part.strip()]


def _areas(text: str) -> list[str]:
    """The areas served: each one's county when it is written as a path ("CA - Fresno County - Fresno")."""
    areas = []
    for area in _split(text, r"[;,\n|]"):
        parts = [part.strip() for part in area.split(" - ")]
        areas.append(next((part for part in parts if part.lower().endswith(" county")), area))
    return list(dict.fromkeys(areas))


def _iso_date(text: str) -> str:
    """A date written 3/31/2025 (with a time or not) as 2025-03-31; anything else as it is."""
    found = _US_DATE.match(text)
    if found is None:
        return text
    try:
        return date(int(found[3]), int(found[1]), int(found[2])).isoformat()
    except ValueError:
        return text


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
