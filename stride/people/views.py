from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stride.core import access, spreadsheets
from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import require
from stride.core.models import AuditEvent, Role
from stride.core.submissions import save_once

from . import actions, cases
from .filters import CaseloadFilter
from .forms import (
    EnrollmentForm,
    ExitForm,
    HouseholdForm,
    MemberEditForm,
    MemberForm,
    OpenCaseForm,
    ReassignForm,
    RemoveMemberForm,
)
from .models import Enrollment, Household, Member, Participant

CASELOAD_RELATIONS = ("member", "household", "coach", "current_enrollment__program")
# Only what a caseload row shows (page and CSV): fewer columns to fetch and convert,
# and never the encrypted SSN, whose decryption would cost time on every row.
CASELOAD_FIELDS = (
    "uuid", "assigned_since", "last_contact_at",
    "member__first_name", "member__last_name",
    "household__case_number", "household__member_count",
    "coach__username", "coach__first_name", "coach__last_name",
    "current_enrollment__status", "current_enrollment__aid_start",
    "current_enrollment__ended_on", "current_enrollment__program__name",
)  # fmt: skip


def _caseload(request: HttpRequest) -> CaseloadFilter:
    participants = (
        access.visible_to(Participant.objects.all(), request.user)
        .select_related(*CASELOAD_RELATIONS)
        .only(*CASELOAD_FIELDS)
    )
    return CaseloadFilter(request.GET or None, queryset=participants, user=request.user)


@require(access.can_see_caseloads)
def caseload(request: HttpRequest) -> HttpResponse:
    found = _caseload(request)
    page = Paginator(found.qs, settings.STRIDE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/caseload.html",
        {
            "filter": found,
            "page": page,
            "show_coach": "coach" in found.filters,
            "team": _team_caseloads(request) if request.user.role == Role.SUPERVISOR else None,
            "settles_matches": access.can_settle_matches(request.user),
        },
    )


def _team_caseloads(request: HttpRequest) -> list[dict]:
    """How many participants each coach on the team has: caseload balance at a glance."""
    participants = access.visible_to(Participant.objects.all(), request.user)
    return list(
        participants.values("coach__username", "coach__first_name", "coach__last_name")
        .annotate(participants=Count("pk"))
        .order_by("coach__first_name", "coach__last_name")
    )


@require(access.can_see_caseloads)
def caseload_export(request: HttpRequest) -> spreadsheets.SpreadsheetResponse:
    """The filtered caseload as CSV; each participant in it gets an export event."""
    rows = list(_caseload(request).qs[: settings.STRIDE_EXPORT_LIMIT])
    actions.record_export(Actor.from_request(request), rows)

    def lines():
        yield [
            _("Case number"), _("First name"), _("Last name"), _("Household size"),
            _("Program"), _("Status"), _("Aid start"), _("Months on aid"), _("Coach"),
            _("Assigned since"), _("Last contact"),
        ]  # fmt: skip
        for p in rows:
            enrollment = p.current_enrollment
            yield [
                p.household.case_number, p.member.first_name, p.member.last_name,
                p.household.member_count,
                enrollment.program.name if enrollment else "",
                enrollment.get_status_display() if enrollment else "",
                enrollment.aid_start.isoformat() if enrollment else "",
                enrollment.months_on_aid if enrollment else "",
                p.coach.get_full_name() if p.coach else "",
                p.assigned_since.isoformat() if p.assigned_since else "",
                timezone.localtime(p.last_contact_at).date().isoformat() if p.last_contact_at else "",
            ]  # fmt: skip

    return spreadsheets.download(lines(), f"caseload-{timezone.localdate()}.csv")


@require(access.can_read_audit)
def participant_audit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Who has seen or changed this participant's record."""
    person = cases.open_case(request, uuid)
    events = access.audit_events_visible_to(request.user).filter(participant=person.uuid)
    action = request.GET.get("action", "")
    if action in AuditEvent.Action.values:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/participant_audit.html",
        {"person": person, "page": page, "action": action, "actions": AuditEvent.Action.choices},
    )


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def household_new(request: HttpRequest) -> HttpResponse:
    form = OpenCaseForm(request.POST or None, user=request.user)
    if request.method == "POST":

        def open_case() -> Participant:
            data = form.cleaned_data
            return actions.open_case(
                Actor.from_request(request),
                case_number=data["case_number"],
                county=data["county"],
                person=form.person(Member.Relationship.HEAD),
                program=data["program"],
                aid_start=data["aid_start"],
                coach=data["coach"],
                address_line=data["address_line"],
                city=data["city"],
                zip_code=data["zip_code"],
                phone=data["phone"],
                language=data["language"],
            )

        saved = save_once(
            request,
            form,
            open_case,
            lambda opened: opened.get_absolute_url(),
            _("The household is saved. Add the other people in it below."),
        )
        if saved:
            return saved
    return render(request, "people/household_new.html", {"form": form})


def _household_participant(request: HttpRequest, household: Household) -> Participant | None:
    return access.visible_to(household.participants.all(), request.user).first()


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    household = access.get_visible_or_404(Household.objects.all(), request.user, uuid=uuid)
    initial = {name: getattr(household, name) for name in actions.HOUSEHOLD_FIELDS}
    form = HouseholdForm(request.POST or None, initial={**initial, "version": household.version})
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in actions.HOUSEHOLD_FIELDS}
        if run_action(
            form,
            lambda: actions.update_household(
                Actor.from_request(request), household, form.cleaned_data["version"], **values
            ),
        ):
            messages.success(request, _("Household details saved."))
            return _back_to_household(request, household)
    return render(request, "people/household_edit.html", {"form": form, "household": household})


def _back_to_household(request: HttpRequest, household: Household) -> HttpResponse:
    return redirect(_household_url(request, household))


def _household_url(request: HttpRequest, household: Household) -> str:
    person = _household_participant(request, household)
    return person.get_absolute_url()


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def member_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    household = access.get_visible_or_404(Household.objects.all(), request.user, uuid=uuid)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: actions.add_member(
                Actor.from_request(request),
                household,
                form.person(form.cleaned_data["relationship"]),
            ),
            lambda _member: _household_url(request, household),
            lambda member: _("%(name)s is added to the household.") % {"name": member.first_name},
        )
        if saved:
            return saved
    return render(request, "people/member_form.html", {"form": form, "household": household})


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    member = access.get_visible_or_404(
        Member.objects.select_related("household"), request.user, uuid=uuid
    )
    initial = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "birth_date": member.birth_date,
        "relationship": member.relationship,
        "version": member.version,
    }
    form = MemberEditForm(request.POST or None, initial=initial, member=member)
    if request.method == "POST" and form.is_valid():
        person = form.person(form.cleaned_data["relationship"])
        if run_action(
            form,
            lambda: actions.update_member(
                Actor.from_request(request), member, form.cleaned_data["version"], person
            ),
        ):
            messages.success(request, _("Saved."))
            return _back_to_household(request, member.household)
    return render(
        request,
        "people/member_form.html",
        {"form": form, "household": member.household, "member": member},
    )


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, uuid: UUID) -> HttpResponse:
    member = access.get_visible_or_404(
        Member.objects.select_related("household"), request.user, uuid=uuid
    )
    household = member.household
    form = RemoveMemberForm(request.POST or None, initial={"version": member.version})
    if request.method == "POST" and form.is_valid():
        if run_action(
            form,
            lambda: actions.remove_member(
                Actor.from_request(request), member, form.cleaned_data["version"]
            ),
        ):
            messages.success(
                request,
                _("%(name)s is no longer listed in the household.") % {"name": member.first_name},
            )
            return _back_to_household(request, household)
    return render(request, "people/member_remove.html", {"form": form, "member": member})


@require(access.can_reassign)
@require_http_methods(["GET", "POST"])
def reassign(request: HttpRequest, uuid: UUID) -> HttpResponse:
    person = cases.open_case(request, uuid)
    form = ReassignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_action(
            form,
            lambda: actions.reassign(
                Actor.from_request(request), person, data["coach"], data["reason"]
            ),
        ):
            messages.success(
                request,
                _("%(name)s now works with %(coach)s.")
                % {"name": person.member.first_name, "coach": data["coach"].get_full_name()},
            )
            return redirect(person)
    history = person.assignments.select_related("coach")
    return render(
        request, "people/reassign.html", {"form": form, "person": person, "history": history}
    )


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def enrollment_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    enrollment = access.get_visible_or_404(
        Enrollment.objects.select_related("participant__member", "program"), request.user, uuid=uuid
    )
    initial = {
        "program": enrollment.program_id,
        "aid_start": enrollment.aid_start,
        "status": enrollment.status,
        "ended_on": enrollment.ended_on,
        "version": enrollment.version,
    }
    form = EnrollmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {name: data[name] for name in ("program", "aid_start", "status", "ended_on")}
        if run_action(
            form,
            lambda: actions.update_enrollment(
                Actor.from_request(request), enrollment, data["version"], **values
            ),
        ):
            messages.success(request, _("Enrollment saved."))
            return redirect(enrollment.participant)
    return render(request, "people/enrollment_form.html", {"form": form, "enrollment": enrollment})


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def enrollment_exit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Record that an enrollment ended: the day and the reason, from the profile."""
    enrollment = access.get_visible_or_404(
        Enrollment.objects.select_related("participant__member", "program"), request.user, uuid=uuid
    )
    initial = {"exited_on": timezone.localdate(), "version": enrollment.version}
    form = ExitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_action(
            form,
            lambda: actions.record_exit(
                Actor.from_request(request),
                enrollment,
                data["version"],
                exited_on=data["exited_on"],
                reason=data["reason"],
                other_reason=data["other_reason"],
            ),
        ):
            messages.success(request, _("The exit is recorded."))
            return redirect(enrollment.participant)
    return render(request, "people/enrollment_exit.html", {"form": form, "enrollment": enrollment})
