"""Checking every row of the tables: each problem, and what the file says about each record."""

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from stride.core.models import Organisation

from .. import crosswalk
from ..models import Location, Provider, Service
from .cells import FILL_IN, Cells
from .plan import LocationKey, Opening, RowProblem
from .tables import SPECS, TABLE_ORDER, Row, Source, Tables
from .taxonomy import (
    BAD_TERM,
    SERVICE_TERMS,
    TAXONOMY,
    Meaning,
    meaning_of,
    meaning_of_id,
    stride_terms,
    term_id,
)
from .values import (
    LANGUAGE_PATTERN,
    format_phone,
    language_codes,
    parse_day,
    parse_phone,
    parse_time,
)

MAIN_PHONE_TYPES = {"", "voice", "cell", "text", "mobile", "main"}


# Messages several checks give (and cells.FILL_IN); the row and column are reported beside them.
UNKNOWN_SERVICE = gettext_lazy("use the id of a service in services.csv.")
UNKNOWN_ORGANIZATION = gettext_lazy("use the id of an organization in organizations.csv.")
UNKNOWN_LANGUAGE = gettext_lazy("enter the language's two-letter code, like es for Spanish.")
# Defaults an import uses, each reported with its rows.
HOURS_KEPT = gettext_lazy("Opening hours Stride can't read as days and times: kept as a note.")
AREA_KEPT = gettext_lazy("Service areas that aren't a county's name: kept as text.")
BLANK_STATUS = gettext_lazy("Services with no status: imported as active.")
TAKEN_ID = gettext_lazy(
    "another organization in the directory already uses this id; use a new one."
)


class Checker(Cells):
    """Reads every row, collecting every problem and what the file says about each record."""

    def __init__(self, county: Organisation, tables: Tables) -> None:
        self.county = county
        super().__init__(tables)
        # Ids of rows refused for a problem of their own: rows pointing at them are not blamed.
        self.refused: dict[str, set[str]] = defaultdict(set)
        providers = list(Provider.objects.filter(county=county))
        self.db_providers = {provider.hsds_id: provider for provider in providers}
        key_of = {provider.pk: provider.hsds_id for provider in providers}
        self.db_locations: dict[LocationKey, Location] = {
            (key_of[location.provider_id], location.hsds_id): location
            for location in Location.objects.filter(provider__county=county)
        }
        self.db_services: dict[tuple[str, str], Service] = {
            (key_of[service.provider_id], service.hsds_id): service
            for service in Service.objects.filter(provider__county=county)
        }
        self.db_location_ids: dict[str, list[LocationKey]] = defaultdict(list)
        for key in self.db_locations:
            self.db_location_ids[key[1]].append(key)
        self.db_service_orgs: dict[str, list[str]] = defaultdict(list)
        for org, sid in self.db_services:
            self.db_service_orgs[sid].append(org)
        # What the file says, by id.
        self.orgs: dict[str, dict[str, Any]] = {}
        self.locs: dict[str, tuple[str, dict[str, Any]]] = {}  # id -> organization id, values
        self.svcs: dict[str, tuple[Row, str, dict[str, Any]]] = {}
        self.addresses: dict[str, dict[str, str]] = {}
        self.phones: dict[tuple[str, str], str] = {}  # ("organizations"|"services", id) -> phone
        self.at_locations: dict[str, set[LocationKey]] = defaultdict(set)
        self.sal_service: dict[str, str] = {}
        self.openings: dict[str, set[Opening]] = defaultdict(set)
        self.languages: dict[str, set[str]] = defaultdict(set)
        self.serves: dict[str, set[int]] = defaultdict(set)
        self.terms: dict[str, Meaning | None] = {term_id(m): m for m, _n, _d in stride_terms()}
        self.category: dict[str, tuple[str, int]] = {}
        self.fits: dict[str, set[str]] = defaultdict(set)
        self.months: dict[tuple[str, str], tuple[int, int]] = {}  # (service, kind) -> value, row
        self.contracted: dict[str, bool] = {}
        self.hours_notes: dict[str, list[str]] = defaultdict(list)  # by service
        self.area_notes: dict[str, list[str]] = defaultdict(list)
        # Kinds of service in other taxonomies (211 codes, term names), for the crosswalk.
        self.crosswalk = crosswalk.load()
        self.other_terms: dict[str, tuple[str, str]] = {}  # term id -> code, name
        self.file_terms: dict[str, list[tuple[str, str]]] = defaultdict(list)  # by service
        self.taxonomy_ids: dict[str, list[str]] = {}  # 1.x services.taxonomy_ids
        self.placed: dict[str, str] = {}  # service -> the crosswalk's kind, "" to sort
        self.terms_given: dict[str, str] = {}  # service -> its terms, for staff who sort it

    # References between the file's records, and to the directory's

    def refers(self, row: Row, column: str, known: Mapping[str, object], target: str) -> str:
        """The id in the column if the file has that record; reports it when not."""
        value = self.text(row, column)
        if value and value not in known:
            if (
                target not in self.broken and value not in self.refused[target]
            ):  # its rows were not read; its problem says why
                self.bad(
                    row, column, UNKNOWN_SERVICE if target == "services" else UNKNOWN_ORGANIZATION
                )
            return ""
        return value

    def service_of(self, row: Row) -> str | None:
        """The service a row is about, by service_id or service_at_location_id.

        "" when the row names none, None when it names one the file does not have.
        """
        if not self.text(row, "service_id") and self.text(row, "service_at_location_id"):
            sal = self.text(row, "service_at_location_id")
            if sal in self.sal_service:
                return self.sal_service[sal]
            if "service_at_locations" not in self.broken:
                self.bad(
                    row,
                    "service_at_location_id",
                    _("use the id of a row in service_at_locations.csv."),
                )
            return None
        sid = self.refers(row, "service_id", self.svcs, "services")
        if not sid and self.text(row, "service_id"):
            return None
        return sid

    def organization_of(self, row: Row) -> str:
        org = self.text(row, "organization_id", required=True)
        if org and org not in self.orgs and org not in self.db_providers:
            if "organizations" not in self.broken:
                message = _("use the id of an organization in organizations.csv or the directory.")
                self.bad(row, "organization_id", message)
            return ""
        return org

    def place(self, row: Row, org: str) -> LocationKey | None:
        location = self.text(row, "location_id", required=True)
        if location in self.locs:
            return (self.locs[location][0], location)
        known = self.db_location_ids.get(location, [])
        if known:
            return next((key for key in known if key[0] == org), known[0])
        if (
            location
            and "locations" not in self.broken
            and location not in self.refused["locations"]
        ):
            message = _("use the id of a location in locations.csv or the directory.")
            self.bad(row, "location_id", message)
        return None

    # The tables, in the order their references need

    def run(self) -> list[RowProblem]:
        """Every problem in the tables, in the order of the tables, rows and columns."""
        for name, rows in self.tables.items():
            if name not in SPECS or not rows:
                continue
            self.table = name
            by_source: dict[Source | None, Row] = {}
            for row in rows:
                by_source.setdefault(row.source, row)
            for first in by_source.values():
                missing = [c for c in SPECS[name].required if c not in first]
                if missing:
                    self.broken.add(name)
                    message = ngettext(
                        "add the missing column: %(columns)s.",
                        "add the missing columns: %(columns)s.",
                        len(missing),
                    )
                    shown = ", ".join(missing)
                    if first.source is not None:
                        shown = first.source.column(shown)
                    self.bad(
                        Row({}, 1, first.source), ", ".join(missing), message % {"columns": shown}
                    )
        self.read_organizations()
        self.read_locations()
        self.read_addresses()
        self.read_services()
        self.read_phones()
        self.read_service_at_locations()
        self.read_schedules()
        self.read_languages()
        self.read_service_areas()
        self.read_taxonomy_terms()
        self.read_attributes()
        self.check_services()
        order = {name: number for number, name in enumerate(TABLE_ORDER)}

        def key(problem: RowProblem) -> tuple[int, str, int, str]:
            table = self.file_table.get(problem.table, problem.table)
            return (order.get(table, len(order)), problem.table, problem.row, problem.column)

        return sorted(self.problems, key=key)

    def read_organizations(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("organizations"):
            key = self.ident(row, seen)
            values: dict[str, Any] = {}
            self.put(values, "name", self.text(row, "name", required=True, limit=200))
            self.put(values, "description", self.text(row, "description"))
            self.put(values, "email", self.email(row, "email"))
            self.put(values, "website", self.url(row, "website"))
            if key:
                self.orgs[key] = values

    def read_locations(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("locations"):
            key = self.ident(row, seen)
            org = self.organization_of(row)
            values: dict[str, Any] = {}
            self.put(values, "name", self.text(row, "name", required=True, limit=200))
            self.put(values, "latitude", self.coordinate(row, "latitude", 90.0))
            self.put(values, "longitude", self.coordinate(row, "longitude", 180.0))
            if key and org and (org, key) not in self.db_locations and self.db_location_ids[key]:
                self.bad(row, "id", TAKEN_ID)
            elif key and org:
                self.locs[key] = (org, values)
                continue
            self.refused["locations"].add(self.text(row, "id"))

    def read_addresses(self) -> None:
        seen: dict[str, int] = {}
        given: dict[str, int] = {}
        for row in self.rows("addresses"):
            self.ident(row, seen, required=False)
            kind = self.text(row, "address_type").lower()
            if kind in ("postal", "virtual"):
                continue  # Stride keeps the street address of a place
            if kind not in ("", "physical"):
                self.bad(row, "address_type", _("use physical, postal or virtual."))
            location = self.text(row, "location_id", required=True)
            if location and location not in self.locs:
                if "locations" not in self.broken and location not in self.refused["locations"]:
                    self.bad(row, "location_id", _("use the id of a location in locations.csv."))
                location = ""
            address = {
                "address_1": self.text(row, "address_1", required=True, limit=200),
                "city": self.text(row, "city", required=True, limit=100),
                "state_province": self.state(row),
                "postal_code": self.postal_code(row),
            }
            if self.text(row, "country").upper() not in ("", "US", "USA"):
                self.bad(row, "country", _("Stride keeps US addresses: enter US."))
            if location in given:
                message = _("a location has one street address, and row %(row)d already gives it.")
                self.bad(row, "location_id", message % {"row": given[location]})
            elif location:
                given[location] = row.line
                self.addresses[location] = address

    def read_services(self) -> None:
        seen: dict[str, int] = {}
        statuses = {"active": "active", "inactive": "inactive", "defunct": "defunct"}
        statuses["temporarily closed"] = "inactive"
        for row in self.rows("services"):
            key = self.ident(row, seen)
            org = self.organization_of(row)
            values: dict[str, Any] = {}
            self.put(values, "name", self.text(row, "name", required=True, limit=200))
            for column in ("description", "application_process", "eligibility_description"):
                self.put(values, column, self.text(row, column))
            self.put(values, "fees_description", self.text(row, "fees_description", limit=300))
            self.put(values, "url", self.url(row, "url"))
            self.put(values, "email", self.email(row, "email"))
            status = self.text(row, "status").lower()
            if not status and (self.has_column("status") or (org, key) not in self.db_services):
                self.used(row, "status", BLANK_STATUS)  # (a left-out column keeps a status)
            elif status and status not in statuses:
                self.bad(row, "status", _("use one of: active, inactive, defunct."))
            self.put(values, "status", statuses.get(status, "active"))
            self.put(values, "assured_date", self.assured_date(row), "last_verified_on")
            ids = self.text(row, "taxonomy_ids")
            if key and ids:
                self.taxonomy_ids[key] = [i.strip() for i in re.split(r"[,;|]", ids) if i.strip()]
            if key and org and (org, key) not in self.db_services and self.db_service_orgs[key]:
                self.bad(row, "id", TAKEN_ID)
            elif key and org:
                self.svcs[key] = (row, org, values)
                continue
            self.refused["services"].add(self.text(row, "id"))

    def read_phones(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("phones"):
            self.ident(row, seen, required=False)
            owner: tuple[str, str] | None = None
            if self.text(row, "service_id"):
                sid = self.refers(row, "service_id", self.svcs, "services")
                owner = ("services", sid) if sid else None
            elif self.text(row, "organization_id"):
                org = self.refers(row, "organization_id", self.orgs, "organizations")
                owner = ("organizations", org) if org else None
            elif any(
                self.text(row, column)
                for column in ("location_id", "contact_id", "service_at_location_id")
            ):
                continue  # Stride keeps the phones of organizations and services
            else:
                message = _("enter the organization_id or service_id this phone number is for.")
                self.bad(row, "organization_id", message)
            number = self.text(row, "number", required=True)
            parsed = parse_phone(number) if number else None
            if number and parsed is None:
                message = _("enter a 10-digit US phone number, like (559) 555-0123.")
                self.bad(row, "number", message)
            extension = self.text(row, "extension")
            if extension and not re.fullmatch(r"\d{1,6}", extension):
                self.bad(row, "extension", _("enter the extension as digits only, like 204."))
                extension = ""
            kind = self.text(row, "type").lower()
            if owner and parsed and kind in MAIN_PHONE_TYPES and owner not in self.phones:
                self.phones[owner] = format_phone(parsed[0], extension or parsed[1])

    def read_service_at_locations(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("service_at_locations"):
            key = self.ident(row, seen, required=False)
            self.text(row, "service_id", required=True)
            service = self.refers(row, "service_id", self.svcs, "services")
            place = self.place(row, self.svcs[service][1] if service else "")
            if service and place:
                self.at_locations[service].add(place)
                if key:
                    self.sal_service[key] = service

    def read_schedules(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("schedules"):
            self.ident(row, seen, required=False)
            service = self.service_of(row)
            if service == "":
                if self.text(row, "location_id"):
                    continue  # hours of a place; Stride keeps hours per service
                self.bad(row, "service_id", _("enter the service_id these hours are for."))
            if self.text(row, "freq").upper() not in ("", "WEEKLY"):
                self.bad(row, "freq", _("Stride keeps weekly hours: use WEEKLY."))
            byday = self.text(row, "byday")
            opens, closes = self.text(row, "opens_at"), self.text(row, "closes_at")
            tokens = [part.strip() for part in byday.split(",") if part.strip()]
            days = [parse_day(token) for token in tokens]
            opens_at, closes_at = parse_time(opens), parse_time(closes)
            if not days or None in days or opens_at is None or closes_at is None:
                # Hours Stride cannot read as weekly openings are kept as the file writes them.
                written = self.text(row, "description") or " ".join(
                    filter(None, (byday, "-".join(filter(None, (opens, closes)))))
                )
                column = (
                    "byday"
                    if not days or None in days
                    else "opens_at"
                    if not opens_at
                    else "closes_at"
                )
                if not written:
                    self.bad(row, "byday", FILL_IN)
                elif service:
                    self.hours_notes[service].append(written)
                    self.used(row, column, HOURS_KEPT)
                continue
            if opens_at >= closes_at:
                message = _("make the closing time later than the opening time.")
                self.bad(row, "closes_at", message)
            elif service:
                self.openings[service].update((day, opens_at, closes_at) for day in days if day)

    def read_languages(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("languages"):
            self.ident(row, seen, required=False)
            self.text(row, "service_id", required=True)
            service = self.refers(row, "service_id", self.svcs, "services")
            code = self.text(row, "code").lower()
            name = self.text(row, "name")
            if not code and name:
                code = language_codes().get(name.lower(), "")
                if not code:
                    self.bad(row, "code" if self.has_column("code") else "name", UNKNOWN_LANGUAGE)
                    continue
            if not code:
                self.bad(row, "code", FILL_IN)
            elif not LANGUAGE_PATTERN.fullmatch(code):
                self.bad(row, "code", UNKNOWN_LANGUAGE)
            elif service:
                self.languages[service].add(code)

    def read_service_areas(self) -> None:
        seen: dict[str, int] = {}
        counties: dict[str, int] = {}
        for pk, name in Organisation.objects.filter(kind=Organisation.Kind.COUNTY).values_list(
            "pk", "name"
        ):
            counties[name.lower()] = pk
            counties.setdefault(name.lower().removesuffix(" county"), pk)
        for row in self.rows("service_areas"):
            self.ident(row, seen, required=False)
            service = self.service_of(row)
            if service == "":
                self.bad(
                    row, "service_id", _("enter the service_id of the service this area is for.")
                )
            name = self.text(row, "name", required=True)
            county = counties.get(name.lower())
            if name and county is None and service:
                self.area_notes[service].append(name)  # a city, a ZIP code, "statewide"...
                self.used(row, "name", AREA_KEPT)
            elif service and county is not None:
                self.serves[service].add(county)

    def read_taxonomy_terms(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("taxonomy_terms"):
            key = self.ident(row, seen)
            taxonomy = self.text(row, "taxonomy") or self.text(row, "taxonomy_id")
            if taxonomy.lower() != TAXONOMY:
                if key:
                    self.terms[key] = None  # another taxonomy's term: a kind, for the crosswalk
                    self.other_terms[key] = (self.text(row, "code") or key, self.text(row, "name"))
                continue
            code = self.text(row, "code", required=not meaning_of_id(key))
            meaning = meaning_of(code) if code else meaning_of_id(key)
            if code and meaning is None:
                message = _(
                    "use a code of the stride taxonomy, like category:food or "
                    "circumstance:no_car; an export lists them all."
                )
                self.bad(row, "code", message)
            if key:
                self.terms[key] = meaning or BAD_TERM

    def read_attributes(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("attributes"):
            self.ident(row, seen, required=False)
            term = self.text(row, "taxonomy_term_id", required=True)
            if term and term not in self.terms and not self.crosswalk.place([term], []):
                if "taxonomy_terms" not in self.broken:
                    message = _("use the id of a term in taxonomy_terms.csv.")
                    self.bad(row, "taxonomy_term_id", message)
                continue
            meaning = self.terms.get(term)
            if meaning is None:  # another taxonomy's term (or a 211 code as it is): a kind
                link = self.text(row, "link_id")
                if link in self.svcs and self.text(row, "link_entity").lower() in ("", "service"):
                    self.file_terms[link].append(self.other_terms.get(term, (term, "")))
                continue
            if meaning == BAD_TERM:
                continue  # reported in taxonomy_terms.csv
            kind, code = meaning
            entity = "service" if kind in SERVICE_TERMS else "organization"
            known: Mapping[str, object] = self.svcs if entity == "service" else self.orgs
            target = f"{entity}s"
            if self.text(row, "link_entity").lower() not in ("", entity):
                message = (
                    _("this term describes a service: enter service.")
                    if entity == "service"
                    else _("this term describes an organization: enter organization.")
                )
                self.bad(row, "link_entity", message)
                continue
            self.text(row, "link_id", required=True)
            link = self.refers(row, "link_id", known, target)
            if link:
                self.attribute(row, link, kind, code)

    def attribute(self, row: Row, link: str, kind: str, code: str) -> None:
        if kind == "category":
            if link in self.category:
                message = _("a service has one kind of service, and row %(row)d already gives it.")
                self.bad(row, "taxonomy_term_id", message % {"row": self.category[link][1]})
            else:
                self.category[link] = (code, row.line)
        elif kind == "circumstance":
            self.fits[link].add(code)
        elif kind == "contracted":
            value = self.text(row, "value").lower()
            if value in ("", "true", "yes", "y", "1"):
                self.contracted[link] = True
            elif value in ("false", "no", "n", "0"):
                self.contracted[link] = False
            else:
                self.bad(row, "value", _("enter true or false."))
        else:
            value = self.text(row, "value", required=True)
            if value and (not (value.isascii() and value.isdigit()) or int(value) > 32767):
                self.bad(row, "value", _("enter a whole number of months, like 6."))
            elif value and (link, kind) in self.months:
                message = _("row %(row)d already gives this for the service.")
                self.bad(row, "taxonomy_term_id", message % {"row": self.months[(link, kind)][1]})
            elif value:
                self.months[(link, kind)] = (int(value), row.line)

    def kind_of(self, key: str) -> None:
        """A service the file gives no stride kind: the crosswalk's kind for its terms, or to sort."""
        terms = list(self.file_terms.get(key, []))
        for term in self.taxonomy_ids.get(key, []):
            terms.append(self.other_terms.get(term, (term, "")))
        self.placed[key] = self.crosswalk.place(
            (code for code, _name in terms), (name for _code, name in terms)
        )
        self.terms_given[key] = "; ".join(
            " ".join(part for part in term if part) for term in dict.fromkeys(terms)
        )[:500]

    def check_services(self) -> None:
        if "attributes" in self.broken:
            return
        self.table = "services"
        for key in self.svcs:
            if key not in self.category:
                self.kind_of(key)
            low = self.months.get((key, "months_on_aid_from"))
            high = self.months.get((key, "months_on_aid_up_to"))
            if low and high and low[0] > high[0]:
                message = _("make this at least the first month on aid (%(month)d).")
                self.bad(high[1], "value", message % {"month": low[0]}, table="attributes")
