from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stride.core.forms import VersionedForm

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
