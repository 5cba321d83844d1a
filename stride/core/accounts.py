"""What a system administrator does to staff accounts. Each change is audited."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .audit import Action, Actor
from .models import Organisation, User


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
    password: str,
) -> User:
    user = User.objects.create_user(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        organisation=organisation,
        password=password,
    )
    audit.record(actor, Action.CREATE, user, None, ["username", "role", "organisation"])
    return user


@transaction.atomic
def set_active(actor: Actor, user: User, active: bool) -> None:
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(actor, Action.CHANGE, user, None, ["is_active"])


@transaction.atomic
def reset_two_factor(actor: Actor, user: User) -> None:
    """For a lost phone: the next sign-in sets up a new authenticator app."""
    TOTPDevice.objects.filter(user=user).delete()
    audit.record(actor, Action.CHANGE, user, None, ["two_factor"])
