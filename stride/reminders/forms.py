from datetime import time
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .models import Channel, Consent, Preference


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


# The times a participant may choose for their reminders: whole hours in the day.
CHOOSABLE_HOURS = range(7, 21)


class PreferenceForm(forms.Form):
    """When reminders come: how long before, and the time of day (the participant's or their
    coach's choice; quiet hours still win)."""

    lead = forms.ChoiceField(
        label=_("When should reminders come?"),
        choices=Preference.Lead.choices,
        widget=forms.RadioSelect,
    )
    at = forms.TypedChoiceField(
        label=_("At what time of day?"),
        coerce=time.fromisoformat,
        help_text=_(
            "For the day before and the same morning. An appointment's reminder always "
            "comes at least two hours before it."
        ),
    )
    check_in_every = forms.TypedChoiceField(
        label=_("How often should a reminder to do a check-in come?"),
        choices=Preference.CheckInEvery.choices,
        coerce=int,
        empty_value=None,  # not sent: kept as it was
        required=False,
        widget=forms.RadioSelect,
        help_text=_("It comes at the time of day above, counted from the last check-in."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        at = self.fields["at"]
        assert isinstance(at, forms.TypedChoiceField)
        at.choices = [
            (time(hour).strftime("%H:%M"), formats.time_format(time(hour), "TIME_FORMAT"))
            for hour in CHOOSABLE_HOURS
        ]

    @classmethod
    def for_preference(cls, preference: Preference, data: Any = None) -> "PreferenceForm":
        return cls(
            data,
            initial={
                "lead": preference.lead,
                "at": preference.at.strftime("%H:%M"),
                "check_in_every": preference.check_in_every,
                "version": preference.version,
            },
        )


class OwnConsentForm(forms.Form):
    """A participant's own yes to reminders, on their own pages."""

    channel = forms.ChoiceField(
        label=_("How would you like reminders?"),
        choices=[(channel.value, channel.label) for channel in (Channel.SMS, Channel.EMAIL)],
        widget=forms.RadioSelect,
    )
    address = forms.CharField(
        label=_("Your phone number or email"),
        max_length=254,
        help_text=_("Where the reminders go."),
    )
    agreed = forms.BooleanField(
        label=_("Yes, I agree to the words above for the way I chose."), required=True
    )
