"""The county's local layer on the shipped career ladders, and the ladders participants chose.

The ladders themselves are a data file (catalogue.py); rows here name them by
their keys. Local partners hold no case data: like the resource map, a
county's staff read them and its administrators keep them (access's
directory_counties and directory_editable_counties). A career plan is a case
record.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stride.coaching.models import Goal
from stride.core.models import Organisation
from stride.people.models import Participant


class Level(models.TextChoices):
    ENTRY = "entry", _("Entry")
    MIDDLE = "middle", _("Middle")
    ADVANCED = "advanced", _("Advanced")


class LocalPartner(models.Model):
    """A training provider or employer in a county for one rung of a ladder."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training provider")
        EMPLOYER = "employer", _("Employer")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(
        Organisation, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    industry_key = models.CharField(_("industry"), max_length=40)
    ladder_key = models.CharField(_("career ladder"), max_length=40)
    level = models.CharField(_("rung"), max_length=8, choices=Level.choices)
    # The rung's occupation when the partner was saved, so the row keeps its meaning if
    # a later data file moves an occupation to another rung.
    soc = models.CharField(_("occupation (SOC code)"), max_length=7)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    offer = models.TextField(_("what they offer"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    starting_wage = models.DecimalField(
        _("starting wage (per hour)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    schedule_notes = models.CharField(_("hours and schedule"), max_length=300, blank=True)
    last_verified_on = models.DateField(_("last checked"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["county", "industry_key", "ladder_key", "level"])]

    def __str__(self) -> str:
        return self.name


class CareerPlan(models.Model):
    """A ladder a participant chose, the rung they are on or aiming at, and the roadmap it made."""

    ACCESS_VIA = "participant"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="career_plans"
    )
    industry_key = models.CharField(_("industry"), max_length=40)
    ladder_key = models.CharField(_("career ladder"), max_length=40)
    level = models.CharField(_("rung now"), max_length=8, choices=Level.choices)
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("long-term goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "industry_key", "ladder_key"], name="one_plan_per_ladder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.industry_key}/{self.ladder_key} ({self.level})"
