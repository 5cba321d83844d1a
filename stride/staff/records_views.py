"""A participant's records request from their profile: the whole record as JSON at once, or
as a PDF that a task makes while the page shows how far it has got (stride/casefile)."""

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stride.casefile import compose, copies
from stride.casefile.forms import CopyForm
from stride.casefile.models import RecordsCopy
from stride.coaching import printouts
from stride.core import access
from stride.core.audit import Actor
from stride.core.guards import require
from stride.core.submissions import save_once
from stride.people.cases import open_case
from stride.people.models import Participant


def _page(request: HttpRequest, person: Participant, form: CopyForm | None = None) -> HttpResponse:
    assert request.user.is_authenticated
    copy = copies.latest(person, request.user)
    context = {
        "person": person,
        "copy": copy,
        "keep_polling": copies.keep_polling(copy),
        "poll_url": reverse("staff:records", kwargs={"uuid": person.uuid}),
        "download_url": copy is not None
        and reverse("staff:records_copy_pdf", kwargs={"uuid": copy.uuid}),
        "form": form
        or CopyForm(
            initial={
                "language": printouts.language_for(None, person.household, request.LANGUAGE_CODE)
            }
        ),
    }
    if request.headers.get("HX-Request"):
        return render(request, "casefile/_copy.html", context)
    return render(request, "staff/records.html", context)


@require(access.can_request_records)
def records(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The records request: the JSON copy, the PDF asked for, and the PDF's progress."""
    polled = bool(request.headers.get("HX-Request"))
    # A poll shows no record, only how far the copy has got: the page was recorded.
    return _page(request, open_case(request, uuid, recorded_elsewhere=polled))


@require(access.can_request_records)
def records_json(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The whole record as JSON, made at once: an export."""
    person = open_case(request, uuid, recorded_elsewhere=True)  # recorded as an export
    body = compose.export_json(Actor.from_request(request), person)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="record-{person.uuid}.json"'
    return response


@require(access.can_request_records)
@require_POST
def records_pdf(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Ask for the PDF: queued once, however often the button is pressed."""
    person = open_case(request, uuid)
    form = CopyForm(request.POST)
    saved = save_once(
        request,
        form,
        lambda: copies.request_copy(
            Actor.from_request(request), person, form.cleaned_data["language"]
        ),
        lambda copy: reverse("staff:records", kwargs={"uuid": person.uuid}),
        _("The PDF is being made: this page shows how far it has got."),
    )
    return saved or _page(request, person, form)


@require(access.can_request_records)
def records_copy_pdf(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The reader's own ready PDF: an export each time it is downloaded."""
    assert request.user.is_authenticated
    copy = copies.copy_for(request.user, uuid)
    if copy.status != RecordsCopy.Status.READY:
        raise Http404
    pdf = copies.download(Actor.from_request(request), copy)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="record-{copy.participant.uuid}.pdf"'
    response["Content-Language"] = copy.language
    return response
