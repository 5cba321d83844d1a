"""Responses to assessment instruments, and which instruments each county's staff use.

The instruments themselves are data files (instruments.py). A response names
the instrument and the version it was answered on, so a new version never
changes an old result.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stride.core.models import Organisation
from stride.people.models import Participant


class Response(models.Model):
    """One sitting of one instrument by one participant: saved partway until it is finished."""

    ACCESS_VIA = "participant"

    class Where(models.TextChoices):
        WITH_COACH = "with_coach", _("Together with a coach")
        OWN_PAGES = "own_pages", _("On the participant's own pages")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="assessments"
    )
    instrument = models.CharField(_("instrument"), max_length=40)
    instrument_version = models.PositiveSmallIntegerField(_("instrument version"))
    where = models.CharField(_("filled in"), max_length=16, choices=Where.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Answers to private items (a triage safety question) live apart from the rest, so
    # nothing that shows or sends `answers` or `result` can carry them by accident.
    answers = models.JSONField(default=dict, blank=True)
    private_answers = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)  # scoring.Result, once finished
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # edit counter (core.edits)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["participant", "instrument", "completed_at"]),
            models.Index(fields=["instrument", "completed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.instrument_version} ({self.uuid})"

    @property
    def is_finished(self) -> bool:
        return self.completed_at is not None


class InstrumentSetting(models.Model):
    """A county's choice to stop (or resume) offering an instrument; none means offered."""

    county = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="instrument_settings"
    )
    instrument = models.CharField(max_length=40)
    in_use = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "instrument"], name="one_setting_per_county")
        ]

    def __str__(self) -> str:
        return f"{self.county}: {self.instrument} {'in use' if self.in_use else 'not used'}"
