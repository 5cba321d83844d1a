"""Retention pages: the county's policy, legal holds, runs (dry or not) and their reports."""

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from stride.core import access, spreadsheets
from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import require
from stride.core.models import Organisation, User
from stride.core.submissions import save_once
from stride.people import cases
from stride.people.actions import record_export
from stride.people.models import Household, Participant
from stride.workers import leases

from . import actions, kinds, queueing, sweep
from .forms import ApplyForm, HoldForm, LiftForm, PolicyForm
from .models import Action, Hold, Run

CASES_PAGE = 50
HOLDS_PAGE = 50
# How long a run's page asks again while it runs; then it offers a link instead.
POLL_FOR = timedelta(minutes=30)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _county(request: HttpRequest) -> Organisation:
    county = access.retention_counties(_user(request)).first()
    if county is None:
        raise Http404  # a county administrator without a county
    return county


@require(access.can_keep_retention, methods={"GET", "HEAD"})
def policy(request: HttpRequest) -> HttpResponse:
    """Each kind of record: how long it is kept after the case closed, and then what."""
    county = _county(request)
    return render(
        request,
        "retention/policy.html",
        {"county": county, "policies": actions.effective(county)},
    )


@require(access.can_keep_retention, methods={"GET", "HEAD", "POST"})
def policy_edit(request: HttpRequest, record_type: str) -> HttpResponse:
    county = _county(request)
    kind = kinds.BY_KEY.get(record_type)
    if kind is None:
        raise Http404
    current = next(row for row in actions.effective(county) if row.kind is kind)
    initial = {
        "years": current.years,
        "action": current.action,
        "reason": current.reason,
        "version": current.policy.version if current.policy else None,
    }
    form = PolicyForm(kind, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_action(
            form,
            lambda: actions.set_policy(
                Actor.from_request(request),
                county,
                kind.key,
                data["years"],
                data["action"],
                data["reason"],
                data["version"],
            ),
        ):
            messages.success(request, _("The policy is saved."))
            return redirect("retention:policy")
    return render(
        request,
        "retention/policy_edit.html",
        {"county": county, "kind": kind, "current": current, "form": form},
    )


@require(access.can_keep_holds, methods={"GET", "HEAD"})
def holds(request: HttpRequest) -> HttpResponse:
    """The holds standing on participants the person can read, newest first."""
    standing = access.visible_to(
        Hold.objects.filter(lifted_at__isnull=True).select_related(
            "participant__member", "participant__household", "placed_by"
        ),
        _user(request),
    )
    page = Paginator(standing, HOLDS_PAGE).get_page(request.GET.get("page"))
    return render(request, "retention/holds.html", {"page": page})


@require(access.can_keep_holds, methods={"GET", "HEAD", "POST"})
def hold_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    person = cases.open_case(request, uuid, Participant.objects.select_related("member"))
    form = HoldForm(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: actions.place_hold(
                Actor.from_request(request), person, form.cleaned_data["reason"]
            ),
            lambda made: person.get_absolute_url(),
            _("The hold is placed: nothing of this household will be purged while it stands."),
        )
        if saved:
            return saved
    standing = access.belonging_to(Hold.objects.filter(lifted_at__isnull=True), person)
    return render(
        request,
        "retention/hold_new.html",
        {"person": person, "form": form, "standing": list(standing.select_related("placed_by"))},
    )


@require(access.can_keep_holds, methods={"GET", "HEAD", "POST"})
def hold_lift(request: HttpRequest, uuid: UUID) -> HttpResponse:
    hold = access.get_visible_or_404(
        Hold.objects.select_related("participant__member", "placed_by"),
        _user(request),
        uuid=uuid,
    )
    form = LiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["lifted_reason"]
        if run_action(form, lambda: actions.lift_hold(Actor.from_request(request), hold, reason)):
            messages.success(request, _("The hold is lifted."))
            return redirect(hold.participant)
    return render(request, "retention/hold_lift.html", {"hold": hold, "form": form})


@require(access.can_keep_retention, methods={"GET", "HEAD", "POST"})
def runs(request: HttpRequest) -> HttpResponse:
    """The county's runs, and a dry run asked for: a report of what the policy would do."""
    county = _county(request)
    if request.method == "POST":
        saved = save_once(
            request,
            None,
            lambda: queueing.request_run(Actor.from_request(request), county, dry=True),
            lambda made: reverse("retention:run", kwargs={"uuid": made.uuid}),
            None,
        )
        if saved:
            return saved
    recent = Run.objects.filter(county=county).select_related("requested_by")[:20]
    return render(request, "retention/runs.html", {"county": county, "recent": recent})


def _run(request: HttpRequest, uuid: UUID) -> Run:
    return get_object_or_404(
        Run.objects.filter(county__in=access.retention_counties(_user(request))), uuid=uuid
    )


def _case_rows(request: HttpRequest, cases: list[dict]) -> list[dict]:
    """The page's cases with their case numbers, read through the access module."""
    households = dict(
        access.visible_to(Household.objects.all(), _user(request))
        .filter(uuid__in=sweep.household_ids(cases))
        .values_list("uuid", "case_number")
    )
    labels = {kind.key.value: kind.label for kind in kinds.KINDS}
    actions_named = dict(Action.choices)
    return [
        {
            "case_number": households.get(UUID(case["household"]), "—"),
            "closed_on": case["closed_on"],
            "kinds": [
                (labels[key], str(actions_named[action])) for key, action in case["kinds"].items()
            ],
        }
        for case in cases
    ]


@require(access.can_keep_retention, methods={"GET", "HEAD"})
def run(request: HttpRequest, uuid: UUID) -> HttpResponse:
    found = _run(request, uuid)
    waiting = (Run.Status.QUEUED, Run.Status.RUNNING)
    if found.status in waiting:
        leases.sweep()  # a task whose worker died is run again, or the run says it stopped
        found.refresh_from_db()
    running = found.status in waiting
    page = Paginator(sweep.cases_of(found), CASES_PAGE).get_page(request.GET.get("page"))
    context = {
        "run": found,
        "running": running,
        "keep_polling": running and timezone.now() - found.requested_at < POLL_FOR,
        "purges": list(found.purges.all()),
        "page": page,
        "cases": _case_rows(request, list(page.object_list)),
        "can_apply": found.dry_run
        and found.status == Run.Status.DONE
        and found.as_of == timezone.localdate(),
    }
    if request.headers.get("HX-Request"):
        if not running:
            response = HttpResponse()
            response["HX-Refresh"] = "true"  # finished: the whole page shows it
            return response
        return render(request, "retention/_run_progress.html", context)
    return render(request, "retention/run.html", context)


@require(access.can_keep_retention, methods={"GET", "HEAD"})
def run_csv(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The run's cases as a spreadsheet: each case's number, the day it closed, and what the
    policy does to each kind of its records. A download is an export of each case."""
    found = _run(request, uuid)
    cases = sweep.cases_of(found)
    ids = sweep.household_ids(cases)
    households = access.visible_to(Household.objects.all(), _user(request)).filter(uuid__in=ids)
    numbers = dict(households.values_list("uuid", "case_number"))
    people = access.visible_to(Participant.objects.all(), _user(request)).filter(
        household__uuid__in=ids
    )
    record_export(Actor.from_request(request), people.only("uuid"))
    header = [_("Case number"), _("Closed on")] + [kind.label for kind in kinds.KINDS]
    actions_named = dict(Action.choices)
    rows = [header] + [
        [numbers.get(UUID(case["household"]), ""), case["closed_on"]]
        + [
            str(actions_named[case["kinds"][kind.key.value]])
            if kind.key.value in case["kinds"]
            else ""
            for kind in kinds.KINDS
        ]
        for case in cases
    ]
    name = f"retention-{slugify(found.county.name)}-{found.requested_at:%Y-%m-%d}.csv"
    return spreadsheets.download(rows, name)


@require(access.can_keep_retention, methods={"GET", "HEAD", "POST"})
def apply(request: HttpRequest) -> HttpResponse:
    """The purge, behind a confirmation, after today's dry run of the same county."""
    county = _county(request)
    dry = (
        Run.objects.filter(
            county=county, dry_run=True, status=Run.Status.DONE, as_of=timezone.localdate()
        )
        .prefetch_related("purges")
        .first()
    )
    form = ApplyForm(request.POST or None)
    if request.method == "POST" and dry is not None:
        saved = save_once(
            request,
            form,
            lambda: queueing.request_run(Actor.from_request(request), county, dry=False),
            lambda made: reverse("retention:run", kwargs={"uuid": made.uuid}),
            None,
        )
        if saved:
            return saved
    return render(request, "retention/apply.html", {"county": county, "dry": dry, "form": form})
