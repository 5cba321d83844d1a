import json
from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from stride.assessments import actions as assessment_actions
from stride.coaching.models import Step
from stride.core import access, spreadsheets
from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import refuse_unless, require
from stride.core.models import Organisation
from stride.core.submissions import save_once
from stride.core.vocabulary import Circumstance
from stride.people.cases import open_case, shown_again, viewed
from stride.workers import leases

from . import actions, chosen, directory, gaps, hsds, uploads
from .circumstances import family_of
from .forms import FilterForm, ProgressForm, ReferForm, ServiceForm, UploadForm
from .matching import for_family, narrowed, nearest_miles, with_details, zip_point
from .models import DirectoryImport, PartnerLink, Provider, Referral, Service

PARTNER_LINK_KEY = "resources.partner_link"


def _referral(request: HttpRequest, uuid: UUID) -> Referral:
    return access.get_visible_or_404(
        Referral.objects.select_related(
            "participant__member", "participant__coach", "service__provider", "step__goal"
        ),
        request.user,
        uuid=uuid,
    )


def _service(request: HttpRequest, uuid: UUID) -> Service:
    return get_object_or_404(with_details(directory.services_visible_to(request.user)), uuid=uuid)


def _kept_service(request: HttpRequest, uuid: UUID) -> Service:
    return get_object_or_404(with_details(directory.services_kept_by(request.user)), uuid=uuid)


# The directory


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    """The county's map: every service, searchable and filtered."""
    counties = access.directory_counties(request.user)
    refuse_unless(counties.exists())
    form = FilterForm(request.GET or None)
    filters = form.filters()
    services = narrowed(directory.services_visible_to(request.user), filters)
    can_keep = access.directory_editable_counties(request.user).exists()
    if not can_keep:
        services = services.filter(status=Service.Status.ACTIVE)
    page = Paginator(with_details(services).order_by("name", "pk"), 25).get_page(
        request.GET.get("page")
    )
    centre = zip_point(filters.near_zip) if filters.near_zip else None
    rows = [(service, nearest_miles(service, centre)) for service in page]
    return render(
        request,
        "resources/services.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "can_keep": can_keep,
            "can_see_gaps": access.can_read_audit(request.user),
            "stale_count": directory.stale(directory.services_kept_by(request.user)).count()
            if can_keep
            else 0,
        },
    )


@login_required
def service_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    service = _service(request, uuid)
    counts = directory.referral_counts(Service.objects.filter(pk=service.pk)).get()
    can_keep = directory.services_kept_by(request.user).filter(pk=service.pk).exists()
    return render(
        request,
        "resources/service.html",
        {
            "service": service,
            "counts": counts,
            "can_keep": can_keep,
            "stale": service.last_verified_on is None
            or service.last_verified_on < directory.stale_before(),
            "served": service.serves.order_by("name"),
            "fits": [Circumstance(code).label for code in service.fits],
            "languages": [hsds.language_name(row.code) for row in service.languages.all()],
        },
    )


def _provider(form: ServiceForm, county: Organisation, actor: Actor) -> Provider:
    chosen = form.cleaned_data.get("provider")
    if chosen is not None:
        return chosen
    return actions.add_provider(
        actor,
        county,
        form.cleaned_data["new_provider"],
        contracted=form.cleaned_data["new_provider_contracted"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request: HttpRequest) -> HttpResponse:
    counties = access.directory_editable_counties(request.user)
    county = counties.first()
    refuse_unless(county is not None and counties.count() == 1)
    assert county is not None
    form = ServiceForm(
        request.POST or None,
        providers=directory.providers_of(county),
        counties=directory.neighbouring_counties(county),
        initial={"serves": [county.pk], "languages": ["en"]},
    )
    if request.method == "POST":
        actor = Actor.from_request(request)

        def add() -> Service:
            made = actions.add_service(
                actor,
                _provider(form, county, actor),
                form.details(),
                serves=list(form.cleaned_data["serves"]),
            )
            form.add_place_to(actor, made)
            return made

        saved = save_once(
            request,
            form,
            add,
            lambda made: reverse("resources:service", kwargs={"uuid": made.uuid}),
            _("The service is in the county's map."),
        )
        if saved:
            return saved
    return render(request, "resources/service_form.html", {"form": form, "service": None})


@require(access.can_keep_directories)
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    service = _kept_service(request, uuid)
    providers = directory.providers_of(service.county)
    form = ServiceForm(
        request.POST or None,
        providers=providers,
        counties=directory.neighbouring_counties(service.county),
        initial=ServiceForm.initial_for(service),
    )
    if request.method == "POST" and form.is_valid():
        actor = Actor.from_request(request)

        def change() -> None:
            with transaction.atomic():
                provider = _provider(form, service.county, actor)
                changed = actions.change_service(
                    actor,
                    service,
                    form.details(),
                    form.cleaned_data["version"] or 0,
                    provider,
                    serves=list(form.cleaned_data["serves"]),
                )
                form.add_place_to(actor, changed)

        if run_action(form, change):
            messages.success(request, _("Saved, and marked as checked today."))
            return redirect("resources:service", uuid=service.uuid)
    return render(request, "resources/service_form.html", {"form": form, "service": service})


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """Entries not checked for a year: confirm each, fix it, or pause it."""
    kept = directory.services_kept_by(request.user)
    refuse_unless(access.directory_editable_counties(request.user).exists())
    if request.method == "POST":
        try:
            chosen, version = UUID(request.POST.get("service", "")), int(request.POST["version"])
        except (KeyError, ValueError):
            raise Http404 from None
        service = get_object_or_404(kept, uuid=chosen)
        actor = Actor.from_request(request)
        try:
            if request.POST.get("decision") == "pause":
                actions.pause_service(actor, service, version, Service.Status.INACTIVE)
                messages.success(request, _("%(name)s is paused.") % {"name": service.name})
            else:
                actions.confirm_still_right(actor, service, version)
                messages.success(request, _("%(name)s is checked.") % {"name": service.name})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("resources:review")
    stale = directory.stale(kept).select_related("provider")
    page = Paginator(stale, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "resources/review.html",
        {"page": page, "stale_before": directory.stale_before()},
    )


# A family's services and referrals


@require(access.can_see_caseloads)
def family_services(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Services for this family: suggested per service area, with the reasons."""
    person = open_case(request, uuid)
    form = FilterForm(request.GET or None)
    filters = form.filters()
    family = family_of(person, with_private=access.can_read_private_answers(request.user, person))
    groups = for_family(family, filters, per_area=25 if filters.area else 6)
    referrals = list(
        access.visible_to(
            Referral.objects.filter(participant=person).select_related("service__provider"),
            request.user,
        )
    )
    open_referrals = {r.service_id: r for r in referrals if not r.is_closed}
    for group in groups:
        for suggestion in group.suggestions:
            suggestion.open_referral = open_referrals.get(suggestion.service.pk)
    actor = Actor.from_request(request)
    for response in family.private_sources:  # shown below, in neutral words
        assessment_actions.record_private_view(actor, response)
    return render(
        request,
        "resources/family.html",
        {
            "person": person,
            "family": family,
            "circumstances": [
                (Circumstance(code).label, sources)
                for code, sources in family.circumstances.items()
            ],
            "form": form,
            "groups": groups,
            "referrals": referrals,
            "can_edit": access.can_edit_cases(request.user),
        },
    )


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, uuid: UUID, service_uuid: UUID) -> HttpResponse:
    person = open_case(request, uuid)
    service = get_object_or_404(
        with_details(Service.objects.filter(serves=person.county_id)), uuid=service_uuid
    )
    steps = access.visible_to(
        Step.objects.filter(goal__participant=person, status=Step.Status.PLANNED).select_related(
            "goal"
        ),
        request.user,
    )
    form = ReferForm(request.POST or None, steps=steps, initial={"step": request.GET.get("step")})
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: actions.refer(
                Actor.from_request(request),
                person,
                service,
                note=form.cleaned_data["note"],
                step=form.cleaned_data["step"],
            ),
            lambda made: reverse("resources:referral", kwargs={"uuid": made.uuid}),
            _("Referral to %(service)s sent. Follow it on this page.") % {"service": service.name},
        )
        if saved:
            return saved
    return render(
        request, "resources/refer.html", {"person": person, "service": service, "form": form}
    )


@require(access.can_see_caseloads)
@require_http_methods(["GET", "POST"])
def referral_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    referral = _referral(request, uuid)
    viewed(request, referral.participant)
    can_edit = access.can_edit_cases(request.user)
    form = None
    if can_edit and not referral.is_closed:
        form = ProgressForm(request.POST or None, referral=referral)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data

            def move() -> None:
                actions.record_progress(
                    Actor.from_request(request),
                    referral,
                    data["stage"],
                    data["on"],
                    data["version"],
                    outcome=data["outcome"],
                )

            if run_action(form, move):
                messages.success(request, _("Saved."))
                return redirect("resources:referral", uuid=referral.uuid)
    elif request.method == "POST":
        raise PermissionDenied
    shown_again(request, referral.participant)
    made_for, link = request.session.pop(PARTNER_LINK_KEY, [None, None])
    return render(
        request,
        "resources/referral.html",
        {
            "referral": referral,
            "person": referral.participant,
            "form": form,
            "can_edit": can_edit,
            "partner_link": link if made_for == str(referral.uuid) else None,
            "link_days": actions.PARTNER_LINK_DAYS,
        },
    )


@require(access.can_edit_cases, methods=["POST"])
def partner_link(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A new one-time link for the service's staff, shown once."""
    referral = _referral(request, uuid)
    try:
        token = actions.make_partner_link(Actor.from_request(request), referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("resources:referral", uuid=referral.uuid)
    # Shown once on the page the coach is sent back to, so reloading it makes no new link.
    request.session[PARTNER_LINK_KEY] = [
        str(referral.uuid),
        request.build_absolute_uri(reverse("resources:partner", kwargs={"token": token})),
    ]
    return redirect("resources:referral", uuid=referral.uuid)


@never_cache
@require_http_methods(["GET", "POST"])
def partner_update(request: HttpRequest, token: str) -> HttpResponse:
    """The service's staff report progress through a one-time link, without an account."""
    link: PartnerLink | None = actions.partner_link_for(token)
    if link is None:
        return render(request, "resources/partner_expired.html", status=410)
    referral = link.referral
    actor = Actor(None, Actor.from_request(request).ip_address, "partner")
    form = ProgressForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        updated: list[Referral] = []

        def report() -> None:
            updated.append(
                actions.report_by_partner(
                    actor, link, data["stage"], data["on"], data["version"], data["outcome"]
                )
            )

        if run_action(form, report):
            return render(request, "resources/partner_thanks.html", {"referral": updated[0]})
    if request.method == "GET":
        actions.record_partner_view(actor, link)
    return render(
        request,
        "resources/partner.html",
        {"referral": referral, "form": form, "coach": referral.participant.coach},
    )


@never_cache
@require(access.can_see_caseloads)
def family_printout(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The family's chosen services on paper, in their language: an export of the record."""
    person = open_case(request, uuid, recorded_elsewhere=True)  # services_pdf: an export
    return chosen.services_pdf(request, person)


# The county's view: gaps, import and export


@require(access.can_read_audit)
def gap_view(request: HttpRequest) -> HttpResponse:
    counties = access.directory_counties(request.user)
    county = _chosen_county(request, counties)
    report = gaps.for_county(request.user, county)
    if request.GET.get("format") == "csv":
        return gaps.as_csv(report, Actor.from_request(request))
    return render(
        request,
        "resources/gaps.html",
        {"report": report, "county": county, "counties": counties},
    )


def _chosen_county(request: HttpRequest, counties: QuerySet[Organisation]) -> Organisation:
    """The county asked for in ?county=, else the first the person may see; 403 if none."""
    refuse_unless(counties.exists())
    chosen = request.GET.get("county")
    if not chosen:
        return counties[0]
    try:
        return counties.get(uuid=UUID(chosen))
    except (ValueError, Organisation.DoesNotExist):
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def import_directory(request: HttpRequest) -> HttpResponse:
    """Upload an HSDS file: a task checks it, and nothing changes until Import."""
    counties = access.directory_editable_counties(request.user)
    refuse_unless(counties.count() == 1)
    county = counties.get()
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":

        def keep() -> DirectoryImport:
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                if len(data) <= uploads.READ_NOW_UP_TO:  # a big file is read by the task
                    hsds.read_package(data, upload.name)
            except ValueError as error:
                raise ValidationError({"file": str(error)}) from None
            made = DirectoryImport.objects.create(
                county=county, uploaded_by=request.user, filename=upload.name[:200], data=data
            )
            uploads.queue_check(made)
            return made

        saved = save_once(
            request,
            form,
            keep,
            lambda made: reverse("resources:import_result", kwargs={"uuid": made.uuid}),
            None,
        )
        if saved:
            return saved
    recent = DirectoryImport.objects.filter(county=county).defer("data", "report")[:10]
    return render(
        request, "resources/import.html", {"form": form, "county": county, "recent": recent}
    )


def _upload(request: HttpRequest, uuid: UUID) -> DirectoryImport:
    """An upload into a county whose map the person keeps: 403 for others, 404 outside it."""
    counties = access.directory_editable_counties(request.user)
    refuse_unless(counties.exists())
    return get_object_or_404(
        DirectoryImport.objects.filter(county__in=counties).defer("data"), uuid=uuid
    )


# How long the result page asks again while a check or an import runs: then it stops
# asking, so a forgotten tab can end idle, and offers a link to look again.
POLL_FOR = timedelta(minutes=10)
WORKING = (DirectoryImport.Status.CHECKING, DirectoryImport.Status.IMPORTING)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def import_result(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The check of an upload (polled while it runs), and the choice: the good rows, or all."""
    upload = _upload(request, uuid)
    if request.method == "POST" and upload.status == DirectoryImport.Status.CHECKED:
        skip_bad = request.POST.get("rows") == "good"
        pause_gone = request.POST.get("pause_gone") == "on"  # the box, ticked
        if not skip_bad and upload.problem_count:
            upload.report["refused"] = True  # shown, not kept: the file still has problems
        else:
            try:
                queued = save_once(
                    request,
                    None,
                    lambda: uploads.queue_import(
                        upload, Actor.from_request(request), skip_bad, pause_gone
                    ),
                    lambda _queued: reverse(
                        "resources:import_result", kwargs={"uuid": upload.uuid}
                    ),
                    None,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("resources:import_result", uuid=upload.uuid)
            assert queued is not None
            return queued
    if upload.status in WORKING:
        leases.sweep()  # a task whose worker died is run again, or the upload says it failed
        if upload.queued_at is None:
            uploads.queue_check_if_never_queued(upload)
        upload.refresh_from_db(fields=["status", "report", "error", "applied_at", "counts"])
    working = upload.status in WORKING
    context = {
        "upload": upload,
        "report": upload.report,
        "working": working,
        "keep_polling": working
        and upload.queued_at is not None
        and timezone.now() - upload.queued_at < POLL_FOR,
        "counts": sorted(upload.counts.items()),
    }
    if request.headers.get("HX-Request") and not working:
        response = HttpResponse()
        response["HX-Refresh"] = "true"  # done: the whole page shows what the task found
        return response
    if request.headers.get("HX-Request"):
        return render(request, "resources/_import_progress.html", context)
    return render(request, "resources/import_result.html", context)


@login_required
def import_problems(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Every row an import of the good rows would skip, and why, as a spreadsheet."""
    upload = _upload(request, uuid)
    header = [_("File"), _("Row"), _("Column"), _("What to fix")]
    rows = upload.report.get("skipped", [])
    stem = slugify(upload.filename.rsplit(".", 1)[0]) or "import"
    return spreadsheets.download([header, *rows], f"{stem}-problems.csv")


@login_required
def export_directory(request: HttpRequest) -> HttpResponse:
    counties = access.directory_counties(request.user)
    county = _chosen_county(request, counties)
    actions.record_directory_export(Actor.from_request(request), county)
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(hsds.export_json(county), indent=1), content_type="application/json"
        )
        name = "datapackage.json"
    else:
        response = HttpResponse(hsds.export_zip(county), content_type="application/zip")
        name = f"{county.name.lower().replace(' ', '-')}-hsds.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
