import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stride.core.models import Organisation, User

from . import topics


class Words(models.Model):
    """A guide's words and what it is about: what each version keeps."""

    title_en = models.CharField(_("title in English"), max_length=150)
    body_en = models.TextField(_("guide in English"))
    title_es = models.CharField(_("title in Spanish"), max_length=150, blank=True)
    body_es = models.TextField(_("guide in Spanish"), blank=True)
    # Plain codes (",goal,review,"), offered by the apps that own them (topics.py).
    stages = models.CharField(max_length=200, blank=True)
    instruments = models.CharField(max_length=500, blank=True)
    areas = models.CharField(max_length=500, blank=True)

    WORDS = ("title_en", "body_en", "title_es", "body_es", "stages", "instruments", "areas")

    class Meta:
        abstract = True

    def codes(self, topic: topics.Topic) -> list[str]:
        return topics.split(getattr(self, topic.value))

    @property
    def has_spanish(self) -> bool:
        return bool(self.title_es.strip() and self.body_es.strip())


class Guide(Words):
    """A county's short guide for its coaches (a lesson plan, a worksheet's how-to, a checklist).

    Its words are the latest of its versions; `version` counts every change (an edit, a
    restore, publishing) so two people editing at once are told (core.edits)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="guides")
    published = models.BooleanField(_("published"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title_en", "pk"]
        indexes = [models.Index(fields=["county", "published"])]

    def __str__(self) -> str:
        return self.title_en


class GuideVersion(Words):
    """The words of a guide as one save left them, numbered from 1; never changed."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="one_guide_version_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.guide} ({self.number})"
