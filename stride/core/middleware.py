from collections.abc import Callable
from contextlib import ExitStack
from time import perf_counter
from typing import Any

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

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


# Sent by parts of a page that ask the server again by themselves (hx-headers on the
# polled element): the asking is the page's, not the person's.
POLL_HEADER = "Stride-Poll"


class IdleSessionMiddleware(SessionMiddleware):
    """Sessions end after SESSION_COOKIE_AGE idle seconds, and a page polling is idle.

    SESSION_SAVE_EVERY_REQUEST pushes the session's end back at every request;
    a poll (POLL_HEADER) leaves it where the person's last own request put it,
    unless the poll changed the session.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and POLL_HEADER in request.headers and not session.modified:
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)


class NoStoreMiddleware:
    """No page, download or API answer Stride makes is kept by a browser or a proxy.

    Nearly every one carries someone's case, and a shared computer's back button
    or disk cache would show it to the next person; the few that carry nothing
    (sign-in, health) are not worth an exception. Static files are served by
    WhiteNoise, above this middleware, and keep their long cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


# Statements that open or close a transaction: SQLite sends them through the cursor and
# PostgreSQL does not, so a page's count leaves them out, as its tests do.
_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class QueryClock:
    """A connection execute wrapper adding up the statements a request runs and their time.

    It keeps no list of queries: two numbers, so it can stay on in production."""

    __slots__ = ("count", "seconds")

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        started = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += perf_counter() - started
            if not sql.lstrip()[:9].upper().startswith(_TRANSACTION_CONTROL):
                self.count += 1


class ServerTimingMiddleware:
    """Every answer says where its time went: `Server-Timing: total;dur=12.3, db;dur=4.1,
    queries;desc="7"` (milliseconds; statements without transaction control).

    Counted on every database alias by a QueryClock wrapped around each connection
    for the request. A streaming answer carries what was known when its headers went.
    At the top of MIDDLEWARE, so the total is all of Django's work on the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        clock = QueryClock()
        started = perf_counter()
        with ExitStack() as wrapped:
            for connection in connections.all(initialized_only=False):
                wrapped.enter_context(connection.execute_wrapper(clock))
            response = self.get_response(request)
        timing = (
            f"total;dur={(perf_counter() - started) * 1000:.1f}, "
            f'db;dur={clock.seconds * 1000:.1f}, queries;desc="{clock.count}"'
        )
        earlier = response.headers.get("Server-Timing")
        response.headers["Server-Timing"] = f"{earlier}, {timing}" if earlier else timing
        return response
