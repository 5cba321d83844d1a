"""Who may open a page: one decorator instead of a check written at the top of each view."""

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from .models import User

View = Callable[..., HttpResponse]

READING_METHODS = frozenset({"GET", "HEAD"})


def require(
    rule: Callable[[User], bool],
    *,
    to_change: Callable[[User], bool] | None = None,
    methods: Collection[str] | None = None,
) -> Callable[[View], View]:
    """Sign-in first, then `rule` (an `access.can_*` function): a signed-in person it refuses
    gets 403; whether a particular record is theirs to see is still the access module's 404.
    `to_change` is asked as well for anything but a GET or HEAD (a page that some may read
    and fewer may send). `methods` answers 405 to any other method, after sign-in and
    before the rule, as `require_POST` under `login_required` did."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if methods is not None and request.method not in methods:
                return HttpResponseNotAllowed(sorted(methods))
            # login_required below has let only a signed-in person through.
            if not isinstance(request.user, User) or not rule(request.user):
                raise PermissionDenied
            changing = request.method not in READING_METHODS
            if changing and to_change is not None and not to_change(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate


def refuse_unless(allowed: bool) -> None:
    """403 unless `allowed`, for a check that needs more than the role: the record itself
    (whose session notes these are) or the person's place (how many counties they keep).
    A rule on the role alone belongs in `require`, before the record is read."""
    if not allowed:
        raise PermissionDenied
