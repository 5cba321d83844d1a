from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import ADMIN_ROLES

# Pages an administrator can reach before the second factor is set up or checked.
_OPEN_PATHS = ("/account/two-factor/", "/logout/", "/healthz", "/static/", "/i18n/")


class RequireTwoFactorMiddleware:
    """With STRIDE_REQUIRE_2FA on, administrators must pass a second factor.

    Their first sign-in leads to setting up an authenticator app; later
    sign-ins ask for its code before anything else opens.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.STRIDE_REQUIRE_2FA
            and user.is_authenticated
            and user.role in ADMIN_ROLES
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PATHS)
        ):
            return redirect(reverse("core:two_factor") + f"?next={request.path}")
        return self.get_response(request)
