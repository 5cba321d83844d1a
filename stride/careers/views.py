"""The career pathways explorer for staff, the local partners, and "make this my goal".

The participant's own careers pages live in the portal; they share
presenting.py with these.
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stride.core import access
from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import refuse_unless, require
from stride.core.models import Role
from stride.core.submissions import save_once
from stride.people.cases import open_case
from stride.people.models import Participant

from . import actions, catalogue, presenting
from .catalogue import Industry, Ladder
from .forms import LadderGoalForm, PartnerForm, RemoveForm
from .models import LocalPartner


def _chosen_participant(request: HttpRequest) -> Participant | None:
    """The participant in ?participant=, opened as a case (access-checked, audited as a view)."""
    asked = request.GET.get("participant")
    if not asked:
        return None
    return open_case(request, asked)


def _ladder(industry: str, ladder: str) -> tuple[Industry, Ladder]:
    try:
        return catalogue.load().find(industry, ladder)
    except KeyError:
        raise Http404 from None


def _staff_only(request: HttpRequest, portal_url: str) -> HttpResponse | None:
    """Participants have their own careers pages (others without a caseload got 403)."""
    if request.user.role == Role.PARTICIPANT:
        return redirect(portal_url)
    return None


@require(access.can_see_caseloads_or_own)
def explorer(request: HttpRequest) -> HttpResponse:
    """Industries and their career ladders, ranked by a participant's interests when one is chosen."""
    elsewhere = _staff_only(request, reverse("portal:careers"))
    if elsewhere is not None:
        return elsewhere
    careers = catalogue.load()
    industry = request.GET.get("industry", "")
    if industry and industry not in {one.key for one in careers.industries}:
        industry = ""
    person = _chosen_participant(request)
    interests = presenting.interests_of(request.user, person) if person else []
    found = presenting.choices(careers, interests, industry)
    return render(
        request,
        "careers/explorer.html",
        {
            "careers": careers,
            "industry": industry,
            "person": person,
            "interests": presenting.interest_names(interests),
            "ranked": found if interests else None,
            "groups": presenting.by_industry(found),
            "url_name": "careers:ladder",
            "query": f"?participant={person.uuid}" if person else "",
        },
    )


@require(access.can_see_caseloads_or_own)
def ladder_page(request: HttpRequest, industry: str, ladder: str) -> HttpResponse:
    """One ladder, entry to advanced, with the county's partners and the supports beside it."""
    elsewhere = _staff_only(request, reverse("portal:career_ladder", args=[industry, ladder]))
    if elsewhere is not None:
        return elsewhere
    found_industry, found_ladder = _ladder(industry, ladder)
    person = _chosen_participant(request)
    counties = access.directory_counties(request.user)
    if person is not None:
        counties = counties.filter(pk=person.county_id)
    partners = presenting.partners_for(counties, industry, ladder)
    can_make_goal = person is not None and access.can_edit_cases(request.user)
    return render(
        request,
        "careers/ladder.html",
        {
            "industry": found_industry,
            "ladder": found_ladder,
            "rungs": presenting.rungs_with_partners(found_ladder, partners),
            "sources": catalogue.load().source_by_key,
            "person": person,
            "plan": presenting.plan_for(request.user, person, industry, ladder) if person else None,
            "goal_form": LadderGoalForm() if can_make_goal else None,
            "benefits_url": presenting.benefits_url(person),
            "reads_map": request.user.role in access.DIRECTORY_READER_ROLES,
            "query": f"?participant={person.uuid}" if person else "",
        },
    )


@require(access.can_edit_cases, methods=["POST"])
def make_goal(request: HttpRequest, uuid: UUID, industry: str, ladder: str) -> HttpResponse:
    """Turn the ladder into the participant's My Roadmap (once: again shows the one made)."""
    person = open_case(request, uuid)
    _ladder(industry, ladder)
    form = LadderGoalForm(request.POST)
    saved = save_once(
        request,
        form,
        lambda: actions.make_ladder_goal(
            Actor.from_request(request), person, industry, ladder, form.cleaned_data["level"]
        ),
        _roadmap_url,
        lambda made: (
            _("The roadmap is made: a big goal with the steps on the way. Plan the first one.")
            if made.created
            else _("This ladder is already a goal. Here is the roadmap.")
        ),
    )
    if saved:
        return saved
    problems = form.non_field_errors()
    messages.error(
        request, " ".join(problems) if problems else _("Choose where to start on the ladder.")
    )
    return redirect(
        f"{reverse('careers:ladder', args=[industry, ladder])}?participant={person.uuid}"
    )


def _roadmap_url(made: actions.LadderGoal) -> str:
    assert made.plan.goal is not None
    return reverse("coaching:goal", kwargs={"uuid": made.plan.goal.uuid})


# Local partners


def _kept_partner(request: HttpRequest, uuid: UUID) -> LocalPartner:
    return get_object_or_404(
        LocalPartner.objects.filter(
            county__in=access.directory_editable_counties(request.user)
        ).select_related("county"),
        uuid=uuid,
    )


def _partners_read(request: HttpRequest) -> QuerySet[LocalPartner]:
    return LocalPartner.objects.filter(
        county__in=access.directory_counties(request.user)
    ).select_related("county", "last_verified_by")


@login_required
def partners(request: HttpRequest) -> HttpResponse:
    """The county's training providers and employers on the career ladders."""
    refuse_unless(access.directory_counties(request.user).exists())
    kept = access.directory_editable_counties(request.user)
    found = _partners_read(request).order_by("industry_key", "ladder_key", "level", "name", "pk")
    ladder = request.GET.get("ladder", "")
    if "/" in ladder:
        industry_key, ladder_key = ladder.split("/", 1)
        found = found.filter(industry_key=industry_key, ladder_key=ladder_key)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    language = request.LANGUAGE_CODE
    names = {
        (one.key, rungs.key): (
            f"{one.name.in_language(language)}: {rungs.name.in_language(language)}"
        )
        for one, rungs in catalogue.load().pairs()
    }
    return render(
        request,
        "careers/partners.html",
        {
            "page": page,
            "rows": [
                (partner, names.get((partner.industry_key, partner.ladder_key), ""))
                for partner in page
            ],
            "kept_ids": set(kept.values_list("pk", flat=True)),
            "can_add": kept.count() == 1,
            "ladder": ladder,
            "ladders": sorted(
                ((f"{i}/{k}", name) for (i, k), name in names.items()), key=lambda row: row[1]
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_new(request: HttpRequest) -> HttpResponse:
    counties = access.directory_editable_counties(request.user)
    refuse_unless(counties.count() == 1)
    county = counties.get()
    initial = {"ladder": request.GET.get("ladder", ""), "level": request.GET.get("level", "")}
    form = PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: actions.add_partner(Actor.from_request(request), county, form.details()),
            lambda _partner: reverse("careers:partners"),
            _("The partner is on the county's career ladders."),
        )
        if saved:
            return saved
    return render(request, "careers/partner_form.html", {"form": form, "partner": None})


@require(access.can_keep_directories)
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    partner = _kept_partner(request, uuid)
    form = PartnerForm(request.POST or None, initial=PartnerForm.initial_for(partner))
    if request.method == "POST" and form.is_valid():
        if run_action(
            form,
            lambda: actions.change_partner(
                Actor.from_request(request),
                partner,
                form.details(),
                form.cleaned_data["version"] or 0,
            ),
        ):
            messages.success(request, _("Saved, and marked as checked today."))
            return redirect("careers:partners")
    return render(request, "careers/partner_form.html", {"form": form, "partner": partner})


@require(access.can_keep_directories)
@require_http_methods(["GET", "POST"])
def partner_remove(request: HttpRequest, uuid: UUID) -> HttpResponse:
    partner = _kept_partner(request, uuid)
    form = RemoveForm(request.POST or None, initial={"version": partner.version})
    if request.method == "POST" and form.is_valid():
        if run_action(
            form,
            lambda: actions.remove_partner(
                Actor.from_request(request), partner, form.cleaned_data["version"]
            ),
        ):
            messages.success(request, _("%(name)s is removed.") % {"name": partner.name})
            return redirect("careers:partners")
    return render(request, "careers/partner_remove.html", {"form": form, "partner": partner})
