"""Staff passwords are chosen by their owner through a one-time link sent by email.

The link carries the account's UUID and a token from Django's password-reset
machinery with a salt of its own (a participant's welcome link cannot open it, nor
the reverse); it stops working once the password is set or the person signs in, and
after PASSWORD_RESET_TIMEOUT. A new account gets one; anyone may ask for one from
the sign-in page, and the answer never says whether the account exists. Choosing a
password also ends the sign-in pause of that user name. Each step is an audit event.
"""

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from . import audit
from .audit import Action, Actor
from .models import AuditEvent, Role, User


class StaffPasswordTokens(PasswordResetTokenGenerator):
    key_salt = "stride.core.passwords.StaffPasswordTokens"


tokens = StaffPasswordTokens()
log = logging.getLogger(__name__)


def link_lifetime_days() -> int:
    return max(1, int(settings.PASSWORD_RESET_TIMEOUT) // (24 * 60 * 60))


def link_for(user: User) -> str:
    """The path of a one-time link for `user` to choose a password."""
    uidb64 = urlsafe_base64_encode(user.uuid.bytes)
    return reverse("core:password_set", kwargs={"uidb64": uidb64, "token": tokens.make_token(user)})


def may_have_a_link(user: User) -> bool:
    """Staff with a person behind them, whose account works or waits for confirmation."""
    return (
        user.role != Role.PARTICIPANT
        and not user.is_system  # a system has no password: it uses tokens
        and (user.is_active or user.awaiting_confirmation)
    )


@transaction.atomic
def send_link(actor: Actor, user: User, absolute: Callable[[str], str]) -> None:
    """Email `user` a one-time link; the audit event says one was made."""
    audit.record(actor, Action.CHANGE, user, None, ["password_link"])
    link = absolute(link_for(user))
    context = {"user": user, "link": link, "days": link_lifetime_days()}
    with translation.override(user.language):
        subject = render_to_string("core/email/password_link_subject.txt", context).strip()
        body = render_to_string("core/email/password_link.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:
        # Said nowhere on the page: the forgotten-password answer must not depend on
        # the account. The administrator can send another link from the accounts page.
        log.exception("The password link for account %s could not be emailed.", user.uuid)


# A link asked for from the sign-in page is sent at most once in this time per
# account, so the page cannot be used to flood someone's inbox.
REQUEST_INTERVAL = timedelta(minutes=5)


def _link_sent_lately(user: User) -> bool:
    return AuditEvent.objects.filter(
        record_type="User",
        record_id=user.uuid,
        fields=["password_link"],
        at__gte=timezone.now() - REQUEST_INTERVAL,
    ).exists()


@transaction.atomic
def request_link(actor: Actor, name: str, absolute: Callable[[str], str]) -> None:
    """Someone typed a user name or email on the sign-in page. Nothing is said back."""
    name = name.strip()
    if not name:
        return
    for user in User.objects.filter(Q(username__iexact=name) | Q(email__iexact=name)).exclude(
        email=""
    ):
        if may_have_a_link(user) and not _link_sent_lately(user):
            send_link(actor, user, absolute)


def account_for_link(uidb64: str, token: str) -> User | None:
    """The staff account whose link this is, or None when it is wrong, used or too old."""
    try:
        account_uuid = uuid.UUID(bytes=urlsafe_base64_decode(uidb64))
    except (ValueError, TypeError):
        return None
    user = User.objects.filter(uuid=account_uuid).exclude(role=Role.PARTICIPANT).first()
    if user is None or not may_have_a_link(user) or not tokens.check_token(user, token):
        return None
    return user


@transaction.atomic
def set_password(actor: Actor, user: User, password: str) -> None:
    """The owner chose a password from their link (which then stops working)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor, Action.CHANGE, user, None, ["password"])
    reset_lockout(username=user.username)
    from .accounts import end_api_tokens  # accounts sends these links: it imports this module

    end_api_tokens(actor, user)
