"""The meeting on one page, and the small endpoints its inline forms post to.

Each endpoint calls the same action as the goal's own pages, and answers in
two ways: with the part of the page it changed, for htmx (an `HX-Request`
header), or with a redirect back to the meeting and a message, for a plain
form post. A form that adds a record is saved once (`save_once`).
"""

import functools
from collections.abc import Callable
from dataclasses import fields
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from stride.core import access
from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import require
from stride.core.submissions import save_once
from stride.people import actions as people_actions
from stride.people.cases import open_case, shown_again, viewed
from stride.people.models import Participant

from . import actions, meeting, printouts
from .forms import (
    MarkStepForm,
    ObstacleForm,
    ReviewForm,
    SendSummaryForm,
    SessionForm,
    StepDateForm,
    StepForm,
)
from .models import CoachingSession, Goal, Step

FRAGMENTS = "coaching/meeting/"
SAVED_HEADER = "Stride-Saved"


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _meeting_url(person: Participant, anchor: str = "") -> str:
    url = reverse("coaching:meeting", kwargs={"uuid": person.uuid})
    return f"{url}#{anchor}" if anchor else url


def _goal(request: HttpRequest, uuid: UUID) -> Goal:
    """A participant's goal (a staff member's own goals have no meeting)."""
    return access.get_visible_or_404(
        Goal.objects.filter(participant__isnull=False).select_related("participant__member"),
        request.user,
        uuid=uuid,
    )


def _step(request: HttpRequest, uuid: UUID) -> Step:
    return access.get_visible_or_404(
        Step.objects.filter(goal__participant__isnull=False).select_related(
            "goal__participant__member"
        ),
        request.user,
        uuid=uuid,
    )


def _fresh_step(request: HttpRequest, step: Step) -> Step:
    """The step as it is saved now (the one the page showed may be older)."""
    current = access.get_visible_or_404(Step.objects.all(), request.user, pk=step.pk)
    current.goal = step.goal
    return current


# Stands for a goal's UUID in the ids of the blank "add a step" fields, rendered once.
GOAL_STAND_IN = "goal-uuid-stand-in"


@functools.cache
def _blank_step_fields(language: str | None) -> str:
    """The blank "add a step" fields, rendered once a process for each language.

    Rendering a form's fields is most of a goal's time on the page, and these differ
    from goal to goal only in their ids, so each goal gets a copy with its own UUID.
    """
    step = StepForm(auto_id=f"step-new-{GOAL_STAND_IN}-%s")
    return step["what"].as_field_group() + step["due_on"].as_field_group()


def _with_step_form(goal: Goal) -> Goal:
    """Give `goal` its blank "add a step" fields, with its own ids (no queries).

    The pothole and review forms are folded on the page: each is drawn when opened
    (`obstacle_new`, `review_new` answer a GET), or again with what was typed when refused.
    """
    blank = _blank_step_fields(get_language())
    goal.add_step_fields = mark_safe(blank.replace(GOAL_STAND_IN, str(goal.uuid)))  # type: ignore[attr-defined]  # noqa: S308  (hex and dashes)
    return goal


@require(access.can_see_caseloads)
@require_GET
def meeting_page(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The meeting: what the family brought, every open goal with its plan, the session."""
    # Only what the page shows of the person: PostgreSQL plans open_case's eight tables in
    # about 11 ms and reads them in 0.4 (100,000 households, a loaded machine); three, 0.6.
    person = open_case(request, uuid, Participant.objects.select_related("member", "household"))
    gathered = meeting.gather(person, request.user, timezone.now())
    for goal in gathered.goals:
        _with_step_form(goal)
    return render(
        request,
        FRAGMENTS + "page.html",
        {
            "person": person,
            "meeting": gathered,
            "can_edit": access.can_edit_cases(request.user),
            "session_form": _session_form(gathered.stages_done),
        },
    )


def _session_form(stages: list[str], data: Any = None) -> SessionForm:
    form = SessionForm(data, auto_id="session-%s", initial={"stages": stages})
    return form


def _answer(
    request: HttpRequest,
    saved: HttpResponse | None,
    fragment: str,
    context: Callable[[], dict[str, Any]],
    back: str,
    refused: str | None = None,
) -> HttpResponse:
    """A saved form's answer both ways: the fragment again for htmx (the messages shown in
    it), or the redirect; a refusal is said next to the record, or in a message."""
    if not _htmx(request):
        if saved is not None:
            return saved
        messages.error(request, refused or _("That could not be saved. Check it and try again."))
        return redirect(back)
    response = render(
        request, FRAGMENTS + fragment, context() | {"refused": refused, "fragment": True}
    )
    if saved is not None:
        response[SAVED_HEADER] = "true"  # meeting.js ticks the part of the cycle it was
    return response


def _form_refusal(form: Any) -> str | None:
    errors = [str(error) for error in form.non_field_errors()] + [
        f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
        if name in form.fields
    ]
    return " ".join(errors) or None


def _is_stale(form: Any) -> bool:
    return any(error.code == "stale" for error in form.non_field_errors().as_data())


def _step_context(request: HttpRequest, step: Step) -> Callable[[], dict[str, Any]]:
    return lambda: {
        "step": _fresh_step(request, step),
        "goal": step.goal,
        "person": step.goal.participant,
        "can_edit": True,
    }


@require_POST
@require(access.can_edit_cases)
def step_mark(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Done or not done yet, with a note (`actions.mark_step`)."""
    step = _step(request, uuid)
    person = step.goal.participant
    assert person is not None
    form = MarkStepForm(request.POST)
    back = _meeting_url(person, f"step-{step.uuid}")
    saved = save_once(
        request,
        form,
        lambda: actions.mark_step(
            Actor.from_request(request),
            step,
            form.cleaned_data["version"],
            form.cleaned_data["status"],
            form.cleaned_data["note"],
        ),
        lambda _marked: back,
        _("Step updated."),
    )
    refused = None
    if saved is None:
        refused = (
            meeting.why_stale(step, person, timezone.now())
            if _is_stale(form)
            else _form_refusal(form)
        )
    return _answer(request, saved, "_step.html", _step_context(request, step), back, refused)


@require_POST
@require(access.can_edit_cases)
def step_date(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Move a step's date (`actions.update_step`, the rest of the step as it is)."""
    step = _step(request, uuid)
    person = step.goal.participant
    assert person is not None
    form = StepDateForm(request.POST)
    back = _meeting_url(person, f"step-{step.uuid}")
    moved = form.is_valid() and run_action(
        form,
        lambda: actions.update_step(
            Actor.from_request(request),
            step,
            form.cleaned_data["version"],
            actions.StepDetails(
                **{
                    item.name: getattr(step, item.name)
                    for item in fields(actions.StepDetails)
                    if item.name != "due_on"
                },
                due_on=form.cleaned_data["due_on"],
            ),
        ),
    )
    saved, refused = None, None
    if moved:
        messages.success(request, _("The step's date is changed."))
        saved = redirect(back)
    else:
        refused = (
            meeting.why_stale(step, person, timezone.now())
            if _is_stale(form)
            else _form_refusal(form)
        )
    return _answer(request, saved, "_step.html", _step_context(request, step), back, refused)


def _plan_context(
    request: HttpRequest, goal: Goal, form: StepForm | None = None
) -> Callable[[], dict[str, Any]]:
    def context() -> dict[str, Any]:
        fresh = _with_step_form(meeting.open_goal(goal, request.user))
        if form is not None and form.errors:
            fresh.add_step_fields = form["what"].as_field_group() + form["due_on"].as_field_group()  # type: ignore[attr-defined]
        return {"goal": fresh, "person": goal.participant, "can_edit": True}

    return context


@require_POST
@require(access.can_edit_cases)
def step_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Add a step to a goal's plan (`actions.add_step`), once however often it is sent."""
    goal = _goal(request, uuid)
    person = goal.participant
    assert person is not None
    form = StepForm(request.POST, auto_id=f"step-new-{goal.uuid}-%s")
    back = _meeting_url(person, f"plan-{goal.uuid}")
    saved = save_once(
        request,
        form,
        lambda: actions.add_step(Actor.from_request(request), goal, form.details()),
        lambda _step: back,
        _("Step added to the plan."),
    )
    refused = _form_refusal(form) if saved is None else None
    return _answer(request, saved, "_plan.html", _plan_context(request, goal, form), back, refused)


def _folded_form(
    request: HttpRequest, goal: Goal, fragment: str, context: dict[str, Any]
) -> HttpResponse:
    """A goal's folded form: drawn into the meeting when opened (htmx), or on a page of
    its own without JavaScript (and again there, as typed, when it is refused)."""
    person = goal.participant
    assert person is not None
    context |= {"goal": goal, "person": person, "can_edit": True}
    if _htmx(request) and request.method == "GET":
        return render(request, FRAGMENTS + fragment, context)  # a blank form, no record shown
    viewed(request, person)  # the page shows the goal and the family's name: a view
    shown_again(request, person)  # ... and so does a refused post shown again
    return render(request, FRAGMENTS + "form_page.html", context | {"fragment_name": fragment})


@require(access.can_edit_cases, methods=("GET", "POST"))
def obstacle_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Add a pothole and its detour to a goal (`actions.add_obstacle`), once."""
    goal = _goal(request, uuid)
    person = goal.participant
    assert person is not None
    form = ObstacleForm(request.POST or None, auto_id=f"pothole-{goal.uuid}-%s")
    if request.method == "GET" or (not _htmx(request) and not form.is_valid()):
        return _folded_form(
            request,
            goal,
            "_pothole_form.html",
            {"form": form, "heading": _("Add a pothole and its detour")},
        )
    back = _meeting_url(person, f"potholes-{goal.uuid}")
    saved = save_once(
        request,
        form,
        lambda: actions.add_obstacle(
            Actor.from_request(request),
            goal,
            form.cleaned_data["kind"],
            form.cleaned_data["pothole"],
            form.cleaned_data["detour"],
        ),
        lambda _obstacle: back,
        _("Pothole and detour saved."),
    )
    refused = _form_refusal(form) if saved is None else None

    def context() -> dict[str, Any]:
        fresh = _with_step_form(meeting.open_goal(goal, request.user))
        return {"goal": fresh, "person": person, "can_edit": True, "form": form}

    return _answer(request, saved, "_potholes.html", context, back, refused)


@require(access.can_edit_cases, methods=("GET", "POST"))
def review_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Review a goal in place (`actions.record_review`), once."""
    goal = _goal(request, uuid)
    person = goal.participant
    assert person is not None
    form = ReviewForm(request.POST or None, auto_id=f"review-{goal.uuid}-%s")
    if request.method == "GET" or (not _htmx(request) and not form.is_valid()):
        return _folded_form(
            request, goal, "_review_form.html", {"form": form, "heading": _("Review this goal")}
        )
    back = _meeting_url(person, f"goal-{goal.uuid}")
    saved = save_once(
        request,
        form,
        lambda: actions.record_review(Actor.from_request(request), goal, form.details()),
        lambda _review: back,
        _("Review saved."),
    )
    refused = _form_refusal(form) if saved is None else None

    def context() -> dict[str, Any]:
        fresh = _with_step_form(meeting.open_goal(goal, request.user))
        return {
            "goal": fresh,
            "person": person,
            "can_edit": True,
            "form": form,
            "review": fresh.reviews.first() if saved is not None else None,
        }

    return _answer(request, saved, "_review.html", context, back, refused)


@require_POST
@require(access.can_edit_cases)
def session_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Save the session once, at the end of the meeting (`actions.record_session`)."""
    person = open_case(request, uuid)
    form = _session_form([], request.POST)
    back = _meeting_url(person, "session")
    saved = save_once(
        request,
        form,
        lambda: actions.record_session(Actor.from_request(request), person, form.details()),
        lambda _session: back,
        _("Session recorded. The summary is ready to print."),
    )
    refused = _form_refusal(form) if saved is None else None

    def context() -> dict[str, Any]:
        held = (
            person.coaching_sessions.select_related("coach", "meeting_summary").first()
            if saved
            else None
        )
        return {
            "person": person,
            "can_edit": True,
            "session_form": form,
            "session": held,
            "saved": saved is not None,
        }

    return _answer(request, saved, "_session.html", context, back, refused)


@require_POST
@require(access.can_edit_cases)
def summary_send(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Send a recorded meeting's summary to the participant's own pages
    (`actions.send_summary`), once however often it is pressed."""
    person = open_case(request, uuid)
    form = SendSummaryForm(request.POST)
    back = _meeting_url(person, "takeaway")
    session = None
    if form.is_valid():
        session = access.get_visible_or_404(
            CoachingSession.objects.filter(participant=person).select_related("coach"),
            request.user,
            uuid=form.cleaned_data["session"],
        )
    now = timezone.now()
    saved = save_once(
        request,
        form,
        lambda: actions.send_summary(
            Actor.from_request(request),
            session,  # type: ignore[arg-type]  # set whenever the form is valid
            meeting.shareable(meeting.summary(person, request.user, now, session)),
        ),
        lambda _summary: back,
        _("The summary is on %(name)s's page.") % {"name": person.member.first_name},
    )
    refused = _form_refusal(form) if saved is None else None

    def context() -> dict[str, Any]:
        held = (
            access.visible_to(
                CoachingSession.objects.filter(pk=session.pk).select_related("meeting_summary"),
                request.user,
            ).first()
            if session is not None
            else None
        )
        return {"person": person, "session": held, "can_edit": True}

    return _answer(request, saved, "_takeaway.html", context, back, refused)


@never_cache
@require(access.can_see_caseloads)
@require_GET
def summary(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The meeting's summary to take away, in the household's language: an export."""
    person = open_case(request, uuid, recorded_elsewhere=True)  # recorded as an export below
    language = printouts.language_for(
        request.GET.get("lang"), person.household, request.LANGUAGE_CODE
    )
    pdf = printouts.render_pdf(
        meeting.SUMMARY, meeting.summary(person, request.user, timezone.now()), language
    )
    people_actions.record_export(Actor.from_request(request), [person])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="meeting-{language}.pdf"'
    response["Content-Language"] = language
    return response
