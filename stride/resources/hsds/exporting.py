"""A county's directory out: a zip of HSDS CSV files, or one JSON data package."""

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from stride.core.models import Organisation

from ..models import Location, Provider, Schedule, Service, ServiceLanguage, circumstances_in
from .plan import Opening
from .tables import DAY_CODES, SPECS
from .taxonomy import TAXONOMY, Meaning, stride_terms, term_code, term_id
from .values import format_phone, language_name, parse_phone


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
        for number, note in enumerate(filter(None, service.hours_note.split("; ")), start=1):
            # Hours kept as the directory file wrote them: a schedule of words only.
            tables["schedules"].append(
                {"id": f"{sid}-hours-note-{number}", "service_id": sid, "description": note}
            )
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
        for number, note in enumerate(filter(None, service.areas_note.split("; ")), start=1):
            tables["service_areas"].append(
                {"id": f"{sid}-area-note-{number}", "service_id": sid, "name": note}
            )
        meanings: list[tuple[Meaning, str]] = (
            [(("category", service.category), "")] if service.category else []  # to sort: none
        )
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
