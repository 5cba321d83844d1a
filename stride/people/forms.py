import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stride.core import access, fields
from stride.core.forms import VersionedForm
from stride.core.models import Role, User

from .actions import PersonDetails
from .identity import normalise_ssn
from .models import Enrollment, ExitReason, Household, Member, Program

_CASE_NUMBER = re.compile(r"^[A-Za-z0-9-]{4,20}$")


class CoachChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.organisation})"


class PersonFields(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    birth_date = fields.DateField(label=_("Birth date"))
    ssn = forms.CharField(
        label=_("Social Security number"),
        required=False,
        max_length=11,
        help_text=_("9 digits. Leave blank if the person has none or it is not known yet."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise ValidationError(_("The birth date can't be in the future."))
        if birth_date.year < 1900:
            raise ValidationError(_("Check the year: it looks too early."))
        return birth_date

    def clean_ssn(self):
        return normalise_ssn(self.cleaned_data["ssn"])

    def person(self, relationship: str) -> PersonDetails:
        data = self.cleaned_data
        return PersonDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            relationship=relationship,
            ssn=data["ssn"],
        )


class HouseholdFields(forms.Form):
    address_line = forms.CharField(label=_("Street address"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    zip_code = forms.RegexField(
        label=_("ZIP code"),
        regex=r"^\d{5}(-\d{4})?$",
        required=False,
        error_messages={"invalid": _("Enter a 5-digit ZIP code, like 93721.")},
    )
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[\d\s().+-]{7,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number, like (559) 555-0123.")},
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=Household.Language.choices)


class OpenCaseForm(HouseholdFields, PersonFields):
    """A new household with the adult who will be coached."""

    case_number = forms.CharField(
        label=_("State case number"),
        max_length=20,
        help_text=_("Letters, numbers and dashes, as on the eligibility record."),
    )
    county = forms.ModelChoiceField(label=_("County"), queryset=None)
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.all())
    aid_start = fields.DateField(label=_("Aid start date"))
    coach = CoachChoiceField(label=_("Coach"), queryset=None)

    field_order = [
        "case_number", "county", "first_name", "last_name", "birth_date", "ssn",
        "program", "aid_start", "coach", "address_line", "city", "zip_code", "phone", "language",
    ]  # fmt: skip

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = access.counties_for(user)
        self.fields["coach"].queryset = access.assignable_coaches(user)
        if user.role == Role.COACH:
            self.fields["coach"].initial = user.pk
            self.fields["coach"].widget = forms.HiddenInput()
        counties = list(self.fields["county"].queryset[:2])
        if len(counties) == 1:
            self.fields["county"].initial = counties[0].pk

    def clean_case_number(self):
        value = self.cleaned_data["case_number"].strip()
        if not _CASE_NUMBER.match(value):
            raise ValidationError(_("Use 4 to 20 letters, numbers or dashes."))
        return value.upper()


class HouseholdForm(HouseholdFields, VersionedForm):
    pass


class MemberForm(PersonFields):
    relationship = forms.ChoiceField(
        label=_("Relationship to the head of household"), choices=Member.Relationship.choices
    )
    field_order = ["first_name", "last_name", "birth_date", "relationship", "ssn"]


class MemberEditForm(MemberForm, VersionedForm):
    def __init__(self, *args, member: Member, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if member.ssn_last4:
            self.fields["ssn"].help_text = _(
                "On file: ending in %(last4)s. Leave blank to keep it; type a new one to change it."
            ) % {"last4": member.ssn_last4}


class RemoveMemberForm(VersionedForm):
    pass


class ReassignForm(forms.Form):
    coach = CoachChoiceField(label=_("New coach"), queryset=None)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example: balancing caseloads, the participant asked, coach on leave."),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = access.assignable_coaches(user)


class EnrollmentForm(VersionedForm):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.all())
    aid_start = fields.DateField(label=_("Aid start date"))
    status = forms.ChoiceField(label=_("Status"), choices=Enrollment.Status.choices)
    ended_on = fields.DateField(
        label=_("End date"),
        required=False,
        help_text=_("Only for an exited enrollment. Left blank, today's date is used."),
    )


class ExitForm(VersionedForm):
    """The day an enrollment ended and why (people.actions.record_exit checks the rest)."""

    exited_on = fields.DateField(
        label=_("Exit date"), help_text=_("The last day of the enrollment, today or earlier.")
    )
    reason = forms.ChoiceField(
        label=_("Reason for leaving"), choices=ExitReason.choices, widget=forms.RadioSelect
    )
    other_reason = forms.CharField(
        label=_("The other reason"),
        max_length=200,
        required=False,
        help_text=_("Only when the reason is another one: a few words."),
    )
