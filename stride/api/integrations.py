"""Integration accounts: another system (a state eligibility feed, a county's data
warehouse) that reads and writes one county's cases through the API.

An integration account is a user with `is_system` set and the county administrator's role
in its county, so the access module scopes it as it scopes that administrator: the
county's cases and nothing beyond, and never a private answer (those are for coaches and
supervisors). It has no password and never signs in on the pages (core.backends); its
tokens are made for it by whoever keeps the county's connections (core.access), and last
longer than a person's. One made by the system administrator waits for the county's
administrator to confirm it, as every account that reads case records does. Making,
tokens and changes are audited.
"""

from datetime import timedelta
from uuid import uuid4

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from knox.models import AuthToken

from stride.core import access, audit
from stride.core.audit import Action, Actor
from stride.core.models import AuditEvent, Organisation, Role, User

from .tokens import owes_second_factor

# How long a token made for a system lasts, to choose from: long enough for a nightly feed,
# short enough that a forgotten one ends.
TOKEN_DAYS = (30, 90, 365)
ACTIVITY_SHOWN = 20


def accounts_for(user: User) -> models.QuerySet[User]:
    """The integration accounts of the counties whose connections `user` keeps."""
    return (
        User.objects.filter(is_system=True, organisation__in=access.connected_counties(user))
        .select_related("organisation")
        .order_by("organisation__name", "first_name")
    )


def _keeper(actor: Actor, county: Organisation | None) -> User:
    keeper = actor.user
    if (
        keeper is None
        or county is None
        or not access.connected_counties(keeper).filter(pk=county.pk).exists()
    ):
        raise PermissionDenied
    return keeper


@transaction.atomic
def create_account(actor: Actor, *, name: str, county: Organisation, contact_email: str) -> User:
    """A system account for `county`, without a password; working at once when the county's
    administrator makes it, after their confirmation when the system administrator does."""
    keeper = _keeper(actor, county)
    waits = keeper.role != Role.COUNTY_ADMIN
    account = User(
        # Named for what it is, as the audit trail shows it beside people's user names.
        username=f"{slugify(name)[:120] or 'system'}-{uuid4().hex[:8]}",
        first_name=name,
        email=contact_email,
        role=Role.COUNTY_ADMIN,
        organisation=county,
        is_system=True,
        is_active=not waits,
        awaiting_confirmation=waits,
    )
    account.set_unusable_password()
    account.save()
    audit.record(
        actor,
        Action.CREATE,
        account,
        None,
        ["is_system", "first_name", "email", "role", "organisation"]
        + (["awaiting_confirmation"] if waits else []),
    )
    return account


def tokens_of(account: User) -> models.QuerySet[AuthToken]:
    """The account's tokens that still open the API, newest first."""
    found: models.QuerySet[AuthToken] = AuthToken.objects.filter(
        user=account, expiry__gt=timezone.now()
    )
    return found.order_by("-created")


@transaction.atomic
def make_token(actor: Actor, account: User, days: int) -> tuple[AuthToken, str]:
    """A token for the system, lasting `days`: the instance, and the token itself, shown once.
    Whoever makes it must have passed the second factor their own tokens ask of them."""
    keeper = _keeper(actor, account.organisation)
    if owes_second_factor(keeper):
        raise PermissionDenied(_("Finish two-step sign-in before making an API token."))
    if days not in TOKEN_DAYS:
        raise ValueError(f"A token lasts one of {TOKEN_DAYS} days, not {days}.")
    instance, token = AuthToken.objects.create(user=account, expiry=timedelta(days=days))
    audit.record(actor, Action.CREATE, instance, None, ["api_token"])
    return instance, token


@transaction.atomic
def revoke_token(actor: Actor, account: User, token_key: str) -> None:
    """End one of the account's tokens; a key that is not one of them is not found."""
    _keeper(actor, account.organisation)
    found = tokens_of(account).filter(token_key=token_key)
    if not found:
        raise AuthToken.DoesNotExist
    for instance in found:
        audit.record(actor, Action.DELETE, instance, None, ["api_token"])
    found.delete()


def recent_activity(account: User) -> list[AuditEvent]:
    """What the system did last through the API, newest first (no participant named)."""
    return list(
        AuditEvent.objects.filter(actor=account)
        .only("at", "action", "record_type", "channel")
        .order_by("-at")[:ACTIVITY_SHOWN]
    )
