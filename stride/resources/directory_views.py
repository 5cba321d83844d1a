"""Pages for the staff who keep a county's directory: services an import left to sort."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stride.core import access
from stride.core.audit import Actor
from stride.core.guards import refuse_unless
from stride.core.models import User

from . import actions, directory
from .models import Category


@login_required
@require_http_methods(["GET", "POST"])
def to_sort(request: HttpRequest) -> HttpResponse:
    """Imported services the taxonomy crosswalk could not place: choose each one's kind."""
    user = request.user
    assert isinstance(user, User)  # signed in
    refuse_unless(access.directory_editable_counties(user).exists())
    waiting = directory.services_kept_by(user).filter(category="")
    if request.method == "POST":
        try:
            chosen, version = UUID(request.POST.get("service", "")), int(request.POST["version"])
        except (KeyError, ValueError):
            raise Http404 from None
        service = get_object_or_404(waiting, uuid=chosen)
        category = request.POST.get("category", "")
        try:
            actions.place_service(Actor.from_request(request), service, category, version)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is now under %(kind)s.")
                % {"name": service.name, "kind": Category(category).label},
            )
        return redirect("resources:to_sort")
    page = Paginator(waiting.select_related("provider").order_by("name", "pk"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "resources/to_sort.html", {"page": page, "kinds": Category.choices})
