from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from stride.coaching.models import Step
from stride.core.forms import VersionedForm
from stride.core.vocabulary import LifeArea


class WelcomeForm(SetPasswordForm):
    """The first password, in plain words (Django checks it against the password rules)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label = _("Choose a password")
        first.help_text = _(
            "At least 10 characters. A short sentence you can remember works well, "
            'like "my kids love the park".'
        )
        second.label = _("Type the same password again")
        second.help_text = ""


class CheckOffForm(VersionedForm):
    """Done or not done yet, with a short note. "To do" puts a step back after a slip of the finger."""

    status = forms.ChoiceField(choices=Step.Status.choices)
    note = forms.CharField(max_length=500, required=False)


class ReflectionForm(forms.Form):
    words = forms.CharField(
        label=_("Your thoughts"),
        help_text=_(
            "What went well? What did you learn? What would help? Your coach can read this."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class IdeaForm(forms.Form):
    life_area = forms.ChoiceField(
        label=_("What part of your life is it about?"),
        choices=LifeArea.choices,
        widget=forms.RadioSelect,
    )
    words = forms.CharField(
        label=_("Your goal, in your own words"),
        help_text=_("It does not need to be perfect. You and your coach will shape it together."),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SendLinkForm(forms.Form):
    """How the invitation (or new-password) link gets to the participant: by hand, text or email."""

    send = forms.ChoiceField(
        label=_("Send the link"),
        choices=[
            ("", _("Don't send it: I will pass it on myself")),
            ("sms", _("By text message")),
            ("email", _("By email")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("Phone number for the text"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        send = data.get("send", "")
        if send == "sms" and not str(data.get("phone", "")).strip():
            self.add_error("phone", _("Enter the phone number to send it to."))
        if send == "email" and not str(data.get("email", "")).strip():
            self.add_error("email", _("Enter the email address to send it to."))
        return data

    def address_field(self) -> str:
        return "email" if self.cleaned_data.get("send") == "email" else "phone"

    def address(self) -> str:
        return str(self.cleaned_data.get(self.address_field(), "")).strip()


class ForgotForm(forms.Form):
    """A participant who forgot their password: where Stride has them on record."""

    address = forms.CharField(
        label=_("Your phone number or email"),
        help_text=_("The one your coach has for you, like (559) 555-0123 or name@example.com."),
        max_length=254,
    )
