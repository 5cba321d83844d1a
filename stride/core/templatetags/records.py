"""Tags for pages that list many records, each drawn with its own links and labels.

- `{% record_url "app:name" uuid %}`: `{% url %}` for a route whose only argument is a
  record's UUID, reversed once a process and copied with each record's UUID.
- `{{ record|label:"field" }}`: `get_FIELD_display()`, with the field's labels read once
  a process instead of once a call.

A page that draws many records (the meeting's goals and steps) would otherwise spend a
good part of its time in `reverse()` and in rebuilding each field's choices.
"""

import functools
from typing import Any
from uuid import UUID

from django import template
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

STAND_IN = UUID(int=0)


@functools.cache
def _pattern(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, args=[STAND_IN], urlconf=urlconf)


@register.simple_tag
def record_url(name: str, uuid: UUID | str) -> str:
    return _pattern(name, get_script_prefix(), get_urlconf()).replace(str(STAND_IN), str(uuid))


@functools.cache
def _labels(model: type[models.Model], field_name: str) -> dict[Any, Any]:
    # The labels stay lazy: each is translated when the page is drawn, in its language.
    return dict(model._meta.get_field(field_name).flatchoices)  # type: ignore[union-attr]


@register.filter
def label(record: models.Model, field_name: str) -> Any:
    value = getattr(record, field_name)
    return _labels(type(record), field_name).get(value, value)
