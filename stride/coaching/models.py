"""The coaching cycle: goals, their plans, obstacles, reviews, and sessions.

The words of a goal, a step or a review are the participant's own: fields
are free text and never scored. Every model here is a case record reached
through `stride.core.access` (ACCESS_VIA) and written by
`stride.coaching.actions`.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stride.core.vocabulary import LifeArea
from stride.people.models import Participant

RATING = [MinValueValidator(1), MaxValueValidator(10)]


class SkillArea(models.TextChoices):
    """The four areas of the CalWORKs 2.0 staff skills and attributes matrix (seed 003)."""

    CUSTOMERS = "customers", _("Working directly with customers")
    FRAMEWORK = "framework", _("The goal-achievement framework")
    WELL_BEING = "well_being", _("Professional goals, well-being and self-care")
    DAILY_TASKS = "daily_tasks", _("Managing daily tasks")


class Goal(models.Model):
    """A participant's goal, or a staff member's professional goal: the same cycle for both."""

    ACCESS_VIA = "participant"
    STAFF_VIA = "staff"  # professional goals: the access module's staff rule
    AUDIT_VALUES = ("status",)  # audit events keep its old and new value (core/audit.py)

    class Term(models.TextChoices):
        SHORT = "short", _("Short-term")
        LONG = "long", _("Long-term")

    class ProposedBy(models.TextChoices):
        PARTICIPANT = "participant", _("The participant")
        TOGETHER = "together", _("Participant and coach together")
        COACH = "coach", _("The coach")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Working on it")
        REVISED = "revised", _("Revised")
        ACHIEVED = "achieved", _("Achieved")
        REPLACED = "replaced", _("Replaced by a new goal")
        SET_ASIDE = "set_aside", _("Set aside for now")

    OPEN_STATUSES = (Status.ACTIVE, Status.REVISED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="goals"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="professional_goals",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_goals",
        verbose_name=_("long-term goal it leads to"),
    )
    words = models.TextField(_("the goal, in the participant's words"), max_length=500)
    why_it_matters = models.TextField(_("why it matters"), max_length=1000, blank=True)
    looks_like = models.TextField(
        _("what it will look like when it's done"), max_length=1000, blank=True
    )
    measure = models.CharField(_("how we will know"), max_length=300, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("how hard it feels (1-10)"), null=True, blank=True, validators=RATING
    )
    confidence = models.PositiveSmallIntegerField(
        _("how sure they are (1-10)"), null=True, blank=True, validators=RATING
    )
    term = models.CharField(_("term"), max_length=8, choices=Term.choices, default=Term.SHORT)
    life_area = models.CharField(
        _("life area"), max_length=16, choices=LifeArea.choices, blank=True
    )
    skill_area = models.CharField(
        _("skills matrix area"), max_length=16, choices=SkillArea.choices, blank=True
    )
    proposed_by = models.CharField(
        _("whose idea"), max_length=16, choices=ProposedBy.choices, default=ProposedBy.PARTICIPANT
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    status_since = models.DateField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("goal")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["participant", "status"]),
            models.Index(fields=["staff", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participant__isnull=False, staff__isnull=True)
                | models.Q(participant__isnull=True, staff__isnull=False),
                name="goal_belongs_to_a_participant_or_a_staff_member",
            )
        ]

    def __str__(self) -> str:
        return self.words

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class GoalIdea(models.Model):
    """An idea for a goal, in the participant's words: from goal-storming, or drafted
    by the participant for the next meeting. Picking one turns it into a goal."""

    ACCESS_VIA = "participant"

    class Source(models.TextChoices):
        STORMING = "storming", _("Goal-storming")
        PARTICIPANT = "participant", _("Drafted by the participant")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="goal_ideas"
    )
    life_area = models.CharField(_("life area"), max_length=16, choices=LifeArea.choices)
    words = models.CharField(_("the idea, in the participant's words"), max_length=300)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.STORMING)
    goal = models.OneToOneField(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="idea"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("goal idea")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["participant", "goal"])]

    def __str__(self) -> str:
        return self.words


class GoalStatusChange(models.Model):
    """Each status a goal has had, and when: counties count achieved, revised and replaced goals."""

    ACCESS_VIA = "goal"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=16, choices=Goal.Status.choices)
    on = models.DateField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("goal status change")
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["status", "on"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.on}"


class Step(models.Model):
    """One small step of a goal's plan."""

    ACCESS_VIA = "goal"
    AUDIT_VALUES = ("status",)

    class Status(models.TextChoices):
        PLANNED = "planned", _("To do")
        DONE = "done", _("Done")
        NOT_DONE = "not_done", _("Not done yet")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    what = models.CharField(_("what"), max_length=300)
    due_on = models.DateField(_("when"), null=True, blank=True)
    where = models.CharField(_("where"), max_length=200, blank=True)
    how = models.CharField(_("how"), max_length=300, blank=True)
    who_helps = models.CharField(_("who can help"), max_length=200, blank=True)
    resources = models.CharField(_("what is needed"), max_length=300, blank=True)
    wants_reminder = models.BooleanField(_("send a reminder"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    outcome_note = models.CharField(_("how it went"), max_length=500, blank=True)
    status_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("plan", "step")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.what


class Obstacle(models.Model):
    """A pothole on the way to a goal, and the detour planned around it."""

    ACCESS_VIA = "goal"

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Inside me (a habit, a feeling, a worry)")
        EXTERNAL = "external", _("Around me (people, places, money, time)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="obstacles")
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="obstacles"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    pothole = models.CharField(_("what could get in the way"), max_length=300)
    detour = models.CharField(_("the plan if it happens"), max_length=500)

    class Meta:
        verbose_name = _("obstacle")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.pothole


class Review(models.Model):
    """Looking back at a goal together: what happened, what was learned, what next."""

    ACCESS_VIA = "goal"
    AUDIT_VALUES = ("decision",)

    class Decision(models.TextChoices):
        KEEP_GOING = "keep_going", _("Keep going")
        REVISE_PLAN = "revise_plan", _("Change the plan")
        CHANGE_GOAL = "change_goal", _("Change the goal")
        ACHIEVED = "achieved", _("The goal is reached")
        NEW_GOAL = "new_goal", _("Set a new goal instead")
        SET_ASIDE = "set_aside", _("Set it aside for now")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews")
    how_it_went = models.TextField(_("how did it go?"), max_length=1000)
    went_well = models.TextField(_("what went well?"), max_length=1000, blank=True)
    learned = models.TextField(_("what did you learn?"), max_length=1000, blank=True)
    next_time = models.TextField(_("what will you do differently?"), max_length=1000, blank=True)
    decision = models.CharField(_("what next"), max_length=16, choices=Decision.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("review")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.created_at:%Y-%m-%d})"


class Reflection(models.Model):
    """A participant's own thoughts on a goal, between meetings."""

    ACCESS_VIA = "goal"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reflections")
    words = models.TextField(_("your thoughts"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reflection")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.words[:60]


class Achievement(models.Model):
    """Something to celebrate: a goal reached or a milestone on the way, with an optional
    incentive that a supervisor approves before it is paid."""

    ACCESS_VIA = "participant"
    AUDIT_VALUES = ("incentive",)  # never the amount: money of a person stays out
    AUDIT_LABELS = {"incentive": _("incentive")}  # the field has no verbose name of its own

    class Kind(models.TextChoices):
        GOAL = "goal", _("Goal reached")
        MILESTONE = "milestone", _("Milestone")

    class Incentive(models.TextChoices):
        NONE = "none", _("No incentive")
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Not approved")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="achievements"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="achievements"
    )
    words = models.CharField(_("what was achieved"), max_length=300)
    on = models.DateField(_("date"))
    incentive_amount = models.DecimalField(
        _("incentive amount ($)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    incentive = models.CharField(max_length=16, choices=Incentive.choices, default=Incentive.NONE)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("achievement")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["incentive", "on"])]

    def __str__(self) -> str:
        return self.words


class CoachingSession(models.Model):
    """A contact between coach and participant: the contact log."""

    ACCESS_VIA = "participant"
    AUDIT_VALUES = ("mode",)

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")
        TEXT = "text", _("Text messages")

    class Stage(models.TextChoices):
        GOAL = "goal", _("Goal")
        PLAN = "plan", _("Plan")
        DO = "do", _("Do")
        REVIEW = "review", _("Review and revise")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="coaching_sessions"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_at = models.DateTimeField(_("when"))
    mode = models.CharField(_("how"), max_length=16, choices=Mode.choices)
    minutes = models.PositiveSmallIntegerField(
        _("length in minutes"), validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    topic = models.CharField(_("topic the participant chose"), max_length=200, blank=True)
    stages = models.JSONField(_("parts of the cycle covered"), default=list, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    next_appointment = models.DateTimeField(_("next appointment"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("coaching session")
        ordering = ["-held_at", "-pk"]
        indexes = [
            models.Index(fields=["participant", "-held_at"]),
            models.Index(fields=["coach", "next_appointment"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.held_at:%Y-%m-%d %H:%M}"

    def stage_names(self) -> list[str]:
        """The stages covered, in the cycle's order."""
        return [str(label) for value, label in self.Stage.choices if value in self.stages]


class MeetingSummary(models.Model):
    """A meeting's summary sent to the participant's own pages: what was done, what was
    decided, the next steps and the next appointment, as they stood when it was sent.

    `contents` keeps the words the family and coach wrote and the codes of choices and
    dates, never labels, so the participant reads it in the language of their own pages.
    """

    ACCESS_VIA = "participant"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="meeting_summaries"
    )
    session = models.OneToOneField(
        CoachingSession, on_delete=models.CASCADE, related_name="meeting_summary"
    )
    contents = models.JSONField(default=dict)
    sent_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting summary")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["participant", "-sent_at"])]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M}"
