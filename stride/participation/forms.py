from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from stride.core import fields
from stride.core.models import Organisation

from .clocks import exemption_codes
from .models import Activity, ActivityPlan, AidMonth, HoursEntry, WorkActivity

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.name} ({obj.get_federal_activity_display()})"


class HoursForm(forms.Form):
    """Hours on one day: what staff enter from a timesheet or a sign-in sheet."""

    activity = ActivityChoiceField(label=_("Activity"), queryset=Activity.objects.none())
    day = fields.DateField(label=_("Day"), initial=timezone.localdate)
    hours = fields.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.25"),
        max_value=Decimal(24),
        decimal_places=2,
        help_text=_("Quarter hours are fine, like 2.25 or 2.5."),
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=HoursEntry.Kind.choices,
        initial=HoursEntry.Kind.PARTICIPATION,
        widget=forms.RadioSelect,
        help_text=_("An excused absence or a holiday counts only for hours on the schedule."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, activities: QuerySet[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]


class MyHoursForm(HoursForm):
    """A participant reporting their own hours, for the coach to check."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        self.fields["activity"].label = _("What you did")
        self.fields["day"].label = _("When")
        self.fields["hours"].label = _("How many hours")
        self.fields["note"].label = _("Anything your coach should know (optional)")


class VerifyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    verification = forms.ChoiceField(
        label=_("Verification"),
        choices=[
            (HoursEntry.Verification.VERIFIED, _("Verified")),
            (HoursEntry.Verification.NOT_VERIFIED, _("Could not be verified")),
        ],
    )


class RemoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanForm(forms.Form):
    """Scheduled hours in an activity, for planning and for excusing absences."""

    activity = ActivityChoiceField(label=_("Activity"), queryset=Activity.objects.none())
    starts_on = fields.DateField(label=_("Starts"), initial=timezone.localdate)
    ends_on = fields.DateField(label=_("Ends (if known)"), required=False)
    hours_per_week = fields.DecimalField(
        label=_("Scheduled hours a week"), min_value=Decimal("0.5"), max_value=80, decimal_places=1
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days"),
        choices=WEEKDAYS,
        coerce=int,
        initial=[0, 1, 2, 3, 4],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, activities: QuerySet[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]


class EndPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ends_on = fields.DateField(label=_("Last day"), initial=timezone.localdate)
    # The page's two buttons send it: completed, or left before the end.
    outcome = forms.ChoiceField(
        label=_("How it ended"),
        choices=[("", _("Not said")), *ActivityPlan.Outcome.choices],
        required=False,
    )


def exemption_choices() -> list[tuple[str, str]]:
    language = (get_language() or "en")[:2]
    return [("", _("It counts"))] + [
        (code, f"{reason.label.get(language, reason.label['en'])} ({reason.cite})")
        for code, reason in exemption_codes().items()
    ]


class AidMonthForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    exemption = forms.ChoiceField(
        label=_("Does this month count on the time clocks?"), required=False
    )
    work_status = forms.ChoiceField(
        label=_("Work requirement"), choices=AidMonth.WorkStatus.choices
    )
    federally_funded_child_care = forms.BooleanField(
        label=_("Child care paid with federal funds (a two-parent family then needs 55 hours)"),
        required=False,
    )
    tanf_grant = fields.DecimalField(
        money=True,
        label=_("The family's TANF grant for the month"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        help_text=_(
            "For work experience or community service limited by the minimum wage. Stride divides "
            "the grant plus the SNAP allotment by the higher of the federal and the state minimum "
            "wage: that is the most hours a month the family can be asked to do. When the family "
            "does them all, the rest of the core hours count as done. In a two-parent family the "
            "limit is the family's, shared by both parents. Leave empty when it does not apply."
        ),
    )
    snap_allotment = fields.DecimalField(
        money=True,
        label=_("The family's SNAP allotment for the month"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
    )
    state_minimum_wage = fields.DecimalField(
        money=True,
        label=_("State minimum wage an hour, if higher than the federal one"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=5,
        decimal_places=2,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("What shows it, e.g. the verification on file."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exemption"].choices = exemption_choices()


class ActivityForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=120)
    federal_activity = forms.ChoiceField(
        label=_("Counts as"),
        choices=WorkActivity.choices,
        help_text=_("The federal work activity (45 CFR 261.30) its hours are reported under."),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class ReportForm(forms.Form):
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Every county"),
    )
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )

    def __init__(self, *args: Any, counties: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]
        if counties.count() == 1:
            self.fields["county"].initial = counties.first()
            self.fields["county"].required = True
            self.fields["county"].empty_label = None

    def clean_month(self) -> date:
        month: date = self.cleaned_data["month"]
        if month > timezone.localdate():
            raise forms.ValidationError(_("Pick this month or one before it."))
        return month.replace(day=1)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One row per person, day and activity. Columns: case_number, first_name (when more "
            "than one adult in the case is coached), day (YYYY-MM-DD), activity (as named in the "
            "county's list), hours, type (participation, excused or holiday; participation when "
            "empty), note."
        ),
    )
