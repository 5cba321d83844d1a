from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stride.core import access
from stride.core.audit import Actor
from stride.core.models import Role
from stride.people import actions
from stride.people.models import Participant


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A participant's own page: their household, program and coach."""
    me = access.get_visible_or_404(
        Participant.objects.select_related(
            "member", "household", "coach", "current_enrollment__program"
        ).filter(user=request.user, user__role=Role.PARTICIPANT),
        request.user,
    )
    actions.record_view(Actor.from_request(request), me)
    return render(
        request,
        "portal/home.html",
        {"me": me, "members": me.household.members.all()},
    )
