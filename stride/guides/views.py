from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from stride.core import access
from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import require
from stride.core.models import Organisation, User
from stride.core.submissions import save_once

from . import reading, topics
from .actions import add_guide, change_guide, restore_version, set_published
from .forms import GuideEditForm, GuideFilterForm, NewGuideForm, PublishForm, RestoreForm
from .models import Guide
from .rendering import to_html


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _kept(request: HttpRequest, uuid: UUID) -> Guide:
    return get_object_or_404(reading.kept_by(_user(request)), uuid=uuid)


def _topics_of(guide: Guide) -> list[tuple[str, list[str]]]:
    """What the guide is about, by kind, in the page's language."""
    named = {
        topics.Topic.STAGE: _("Stages"),
        topics.Topic.INSTRUMENT: _("Assessments"),
        topics.Topic.AREA: _("Service areas"),
    }
    return [
        (name, labels)
        for topic, name in named.items()
        if (labels := topics.labels(topic, guide.codes(topic)))
    ]


@require(access.can_read_guides, methods={"GET", "HEAD"})
def guide_list(request: HttpRequest) -> HttpResponse:
    """The county's guides, by title; filtered by stage, assessment or service area."""
    user = _user(request)
    form = GuideFilterForm(request.GET or None)
    guides = reading.readable(user)
    if form.is_valid():
        chosen = form.cleaned_data
        guides = reading.search(guides, chosen["q"])
        for name, (topic, _anything) in GuideFilterForm.TOPICS.items():
            if chosen[name]:
                guides = reading.tied_to(guides, topic, [chosen[name]])
    rows = [
        {"guide": guide, "title": reading.title_in_language(guide)}
        for guide in guides.only("uuid", "title_en", "title_es", "published", "changed_at")
    ]
    return render(
        request,
        "guides/list.html",
        {
            "form": form,
            "rows": rows,
            "filtered": form.is_bound,
            "can_keep": access.can_keep_guides(user),
        },
    )


@require(access.can_read_guides, methods={"GET", "HEAD"})
def guide(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """One guide, in the reader's language (in English, said so, when it has no Spanish yet)."""
    user = _user(request)
    found = get_object_or_404(reading.readable(user), uuid=uuid)
    return render(
        request,
        "guides/guide.html",
        {
            "guide": found,
            "reading": reading.in_language(found),
            "topics": _topics_of(found),
            "can_keep": access.can_keep_guides(user),
            "publish_form": PublishForm(initial={"version": found.version}),
        },
    )


@require(access.can_keep_guides, methods={"GET", "POST"})
def guide_new(request: HttpRequest) -> HttpResponse:
    county = access.guide_editable_counties(_user(request)).first()
    if county is None:
        raise Http404
    form = NewGuideForm(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: _add(request, county, form),
            lambda made: reverse("guides:guide", kwargs={"uuid": made.uuid}),
            lambda made: _("Guide published.") if made.published else _("Guide saved as a draft."),
        )
        if saved:
            return saved
    return render(request, "guides/form.html", {"form": form, "guide": None})


def _add(request: HttpRequest, county: Organisation, form: NewGuideForm) -> Guide:
    return add_guide(
        Actor.from_request(request),
        county,
        form.details(),
        published=form.cleaned_data["published"],
    )


@require(access.can_keep_guides, methods={"GET", "POST"})
def guide_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    found = _kept(request, uuid)
    initial: dict[str, object] = {name: getattr(found, name) for name in Guide.WORDS}
    for topic in topics.Topic:
        initial[topic.value] = found.codes(topic)
    form = GuideEditForm(request.POST or None, initial=initial | {"version": found.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            form,
            lambda: change_guide(
                Actor.from_request(request), found, form.details(), form.cleaned_data["version"]
            ),
        )
    ):
        messages.success(request, _("Guide saved; the earlier version is kept in its history."))
        return redirect("guides:guide", uuid=found.uuid)
    return render(request, "guides/form.html", {"form": form, "guide": found})


@require(access.can_keep_guides, methods={"GET", "HEAD"})
def guide_history(request: HttpRequest, uuid: UUID) -> HttpResponse:
    found = _kept(request, uuid)
    versions = list(found.versions.select_related("written_by"))
    return render(
        request,
        "guides/history.html",
        {
            "guide": found,
            "versions": [
                {"version": version, "english": to_html(version.body_en),
                 "spanish": to_html(version.body_es) if version.body_es else ""}
                for version in versions
            ],
            "latest": versions[0].number if versions else 0,
        },
    )  # fmt: skip


@require(access.can_keep_guides, methods={"POST"})
def guide_restore(request: HttpRequest, uuid: UUID) -> HttpResponse:
    found = _kept(request, uuid)
    form = RestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a version to restore."))
        return redirect("guides:history", uuid=found.uuid)
    number = form.cleaned_data["number"]
    try:
        restore_version(Actor.from_request(request), found, number, form.cleaned_data["version"])
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("guides:history", uuid=found.uuid)
    messages.success(
        request, _("Version %(number)s is the guide's words again.") % {"number": number}
    )
    return redirect("guides:guide", uuid=found.uuid)


@require(access.can_keep_guides, methods={"POST"})
def guide_publish(request: HttpRequest, uuid: UUID) -> HttpResponse:
    found = _kept(request, uuid)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect("guides:guide", uuid=found.uuid)
    published = form.cleaned_data["published"]
    try:
        set_published(Actor.from_request(request), found, published, form.cleaned_data["version"])
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("guides:guide", uuid=found.uuid)
    messages.success(
        request,
        _("Published: the county's coaches see it now.")
        if published
        else _("Back to a draft: only you see it."),
    )
    return redirect("guides:guide", uuid=found.uuid)
