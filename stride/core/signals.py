"""Sign-ins and sign-outs are audit events too."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import Action, Actor, client_ip, record
from .models import AuditEvent


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    _record(Actor(user, client_ip(request)), Action.LOGIN, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        _record(Actor(user, client_ip(request)), Action.LOGOUT, user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    AuditEvent.objects.create(
        actor_name=str(credentials.get("username", ""))[:150],
        action=Action.LOGIN_FAILED,
        record_type="User",
        ip_address=client_ip(request) if request is not None else None,
    )


def _record(actor: Actor, action: str, user) -> None:
    record(actor, action, user, participant=None)
