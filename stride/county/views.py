from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stride.assessments import actions as assessments
from stride.assessments.forms import InstrumentChoiceForm
from stride.assessments.instruments import catalogue
from stride.coaching.forms import ProfessionalGoalForm
from stride.coaching.models import Goal
from stride.core import access
from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import refuse_unless
from stride.core.models import Organisation, Role, User
from stride.core.submissions import FIELD as FORM_KEY
from stride.core.submissions import save_once

from . import comparison, goals, live, reviews
from .actions import (
    GoalDetails,
    ReviewDetails,
    add_initiative,
    add_initiative_activity,
    change_review,
    choose_client_measures,
    define_success,
    form_of,
    record_review_views,
    remove_initiative,
    remove_initiative_activity,
    review_county_goal,
    send_rating,
    set_county_goal,
    settle_round,
    start_goal_from_review,
    start_round,
    write_review,
)
from .forms import (
    ActivityGoalForm,
    CheckInForm,
    ClientMeasuresForm,
    CountyGoalForm,
    CountyGoalReviewForm,
    InitiativeActivityForm,
    InitiativeForm,
    ObservationEditForm,
    ObservationForm,
    RatingsForm,
    RoundForm,
    SettleForm,
    SuccessForm,
)
from .models import CountyGoal, Initiative, InitiativeActivity, PracticeReview, SelfAssessmentRound
from .self_assessment import versions
from .settings import county_of_administrator, set_check_in_interval


@login_required
@require_http_methods(["GET", "POST"])
def tool_settings(request: HttpRequest) -> HttpResponse:
    """The county's check-in interval and the assessments its staff offer (frontline tools)."""
    county = county_of_administrator(request.user)
    if county is None:
        raise PermissionDenied
    posted = request.POST.get("part")
    form = CheckInForm(
        request.POST if posted == "check_in" else None,
        initial={"contact_gap_days": county.contact_gap_days},
    )
    tools = InstrumentChoiceForm(
        request.POST if posted == "instruments" else None,
        instruments=catalogue().all_latest(),
        initial={"in_use": [i.slug for i in assessments.instruments_in_use(county)]},
    )
    if posted == "check_in" and form.is_valid():
        set_check_in_interval(
            Actor.from_request(request), county, form.cleaned_data["contact_gap_days"]
        )
        messages.success(request, _("Saved."))
        return redirect("county:settings")
    if posted == "instruments" and tools.is_valid():
        assessments.choose_instruments(
            Actor.from_request(request), county, set(tools.cleaned_data["in_use"])
        )
        messages.success(request, _("Saved."))
        return redirect("county:settings")
    return render(request, "county/settings.html", {"form": form, "tools": tools, "county": county})


# The county self-assessment. Its pages answer 404 to anyone who reads no county's
# planning (a coach), and to a round of a county they do not read.


def _planning_counties(request: HttpRequest) -> QuerySet[Organisation]:
    user = _user(request)
    counties = access.planning_counties(user)
    if not counties.exists():
        raise Http404
    return counties


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required has let only a person through
    return request.user


def _round(request: HttpRequest, uuid: UUID) -> SelfAssessmentRound:
    rounds = SelfAssessmentRound.objects.select_related("county", "settled_by")
    return get_object_or_404(rounds.filter(county__in=_planning_counties(request)), uuid=uuid)


def _coordinated_county(request: HttpRequest) -> Organisation:
    counties = _planning_counties(request)
    refuse_unless(access.can_coordinate_county(_user(request)))
    county = counties.first()
    assert county is not None
    return county


@login_required
@require_GET
def self_assessments(request: HttpRequest) -> HttpResponse:
    """A county's rounds, and its settled rounds compared as a picture with its table."""
    counties = _planning_counties(request)
    wanted = request.GET.get("county")
    if wanted:
        try:
            county = counties.get(uuid=UUID(wanted))
        except (ValueError, Organisation.DoesNotExist):
            raise Http404 from None
    elif len(counties[:2]) == 1:
        county = counties.get()
    else:
        return render(request, "county/self_assessment_counties.html", {"counties": counties})
    rounds = list(
        county.self_assessment_rounds.select_related("settled_by")
        .annotate(sent=Count("ratings"))
        .order_by("-started_at", "-pk")  # Meta.ordering is dropped when counting
    )
    latest = versions().latest()
    settled = [r for r in reversed(rounds) if r.settled]
    chart = comparison.rounds_chart(
        latest,
        [comparison.Settled(r.name, form_of(r), r.final, r.priorities) for r in settled],
    )
    table = [
        (area, [comparison.area_progress(form_of(r), r.final).get(area.key) for r in settled])
        for area in latest.areas
    ]
    return render(
        request,
        "county/self_assessments.html",
        {
            "county": county,
            "rounds": rounds,
            "settled": settled,
            "chart": chart,
            "table": table,
            "assessment": latest,
            "may_start": access.can_coordinate_county(_user(request)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_new(request: HttpRequest) -> HttpResponse:
    """The county administrator opens a round for their staff to rate."""
    county = _coordinated_county(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: start_round(Actor.from_request(request), county, form.cleaned_data["name"]),
            lambda made: reverse("county:self_assessment", kwargs={"uuid": made.uuid}),
            _("The round is open. Send your own ratings, and ask your team to send theirs."),
        )
        if saved:
            return saved
    return render(request, "county/self_assessment_new.html", {"form": form, "county": county})


@login_required
@require_GET
def self_assessment(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A round: who has sent ratings; once yours is sent, everyone's side by side."""
    round = _round(request, uuid)
    user = _user(request)
    assessment = form_of(round)
    ratings = list(round.ratings.select_related("rater"))
    mine = next((r for r in ratings if r.rater_id == user.pk), None)
    # Nobody sees the others' ratings before sending theirs; the state reads, and rates none.
    progress = comparison.area_progress(assessment, round.final)
    open_to_me = round.settled or mine is not None or user.role == Role.STATE_ADMIN
    rows = (
        comparison.side_by_side(
            assessment,
            [r.rater.get_full_name() or r.rater.username for r in ratings],
            [r.answers for r in ratings],
            round.final,
        )
        if open_to_me and ratings
        else []
    )
    return render(
        request,
        "county/self_assessment.html",
        {
            "round": round,
            "assessment": assessment,
            "ratings": ratings,
            "mine": mine,
            "rows": rows,
            "open_to_me": open_to_me,
            "may_rate": access.can_rate_county(user) and not round.settled and mine is None,
            "may_settle": access.can_coordinate_county(user) and mine is not None,
            "priorities": [a for a in assessment.areas if a.key in round.priorities],
            "progress": [(area, progress.get(area.key)) for area in assessment.areas],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_rate(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """One person's ratings for a round, sent once, without seeing anyone else's."""
    round = _round(request, uuid)
    refuse_unless(access.can_rate_county(_user(request)))
    here = reverse("county:self_assessment", kwargs={"uuid": round.uuid})
    if round.settled or round.ratings.filter(rater=_user(request)).exists():
        if request.method == "GET" or not request.POST.get(FORM_KEY):
            messages.info(
                request, _("Your ratings for this round are in, or the round is settled.")
            )
            return redirect(here)
    form = RatingsForm(request.POST or None, assessment=form_of(round))
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: send_rating(Actor.from_request(request), round, form.answers()),
            lambda made: here,
            _("Thank you: your ratings are sent. Here is how everyone rated so far."),
        )
        if saved:
            return saved
    return render(request, "county/self_assessment_rate.html", {"form": form, "round": round})


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_settle(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The coordinator settles the county's answer and picks where to focus."""
    round = _round(request, uuid)
    user = _user(request)
    refuse_unless(access.can_coordinate_county(user))
    ratings = list(round.ratings.all())
    if not any(r.rater_id == user.pk for r in ratings):
        messages.info(request, _("Send your own ratings first; then you can settle the round."))
        return redirect("county:self_assessment_rate", uuid=round.uuid)
    assessment = form_of(round)
    start = round.final or comparison.suggested(assessment, [r.answers for r in ratings])
    form = SettleForm(
        request.POST or None,
        assessment=assessment,
        initial={**start, "priorities": round.priorities, "version": round.version},
    )
    if request.method == "POST" and form.is_valid():
        settled = run_action(
            form,
            lambda: settle_round(
                Actor.from_request(request),
                round,
                form.answers(),
                form.cleaned_data["priorities"],
                form.cleaned_data["version"],
            ),
        )
        if settled:
            messages.success(request, _("The round is settled."))
            return redirect("county:self_assessment", uuid=round.uuid)
    return render(
        request,
        "county/self_assessment_settle.html",
        {"form": form, "round": round, "raters": len(ratings)},
    )


# County goal setting: what success means (step 1) and the overall goals (step 2), each
# reviewed on its schedule. The same people read and write as for the self-assessment.


def _chosen_county(request: HttpRequest) -> Organisation | None:
    """The county a page is about: the person's own, or the one a state reader chose (None
    while they have not chosen)."""
    counties = _planning_counties(request)
    wanted = request.GET.get("county")
    if wanted:
        try:
            return counties.get(uuid=UUID(wanted))
        except (ValueError, Organisation.DoesNotExist):
            raise Http404 from None
    return counties.get() if len(counties[:2]) == 1 else None


def _goal(request: HttpRequest, uuid: UUID) -> CountyGoal:
    goals_in_scope = CountyGoal.objects.select_related("county", "set_by")
    return get_object_or_404(
        goals_in_scope.filter(county__in=_planning_counties(request)), uuid=uuid
    )


@login_required
@require_GET
def county_goals(request: HttpRequest) -> HttpResponse:
    """What success means for the county's families, and its goals with their next review."""
    county = _chosen_county(request)
    if county is None:
        counties = _planning_counties(request)
        return render(
            request,
            "county/goal_counties.html",
            {"counties": counties},
        )
    success = county.success_definitions.select_related("written_by").first()
    today = timezone.localdate()
    every = list(county.county_goals.annotate(last_review=Max("reviews__reviewed_on")))
    names = live.goal_measures()
    rows = [
        GoalRow(
            progress,
            names.get(progress.goal.measure, progress.goal.measure),
            goals.next_review(
                progress.goal, progress.goal.last_review, timezone.localdate(progress.goal.set_at)
            ),
        )
        for progress in goals.progress_of_each(every, county, today)
    ]
    followed = list(county.client_measures.values_list("measure", flat=True))
    last_month = goals.add_months(goals.month_of(today), -1)
    figures = live.source().readings(county, followed, [last_month]) if followed else {}
    known = live.every_measure()
    return render(
        request,
        "county/goals.html",
        {
            "county": county,
            "success": success,
            "client_measures": [
                (known[key], figures[key][last_month]) for key in followed if key in figures
            ],
            "last_month": last_month,
            "rows": [row for row in rows if not row.goal.activity],
            "activity_rows": [row for row in rows if row.goal.activity],
            "schedule": sorted(rows, key=lambda row: (row.due, row.goal.pk)),
            "today": today,
            "may_write": access.can_coordinate_county(_user(request)),
        },
    )


@dataclass(frozen=True)
class GoalRow:
    progress: goals.Progress
    measure: str
    due: date

    @property
    def goal(self) -> CountyGoal:
        return self.progress.goal


@login_required
@require_http_methods(["GET", "POST"])
def county_success(request: HttpRequest) -> HttpResponse:
    """Step 1: the county administrator writes what success means; earlier versions stay."""
    county = _coordinated_county(request)
    versions_written = list(county.success_definitions.select_related("written_by"))
    latest = versions_written[0] if versions_written else None
    form = SuccessForm(
        request.POST or None,
        initial={"text": latest.text if latest else "", "version": latest.number if latest else 0},
    )
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: define_success(
                Actor.from_request(request),
                county,
                form.cleaned_data["text"],
                form.cleaned_data["version"],
            ),
            lambda made: reverse("county:goals"),
            _("Saved: this is now what success means for your county."),
        )
        if saved:
            return saved
    return render(
        request,
        "county/success.html",
        {"form": form, "county": county, "earlier": versions_written},
    )


@login_required
@require_http_methods(["GET", "POST"])
def county_goal_new(request: HttpRequest) -> HttpResponse:
    """Step 2: an overall county goal."""
    return _goal_new(request, CountyGoalForm)


@login_required
@require_http_methods(["GET", "POST"])
def county_activity_goal_new(request: HttpRequest) -> HttpResponse:
    """Step 3: a goal for one core program activity."""
    return _goal_new(request, ActivityGoalForm)


def _goal_new(request: HttpRequest, form_class: type[CountyGoalForm]) -> HttpResponse:
    county = _coordinated_county(request)
    form = form_class(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: set_county_goal(
                Actor.from_request(request),
                county,
                GoalDetails(
                    form.cleaned_data["measure"],
                    form.cleaned_data["baseline"],
                    form.cleaned_data["target_kind"],
                    form.cleaned_data["target"],
                    form.cleaned_data["deadline"],
                    form.cleaned_data["review_every"],
                    form.cleaned_data.get("activity", ""),
                ),
            ),
            lambda made: reverse("county:goal", kwargs={"uuid": made.uuid}),
            _("The goal is set. Its first review is on the county's goal page."),
        )
        if saved:
            return saved
    return render(
        request,
        "county/goal_new.html",
        {"form": form, "county": county, "for_activity": form_class is ActivityGoalForm},
    )


@login_required
@require_http_methods(["GET", "POST"])
def county_goal(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A county goal, its reviews and, for the county administrator, the next review's form."""
    goal = _goal(request, uuid)
    may_review = access.can_coordinate_county(_user(request))
    if request.method == "POST":
        refuse_unless(may_review)
    today = timezone.localdate()
    months = goals.counted_months(goal, today)
    readings = live.source().readings(goal.county, [goal.measure], months)
    found = readings.get(goal.measure, {})
    progress = goals.progress(goal, found, today)
    # The review starts from the live figure of the last full month and what it says.
    form = CountyGoalReviewForm(
        request.POST or None,
        initial={
            "value_now": progress.reading.percent if progress.reading else None,
            "standing": goals.REVIEW_STANDING.get(progress.standing),
        },
    )
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: review_county_goal(
                Actor.from_request(request),
                goal,
                ReviewDetails(
                    form.cleaned_data["reviewed_on"],
                    form.cleaned_data["value_now"],
                    form.cleaned_data["standing"],
                    form.cleaned_data["notes"],
                ),
            ),
            lambda made: reverse("county:goal", kwargs={"uuid": goal.uuid}),
            _("The review is recorded."),
        )
        if saved:
            return saved
    reviews = list(goal.reviews.select_related("reviewed_by"))
    last = reviews[0].reviewed_on if reviews else None
    return render(
        request,
        "county/goal.html",
        {
            "goal": goal,
            "county": goal.county,
            "measure": goals.measure_name(goal.measure),
            "is_live": goal.measure in readings,
            "level": goals.target_level(goal),
            "progress": progress,
            "chart": goals.chart(goal, found, today),
            "due": goals.next_review(goal, last, timezone.localdate(goal.set_at)),
            "reviews": reviews,
            "form": form if may_review else None,
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_measures(request: HttpRequest) -> HttpResponse:
    """Step 5: the county administrator chooses the measures of families' own progress."""
    county = _coordinated_county(request)
    chosen = list(county.client_measures.values_list("measure", flat=True))
    form = ClientMeasuresForm(request.POST or None, initial={"measures": chosen})
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: choose_client_measures(
                Actor.from_request(request), county, form.cleaned_data["measures"]
            ),
        )
        if done is not None:
            messages.success(request, _("Saved: these are the measures your county follows."))
            return redirect(f"{reverse('county:goals')}?county={county.uuid}")
    return render(request, "county/client_measures.html", {"form": form, "county": county})


# The logic model: initiatives, their activities, outputs and outcome measures. Read as the
# goals are; the county administrator writes it.


def _initiative(request: HttpRequest, uuid: UUID) -> Initiative:
    return get_object_or_404(
        Initiative.objects.select_related("county").filter(county__in=_planning_counties(request)),
        uuid=uuid,
    )


@login_required
@require_http_methods(["GET", "POST"])
def logic_model(request: HttpRequest) -> HttpResponse:
    """The county's initiatives, each with its activities, their outputs and the measures they
    should move; the county administrator adds an initiative here."""
    county = _chosen_county(request)
    if county is None:
        return render(
            request, "county/logic_model_counties.html", {"counties": _planning_counties(request)}
        )
    may_write = access.can_coordinate_county(_user(request))
    if request.method == "POST":
        refuse_unless(may_write)
    form = InitiativeForm(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: add_initiative(
                Actor.from_request(request),
                county,
                form.cleaned_data["name"],
                form.cleaned_data["why"],
            ),
            lambda made: reverse("county:initiative", kwargs={"uuid": made.uuid}),
            _("The initiative is added. Now add what staff will do for it."),
        )
        if saved:
            return saved
    initiatives = list(county.initiatives.prefetch_related("activities"))
    return render(
        request,
        "county/logic_model.html",
        {
            "county": county,
            "initiatives": [(i, _with_measures(i.activities.all())) for i in initiatives],
            "form": form if may_write else None,
        },
    )


def _with_measures(
    activities: Iterable[InitiativeActivity],
) -> list[tuple[InitiativeActivity, list[live.LiveMeasure]]]:
    known = live.every_measure()
    return [(a, [known[key] for key in a.outcomes if key in known]) for a in activities]


@login_required
@require_http_methods(["GET", "POST"])
def initiative(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """One initiative's activities; the county administrator adds one here."""
    found = _initiative(request, uuid)
    may_write = access.can_coordinate_county(_user(request))
    if request.method == "POST":
        refuse_unless(may_write)
    form = InitiativeActivityForm(request.POST or None)
    here = reverse("county:initiative", kwargs={"uuid": found.uuid})
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: add_initiative_activity(
                Actor.from_request(request),
                found,
                form.cleaned_data["name"],
                form.cleaned_data["outputs"],
                form.cleaned_data["outcomes"],
            ),
            lambda made: here,
            _("The activity is added to the logic model."),
        )
        if saved:
            return saved
    return render(
        request,
        "county/initiative.html",
        {
            "initiative": found,
            "county": found.county,
            "activities": _with_measures(found.activities.all()),
            "form": form if may_write else None,
        },
    )


@login_required
@require_POST
def initiative_activity_remove(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The county administrator takes an activity out of the logic model."""
    activity = get_object_or_404(
        InitiativeActivity.objects.select_related("initiative").filter(
            initiative__county__in=_planning_counties(request)
        ),
        uuid=uuid,
    )
    refuse_unless(access.can_coordinate_county(_user(request)))
    remove_initiative_activity(Actor.from_request(request), activity)
    messages.success(request, _("The activity is taken out of the logic model."))
    return redirect("county:initiative", uuid=activity.initiative.uuid)


@login_required
@require_POST
def initiative_remove(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The county administrator takes an initiative, and its activities, out of the model."""
    found = _initiative(request, uuid)
    refuse_unless(access.can_coordinate_county(_user(request)))
    remove_initiative(Actor.from_request(request), found)
    messages.success(request, _("The initiative is taken out of the logic model."))
    return redirect(f"{reverse('county:logic_model')}?county={found.county.uuid}")


# Reviews of staff work: fidelity reviews of programs and workers, and skills-and-attributes
# reviews of coaches. Out-of-scope reviews, people and programs answer 404 (county.reviews).


def _reviews_of(request: HttpRequest) -> QuerySet[PracticeReview]:
    return reviews.visible(_user(request)).select_related("worker", "program", "written_by")


def _review(request: HttpRequest, uuid: UUID) -> PracticeReview:
    return get_object_or_404(_reviews_of(request), uuid=uuid)


def _reviewed_worker(request: HttpRequest, uuid: UUID) -> User:
    """A coach whose reviews the person reads: themselves, or someone they review."""
    user = _user(request)
    if user.uuid == uuid and user.role == Role.COACH:
        return user
    return get_object_or_404(access.reviewable_workers(user), uuid=uuid)


def _kind_or_404(kind: str) -> str:
    if kind not in PracticeReview.Kind.values:
        raise Http404
    return kind


@login_required
@require_GET
def staff_reviews(request: HttpRequest) -> HttpResponse:
    """A coach's own reviews; a reviewer's coaches and programs, each with its latest review."""
    user = _user(request)
    if user.role != Role.COACH and user.role not in access.REVIEWER_ROLES:
        raise Http404
    if user.role == Role.COACH:
        mine = list(_reviews_of(request).filter(worker=user))
        record_review_views(Actor.from_request(request), mine)
        return render(request, "county/reviews_mine.html", {"reviews": mine})
    latest = Max("reviews_of_me__observed_on")
    workers = (
        access.reviewable_workers(user)
        .select_related("organisation")
        .annotate(
            last_fidelity=Max(
                "reviews_of_me__observed_on",
                filter=Q(reviews_of_me__kind=PracticeReview.Kind.FIDELITY),
            ),
            last_skills=Max(
                "reviews_of_me__observed_on",
                filter=Q(reviews_of_me__kind=PracticeReview.Kind.SKILLS),
            ),
            last=latest,
        )
        .order_by("first_name", "last_name", "pk")
    )
    programs = access.reviewable_programs(user).order_by("path")
    last_of_program = dict(
        PracticeReview.objects.filter(program__in=programs)
        .values_list("program")
        .annotate(last=Max("observed_on"))
        .values_list("program", "last")
    )
    return render(
        request,
        "county/reviews.html",
        {
            "workers": workers,
            "programs": [(p, last_of_program.get(p.pk)) for p in programs],
        },
    )


@login_required
@require_GET
def worker_reviews(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A coach's reviews over time: fidelity as a chart with its table, skills side by side."""
    worker = _reviewed_worker(request, uuid)
    found = list(_reviews_of(request).filter(worker=worker)[: 2 * reviews.HISTORY_LENGTH])
    fidelity = [r for r in found if r.kind == PracticeReview.Kind.FIDELITY]
    skills = [r for r in found if r.kind == PracticeReview.Kind.SKILLS]
    fidelity_history = reviews.history(PracticeReview.Kind.FIDELITY, fidelity)
    skills_history = reviews.history(PracticeReview.Kind.SKILLS, skills)
    record_review_views(
        Actor.from_request(request), fidelity_history.reviews + skills_history.reviews
    )
    return render(
        request,
        "county/worker_reviews.html",
        {
            "worker": worker,
            "histories": [fidelity_history, skills_history],
            "may_review": worker.pk != _user(request).pk,
        },
    )


@login_required
@require_GET
def program_reviews(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A program's fidelity reviews over time, as a chart with its table."""
    program = get_object_or_404(access.reviewable_programs(_user(request)), uuid=uuid)
    found = list(_reviews_of(request).filter(program=program)[: reviews.HISTORY_LENGTH])
    return render(
        request,
        "county/program_reviews.html",
        {"program": program, "history": reviews.history(PracticeReview.Kind.FIDELITY, found)},
    )


def _new_review(
    request: HttpRequest,
    kind: str,
    subject: str,
    back: str,
    write: Callable[[ObservationForm], PracticeReview],
) -> HttpResponse:
    user = _user(request)
    form = ObservationForm(
        request.POST or None,
        rubric=reviews.latest_rubric(kind),
        initial={
            "observer_name": user.get_full_name() or user.username,
            "observed_on": timezone.localdate(),
            "observer_role": (
                PracticeReview.Observer.SUPERVISOR
                if user.role == Role.SUPERVISOR
                else PracticeReview.Observer.MANAGER
            ),
        },
    )
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: write(form),
            lambda made: reverse("county:review", kwargs={"uuid": made.uuid}),
            _("The review is saved."),
        )
        if saved:
            return saved
    return render(
        request,
        "county/review_form.html",
        {"form": form, "kind": PracticeReview.Kind(kind), "subject": subject, "back": back},
    )


@login_required
@require_http_methods(["GET", "POST"])
def worker_review_new(request: HttpRequest, uuid: UUID, kind: str) -> HttpResponse:
    """A supervisor's or administrator's review of one coach, on either rubric."""
    kind = _kind_or_404(kind)
    worker = get_object_or_404(access.reviewable_workers(_user(request)), uuid=uuid)
    return _new_review(
        request,
        kind,
        worker.get_full_name() or worker.username,
        reverse("county:worker_reviews", kwargs={"uuid": worker.uuid}),
        lambda form: write_review(Actor.from_request(request), kind, form.details(), worker=worker),
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_review_new(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A fidelity review of a program: the county or one of its offices."""
    program = get_object_or_404(access.reviewable_programs(_user(request)), uuid=uuid)
    return _new_review(
        request,
        PracticeReview.Kind.FIDELITY,
        program.name,
        reverse("county:program_reviews", kwargs={"uuid": program.uuid}),
        lambda form: write_review(
            Actor.from_request(request),
            PracticeReview.Kind.FIDELITY,
            form.details(),
            program=program,
        ),
    )


def _may_change(user: User, review: PracticeReview) -> bool:
    if review.worker is not None:
        return reviews.may_review_worker(user, review.worker)
    return review.program is not None and reviews.may_review_program(user, review.program)


@login_required
@require_GET
def review(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """One review: each item's level and note, and for a skills review the goals it started."""
    found = _review(request, uuid)
    user = _user(request)
    record_review_views(Actor.from_request(request), [found])
    rubric = reviews.rubric_of(found)
    may_change = _may_change(user, found)
    goals = access.visible_to(Goal.objects.filter(pk__in=found.goals.values("pk")), user)
    return render(
        request,
        "county/review.html",
        {
            "review": found,
            "rated": reviews.rated(found),
            "share": rubric.share(found.ratings),
            "to_grow": reviews.to_grow(found) if found.kind == PracticeReview.Kind.SKILLS else [],
            "goals": list(goals.order_by("created_at")),
            "may_change": may_change,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Corrections to a review, by someone who may write it; a newer save is not lost."""
    found = _review(request, uuid)
    refuse_unless(_may_change(_user(request), found))
    if request.method == "GET":
        record_review_views(Actor.from_request(request), [found])  # the form shows it all
    form = ObservationEditForm(
        request.POST or None,
        rubric=reviews.rubric_of(found),
        initial=ObservationForm.initial_of(found),
    )
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: change_review(
                Actor.from_request(request), found, form.details(), form.cleaned_data["version"]
            ),
        )
        if done:
            messages.success(request, _("Saved."))
            return redirect("county:review", uuid=found.uuid)
    return render(
        request,
        "county/review_form.html",
        {
            "form": form,
            "kind": PracticeReview.Kind(found.kind),
            "subject": found.worker.get_full_name() if found.worker else found.program.name,
            "back": reverse("county:review", kwargs={"uuid": found.uuid}),
            "editing": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_goal(request: HttpRequest, uuid: UUID, item: str) -> HttpResponse:
    """A professional goal for the coach from a skill to grow, prefilled from the review."""
    found = _review(request, uuid)
    refuse_unless(found.worker is not None and _may_change(_user(request), found))
    assert found.worker is not None
    grow = {i.key: (area, i) for area, i, _level in reviews.to_grow(found)}
    if item not in grow:
        raise Http404
    area, skill = grow[item]
    form = ProfessionalGoalForm(
        request.POST or None,
        staff=found.worker,
        initial={"words": str(skill.title), "skill_area": area.goal_area, "term": "short"},
    )
    if request.method == "POST":
        worker = found.worker
        saved = save_once(
            request,
            form,
            lambda: start_goal_from_review(
                Actor.from_request(request), found, item, form.details()
            ),
            lambda made: reverse("county:review", kwargs={"uuid": found.uuid}),
            _("The goal is saved for %(name)s, linked to this review.")
            % {"name": worker.get_full_name() or worker.username},
        )
        if saved:
            return saved
    return render(
        request,
        "county/review_goal.html",
        {"form": form, "review": found, "skill": skill, "area": area},
    )
