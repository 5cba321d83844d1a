from django import forms
from django.utils.translation import gettext_lazy as _

from . import kinds
from .actions import MOST_YEARS
from .models import Action


class PolicyForm(forms.Form):
    years = forms.IntegerField(
        label=_("Years kept after the case closed"), min_value=1, max_value=MOST_YEARS
    )
    action = forms.ChoiceField(label=_("Then"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why the county keeps them this long"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A law, a rule or a decision of the county, so the next person knows."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, kind: kinds.Kind, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            (value, label) for value, label in Action.choices if value in kind.actions
        ]


class HoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the records are held"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A court order, a fair hearing, an audit or a records request: name it."),
    )


class LiftForm(forms.Form):
    lifted_reason = forms.CharField(
        label=_("Why the hold is lifted"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApplyForm(forms.Form):
    understood = forms.BooleanField(
        label=_(
            "I understand: the records listed will be de-identified or deleted, and this "
            "cannot be undone."
        )
    )
