"""A county's planning records: self-assessment rounds. They hold no case data.

Who reads and writes them is decided by `access.planning_counties` (a county's
supervisors and administrators, and the state administrator for every county).
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stride.core.models import Organisation, User


class SelfAssessmentRound(models.Model):
    """One time a county looks at its program: several staff rate it, then a coordinator
    settles the county's answer and picks where to focus."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="self_assessment_rounds"
    )
    name = models.CharField(_("name"), max_length=100)
    form_version = models.PositiveSmallIntegerField()  # the data file's version rated on
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    # The county's settled answer: component key -> scale value; and one or two area keys.
    final = models.JSONField(default=dict)
    priorities = models.JSONField(default=list)
    settled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def settled(self) -> bool:
        return self.settled_at is not None


class SelfAssessmentRating(models.Model):
    """One staff member's ratings in a round, sent once and not changed after."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(SelfAssessmentRound, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField()  # component key -> scale value
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "rater"], name="one_rating_per_rater")
        ]

    def __str__(self) -> str:
        return f"{self.round} ({self.rater})"
