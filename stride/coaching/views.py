from collections.abc import Iterable
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from stride.core import access
from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import refuse_unless, require
from stride.core.submissions import save_once
from stride.core.vocabulary import LifeArea
from stride.people import actions as people_actions
from stride.people.cases import open_case, viewed

from . import actions, printouts
from .cycle import goal_hints
from .forms import (
    AchievementForm,
    CancelAppointmentForm,
    GoalEditForm,
    GoalForm,
    IdeaForm,
    MarkStepForm,
    PotholesForm,
    ProfessionalGoalEditForm,
    ProfessionalGoalForm,
    ReviewForm,
    SessionForm,
    SessionNotesForm,
    StepEditForm,
    StepForm,
)
from .models import Achievement, CoachingSession, Goal, GoalIdea, Review, Step
from .storming import MOST_GOALS_AT_ONCE, PROMPTS

RECENT_SESSIONS = 5
FULL_LIST_PAGE = 50
SESSIONS_PAGE = 20
RECENT_DECISIONS = 20


def _goal(request: HttpRequest, uuid: UUID) -> Goal:
    return access.get_visible_or_404(
        Goal.objects.select_related("participant__member", "staff", "parent"),
        request.user,
        uuid=uuid,
    )


def _goal_url(goal: Goal) -> str:
    return reverse("coaching:goal", kwargs={"uuid": goal.uuid})


def _step(request: HttpRequest, uuid: UUID) -> Step:
    return access.get_visible_or_404(
        Step.objects.select_related("goal__participant__member"), request.user, uuid=uuid
    )


@require(access.can_see_caseloads)
def participant_goals(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The participant's goals, open ones first with their progress, and recent sessions."""
    person = open_case(request, uuid)
    goals = person.goals.select_related("parent").annotate(
        steps_done=Count("steps", filter=Q(steps__status=Step.Status.DONE)),
        steps_total=Count("steps"),
    )
    open_goals = [goal for goal in goals if goal.is_open]
    closed_goals = [goal for goal in goals if not goal.is_open]
    sessions = list(person.coaching_sessions.select_related("coach")[: RECENT_SESSIONS + 1])
    achievements = person.achievements.all()
    return render(
        request,
        "coaching/goals.html",
        {
            "person": person,
            "open_goals": open_goals,
            "closed_goals": closed_goals,
            "sessions": sessions[:RECENT_SESSIONS],
            "editable": _notes_editable(request, sessions),
            "cancellable": _cancellable(request, sessions),
            "achievements": achievements,
            "can_edit": access.can_edit_cases(request.user),
        },
    )


@require(access.can_see_caseloads, to_change=access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def goal_storming(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Ideas by life area, in the participant's words; they pick one to three to work on."""
    person = open_case(request, uuid)
    can_edit = access.can_edit_cases(request.user)
    focus = request.GET.get("area")
    form = IdeaForm(request.POST or None, initial={"life_area": focus} if focus else None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: actions.add_idea(
                Actor.from_request(request),
                person,
                form.cleaned_data["life_area"],
                form.cleaned_data["words"],
            ),
            lambda idea: (
                reverse("coaching:goal_storming", args=[person.uuid]) + f"?area={idea.life_area}"
            ),
            _("Idea added."),
        )
        if saved:
            return saved
    ideas = list(person.goal_ideas.select_related("goal"))
    areas = [
        (value, label, PROMPTS[value], [idea for idea in ideas if idea.life_area == value])
        for value, label in LifeArea.choices
    ]
    if focus in dict(LifeArea.choices):
        areas.sort(key=lambda area: area[0] != focus)
    return render(
        request,
        "coaching/goal_storming.html",
        {
            "person": person,
            "form": form,
            "areas": areas,
            "focus": focus,
            "open_goals": person.goals.filter(status__in=Goal.OPEN_STATUSES).count(),
            "most_goals": MOST_GOALS_AT_ONCE,
            "can_edit": can_edit,
        },
    )


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    person = open_case(request, uuid)
    idea = None
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else {}
    if request.GET.get("idea"):
        # Once posted, the idea may be a goal already: a form sent twice then goes to that
        # goal, and a new form is refused by the action ("already a goal").
        unused = {"goal__isnull": True} if request.method == "GET" else {}
        idea = access.get_visible_or_404(
            GoalIdea.objects.filter(participant=person, **unused),
            request.user,
            uuid=request.GET["idea"],
        )
        initial |= {"words": idea.words, "life_area": idea.life_area}
        if idea.source == GoalIdea.Source.PARTICIPANT:
            initial["proposed_by"] = Goal.ProposedBy.PARTICIPANT
    form = GoalForm(request.POST or None, participant=person, initial=initial)
    if request.method == "POST":

        def save() -> Goal:
            actor = Actor.from_request(request)
            if idea is not None:
                return actions.set_goal_from_idea(actor, idea, form.details())
            return actions.set_goal(actor, person, form.details())

        saved = save_once(
            request, form, save, _goal_url, _("Goal saved. Next: plan the first small step.")
        )
        if saved:
            return saved
    return render(
        request, "coaching/goal_form.html", {"form": form, "person": person, "idea": idea}
    )


@require(access.can_see_caseloads)
def goal(request: HttpRequest, uuid: UUID) -> HttpResponse:
    goal = _goal(request, uuid)
    person = goal.participant
    if person is not None:
        viewed(request, person)
    steps = list(goal.steps.all())
    return render(
        request,
        "coaching/goal.html",
        {
            "goal": goal,
            "person": person,
            "hints": goal_hints(goal, timezone.localdate()) if goal.is_open else [],
            "steps": steps,
            "steps_done": sum(1 for step in steps if step.status == Step.Status.DONE),
            "obstacles": goal.obstacles.select_related("step"),
            "reviews": goal.reviews.select_related("by"),
            "reflections": goal.reflections.all(),
            "status_changes": goal.status_changes.select_related("by"),
            # The road in order: by target date, then as they were set.
            "progress_goals": goal.progress_goals.order_by(
                F("target_date").asc(nulls_last=True), "created_at", "pk"
            ),
            "can_edit": access.can_edit_cases(request.user),
        },
    )


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    goal = _goal(request, uuid)
    form: GoalEditForm | ProfessionalGoalEditForm
    if goal.participant is not None:
        initial = {name: getattr(goal, name) for name in GoalForm.Meta.fields}
        form = GoalEditForm(
            request.POST or None,
            participant=goal.participant,
            goal=goal,
            initial=initial | {"version": goal.version},
        )
    else:
        initial = {name: getattr(goal, name) for name in ProfessionalGoalForm.Meta.fields}
        form = ProfessionalGoalEditForm(
            request.POST or None,
            staff=goal.staff,
            goal=goal,
            initial=initial | {"version": goal.version},
        )
    if request.method == "POST" and form.is_valid():
        if run_action(
            form,
            lambda: actions.update_goal(
                Actor.from_request(request), goal, form.cleaned_data["version"], form.details()
            ),
        ):
            messages.success(request, _("Saved."))
            return redirect("coaching:goal", uuid=goal.uuid)
    return render(
        request, "coaching/goal_form.html", {"form": form, "person": goal.participant, "goal": goal}
    )


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def step_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    goal = _goal(request, uuid)
    form = StepForm(request.POST or None)
    if request.method == "POST":
        # "Save and add another" comes back to a fresh form; a second press of either
        # button goes where the first went.
        after = "coaching:step_new" if "another" in request.POST else "coaching:goal"
        saved = save_once(
            request,
            form,
            lambda: actions.add_step(Actor.from_request(request), goal, form.details()),
            lambda step: reverse(after, kwargs={"uuid": goal.uuid}),
            _("Step added to the plan."),
        )
        if saved:
            return saved
    return render(request, "coaching/step_form.html", {"form": form, "goal": goal})


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    step = _step(request, uuid)
    initial = {name: getattr(step, name) for name in StepForm.Meta.fields} | {
        "version": step.version
    }
    form = StepEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_action(
            form,
            lambda: actions.update_step(
                Actor.from_request(request), step, form.cleaned_data["version"], form.details()
            ),
        ):
            messages.success(request, _("Saved."))
            return redirect("coaching:goal", uuid=step.goal.uuid)
    return render(
        request, "coaching/step_form.html", {"form": form, "goal": step.goal, "step": step}
    )


@require(access.can_edit_cases, methods=["POST"])
def step_mark(request: HttpRequest, uuid: UUID) -> HttpResponse:
    step = _step(request, uuid)
    form = MarkStepForm(request.POST)
    # Keyed like a form that adds something: a second press is told it was saved, not
    # that the step changed meanwhile.
    marked = save_once(
        request,
        form,
        lambda: actions.mark_step(
            Actor.from_request(request),
            step,
            form.cleaned_data["version"],
            form.cleaned_data["status"],
            form.cleaned_data["note"],
        ),
        lambda _step: _goal_url(step.goal),
        _("Step updated."),
    )
    if marked:
        return marked
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("coaching:goal", uuid=step.goal.uuid)


@require(access.can_edit_cases, methods=["POST"])
def step_move(request: HttpRequest, uuid: UUID) -> HttpResponse:
    step = _step(request, uuid)
    offset = -1 if request.POST.get("to") == "up" else 1
    actions.move_step(Actor.from_request(request), step, offset)
    return redirect(reverse("coaching:goal", kwargs={"uuid": step.goal.uuid}) + "#plan-heading")


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def obstacles_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    goal = _goal(request, uuid)
    form = PotholesForm(request.POST or None, goal=goal)
    if request.method == "POST":

        def add_all() -> None:
            for kind, pothole, detour in form.obstacles():
                actions.add_obstacle(
                    Actor.from_request(request), goal, kind, pothole, detour,
                    form.cleaned_data["step"],
                )  # fmt: skip

        saved = save_once(
            request, form, add_all, lambda _none: _goal_url(goal), _("Potholes and detours saved.")
        )
        if saved:
            return saved
    return render(request, "coaching/obstacles_form.html", {"form": form, "goal": goal})


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    goal = _goal(request, uuid)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: actions.record_review(Actor.from_request(request), goal, form.details()),
            lambda _review: _after_review(goal, form.cleaned_data["decision"]),
            _("Review saved."),
        )
        if saved:
            return saved
    return render(request, "coaching/review_form.html", {"form": form, "goal": goal})


def _after_review(goal: Goal, decision: str) -> str:
    if decision == Review.Decision.CHANGE_GOAL:
        return reverse("coaching:goal_edit", kwargs={"uuid": goal.uuid})
    if decision == Review.Decision.NEW_GOAL and goal.participant is None:
        return reverse("coaching:professional_goal_new")
    if decision == Review.Decision.NEW_GOAL:
        return reverse("coaching:goal_new", kwargs={"uuid": goal.participant.uuid})
    return _goal_url(goal)


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    person = open_case(request, uuid)
    form = SessionForm(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: actions.record_session(Actor.from_request(request), person, form.details()),
            lambda _session: reverse("coaching:participant_goals", kwargs={"uuid": person.uuid}),
            _("Session recorded."),
        )
        if saved:
            return saved
    return render(request, "coaching/session_form.html", {"form": form, "person": person})


@require(access.can_see_caseloads)
def sessions(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Every session with the participant, newest first, with the notes."""
    person = open_case(request, uuid)
    held = access.visible_to(
        CoachingSession.objects.filter(participant=person).select_related("coach"), request.user
    )
    page = Paginator(held, SESSIONS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "coaching/sessions.html",
        {
            "person": person,
            "page": page,
            "editable": _notes_editable(request, page.object_list),
            "cancellable": _cancellable(request, page.object_list) if page.number == 1 else None,
            "can_record": access.can_edit_cases(request.user),
        },
    )


def _notes_editable(request: HttpRequest, sessions: Iterable[CoachingSession]) -> set[UUID]:
    return {s.uuid for s in sessions if access.can_edit_session_notes(request.user, s)}


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def session_notes(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The coach who held a session, or a supervisor, corrects or adds to its notes."""
    session = access.get_visible_or_404(
        CoachingSession.objects.select_related("participant__member", "coach"),
        request.user,
        uuid=uuid,
    )
    refuse_unless(access.can_edit_session_notes(request.user, session))
    form = SessionNotesForm(
        request.POST or None, initial={"notes": session.notes, "version": session.version}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            form,
            lambda: actions.edit_session_notes(
                Actor.from_request(request),
                session,
                form.cleaned_data["version"],
                form.cleaned_data["notes"],
            ),
        )
    ):
        messages.success(request, _("Notes saved."))
        url = reverse("coaching:sessions", kwargs={"uuid": session.participant.uuid})
        return redirect(f"{url}#session-{session.uuid}")
    return render(
        request,
        "coaching/session_notes_form.html",
        {"form": form, "session": session, "person": session.participant},
    )


def _cancellable(request: HttpRequest, sessions: Iterable[CoachingSession]) -> UUID | None:
    """The session holding the next appointment, when it is among `sessions` (newest first,
    from the newest on) and this person may call it off."""
    if not access.can_edit_cases(request.user):
        return None
    now = timezone.now()
    for session in sessions:
        if session.next_appointment is not None and session.next_appointment > now:
            return session.uuid
    return None


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def appointment_cancel(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The coach calls off the next appointment; its reminder is not sent."""
    session = access.get_visible_or_404(
        CoachingSession.objects.select_related("participant__member", "coach"),
        request.user,
        uuid=uuid,
    )
    person = session.participant
    form = CancelAppointmentForm(request.POST or None, initial={"version": session.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            form,
            lambda: actions.cancel_appointment(
                Actor.from_request(request), session, form.cleaned_data["version"]
            ),
        )
    ):
        messages.success(request, _("The appointment is called off. No reminder will be sent."))
        return redirect("coaching:participant_goals", uuid=person.uuid)
    return render(
        request,
        "coaching/appointment_cancel.html",
        {
            "form": form,
            "session": session,
            "person": person,
            "ahead": session.next_appointment is not None
            and session.next_appointment > timezone.now(),
        },
    )


@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def achievement_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    person = open_case(request, uuid)
    form = AchievementForm(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: actions.recognise(
                Actor.from_request(request),
                person,
                form.cleaned_data["words"],
                incentive_amount=form.cleaned_data["incentive_amount"],
            ),
            lambda _made: reverse("coaching:participant_goals", kwargs={"uuid": person.uuid}),
            _("Well done! The milestone is recorded."),
        )
        if saved:
            return saved
    return render(request, "coaching/achievement_form.html", {"form": form, "person": person})


@require(access.can_approve_incentives)
def incentives(request: HttpRequest) -> HttpResponse:
    """Incentives waiting for a supervisor's decision, and the latest decided."""
    achievements = access.visible_to(Achievement.objects.all(), request.user).select_related(
        "participant__member", "by", "decided_by"
    )
    return render(
        request,
        "coaching/incentives.html",
        {
            "pending": achievements.filter(incentive=Achievement.Incentive.PENDING).order_by("on"),
            "decided": achievements.filter(
                incentive__in=[Achievement.Incentive.APPROVED, Achievement.Incentive.DECLINED]
            ).order_by("-decided_on", "-pk")[:RECENT_DECISIONS],
        },
    )


@require(access.can_approve_incentives, methods=["POST"])
def incentive_decide(request: HttpRequest, uuid: UUID) -> HttpResponse:
    achievement = access.get_visible_or_404(Achievement.objects.all(), request.user, uuid=uuid)
    try:
        actions.decide_incentive(
            Actor.from_request(request), achievement, request.POST.get("decision") == "approve"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decision saved."))
    return redirect("coaching:incentives")


@require(access.can_set_professional_goals)
def professional_goals(request: HttpRequest) -> HttpResponse:
    """A staff member's own professional goals; a supervisor also sees the team's."""
    goals = (
        access.visible_to(Goal.objects.filter(staff__isnull=False), request.user)
        .select_related("staff")
        .annotate(
            steps_done=Count("steps", filter=Q(steps__status=Step.Status.DONE)),
            steps_total=Count("steps"),
        )
        .order_by("staff__first_name", "staff__last_name", "-created_at")
    )
    mine = [goal for goal in goals if goal.staff_id == request.user.pk]
    return render(
        request,
        "coaching/professional_goals.html",
        {
            "mine": mine,
            "team": [goal for goal in goals if goal.staff_id != request.user.pk],
        },
    )


@require(access.can_set_professional_goals)
@require_http_methods(["GET", "POST"])
def professional_goal_new(request: HttpRequest) -> HttpResponse:
    form = ProfessionalGoalForm(request.POST or None, staff=request.user)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: actions.set_professional_goal(
                Actor.from_request(request), request.user, form.details()
            ),
            _goal_url,
            _("Goal saved. Next: plan the first small step."),
        )
        if saved:
            return saved
    return render(request, "coaching/goal_form.html", {"form": form, "professional": True})


def _pdf(
    printable: printouts.Printable, context: dict[str, object], language: str, filename: str
) -> HttpResponse:
    pdf = printouts.render_pdf(printable, context, language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}-{language}.pdf"'
    response["Content-Language"] = language
    return response


@never_cache
@require(access.can_see_caseloads)
def goal_printout(request: HttpRequest, uuid: UUID, kind: str) -> HttpResponse:
    """The worksheet, potholes or pocket card of one goal, filled in: an export of the record."""
    goal = access.get_visible_or_404(
        # Professional goals are not printed (yet): these forms speak to a participant.
        Goal.objects.filter(participant__isnull=False).select_related(
            "participant__member", "participant__household", "participant__coach"
        ),
        request.user,
        uuid=uuid,
    )
    person = goal.participant
    language = printouts.language_for(
        request.GET.get("lang"), person.household, request.LANGUAGE_CODE
    )
    response = _pdf(printouts.PRINTABLES[kind], printouts.BUILDERS[kind](goal), language, kind)
    people_actions.record_export(Actor.from_request(request), [person])
    return response


@never_cache
@require(access.can_see_caseloads)
def participant_printout(request: HttpRequest, uuid: UUID, kind: str) -> HttpResponse:
    """The roadmap or postcard of a participant, filled in: an export of the record."""
    person = open_case(request, uuid, recorded_elsewhere=True)  # recorded as an export below
    language = printouts.language_for(
        request.GET.get("lang"), person.household, request.LANGUAGE_CODE
    )
    response = _pdf(printouts.PRINTABLES[kind], printouts.BUILDERS[kind](person), language, kind)
    people_actions.record_export(Actor.from_request(request), [person])
    return response


@require(access.can_see_caseloads)
def blank_printout(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty form to fill in by hand: no case data."""
    if kind not in printouts.PRINTABLES:
        raise Http404
    language = printouts.language_for(request.GET.get("lang"), None, request.LANGUAGE_CODE)
    return _pdf(printouts.PRINTABLES[kind], printouts.blank(kind), language, f"{kind}-blank")


@never_cache
@require(access.can_see_caseloads)
def certificate(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A certificate for an achievement, to print and sign: an export of the record."""
    achievement = access.get_visible_or_404(
        Achievement.objects.select_related(
            "participant__member", "participant__household", "participant__coach"
        ),
        request.user,
        uuid=uuid,
    )
    person = achievement.participant
    language = printouts.language_for(
        request.GET.get("lang"), person.household, request.LANGUAGE_CODE
    )
    response = _pdf(
        printouts.CERTIFICATE, printouts.certificate(achievement), language, "certificate"
    )
    people_actions.record_export(Actor.from_request(request), [person])
    return response
