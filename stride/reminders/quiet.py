"""Quiet hours: no reminder reaches a household between the county's evening and morning.

The clock is the household's own, found from its ZIP code (`core.zips`); a ZIP
it does not know falls back to the project's TIME_ZONE. Evening and morning are
the county's setting (9 pm and 8 am unless it chose others).
"""

import functools
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from stride.core import zips

DEFAULT_FROM = time(21, 0)
DEFAULT_UNTIL = time(8, 0)


@functools.lru_cache(maxsize=4096)
def zone_for_zip(zip_code: str) -> ZoneInfo:
    """The time zone of a US ZIP code; the project's own when the ZIP is unknown."""
    found = zips.find(zip_code)
    if found is not None and found.timezone:
        try:
            return ZoneInfo(found.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(settings.TIME_ZONE)


def is_quiet(moment: time, quiet_from: time, quiet_until: time) -> bool:
    """Whether a wall-clock time falls in the quiet hours (which may run past midnight)."""
    if quiet_from == quiet_until:
        return False
    if quiet_from > quiet_until:  # 21:00 to 08:00, across midnight
        return moment >= quiet_from or moment < quiet_until
    return quiet_from <= moment < quiet_until


def next_allowed(
    when: datetime,
    zone: ZoneInfo,
    quiet_from: time = DEFAULT_FROM,
    quiet_until: time = DEFAULT_UNTIL,
) -> datetime:
    """`when` itself, or the end of the quiet hours it falls in, in the household's zone."""
    local = when.astimezone(zone)
    if not is_quiet(local.timetz().replace(tzinfo=None), quiet_from, quiet_until):
        return when
    morning = datetime.combine(local.date(), quiet_until, tzinfo=zone)
    if morning <= local:
        morning = datetime.combine(local.date() + timedelta(days=1), quiet_until, tzinfo=zone)
    return morning.astimezone(when.tzinfo)


def quiet_start_before(
    when: datetime,
    zone: ZoneInfo,
    quiet_from: time = DEFAULT_FROM,
    quiet_until: time = DEFAULT_UNTIL,
) -> datetime:
    """When the quiet hours that `when` falls in (or ends just after) began; `when` itself
    when the moment before it is not quiet."""
    local = when.astimezone(zone) - timedelta(minutes=1)
    if not is_quiet(local.timetz().replace(tzinfo=None), quiet_from, quiet_until):
        return when
    began = datetime.combine(local.date(), quiet_from, tzinfo=zone)
    if began > local:
        began = datetime.combine(local.date() - timedelta(days=1), quiet_from, tzinfo=zone)
    return began.astimezone(when.tzinfo)
