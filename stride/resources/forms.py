from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stride.coaching.models import Step
from stride.core import fields
from stride.core.audit import Actor
from stride.core.models import Organisation
from stride.core.vocabulary import Circumstance, ServiceArea

from .actions import Opening, ServiceDetails, add_place
from .hsds import language_name
from .matching import Filters, zip_point
from .models import Category, Provider, Referral, Schedule, Service

# Languages a county's services are most often offered in, first; any ISO 639-1 code Django
# knows can be typed in the HSDS file.
COMMON_LANGUAGES = ["en", "es", "zh-hans", "vi", "tl", "ko", "hy", "ru", "fa", "ar", "pa", "hmn"]


LANGUAGE_CHOICES = [(code.split("-")[0], language_name(code)) for code in COMMON_LANGUAGES]
MILES = [(5, _("5 miles")), (10, _("10 miles")), (25, _("25 miles")), (50, _("50 miles"))]


class FilterForm(forms.Form):
    """Narrow a list of services: words, area, language, hours, distance."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    area = forms.ChoiceField(
        label=_("Service area"),
        required=False,
        choices=[("", _("All areas")), *ServiceArea.choices],
    )
    language = forms.ChoiceField(
        label=_("Offered in"), required=False, choices=[("", _("Any language")), *LANGUAGE_CHOICES]
    )
    evenings = forms.BooleanField(label=_("Open evenings"), required=False)
    weekends = forms.BooleanField(label=_("Open weekends"), required=False)
    near = forms.RegexField(
        label=_("Near ZIP code"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("Enter a 5-digit ZIP code, like 93721.")},
    )
    within = forms.TypedChoiceField(
        label=_("Within"), required=False, coerce=int, empty_value=None, choices=[("", "—"), *MILES]
    )

    def clean_near(self) -> str:
        near: str = self.cleaned_data["near"]
        if near and zip_point(near) is None:
            raise forms.ValidationError(_("We don't know this ZIP code. Check the digits."))
        return near

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        near = data.get("near", "")
        return Filters(
            text=data.get("q", ""),
            area=data.get("area", ""),
            language=data.get("language", ""),
            evenings=bool(data.get("evenings")),
            weekends=bool(data.get("weekends")),
            near_zip=near,
            within_miles=(data.get("within") or 10) if near else None,
        )


class ReferForm(forms.Form):
    note = forms.CharField(
        label=_("What the family is looking for"),
        help_text=_(
            "The service sees this. Write what the family wants help with, in their words; "
            "leave out anything they would not want shared."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )
    step = forms.ModelChoiceField(
        label=_("Part of a goal step"),
        required=False,
        queryset=Step.objects.none(),
        empty_label=_("Not tied to a step"),
    )

    def __init__(self, *args: Any, steps: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if steps is not None:
            self.fields["step"].queryset = steps
        self.fields["step"].label_from_instance = lambda step: f"{step.goal.words}: {step.what}"


class ProgressForm(forms.Form):
    """The next stage of a referral's loop, and when it happened."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    stage = forms.ChoiceField(label=_("What happened"), widget=forms.RadioSelect)
    on = fields.DateField(label=_("On"), initial=timezone.localdate)
    outcome = forms.ChoiceField(
        label=_("How it ended"),
        required=False,
        choices=[("", "—"), *Referral.Outcome.choices],
        help_text=_("Only when the referral is closed."),
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order = list(Referral.Stage)
        after = order[order.index(Referral.Stage(referral.stage)) + 1 :]
        self.fields["stage"].choices = [(stage.value, stage.label) for stage in after]
        self.fields["version"].initial = referral.version


WEEKDAY_FIELDS = [(day, f"day_{day}") for day in Schedule.Weekday.values]


class ServiceForm(forms.Form):
    """A service in the county's directory, with its rules and hours."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    provider = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Provider.objects.none(), required=False
    )
    new_provider = forms.CharField(
        label=_("Or a new organisation"),
        required=False,
        max_length=200,
        help_text=_("Its name, if it is not in the list yet."),
    )
    new_provider_contracted = forms.BooleanField(
        label=_("The county contracts with this new organisation"), required=False
    )
    name = forms.CharField(label=_("Service name"), max_length=200)
    category = forms.ChoiceField(label=_("Kind of service"), choices=Category.choices)
    description = forms.CharField(
        label=_("What it offers"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=Service.Status.choices)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[\d\s().+-]{7,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number, like (559) 555-0123.")},
    )
    email = forms.EmailField(label=_("Email"), required=False)
    url = forms.URLField(label=_("Web page"), required=False, assume_scheme="https")
    application_process = forms.CharField(
        label=_("How to apply"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    fees_description = forms.CharField(label=_("Fees"), required=False, max_length=300)
    eligibility_description = forms.CharField(
        label=_("Who can use it"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    fits = forms.MultipleChoiceField(
        label=_("Meant for families with"),
        help_text=_("Leave all unticked for a service open to any family."),
        choices=Circumstance.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    months_on_aid_min = forms.IntegerField(
        label=_("From month on aid"), min_value=1, max_value=120, required=False
    )
    months_on_aid_max = forms.IntegerField(
        label=_("Up to month on aid"), min_value=1, max_value=120, required=False
    )
    place_address = forms.CharField(
        label=_("Add a place: street address"), max_length=200, required=False
    )
    place_city = forms.CharField(label=_("City"), max_length=100, required=False)
    place_zip = forms.RegexField(
        label=_("ZIP code"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("Enter a 5-digit ZIP code, like 93721.")},
    )
    serves = forms.ModelMultipleChoiceField(
        label=_("Counties served"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Offered in"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["en"],
    )

    def __init__(self, *args: Any, providers: Any, counties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["serves"].queryset = counties
        for day, name in WEEKDAY_FIELDS:
            label = Schedule.Weekday(day).label
            self.fields[f"{name}_opens"] = forms.TimeField(
                label=_("%(day)s opens") % {"day": label},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )
            self.fields[f"{name}_closes"] = forms.TimeField(
                label=_("%(day)s closes") % {"day": label},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )

    def hours_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (Schedule.Weekday(day).label, self[f"{name}_opens"], self[f"{name}_closes"])
            for day, name in WEEKDAY_FIELDS
        ]

    def main_fields(self) -> list[forms.BoundField]:
        return [field for field in self if not field.name.startswith("day_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("place_address") and not data.get("place_zip"):
            self.add_error("place_zip", _("Give the place's ZIP code, so it shows on the map."))
        if not data.get("provider") and not data.get("new_provider"):
            self.add_error("provider", _("Pick the organisation, or type the name of a new one."))
        for _day, name in WEEKDAY_FIELDS:
            opens, closes = data.get(f"{name}_opens"), data.get(f"{name}_closes")
            if (opens is None) != (closes is None):
                self.add_error(f"{name}_closes", _("Give both times, or neither for a closed day."))
            elif opens is not None and closes is not None and closes <= opens:
                self.add_error(f"{name}_closes", _("Closing comes after opening."))
        return data

    def add_place_to(self, actor: Actor, service: Service) -> None:
        data = self.cleaned_data
        if data.get("place_zip"):
            add_place(actor, service, data["place_address"], data["place_city"], data["place_zip"])

    def details(self) -> ServiceDetails:
        data = self.cleaned_data
        openings = tuple(
            Opening(day, data[f"{name}_opens"], data[f"{name}_closes"])
            for day, name in WEEKDAY_FIELDS
            if data.get(f"{name}_opens") is not None and data.get(f"{name}_closes") is not None
        )
        return ServiceDetails(
            name=data["name"],
            category=data["category"],
            description=data["description"],
            url=data["url"],
            email=data["email"],
            phone=data["phone"],
            status=data["status"],
            application_process=data["application_process"],
            fees_description=data["fees_description"],
            eligibility_description=data["eligibility_description"],
            fits=tuple(data["fits"]),
            months_on_aid_min=data["months_on_aid_min"],
            months_on_aid_max=data["months_on_aid_max"],
            languages=tuple(data["languages"]),
            openings=openings,
        )

    @classmethod
    def initial_for(cls, service: Service) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(service, name)
            for name in (
                "name", "category", "description", "status", "phone", "email", "url",
                "application_process", "fees_description", "eligibility_description",
                "months_on_aid_min", "months_on_aid_max", "version",
            )
        }  # fmt: skip
        initial["provider"] = service.provider_id
        initial["serves"] = [county.pk for county in service.serves.all()]
        initial["fits"] = service.fits
        initial["languages"] = [row.code for row in service.languages.all()]
        for row in service.schedules.all():
            initial[f"day_{row.weekday}_opens"] = row.opens_at
            initial[f"day_{row.weekday}_closes"] = row.closes_at
        return initial


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS file"),
        help_text=_(
            "A zip of HSDS CSV files with its datapackage.json, or one datapackage.json with "
            "the rows inside. Nothing changes until you have seen the check and press Import."
        ),
    )
