"""The "API tokens" part of a person's account: make one, see them, revoke one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from knox.models import AuthToken

from stride.core.audit import Actor
from stride.core.guards import require
from stride.core.submissions import save_once

from . import tokens

# The token itself is shown once, on the page the making leads to, then forgotten.
_NEW_TOKEN = "stride_new_api_token"  # noqa: S105  (a session key, not a secret)


@require(tokens.may_hold_tokens)
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    blocked = tokens.owes_second_factor(user)
    if request.method == "POST":
        if blocked:
            raise PermissionDenied

        def make() -> AuthToken:
            instance, token = tokens.make_token(Actor.from_request(request))
            request.session[_NEW_TOKEN] = token
            return instance

        made = save_once(request, None, make, lambda _made: reverse("api_tokens:list"), None)
        if made:
            return made
    context = {
        "tokens": tokens.tokens_of(user),
        "new_token": request.session.pop(_NEW_TOKEN, None),
        "blocked": blocked,
        "ttl_hours": tokens.lifetime_hours(),
    }
    return render(request, "api/tokens.html", context)


@require(tokens.may_hold_tokens, methods=["POST"])
def revoke(request: HttpRequest) -> HttpResponse:
    try:
        tokens.revoke_token(Actor.from_request(request), request.POST.get("token_key", ""))
    except AuthToken.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The token was revoked: it no longer opens the API."))
    return redirect("api_tokens:list")
