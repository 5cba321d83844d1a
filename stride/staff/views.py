"""The staff's screens that put many apps side by side. Each app supplies its part (a
list, a panel's template tag); these views only choose whose page it is and lay it out."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from stride.coaching import today as coaching_day
from stride.core import access
from stride.core.guards import require
from stride.core.models import Role
from stride.measures import overview
from stride.measures import team as team_measures
from stride.measures.catalogue import BY_KEY
from stride.measures.months import month_of
from stride.people import cases
from stride.people.filters import FamilyFilter

FULL_LIST_PAGE = 50

TODAY_LISTS = {
    "steps": (coaching_day.steps_due, _lazy("Steps due")),
    "check-ins": (coaching_day.check_ins_due, _lazy("Time for a check-in")),
    "changes": (
        coaching_day.change_events,
        _lazy("What participants did since their last contact"),
    ),
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The front door: each person starts where their day starts."""
    user = request.user
    if user.role == Role.PARTICIPANT:
        # The one link between the two shells: a parent's pages are the portal.
        return redirect("portal:home")
    if user.role == Role.COACH:
        return redirect("staff:today")
    if access.can_see_caseloads(user):
        return redirect("people:caseload")
    if user.role == Role.SYSADMIN:
        return redirect("core:accounts")
    raise PermissionDenied


@require(access.can_edit_cases)
def today(request: HttpRequest) -> HttpResponse:
    """A coach's home page: who to see, what is due, who needs a check-in, what changed;
    the hours and cliff panels come from their apps' template tags."""
    return render(
        request,
        "staff/today.html",
        {
            "today": coaching_day.today_for(request.user, timezone.now()),
            "list_length": coaching_day.LIST_LENGTH,
        },
    )


@require(access.can_edit_cases)
def today_list(request: HttpRequest, kind: str) -> HttpResponse:
    """One of Today's lists in full, a page at a time, over the same caseload."""
    if kind not in TODAY_LISTS:
        raise Http404
    rows, title = TODAY_LISTS[kind]
    now = timezone.now()
    caseload = coaching_day.working_caseload(request.user)
    page = Paginator(rows(caseload, now), FULL_LIST_PAGE).get_page(request.GET.get("page"))
    items = coaching_day.who_changed(caseload, list(page)) if kind == "changes" else list(page)
    return render(
        request,
        "staff/today_list.html",
        {
            "kind": kind,
            "title": title,
            "page": page,
            "items": items,
            "day": timezone.localdate(now),
            "for_team": coaching_day.for_team(request.user),
        },
    )


@require(access.can_see_caseloads)
def participant(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A participant's profile: their record, and each app's panel about them."""
    person = cases.open_case(request, uuid)
    return render(
        request,
        "staff/participant.html",
        {
            "person": person,
            "members": person.household.members.select_related("participant").defer("ssn"),
            "enrollments": person.enrollments.select_related("program"),
            "assignments": person.assignments.select_related("coach", "team", "assigned_by"),
            "can_edit": access.can_edit_cases(request.user),
            "can_reassign": access.can_reassign(request.user),
            "can_read_audit": access.can_read_audit(request.user),
            "can_request_records": access.can_request_records(request.user),
        },
    )


@require(access.can_see_team)
def team(request: HttpRequest) -> HttpResponse:
    """A supervisor's team, coach by coach, and its last twelve months."""
    return render(
        request,
        "staff/team.html",
        {"team": team_measures.team_view(request.user, timezone.now())},
    )


@require(access.can_see_team)
def team_list(request: HttpRequest, coach: UUID, kind: str) -> HttpResponse:
    """The names behind one count of one coach on the supervisor's team."""
    found = team_measures.coach_on_team(request.user, coach)
    if found is None or kind not in team_measures.LISTS:
        raise Http404
    listing = team_measures.LISTS[kind]
    rows = team_measures.coach_list(request.user, found, kind, timezone.now())
    page = Paginator(rows, FULL_LIST_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/team_list.html",
        {
            "coach": found,
            "listing": listing,
            "page": page,
            "items": [listing.item(row) for row in page],
        },
    )


def _families(request: HttpRequest) -> FamilyFilter:
    """The families the viewer may read, narrowed by program, language and household shape
    when asked."""
    return FamilyFilter(request.GET or None, queryset=overview.scope(request.user))


@require(access.can_read_audit)
def measures(request: HttpRequest) -> HttpResponse:
    """Every measure over the last twelve months, for the families the viewer may read."""
    month = month_of(timezone.localdate())
    families = _families(request)
    return render(
        request,
        "staff/measures.html",
        {"trends": overview.every_trend(families.qs, month), "families": families},
    )


@require(access.can_read_audit)
def measure(request: HttpRequest, key: str) -> HttpResponse:
    """One measure: its twelve months, and a month by team, office, county or coach."""
    if key not in BY_KEY:
        raise Http404
    chosen = BY_KEY[key]
    this_month = month_of(timezone.localdate())
    month = overview.chosen_month(request.GET.get("month"), this_month)
    by = overview.chosen_grouping(request.GET.get("by"))
    families = _families(request)
    participants = families.qs
    months = overview.months_to(this_month)
    return render(
        request,
        "staff/measure.html",
        {
            "trend": overview.trend(chosen, participants, months),
            "month": month,
            "months": list(reversed(months)),
            "by": by,
            "groupings": overview.grouping_choices(),
            "rows": overview.by_group(chosen, participants, month, by),
            "families": families,
        },
    )
