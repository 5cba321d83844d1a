from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Role, User


class VersionedForm(forms.Form):
    """Carries the version the person saw, so a newer save is not overwritten: the action's
    `edits.lock_for_edit` compares it and raises `StaleEdit`, which `run_action` shows."""

    version = forms.IntegerField(widget=forms.HiddenInput)


def run_action(form: forms.BaseForm, action: Callable[[], object]) -> bool:
    """Run an action for a valid form; put its refusals next to the fields.

    A refusal for a record someone saved meanwhile carries `current_version`:
    the form then holds that version, so saving again is a deliberate choice.
    """
    try:
        action()
    except ValidationError as error:
        put_on_form(form, error)
        return False
    return True


def put_on_form(form: forms.BaseForm, error: ValidationError) -> None:
    """An action's refusal, next to the fields it names (see `run_action`)."""
    current_version = getattr(error, "current_version", None)
    if current_version is not None:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = current_version
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class USWDSFormRenderer(TemplatesSetting):
    """Forms render as USWDS form groups: label, hint, error message, input."""

    form_template_name = "forms/uswds_form.html"
    field_template_name = "forms/uswds_field.html"


class StaffAccountForm(forms.Form):
    username = forms.SlugField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"), help_text=_("The link to choose a password goes to this address.")
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role if r != Role.PARTICIPANT]
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all()
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This user name is taken."))
        return username

    def clean(self) -> dict:
        data = super().clean()
        role, organisation = data.get("role"), data.get("organisation")
        if role and organisation and organisation.kind not in _KINDS_FOR_ROLE[role]:
            kinds = ", ".join(str(Organisation.Kind(kind).label) for kind in _KINDS_FOR_ROLE[role])
            self.add_error(
                "organisation",
                _("A %(role)s belongs to one of: %(kinds)s.")
                % {"role": Role(role).label.lower(), "kinds": kinds.lower()},
            )
        return data


_KINDS_FOR_ROLE = {
    Role.COACH: [Organisation.Kind.TEAM],
    Role.SUPERVISOR: [Organisation.Kind.TEAM],
    Role.COUNTY_ADMIN: [
        Organisation.Kind.COUNTY,
        Organisation.Kind.OFFICE,
        Organisation.Kind.PROVIDER,
    ],
    Role.STATE_ADMIN: [Organisation.Kind.AGENCY],
    Role.SYSADMIN: [Organisation.Kind.AGENCY],
}


class PasswordLinkRequestForm(forms.Form):
    name = forms.CharField(
        label=_("Your user name or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
