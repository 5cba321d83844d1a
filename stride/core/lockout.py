"""Sign-in lockout: django-axes, plus a limit on one address trying many user names.

Axes locks a user name from an address after AXES_FAILURE_LIMIT wrong passwords.
Someone trying one password against many user names (password spraying) never
reaches that, so this handler also counts every failure from the address, whatever
the name, and locks the address once there are STRIDE_ADDRESS_FAILURE_LIMIT of
them within the cool-off time. The answer is axes' lockout page either way, the
same for real and unknown user names.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def failures_from_address(address: str | None, request: HttpRequest) -> int:
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    cool_off = get_cool_off(request)
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


class AddressLimitHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        address = getattr(request, "axes_ip_address", None)
        if failures_from_address(address, request) >= settings.STRIDE_ADDRESS_FAILURE_LIMIT:
            return max(failures, int(get_failure_limit(request, credentials)))
        return failures
