"""`{% record_url "app:name" uuid %}`: `{% url %}` for a route whose only argument is a
record's UUID, reversed once a process and copied with each record's UUID.

A page that lists many records, each with its own links and forms (the meeting's goals
and steps), would otherwise spend a good part of its time in `reverse()`.
"""

import functools
from uuid import UUID

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

STAND_IN = UUID(int=0)


@functools.cache
def _pattern(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, args=[STAND_IN], urlconf=urlconf)


@register.simple_tag
def record_url(name: str, uuid: UUID | str) -> str:
    return _pattern(name, get_script_prefix(), get_urlconf()).replace(str(STAND_IN), str(uuid))
