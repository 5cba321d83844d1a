"""A printed copy of a participant's record, made by a task for the person who asked.

The copy holds the whole record as that person may read it (private answers, the audit
trail), so it is theirs alone: it is read through the access module (the participant must
still be in their scope) and only by its requester. The PDF is kept encrypted; asking for
a new copy replaces the requester's earlier one of the same participant.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField

from stride.people.models import Participant


class RecordsCopy(models.Model):
    ACCESS_VIA = "participant"
    AUDIT_VALUES = ("status",)

    class Status(models.TextChoices):
        MAKING = "making", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be made")

    class Stage(models.IntegerChoices):
        WAITING = 0, _("Waiting for its turn")
        READING = 1, _("Reading the record")
        LAYING_OUT = 2, _("Laying out the pages")
        WRITING = 3, _("Writing the PDF")
        DONE = 4, _("Done")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=8)
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.MAKING)
    stage = models.PositiveSmallIntegerField(choices=Stage.choices, default=Stage.WAITING)
    pages = models.PositiveIntegerField(default=0)
    # Whether the copy carries private answers (the reader could read them when it was made).
    with_private = models.BooleanField(default=False)
    made_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)  # how long the task took to make it
    pdf = EncryptedTextField(null=True, blank=True)  # the PDF, base64, once made
    error = models.CharField(max_length=200, blank=True)  # the kind of error only, never data

    class Meta:
        verbose_name = _("copy of a record")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["participant", "requested_by"])]

    def __str__(self) -> str:
        return f"{self.participant_id} ({self.get_status_display()})"
