"""Who may open a page: one decorator instead of a check written at the top of each view."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import User

View = Callable[..., HttpResponse]


def require(rule: Callable[[User], bool]) -> Callable[[View], View]:
    """Sign-in first, then `rule` (an `access.can_*` function): a signed-in person it refuses
    gets 403; whether a particular record is theirs to see is still the access module's 404."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate
