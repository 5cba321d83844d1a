from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stride.core.fields import DateField, MoneyField
from stride.core.forms import VersionedForm

from .actions import GoalDetails, ReviewDetails, SessionDetails, StepDetails
from .models import Achievement, CoachingSession, Goal, GoalIdea, Obstacle, Review, Step


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "words", "why_it_matters", "looks_like", "measure", "target_date", "term",
            "parent", "life_area", "difficulty", "confidence", "proposed_by",
        ]  # fmt: skip
        widgets = {
            "words": forms.Textarea(attrs={"rows": 2}),
            "why_it_matters": forms.Textarea(attrs={"rows": 2}),
            "looks_like": forms.Textarea(attrs={"rows": 2}),
            "term": forms.RadioSelect,
            "proposed_by": forms.RadioSelect,
            "difficulty": forms.NumberInput(attrs={"min": 1, "max": 10}),
            "confidence": forms.NumberInput(attrs={"min": 1, "max": 10}),
        }
        field_classes = {"target_date": DateField}
        help_texts = {
            "words": _("Write it the way the participant says it."),
            "looks_like": _("Picture the day it's done: what do you see?"),
            "measure": _("For example: a number, a date, a paper in hand."),
            "difficulty": _("1 is easy, 10 is very hard."),
            "confidence": _("1 is not sure at all, 10 is completely sure."),
            "parent": _("For a step on the way to a long-term goal (My Roadmap)."),
        }

    def __init__(self, *args, participant, goal: Goal | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        long_term = participant.goals.filter(term=Goal.Term.LONG)
        if goal is not None:
            long_term = long_term.exclude(pk=goal.pk)
        self.fields["parent"].queryset = long_term
        self.fields["parent"].empty_label = _("None")
        self.fields["life_area"].choices = self.fields["life_area"].choices[1:]

    def details(self) -> GoalDetails:
        data = self.cleaned_data
        return GoalDetails(**{name: data[name] for name in self.Meta.fields})


class IdeaForm(forms.ModelForm):
    class Meta:
        model = GoalIdea
        fields = ["life_area", "words"]
        help_texts = {"words": _("Write it the way the participant says it.")}


class GoalEditForm(GoalForm, VersionedForm):
    pass


class ProfessionalGoalForm(forms.ModelForm):
    """A staff member's own goal: the same cycle, in an area of the skills matrix."""

    class Meta:
        model = Goal
        fields = [
            "words", "skill_area", "why_it_matters", "looks_like", "measure", "target_date",
            "term", "parent", "difficulty", "confidence",
        ]  # fmt: skip
        labels = {"words": _("Your goal")}
        widgets = GoalForm.Meta.widgets
        field_classes = GoalForm.Meta.field_classes
        help_texts = {
            "skill_area": _("From the staff skills and attributes matrix."),
            "parent": _("For a step on the way to one of your long-term goals."),
        }

    def __init__(self, *args, staff, goal: Goal | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        long_term = staff.professional_goals.filter(term=Goal.Term.LONG)
        if goal is not None:
            long_term = long_term.exclude(pk=goal.pk)
        self.fields["parent"].queryset = long_term
        self.fields["parent"].empty_label = _("None")
        self.fields["skill_area"].required = True
        self.fields["skill_area"].choices = self.fields["skill_area"].choices[1:]

    def details(self) -> GoalDetails:
        data = self.cleaned_data
        return GoalDetails(life_area="", **{name: data[name] for name in self.Meta.fields})


class ProfessionalGoalEditForm(ProfessionalGoalForm, VersionedForm):
    pass


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["what", "due_on", "where", "how", "who_helps", "resources", "wants_reminder"]
        field_classes = {"due_on": DateField}
        help_texts = {
            "what": _("Small enough to do before the next meeting."),
            "wants_reminder": _("A reminder before the step's date."),
        }

    def details(self) -> StepDetails:
        return StepDetails(**{name: self.cleaned_data[name] for name in self.Meta.fields})


class StepEditForm(StepForm, VersionedForm):
    pass


class MarkStepForm(VersionedForm):
    status = forms.ChoiceField(choices=Step.Status.choices)
    note = forms.CharField(label=_("How it went"), max_length=500, required=False)


class SendSummaryForm(forms.Form):
    """Send a recorded meeting's summary to the participant's own pages."""

    session = forms.UUIDField(widget=forms.HiddenInput)


class PotholesForm(forms.Form):
    """Potholes and Detours: one obstacle from inside, one from around, each with its plan."""

    internal_pothole = forms.CharField(
        label=_("Something inside you that could get in the way"),
        help_text=_(
            'A habit, a feeling, a worry. For example: "I put things off when I\'m tired."'
        ),
        max_length=300,
    )
    internal_detour = forms.CharField(label=_("Your plan if it happens"), max_length=500)
    external_pothole = forms.CharField(
        label=_("Something around you that could get in the way"),
        help_text=_('People, places, money, time. For example: "The bus is late."'),
        max_length=300,
        required=False,
    )
    external_detour = forms.CharField(
        label=_("Your plan if it happens"), max_length=500, required=False
    )
    step = forms.ModelChoiceField(
        label=_("Which step it is about"), queryset=Step.objects.none(), required=False
    )

    def __init__(self, *args, goal: Goal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = goal.steps.all()
        self.fields["step"].empty_label = _("The goal as a whole")
        if goal.obstacles.filter(kind=Obstacle.Kind.INTERNAL).exists():
            # Asked for once per goal; after that either kind can be added alone.
            self.fields["internal_pothole"].required = False
            self.fields["internal_detour"].required = False

    def clean(self) -> dict:
        data = super().clean()
        for kind in ("internal", "external"):
            pothole, detour = data.get(f"{kind}_pothole"), data.get(f"{kind}_detour")
            if pothole and not detour:
                self.add_error(f"{kind}_detour", _("Plan what you will do if it happens."))
            if detour and not pothole:
                self.add_error(f"{kind}_pothole", _("Say what the plan is for."))
        if not any(data.get(name) for name in ("internal_pothole", "external_pothole")):
            raise ValidationError(_("Write at least one thing that could get in the way."))
        return data

    def obstacles(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [
            (kind, data[f"{kind}_pothole"], data[f"{kind}_detour"])
            for kind in (Obstacle.Kind.INTERNAL, Obstacle.Kind.EXTERNAL)
            if data.get(f"{kind}_pothole")
        ]


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["how_it_went", "went_well", "learned", "next_time", "decision"]
        widgets = {
            "how_it_went": forms.Textarea(attrs={"rows": 2}),
            "went_well": forms.Textarea(attrs={"rows": 2}),
            "learned": forms.Textarea(attrs={"rows": 2}),
            "next_time": forms.Textarea(attrs={"rows": 2}),
            "decision": forms.RadioSelect,
        }

    def details(self) -> ReviewDetails:
        return ReviewDetails(**{name: self.cleaned_data[name] for name in self.Meta.fields})


class SessionForm(forms.ModelForm):
    stages = forms.MultipleChoiceField(
        label=_("Parts of the cycle covered"),
        choices=CoachingSession.Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CoachingSession
        fields = ["held_at", "mode", "minutes", "topic", "stages", "notes", "next_appointment"]
        widgets = {
            "held_at": DateTimeInput,
            "next_appointment": DateTimeInput,
            "mode": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.NumberInput(attrs={"min": 1, "max": 480}),
        }
        help_texts = {
            "topic": _("What the participant wanted to talk about."),
            "notes": _("Strengths-based, in plain words."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "held_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def details(self) -> SessionDetails:
        return SessionDetails(**{name: self.cleaned_data[name] for name in self.Meta.fields})


class AchievementForm(forms.ModelForm):
    class Meta:
        model = Achievement
        fields = ["words", "incentive_amount"]
        field_classes = {"incentive_amount": MoneyField}
        help_texts = {
            "words": _('For example: "Finished the first week of class".'),
            "incentive_amount": _("If your program gives one. A supervisor approves it first."),
        }


class SessionNotesForm(VersionedForm):
    notes = forms.CharField(
        label=_("Notes"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Strengths-based, in plain words."),
    )


class CancelAppointmentForm(VersionedForm):
    """Calling off the next appointment: the session's version is all it carries."""


class StepDateForm(VersionedForm):
    """A step's date moved in the meeting (the rest of the step stays as it is)."""

    due_on = DateField(label=_("New date"), required=False)


class ObstacleForm(forms.Form):
    """One pothole and its detour, added in the meeting."""

    pothole = forms.CharField(label=_("What could get in the way"), max_length=300)
    detour = forms.CharField(label=_("The plan if it happens"), max_length=500)
    kind = forms.ChoiceField(
        label=_("Where it comes from"),
        choices=Obstacle.Kind.choices,
        widget=forms.RadioSelect,
        initial=Obstacle.Kind.EXTERNAL,
    )
