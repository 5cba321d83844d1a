from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from stride.core import fields

from .curves import WhatIf

HOURS = [MinValueValidator(0), MaxValueValidator(80)]
WAGE = [MinValueValidator(0), MaxValueValidator(250)]
MONEY = [MinValueValidator(0), MaxValueValidator(Decimal("999999"))]


def _number(
    label: Any, validators: list, help_text: Any = "", places: int = 2, money: bool = False
) -> forms.DecimalField:
    return fields.DecimalField(
        label=label,
        required=False,
        decimal_places=places,
        validators=validators,
        help_text=help_text,
        money=money,
    )


class WhatIfForm(forms.Form):
    """Try other hours, pay, child care cost or two job offers; nothing is saved to the record."""

    weekly_hours = _number(_("Hours of work a week"), HOURS, places=1)
    hourly_wage = _number(_("Pay an hour ($)"), WAGE, money=True)
    monthly_care_cost = _number(
        _("Child care cost a month, before any help ($)"), MONEY, money=True
    )
    offer_a_hours = _number(_("Offer A: hours a week"), HOURS, places=1)
    offer_a_wage = _number(_("Offer A: pay an hour ($)"), WAGE, money=True)
    offer_b_hours = _number(_("Offer B: hours a week"), HOURS, places=1)
    offer_b_wage = _number(_("Offer B: pay an hour ($)"), WAGE, money=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for offer in ("a", "b"):
            hours, wage = data.get(f"offer_{offer}_hours"), data.get(f"offer_{offer}_wage")
            if (hours is None) != (wage is None):
                missing = f"offer_{offer}_wage" if wage is None else f"offer_{offer}_hours"
                self.add_error(missing, _("An offer needs both its hours and its pay."))
        return data

    def what_if(self) -> WhatIf:
        if not self.is_bound or not self.is_valid():
            return WhatIf()
        data = self.cleaned_data

        def number(name: str) -> float | None:
            value = data.get(name)
            return None if value is None else float(value)

        offers = tuple(
            (float(data[f"offer_{o}_hours"]), float(data[f"offer_{o}_wage"]))
            for o in ("a", "b")
            if data.get(f"offer_{o}_hours") is not None and data.get(f"offer_{o}_wage") is not None
        )
        return WhatIf(
            weekly_hours=number("weekly_hours"),
            hourly_wage=number("hourly_wage"),
            monthly_care_cost=number("monthly_care_cost"),
            offers=offers,
        )


class HouseholdMoneyForm(forms.Form):
    monthly_rent = fields.DecimalField(
        money=True,
        label=_("Rent or mortgage a month ($)"),
        min_value=0,
        max_value=99999,
        decimal_places=2,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AdultMoneyForm(forms.Form):
    yearly_earnings = fields.DecimalField(
        money=True,
        label=_("Pay from work a year, before tax ($)"),
        min_value=0,
        max_value=999999,
        decimal_places=2,
    )
    weekly_hours = fields.DecimalField(
        label=_("Hours of work a week"),
        min_value=0,
        max_value=80,
        decimal_places=1,
        help_text=_("Child care help and some benefits depend on hours worked."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("yearly_earnings") or 0) > 0 and not data.get("weekly_hours"):
            self.add_error("weekly_hours", _("Enter the usual hours a week for this pay."))
        return data


class ChildMoneyForm(forms.Form):
    care_days_per_week = fields.DecimalField(
        label=_("Days a week in child care"), min_value=0, max_value=7, decimal_places=1
    )
    care_hours_per_day = fields.DecimalField(
        label=_("Hours a day in child care"), min_value=0, max_value=24, decimal_places=1
    )
    monthly_care_cost = fields.DecimalField(
        money=True,
        label=_("Child care cost a month, before any help ($)"),
        min_value=0,
        max_value=99999,
        decimal_places=2,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("monthly_care_cost") or 0) > 0:
            for name in ("care_days_per_week", "care_hours_per_day"):
                if not data.get(name):
                    self.add_error(name, _("Enter this for a child in paid care."))
        return data


class ScenarioForm(forms.Form):
    title = forms.CharField(label=_("Name this picture"), max_length=120)
