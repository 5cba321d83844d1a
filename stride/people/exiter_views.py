"""A county administrator's federal exiters file: ask for a quarter's, wait, download."""

from datetime import timedelta
from uuid import UUID

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from stride.core import access, spreadsheets
from stride.core.audit import Actor
from stride.core.guards import require
from stride.core.submissions import save_once
from stride.workers import leases

from . import exiters
from .models import ExitersFile


class QuarterForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Federal fiscal quarter"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        quarters = exiters.ended_quarters(timezone.localdate())
        self.fields["quarter"].choices = [(q.value, q.label()) for q in quarters]
        self.fields["quarter"].initial = quarters[0].value


def _county(request: HttpRequest):
    county = access.exiters_file_counties(request.user).first()
    if county is None:
        raise Http404  # a county administrator without a county
    return county


@require(access.can_make_exiters_files)
@require_http_methods(["GET", "POST"])
def exiters_start(request: HttpRequest) -> HttpResponse:
    """Pick a quarter; the file is made by a task, and its page opens while it is."""
    county = _county(request)
    form = QuarterForm(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: exiters.request_file(
                Actor.from_request(request),
                county,
                exiters.FiscalQuarter.parse(form.cleaned_data["quarter"]),
            ),
            lambda made: reverse("people:exiters_file", kwargs={"uuid": made.uuid}),
            None,
        )
        if saved:
            return saved
    recent = ExitersFile.objects.filter(county=county).defer("rows", "left_out")[:12]
    return render(
        request, "people/exiters.html", {"form": form, "county": county, "recent": recent}
    )


def _file(request: HttpRequest, uuid: UUID, *, rows: bool = False) -> ExitersFile:
    """A file of the person's own county: 404 for any other. Its rows (the SSNs) are read,
    and so decrypted, only for a download."""
    counties = access.exiters_file_counties(request.user)
    files = ExitersFile.objects.filter(county__in=counties)
    return get_object_or_404(files if rows else files.defer("rows"), uuid=uuid)


# How long the page asks again while the file is made; then it offers a link instead.
POLL_FOR = timedelta(minutes=10)


@require(access.can_make_exiters_files)
def exiters_file(request: HttpRequest, uuid: UUID) -> HttpResponse:
    made_file = _file(request, uuid)
    if made_file.status == ExitersFile.Status.MAKING:
        leases.sweep()  # a task whose worker died is run again, or the file says it failed
        made_file.refresh_from_db(fields=["status", "made_at", "row_count", "left_out", "error"])
    making = made_file.status == ExitersFile.Status.MAKING
    context = {
        "file": made_file,
        "quarter": exiters.FiscalQuarter(made_file.fiscal_year, made_file.fiscal_quarter),
        "making": making,
        "keep_polling": making and timezone.now() - made_file.requested_at < POLL_FOR,
        "left_out": exiters.left_out_for_page(made_file),
    }
    if request.headers.get("HX-Request"):
        if not making:
            response = HttpResponse()
            response["HX-Refresh"] = "true"  # made: the whole page shows it
            return response
        return render(request, "people/_exiters_progress.html", context)
    return render(request, "people/exiters_file.html", context)


@require(access.can_make_exiters_files)
def exiters_download(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The file as the TANF Data Portal takes it: CSV rows of exit month and SSN, no header."""
    made_file = _file(request, uuid, rows=True)
    if made_file.status != ExitersFile.Status.READY:
        raise Http404
    exiters.record_download(Actor.from_request(request), made_file)
    county = slugify(made_file.county.name)
    name = f"fra-te1-{county}-fy{made_file.fiscal_year}-q{made_file.fiscal_quarter}.csv"
    return spreadsheets.download(made_file.rows, name)
