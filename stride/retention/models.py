"""Retention of a closed case's records: the county's policy, legal holds, and the runs.

A case is a household: it is closed once every enrollment of every participant in it has
ended, on the last end date. Each kind of record (`RecordType`) is kept a number of years
after that, then de-identified or deleted (`kinds.py` says what each does and the default
policy, `sweep.py` finds the cases and applies it). A held participant keeps their
household's records whole, whatever the policy says.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stride.core.models import Organisation
from stride.people.models import Household, Participant


class RecordType(models.TextChoices):
    """The kinds of records a policy is written for, in the words a county uses."""

    PEOPLE = "people", _("Names, addresses and identity numbers")
    GOALS = "goals", _("Goals, steps and achievements")
    NOTES = "notes", _("Reviews, reflections and goal ideas")
    SESSIONS = "sessions", _("Coaching sessions and meeting summaries")
    ASSESSMENTS = "assessments", _("Assessment answers")
    HOURS = "hours", _("Participation hours and months on aid")
    REFERRALS = "referrals", _("Referrals to services")
    REMINDERS = "reminders", _("Reminders, texts and consents")
    BENEFITS = "benefits", _("Benefits estimates and budgets")
    COPIES = "copies", _("Copies of records and import matches")


class Action(models.TextChoices):
    DEIDENTIFY = "deidentify", _("De-identify")
    DELETE = "delete", _("Delete")


class Policy(models.Model):
    """A county's own policy for one kind of record; without one, the default in `kinds.py`."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(_("kind of record"), max_length=16, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField(_("years kept after the case closed"))
    action = models.CharField(_("then"), max_length=12, choices=Action.choices)
    reason = models.CharField(_("why the county keeps them this long"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_VALUES = ("record_type", "action")

    class Meta:
        verbose_name = _("retention policy")
        constraints = [
            models.UniqueConstraint(fields=["county", "record_type"], name="one_policy_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.record_type}"


class Hold(models.Model):
    """A legal hold: while it stands, nothing of the participant's household is touched."""

    ACCESS_VIA = "participant"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="retention_holds"
    )
    reason = models.CharField(_("why the records are held"), max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField()
    lifted_reason = models.CharField(_("why the hold is lifted"), max_length=300, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["participant", "lifted_at"])]

    def __str__(self) -> str:
        return f"hold {self.uuid}"


class Run(models.Model):
    """One run of the county's policy: a dry run (a report, nothing changed) or the purge.

    It keeps no names: its report lists the cases by their households' UUIDs, and the page
    reads their case numbers through the access module.
    """

    AUDIT_VALUES = ("status",)

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a task worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    dry_run = models.BooleanField(default=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # The day the policy is measured from: the day the run was asked for.
    as_of = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)  # cases to go through
    done = models.PositiveIntegerField(default=0)  # cases gone through
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"cases": [{"household": uuid, "closed_on": iso date, "kinds": {type: action}}]}
    report = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=200, blank=True)  # the kind of error only

    class Meta:
        verbose_name = _("retention run")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"run {self.uuid}"


class Purge(models.Model):
    """What a run did (or, dry, would do) to one kind of record, under which policy: counts
    only. The audit trail's event that a purge happened points here."""

    AUDIT_VALUES = ("record_type", "action")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="purges")
    record_type = models.CharField(_("kind of record"), max_length=16, choices=RecordType.choices)
    action = models.CharField(_("what was done"), max_length=12, choices=Action.choices)
    years = models.PositiveSmallIntegerField()  # the policy it followed
    county_policy = models.BooleanField(default=False)  # the county's own, or the default
    cases = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("retention purge")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "record_type", "action"], name="one_purge_per_kind_and_action"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.action}"


class Done(models.Model):
    """A kind of record of a case already de-identified or deleted: a run does it once."""

    ACCESS_VIA = "household"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(max_length=16, choices=RecordType.choices)
    action = models.CharField(max_length=12, choices=Action.choices)
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "record_type", "action"], name="one_done_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.record_type} {self.action}"
