"""A participant's own copy of their record (/me/records/), in the language of their pages:
as JSON at once, or as a PDF a task makes while the page shows how far it has got."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stride.casefile import compose, copies
from stride.casefile.models import RecordsCopy
from stride.core.audit import Actor
from stride.core.submissions import save_once
from stride.people.cases import open_own_case


@login_required
def records(request: HttpRequest) -> HttpResponse:
    """Your records: the JSON copy, the PDF asked for, and how far it has got."""
    polled = bool(request.headers.get("HX-Request"))
    # A poll shows no record, only how far the copy has got: the page was recorded.
    me = open_own_case(request, recorded_elsewhere=polled)
    assert request.user.is_authenticated
    copy = copies.latest(me, request.user)
    context = {
        "person": me,
        "copy": copy,
        "keep_polling": copies.keep_polling(copy),
        "poll_url": reverse("portal:records"),
        "download_url": copy is not None
        and reverse("portal:records_copy_pdf", kwargs={"uuid": copy.uuid}),
    }
    if polled:
        return render(request, "casefile/_copy.html", context)
    return render(request, "portal/records.html", context)


@login_required
def records_json(request: HttpRequest) -> HttpResponse:
    """Your whole record as JSON, with your own private answers: an export."""
    me = open_own_case(request, recorded_elsewhere=True)  # recorded as an export
    body = compose.export_json(Actor.from_request(request), me)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-record.json"'
    return response


@login_required
@require_POST
def records_pdf(request: HttpRequest) -> HttpResponse:
    """Ask for your PDF, in the language of your pages: queued once however often pressed."""
    me = open_own_case(request)
    try:
        saved = save_once(
            request,
            None,
            lambda: copies.request_copy(Actor.from_request(request), me, request.LANGUAGE_CODE),
            lambda copy: reverse("portal:records"),
            _("We are making your PDF: this page shows how far it has got."),
        )
    except ValidationError as refused:
        raise Http404 from refused  # a key signed for someone else
    assert saved is not None
    return saved


@login_required
def records_copy_pdf(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Your ready PDF: an export each time it is downloaded."""
    open_own_case(request, recorded_elsewhere=True)  # 404 for anyone but a participant
    assert request.user.is_authenticated
    copy = copies.copy_for(request.user, uuid)
    if copy.status != RecordsCopy.Status.READY:
        raise Http404
    pdf = copies.download(Actor.from_request(request), copy)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-record.pdf"'
    response["Content-Language"] = copy.language
    return response
