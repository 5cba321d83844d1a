"""Staff accounts: made by the system administrator, confirmed by an administrator
of their scope, their password chosen by their owner. Each change is audited.

The system administrator never sets or sees a password: a new account has none
until its owner opens the one-time link emailed to them (core/passwords.py). An
account whose role reads case records stays inactive until a state administrator,
or a county administrator of its county, confirms it, so no one account can make
itself a reader of case records.
"""

from collections.abc import Callable
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from . import audit, passwords
from .audit import Action, Actor
from .models import STAFF_ROLES, AuditEvent, Organisation, Role, User


@transaction.atomic
def create_staff_account(
    actor: Actor,
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    organisation: Organisation,
    absolute: Callable[[str], str],
) -> User:
    """Make the account without a password and email its owner the link to choose one."""
    waits = role in STAFF_ROLES
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        organisation=organisation,
        is_active=not waits,
        awaiting_confirmation=waits,
    )
    user.set_unusable_password()
    user.save()
    audit.record(
        actor,
        Action.CREATE,
        user,
        None,
        ["username", "first_name", "last_name", "email", "role", "organisation"]
        + (["awaiting_confirmation"] if waits else []),
    )
    passwords.send_link(actor, user, absolute)
    return user


def can_confirm(confirmer: User, account: User) -> bool:
    """A state administrator confirms any account; a county administrator those of its county."""
    if not account.awaiting_confirmation or confirmer == account or not confirmer.is_active:
        return False
    if confirmer.role == Role.STATE_ADMIN:
        return True
    if confirmer.role == Role.COUNTY_ADMIN and confirmer.organisation and account.organisation:
        return account.organisation.path.startswith(confirmer.organisation.path)
    return False


def can_confirm_any(user: User) -> bool:
    return user.role in (Role.STATE_ADMIN, Role.COUNTY_ADMIN) and user.organisation is not None


def _in_scope(user: User) -> models.QuerySet[User]:
    staff = User.objects.exclude(role=Role.PARTICIPANT)
    if user.role == Role.STATE_ADMIN:
        return staff
    if user.role == Role.COUNTY_ADMIN and user.organisation is not None:
        return staff.filter(organisation__path__startswith=user.organisation.path)
    return staff.none()


def waiting_for(user: User) -> models.QuerySet[User]:
    """Accounts `user` may confirm."""
    return (
        _in_scope(user)
        .filter(awaiting_confirmation=True)
        .exclude(pk=user.pk)
        .select_related("organisation")
        .order_by("organisation__path", "username")
    )


def recent_events(user: User, limit: int = 30) -> list[tuple[AuditEvent, str]]:
    """What was last done to the accounts in `user`'s scope (made, confirmed, password
    links and passwords), each with the account's user name."""
    events = list(
        AuditEvent.objects.filter(
            record_type="User", record_id__in=_in_scope(user).values("uuid")
        ).order_by("-at")[:limit]
    )
    names: dict[UUID | None, str] = dict(
        User.objects.filter(uuid__in={event.record_id for event in events}).values_list(
            "uuid", "username"
        )
    )
    return [(event, names.get(event.record_id, "")) for event in events]


@transaction.atomic
def confirm(actor: Actor, account: User) -> None:
    if actor.user is None or not can_confirm(actor.user, account):
        raise PermissionDenied
    account.awaiting_confirmation = False
    account.is_active = True
    account.save(update_fields=["awaiting_confirmation", "is_active"])
    audit.record(actor, Action.CHANGE, account, None, ["awaiting_confirmation", "is_active"])


@transaction.atomic
def set_active(actor: Actor, user: User, active: bool) -> None:
    if active and user.awaiting_confirmation:
        raise PermissionDenied  # only confirmation makes a waiting account active
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(actor, Action.CHANGE, user, None, ["is_active"])
    if not active:
        end_api_tokens(actor, user)


@transaction.atomic
def reset_two_factor(actor: Actor, user: User) -> None:
    """For a lost phone: the next sign-in sets up a new authenticator app."""
    TOTPDevice.objects.filter(user=user).delete()
    audit.record(actor, Action.CHANGE, user, None, ["two_factor"])
    # A token was made behind the old second factor: it ends with it.
    end_api_tokens(actor, user)


def end_api_tokens(actor: Actor, user: User) -> None:
    """Revoke every API token of `user` (a lost phone, a new password, an account closed)."""
    ended, _by_model = AuthToken.objects.filter(user=user).delete()
    if ended:
        audit.record(actor, Action.CHANGE, user, None, ["api_tokens"])
