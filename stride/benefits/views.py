from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from stride.careers import catalogue
from stride.careers.models import CareerPlan
from stride.core import access
from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import require
from stride.core.models import Role
from stride.core.submissions import save_once
from stride.people import cases
from stride.people.models import Participant, age_on

from . import actions, curves, presenting, queueing
from .forms import AdultMoneyForm, ChildMoneyForm, HouseholdMoneyForm, ScenarioForm, WhatIfForm
from .models import Curve, HouseholdBudget, MemberBudget, Scenario


def _with_money() -> QuerySet[Participant]:
    """Participants with the money facts the calculator reads, in the same query."""
    return curves.with_money(cases.participants())


def _rung_points(request: HttpRequest, person: Participant) -> list[curves.Point]:
    """The rungs of the participant's chosen ladder, at their typical full-time pay."""
    plan = (
        access.visible_to(CareerPlan.objects.filter(participant=person), request.user)
        .order_by("-created_at")
        .first()
    )
    if plan is None:
        return []
    try:
        ladder = catalogue.ladder(plan.industry_key, plan.ladder_key)
    except KeyError:
        return []
    return [
        curves.Point(
            "rung",
            f"rung:{plan.industry_key}/{plan.ladder_key}/{wage.level}",
            float(wage.annual),
            curves.FULL_TIME_HOURS,
        )
        for wage in catalogue.rung_wages(ladder)
    ]


def _calculator(request: HttpRequest, person: Participant) -> dict[str, Any]:
    """What the calculator page and its polled part show: facts, what-ifs and the curve."""
    form = WhatIfForm(request.GET or None)
    what_if = form.what_if()
    found = curves.facts(person, what_if)
    points = curves.points_for(found.household, what_if, _rung_points(request, person))
    curve: Curve | None
    try:
        curve = queueing.settled(
            queueing.curve_for(curves.request_for(found.household, points), by=request.user)
        )
    except queueing.TooManyWaiting:
        curve = None  # the page says the earlier pictures come first, and asks for nothing
    language = get_language() or "en"
    return {
        "person": person,
        "form": form,
        "what_if": what_if,
        "facts": found,
        "members_with_people": list(zip(found.members, found.household.people, strict=True)),
        "curve": curve,
        "waiting_limit": queueing.WAITING_PER_PERSON,
        # The page asks again every 2 s only for a while, so a forgotten tab ends idle.
        "keep_polling": curve is not None
        and curve.status == Curve.Status.PENDING
        and timezone.now() - curve.requested_at < queueing.POLL_FOR,
        "engine": queueing.engine_state(),
        "picture": presenting.picture(curve.data, curve.request, language)
        if curve is not None and curve.status == Curve.Status.READY
        else None,
        "query": request.GET.urlencode(),
    }


@never_cache
@require(access.can_see_caseloads)
def calculator(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A family's net resources as pay rises, with the cliffs, what-ifs and saved pictures."""
    person = cases.open_case(request, uuid, _with_money())
    context = _calculator(request, person)
    context["scenarios"] = access.visible_to(
        Scenario.objects.filter(participant=person), request.user
    )
    context["scenario_form"] = ScenarioForm()
    context["can_edit"] = access.can_edit_cases(request.user)
    return render(request, "benefits/calculator.html", context)


@never_cache
@require(access.can_see_caseloads_or_own)
def curve_part(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The curve alone, polled by the page while the worker computes it.

    Not audited: the page that polls it recorded the view."""
    person = _asked_about(request, uuid, recorded_elsewhere=True)
    return render(request, "benefits/_curve.html", _calculator(request, person))


def _asked_about(request: HttpRequest, uuid: UUID, recorded_elsewhere: bool) -> Participant:
    """The participant whose curve this is: a participant only ever their own."""
    if request.user.role == Role.PARTICIPANT:
        person = cases.open_own_case(request, _with_money(), recorded_elsewhere=recorded_elsewhere)
        if person.uuid != uuid:
            raise Http404
        return person
    return cases.open_case(request, uuid, _with_money(), recorded_elsewhere=recorded_elsewhere)


@require(access.can_see_caseloads_or_own, methods=["POST"])
def retry(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Ask the worker again for a curve that failed (a participant, for their own)."""
    person = _asked_about(request, uuid, recorded_elsewhere=False)
    context = _calculator(request, person)
    if context["curve"] is not None and context["curve"].status == Curve.Status.FAILED:
        try:
            queueing.retry(context["curve"], by=request.user)
        except queueing.TooManyWaiting:
            messages.info(
                request,
                _("Your earlier pictures are still being worked out. Try again once they show."),
            )
    if request.user.role == Role.PARTICIPANT:
        return redirect(f"{reverse('benefits:mine')}?{context['query']}")
    return redirect(f"{reverse('benefits:calculator', args=[person.uuid])}?{context['query']}")


@require(access.can_edit_cases, methods=["POST"])
def save_scenario(request: HttpRequest, uuid: UUID) -> HttpResponse:
    person = cases.open_case(request, uuid, _with_money())
    context = _calculator(request, person)
    form = ScenarioForm(request.POST)
    back = f"{reverse('benefits:calculator', args=[person.uuid])}?{context['query']}"
    if context["curve"] is None:
        messages.error(request, _("The picture is still being worked out; save it once it shows."))
        return redirect(back)
    saved = save_once(
        request,
        form,
        lambda: actions.save_scenario(
            Actor.from_request(request),
            person,
            form.cleaned_data["title"],
            context["what_if"],
            context["curve"],
        ),
        lambda made: reverse("benefits:scenario", kwargs={"uuid": made.uuid}),
        _("Picture saved. It will show these same figures later."),
    )
    if saved:
        return saved
    problems = form.non_field_errors()
    messages.error(
        request, " ".join(problems) if problems else _("Give the picture a name to save it.")
    )
    return redirect(back)


@login_required
def scenario(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A saved picture, exactly as it was computed, with its date and PolicyEngine version."""
    saved = access.get_visible_or_404(
        Scenario.objects.select_related("participant__member", "created_by"),
        request.user,
        uuid=uuid,
    )
    cases.viewed(request, saved.participant)
    language = get_language() or "en"
    return render(
        request,
        "benefits/scenario.html",
        {
            "saved": saved,
            "person": saved.participant,
            "picture": presenting.picture(saved.data, saved.request, language),
            "is_participant": request.user.role == Role.PARTICIPANT,
        },
    )


@never_cache
@require(access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def money(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The family's pay, hours, child care and rent: what the calculator reads from the record."""
    person = cases.open_case(request, uuid, _with_money())
    members = list(
        access.visible_to(person.household.members.all(), request.user).order_by("birth_date", "pk")
    )
    budget = access.visible_to(
        HouseholdBudget.objects.filter(household=person.household), request.user
    ).first()
    budgets = {
        row.member_id: row
        for row in access.visible_to(MemberBudget.objects.filter(member__in=members), request.user)
    }
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else None
    household_form = HouseholdMoneyForm(
        data,
        prefix="household",
        initial={
            "monthly_rent": budget.monthly_rent if budget else 0,
            "version": budget.version if budget else 0,
        },
    )
    rows = []
    for member in members:
        row = budgets.get(member.pk) or MemberBudget(member=member)
        adult = age_on(member.birth_date, today) >= curves.ADULT_AGE
        form_class = AdultMoneyForm if adult else ChildMoneyForm
        initial = {name: getattr(row, name) for name in form_class.base_fields}
        rows.append((member, form_class(data, prefix=str(member.uuid), initial=initial)))
    if request.method == "POST":
        if household_form.is_valid() and all(form.is_valid() for _member, form in rows):
            changes = {member: form.cleaned_data for member, form in rows}
            if run_action(
                household_form,
                lambda: actions.save_money(
                    Actor.from_request(request),
                    person,
                    household_form.cleaned_data["version"],
                    household_form.cleaned_data["monthly_rent"],
                    changes,
                ),
            ):
                messages.success(request, _("Saved. The benefits picture uses these figures now."))
                return redirect("benefits:calculator", uuid=person.uuid)
    return render(
        request,
        "benefits/money.html",
        {"person": person, "household_form": household_form, "rows": rows},
    )


@never_cache
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The participant's own picture: what happens to my benefits if I earn more."""
    me = cases.open_own_case(request, _with_money())
    context = _calculator(request, me)
    context["scenarios"] = access.visible_to(Scenario.objects.filter(participant=me), request.user)
    return render(request, "benefits/mine.html", context)
