from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, Consent


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How they want reminders"),
        # Postcards go to the household's address and are chosen on the calendar page.
        choices=[(channel.value, channel.label) for channel in (Channel.SMS, Channel.EMAIL)],
        widget=forms.RadioSelect,
    )
    address = forms.CharField(
        label=_("Phone number or email"),
        max_length=254,
        help_text=_("The number or address the reminders go to."),
    )
    how = forms.ChoiceField(
        label=_("How they agreed"),
        choices=[
            (Consent.How.IN_PERSON, Consent.How.IN_PERSON.label),
            (Consent.How.PHONE, Consent.How.PHONE.label),
        ],
        widget=forms.RadioSelect,
    )
    agreed = forms.BooleanField(
        label=_("I read them the words above for this channel, and they said yes."),
        required=True,
    )


class CountySettingsForm(forms.Form):
    quiet_from = forms.TimeField(
        label=_("No reminders after"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("In each family's own time zone, from their ZIP code."),
    )
    quiet_until = forms.TimeField(
        label=_("No reminders before"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    help_contact = forms.CharField(
        label=_("Who to contact for help"),
        max_length=200,
        required=False,
        help_text=_("Sent to anyone who texts HELP, such as the office's name and phone number."),
    )
