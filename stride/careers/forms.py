from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from stride.core import fields

from . import catalogue
from .actions import PartnerDetails
from .models import Level, LocalPartner


def ladder_choices() -> list[tuple[str, str]]:
    """Every ladder as "industry/ladder", named in the page's language."""
    language = get_language()
    return [
        (
            f"{industry.key}/{ladder.key}",
            f"{industry.name.in_language(language)}: {ladder.name.in_language(language)}",
        )
        for industry, ladder in catalogue.load().pairs()
    ]


class PartnerForm(forms.Form):
    """A training provider or employer for one rung of a ladder, in the county."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    ladder = forms.ChoiceField(label=_("Career ladder"))
    level = forms.ChoiceField(
        label=_("Rung"),
        choices=Level.choices,
        help_text=_("The step of the ladder this partner trains for or hires at."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=LocalPartner.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    offer = forms.CharField(
        label=_("What they offer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("The course, certificate or jobs, in plain words."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[\d\s().+-]{7,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number, like (559) 555-0123.")},
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    starting_wage = fields.DecimalField(
        money=True,
        label=_("Starting wage per hour (optional)"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
    )
    schedule_notes = forms.CharField(
        label=_("Hours and schedule"),
        max_length=300,
        required=False,
        help_text=_("For example: evening classes, day shifts only, child care on site."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ladder"].choices = ladder_choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(partner: LocalPartner) -> dict[str, Any]:
        return {
            "version": partner.version,
            "ladder": f"{partner.industry_key}/{partner.ladder_key}",
            **{
                name: getattr(partner, name)
                for name in (
                    "level", "kind", "name", "offer", "address", "phone", "website",
                    "starting_wage", "schedule_notes",
                )
            },
        }  # fmt: skip

    def details(self) -> PartnerDetails:
        data = self.cleaned_data
        industry_key, ladder_key = data["ladder"].split("/", 1)
        return PartnerDetails(
            industry_key=industry_key,
            ladder_key=ladder_key,
            level=data["level"],
            kind=data["kind"],
            name=data["name"],
            offer=data["offer"],
            address=data["address"],
            phone=data["phone"],
            website=data["website"],
            starting_wage=data["starting_wage"],
            schedule_notes=data["schedule_notes"],
        )


class RemoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class LadderGoalForm(forms.Form):
    """Make a ladder a participant's goal, from the rung they are on or aiming at."""

    level = forms.ChoiceField(
        label=_("Where to start"),
        choices=Level.choices,
        initial=Level.ENTRY,
        widget=forms.RadioSelect,
    )
