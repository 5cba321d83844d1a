"""Postcard reminders: the participant's (or their coach's) choice, and the office's weekly
printable batch."""

from datetime import date, timedelta
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stride.core import access
from stride.core.audit import Actor
from stride.core.guards import require
from stride.people.cases import open_case, open_own_case
from stride.people.models import Participant

from . import actions, postcards
from .models import Consent, Message

HOW = {Consent.How.IN_PERSON, Consent.How.PHONE}


def _chosen_week(raw: str | None) -> date:
    """The Monday of the week asked for; next week's by default, so the cards arrive in time."""
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        day = timezone.localdate() + timedelta(days=7)
    return postcards.week_start(day)


def _change(request: HttpRequest, person: Participant, how: str) -> None:
    actor = Actor.from_request(request)
    if request.POST.get("postcards") == "stop":
        consents = access.visible_to(Consent.objects.filter(participant=person), request.user)
        standing = postcards.active_choice(consents)
        if standing is not None:
            actions.withdraw_consent(actor, standing, how)
        messages.success(request, _("No more postcards."))
        return
    try:
        postcards.choose(actor, person, how)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return
    messages.success(request, _("Postcards are on their way: reminders will come in the mail."))


@login_required
@require_POST
def my_postcards(request: HttpRequest) -> HttpResponse:
    """The participant turns their postcard reminders on or off."""
    me = open_own_case(request)
    _change(request, me, Consent.How.PORTAL)
    return redirect("reminders:my_calendar")


@require(access.can_edit_cases)
@require_POST
def participant_postcards(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The coach records the participant's choice of postcards, or that they want them no more."""
    person = open_case(request, uuid)
    how = request.POST.get("how", "")
    if request.POST.get("postcards") != "stop" and how not in HOW:
        messages.error(request, _("Say how they told you they would like postcards."))
    else:
        _change(request, person, how or Consent.How.IN_PERSON)
    return redirect("reminders:calendar", uuid=person.uuid)


def _week_messages(request: HttpRequest, monday: date, again: bool) -> list[Message]:
    return postcards.for_week(access.visible_to(Message.objects.all(), request.user), monday, again)


@require(access.can_edit_cases)
@require_GET
def batch(request: HttpRequest) -> HttpResponse:
    """The week's postcards by office: how many to print, and those printed already."""
    monday = _chosen_week(request.GET.get("week"))
    offices = postcards.by_office(_week_messages(request, monday, again=True))
    return render(
        request,
        "reminders/postcards.html",
        {"monday": monday, "sunday": monday + timedelta(days=6), "offices": offices},
    )


@require(access.can_edit_cases)
@require_POST
def batch_print(request: HttpRequest) -> HttpResponse:
    """One office's postcards for the week as a PDF, marked printed; those printed already
    only when asked for again."""
    monday = _chosen_week(request.POST.get("week"))
    again = request.POST.get("again") == "1"
    office_uuid = request.POST.get("office", "")
    chosen = [
        message
        for message in _week_messages(request, monday, again)
        if str(postcards.office_of(message.participant).uuid) == office_uuid
    ]
    cards = postcards.cards(chosen)
    back = reverse("reminders:postcards") + f"?week={monday.isoformat()}"
    if not cards:
        messages.info(request, _("There are no postcards left to print for that week."))
        return redirect(back)
    office = postcards.office_of(cards[0].message.participant)
    content = postcards.render(cards, office)
    postcards.mark_printed(Actor.from_request(request), cards)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="postcards-{monday.isoformat()}.pdf"'
    return response
