from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stride.core import access
from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import refuse_unless, require
from stride.core.models import Role, User
from stride.core.submissions import save_once
from stride.people.cases import open_case

from . import actions, summary
from .forms import SectionForm, StartForm
from .history import histories
from .instruments import Instrument, Section, catalogue
from .models import Response
from .presenting import SCORING_WORDS, private_rows, result_view
from .scoring import missing, shown_sections


def _response(request: HttpRequest, uuid: UUID) -> Response:
    return access.get_visible_or_404(
        Response.objects.select_related("participant__member", "participant__coach"),
        request.user,
        uuid=uuid,
    )


def _may_fill(user: User, response: Response) -> bool:
    """Who continues an unfinished response.

    A participant, those sent to their own pages; staff who edit cases, the rest, except that
    one asking private questions is the participant's coach's and supervisors' alone.
    """
    if response.is_finished:
        return False
    if user.role == Role.PARTICIPANT:
        return response.where == Response.Where.OWN_PAGES
    if not access.can_edit_cases(user):
        return False
    if response.private_answers or actions.instrument_of(response).has_private_items:
        return access.can_read_private_answers(user, response.participant)
    return True


@require(access.can_see_caseloads, to_change=access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def participant_assessments(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Start an assessment, continue one, and see each instrument's results over time."""
    person = open_case(request, uuid)
    can_edit = access.can_edit_cases(request.user)
    offered = actions.instruments_in_use(person.county)
    form = StartForm(request.POST or None, instruments=offered)
    if request.method == "POST":
        started = save_once(
            request,
            form,
            lambda: actions.start(
                Actor.from_request(request),
                person,
                catalogue().latest(form.cleaned_data["instrument"]),
                form.cleaned_data["where"],
            ),
            lambda response: (
                reverse("assessments:participant", kwargs={"uuid": person.uuid})
                if response.where == Response.Where.OWN_PAGES
                else reverse("assessments:fill", kwargs={"uuid": response.uuid})
            ),
            lambda response: (
                _("Sent. %(name)s will find it on their own pages.")
                % {"name": person.member.first_name}
                if response.where == Response.Where.OWN_PAGES
                else ""
            ),
        )
        if started:
            return started
    responses = list(access.visible_to(Response.objects.filter(participant=person), request.user))
    return render(
        request,
        "assessments/participant.html",
        {
            "person": person,
            "form": form,
            "can_edit": can_edit,
            "unfinished": [
                (r, actions.instrument_of(r).title, _may_fill(request.user, r))
                for r in responses
                if not r.is_finished
            ],
            "results": [result_view(h) for h in histories(responses).values()],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """One section at a time; every button saves, so nothing typed is lost."""
    response = _response(request, uuid)
    if response.is_finished:
        return redirect("assessments:result", uuid=response.uuid)
    refuse_unless(_may_fill(request.user, response))
    instrument = actions.instrument_of(response)
    answers = {**response.answers, **response.private_answers}
    sections = shown_sections(instrument, answers)
    keys = [section.key for section in sections]
    key = (
        request.POST.get("section")
        or request.GET.get("section")
        or _first_to_answer(instrument, sections, answers)
    )
    if key not in keys:
        raise Http404
    position = keys.index(key)
    section = sections[position]
    form = SectionForm(
        request.POST or None,
        instrument=instrument,
        section=section,
        answers=answers,
        initial={"version": response.version},
    )
    if request.method == "POST" and form.is_valid():
        go = request.POST.get("go", "next")
        actor = Actor.from_request(request)
        saved: list[Response] = []

        def save() -> None:
            saved.append(
                actions.save_answers(actor, response, form.answers(), form.cleaned_data["version"])
            )
            # A last answer may open a follow-up: show it rather than finish. The answers
            # stay saved even when finishing finds something still missing.
            if go == "finish" and not _opens_more(instrument, saved[-1], key):
                saved.append(actions.finish(actor, saved[-1], saved[-1].version))

        if run_action(form, save):
            done = saved[-1]
            if done.is_finished:
                messages.success(request, _("Finished. Here is what it shows."))
                return redirect("assessments:result", uuid=done.uuid)
            if go == "later":
                messages.success(request, _("Saved. You can finish it later."))
                return redirect(_home_for(request, done))
            return redirect(_next_section(instrument, done, key, backwards=go == "back"))
        if saved:  # saved, but not finished: the next try starts from the saved version
            response = saved[-1]
            answers = {**response.answers, **response.private_answers}
            form.data = form.data.copy()
            form.data["version"] = response.version
    last = position == len(sections) - 1
    if response.private_answers and request.user.role != Role.PARTICIPANT:
        # The page shows them ticked, and which follow-up they opened.
        actions.record_private_view(Actor.from_request(request), response)
    return render(
        request,
        "assessments/fill.html",
        {
            "response": response,
            "person": response.participant,
            "instrument": instrument,
            "section": section,
            "sections": sections,
            "position": position,
            "last": last,
            "form": form,
            "still_missing": missing(instrument, answers) if last else [],
            "is_participant": request.user.role == Role.PARTICIPANT,
        },
    )


def _opens_more(instrument: Instrument, response: Response, key: str) -> bool:
    """True when the saved answers show a section after `key` (a follow-up just opened)."""
    keys = [
        s.key for s in shown_sections(instrument, {**response.answers, **response.private_answers})
    ]
    return key in keys and keys.index(key) < len(keys) - 1


def _first_to_answer(instrument: Instrument, sections: list[Section], answers: dict) -> str:
    """Where to pick up: the first section with a question still to answer."""
    gaps = {item.key for item in missing(instrument, answers)}
    return next(
        (s.key for s in sections if any(item.key in gaps for item in s.items)), sections[0].key
    )


def _next_section(instrument: Instrument, response: Response, key: str, backwards: bool) -> str:
    keys = [
        s.key for s in shown_sections(instrument, {**response.answers, **response.private_answers})
    ]
    here = keys.index(key) if key in keys else 0
    target = keys[max(here - 1, 0)] if backwards else keys[min(here + 1, len(keys) - 1)]
    return reverse("assessments:fill", args=[response.uuid]) + f"?section={target}"


def _home_for(request: HttpRequest, response: Response) -> str:
    if request.user.role == Role.PARTICIPANT:
        return reverse("portal:assessments")
    return reverse("assessments:participant", args=[response.participant.uuid])


@require(access.can_see_caseloads_or_own)
def result(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A finished result: the picture, its data table, and where to go from here."""
    response = _response(request, uuid)
    if not response.is_finished:
        if _may_fill(request.user, response):
            return redirect("assessments:fill", uuid=response.uuid)
        raise Http404
    actions.record_result_view(Actor.from_request(request), response)
    responses = access.visible_to(
        Response.objects.filter(
            participant=response.participant_id,
            instrument=response.instrument,
            completed_at__lte=response.completed_at,
        ),
        request.user,
    )
    history = histories(responses)[response.instrument]
    return render(
        request,
        "assessments/result.html",
        {
            "response": response,
            "person": response.participant,
            "view": result_view(history),
            "is_participant": request.user.role == Role.PARTICIPANT,
            "can_edit": access.can_edit_cases(request.user),
            "can_read_private": access.can_read_private_answers(request.user, response.participant)
            and any(item.private for item in history.instrument.items.values()),
        },
    )


@login_required
def private_answers(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Private answers, opened on purpose by the participant's coach or a supervisor."""
    response = _response(request, uuid)
    refuse_unless(access.can_read_private_answers(request.user, response.participant))
    if not response.is_finished:
        raise Http404
    actions.record_private_view(Actor.from_request(request), response)
    instrument = actions.instrument_of(response)
    rows, helps = private_rows(instrument, response.private_answers)
    return render(
        request,
        "assessments/private.html",
        {
            "response": response,
            "person": response.participant,
            "instrument": instrument,
            "rows": rows,
            "help_suggested": helps,
        },
    )


@require(access.can_edit_cases, methods=["POST"])
def discard(request: HttpRequest, uuid: UUID) -> HttpResponse:
    response = _response(request, uuid)
    person = response.participant
    if response.is_finished:
        raise PermissionDenied
    # Removing a safety answer is as much the coach's alone as continuing it.
    refuse_unless(_may_fill(request.user, response))
    actions.discard(Actor.from_request(request), response)
    messages.success(request, _("The unfinished assessment was removed."))
    return redirect("assessments:participant", uuid=person.uuid)


@require(access.can_read_audit)
def scope_summary(request: HttpRequest) -> HttpResponse:
    """Distributions and movement for a supervisor's or administrator's whole scope."""
    return render(request, "assessments/summary.html", {"summary": summary.for_user(request.user)})


@require(access.is_staff_member)
def instrument_list(request: HttpRequest) -> HttpResponse:
    instruments = catalogue()
    return render(
        request,
        "assessments/instruments.html",
        {"instruments": [(slug, instruments.versions(slug)) for slug in instruments.slugs]},
    )


@require(access.is_staff_member)
def instrument_detail(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    try:
        instrument = catalogue().get(slug, version)
    except KeyError:
        raise Http404 from None
    return render(
        request,
        "assessments/instrument.html",
        {
            "instrument": instrument,
            "versions": catalogue().versions(slug),
            "scoring": SCORING_WORDS[instrument.scoring.method],
        },
    )
