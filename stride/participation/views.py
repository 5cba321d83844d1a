from collections.abc import Callable
from datetime import date
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from stride.core import access
from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import refuse_unless, require
from stride.core.models import Organisation
from stride.core.submissions import save_once
from stride.people.cases import open_case, shown_again, viewed
from stride.people.models import Participant

from . import acf199, actions, imports, ledger
from .clocks import clock_rules
from .countable import add_months
from .explain import REQUIREMENT_NAMES
from .forms import (
    ActivityForm,
    AidMonthForm,
    EndPlanForm,
    HoursForm,
    ImportForm,
    PlanForm,
    RemoveForm,
    ReportForm,
    VerifyForm,
)
from .models import Activity, ActivityPlan, AidMonth, HoursEntry, WorkActivity
from .presenting import chosen_month, month_context
from .rules import participation_rules


@require(access.can_see_caseloads, to_change=access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def participation(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A participant's hours for a month: what counts toward the rate and why, and the plans."""
    person = open_case(request, uuid)
    month = chosen_month(request.GET.get("month"))
    can_edit = access.can_edit_cases(request.user)
    activities = Activity.objects.filter(county_id=person.county_id, active=True)
    hours_form = HoursForm(activities=activities, prefix="hours")
    plan_form = PlanForm(activities=activities, prefix="plan")
    if request.method == "POST":
        actor = Actor.from_request(request)
        if "hours-day" in request.POST:
            hours_form = HoursForm(request.POST, activities=activities, prefix="hours")

            def add_hours() -> object:
                data = hours_form.cleaned_data
                hours = actions.Hours(
                    data["activity"], data["day"], data["hours"], data["kind"], data["note"]
                )
                return actions.add_hours(actor, person, hours)

            saved = save_once(
                request,
                hours_form,
                add_hours,
                lambda _entry: _month_url(person, hours_form.cleaned_data["day"]),
                _("Hours saved and counted."),
            )
            if saved:
                return saved
        else:
            plan_form = PlanForm(request.POST, activities=activities, prefix="plan")

            def add_plan() -> object:
                data = plan_form.cleaned_data
                plan = actions.Plan(
                    data["activity"],
                    data["starts_on"],
                    data["hours_per_week"],
                    tuple(data["weekdays"]),
                    data["ends_on"],
                )
                return actions.add_plan(actor, person, plan)

            saved = save_once(
                request,
                plan_form,
                add_plan,
                lambda _plan: _month_url(person, month),
                _("Schedule saved."),
            )
            if saved:
                return saved
        shown_again(request, person)
    context = month_context(person, month)
    context.update(
        {
            "can_edit": can_edit,
            "hours_form": hours_form if can_edit else None,
            "plan_form": plan_form if can_edit else None,
            "plans": list(person.activity_plans.select_related("activity")[:10]),
            "clocks": ledger.readings(person, timezone.localdate()),
            "verify_choices": VerifyForm.base_fields["verification"].choices,  # type: ignore[attr-defined]
        }
    )
    return render(request, "participation/participant.html", context)


def _to_month(person: Participant, day: date) -> HttpResponse:
    return redirect(_month_url(person, day))


def _month_url(person: Participant, day: date) -> str:
    url = reverse("participation:participant", args=[person.uuid])
    return f"{url}?month={day:%Y-%m}"


def _entry(request: HttpRequest, uuid: UUID) -> HoursEntry:
    return access.get_visible_or_404(
        HoursEntry.objects.select_related("participant"), request.user, uuid=uuid
    )


def _run_and_say(
    request: HttpRequest, form: forms.Form, action: Callable[[], object], done: str
) -> None:
    """For the one-button forms: run the action, then say how it went at the top of the page."""
    if form.is_valid() and run_action(form, action):
        messages.success(request, done)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require(access.can_edit_cases, methods=["POST"])
def verify(request: HttpRequest, uuid: UUID) -> HttpResponse:
    entry = _entry(request, uuid)
    form = VerifyForm(request.POST)

    def check() -> None:
        data = form.cleaned_data
        actions.verify_hours(
            Actor.from_request(request), entry, data["verification"], data["version"]
        )

    _run_and_say(request, form, check, _("Saved and counted again."))
    return _to_month(entry.participant, entry.day)


@require(access.can_edit_cases, methods=["POST"])
def remove(request: HttpRequest, uuid: UUID) -> HttpResponse:
    entry = _entry(request, uuid)
    form = RemoveForm(request.POST)

    def delete() -> None:
        actions.remove_hours(Actor.from_request(request), entry, form.cleaned_data["version"])

    _run_and_say(request, form, delete, _("Hours removed and the month counted again."))
    return _to_month(entry.participant, entry.day)


@require(access.can_edit_cases, methods=["POST"])
def end_plan(request: HttpRequest, uuid: UUID) -> HttpResponse:
    plan = access.get_visible_or_404(
        ActivityPlan.objects.select_related("participant"), request.user, uuid=uuid
    )
    form = EndPlanForm(request.POST)

    def end() -> None:
        data = form.cleaned_data
        actions.end_plan(
            Actor.from_request(request), plan, data["ends_on"], data["version"], data["outcome"]
        )

    _run_and_say(request, form, end, _("Schedule ended."))
    return _to_month(plan.participant, timezone.localdate())


@require(access.can_see_caseloads)
def time_on_aid(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The time clocks and the months-on-aid ledger they count."""
    person = open_case(request, uuid)
    months = person.aid_months.select_related("program").order_by("-month")
    page = Paginator(months, 24).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/time_on_aid.html",
        {
            "person": person,
            "clocks": ledger.readings(person, timezone.localdate()),
            "page": page,
            "can_edit": access.can_edit_cases(request.user),
        },
    )


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def aid_month(request: HttpRequest, uuid: UUID) -> HttpResponse:
    month = access.get_visible_or_404(
        AidMonth.objects.select_related("participant__member", "program"), request.user, uuid=uuid
    )
    viewed(request, month.participant)
    form = AidMonthForm(
        request.POST or None,
        initial={
            "version": month.version,
            "exemption": month.exemption,
            "work_status": month.work_status,
            "federally_funded_child_care": month.federally_funded_child_care,
            "tanf_grant": month.tanf_grant,
            "snap_allotment": month.snap_allotment,
            "state_minimum_wage": month.state_minimum_wage,
            "note": month.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = actions.MonthOnAid(
            data["exemption"],
            data["work_status"],
            data["federally_funded_child_care"],
            data["note"],
            data["tanf_grant"],
            data["snap_allotment"],
            data["state_minimum_wage"],
        )
        done = run_action(
            form,
            lambda: actions.change_aid_month(
                Actor.from_request(request), month, details, data["version"]
            ),
        )
        if done:
            messages.success(
                request, _("Saved. The clocks and the month's hours are counted again.")
            )
            return redirect("participation:time_on_aid", uuid=month.participant.uuid)
    shown_again(request, month.participant)
    return render(
        request,
        "participation/aid_month.html",
        {"aid_month": month, "person": month.participant, "form": form},
    )


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def import_hours(request: HttpRequest) -> HttpResponse:
    """Hours from a spreadsheet: every row is checked; "Import" saves them all or none."""
    form = ImportForm(request.POST or None, request.FILES or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        checked = imports.check(request.user, form.cleaned_data["file"].read())
        if "import" in request.POST and not checked.problems:
            imported = save_once(
                request,
                form,
                lambda: imports.apply(Actor.from_request(request), checked),
                lambda _count: reverse("participation:import"),
                lambda count: (
                    ngettext(
                        "%(count)s row of hours imported and counted.",
                        "%(count)s rows of hours imported and counted.",
                        count,
                    )
                    % {"count": count}
                ),
            )
            if imported:
                return imported
    return render(request, "participation/import.html", {"form": form, "checked": checked})


@require(access.can_see_caseloads)
def rules(request: HttpRequest) -> HttpResponse:
    """The rules Stride counts with, each with its citation, and the clocks in and out of force."""
    today = timezone.localdate()
    return render(
        request,
        "participation/rules.html",
        {
            "rules": participation_rules(),
            "requirement_names": REQUIREMENT_NAMES,
            "activities": [
                (activity.label, activity.value in participation_rules().core_activities)
                for activity in WorkActivity
                if activity != WorkActivity.OTHER
            ],
            "clocks": [(rule, rule.in_force_on(today)) for rule in reversed(clock_rules())],
        },
    )


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    counties = access.directory_counties(request.user)
    refuse_unless(counties.exists())
    activities = Activity.objects.filter(county__in=counties).select_related("county")
    return render(
        request,
        "participation/activities.html",
        {
            "activities": activities.order_by("county__name", "-active", "name"),
            "can_edit": access.directory_editable_counties(request.user).count() == 1,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, uuid: UUID | None = None) -> HttpResponse:
    """A county administrator keeps their county's catalogue of activities."""
    counties = access.directory_editable_counties(request.user)
    refuse_unless(counties.count() == 1)
    activity = get_object_or_404(Activity, uuid=uuid, county__in=counties) if uuid else None
    initial = {"active": True}
    if activity is not None:
        initial = {
            "version": activity.version,
            "name": activity.name,
            "federal_activity": activity.federal_activity,
            "description": activity.description,
            "active": activity.active,
        }
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = actions.ActivityDetails(
            data["name"], data["federal_activity"], data["description"], data["active"]
        )
        actor = Actor.from_request(request)
        county = counties.first() if activity is None else activity.county

        def save() -> None:
            if activity is None:
                actions.add_activity(actor, county, details)
            else:
                actions.change_activity(actor, activity, details, data["version"] or 0)

        if county is not None:
            saved = save_once(
                request,
                form,
                save,
                lambda _none: reverse("participation:activities"),
                _("Activity saved."),
            )
            if saved:
                return saved
    return render(request, "participation/activity_form.html", {"form": form, "activity": activity})


def _last_closed_month(counties: QuerySet[Organisation]) -> dict[str, str]:
    """The report opens on the last month that has ended (counted by `count_participation`),
    for the person's one county or every county."""
    month = add_months(timezone.localdate().replace(day=1), -1)
    county = counties.first() if counties.count() == 1 else None
    return {"month": f"{month:%Y-%m}", "county": str(county.pk) if county else ""}


@require(access.can_read_audit)
def report(request: HttpRequest) -> HttpResponse:
    """The month's work participation for a county or the whole state, and its report items."""
    counties = access.directory_counties(request.user)
    refuse_unless(counties.exists())
    form = ReportForm(request.GET or _last_closed_month(counties), counties=counties)
    summary = None
    if form.is_valid():
        county = form.cleaned_data["county"]
        month = form.cleaned_data["month"]
        participants = access.visible_to(Participant.objects.all(), request.user)
        if county is not None:
            participants = participants.filter(county=county)
        if request.GET.get("format") == "csv":
            name = county.name if county else _("every county")
            return acf199.download(Actor.from_request(request), participants, name, month)
        summary = acf199.summary(participants, month)
    return render(request, "participation/report.html", {"form": form, "summary": summary})
