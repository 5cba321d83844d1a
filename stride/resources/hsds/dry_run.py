"""The dry run, check(): every row checked, then the file's records against the directory's."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models

from stride.core.models import Organisation

from ..actions import EVENING_FROM, WEEKEND
from ..models import (
    CATEGORY_AREA,
    Category,
    Location,
    Provider,
    Schedule,
    Service,
    ServiceLanguage,
    circumstance_mask,
)
from .checking import Checker
from .plan import ImportPlan, LocationChange, LocationKey, ProviderChange, ServiceChange
from .tables import Row, Tables


def check(county: Organisation, tables: Mapping[str, list[Row]]) -> ImportPlan:
    """The dry run: every problem in the tables, and what an import would add or change."""
    if not isinstance(tables, Tables):
        tables = Tables(tables)
    checker = Checker(county, tables)
    problems = checker.run()
    plan = _plan(checker)
    plan.problems = problems
    plan.defaults = checker.defaults
    plan.version = tables.version
    plan.unread = dict(sorted(tables.unread.items()))
    plan.unread_columns = dict(sorted(tables.unread_columns.items()))
    plan.warnings = list(tables.warnings)
    count_gone(county, tables, plan)
    return plan


def count_gone(county: Organisation, tables: Mapping[str, list[Row]], plan: ImportPlan) -> None:
    """The records an earlier import brought in that the file's tables no longer hold.

    Matched by the file's own ids, as the import matches them; a record typed in
    by hand never came from a file, so it is never gone. A table the file leaves
    out says nothing about its records, so none of them is gone. Only active
    services are listed (a paused or closed one is off the map already).
    """
    plan.gone_providers = _gone(
        tables, "organizations", Provider.objects.filter(county=county, from_import=True)
    )
    plan.gone_locations = _gone(
        tables,
        "locations",
        Location.objects.filter(provider__county=county, from_import=True),
    )
    plan.gone = _gone(
        tables,
        "services",
        Service.objects.filter(
            provider__county=county, from_import=True, status=Service.Status.ACTIVE
        ),
    )
    for table, gone in (
        ("organizations", plan.gone_providers),
        ("locations", plan.gone_locations),
        ("services", plan.gone),
    ):
        plan.counts.setdefault(table, _count([]))["gone"] = len(gone)


def _gone(tables: Mapping[str, list[Row]], table: str, records: models.QuerySet[Any]) -> list[Any]:
    """The records whose ids the file's table no longer holds, by name (none without the table)."""
    if table not in tables:
        return []
    ids = {row.get("id", "").strip() for row in tables[table]}
    pks = [pk for pk, key in records.values_list("pk", "hsds_id") if key not in ids]
    found: list[Any] = []
    for start in range(0, len(pks), 500):  # SQLite's limit on parameters
        chunk = records.model._default_manager.filter(pk__in=pks[start : start + 500])
        if records.model is not Provider:
            chunk = chunk.select_related("provider")
        found += chunk
    if records.model is Provider:
        found.sort(key=lambda record: (record.name, record.pk))
    else:
        found.sort(key=lambda record: (record.provider.name, record.name, record.pk))
    return found


def _plan(checker: Checker) -> ImportPlan:
    plan = ImportPlan()
    for key, values in checker.orgs.items():
        values = dict(values)
        if checker.has("phones"):
            values["phone"] = checker.phones.get(("organizations", key), "")
        if checker.has("attributes"):
            values["contracted"] = checker.contracted.get(key, False)
        provider = checker.db_providers.get(key)
        plan.providers.append(ProviderChange(key, provider, values, _differences(provider, values)))
    blank = dict.fromkeys(("address_1", "city", "state_province", "postal_code"), "")
    for key, (org, values) in checker.locs.items():
        values = dict(values)
        if checker.has("addresses"):
            values.update(checker.addresses.get(key, blank))
        location = checker.db_locations.get((org, key))
        plan.locations.append(
            LocationChange(org, key, location, values, _differences(location, values))
        )
    _plan_services(checker, plan)
    plan.counts = {
        "organizations": _count(plan.providers),
        "locations": _count(plan.locations),
        "services": _count(plan.services),
    }
    return plan


def _plan_services(checker: Checker, plan: ImportPlan) -> None:
    present = _Present(checker.county, checker.db_locations, checker.db_services, checker)
    for key, (_row, org, scalar) in checker.svcs.items():
        existing = checker.db_services.get((org, key))
        new = existing is None
        values = dict(scalar)
        if checker.has("phones"):
            values["phone"] = checker.phones.get(("services", key), "")
        if (checker.has("attributes") or new) and key in checker.category:
            category = checker.category[key][0]
            low = checker.months.get((key, "months_on_aid_from"))
            high = checker.months.get((key, "months_on_aid_up_to"))
            values |= {
                "category": category,
                "area": str(CATEGORY_AREA[Category(category)]),
                "fits_mask": circumstance_mask(sorted(checker.fits.get(key, set()))),
                "months_on_aid_min": low[0] if low else None,
                "months_on_aid_max": high[0] if high else None,
            }
        elif key in checker.placed and (new or existing is not None and not existing.category):
            kind = checker.placed[key]
            values["category"] = kind
            values["area"] = str(CATEGORY_AREA[Category(kind)]) if kind else ""
            plan.to_sort += not kind
            plan.placed += bool(kind)
        if checker.terms_given.get(key):
            values["file_terms"] = checker.terms_given[key]
        change = ServiceChange(org, key, existing, values, [])
        if checker.has("languages") or new:
            change.languages = set(checker.languages.get(key, set()))
        if checker.has("schedules") or new:
            change.schedules = set(checker.openings.get(key, set()))
            values["hours_note"] = "; ".join(dict.fromkeys(checker.hours_notes.get(key, [])))
            values["open_evenings"] = any(c > EVENING_FROM for _d, _o, c in change.schedules)
            values["open_weekends"] = any(d in WEEKEND for d, _o, _c in change.schedules)
        if checker.has("service_areas") or new:
            values["areas_note"] = "; ".join(dict.fromkeys(checker.area_notes.get(key, [])))
            change.serves = set(checker.serves.get(key, set())) or {checker.county.pk}
        if checker.has("service_at_locations") or new:
            change.locations = set(checker.at_locations.get(key, set()))
        if existing is not None:
            change.changed = _differences(existing, values)
            if existing.county_id != checker.county.pk:
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
        checker: Checker,
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

    def differences(self, pk: int, change: ServiceChange) -> list[str]:
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


def _count(changes: Sequence[ProviderChange | LocationChange | ServiceChange]) -> dict[str, int]:
    new = sum(1 for change in changes if change.existing is None)
    changed = sum(1 for change in changes if change.existing is not None and change.changed)
    return {"new": new, "changed": changed, "unchanged": len(changes) - new - changed}
