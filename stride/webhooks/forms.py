from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stride.core.events import Kind
from stride.core.models import Organisation, Role, User

from . import actions, scope
from .models import EVENT_LABELS


class SubscriptionForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Who receives these, in a few words.")
    )
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Stride posts each event here as JSON, signed with the secret."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(kind.value, EVENT_LABELS[kind]) for kind in Kind],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    county = forms.ModelChoiceField(
        label=_("Scope"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All counties"),
        help_text=_("A subscription hears only of the families of its county."),
    )
    include_names = forms.BooleanField(
        label=_("Include participants' names"),
        required=False,
        help_text=_(
            "Without this, a delivery carries identifiers only. A Social Security number "
            "is never sent."
        ),
    )
    active = forms.BooleanField(label=_("Active (send deliveries)"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_county: Organisation | None = None
        county_field = self.fields["county"]
        assert isinstance(county_field, forms.ModelChoiceField)
        county_field.queryset = scope.counties_for(user)
        if not scope.may_choose_all_counties(user):
            # A county administrator's subscriptions are their county's.
            del self.fields["county"]
            self.fixed_county = scope.counties_for(user).first()
        if user.role != Role.COUNTY_ADMIN:
            del self.fields["include_names"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if problem := actions.address_problem(url):
            raise forms.ValidationError(problem)
        return url

    def chosen_county(self) -> Organisation | None:
        if "county" in self.fields:
            chosen: Organisation | None = self.cleaned_data.get("county")
            return chosen
        return self.fixed_county


class EditSubscriptionForm(SubscriptionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
