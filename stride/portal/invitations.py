"""Inviting a participant to their own pages, and the first password they set.

A coach makes a one-time link; the participant opens it, chooses a password
and is signed in. The link carries the account's UUID (never its integer
key) and a token from Django's password-reset machinery with a salt of its
own, so it stops working once the password is set or the person signs in,
and after PASSWORD_RESET_TIMEOUT. Each step is an audit event.
"""

import re
import secrets
import unicodedata
import uuid

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.models import Role, User
from stride.people.models import Household, Participant

USERNAME_STEM_LENGTH = 20


class InvitationTokens(PasswordResetTokenGenerator):
    # Its own salt: a password-reset token can't open a welcome page, nor the reverse.
    key_salt = "stride.portal.invitations.InvitationTokens"


tokens = InvitationTokens()


def link_lifetime_days() -> int:
    return max(1, int(settings.PASSWORD_RESET_TIMEOUT) // (24 * 60 * 60))


def _username_stem(first_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", first_name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]", "", ascii_name.lower())[:USERNAME_STEM_LENGTH]
    return stem or "participant"


def free_username(first_name: str) -> str:
    """The first name in plain letters plus random digits: easy to type, says nothing of counts."""
    stem = _username_stem(first_name)
    for attempt in range(40):
        digits = 4 if attempt < 20 else 6
        candidate = f"{stem}{secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1)}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    raise RuntimeError("No free user name found.")  # pragma: no cover (10^6 names per stem)


def _language(household: Household) -> str:
    return household.language if household.language in ("en", "es") else "en"


def link_for(user: User) -> str:
    """The path of a one-time welcome link for `user`."""
    uidb64 = urlsafe_base64_encode(user.uuid.bytes)
    return reverse("portal:welcome", kwargs={"uidb64": uidb64, "token": tokens.make_token(user)})


@transaction.atomic
def invite(actor: Actor, participant: Participant) -> str:
    """Create (or reuse) the participant's account; return the path of a one-time welcome link."""
    current = (
        # Lock the participant row only: PostgreSQL cannot lock the empty side of the
        # outer join to a participant with no account yet.
        Participant.objects.select_for_update(of=("self",))
        .select_related("member", "household", "user")
        .get(pk=participant.pk)
    )
    user = current.user
    if user is None:
        user = User(
            username=free_username(current.member.first_name),
            first_name=current.member.first_name,
            last_name=current.member.last_name,
            role=Role.PARTICIPANT,
            language=_language(current.household),
        )
        user.set_unusable_password()
        user.save()
        current.user = user
        current.save(update_fields=["user"])
        audit.record(
            actor,
            Action.CREATE,
            user,
            current.uuid,
            ["username", "first_name", "last_name", "role", "language", "password_link"],
        )
        audit.record(actor, Action.CHANGE, current, current.uuid, ["user"])
    else:
        audit.record(actor, Action.CHANGE, user, current.uuid, ["password_link"])
    participant.user = user
    return link_for(user)


def account_for_link(uidb64: str, token: str) -> User | None:
    """The participant whose welcome link this is, or None when it is wrong, used or too old."""
    try:
        account_uuid = uuid.UUID(bytes=urlsafe_base64_decode(uidb64))
    except (ValueError, TypeError):
        return None
    user = User.objects.filter(
        uuid=account_uuid, role=Role.PARTICIPANT, is_active=True, participant__isnull=False
    ).first()
    if user is None or not tokens.check_token(user, token):
        return None
    return user


@transaction.atomic
def set_first_password(actor: Actor, user: User, password: str) -> None:
    """The participant chose a password from their welcome link (which then stops working)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    participant = Participant.objects.filter(user=user).values_list("uuid", flat=True).first()
    audit.record(actor, Action.CHANGE, user, participant, ["password"])
