"""Every write of retention's own records, each with its audit event in its transaction:
a county's policy for a kind of record, and legal holds placed and lifted."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stride.core import audit
from stride.core.audit import Actor
from stride.core.edits import StaleEdit
from stride.core.models import Organisation
from stride.people.models import Participant

from . import kinds
from .models import Hold, Policy

Action = audit.Action

# A policy keeps a kind at least a year (a case may reopen) and at most a lifetime.
MOST_YEARS = 75


@dataclass(frozen=True)
class Effective:
    """The policy a kind of record follows in a county: its own, or the default."""

    kind: kinds.Kind
    years: int
    action: str
    reason: str
    policy: Policy | None

    @property
    def county_policy(self) -> bool:
        return self.policy is not None


def effective(county: Organisation) -> list[Effective]:
    """Each kind's policy in `county`, in the kinds' order: one query."""
    own = {policy.record_type: policy for policy in Policy.objects.filter(county=county)}
    found = []
    for kind in kinds.KINDS:
        policy = own.get(kind.key)
        if policy is None:
            found.append(Effective(kind, kind.years, kind.action, str(kind.reason), None))
        else:
            found.append(Effective(kind, policy.years, policy.action, policy.reason, policy))
    return found


@transaction.atomic
def set_policy(
    actor: Actor,
    county: Organisation,
    record_type: str,
    years: int,
    action: str,
    reason: str,
    version: int | None,
) -> Policy:
    """The county's own policy for a kind of record. `version` is the one the person saw
    (None when the kind followed the default)."""
    kind = kinds.BY_KEY[record_type]
    errors = {}
    if not 1 <= years <= MOST_YEARS:
        errors["years"] = _("Keep them between 1 and %(most)s years.") % {"most": MOST_YEARS}
    if action not in kind.actions:
        errors["action"] = _(
            "These records may only be de-identified: the measures count them, and deleting "
            "them would change figures already reported."
        )
    if not reason.strip():
        errors["reason"] = _("Say why the county keeps them this long.")
    if errors:
        raise ValidationError(errors)
    policy = Policy.objects.select_for_update().filter(county=county, record_type=kind.key).first()
    if (policy.version if policy else None) != version:
        raise StaleEdit(policy.version if policy else 0)
    now = timezone.now()
    if policy is None:
        policy = Policy.objects.create(
            county=county,
            record_type=kind.key,
            years=years,
            action=action,
            reason=reason.strip(),
            changed_by=actor.user,
            changed_at=now,
        )
        audit.record(actor, Action.CREATE, policy, None, ["years", "reason"])
        return policy
    old_action = policy.action
    policy.years, policy.action, policy.reason = years, action, reason.strip()
    policy.changed_by, policy.changed_at = actor.user, now
    policy.version += 1
    policy.save()
    audit.record(
        actor, Action.CHANGE, policy, None, ["years", "reason"], {"action": (old_action, action)}
    )
    return policy


@transaction.atomic
def place_hold(actor: Actor, participant: Participant, reason: str) -> Hold:
    """A legal hold on `participant`, reached through the access module by the caller."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the records are held.")})
    hold = Hold.objects.create(
        participant=participant,
        reason=reason.strip(),
        placed_by=actor.user,
        placed_at=timezone.now(),
    )
    audit.record(actor, Action.CREATE, hold, participant.uuid, ["reason"])
    return hold


@transaction.atomic
def lift_hold(actor: Actor, hold: Hold, reason: str) -> Hold:
    """Lift a standing hold, saying why; a lifted hold stays in the participant's record."""
    if not reason.strip():
        raise ValidationError({"lifted_reason": _("Say why the hold is lifted.")})
    locked = Hold.objects.select_for_update().select_related("participant").get(pk=hold.pk)
    if locked.lifted_at is not None:
        raise ValidationError({"lifted_reason": _("This hold was lifted already.")})
    locked.lifted_reason = reason.strip()
    locked.lifted_by = actor.user
    locked.lifted_at = timezone.now()
    locked.save(update_fields=["lifted_reason", "lifted_by", "lifted_at"])
    audit.record(
        actor, Action.CHANGE, locked, locked.participant.uuid, ["lifted_reason", "lifted_at"]
    )
    return locked
