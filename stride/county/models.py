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


class SuccessDefinition(models.Model):
    """What a county means by success for the families it serves (goal setting, step 1).

    Each change is a new row numbered from 1, so earlier versions stay readable."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="success_definitions"
    )
    number = models.PositiveIntegerField()
    text = models.TextField(_("what success looks like"))
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["county", "number"], name="one_success_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.county} ({self.number})"


class CountyGoal(models.Model):
    """An overall county goal, SMART (goal setting, step 2): a measure, where it stands, the
    target (an improvement on the baseline or a level to reach), a deadline, and how often
    the county reviews it."""

    class Target(models.TextChoices):
        IMPROVE = "improve", _("Improve on the baseline by a percentage")
        REACH = "reach", _("Reach a level")

    class Every(models.TextChoices):
        QUARTER = "quarter", _("Every three months")
        HALF_YEAR = "half_year", _("Every six months")
        YEAR = "year", _("Once a year")

    class Activity(models.TextChoices):
        """The core program activities a goal may be about (step 3); none: an overall goal."""

        ORIENTATION = "orientation", _("Orientation and first appraisal")
        JOB_SEARCH = "job_search", _("Job search and job readiness")
        SUBSIDISED = "subsidised", _("Subsidized employment")
        EDUCATION = "education", _("Education and training")
        WORK_EXPERIENCE = "work_experience", _("Work experience and community service")
        KEEPING_WORK = "keeping_work", _("Keeping and growing in a job")

    AUDIT_VALUES = ("target_kind", "review_every", "activity")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="county_goals")
    # A measure's key in the live measures (county.live), counted for the whole county.
    measure = models.CharField(_("measure"), max_length=40)
    activity = models.CharField(
        _("program activity"), max_length=20, choices=Activity.choices, blank=True
    )
    baseline = models.DecimalField(_("baseline"), max_digits=5, decimal_places=1)
    target_kind = models.CharField(_("kind of target"), max_length=8, choices=Target.choices)
    target = models.DecimalField(_("target"), max_digits=5, decimal_places=1)
    deadline = models.DateField(_("deadline"))
    review_every = models.CharField(_("review"), max_length=10, choices=Every.choices)
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.measure


class CountyGoalReview(models.Model):
    """One review of a county goal: where the measure stands now and what the team makes of it."""

    class Standing(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        BEHIND = "behind", _("Behind, with a plan to catch up")
        MET = "met", _("Target met")

    AUDIT_VALUES = ("standing",)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(CountyGoal, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("date of the review"))
    value_now = models.DecimalField(_("where the measure stands"), max_digits=5, decimal_places=1)
    standing = models.CharField(_("how it is going"), max_length=10, choices=Standing.choices)
    notes = models.TextField(_("what the team learned and will try next"), blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.goal} ({self.reviewed_on})"


class ClientMeasure(models.Model):
    """A measure the county follows for its families' own progress (goal setting, step 5),
    chosen from Stride's measures (`county.live`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="client_measures"
    )
    measure = models.CharField(_("measure"), max_length=40)
    chosen_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["county", "measure"], name="one_client_measure_each")
        ]

    def __str__(self) -> str:
        return self.measure


class Initiative(models.Model):
    """The first column of the county's logic model: something the county sets out to do."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="initiatives")
    name = models.CharField(_("initiative"), max_length=200)
    why = models.TextField(_("why the county takes it on"), blank=True)
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return self.name


class InitiativeActivity(models.Model):
    """What staff do for an initiative, what it produces (its outputs, counted), and the
    measures it should move (its outcomes, each one of Stride's measures)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="activities")
    name = models.CharField(_("activity"), max_length=200)
    outputs = models.TextField(_("outputs"))
    outcomes = models.JSONField(default=list)  # measure keys from county.live
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return self.name


class PracticeReview(models.Model):
    """A review written from observation: a fidelity review of a program (an office or the
    county) or of one worker, or a skills-and-attributes review of a coach. It holds no case
    data; who reads and writes it is `county.reviews` over `access.reviewable_workers` and
    `access.reviewable_programs`. A review of a person is audited when it is read."""

    class Kind(models.TextChoices):
        FIDELITY = "fidelity", _("Fidelity review")
        SKILLS = "skills_matrix", _("Skills and attributes review")

    class Observer(models.TextChoices):
        SUPERVISOR = "supervisor", _("Supervisor")
        NEUTRAL = "neutral", _("Neutral observer")
        MANAGER = "manager", _("County administrator or manager")

    AUDIT_VALUES = ("kind", "observer_role")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind of review"), max_length=16, choices=Kind.choices)
    county = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reviews")
    # What was observed: a program (the county or one of its offices), or one worker.
    program = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews_of_me"
    )
    observer_name = models.CharField(_("who observed"), max_length=200)
    observer_role = models.CharField(_("their role"), max_length=10, choices=Observer.choices)
    observed_on = models.DateField(_("date observed"))
    form_version = models.PositiveSmallIntegerField()  # the rubric's version rated on
    ratings = models.JSONField(default=dict)  # item key -> level value
    notes = models.JSONField(default=dict)  # item key -> note
    summary = models.TextField(_("what stood out"), blank=True)
    # Professional goals started from this review's skills to grow (coaching's Goal).
    goals = models.ManyToManyField("coaching.Goal", blank=True, related_name="+")
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-observed_on", "-pk"]
        indexes = [models.Index(fields=["worker", "kind", "observed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(program__isnull=True, worker__isnull=False)
                | models.Q(program__isnull=False, worker__isnull=True),
                name="review_of_a_program_or_a_worker",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.observed_on})"
