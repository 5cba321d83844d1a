"""The participant's own pages (/me/), their welcome link, and the coach's page to invite them."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from stride.assessments import actions as assessments
from stride.assessments.history import histories
from stride.assessments.models import Response
from stride.assessments.presenting import result_view
from stride.careers import actions as careers
from stride.careers import catalogue as career_ladders
from stride.careers import presenting as career_pages
from stride.careers.forms import LadderGoalForm
from stride.coaching import actions as coaching
from stride.coaching import meeting as meetings
from stride.coaching.models import (
    CoachingSession,
    Goal,
    GoalIdea,
    MeetingSummary,
    Obstacle,
    Reflection,
    Step,
)
from stride.core import access
from stride.core.audit import Actor, client_ip
from stride.core.edits import StaleEdit
from stride.core.guards import require
from stride.core.models import Organisation
from stride.core.submissions import save_once
from stride.participation import actions as participation
from stride.participation import ledger
from stride.participation.forms import MyHoursForm
from stride.participation.models import Activity
from stride.participation.presenting import chosen_month, month_context
from stride.people.cases import open_case, open_own_case, participants, shown_again
from stride.people.models import Member, Participant
from stride.resources import chosen

from . import invitations, overview
from .forms import (
    CheckOffForm,
    ForgotForm,
    IdeaForm,
    ReflectionForm,
    SendLinkForm,
    WelcomeForm,
)

# The backend that signs a participant in after they set their password.
MODEL_BACKEND = "stride.core.backends.PeopleBackend"


def _my_goal(request: HttpRequest, me: Participant, uuid: UUID) -> Goal:
    return access.get_visible_or_404(
        Goal.objects.select_related("parent").filter(participant=me), request.user, uuid=uuid
    )


def _back_to(request: HttpRequest) -> str:
    """Where a check-off form came from, if it is one of the participant's own pages."""
    target = request.POST.get("next", "")
    try:
        route = resolve(target).view_name
    except Resolver404:
        route = ""
    if route in ("portal:home", "portal:goal", "portal:meetings"):
        return target
    return reverse("portal:home")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A participant's own page: goals, next steps, appointment, roadmap, then family and coach."""
    me = open_own_case(request, meetings.with_unread_summary(participants()))
    user = request.user
    unread, unread_count = meetings.unread_summary(me)
    goals = list(access.visible_to(Goal.objects.filter(participant=me), user))
    steps = list(
        access.visible_to(
            Step.objects.filter(goal__participant=me, goal__status__in=Goal.OPEN_STATUSES), user
        )
    )
    appointment = (
        access.visible_to(
            CoachingSession.objects.filter(participant=me, next_appointment__gt=timezone.now()),
            user,
        )
        .order_by("-held_at", "-pk")
        .first()
    )
    drafts = access.visible_to(
        GoalIdea.objects.filter(
            participant=me, source=GoalIdea.Source.PARTICIPANT, goal__isnull=True
        ),
        user,
    )
    members = access.visible_to(
        Member.objects.filter(household_id=me.household_id).defer("ssn"), user
    )
    return render(
        request,
        "portal/home.html",
        {
            "me": me,
            "unread": unread,
            "more_unread": unread_count - 1 if unread else 0,
            "goals": overview.goal_summaries(goals, steps),
            "next_steps": overview.next_steps(goals, steps),
            "roadmaps": overview.roadmaps(goals),
            "reached_count": sum(1 for goal in goals if goal.status == Goal.Status.ACHIEVED),
            "appointment": appointment.next_appointment if appointment else None,
            "appointment_session": appointment,
            "drafts": drafts,
            "members": members,
            "check_ins_waiting": access.visible_to(
                Response.objects.filter(
                    participant=me, completed_at=None, where=Response.Where.OWN_PAGES
                ),
                user,
            ).count(),
        },
    )


@login_required
def meetings_page(request: HttpRequest) -> HttpResponse:
    """The summaries of their meetings that the coach sent, the newest first."""
    me = open_own_case(request)
    sent = access.visible_to(MeetingSummary.objects.filter(participant=me), request.user)
    return render(
        request,
        "portal/meetings.html",
        {"me": me, "summaries": [meetings.shown_summary(summary) for summary in sent]},
    )


@login_required
@require_POST
def meeting_read(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The participant says they have read a summary: it leaves their page's top."""
    me = open_own_case(request)
    summary = access.get_visible_or_404(
        MeetingSummary.objects.filter(participant=me), request.user, uuid=uuid
    )
    coaching.mark_summary_read(Actor.from_request(request), summary)
    return redirect(_back_to(request))


@login_required
@require_http_methods(["GET", "POST"])
def goal(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """One of the participant's goals: its plan, potholes and detours, and their thoughts."""
    me = open_own_case(request)
    my_goal = _my_goal(request, me, uuid)
    actor = Actor.from_request(request)
    form = ReflectionForm(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: coaching.add_reflection(actor, my_goal, form.cleaned_data["words"]),
            lambda _reflection: reverse("portal:goal", kwargs={"uuid": my_goal.uuid}),
            _("Thank you. Your thoughts are saved."),
        )
        if saved:
            return saved
        shown_again(request, me)
    user = request.user
    steps = list(access.visible_to(Step.objects.filter(goal=my_goal), user))
    return render(
        request,
        "portal/goal.html",
        {
            "goal": my_goal,
            "steps": steps,
            "steps_done": sum(1 for step in steps if not overview.is_open(step)),
            "obstacles": access.visible_to(Obstacle.objects.filter(goal=my_goal), user),
            "reflections": access.visible_to(Reflection.objects.filter(goal=my_goal), user),
            "form": form,
        },
    )


@login_required
@require_POST
def step_mark(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Check a step off: done, or not done yet, with a short note."""
    me = open_own_case(request)
    step = access.get_visible_or_404(
        Step.objects.select_related("goal__participant").filter(goal__participant=me),
        request.user,
        uuid=uuid,
    )
    back = _back_to(request)
    form = CheckOffForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose Done or Not done yet, then try again."))
        return redirect(back)
    status = form.cleaned_data["status"]
    try:
        # Keyed like a form that adds something: a second tap on "Done" is told it was
        # saved, not that the step changed meanwhile.
        marked = save_once(
            request,
            None,
            lambda: coaching.mark_step(
                Actor.from_request(request),
                step,
                form.cleaned_data["version"],
                status,
                form.cleaned_data["note"],
            ),
            lambda _step: back,
            lambda _step: _checked_off(step, status),
        )
    except StaleEdit:
        messages.warning(
            request,
            _(
                'The step "%(step)s" changed since you opened this page: maybe your coach '
                "updated it. Nothing is lost. Look at it again below and check it off if you "
                "still need to."
            )
            % {"step": step.what},
        )
        return redirect(back)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    assert marked is not None
    return marked


def _checked_off(step: Step, status: str) -> str:
    if status == Step.Status.DONE:
        return _('Well done! "%(step)s" is done.') % {"step": step.what}
    if status == Step.Status.NOT_DONE:
        return _(
            'Thanks for telling us about "%(step)s". Not yet is okay: every try teaches '
            "something. Talk it over with your coach, or try again another way."
        ) % {"step": step.what}
    return _('"%(step)s" is back on your list.') % {"step": step.what}


@login_required
@require_http_methods(["GET", "POST"])
def idea_new(request: HttpRequest) -> HttpResponse:
    """Draft a goal for the next meeting."""
    me = open_own_case(request)
    area = request.GET.get("area")
    form = IdeaForm(request.POST or None, initial={"life_area": area} if area else None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: coaching.add_idea(
                Actor.from_request(request),
                me,
                form.cleaned_data["life_area"],
                form.cleaned_data["words"],
                source=GoalIdea.Source.PARTICIPANT,
            ),
            lambda _idea: reverse("portal:home"),
            _("Saved. Your coach will see it, and you can talk about it at your next meeting."),
        )
        if saved:
            return saved
    return render(request, "portal/idea_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def assessments_page(request: HttpRequest) -> HttpResponse:
    """Check-ins sent by the coach, ones to start on one's own, and one's results over time."""
    me = open_own_case(request)
    offered = [i for i in assessments.instruments_in_use(me.county) if i.self_service]
    if request.method == "POST":
        chosen = {i.slug: i for i in offered}.get(request.POST.get("instrument", ""))
        if chosen is None:
            raise Http404
        try:
            started = save_once(
                request,
                None,
                lambda: assessments.start(
                    Actor.from_request(request), me, chosen, Response.Where.OWN_PAGES
                ),
                lambda response: reverse("assessments:fill", kwargs={"uuid": response.uuid}),
                None,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("portal:assessments")
        assert started is not None
        return started
    responses = list(access.visible_to(Response.objects.filter(participant=me), request.user))
    waiting = [
        (r, assessments.instrument_of(r))
        for r in responses
        if not r.is_finished and r.where == Response.Where.OWN_PAGES
    ]
    return render(
        request,
        "portal/assessments.html",
        {
            "waiting": waiting,
            "offered": offered,
            "results": [result_view(h) for h in histories(responses).values()],
            "is_participant": True,
        },
    )


@never_cache
@login_required
def services_page(request: HttpRequest) -> HttpResponse:
    """The services the participant chose with their coach, with how to reach each."""
    me = open_own_case(request)
    return render(
        request, "portal/services.html", {"referrals": chosen.chosen_services(request.user, me)}
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def hours_page(request: HttpRequest) -> HttpResponse:
    """The participant's hours this month, what counts and why, and a form to report more."""
    me = open_own_case(request)
    activities = Activity.objects.filter(county_id=me.county_id, active=True)
    form = MyHoursForm(request.POST or None, activities=activities)
    if request.method == "POST":

        def add() -> object:
            data = form.cleaned_data
            hours = participation.Hours(
                data["activity"], data["day"], data["hours"], note=data["note"]
            )
            return participation.add_hours(Actor.from_request(request), me, hours)

        saved = save_once(
            request,
            form,
            add,
            lambda _entry: f"{reverse('portal:hours')}?month={form.cleaned_data['day']:%Y-%m}",
            _("Thank you. Your coach will check the hours."),
        )
        if saved:
            return saved
        shown_again(request, me)
    context = month_context(me, chosen_month(request.GET.get("month")))
    context.update({"form": form, "clocks": ledger.readings(me, timezone.localdate())})
    return render(request, "portal/hours.html", context)


@login_required
def careers_page(request: HttpRequest) -> HttpResponse:
    """Career ladders, in the order of the participant's own interests."""
    me = open_own_case(request)
    interests = career_pages.interests_of(request.user, me)
    found = career_pages.choices(career_ladders.load(), interests)
    return render(
        request,
        "portal/careers.html",
        {
            "interests": career_pages.interest_names(interests),
            "ranked": found if interests else None,
            "groups": career_pages.by_industry(found),
            "url_name": "portal:career_ladder",
            "query": "",
        },
    )


def _career_ladder(
    industry: str, ladder: str
) -> tuple[career_ladders.Industry, career_ladders.Ladder]:
    try:
        return career_ladders.load().find(industry, ladder)
    except KeyError:
        raise Http404 from None


@login_required
def career_ladder(request: HttpRequest, industry: str, ladder: str) -> HttpResponse:
    """One ladder in the participant's language, with the partners in their county."""
    found_industry, found_ladder = _career_ladder(industry, ladder)
    me = open_own_case(request)
    partners = career_pages.partners_for(
        Organisation.objects.filter(pk=me.county_id), industry, ladder
    )
    return render(
        request,
        "portal/career_ladder.html",
        {
            "industry": found_industry,
            "ladder": found_ladder,
            "rungs": career_pages.rungs_with_partners(found_ladder, partners),
            "sources": career_ladders.load().source_by_key,
            "plan": career_pages.plan_for(request.user, me, industry, ladder),
            "goal_form": LadderGoalForm(),
            "benefits_url": career_pages.benefits_url(me, own=True),
        },
    )


@login_required
@require_POST
def career_goal(request: HttpRequest, industry: str, ladder: str) -> HttpResponse:
    """The participant makes a ladder their own goal: a My Roadmap with steps on the way."""
    me = open_own_case(request)
    _career_ladder(industry, ladder)
    form = LadderGoalForm(request.POST)
    saved = save_once(
        request,
        form,
        lambda: careers.make_ladder_goal(
            Actor.from_request(request), me, industry, ladder, form.cleaned_data["level"]
        ),
        lambda _made: reverse("portal:home") + "#roadmap-heading",
        lambda made: (
            _(
                "Your roadmap is ready: a big goal and the smaller goals on the way. "
                "Talk with your coach about the first step."
            )
            if made.created
            else _("This is already one of your goals. Here is your roadmap.")
        ),
    )
    if saved:
        return saved
    problems = form.non_field_errors()
    messages.error(
        request,
        " ".join(problems) if problems else _("Choose where you want to start on the ladder."),
    )
    return redirect("portal:career_ladder", industry=industry, ladder=ladder)


@never_cache
@login_required
def services_printout(request: HttpRequest) -> HttpResponse:
    # The printout records itself as an export.
    return chosen.services_pdf(request, open_own_case(request, recorded_elsewhere=True))


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invitation link: choose a password, and land on your own page."""
    account = invitations.account_for_link(uidb64, token)
    if account is None:
        return render(
            request, "portal/welcome_expired.html", {"days": invitations.link_lifetime_days()}
        )
    form = WelcomeForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitations.set_first_password(
            Actor(account, client_ip(request)), account, form.cleaned_data["new_password1"]
        )
        login(request, account, backend=MODEL_BACKEND)
        messages.success(request, _("Welcome to Stride! This is your page."))
        return redirect("portal:home")
    return render(request, "portal/welcome.html", {"form": form, "account": account})


@never_cache
@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """For staff: make a one-time link that lets a participant set up their own page, shown
    once here and, if the coach asks, sent to them by text or email."""
    person = open_case(request, uuid, participants().select_related("user", "household"))
    phone, email = invitations.addresses_on_record(person)
    form = SendLinkForm(
        request.POST if request.method == "POST" else None,
        initial={"send": "", "phone": phone, "email": email},
    )
    invitation = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.send(
                Actor.from_request(request),
                person,
                request.build_absolute_uri,
                form.cleaned_data["send"],
                form.address(),
            )
        except ValidationError as error:
            for problem in error.message_dict.values():
                form.add_error(form.address_field(), problem)
    return render(
        request,
        "portal/invite.html",
        {
            "person": person,
            "form": form,
            "link": invitation.link if invitation else None,
            "sent": invitation.sent if invitation else None,
            "days": invitations.link_lifetime_days(),
            "has_password": person.user is not None and person.user.has_usable_password(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def forgot(request: HttpRequest) -> HttpResponse:
    """A participant who forgot their password gets a link by text or email. The answer is
    the same whether the number or email is on anyone's record or not."""
    form = ForgotForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not (invitations.may_ask(request) and invitations.count_ask(request)):
            return render(request, "portal/forgot_wait.html", status=429)
        invitations.request_link(
            Actor.from_request(request, "portal"),
            form.cleaned_data["address"],
            request.build_absolute_uri,
        )
        return render(
            request, "portal/forgot_sent.html", {"days": invitations.link_lifetime_days()}
        )
    return render(request, "portal/forgot.html", {"form": form})
