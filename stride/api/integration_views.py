"""Integration accounts, for whoever keeps a county's connections: add one, make and revoke
its tokens, pause it, and see what it did lately."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from knox.models import AuthToken

from stride.core import access
from stride.core import accounts as staff_accounts
from stride.core.audit import Actor
from stride.core.guards import require
from stride.core.models import User
from stride.core.submissions import save_once

from . import integrations
from .integration_forms import IntegrationForm, TokenLifetimeForm
from .tokens import owes_second_factor

# The token itself is shown once, on the page the making leads to, then forgotten.
_NEW_TOKEN = "stride_new_integration_token"  # noqa: S105  (a session key, not a secret)


def _keeper(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # signed in: every view here is behind `require`
    return user


def _account(request: HttpRequest, uuid: UUID) -> User:
    return get_object_or_404(integrations.accounts_for(_keeper(request)), uuid=uuid)


@require(access.can_keep_connections)
def integrations_list(request: HttpRequest) -> HttpResponse:
    accounts = integrations.accounts_for(_keeper(request))
    return render(request, "api/integrations.html", {"accounts": accounts})


@require(access.can_keep_connections)
@require_http_methods(["GET", "POST"])
def integration_new(request: HttpRequest) -> HttpResponse:
    form = IntegrationForm(request.POST or None, user=_keeper(request))
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: integrations.create_account(
                Actor.from_request(request),
                name=form.cleaned_data["name"],
                county=form.cleaned_data["county"],
                contact_email=form.cleaned_data["contact_email"],
            ),
            lambda made: reverse("integrations:detail", kwargs={"uuid": made.uuid}),
            _made,
        )
        if saved:
            return saved
    return render(request, "api/integration_new.html", {"form": form})


def _made(account: User) -> str:
    if account.awaiting_confirmation:
        return _(
            "The account is made. It opens the API once the county's administrator confirms "
            "it under Accounts to confirm."
        )
    return _("The account is made. Make it a token to give to the system.")


@require(access.can_keep_connections)
def integration(request: HttpRequest, uuid: UUID) -> HttpResponse:
    account = _account(request, uuid)
    context = {
        "account": account,
        "tokens": integrations.tokens_of(account),
        "new_token": request.session.pop(_NEW_TOKEN, None),
        "token_form": TokenLifetimeForm(),
        "blocked": owes_second_factor(_keeper(request)),
        "activity": integrations.recent_activity(account),
    }
    return render(request, "api/integration.html", context)


@require(access.can_keep_connections, methods=["POST"])
def token_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    account = _account(request, uuid)
    form = TokenLifetimeForm(request.POST)
    back = reverse("integrations:detail", kwargs={"uuid": account.uuid})
    if owes_second_factor(_keeper(request)):
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, _("Choose how long the token lasts."))
        return redirect(back)

    def make() -> AuthToken:
        instance, token = integrations.make_token(
            Actor.from_request(request), account, form.cleaned_data["days"]
        )
        request.session[_NEW_TOKEN] = token
        return instance

    try:
        made = save_once(request, None, make, lambda _made: back, None)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        made = None
    return made or redirect(back)


@require(access.can_keep_connections, methods=["POST"])
def token_revoke(request: HttpRequest, uuid: UUID) -> HttpResponse:
    account = _account(request, uuid)
    try:
        integrations.revoke_token(
            Actor.from_request(request), account, request.POST.get("token_key", "")
        )
    except AuthToken.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The token was revoked: it no longer opens the API."))
    return redirect("integrations:detail", uuid=account.uuid)


@require(access.can_keep_connections, methods=["POST"])
def set_active(request: HttpRequest, uuid: UUID) -> HttpResponse:
    account = _account(request, uuid)
    change = request.POST.get("change")
    if change not in ("pause", "resume") or account.awaiting_confirmation:
        messages.error(request, _("That change is not possible."))
    else:
        staff_accounts.set_active(Actor.from_request(request), account, change == "resume")
        if change == "pause":
            messages.success(request, _("The account is paused and its tokens are revoked."))
        else:
            messages.success(request, _("The account is working again. Make it a new token."))
    return redirect("integrations:detail", uuid=account.uuid)
