"""Appointments as .ics files, the private calendar feed and its address, for the participant
(on their own pages) and for their coach."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from stride.coaching.models import CoachingSession, Goal
from stride.core import access
from stride.core.audit import Actor, client_ip
from stride.core.guards import require
from stride.people.actions import record_export
from stride.people.cases import open_case, open_own_case
from stride.people.models import Participant

from . import calendar, postcards, wording
from .models import CalendarFeed, Channel, Consent

ICS = "text/calendar; charset=utf-8"


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _session(request: HttpRequest, uuid: UUID, person: Participant | None) -> CoachingSession:
    theirs = {"participant": person} if person is not None else {}
    return access.get_visible_or_404(
        CoachingSession.objects.select_related("participant__household").filter(
            next_appointment__isnull=False
        ),
        request.user,
        uuid=uuid,
        **theirs,
    )


def _page(request: HttpRequest, person: Participant, template: str, **more: object) -> HttpResponse:
    now = timezone.now()
    user = request.user
    feed = access.visible_to(CalendarFeed.objects.filter(participant=person), user).first()
    return render(
        request,
        template,
        {
            "person": person,
            "appointment": calendar.upcoming_appointment(
                access.visible_to(CoachingSession.objects.filter(participant=person), user), now
            ),
            "reviews": calendar.review_dates(
                access.visible_to(Goal.objects.filter(participant=person), user),
                timezone.localdate(now),
            ),
            "feed": feed,
            "postcards": postcards.active_choice(
                access.visible_to(Consent.objects.filter(participant=person), user)
            ),
            "home_address": postcards.address_of(person.household),
            "postcard_words": wording.consent_words(Channel.POSTCARD, wording.language_of(person)),
            **more,
        },
    )


def _new_address(request: HttpRequest, person: Participant) -> dict[str, str]:
    secret = calendar.make_feed_address(Actor.from_request(request), person)
    url = request.build_absolute_uri(reverse("reminders:feed", kwargs={"secret": secret}))
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


@require(access.can_see_caseloads, to_change=access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def participant_calendar(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The coach's view: the next appointment to download, and the private calendar address."""
    person = open_case(request, uuid)
    shown = _new_address(request, person) if request.method == "POST" else {}
    can_edit = access.can_edit_cases(request.user)
    return _page(request, person, "reminders/calendar.html", can_edit=can_edit, **shown)


@require(access.can_see_caseloads)
@require_GET
def appointment_ics(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """One appointment as a .ics file, for the coach to send on or add to a calendar."""
    session = _session(request, uuid, None)
    record_export(Actor.from_request(request), [session.participant])
    return _ics(
        calendar.appointment_file(session.participant, session, timezone.now()),
        "appointment.ics",
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_calendar(request: HttpRequest) -> HttpResponse:
    """The participant's own: their next appointment for their calendar, and their feed."""
    me = open_own_case(request)
    shown = _new_address(request, me) if request.method == "POST" else {}
    return _page(request, me, "reminders/my_calendar.html", can_edit=True, **shown)


@login_required
@require_GET
def my_appointment_ics(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The participant's own appointment as a .ics file."""
    me = open_own_case(request)
    session = _session(request, uuid, me)
    return _ics(calendar.appointment_file(me, session, timezone.now()), "appointment.ics")


@require_safe  # a calendar may ask with HEAD first
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The private feed a phone's calendar reads; an unknown or replaced secret is not found."""
    found = calendar.feed_for(secret)
    if found is None:
        raise Http404
    calendar.record_read(found, client_ip(request))
    response = HttpResponse(calendar.feed_file(found.participant, timezone.now()), content_type=ICS)
    response["Content-Disposition"] = 'inline; filename="coaching.ics"'
    return response
