"""Every write of the benefits app: audited, atomic, with edits checked for staleness."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from stride.core import audit
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people.models import Household, Member, Participant

from . import tasks
from .curves import WhatIf
from .models import Curve, HouseholdBudget, MemberBudget, Scenario

MEMBER_FIELDS = (
    "yearly_earnings",
    "weekly_hours",
    "care_days_per_week",
    "care_hours_per_day",
    "monthly_care_cost",
)


def save_money(
    actor: Actor,
    participant: Participant,
    expected_version: int,
    monthly_rent: Decimal,
    members: dict[Member, dict[str, Any]],
) -> HouseholdBudget:
    """The household's rent and each member's pay and child care, in one save."""
    household: Household = participant.household
    with transaction.atomic():
        budget, new = HouseholdBudget.objects.select_for_update().get_or_create(
            household=household, defaults={"version": 0}
        )
        if budget.version != expected_version:
            error = ValidationError(
                _(
                    "Someone saved this family's money facts while you were editing. "
                    "Check the figures against the family's record and save again."
                )
            )
            error.current_version = budget.version  # type: ignore[attr-defined]
            raise error
        changed_rent = budget.monthly_rent != monthly_rent
        budget.monthly_rent = monthly_rent
        budget.version += 1
        budget.save()
        if changed_rent:
            audit.record(
                actor, AuditEvent.Action.CHANGE, budget, participant.uuid, ["monthly_rent"]
            )
        for member, values in members.items():
            row, created = MemberBudget.objects.get_or_create(member=member)
            fields = [
                name
                for name in MEMBER_FIELDS
                if name in values and getattr(row, name) != values[name]
            ]
            if not fields:
                continue
            for name in fields:
                setattr(row, name, values[name])
            row.save()
            action = AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE
            audit.record(actor, action, row, participant.uuid, fields)
        transaction.on_commit(lambda: _watch_again(household.pk))
    return budget


def _watch_again(household_id: int) -> None:
    tasks.watch_households.enqueue([household_id])


def save_scenario(
    actor: Actor, participant: Participant, title: str, what_if: WhatIf, curve: Curve
) -> Scenario:
    """Freeze a computed curve with its what-ifs, household and PolicyEngine version."""
    if curve.status != Curve.Status.READY or curve.computed_at is None:
        raise ValidationError(_("The picture is still being worked out; save it once it shows."))
    with transaction.atomic():
        scenario = Scenario.objects.create(
            participant=participant,
            title=title,
            what_if={
                "weekly_hours": what_if.weekly_hours,
                "hourly_wage": what_if.hourly_wage,
                "monthly_care_cost": what_if.monthly_care_cost,
                "offers": [list(offer) for offer in what_if.offers],
            },
            request=curve.request,
            data=curve.data,
            engine_version=curve.engine_version,
            computed_at=curve.computed_at,
            created_by=actor.user,
        )
        audit.record(
            actor, AuditEvent.Action.CREATE, scenario, participant.uuid, ["title", "what_if"]
        )
    return scenario
