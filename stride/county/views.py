from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stride.core.audit import Actor

from .forms import CheckInForm
from .settings import county_of_administrator, set_check_in_interval


@login_required
@require_http_methods(["GET", "POST"])
def tool_settings(request: HttpRequest) -> HttpResponse:
    county = county_of_administrator(request.user)
    if county is None:
        raise PermissionDenied
    form = CheckInForm(request.POST or None, initial={"contact_gap_days": county.contact_gap_days})
    if request.method == "POST" and form.is_valid():
        set_check_in_interval(
            Actor.from_request(request), county, form.cleaned_data["contact_gap_days"]
        )
        messages.success(request, _("Saved."))
        return redirect("county:settings")
    return render(request, "county/settings.html", {"form": form, "county": county})
