"""The benefits cliff calculator's records.

A household's money facts (pay, hours, child care, rent) are case records
kept by the coach; curves are a cache keyed by the household snapshot and the
PolicyEngine version, so the same family on the same engine is computed once;
a saved scenario freezes a curve so a coach can show the same picture later.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stride.people.models import Household, Member, Participant


class HouseholdBudget(models.Model):
    ACCESS_VIA = "household"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.OneToOneField(Household, on_delete=models.CASCADE, related_name="budget")
    monthly_rent = models.DecimalField(
        _("rent or mortgage a month"), max_digits=8, decimal_places=2, default=0
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"money facts of household {self.household_id}"


class MemberBudget(models.Model):
    """One person's pay and child care, as the calculator needs them."""

    ACCESS_VIA = "member"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="budget")
    yearly_earnings = models.DecimalField(
        _("pay from work a year, before tax"), max_digits=10, decimal_places=2, default=0
    )
    weekly_hours = models.DecimalField(
        _("hours of work a week"), max_digits=4, decimal_places=1, default=0
    )
    care_days_per_week = models.DecimalField(
        _("days a week in child care"), max_digits=2, decimal_places=1, default=0
    )
    care_hours_per_day = models.DecimalField(
        _("hours a day in child care"), max_digits=4, decimal_places=1, default=0
    )
    monthly_care_cost = models.DecimalField(
        _("child care cost a month, before any help"), max_digits=8, decimal_places=2, default=0
    )

    def __str__(self) -> str:
        return f"money facts of member {self.member_id}"


class Curve(models.Model):
    """A computed curve (or one waiting for the worker), cached by what went in."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the calculator")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be worked out")

    key = models.CharField(max_length=64)
    engine_version = models.CharField(max_length=20)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    request = models.JSONField()  # curves.Request: the household, the top of the axis, the points
    data = models.JSONField(default=dict, blank=True)  # the curve, the points and the limits
    task_id = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    # Who asked for it last (queued or retried it): one person has only so many waiting.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "engine_version"], name="one_curve_per_snapshot")
        ]

    def __str__(self) -> str:
        return f"curve {self.key[:12]} ({self.status})"


class EngineState(models.Model):
    """What the benefits worker last said about its engine: the page tells a
    waiting coach whether it is loading (about a minute) or ready."""

    class Status(models.TextChoices):
        STARTING = "starting", _("Starting")
        WARM = "warm", _("Ready")
        STOPPED = "stopped", _("Stopped")

    name = models.CharField(max_length=20, unique=True, default="benefits")
    status = models.CharField(max_length=8, choices=Status.choices)
    engine_version = models.CharField(max_length=20)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    warm_at = models.DateTimeField(null=True, blank=True)
    seconds_to_warm = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"


class Scenario(models.Model):
    """A curve saved as it was: what-ifs, household, figures and engine version."""

    ACCESS_VIA = "participant"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="benefit_scenarios"
    )
    title = models.CharField(_("name of this picture"), max_length=120)
    what_if = models.JSONField(default=dict, blank=True)
    request = models.JSONField()
    data = models.JSONField()
    engine_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class WatchedHousehold(models.Model):
    """The snapshot the cliff watch last checked for a household."""

    household = models.OneToOneField(Household, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    engine_version = models.CharField(max_length=20)
    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"household {self.household_id} checked {self.checked_at:%Y-%m-%d}"


class CliffFlag(models.Model):
    """A family the cliff watch thinks a coach should talk to about a raise."""

    ACCESS_VIA = "participant"

    class Kind(models.TextChoices):
        NEAR = "near", _("A raise soon meets a cliff")
        INSIDE = "inside", _("Pay sits inside a cliff")
        TARGET = "target", _("A goal lands inside a cliff")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="cliff_flags"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    earnings = models.DecimalField(max_digits=10, decimal_places=2)  # pay now, or the target's
    label = models.CharField(max_length=200, blank=True)  # the target: a rung, an offer
    start = models.DecimalField(max_digits=10, decimal_places=2)
    bottom = models.DecimalField(max_digits=10, decimal_places=2)
    cleared_at = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    loss = models.DecimalField(max_digits=10, decimal_places=2)
    programs = models.JSONField(default=list)  # [program, drop] largest first
    ended = models.JSONField(default=list)  # programs that stop
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["participant", "start", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} cliff at {self.start}"
