from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stride.assessments import actions as assessments
from stride.assessments.forms import InstrumentChoiceForm
from stride.assessments.instruments import catalogue
from stride.core.audit import Actor

from .forms import CheckInForm
from .settings import county_of_administrator, set_check_in_interval


@login_required
@require_http_methods(["GET", "POST"])
def tool_settings(request: HttpRequest) -> HttpResponse:
    """The county's check-in interval and the assessments its staff offer (frontline tools)."""
    county = county_of_administrator(request.user)
    if county is None:
        raise PermissionDenied
    posted = request.POST.get("part")
    form = CheckInForm(
        request.POST if posted == "check_in" else None,
        initial={"contact_gap_days": county.contact_gap_days},
    )
    tools = InstrumentChoiceForm(
        request.POST if posted == "instruments" else None,
        instruments=catalogue().all_latest(),
        initial={"in_use": [i.slug for i in assessments.instruments_in_use(county)]},
    )
    if posted == "check_in" and form.is_valid():
        set_check_in_interval(
            Actor.from_request(request), county, form.cleaned_data["contact_gap_days"]
        )
        messages.success(request, _("Saved."))
        return redirect("county:settings")
    if posted == "instruments" and tools.is_valid():
        assessments.choose_instruments(
            Actor.from_request(request), county, set(tools.cleaned_data["in_use"])
        )
        messages.success(request, _("Saved."))
        return redirect("county:settings")
    return render(request, "county/settings.html", {"form": form, "tools": tools, "county": county})
