"""Applying a checked plan: the records it adds or changes, in one transaction."""

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.models import Organisation

from ..models import Location, Provider, Schedule, Service, ServiceLanguage
from .dry_run import check
from .partial import check_good_rows
from .plan import ImportPlan, ImportRefused, LocationKey
from .tables import Tables

CHUNK = 500


def apply(
    actor: Actor,
    county: Organisation,
    tables: Tables,
    skip_bad: bool = False,
    pause_gone: bool = False,
) -> ImportPlan:
    """Import the tables in one transaction, or raise ImportRefused and change nothing.

    With skip_bad, the rows with problems (and the rows that belong to them) are
    left out and the good rows imported; the plan lists what was skipped and why.
    The services an earlier import brought in that the file no longer holds
    (plan.gone) stay as they are, or with pause_gone are paused; never deleted.
    """
    with transaction.atomic():
        plan = check_good_rows(county, tables) if skip_bad else check(county, tables)
        if not plan.ok:
            raise ImportRefused(plan)
        _write(actor, county, plan)
        if pause_gone:
            _pause_gone(actor, plan)
    return plan


def _pause_gone(actor: Actor, plan: ImportPlan) -> None:
    """Take the services no longer in the file off the map, each with its audit event."""
    pks = [service.pk for service in plan.gone]
    now = timezone.now()
    for chunk in _chunks(pks):
        Service.objects.filter(pk__in=chunk, status=Service.Status.ACTIVE).update(
            status=Service.Status.INACTIVE, version=F("version") + 1, updated_at=now
        )
    for service in plan.gone:
        service.status = Service.Status.INACTIVE
    audit.record_many(actor, Action.CHANGE, plan.gone, lambda _record: None, ["status"])
    plan.paused = len(pks)


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
        Provider(county=county, hsds_id=change.key, from_import=True, **change.values)
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
                provider_id=provider_pk[change.provider_key],
                hsds_id=change.key,
                from_import=True,
                **change.values,
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
            from_import=True,
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
