from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CopyForm(forms.Form):
    """The language of a printed copy of a record."""

    language = forms.ChoiceField(
        label=_("Language of the copy"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )
