from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stride.core import fields
from stride.core.forms import VersionedForm

from . import live
from .actions import ObservationDetails
from .models import CountyGoal, CountyGoalReview, PracticeReview
from .rubrics import Item, Level, Rubric
from .self_assessment import Area, Component, Point, SelfAssessment


class CheckInForm(forms.Form):
    contact_gap_days = forms.IntegerField(
        label=_("Days without contact before a check-in is due"),
        min_value=1,
        max_value=180,
        help_text=_(
            "A participant shows on their coach's Today page when this many days pass "
            "without a session."
        ),
    )


class RoundForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the round"),
        max_length=100,
        help_text=_("Something everyone will recognise later, such as “Spring 2027”."),
    )


class RatingsForm(forms.Form):
    """A rating for every component of the self-assessment, one set of radio buttons each."""

    def __init__(self, *args: Any, assessment: SelfAssessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        choices = [(point.value, _choice_label(assessment, point)) for point in assessment.scale]
        for component in assessment.components.values():
            self.fields[component.key] = forms.ChoiceField(
                label=str(component.title),
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
                error_messages={"required": _("Pick the rating that fits best.")},
            )

    def areas(self) -> list[tuple[Area, list[tuple[Component, forms.BoundField]]]]:
        """The fields grouped as the self-assessment groups its components, for the page."""
        return [
            (area, [(c, self[c.key]) for c in area.components]) for area in self.assessment.areas
        ]

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in self.assessment.components}


def _choice_label(assessment: SelfAssessment, point: Point) -> str:
    group, label = str(assessment.group_names[point.group]), str(point.label)
    return label if group == label else f"{group}: {label}"


class SettleForm(VersionedForm, RatingsForm):
    """The county's answer for each component, and the one or two areas to work on first."""

    def __init__(self, *args: Any, assessment: SelfAssessment, **kwargs: Any) -> None:
        super().__init__(*args, assessment=assessment, **kwargs)
        self.fields["priorities"] = forms.MultipleChoiceField(
            label=_("Areas to work on first"),
            help_text=_("Pick one or two. Taking on everything at once rarely works."),
            choices=[(area.key, str(area.title)) for area in assessment.areas],
            widget=forms.CheckboxSelectMultiple,
        )

    def clean_priorities(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["priorities"]
        if len(chosen) > 2:
            raise ValidationError(_("Pick one or two areas to work on first."))
        return chosen


class SuccessForm(VersionedForm):
    """Goal setting, step 1; `version` is the number of the definition the person started from."""

    text = forms.CharField(
        label=_("What success looks like for the families you serve"),
        help_text=_(
            "Think a few months or years after a family's time with you: working, learning, "
            "a steady home, stronger day-to-day skills, taking part in the program. Say it "
            "in your county's words."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
    )


class CountyGoalForm(forms.Form):
    """Goal setting, step 2: an overall county goal, SMART."""

    measure = forms.ChoiceField(
        label=_("Measure"),
        help_text=_(
            "What the goal moves: one of Stride's measures, counted every month for all the "
            "county's families. Each is a percentage."
        ),
    )
    baseline = fields.DecimalField(
        label=_("Where it stands now (%)"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    target_kind = forms.ChoiceField(
        label=_("Kind of target"),
        choices=CountyGoal.Target.choices,
        widget=forms.RadioSelect,
    )
    target = fields.DecimalField(
        label=_("Target (%)"),
        help_text=_(
            "For an improvement, how much better than now: 10 means 40% becomes 44%. "
            "For a level, the percentage to reach: 50 means 50%."
        ),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal(100),
    )
    deadline = fields.DateField(label=_("Deadline"))
    review_every = forms.ChoiceField(
        label=_("How often the team reviews it"),
        choices=CountyGoal.Every.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [
            ("", _("Choose a measure")),
            *live.goal_measures().items(),
        ]


class ActivityGoalForm(CountyGoalForm):
    """Goal setting, step 3: a goal for one core program activity, with the same shape."""

    activity = forms.ChoiceField(
        label=_("Program activity"),
        choices=CountyGoal.Activity.choices,
        widget=forms.RadioSelect,
    )
    field_order = ["activity"]


class CountyGoalReviewForm(forms.Form):
    reviewed_on = fields.DateField(label=_("Date of the review"), initial=timezone.localdate)
    value_now = fields.DecimalField(
        label=_("Where the measure stands now (%)"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    standing = forms.ChoiceField(
        label=_("How it is going"),
        choices=CountyGoalReview.Standing.choices,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("What the team learned and will try next"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )


class ClientMeasuresForm(forms.Form):
    """Goal setting, step 5: the measures the county follows for its families' progress."""

    measures = forms.MultipleChoiceField(
        label=_("Measures to follow"),
        help_text=_("Tick each measure of your families' progress the team will look at."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one measure to follow.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measures"].choices = [
            (key, measure.title) for key, measure in live.every_measure().items()
        ]


class InitiativeForm(forms.Form):
    name = forms.CharField(
        label=_("Initiative"),
        max_length=200,
        help_text=_("Something the county sets out to do, such as “Coaching in every office”."),
    )
    why = forms.CharField(
        label=_("Why the county takes it on"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class InitiativeActivityForm(forms.Form):
    name = forms.CharField(label=_("Activity"), max_length=200)
    outputs = forms.CharField(
        label=_("Outputs"),
        help_text=_("What the activity produces, counted: “four job clubs a month”."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    outcomes = forms.MultipleChoiceField(
        label=_("Outcome measures"),
        help_text=_("The measures this activity should move."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the measures this activity should move.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].choices = [
            (key, measure.title) for key, measure in live.every_measure().items()
        ]


class ObservationForm(forms.Form):
    """A review on a rubric: who observed and when, a level and a note for every item."""

    observer_name = forms.CharField(label=_("Who observed"), max_length=200)
    observer_role = forms.ChoiceField(
        label=_("Their role"),
        choices=PracticeReview.Observer.choices,
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
        error_messages={"required": _("Choose the observer's role.")},
    )
    observed_on = fields.DateField(label=_("Date observed"))
    summary = forms.CharField(
        label=_("What stood out"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Strengths first, then what to work on together."),
    )

    def __init__(self, *args: Any, rubric: Rubric, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        choices = [(level.value, str(level.label)) for level in rubric.scale]
        for item in rubric.items.values():
            self.fields[item.key] = forms.ChoiceField(
                label=str(item.title),
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
                error_messages={"required": _("Pick the level that fits best.")},
            )
            self.fields[f"note_{item.key}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def areas(self) -> list[tuple[Any, list[tuple[Item, forms.BoundField, forms.BoundField]]]]:
        """The fields grouped as the rubric groups its items, for the page."""
        return [
            (area, [(i, self[i.key], self[f"note_{i.key}"]) for i in area.items])
            for area in self.rubric.areas
        ]

    def scale(self) -> list[Level]:
        return self.rubric.scale

    def details(self) -> ObservationDetails:
        data = self.cleaned_data
        return ObservationDetails(
            observer_name=data["observer_name"],
            observer_role=data["observer_role"],
            observed_on=data["observed_on"],
            ratings={key: data[key] for key in self.rubric.items},
            notes={key: data[f"note_{key}"] for key in self.rubric.items},
            summary=data["summary"],
        )

    @staticmethod
    def initial_of(review: PracticeReview) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "observer_name": review.observer_name,
            "observer_role": review.observer_role,
            "observed_on": review.observed_on,
            "summary": review.summary,
            "version": review.version,
        }
        initial.update(review.ratings)
        initial.update({f"note_{key}": note for key, note in review.notes.items()})
        return initial


class ObservationEditForm(VersionedForm, ObservationForm):
    pass
