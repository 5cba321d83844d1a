"""Every change to the resource map and to referrals, each with its audit event.

Directory changes are audited without a participant; referral changes name
the participant, so they show in the family's audit trail.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.coaching.models import Step
from stride.core import audit, events, zips
from stride.core.audit import Action, Actor
from stride.core.edits import lock_for_edit
from stride.core.models import Organisation
from stride.people.models import Participant

from .models import (
    CATEGORY_AREA,
    Category,
    Location,
    PartnerLink,
    Provider,
    Referral,
    Schedule,
    Service,
    ServiceLanguage,
    circumstance_mask,
)

PARTNER_LINK_DAYS = 14
EVENING_FROM = time(17, 0)
WEEKEND = {Schedule.Weekday.SATURDAY, Schedule.Weekday.SUNDAY}


@dataclass(frozen=True)
class Opening:
    weekday: int
    opens_at: time
    closes_at: time


def refresh_opening_flags(service: Service) -> None:
    """Keep the evening and weekend columns in step with the service's schedules."""
    openings = list(service.schedules.all())
    service.open_evenings = any(row.closes_at > EVENING_FROM for row in openings)
    service.open_weekends = any(row.weekday in WEEKEND for row in openings)
    Service.objects.filter(pk=service.pk).update(
        open_evenings=service.open_evenings, open_weekends=service.open_weekends
    )


@dataclass(frozen=True)
class ServiceDetails:
    """What a county administrator fills in for a service."""

    name: str
    category: str
    description: str = ""
    url: str = ""
    email: str = ""
    phone: str = ""
    status: str = Service.Status.ACTIVE
    application_process: str = ""
    fees_description: str = ""
    eligibility_description: str = ""
    fits: tuple[str, ...] = ()
    months_on_aid_min: int | None = None
    months_on_aid_max: int | None = None
    languages: tuple[str, ...] = ("en",)
    openings: tuple[Opening, ...] = ()

    def validate(self) -> None:
        low, high = self.months_on_aid_min, self.months_on_aid_max
        if low is not None and high is not None and low > high:
            raise ValidationError(
                {"months_on_aid_max": _("The last month comes after the first month.")}
            )
        for opening in self.openings:
            if opening.closes_at <= opening.opens_at:
                raise ValidationError({"openings": _("Each day closes after it opens.")})


SERVICE_FIELDS = (
    "name", "category", "description", "url", "email", "phone", "status",
    "application_process", "fees_description", "eligibility_description",
    "months_on_aid_min", "months_on_aid_max",
)  # fmt: skip


def _apply(service: Service, details: ServiceDetails) -> list[str]:
    changed = [name for name in SERVICE_FIELDS if getattr(service, name) != getattr(details, name)]
    for name in SERVICE_FIELDS:
        setattr(service, name, getattr(details, name))
    service.area = CATEGORY_AREA[Category(details.category)]
    mask = circumstance_mask(list(details.fits))
    if mask != service.fits_mask:
        changed.append("fits")
    service.fits_mask = mask
    return changed


def _set_languages_and_openings(service: Service, details: ServiceDetails) -> list[str]:
    changed = []
    codes = sorted(set(details.languages))
    if sorted(service.languages.values_list("code", flat=True)) != codes:
        service.languages.all().delete()
        ServiceLanguage.objects.bulk_create(ServiceLanguage(service=service, code=c) for c in codes)
        changed.append("languages")
    wanted = sorted((o.weekday, o.opens_at, o.closes_at) for o in details.openings)
    present = sorted(service.schedules.values_list("weekday", "opens_at", "closes_at"))
    if wanted != present:
        service.schedules.all().delete()
        Schedule.objects.bulk_create(
            Schedule(service=service, weekday=w, opens_at=o, closes_at=c) for w, o, c in wanted
        )
        refresh_opening_flags(service)
        changed.append("schedules")
    return changed


@transaction.atomic
def add_provider(
    actor: Actor, county: Organisation, name: str, contracted: bool = False
) -> Provider:
    name = name.strip()
    existing = Provider.objects.filter(county=county, name__iexact=name).first()
    if existing is not None:
        return existing
    provider = Provider.objects.create(
        county=county, hsds_id=f"stride-{secrets.token_hex(8)}", name=name, contracted=contracted
    )
    audit.record(actor, Action.CREATE, provider, None)
    return provider


@transaction.atomic
def add_service(
    actor: Actor,
    provider: Provider,
    details: ServiceDetails,
    serves: list[Organisation] | None = None,
) -> Service:
    details.validate()
    service = Service(
        provider=provider,
        county=provider.county,
        hsds_id=f"stride-{secrets.token_hex(8)}",
        last_verified_on=timezone.localdate(),
        last_verified_by=actor.user,
    )
    _apply(service, details)
    service.save()
    service.serves.set(serves or [provider.county])
    _set_languages_and_openings(service, details)
    audit.record(actor, Action.CREATE, service, None)
    return service


@transaction.atomic
def change_service(
    actor: Actor,
    service: Service,
    details: ServiceDetails,
    expected_version: int,
    provider: Provider | None = None,
    serves: list[Organisation] | None = None,
) -> Service:
    """Save an edit; checking the whole entry counts as verifying it."""
    details.validate()
    current = lock_for_edit(Service, service, expected_version)
    changed = _apply(current, details) + _set_languages_and_openings(current, details)
    if provider is not None and provider.pk != current.provider_id:
        current.provider = provider
        changed.append("provider")
    if serves is not None and {c.pk for c in serves} != set(
        current.serves.values_list("pk", flat=True)
    ):
        current.serves.set(serves)
        changed.append("serves")
    return _save_checked(actor, current, changed)


@transaction.atomic
def confirm_still_right(actor: Actor, service: Service, expected_version: int) -> Service:
    """A reviewer checked the entry with the provider and nothing changed."""
    return _save_checked(actor, lock_for_edit(Service, service, expected_version), [])


@transaction.atomic
def pause_service(actor: Actor, service: Service, expected_version: int, status: str) -> Service:
    current = lock_for_edit(Service, service, expected_version)
    current.status = Service.Status(status)
    return _save_checked(actor, current, ["status"])


@transaction.atomic
def place_service(actor: Actor, service: Service, category: str, expected_version: int) -> Service:
    """Give a service to sort (one the taxonomy crosswalk could not place) its kind of service."""
    if category not in Category.values:
        raise ValidationError({"category": _("Choose a kind of service.")})
    current = lock_for_edit(Service, service, expected_version)
    current.category = Category(category)
    current.area = CATEGORY_AREA[Category(category)]
    current.version = F("version") + 1
    current.save(update_fields=["category", "area", "version", "updated_at"])
    current.refresh_from_db()
    audit.record(actor, Action.CHANGE, current, None, ["category", "area"])
    return current


def _save_checked(actor: Actor, current: Service, changed: list[str]) -> Service:
    """Save a locked service as checked today by `actor`, with its audit event."""
    current.last_verified_on = timezone.localdate()
    current.last_verified_by = actor.user
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    audit.record(actor, Action.CHANGE, current, None, [*changed, "last_verified_on"])
    return current


@transaction.atomic
def add_place(actor: Actor, service: Service, address_1: str, city: str, zip_code: str) -> Location:
    """A new place where the service is offered, at the centre of its ZIP code on the map."""
    found = zips.find(zip_code)
    if found is None:
        raise ValidationError({"place_zip": _("We don't know this ZIP code. Check the digits.")})
    place = Location.objects.create(
        provider=service.provider,
        hsds_id=f"stride-{secrets.token_hex(8)}",
        name=service.provider.name,
        address_1=address_1.strip(),
        city=city.strip() or found.city,
        state_province=found.state,
        postal_code=zip_code,
        latitude=found.latitude,
        longitude=found.longitude,
    )
    service.locations.add(place)
    audit.record(actor, Action.CHANGE, service, None, ["locations"])
    return place


def record_directory_export(actor: Actor, county: Organisation) -> None:
    audit.record(actor, Action.EXPORT, county, None)


# Referrals


@transaction.atomic
def refer(
    actor: Actor,
    participant: Participant,
    service: Service,
    note: str = "",
    step: Step | None = None,
    on: date | None = None,
) -> Referral:
    if service.status != Service.Status.ACTIVE:
        raise ValidationError({"service": _("This service is not taking referrals just now.")})
    if step is not None and step.goal.participant_id != participant.pk:
        raise ValidationError({"step": _("Pick a step from this family's own goals.")})
    open_already = Referral.objects.filter(participant=participant, service=service).exclude(
        stage=Referral.Stage.CLOSED
    )
    if open_already.exists():
        raise ValidationError(
            {"service": _("This family already has an open referral to this service.")}
        )
    referral = Referral.objects.create(
        participant=participant,
        service=service,
        step=step,
        note=note.strip(),
        made_by=actor.user,
        sent_on=on or timezone.localdate(),
    )
    audit.record(actor, Action.CREATE, referral, participant.uuid)
    return referral


# The date each stage after "sent" is recorded in; the stages come in the loop's order.
STAGE_DATE = {
    Referral.Stage.CONTACTED: "contacted_on",
    Referral.Stage.ENROLLED: "enrolled_on",
    Referral.Stage.CLOSED: "closed_on",
}


@transaction.atomic
def record_progress(
    actor: Actor,
    referral: Referral,
    stage: str,
    on: date,
    expected_version: int,
    outcome: str = "",
) -> Referral:
    """Move a referral along its loop; the dates of the stages it passes are kept.

    A loop closes with an outcome. Stages can be skipped (a family enrolls at the
    first call) but never go back: a mistake is fixed by closing and referring again.
    """
    current = lock_for_edit(Referral, referral, expected_version)
    new_stage = Referral.Stage(stage)
    if current.is_closed:
        raise ValidationError({"stage": _("This referral is closed.")})
    order = list(Referral.Stage)
    if order.index(new_stage) <= order.index(Referral.Stage(current.stage)):
        raise ValidationError({"stage": _("Pick a stage after the one the referral is at.")})
    if on < current.sent_on:
        raise ValidationError({"on": _("The date can't be before the referral was sent.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date can't be in the future.")})
    if new_stage == Referral.Stage.CLOSED and not outcome:
        raise ValidationError({"outcome": _("Say how it ended.")})
    changed = ["stage", STAGE_DATE[new_stage]]
    moved: dict[str, audit.Change] = {"stage": (current.stage, new_stage)}
    current.stage = new_stage
    setattr(current, STAGE_DATE[new_stage], on)
    if new_stage == Referral.Stage.CLOSED:
        moved["outcome"] = (current.outcome, outcome)
        current.outcome = Referral.Outcome(outcome)
        changed.append("outcome")
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    audit.record(actor, Action.CHANGE, current, current.participant.uuid, changed, moved)
    events.emit(events.REFERRAL_STAGE_CHANGED, current, current.participant, stage=current.stage)
    return current


# Partner links


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def make_partner_link(actor: Actor, referral: Referral) -> str:
    """A new one-time token for the service's staff; earlier unused links stop working."""
    if referral.is_closed:
        raise ValidationError(_("This referral is closed."))
    now = timezone.now()
    referral.partner_links.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    link = PartnerLink.objects.create(
        referral=referral,
        token_hash=_hash(token),
        created_by=actor.user,
        expires_at=now + timedelta(days=PARTNER_LINK_DAYS),
    )
    audit.record(actor, Action.CREATE, link, referral.participant.uuid)
    return token


def partner_link_for(token: str) -> PartnerLink | None:
    """The link a token opens, if it still works (unused and not expired)."""
    link = (
        PartnerLink.objects.select_related(
            "referral__service__provider", "referral__participant__member"
        )
        .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    return link


def record_partner_view(actor: Actor, link: PartnerLink) -> None:
    audit.record(actor, Action.VIEW, link.referral, link.referral.participant.uuid)


@transaction.atomic
def report_by_partner(
    actor: Actor, link: PartnerLink, stage: str, on: date, expected_version: int, outcome: str = ""
) -> Referral:
    """The service's update through its link; the link is spent."""
    locked = PartnerLink.objects.select_for_update().get(pk=link.pk)
    if locked.used_at is not None or locked.expires_at <= timezone.now():
        raise ValidationError(_("This link has already been used or has expired."))
    referral = record_progress(actor, link.referral, stage, on, expected_version, outcome=outcome)
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    return referral
