"""The caseload import pages: upload, map the columns, the dry run and the import, the reviews."""

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stride.core import access, spreadsheets
from stride.core.audit import Actor
from stride.core.guards import require
from stride.core.models import Organisation
from stride.core.submissions import save_once
from stride.workers import leases

from . import importing, matching
from .import_forms import ColumnMappingForm, ExtractUploadForm
from .models import CaseloadExtract, ImportProgress, MatchReview, Member, Participant


def _county(request: HttpRequest) -> Organisation:
    county = access.caseload_import_counties(request.user).first()
    if county is None:
        raise Http404
    return county


def _extract(request: HttpRequest, uuid: UUID) -> CaseloadExtract:
    try:
        return CaseloadExtract.objects.select_related("source__county", "source__program").get(
            uuid=uuid, source__county__in=access.caseload_import_counties(request.user)
        )
    except CaseloadExtract.DoesNotExist:
        raise Http404 from None


def _next_page(extract: CaseloadExtract) -> str:
    table = matching.table_of(extract)
    if matching.saved_mapping(extract.source, table.header) is None:
        return reverse("people:import_columns", kwargs={"uuid": extract.uuid})
    return reverse("people:import_result", kwargs={"uuid": extract.uuid})


@require(access.can_import_caseloads)
@require_http_methods(["GET", "POST"])
def caseload_import(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    form = ExtractUploadForm(request.POST or None, request.FILES or None, county=county)
    if request.method == "POST":

        def receive() -> CaseloadExtract:
            data = form.cleaned_data
            return matching.receive(
                Actor.from_request(request),
                county,
                data["source"],
                data["new_source"],
                data["program"],
                data["file"].name,
                data["encoding"],
                form.data_bytes,
            )

        saved = save_once(request, form, receive, _next_page, _("The file is uploaded."))
        if saved:
            return saved
    recent = CaseloadExtract.objects.filter(source__county=county).select_related("source")[:10]
    return render(
        request,
        "people/import/upload.html",
        {"form": form, "county": county, "recent": recent},
    )


@require(access.can_import_caseloads)
@require_http_methods(["GET", "POST"])
def import_columns(request: HttpRequest, uuid: UUID) -> HttpResponse:
    extract = _extract(request, uuid)
    table = matching.table_of(extract)
    if table.problems or extract.applied_at is not None:
        return redirect("people:import_result", uuid=extract.uuid)
    source = extract.source
    initial = matching.saved_mapping(source, table.header) or matching.suggested_mapping(
        table.header
    )
    form = ColumnMappingForm(request.POST or None, header=table.header, initial=initial)
    if request.method == "POST" and form.is_valid():
        matching.save_mapping(source, table.header, form.cleaned_data, Actor.from_request(request))
        messages.success(request, _("The columns are saved for this source's next files."))
        return redirect("people:import_result", uuid=extract.uuid)
    return render(
        request,
        "people/import/columns.html",
        {"form": form, "extract": extract, "header": table.header},
    )


# How long the page asks again while the import runs: then it stops asking, so a
# forgotten tab can end idle, and offers a link to look again.
POLL_FOR = timedelta(minutes=10)


@require(access.can_import_caseloads)
@require_http_methods(["GET", "POST"])
def import_result(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The dry run and the choice (the good rows, or all); then the import's progress, as a
    task runs it (polled), and what it did."""
    extract = _extract(request, uuid)
    if request.method == "POST":  # queued once; a second press is answered like the first
        good_only = request.POST.get("rows") == "good"
        answer = save_once(
            request,
            None,
            lambda: importing.queue_import(extract, Actor.from_request(request), good_only),
            lambda queued: reverse("people:import_result", kwargs={"uuid": extract.uuid}),
            _("The import has started: this page shows how far it has got."),
        )
        assert answer is not None
        return answer
    if extract.status == CaseloadExtract.Status.IMPORTING:
        leases.sweep()  # a task whose worker died is run again, or the extract says it failed
        extract.refresh_from_db(fields=["status", "error", "applied_at", "report"])
    working = extract.status == CaseloadExtract.Status.IMPORTING
    if request.headers.get("HX-Request") and not working:
        response = HttpResponse()
        response["HX-Refresh"] = "true"  # done: the whole page shows what the import did
        return response
    if working:
        context = {
            "extract": extract,
            "working": True,
            "progress": ImportProgress.objects.filter(extract=extract).first(),
            "keep_polling": extract.queued_at is not None
            and timezone.now() - extract.queued_at < POLL_FOR,
        }
        if request.headers.get("HX-Request"):
            return render(request, "people/import/_progress.html", context)
        return render(request, "people/import/result.html", context)
    if extract.applied_at is not None:
        return render(request, "people/import/result.html", {"extract": extract})
    table = matching.table_of(extract)
    if not table.problems and matching.saved_mapping(extract.source, table.header) is None:
        return redirect("people:import_columns", uuid=extract.uuid)
    found = matching.plan(extract, request.user)
    failed = extract.status == CaseloadExtract.Status.FAILED
    return render(
        request,
        "people/import/result.html",
        {
            "extract": extract,
            "plan": found,
            "summary": found.summary(),
            "refused": extract.error if not failed else "",
            "failed": importing.failure_message() if failed else "",
        },
    )


@require(access.can_import_caseloads)
def import_problems(request: HttpRequest, uuid: UUID) -> spreadsheets.SpreadsheetResponse:
    extract = _extract(request, uuid)
    found = matching.plan(extract, request.user)
    return spreadsheets.download(
        matching.problem_lines(found), f"rows-to-fix-{extract.uploaded_at.date()}.csv"
    )


def _open_reviews(request: HttpRequest):  # type: ignore[no-untyped-def]
    return access.visible_to(
        MatchReview.objects.filter(status=MatchReview.Status.OPEN), request.user
    ).select_related("participant__member", "participant__household", "extract__source")


@require(access.can_settle_matches)
def match_reviews(request: HttpRequest) -> HttpResponse:
    return render(request, "people/import/reviews.html", {"reviews": list(_open_reviews(request))})


@require(access.can_settle_matches)
@require_http_methods(["GET", "POST"])
def match_review(request: HttpRequest, uuid: UUID) -> HttpResponse:
    review = access.get_visible_or_404(
        MatchReview.objects.select_related(
            "participant__member", "participant__household", "extract__source"
        ),
        request.user,
        uuid=uuid,
    )
    error = ""
    if request.method == "POST" and review.status == MatchReview.Status.OPEN:
        same = request.POST.get("decision") == "same"
        try:
            person: Participant = matching.settle(Actor.from_request(request), review, same)
        except ValidationError as refused:
            error = refused.messages[0]
        else:
            if same:
                messages.success(
                    request, _("Settled: the row is this person, and their record is updated.")
                )
            else:
                messages.success(
                    request,
                    _("Settled: different people. The row's case is opened for %(name)s.")
                    % {"name": person.member.first_name},
                )
            return redirect("people:match_reviews")
    return render(
        request,
        "people/import/review.html",
        {
            "review": review,
            "row": review.values,
            "members": [
                member | {"relationship_label": Member.Relationship(member["relationship"]).label}
                for member in review.values.get("members", [])
            ],
            "error": error,
        },
    )
