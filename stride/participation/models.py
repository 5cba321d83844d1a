"""Work activities, the hours spent in them, months on aid, and each month's countable hours.

Hours and months are case records reached through `stride.core.access`
(ACCESS_VIA) and written by `stride.participation.actions`. The rules that
turn them into countable hours and time clocks are data files in `rules/`.
"""

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from stride.core.models import Organisation
from stride.people.models import Participant, Program


class WorkActivity(models.TextChoices):
    """The twelve federal work activities (45 CFR 261.30 (a) to (l)), and activities outside them."""

    UNSUBSIDIZED_EMPLOYMENT = "unsubsidized_employment", _("Unsubsidized employment")
    SUBSIDIZED_PRIVATE = "subsidized_private", _("Subsidized private-sector employment")
    SUBSIDIZED_PUBLIC = "subsidized_public", _("Subsidized public-sector employment")
    WORK_EXPERIENCE = "work_experience", _("Work experience")
    ON_THE_JOB_TRAINING = "on_the_job_training", _("On-the-job training")
    JOB_SEARCH = "job_search", _("Job search and job readiness")
    COMMUNITY_SERVICE = "community_service", _("Community service")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational educational training")
    JOB_SKILLS_TRAINING = "job_skills_training", _("Job skills training for work")
    EDUCATION_FOR_WORK = "education_for_work", _("Education for work (no diploma yet)")
    SCHOOL_ATTENDANCE = "school_attendance", _("High school or equivalency classes")
    CHILD_CARE_FOR_COMMUNITY_SERVICE = (
        "child_care_for_community_service",
        _("Child care for a community service participant"),
    )
    OTHER = "other", _("Other activity (not a federal work activity)")


class Activity(models.Model):
    """An activity in a county's catalogue, mapped to the federal work activity it counts as."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(
        Organisation,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="activities",
        limit_choices_to={"kind": Organisation.Kind.COUNTY},
    )
    name = models.CharField(_("name"), max_length=120)
    federal_activity = models.CharField(_("counts as"), max_length=40, choices=WorkActivity.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="one_activity_name_per_county")
        ]

    def __str__(self) -> str:
        return self.name


WEEKDAYS_MONDAY_TO_FRIDAY = 0b0011111


class ActivityPlan(models.Model):
    """A participant's scheduled hours in an activity: what is planned, and what an absence excuses."""

    ACCESS_VIA = "participant"

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        LEFT = "left", _("Left before the end")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="activity_plans"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="plans"
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("scheduled hours a week"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
    )
    # Bit 0 is Monday: the days the hours are spread over.
    weekdays = models.PositiveSmallIntegerField(default=WEEKDAYS_MONDAY_TO_FRIDAY)
    # How the plan ended, as the coach said when ending it; blank while it runs, or when ended
    # without saying (an end date given up front). The measures count an education or training
    # plan completed as an education completion.
    outcome = models.CharField(
        _("how it ended"), max_length=12, choices=Outcome.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["participant", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.activity} from {self.starts_on}"

    @property
    def days(self) -> list[int]:
        return [day for day in range(7) if self.weekdays & (1 << day)]

    def scheduled_on(self, day: date) -> float:
        if day < self.starts_on or (self.ends_on and day > self.ends_on):
            return 0.0
        if not self.weekdays & (1 << day.weekday()):
            return 0.0
        return float(self.hours_per_week) / len(self.days)


class HoursEntry(models.Model):
    """Hours on one day in one activity: attended, an excused absence, or a holiday."""

    ACCESS_VIA = "participant"
    AUDIT_VALUES = ("verification",)  # audit events keep old and new (core/audit.py)

    class Kind(models.TextChoices):
        PARTICIPATION = "participation", _("Took part")
        EXCUSED = "excused", _("Excused absence")
        HOLIDAY = "holiday", _("Holiday")

    class Verification(models.TextChoices):
        REPORTED = "reported", _("Reported, not yet checked")
        VERIFIED = "verified", _("Verified")
        NOT_VERIFIED = "not_verified", _("Could not be verified")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="hours_entries"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="entries"
    )
    day = models.DateField(_("day"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    kind = models.CharField(
        _("type"), max_length=14, choices=Kind.choices, default=Kind.PARTICIPATION
    )
    verification = models.CharField(
        _("verification"),
        max_length=14,
        choices=Verification.choices,
        default=Verification.REPORTED,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["day", "pk"]
        verbose_name_plural = "hours entries"
        indexes = [
            models.Index(fields=["participant", "day"]),
            models.Index(fields=["day"]),
            models.Index(fields=["verification", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h {self.activity} on {self.day}"


class AidMonth(models.Model):
    """One month a participant received aid: the ledger the time clocks count."""

    ACCESS_VIA = "participant"

    class WorkStatus(models.TextChoices):
        REQUIRED = "required", _("Required to take part")
        INFANT = "infant", _("Single parent of a baby under 12 months (not counted in the rate)")
        SANCTIONED = "sanctioned", _("Sanctioned this month (not counted in the rate)")
        EXEMPT = "exempt", _("Excused from work activities by the state (still in the rate)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="aid_months"
    )
    month = models.DateField(_("month"))
    program = models.ForeignKey(
        Program, verbose_name=_("program"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # A code from the clock rule files: why this month does not count on some clocks.
    exemption = models.CharField(_("reason the month does not count"), max_length=40, blank=True)
    work_status = models.CharField(
        _("work requirement"),
        max_length=12,
        choices=WorkStatus.choices,
        default=WorkStatus.REQUIRED,
    )
    federally_funded_child_care = models.BooleanField(
        _("child care paid with federal funds"), default=False
    )
    # The family's month under the minimum-wage law (45 CFR 261.31(d), 261.32(d)): the most
    # hours of work experience or community service is (grant + SNAP) / the higher minimum
    # wage, worked out exactly when the month is counted.
    tanf_grant = models.DecimalField(
        _("TANF grant for the month"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    snap_allotment = models.DecimalField(
        _("SNAP allotment for the month"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    state_minimum_wage = models.DecimalField(
        _("state minimum wage an hour"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "month"], name="one_aid_month_each")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class MonthResult(models.Model):
    """A participant's countable hours for a month, as the rules computed them, and why.

    `usage` carries what the limits on the preceding twelve months have used up
    to the end of this month, so the next month starts from one row.
    """

    ACCESS_VIA = "participant"

    class Step(models.TextChoices):
        NONE = "none", _("Not yet taking part")
        SOME = "some", _("Some hours")
        SUBSTANTIAL = "substantial", _("Most of the hours")
        FULL = "full", _("All the hours")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="month_results"
    )
    month = models.DateField()
    requirement = models.CharField(max_length=40)
    required_weekly_hours = models.DecimalField(max_digits=4, decimal_places=1)
    by_activity = models.JSONField(default=dict)
    countable_hours = models.DecimalField(max_digits=6, decimal_places=2)
    core_hours = models.DecimalField(max_digits=6, decimal_places=2)
    weekly_average = models.DecimalField(max_digits=5, decimal_places=2)
    deemed_core_hours = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    deemed_core_two_parent = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    meets_rate = models.BooleanField(default=False)
    step = models.CharField(max_length=12, choices=Step.choices)
    reasons = models.JSONField(default=list)
    usage = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "month"], name="one_result_a_month")
        ]
        indexes = [models.Index(fields=["month", "step"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.step}"
