from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from stride.core import access
from stride.core.models import Organisation, User

from .integrations import TOKEN_DAYS


class IntegrationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("The system that will use it, in a few words: “State eligibility feed”."),
    )
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose a county"),
        help_text=_("It reads and writes this county's cases, as the county's administrator."),
    )
    contact_email = forms.EmailField(
        label=_("Who looks after it (email)"),
        required=False,
        help_text=_("Whom to ask when the system does something unexpected."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = self.fields["county"]
        assert isinstance(county, forms.ModelChoiceField)
        county.queryset = access.connected_counties(user).order_by("name")
        if county.queryset.count() == 1:
            county.initial = county.queryset.first()

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the account a name."))
        return name


class TokenLifetimeForm(forms.Form):
    days = forms.TypedChoiceField(label=_("Lasts"), coerce=int, initial=90)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        assert isinstance(days, forms.TypedChoiceField)
        days.choices = [
            (count, ngettext("%(count)s day", "%(count)s days", count) % {"count": count})
            for count in TOKEN_DAYS
        ]
