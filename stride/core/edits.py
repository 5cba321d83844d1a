"""Concurrent edits: a record carries a `version`, and an edit names the one it started from."""

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

Record = TypeVar("Record", bound=models.Model)


class StaleEdit(ValidationError):
    """Someone saved the record after this person opened it."""

    def __init__(self, current_version: int) -> None:
        self.current_version = current_version
        super().__init__(
            _(
                "Someone else saved changes to this record after you opened it. "
                "The form now shows your entries; check them against the latest "
                "record and save again."
            ),
            code="stale",
        )


def lock_for_edit(model: type[Record], obj: Record, expected_version: int) -> Record:
    """The record, locked for this transaction; StaleEdit if it changed since it was read."""
    current = model._default_manager.select_for_update().get(pk=obj.pk)
    version: int = getattr(current, "version")  # noqa: B009  (every versioned model has one)
    if version != expected_version:
        raise StaleEdit(version)
    return current
