"""A county's directory in and out as an Open Referral HSDS 3.0 data package.

The package is a Frictionless tabular data package: a zip of CSV files with
an optional `datapackage.json`, or one `datapackage.json` carrying its rows
inline. How Stride's records map onto the HSDS tables:

- Provider -> organizations (id = hsds_id, name, description, email,
  website); its phone -> phones (organization_id, number, extension).
- Location -> locations (id, organization_id, name, latitude, longitude,
  location_type physical); its street address -> addresses (location_id,
  address_1, city, state_province, postal_code, country US, address_type
  physical).
- Service -> services (id, organization_id, name, description, url, email,
  status, application_process, fees_description, eligibility_description,
  assured_date = last_verified_on); phone -> phones (service_id); locations
  -> service_at_locations; opening hours -> schedules (freq WEEKLY, byday
  MO..SU, opens_at and closes_at as HH:MM); languages -> languages (code,
  name); counties served -> service_areas (name = the county's name).
- Stride's own fields are attributes (link_id, link_entity, taxonomy_term_id,
  value) on terms of the taxonomy "stride" in taxonomy_terms.csv, known by
  their code: `category:<kind>` (one per service), `circumstance:<code>` (one
  per circumstance the service is meant for), `months_on_aid_from` and
  `months_on_aid_up_to` (value = the month) and, on an organization,
  `contracted` (value true or false).

Importing matches records by id within the county (organizations by id,
locations and services by organization and id), so importing the same file
twice changes nothing. Records the file leaves out are kept as they are. A
table the package leaves out leaves that part of its records alone (no
schedules.csv: hours stay as they are), and so does a column a table leaves
out; a table that is there says everything about the records it covers.
Rows keep the number a spreadsheet shows them on (the header is row 1; the
first object of an inline JSON resource is row 2, as in its CSV).
"""

import csv
import io
import json
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.models import Organisation
from stride.core.vocabulary import Circumstance

from . import zips
from .actions import EVENING_FROM, WEEKEND
from .models import (
    CATEGORY_AREA,
    Category,
    Location,
    Provider,
    Schedule,
    Service,
    ServiceLanguage,
    circumstance_mask,
    circumstances_in,
)

CHUNK = 500
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# The file as uploaded; a county's directory is a few MB even as JSON.
MAX_FILE_BYTES = 50 * 1024 * 1024
TAXONOMY = "stride"
DAYS = {"MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6, "SU": 7}
DAY_CODES = {number: code for code, number in DAYS.items()}
MAIN_PHONE_TYPES = {"", "voice", "cell", "text", "mobile", "main"}


# The tables: (column, Frictionless type) as HSDS 3.0 names them, what an import needs,
# and which columns point at which table.


@dataclass(frozen=True)
class TableSpec:
    fields: tuple[tuple[str, str], ...]
    required: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()

    @property
    def columns(self) -> list[str]:
        return [name for name, _kind in self.fields]


def _strings(names: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, "string") for name in names.split())


SPECS: dict[str, TableSpec] = {
    "organizations": TableSpec(
        _strings("id name description email website"),
        ("id", "name"),
    ),
    "services": TableSpec(
        _strings(
            "id organization_id name description url email status application_process "
            "fees_description eligibility_description"
        )
        + (("assured_date", "date"),),
        ("id", "organization_id", "name", "status"),
        (("organization_id", "organizations"),),
    ),
    "locations": TableSpec(
        _strings("id location_type organization_id name")
        + (("latitude", "number"), ("longitude", "number")),
        ("id", "organization_id", "name"),
        (("organization_id", "organizations"),),
    ),
    "addresses": TableSpec(
        _strings("id location_id address_1 city state_province postal_code country address_type"),
        ("location_id", "address_1", "city", "state_province", "postal_code"),
        (("location_id", "locations"),),
    ),
    "service_at_locations": TableSpec(
        _strings("id service_id location_id"),
        ("service_id", "location_id"),
        (("service_id", "services"), ("location_id", "locations")),
    ),
    "phones": TableSpec(
        _strings("id organization_id service_id number")
        + (("extension", "number"), ("type", "string")),
        ("number",),
        (("organization_id", "organizations"), ("service_id", "services")),
    ),
    "schedules": TableSpec(
        _strings("id service_id freq byday opens_at closes_at"),
        ("byday", "opens_at", "closes_at"),
        (("service_id", "services"),),
    ),
    "languages": TableSpec(
        _strings("id service_id code name"),
        ("service_id",),
        (("service_id", "services"),),
    ),
    "service_areas": TableSpec(
        _strings("id service_id name"),
        ("name",),
        (("service_id", "services"),),
    ),
    "taxonomy_terms": TableSpec(
        _strings("id code name description taxonomy"),
        ("id", "code"),
    ),
    "attributes": TableSpec(
        _strings("id link_id link_type link_entity taxonomy_term_id value"),
        ("link_id", "taxonomy_term_id"),
        (("taxonomy_term_id", "taxonomy_terms"),),
    ),
}
TABLE_ORDER = list(SPECS)


# Rows and problems


class Row(dict[str, str]):
    """One row of a table, and the row a spreadsheet shows it on (the header is row 1)."""

    def __init__(self, values: Mapping[str, str], line: int) -> None:
        super().__init__(values)
        self.line = line


Tables = dict[str, list[Row]]


class HsdsError(ValueError):
    """The file is not a data package Stride can read."""


@dataclass(frozen=True)
class RowProblem:
    table: str
    row: int
    column: str
    message: str


@dataclass
class _ProviderChange:
    key: str
    existing: Provider | None
    values: dict[str, Any]
    changed: list[str]


@dataclass
class _LocationChange:
    provider_key: str
    key: str
    existing: Location | None
    values: dict[str, Any]
    changed: list[str]


LocationKey = tuple[str, str]  # (organization id, location id); ("#", pk) outside the county
Opening = tuple[int, time, time]


@dataclass
class _ServiceChange:
    provider_key: str
    key: str
    existing: Service | None
    values: dict[str, Any]
    changed: list[str]
    languages: set[str] | None = None  # None: leave as they are
    schedules: set[Opening] | None = None
    serves: set[int] | None = None
    locations: set[LocationKey] | None = None


@dataclass
class ImportPlan:
    """What an import would do: its problems, and how many records it adds or changes."""

    problems: list[RowProblem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    ignored_tables: list[str] = field(default_factory=list)
    providers: list[_ProviderChange] = field(default_factory=list, repr=False)
    locations: list[_LocationChange] = field(default_factory=list, repr=False)
    services: list[_ServiceChange] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes_anything(self) -> bool:
        return any(count["new"] or count["changed"] for count in self.counts.values())


class ImportRefused(Exception):
    """The file has problems, so nothing was changed."""

    def __init__(self, plan: ImportPlan) -> None:
        count = len(plan.problems)
        super().__init__(
            ngettext(
                "The file has %(count)d problem; nothing was changed.",
                "The file has %(count)d problems; nothing was changed.",
                count,
            )
            % {"count": count}
        )
        self.plan = plan


# Values: phones, ZIP codes, times, languages


_PHONE = re.compile(
    r"(?P<number>[\d\s().+\-/]+?)\s*(?:(?:ext\.?|extension|x|#)\s*(?P<ext>\d{1,6}))?", re.I
)
_ZIP = re.compile(r"\d{5}(?:-\d{4})?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:Z|[+-]\d{2}(?::?\d{2})?)?", re.I)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_STATE = re.compile(r"[A-Z]{2}")
_URL = URLValidator(schemes=["http", "https"])


def parse_phone(text: str) -> tuple[str, str] | None:
    """The 10 digits and the extension of a US phone number, or None if it is not one."""
    found = _PHONE.fullmatch(text.strip())
    if found is None:
        return None
    digits = re.sub(r"\D", "", found["number"])
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return None
    return digits, found["ext"] or ""


def format_phone(digits: str, extension: str = "") -> str:
    number = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return f"{number} ext. {extension}" if extension else number


def _real_zip(five_digits: str) -> bool:
    return zips.find(five_digits) is not None


def _parse_time(text: str) -> time | None:
    found = _TIME.fullmatch(text.strip())
    if found is None:
        return None
    hour, minute = int(found[1]), int(found[2])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


_MORE_LANGUAGES = {
    "hmn": "Hmong", "tl": "Tagalog", "zh": "Chinese", "lo": "Lao", "sm": "Samoan",
    "to": "Tongan", "ilo": "Ilocano", "mxb": "Mixteco", "zap": "Zapotec", "so": "Somali",
    "ti": "Tigrinya", "ps": "Pashto", "prs": "Dari", "ht": "Haitian Creole", "yue": "Cantonese",
    "cmn": "Mandarin", "ne": "Nepali", "om": "Oromo", "ku": "Kurdish", "ar": "Arabic",
}  # fmt: skip


def language_name(code: str) -> str:
    info: Mapping[str, Any] = LANG_INFO.get(code, {})
    return str(info.get("name") or _MORE_LANGUAGES.get(code, ""))


@lru_cache(maxsize=1)
def _language_codes() -> dict[str, str]:
    codes = {name.lower(): code for code, name in _MORE_LANGUAGES.items()}
    for code, info in LANG_INFO.items():
        if _LANGUAGE.fullmatch(code) and "name" in info:
            codes[str(info["name"]).lower()] = code
    return codes


# The stride taxonomy


Meaning = tuple[str, str]  # (kind, code): ("category", "food"), ("months_on_aid_from", "")
SERVICE_TERMS = {"category", "circumstance", "months_on_aid_from", "months_on_aid_up_to"}
_BAD: Meaning = ("", "")


def term_id(meaning: Meaning) -> str:
    kind, code = meaning
    return f"stride-{kind}-{code}" if code else f"stride-{kind}"


def term_code(meaning: Meaning) -> str:
    kind, code = meaning
    return f"{kind}:{code}" if code else kind


def _meaning(code: str) -> Meaning | None:
    kind, _sep, value = code.strip().partition(":")
    kind = kind.lower()
    if kind == "category" and value in Category.values:
        return (kind, value)
    if kind == "circumstance" and value in Circumstance.values:
        return (kind, value)
    if kind in ("months_on_aid_from", "months_on_aid_up_to", "contracted") and not value:
        return (kind, "")
    return None


def stride_terms() -> list[tuple[Meaning, str, str]]:
    """Every term of the stride taxonomy, with its name and description."""
    terms: list[tuple[Meaning, str, str]] = []
    for category in Category:
        terms.append(
            (
                ("category", category.value),
                str(category.label),
                _("The kind of service; a service has one."),
            )
        )
    for circumstance in Circumstance:
        terms.append(
            (
                ("circumstance", circumstance.value),
                str(circumstance.label),
                _("A family circumstance the service is meant for."),
            )
        )
    terms.append(
        (
            ("months_on_aid_from", ""),
            _("From month on aid"),
            _("The service is for families from this month on aid (the value)."),
        )
    )
    terms.append(
        (
            ("months_on_aid_up_to", ""),
            _("Up to month on aid"),
            _("The service is for families up to this month on aid (the value)."),
        )
    )
    terms.append(
        (
            ("contracted", ""),
            _("Contracted provider"),
            _("The county contracts with this organization to serve its families."),
        )
    )
    return terms


# Export


def _export_tables(county: Organisation) -> dict[str, list[dict[str, str]]]:
    tables: dict[str, list[dict[str, str]]] = {name: [] for name in SPECS}
    providers = list(Provider.objects.filter(county=county).order_by("name", "pk"))
    org_id = {provider.pk: provider.hsds_id for provider in providers}
    for provider in providers:
        tables["organizations"].append(
            {
                "id": provider.hsds_id,
                "name": provider.name,
                "description": provider.description,
                "email": provider.email,
                "website": provider.website,
            }
        )
        if provider.phone:
            tables["phones"].append(
                _phone_row(f"organization-{provider.hsds_id}-phone", provider.phone)
                | {"organization_id": provider.hsds_id}
            )
        if provider.contracted:
            tables["attributes"].append(
                _attribute_row("organization", provider.hsds_id, ("contracted", ""), "true")
            )

    locations = list(Location.objects.filter(provider__county=county).order_by("name", "pk"))
    location_id = {location.pk: location.hsds_id for location in locations}
    for location in locations:
        tables["locations"].append(
            {
                "id": location.hsds_id,
                "location_type": "physical",
                "organization_id": org_id[location.provider_id],
                "name": location.name,
                "latitude": _number(location.latitude),
                "longitude": _number(location.longitude),
            }
        )
        if location.address_1 or location.city or location.postal_code:
            tables["addresses"].append(
                {
                    "id": f"{location.hsds_id}-address",
                    "location_id": location.hsds_id,
                    "address_1": location.address_1,
                    "city": location.city,
                    "state_province": location.state_province,
                    "postal_code": location.postal_code,
                    "country": "US",
                    "address_type": "physical",
                }
            )

    services = list(Service.objects.filter(provider__county=county).order_by("name", "pk"))
    in_county = Service.objects.filter(provider__county=county)
    hours: dict[int, list[Opening]] = defaultdict(list)
    for service_pk, weekday, opens_at, closes_at in Schedule.objects.filter(
        service__in=in_county
    ).values_list("service_id", "weekday", "opens_at", "closes_at"):
        hours[service_pk].append((weekday, opens_at, closes_at))
    languages: dict[int, list[str]] = defaultdict(list)
    for service_pk, code in (
        ServiceLanguage.objects.filter(service__in=in_county)
        .order_by("code")
        .values_list("service_id", "code")
    ):
        languages[service_pk].append(code)
    served: dict[int, list[tuple[int, str]]] = defaultdict(list)
    Serves = Service.serves.through
    for service_pk, county_pk, county_name in (
        Serves.objects.filter(service__in=in_county)
        .order_by("organisation__name")
        .values_list("service_id", "organisation_id", "organisation__name")
    ):
        served[service_pk].append((county_pk, county_name))
    places: dict[int, list[int]] = defaultdict(list)
    AtPlace = Service.locations.through
    for service_pk, location_pk in AtPlace.objects.filter(service__in=in_county).values_list(
        "service_id", "location_id"
    ):
        places[service_pk].append(location_pk)

    for service in services:
        sid = service.hsds_id
        tables["services"].append(
            {
                "id": sid,
                "organization_id": org_id[service.provider_id],
                "name": service.name,
                "description": service.description,
                "url": service.url,
                "email": service.email,
                "status": service.status,
                "application_process": service.application_process,
                "fees_description": service.fees_description,
                "eligibility_description": service.eligibility_description,
                "assured_date": service.last_verified_on.isoformat()
                if service.last_verified_on
                else "",
            }
        )
        if service.phone:
            tables["phones"].append(
                _phone_row(f"service-{sid}-phone", service.phone) | {"service_id": sid}
            )
        for location_pk in sorted(places[service.pk], key=lambda pk: location_id.get(pk, "")):
            if location_pk in location_id:
                tables["service_at_locations"].append(
                    {
                        "id": f"{sid}-at-{location_id[location_pk]}",
                        "service_id": sid,
                        "location_id": location_id[location_pk],
                    }
                )
        tables["schedules"].extend(_schedule_rows(sid, hours[service.pk]))
        for code in languages[service.pk]:
            tables["languages"].append(
                {
                    "id": f"{sid}-language-{code}",
                    "service_id": sid,
                    "code": code,
                    "name": language_name(code),
                }
            )
        for county_pk, county_name in served[service.pk]:
            tables["service_areas"].append(
                {"id": f"{sid}-area-{county_pk}", "service_id": sid, "name": county_name}
            )
        meanings: list[tuple[Meaning, str]] = [(("category", service.category), "")]
        meanings += [(("circumstance", code), "") for code in circumstances_in(service.fits_mask)]
        if service.months_on_aid_min is not None:
            meanings.append((("months_on_aid_from", ""), str(service.months_on_aid_min)))
        if service.months_on_aid_max is not None:
            meanings.append((("months_on_aid_up_to", ""), str(service.months_on_aid_max)))
        for meaning, value in meanings:
            tables["attributes"].append(_attribute_row("service", sid, meaning, value))

    for meaning, name, description in stride_terms():
        tables["taxonomy_terms"].append(
            {
                "id": term_id(meaning),
                "code": term_code(meaning),
                "name": name,
                "description": description,
                "taxonomy": TAXONOMY,
            }
        )
    return {name: [_complete(name, row) for row in rows] for name, rows in tables.items()}


def _complete(table: str, row: Mapping[str, str]) -> dict[str, str]:
    return {column: row.get(column, "") for column in SPECS[table].columns}


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _phone_row(row_id: str, phone: str) -> dict[str, str]:
    parsed = parse_phone(phone)
    number, extension = (format_phone(parsed[0]), parsed[1]) if parsed else (phone, "")
    return {"id": row_id, "number": number, "extension": extension, "type": "voice"}


def _attribute_row(entity: str, link_id: str, meaning: Meaning, value: str) -> dict[str, str]:
    return {
        "id": f"{entity}-{link_id}-{term_code(meaning)}",
        "link_id": link_id,
        "link_entity": entity,
        "taxonomy_term_id": term_id(meaning),
        "value": value,
    }


def _schedule_rows(service_id: str, openings: Sequence[Opening]) -> list[dict[str, str]]:
    """One row per opening hours, with every weekday that has them in byday."""
    days: dict[tuple[time, time], list[int]] = defaultdict(list)
    for weekday, opens_at, closes_at in openings:
        days[(opens_at, closes_at)].append(weekday)
    rows = []
    for number, ((opens_at, closes_at), weekdays) in enumerate(
        sorted(days.items(), key=lambda item: (min(item[1]), item[0]))
    ):
        rows.append(
            {
                "id": f"{service_id}-schedule-{number + 1}",
                "service_id": service_id,
                "freq": "WEEKLY",
                "byday": ",".join(DAY_CODES[day] for day in sorted(set(weekdays))),
                "opens_at": f"{opens_at:%H:%M}",
                "closes_at": f"{closes_at:%H:%M}",
            }
        )
    return rows


def _descriptor(county: Organisation) -> dict[str, Any]:
    return {
        "name": f"{slugify(county.name) or 'county'}-directory",
        "title": _("%(county)s resource directory") % {"county": county.name},
        "profile": "tabular-data-package",
        "resources": [],
    }


def _resource(name: str) -> dict[str, Any]:
    spec = SPECS[name]
    schema: dict[str, Any] = {
        "fields": [{"name": column, "type": kind} for column, kind in spec.fields],
        "primaryKey": "id",
    }
    if spec.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": column, "reference": {"resource": table, "fields": "id"}}
            for column, table in spec.foreign_keys
        ]
    return {"name": name, "profile": "tabular-data-resource", "schema": schema}


def export_zip(county: Organisation) -> bytes:
    """The county's directory as a zip of HSDS CSV files with their datapackage.json."""
    tables = _export_tables(county)
    package = _descriptor(county)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=SPECS[name].columns, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(f"{name}.csv", text.getvalue().encode("utf-8"))
            package["resources"].append(
                _resource(name)
                | {
                    "path": f"{name}.csv",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                }
            )
        archive.writestr("datapackage.json", json.dumps(package, indent=2, ensure_ascii=False))
    return buffer.getvalue()


def export_json(county: Organisation) -> dict[str, Any]:
    """The same package as one datapackage.json, each resource carrying its rows as `data`."""
    package = _descriptor(county)
    for name, rows in _export_tables(county).items():
        kinds = dict(SPECS[name].fields)
        data = [
            {column: _typed(value, kinds[column]) for column, value in row.items()} for row in rows
        ]
        package["resources"].append(_resource(name) | {"data": data})
    return package


def _typed(value: str, kind: str) -> Any:
    if kind == "string":
        return value
    if value == "":
        return None
    if kind == "number":
        return int(value) if value.isdigit() else float(value)
    return value


# Reading a file


def read_package(data: bytes, filename: str) -> Tables:
    """The tables of a zip of CSV files or of a JSON data package with inline rows.

    Whatever the bytes, the answer is the tables or an HsdsError that says why.
    """
    if len(data) > MAX_FILE_BYTES:
        raise HsdsError(
            _("%(file)s is over %(size)d MB: send the directory as a zip of CSV files.")
            % {"file": filename, "size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise HsdsError(_("%(file)s is empty.") % {"file": filename})
    try:
        tables = _read_tables(data, filename)
    except RecursionError:
        raise HsdsError(
            _("%(file)s nests its JSON too deeply to be a data package.") % {"file": filename}
        ) from None
    if not any(name in SPECS for name in tables):
        raise HsdsError(
            _(
                "%(file)s holds no directory tables. Put organizations.csv, services.csv "
                "and the other HSDS tables in it."
            )
            % {"file": filename}
        )
    return tables


def _read_tables(data: bytes, filename: str) -> Tables:
    if zipfile.is_zipfile(io.BytesIO(data)):
        return _read_zip(data)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _read_json_package(_load_json(data, filename), {})
    raise HsdsError(
        _(
            "%(file)s is neither a zip of HSDS CSV files nor a JSON data package. "
            "Export the directory as a .zip or .json file and try that."
        )
        % {"file": filename}
    )


def _table_name(name: str) -> str:
    name = re.sub(r"[\s-]+", "_", name.strip().lower())
    for candidate in (name, f"{name}s", f"{name}es"):
        if candidate in SPECS:
            return candidate
    return name


def _load_json(data: bytes, filename: str) -> dict[str, Any]:
    try:
        package = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise HsdsError(
            _("%(file)s nests its JSON too deeply to be a data package.") % {"file": filename}
        ) from None
    except ValueError:  # bad UTF-8, bad JSON, or a number too long to read
        raise HsdsError(
            _("%(file)s isn't valid JSON, so it can't be read as a data package.")
            % {"file": filename}
        ) from None
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise HsdsError(
            _("%(file)s isn't a data package: it has no list of resources.") % {"file": filename}
        )
    return package


def _read_zip(data: bytes) -> Tables:
    tables: Tables = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and not PurePosixPath(info.filename).name.startswith(".")
            ]
            if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
                raise HsdsError(
                    _("The zip is too big: unpacked, it is over %(size)d MB.")
                    % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)}
                )
            by_name = {PurePosixPath(info.filename).name.lower(): info for info in members}
            named: dict[str, str] = {}
            descriptor = by_name.get("datapackage.json")
            if descriptor is not None:
                package = _load_json(archive.read(descriptor), "datapackage.json")
                for resource in package["resources"]:
                    if isinstance(resource, dict) and isinstance(resource.get("path"), str):
                        path = PurePosixPath(resource["path"]).name.lower()
                        named[path] = _table_name(
                            str(resource.get("name") or PurePosixPath(path).stem)
                        )
                tables.update(_read_json_package(package, by_name))
            for filename, info in sorted(by_name.items()):
                if not filename.endswith(".csv"):
                    continue
                name = named.get(filename) or _table_name(filename[: -len(".csv")])
                if name in tables:
                    raise HsdsError(
                        _("The zip holds two files for %(table)s; keep one.") % {"table": name}
                    )
                tables[name] = _read_csv(archive.read(info), filename)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, OSError, EOFError) as error:
        raise HsdsError(_("The zip file is damaged and can't be opened.")) from error
    return tables


def _read_csv(raw: bytes, filename: str) -> list[Row]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # saved by a spreadsheet on Windows
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        rows = []
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            values = {column: cell for column, cell in zip(header, cells, strict=False) if column}
            rows.append(Row({column: values.get(column, "") for column in header if column}, line))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            reason = _("a cell is longer than %(limit)s characters") % {
                "limit": f"{csv.field_size_limit():,}"
            }
        elif "NUL" in str(error):
            reason = _("it holds a null character")
        else:
            reason = _("check its quotes and commas")
        raise HsdsError(
            _("%(file)s, row %(row)d, can't be read as CSV: %(reason)s.")
            % {"file": filename, "row": reader.line_num, "reason": reason}
        ) from error
    return rows


def _read_json_package(package: Mapping[str, Any], files: Mapping[str, object]) -> Tables:
    tables: Tables = {}
    for number, resource in enumerate(package["resources"]):
        if not isinstance(resource, dict):
            continue
        path = resource.get("path")
        name = _table_name(
            str(resource.get("name") or (PurePosixPath(path).stem if isinstance(path, str) else ""))
            or f"resource {number + 1}"
        )
        data = resource.get("data")
        if data is None:
            if isinstance(path, str) and PurePosixPath(path).name.lower() in files:
                continue  # the CSV file is read on its own
            raise HsdsError(
                _(
                    "The package's %(table)s table points at %(path)s, which isn't in it. "
                    "Send the zip with the CSV files, or a datapackage.json with its rows inside."
                )
                % {"table": name, "path": path or "?"}
            )
        if not isinstance(data, list):
            raise HsdsError(_("The rows of the %(table)s table must be a list.") % {"table": name})
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        declared = [
            str(item["name"]).strip().lower()
            for item in (fields if isinstance(fields, list) else [])
            if isinstance(item, dict) and "name" in item
        ]
        if data and all(isinstance(item, list) for item in data):
            header = [str(cell).strip().lower() for cell in data[0]]
            objects = [dict(zip(header, item, strict=False)) for item in data[1:]]
        else:
            objects = [item if isinstance(item, dict) else {} for item in data]
        columns = list(
            dict.fromkeys(declared + [str(k).strip().lower() for o in objects for k in o])
        )
        rows = []
        for line, item in enumerate(objects, start=2):  # as in the table's CSV file
            try:
                values = {str(key).strip().lower(): _cell(value) for key, value in item.items()}
            except (RecursionError, ValueError):
                raise HsdsError(
                    _("Row %(row)d of the %(table)s table nests its values too deeply.")
                    % {"row": line, "table": name}
                ) from None
            if not any(value.strip() for value in values.values()):
                continue
            rows.append(Row({column: values.get(column, "") for column in columns}, line))
        tables[name] = rows
    return tables


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


# Checking

# Messages several checks give; the row and column are reported beside them.
FILL_IN = gettext_lazy("fill this in; it can't be left empty.")
UNKNOWN_SERVICE = gettext_lazy("use the id of a service in services.csv.")
UNKNOWN_ORGANIZATION = gettext_lazy("use the id of an organization in organizations.csv.")
UNKNOWN_LANGUAGE = gettext_lazy("enter the language's two-letter code, like es for Spanish.")
TAKEN_ID = gettext_lazy(
    "another organization in the directory already uses this id; use a new one."
)


class _Checker:
    """Reads every row, collecting every problem, and works out what would change."""

    def __init__(self, county: Organisation, tables: Tables) -> None:
        self.county = county
        self.tables = tables
        self.table = ""  # the table being read
        self.problems: list[RowProblem] = []
        self.broken: set[str] = set()
        # Ids of rows refused for a problem of their own: rows pointing at them are not blamed.
        self.refused: dict[str, set[str]] = defaultdict(set)
        self.columns = {
            name: set[str]().union(*(row.keys() for row in rows)) for name, rows in tables.items()
        }
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

    # Helpers

    def bad(self, row: Row | int, column: str, message: object, table: str = "") -> None:
        line = row if isinstance(row, int) else row.line
        self.problems.append(RowProblem(table or self.table, line, column, str(message)))

    def has(self, table: str) -> bool:
        """The package has this table, with the columns an import needs."""
        return table in self.tables and table not in self.broken

    def has_column(self, column: str) -> bool:
        return column in self.columns.get(self.table, set())

    def rows(self, table: str) -> list[Row]:
        self.table = table
        return self.tables[table] if self.has(table) else []

    def text(self, row: Row, column: str, required: bool = False, limit: int | None = None) -> str:
        value = (row.get(column) or "").strip()
        if required and not value:
            self.bad(row, column, FILL_IN)
        elif limit is not None and len(value) > limit:
            message = _("shorten this to %(limit)d characters or fewer.")
            self.bad(row, column, message % {"limit": limit})
            return ""
        return value

    def ident(self, row: Row, seen: dict[str, int], required: bool = True) -> str:
        value = self.text(row, "id", required=required, limit=100)
        if value and value in seen:
            message = _("use another id: row %(row)d already has this one.")
            self.bad(row, "id", message % {"row": seen[value]})
            return ""
        if value:
            seen[value] = row.line
        return value

    def email(self, row: Row, column: str) -> str:
        value = self.text(row, column, limit=254)
        try:
            if value:
                validate_email(value)
        except ValidationError:
            self.bad(row, column, _("enter an email address, like help@example.org."))
        return value

    def url(self, row: Row, column: str) -> str:
        value = self.text(row, column, limit=200)
        try:
            if value:
                _URL(value)
        except ValidationError:
            self.bad(row, column, _("enter a full web address, like https://example.org."))
        return value

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

    def put(self, values: dict[str, Any], column: str, value: Any, name: str = "") -> None:
        """Keep a value only when the table has the column: a left-out column changes nothing."""
        if self.has_column(column):
            values[name or column] = value

    # The tables, in the order their references need

    def run(self) -> ImportPlan:
        for name, rows in self.tables.items():
            if name not in SPECS or not rows:
                continue
            self.table = name
            missing = [c for c in SPECS[name].required if not self.has_column(c)]
            if missing:
                self.broken.add(name)
                message = ngettext(
                    "add the missing column: %(columns)s.",
                    "add the missing columns: %(columns)s.",
                    len(missing),
                )
                self.bad(1, ", ".join(missing), message % {"columns": ", ".join(missing)})
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
        plan = self.plan()
        order = {name: number for number, name in enumerate(TABLE_ORDER)}
        plan.problems = sorted(
            self.problems, key=lambda p: (order.get(p.table, len(order)), p.row, p.column)
        )
        plan.ignored_tables = sorted(name for name in self.tables if name not in SPECS)
        return plan

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

    def organization_of(self, row: Row) -> str:
        org = self.text(row, "organization_id", required=True)
        if org and org not in self.orgs and org not in self.db_providers:
            if "organizations" not in self.broken:
                message = _("use the id of an organization in organizations.csv or the directory.")
                self.bad(row, "organization_id", message)
            return ""
        return org

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

    def coordinate(self, row: Row, column: str, bound: float) -> float | None:
        text = self.text(row, column)
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if -bound <= value <= bound:
            return value
        if column == "latitude":
            self.bad(row, column, _("enter a latitude between -90 and 90, like 36.7378."))
        else:
            self.bad(row, column, _("enter a longitude between -180 and 180, like -119.7871."))
        return None

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

    def state(self, row: Row) -> str:
        value = self.text(row, "state_province", required=True).upper()
        if value and not _STATE.fullmatch(value):
            self.bad(row, "state_province", _("enter the two-letter state code, like CA."))
        return value

    def postal_code(self, row: Row) -> str:
        value = self.text(row, "postal_code", required=True)
        if value and not _ZIP.fullmatch(value):
            message = _("enter a 5-digit ZIP code, like 93721, or a ZIP+4, like 93721-1234.")
            self.bad(row, "postal_code", message)
        elif value and not _real_zip(value[:5]):
            self.bad(row, "postal_code", _("there is no such ZIP code; check it for a typo."))
        return value

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
            status = self.text(row, "status", required=True).lower()
            if status and status not in statuses:
                self.bad(row, "status", _("use one of: active, inactive, defunct."))
            self.put(values, "status", statuses.get(status, "active"))
            self.put(values, "assured_date", self.assured_date(row), "last_verified_on")
            if key and org and (org, key) not in self.db_services and self.db_service_orgs[key]:
                self.bad(row, "id", TAKEN_ID)
            elif key and org:
                self.svcs[key] = (row, org, values)
                continue
            self.refused["services"].add(self.text(row, "id"))

    def assured_date(self, row: Row) -> date | None:
        text = self.text(row, "assured_date")[:10]  # a date-time says the day too
        if not text:
            return None
        try:
            if _DATE.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        self.bad(row, "assured_date", _("enter the date as YYYY-MM-DD, like 2025-03-31."))
        return None

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
            days: list[int] = []
            byday = self.text(row, "byday", required=True)
            for token in filter(None, (part.strip().upper() for part in byday.split(","))):
                if token not in DAYS:
                    message = _("use the days MO, TU, WE, TH, FR, SA and SU, separated by commas.")
                    self.bad(row, "byday", message)
                    days = []
                    break
                days.append(DAYS[token])
            opens_at, closes_at = self.clock(row, "opens_at"), self.clock(row, "closes_at")
            if opens_at is None or closes_at is None:
                continue
            if opens_at >= closes_at:
                message = _("make the closing time later than the opening time.")
                self.bad(row, "closes_at", message)
            elif service:
                self.openings[service].update((day, opens_at, closes_at) for day in days)

    def clock(self, row: Row, column: str) -> time | None:
        text = self.text(row, column, required=True)
        value = _parse_time(text) if text else None
        if text and value is None:
            message = _("enter the time as HH:MM on a 24-hour clock, like 09:00 or 17:30.")
            self.bad(row, column, message)
        return value

    def read_languages(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("languages"):
            self.ident(row, seen, required=False)
            self.text(row, "service_id", required=True)
            service = self.refers(row, "service_id", self.svcs, "services")
            code = self.text(row, "code").lower()
            name = self.text(row, "name")
            if not code and name:
                code = _language_codes().get(name.lower(), "")
                if not code:
                    self.bad(row, "code", UNKNOWN_LANGUAGE)
                    continue
            if not code:
                self.bad(row, "code", FILL_IN)
            elif not _LANGUAGE.fullmatch(code):
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
            if name and county is None:
                message = _("use the name of a county in Stride, like %(county)s.")
                self.bad(row, "name", message % {"county": self.county.name})
            elif service and county is not None:
                self.serves[service].add(county)

    def read_taxonomy_terms(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("taxonomy_terms"):
            key = self.ident(row, seen)
            taxonomy = self.text(row, "taxonomy") or self.text(row, "taxonomy_id")
            if taxonomy.lower() != TAXONOMY:
                if key:
                    self.terms[key] = None  # another taxonomy's term: Stride leaves it be
                continue
            code = self.text(row, "code", required=True)
            meaning = _meaning(code) if code else None
            if code and meaning is None:
                message = _(
                    "use a code of the stride taxonomy, like category:food or "
                    "circumstance:no_car; an export lists them all."
                )
                self.bad(row, "code", message)
            if key:
                self.terms[key] = meaning or _BAD

    def read_attributes(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("attributes"):
            self.ident(row, seen, required=False)
            term = self.text(row, "taxonomy_term_id", required=True)
            if term and term not in self.terms:
                if "taxonomy_terms" not in self.broken:
                    message = _("use the id of a term in taxonomy_terms.csv.")
                    self.bad(row, "taxonomy_term_id", message)
                continue
            meaning = self.terms.get(term)
            if meaning is None or meaning == _BAD:
                continue  # another taxonomy's term, or one reported in taxonomy_terms.csv
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

    def check_services(self) -> None:
        if "attributes" in self.broken:
            return
        self.table = "services"
        for key, (row, org, _values) in self.svcs.items():
            if key not in self.category and (
                self.has("attributes") or (org, key) not in self.db_services
            ):
                message = _(
                    "give this service its kind of service: add a row to attributes.csv "
                    "linking it to a term like stride-category-food."
                )
                self.bad(row, "category", message)
            low = self.months.get((key, "months_on_aid_from"))
            high = self.months.get((key, "months_on_aid_up_to"))
            if low and high and low[0] > high[0]:
                message = _("make this at least the first month on aid (%(month)d).")
                self.bad(high[1], "value", message % {"month": low[0]}, table="attributes")

    # What would change

    def plan(self) -> ImportPlan:
        plan = ImportPlan()
        for key, values in self.orgs.items():
            values = dict(values)
            if self.has("phones"):
                values["phone"] = self.phones.get(("organizations", key), "")
            if self.has("attributes"):
                values["contracted"] = self.contracted.get(key, False)
            provider = self.db_providers.get(key)
            plan.providers.append(
                _ProviderChange(key, provider, values, _differences(provider, values))
            )
        blank = dict.fromkeys(("address_1", "city", "state_province", "postal_code"), "")
        for key, (org, values) in self.locs.items():
            values = dict(values)
            if self.has("addresses"):
                values.update(self.addresses.get(key, blank))
            location = self.db_locations.get((org, key))
            plan.locations.append(
                _LocationChange(org, key, location, values, _differences(location, values))
            )
        self.plan_services(plan)
        plan.counts = {
            "organizations": _count(plan.providers),
            "locations": _count(plan.locations),
            "services": _count(plan.services),
        }
        return plan

    def plan_services(self, plan: ImportPlan) -> None:
        present = _Present(self.county, self.db_locations, self.db_services, self)
        for key, (_row, org, scalar) in self.svcs.items():
            existing = self.db_services.get((org, key))
            new = existing is None
            values = dict(scalar)
            if self.has("phones"):
                values["phone"] = self.phones.get(("services", key), "")
            if (self.has("attributes") or new) and key in self.category:
                category = self.category[key][0]
                low = self.months.get((key, "months_on_aid_from"))
                high = self.months.get((key, "months_on_aid_up_to"))
                values |= {
                    "category": category,
                    "area": str(CATEGORY_AREA[Category(category)]),
                    "fits_mask": circumstance_mask(sorted(self.fits.get(key, set()))),
                    "months_on_aid_min": low[0] if low else None,
                    "months_on_aid_max": high[0] if high else None,
                }
            change = _ServiceChange(org, key, existing, values, [])
            if self.has("languages") or new:
                change.languages = set(self.languages.get(key, set()))
            if self.has("schedules") or new:
                change.schedules = set(self.openings.get(key, set()))
                values["open_evenings"] = any(c > EVENING_FROM for _d, _o, c in change.schedules)
                values["open_weekends"] = any(d in WEEKEND for d, _o, _c in change.schedules)
            if self.has("service_areas") or new:
                change.serves = set(self.serves.get(key, set())) or {self.county.pk}
            if self.has("service_at_locations") or new:
                change.locations = set(self.at_locations.get(key, set()))
            if existing is not None:
                change.changed = _differences(existing, values)
                if existing.county_id != self.county.pk:
                    change.changed.append("county")
                change.changed += present.differences(existing.pk, change)
            plan.services.append(change)


class _Present:
    """The languages, hours, counties served and places of the county's services now."""

    def __init__(
        self,
        county: Organisation,
        locations: Mapping[LocationKey, Location],
        services: Mapping[tuple[str, str], Service],
        checker: _Checker,
    ) -> None:
        self.languages: dict[int, set[Any]] = defaultdict(set)
        self.schedules: dict[int, set[Any]] = defaultdict(set)
        self.serves: dict[int, set[Any]] = defaultdict(set)
        self.locations: dict[int, set[Any]] = defaultdict(set)
        if not services:
            return
        in_county = Service.objects.filter(provider__county=county)
        if checker.has("languages"):
            for pk, code in ServiceLanguage.objects.filter(service__in=in_county).values_list(
                "service_id", "code"
            ):
                self.languages[pk].add(code)
        if checker.has("schedules"):
            for pk, *opening in Schedule.objects.filter(service__in=in_county).values_list(
                "service_id", "weekday", "opens_at", "closes_at"
            ):
                self.schedules[pk].add(tuple(opening))
        if checker.has("service_areas"):
            for pk, county_pk in Service.serves.through.objects.filter(
                service__in=in_county
            ).values_list("service_id", "organisation_id"):
                self.serves[pk].add(county_pk)
        if checker.has("service_at_locations"):
            key_of = {location.pk: key for key, location in locations.items()}
            for pk, location_pk in Service.locations.through.objects.filter(
                service__in=in_county
            ).values_list("service_id", "location_id"):
                self.locations[pk].add(key_of.get(location_pk, ("#", str(location_pk))))

    def differences(self, pk: int, change: _ServiceChange) -> list[str]:
        return [
            name
            for name, wanted, now in (
                ("languages", change.languages, self.languages[pk]),
                ("schedules", change.schedules, self.schedules[pk]),
                ("serves", change.serves, self.serves[pk]),
                ("locations", change.locations, self.locations[pk]),
            )
            if wanted is not None and wanted != now
        ]


def _differences(existing: models.Model | None, values: Mapping[str, Any]) -> list[str]:
    if existing is None:
        return []
    return [name for name, value in values.items() if getattr(existing, name) != value]


def _count(changes: Sequence[_ProviderChange | _LocationChange | _ServiceChange]) -> dict[str, int]:
    new = sum(1 for change in changes if change.existing is None)
    changed = sum(1 for change in changes if change.existing is not None and change.changed)
    return {"new": new, "changed": changed, "unchanged": len(changes) - new - changed}


def check(county: Organisation, tables: Tables) -> ImportPlan:
    """The dry run: every problem in the tables, and what an import would add or change."""
    return _Checker(county, tables).run()


# Applying


def apply(actor: Actor, county: Organisation, tables: Tables) -> ImportPlan:
    """Import the tables in one transaction, or raise ImportRefused and change nothing."""
    with transaction.atomic():
        plan = check(county, tables)
        if not plan.ok:
            raise ImportRefused(plan)
        _write(actor, county, plan)
    return plan


def _chunks(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _bulk_update(model: type[models.Model], changes: Sequence[Any]) -> list[int]:
    """Save what changed: one UPDATE per set of new values, for all the records that share it.

    (Django's bulk_update builds a CASE per field and row, which is slower on SQLite.)
    Returns the primary keys of the changed records.
    """
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = defaultdict(list)
    for change in changes:
        if change.existing is None or not change.changed:
            continue
        values = {name: change.values[name] for name in change.changed if name in change.values}
        if "county" in change.changed:
            values["county"] = change.existing.county
        for name, value in values.items():
            setattr(change.existing, name, value)
        groups[tuple(sorted(values.items(), key=lambda item: item[0]))].append(change.existing.pk)
    for new_values, pks in groups.items():
        if new_values:
            for chunk in _chunks(pks):
                model._default_manager.filter(pk__in=chunk).update(**dict(new_values))
    return [pk for pks in groups.values() for pk in pks]


def _write(actor: Actor, county: Organisation, plan: ImportPlan) -> None:
    new_providers = [
        Provider(county=county, hsds_id=change.key, **change.values)
        for change in plan.providers
        if change.existing is None
    ]
    Provider.objects.bulk_create(new_providers, batch_size=CHUNK)
    _bulk_update(Provider, plan.providers)
    provider_pk = dict(Provider.objects.filter(county=county).values_list("hsds_id", "pk"))
    key_of = {pk: key for key, pk in provider_pk.items()}

    Location.objects.bulk_create(
        [
            Location(
                provider_id=provider_pk[change.provider_key], hsds_id=change.key, **change.values
            )
            for change in plan.locations
            if change.existing is None
        ],
        batch_size=CHUNK,
    )
    _bulk_update(Location, plan.locations)
    location_pk: dict[LocationKey, int] = {
        (key_of[provider], hsds_id): pk
        for pk, provider, hsds_id in Location.objects.filter(provider__county=county).values_list(
            "pk", "provider_id", "hsds_id"
        )
    }

    new_services = [
        Service(
            provider_id=provider_pk[change.provider_key],
            county=county,
            hsds_id=change.key,
            **change.values,
        )
        for change in plan.services
        if change.existing is None
    ]
    Service.objects.bulk_create(new_services, batch_size=CHUNK)
    for change in plan.services:
        if change.existing is not None and "county" in change.changed:
            change.existing.county = county
    now = timezone.now()
    for chunk in _chunks(_bulk_update(Service, plan.services)):
        Service.objects.filter(pk__in=chunk).update(version=F("version") + 1, updated_at=now)
    service_pk = {
        (key_of[provider], hsds_id): pk
        for pk, provider, hsds_id in Service.objects.filter(provider__county=county).values_list(
            "pk", "provider_id", "hsds_id"
        )
    }
    _write_relations(plan, service_pk, location_pk)

    audit.record_many(actor, Action.CREATE, new_providers, lambda _record: None)
    audit.record_many(actor, Action.CREATE, new_services, lambda _record: None)
    for provider_change in plan.providers:
        if provider_change.existing is not None and provider_change.changed:
            audit.record(
                actor, Action.CHANGE, provider_change.existing, None, provider_change.changed
            )
    for change in plan.services:
        if change.existing is not None and change.changed:
            fields = [_AUDIT_NAMES.get(name, name) for name in change.changed]
            audit.record(actor, Action.CHANGE, change.existing, None, sorted(set(fields)))


_AUDIT_NAMES = {"fits_mask": "fits", "open_evenings": "schedules", "open_weekends": "schedules"}


def _write_relations(
    plan: ImportPlan,
    service_pk: Mapping[tuple[str, str], int],
    location_pk: Mapping[LocationKey, int],
) -> None:
    replace: dict[str, list[int]] = defaultdict(list)
    languages: list[ServiceLanguage] = []
    schedules: list[Schedule] = []
    Serves = Service.serves.through
    AtPlace = Service.locations.through
    serves: list[Any] = []
    places: list[Any] = []
    for change in plan.services:
        pk = service_pk[(change.provider_key, change.key)]
        new = change.existing is None
        given: dict[str, set[Any] | None] = {
            "languages": change.languages,
            "schedules": change.schedules,
            "serves": change.serves,
            "locations": change.locations,
        }
        to_write = {
            name: value
            for name, value in given.items()
            if value is not None and (new or name in change.changed)
        }
        if not new:
            for name in to_write:
                replace[name].append(pk)
        languages += [
            ServiceLanguage(service_id=pk, code=code)
            for code in sorted(to_write.get("languages", ()))
        ]
        schedules += [
            Schedule(service_id=pk, weekday=day, opens_at=opens_at, closes_at=closes_at)
            for day, opens_at, closes_at in sorted(to_write.get("schedules", ()))
        ]
        serves += [
            Serves(service_id=pk, organisation_id=county)
            for county in sorted(to_write.get("serves", ()))
        ]
        places += [
            AtPlace(service_id=pk, location_id=location_pk[key])
            for key in sorted(to_write.get("locations", ()))
        ]
    for name, model in (
        ("languages", ServiceLanguage),
        ("schedules", Schedule),
        ("serves", Serves),
        ("locations", AtPlace),
    ):
        for chunk in _chunks(replace[name]):
            model._default_manager.filter(service_id__in=chunk).delete()
    ServiceLanguage.objects.bulk_create(languages, batch_size=CHUNK)
    Schedule.objects.bulk_create(schedules, batch_size=CHUNK)
    Serves.objects.bulk_create(serves, batch_size=CHUNK)
    AtPlace.objects.bulk_create(places, batch_size=CHUNK)
