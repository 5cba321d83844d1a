"""API tokens: made by a signed-in person on their account page, never with a password alone.

Tokens are django-rest-knox's: only a digest is stored, and each expires after
REST_KNOX["TOKEN_TTL"]. Whoever must pass a second factor to sign in (an
administrator when STRIDE_REQUIRE_2FA is on, or anyone who has set up an
authenticator app) makes a token only from a session that passed it, so a token
never stands in for the second factor. Making and revoking are audited.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device
from knox.models import AuthToken
from knox.settings import knox_settings

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.models import ADMIN_ROLES, Role, User


def may_hold_tokens(user: User) -> bool:
    """Staff use the API; participants have their own pages."""
    return user.is_authenticated and user.role != Role.PARTICIPANT


def needs_second_factor(user: User) -> bool:
    must = settings.STRIDE_REQUIRE_2FA and user.role in ADMIN_ROLES
    return bool(must or user_has_device(user))


def second_factor_passed(user: User) -> bool:
    """Whether this session passed the second factor (django-otp's OTPMiddleware says so)."""
    return bool(getattr(user, "is_verified", lambda: False)())


def tokens_of(user: User) -> QuerySet[AuthToken]:
    """The person's tokens that still open the API, newest first."""
    found: QuerySet[AuthToken] = AuthToken.objects.filter(user=user, expiry__gt=timezone.now())
    return found.order_by("-created")


def owes_second_factor(user: User) -> bool:
    """Whether this session must pass the second factor before it makes a token."""
    return needs_second_factor(user) and not second_factor_passed(user)


def lifetime_hours() -> int:
    return int(knox_settings.TOKEN_TTL.total_seconds() // 3600)


@transaction.atomic
def make_token(actor: Actor) -> tuple[AuthToken, str]:
    """A new token for the person acting: the instance, and the token itself, shown once."""
    user = actor.user
    if user is None or not may_hold_tokens(user):
        raise PermissionDenied
    if owes_second_factor(user):
        raise PermissionDenied(_("Finish two-step sign-in before making an API token."))
    instance, token = AuthToken.objects.create(user=user)
    audit.record(actor, Action.CREATE, instance, None, ["api_token"])
    return instance, token


@transaction.atomic
def revoke_token(actor: Actor, token_key: str) -> None:
    """End one of the acting person's own tokens; another's is not found (404)."""
    found = tokens_of(actor.user).filter(token_key=token_key) if actor.user else None
    if not found:
        raise AuthToken.DoesNotExist
    for instance in found:
        audit.record(actor, Action.DELETE, instance, None, ["api_token"])
    found.delete()
