"""Inviting a participant to their own pages, and the first password they set.

A coach makes a one-time link; the participant opens it, chooses a password
and is signed in. The link carries the account's UUID (never its integer
key) and a token from Django's password-reset machinery with a salt of its
own, so it stops working once the password is set or the person signs in,
and after PASSWORD_RESET_TIMEOUT. Each step is an audit event.

The coach may also have Stride send the link by text or email (`send`): it goes
through the reminders' queue as a message holding the first name and the link
(`stride.reminders.links`). For someone who has chosen a password before, the same
link lets them choose a new one, and the message says so. Participants who forgot
their password ask for it themselves (`request_link`), by the phone number or
email on their record; the answer never says whether one was found.
"""

import re
import secrets
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from stride.core import audit
from stride.core.audit import Action, Actor
from stride.core.models import Role, User
from stride.people.models import Household, Participant
from stride.reminders import links
from stride.reminders.actions import normalise_phone
from stride.reminders.models import Channel, Consent, Message

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


def addresses_on_record(participant: Participant) -> tuple[str, str]:
    """The household's phone and the participant's email (their account's, or the one they
    gave for reminders), to offer as where a link goes."""
    email = participant.user.email if participant.user is not None else ""
    if not email:
        email = (
            Consent.objects.filter(participant=participant, channel=Channel.EMAIL)
            .values_list("address", flat=True)
            .first()
            or ""
        )
    return participant.household.phone, email


@dataclass(frozen=True)
class Invitation:
    link: str  # absolute, shown once on the coach's screen
    sent: Message | None  # the text or email taking it to the participant, if one was asked for


@transaction.atomic
def send(
    actor: Actor,
    participant: Participant,
    absolute: Callable[[str], str],
    channel: str = "",
    address: str = "",
) -> Invitation:
    """Make a link (as `invite`), and queue it to `address` by `channel` when one is given.

    Nothing is made when the address is refused (a ValidationError keyed "address")."""
    link = absolute(invite(actor, participant))
    if not channel:
        return Invitation(link, None)
    user = participant.user
    assert user is not None  # invite() made or found the account
    message = links.send_link(
        actor,
        participant,
        channel,
        address,
        link,
        link_lifetime_days(),
        password=user.has_usable_password(),
    )
    return Invitation(link, message)


# Asking for a link counts as a sign-in try from the browser's address, under this name:
# axes (the sign-in lockout) then stops an address that asks too often, as it stops one
# that guesses passwords (AXES_FAILURE_LIMIT asks an hour; the address's own limit too).
ASKING = {"username": "(a participant's new link)"}
MOST_ACCOUNTS = 5  # one phone may be a whole household's


def may_ask(request: HttpRequest) -> bool:
    return bool(AxesProxyHandler.is_allowed(request, ASKING))


def count_ask(request: HttpRequest) -> bool:
    """Count this ask; whether it is still within the limit (axes answers the one that
    reaches it with its pause page)."""
    AxesProxyHandler.user_login_failed(sender=__name__, credentials=ASKING, request=request)
    return not getattr(request, "axes_locked_out", False)


def _accounts_at(typed: str) -> tuple[str, str, list[Participant]]:
    """The channel, the address and the participants with an account that have it on record."""
    typed = typed.strip()
    with_account = Participant.objects.filter(
        user__isnull=False, user__is_active=True, user__role=Role.PARTICIPANT
    ).select_related("user", "member", "household")
    if "@" in typed:
        try:
            validate_email(typed)
        except ValidationError:
            return "", "", []
        email = typed.lower()
        found = with_account.filter(
            Q(user__email__iexact=email)
            | Q(reminder_consents__channel=Channel.EMAIL, reminder_consents__address=email)
        )
        return Channel.EMAIL, email, list(found.distinct().order_by("pk")[:MOST_ACCOUNTS])
    phone = normalise_phone(typed)
    if not phone:
        return "", "", []
    # A household's phone is kept as it was typed: narrow by its last four digits, then read.
    found = with_account.filter(
        Q(household__phone__endswith=phone[-4:])
        | Q(reminder_consents__channel=Channel.SMS, reminder_consents__address=phone)
    ).distinct()
    matching = [
        person
        for person in found.order_by("pk")
        if normalise_phone(person.household.phone) == phone
        or person.reminder_consents.filter(channel=Channel.SMS, address=phone).exists()
    ]
    return Channel.SMS, phone, matching[:MOST_ACCOUNTS]


def _link_sent_lately(participant: Participant) -> bool:
    return Message.objects.filter(
        participant=participant,
        about__in=[Message.About.INVITATION, Message.About.PASSWORD],
        created_at__gte=timezone.now() - links.REPEAT_WINDOW,
    ).exists()


def request_link(actor: Actor, typed: str, absolute: Callable[[str], str]) -> None:
    """Someone typed a phone number or an email on the forgotten-password page. Each
    participant with an account who has it on record is sent a link there; nothing is said
    back, and a number that texted STOP, or a person sent a link minutes ago, gets none."""
    channel, address, found = _accounts_at(typed)
    for participant in found:
        if _link_sent_lately(participant):
            continue
        try:
            send(actor, participant, absolute, channel, address)
        except ValidationError:
            continue  # the number texted STOP: send() made nothing
