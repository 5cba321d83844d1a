from django import forms
from django.utils.translation import gettext_lazy as _


class CheckInForm(forms.Form):
    contact_gap_days = forms.IntegerField(
        label=_("Days without contact before a check-in is due"),
        min_value=1,
        max_value=180,
        help_text=_(
            "A participant shows on their coach's Today page when this many days pass "
            "without a session."
        ),
    )
